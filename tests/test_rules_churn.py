"""Rule ``route-churn`` (nettrace/rules/churn.py): a route added and deleted again and again; critical
only when ping loss coincides with churn of an unscoped Internet route, info when nothing was lost."""
from __future__ import annotations

from nettrace import findings_of
from nettrace.rules import skipped_of

from tests.bundlekit import host

FETH_DEFAULT = " default localhost default index: 25  172.27.5.101"
LINK_LOCAL = " fe80::%awdl0 fe80::1c:1d%awdl0 ffff:ffff:ffff:ffff:: index: 11  fe80::1c:1d%awdl0"


def monitor(events) -> str:
    """route -n monitor messages (real format, as in seed 000), each prefixed by its capture time.

    *events*: (minute:second after 02:15 UTC, "ADD" | "DELETE", sockaddr line)."""
    out = []
    for i, (ms, kind, addrs) in enumerate(events):
        stamp = f"2025-12-28T02:{ms}Z"
        local = f"Sun Dec 28 10:{ms} 2025"  # +0800, the manifest's timezone
        verb, flags = ("Add Route", "UP,GATEWAY,DONE,STATIC") if kind == "ADD" else ("Delete Route",
                                                                                  "GATEWAY,DONE,STATIC")
        for line in (f"got message of size 176 on {local}",
                     f"RTM_{kind}: {verb}: len 176, pid: 382, seq {1954 + i}, errno 0, flags:<{flags}>",
                     "locks:  inits: ", "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>", addrs, ""):
            out.append(f"{stamp}\t{line}\n")
    return "".join(out)


def pings(lost: set[int]) -> str:
    lines = ["2025-12-28T02:15:20Z\tPING 1.1.1.1 (1.1.1.1): 56 data bytes\n"]
    for s in range(20, 60):
        stamp = f"2025-12-28T02:15:{s:02d}Z"
        lines.append(f"{stamp}\tRequest timeout for icmp_seq {s - 20}\n" if s in lost else
                     f"{stamp}\t64 bytes from 1.1.1.1: icmp_seq={s - 20} ttl=50 time=17.2 ms\n")
    return "".join(lines)


CHURN = [("15:27", "ADD", FETH_DEFAULT), ("15:35", "DELETE", FETH_DEFAULT), ("15:42", "ADD", FETH_DEFAULT),
         ("15:50", "DELETE", FETH_DEFAULT), ("15:55", "ADD", FETH_DEFAULT)]


def churn(b):
    return [f for f in findings_of(b) if f.id == "route-churn"]


def test_churn_of_the_default_with_ping_loss_is_critical(tmp_path):
    b = host(tmp_path, monitor=monitor(CHURN), files={"stream/ping_stream@1.1.1.1.out": pings({35, 36, 50, 51})})
    [f] = churn(b)
    assert f.severity == "critical" and f.severity_reason == "why.churn_internet_loss"
    assert (f.params["adds"], f.params["deletes"]) == (3, 2) and f.params["loss_windows"] >= 1
    assert f.culprit.product == "ZeroTier" and "configd (pid 382)" in f.params["writers"]
    assert any(ref.startswith("probe:stream/ping_stream@1.1.1.1.out") for ref in f.facts)


def test_the_same_churn_without_loss_is_only_info(tmp_path):
    b = host(tmp_path, monitor=monitor(CHURN), files={"stream/ping_stream@1.1.1.1.out": pings(set())})
    [f] = churn(b)
    assert f.severity == "info" and f.severity_reason == "why.churn_no_loss"
    assert not [r for r in f.remedy if r.changes_system]


def test_link_local_scaffolding_churn_is_not_counted(tmp_path):
    events = [(ms, kind, LINK_LOCAL) for ms, kind, _ in CHURN]
    b = host(tmp_path, monitor=monitor(events), files={"stream/ping_stream@1.1.1.1.out": pings({35, 36})})
    assert churn(b) == []


def test_skipped_without_a_route_monitor_stream(tmp_path):
    b = host(tmp_path, monitor=None)
    assert churn(b) == [] and any(s.rule == "route-churn" for s in skipped_of(b))
