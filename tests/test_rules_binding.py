"""Rule ``interface-binding-bypassed`` (nettrace/rules/binding.py): a live tunnel carries the Internet
and en0 has no scoped default; a warning only when a probe through the tunnel failed."""
from __future__ import annotations

from nettrace import findings_of

from tests.bundlekit import HEALTHY_IFCONFIG, HEALTHY_NETSTAT, healthy
from tests.test_rules_routing import UTUN4, WG_LSOF, WG_PS, one

SPLIT = HEALTHY_NETSTAT.replace(
    "127                127.0.0.1          UCS                   lo0       \n",
    "0/1                10.13.13.2         UGSc                utun4       \n"
    "127                127.0.0.1          UCS                   lo0       \n"
    "128.0/1            10.13.13.2         UGSc                utun4       \n")
TRACE_SILENT = "".join(f" {i}  *\n" for i in range(1, 9))


def tun(tmp_path, **members):
    base = {"netstat": SPLIT, "ifconfig": HEALTHY_IFCONFIG + UTUN4, "ps": WG_PS, "lsof": WG_LSOF}
    return healthy(tmp_path, **{**base, **members})


def test_tunnel_over_en0_without_scoped_default_is_info_when_nothing_failed(tmp_path):
    f = one(tun(tmp_path), "interface-binding-bypassed")
    assert f.severity == "info" and f.severity_reason == "why.bound_no_harm"
    assert (f.params["tun"], f.params["physical"]) == ("utun4", "en0")
    assert not [r for r in f.remedy if r.changes_system]


def test_failed_probe_through_the_tunnel_makes_it_a_warning(tmp_path):
    files = {"probe/user/probe_traceroute@1.1.1.1.out": TRACE_SILENT}
    f = one(tun(tmp_path, files=files), "interface-binding-bypassed")
    assert f.severity == "warning" and f.severity_reason == "why.bound_probe_failed"
    assert any(ref.startswith("probe:probe/user/probe_traceroute@1.1.1.1.out") for ref in f.facts)


def test_a_scoped_en0_default_means_binding_works(tmp_path):
    netstat = SPLIT.replace("default            10.68.255.254      UGScg                 en0       \n",
                            "default            10.68.255.254      UGScg                 en0       \n"
                            "default            10.68.255.254      UGScIg                en0       \n")
    b = tun(tmp_path, netstat=netstat, files={"probe/user/probe_traceroute@1.1.1.1.out": TRACE_SILENT})
    assert not [f for f in findings_of(b) if f.id == "interface-binding-bypassed"]


def test_plain_wifi_has_no_binding_finding(tmp_path):
    assert not [f for f in findings_of(healthy(tmp_path)) if f.id == "interface-binding-bypassed"]
