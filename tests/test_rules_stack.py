"""Rule ``local-stack-inconsistency`` (nettrace/rules/stack.py, seed 003): the gateway is in the ARP
cache, yet sending to it fails with "No route to host" before a packet leaves the Mac."""
from __future__ import annotations

from nettrace import findings_of
from nettrace.rules import skipped_of

from tests.bundlekit import healthy, ping_out

ARP = ("? (10.68.255.254) at 5c:e9:31:0b:aa:01 on en0 ifscope [ethernet]\n"
       "? (10.68.3.3) at 9a:7e:33:c1:05:6f on en0 ifscope [ethernet]\n")
NO_ROUTE = "ping: sendto: No route to host"


def stack(b):
    return [f for f in findings_of(b) if f.id == "local-stack-inconsistency"]


def test_known_gateway_unreachable_locally_is_critical_and_root_works(tmp_path):
    files = {"probe/user/probe_ping@10.68.255.254.out": ping_out("10.68.255.254", ok=False),
             "probe/user/probe_ping@10.68.255.254.err": f"{NO_ROUTE}\n" * 3,
             "probe/root/probe_ping@10.68.255.254.out": ping_out("10.68.255.254")}
    [f] = stack(healthy(tmp_path, arp=ARP, files=files))
    assert f.severity == "critical" and f.severity_reason == "why.stack_no_route"
    assert (f.params["gateway"], f.params["mac"]) == ("10.68.255.254", "5c:e9:31:0b:aa:01")
    assert f.params["user_fails_root_ok"] == "yes" and "ping" in f.params["tools"]
    flush = [r for r in f.remedy if r.command == "sudo arp -d -a"]
    assert flush and flush[0].safe_because and any(ref.startswith("probe:") for ref in f.facts)


def test_gateway_answering_is_no_finding(tmp_path):
    files = {"probe/user/probe_ping@10.68.255.254.out": ping_out("10.68.255.254")}
    assert stack(healthy(tmp_path, arp=ARP, files=files)) == []


def test_no_route_to_another_host_is_not_this_pattern(tmp_path):
    files = {"probe/user/probe_ping@10.9.9.9.out": ping_out("10.9.9.9", ok=False),
             "probe/user/probe_ping@10.9.9.9.err": f"{NO_ROUTE}\n"}
    assert stack(healthy(tmp_path, arp=ARP, files=files)) == []


def test_skipped_without_arp(tmp_path):
    b = healthy(tmp_path)
    assert stack(b) == [] and any(s.rule == "local-stack-inconsistency" and "arp" in s.missing
                                  for s in skipped_of(b))
