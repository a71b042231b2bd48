"""Rule ``pf-third-party`` (nettrace/rules/pf.py): non-Apple pf anchors are info on a working Mac
(a VPN's kill switch) and a warning only while probes fail."""
from __future__ import annotations

from nettrace import findings_of

from tests.bundlekit import healthy, ping_out

PF = """TRANSLATION RULES:
nat-anchor "com.apple/*" all

FILTER RULES:
scrub-anchor "com.apple/*" all fragment reassemble
anchor "com.apple/*" all
anchor "mullvad" all
block drop out quick all

INFO:
Status: Enabled for 0 days 00:12:01           Debug: Urgent
"""
APPLE_ONLY = PF.replace('anchor "mullvad" all\nblock drop out quick all\n', "")


def pf(b):
    return [f for f in findings_of(b) if f.id == "pf-third-party"]


def test_kill_switch_on_a_working_mac_is_info(tmp_path):
    [f] = pf(healthy(tmp_path, pf=PF, files={"probe/user/probe_ping@1.1.1.1.out": ping_out("1.1.1.1")}))
    assert f.severity == "info" and f.severity_reason == "why.pf_no_failures" and "mullvad" in f.summary("en")


def test_third_party_rules_while_probes_fail_are_a_warning(tmp_path):
    [f] = pf(healthy(tmp_path, pf=PF, files={"probe/user/probe_ping@1.1.1.1.out": ping_out("1.1.1.1", ok=False)}))
    assert f.severity == "warning" and f.severity_reason == "why.pf_with_failures"
    assert any(r.startswith("probe:probe/user/probe_ping@1.1.1.1.out") for r in f.facts)


def test_apples_own_anchors_are_nothing(tmp_path):
    assert pf(healthy(tmp_path, pf=APPLE_ONLY)) == []
