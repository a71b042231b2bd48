"""Every sample bundle in data/samples/ (made by `make samples`: the real capture script on the fake
Mac, from the scenarios under tests/scenarios/) yields the finding its seed describes, with the
right culprit and evidence that exists at the cited file and line; the healthy Macs yield nothing
above info."""
from __future__ import annotations

from functools import lru_cache

import pytest

import nettrace
from nettrace import graph as g
from tests.conftest import SAMPLES

SEEDS = ["000-zerotier-loopback-default", "001-zerotier-feth-address", "002-tun-proxy-over-en0",
         "003-arp-stack-inconsistency", "004-openconnect-residue"]
# every healthy Mac of tests/scenarios/healthy-*/ (tests/test_healthy.py checks they stay quiet)
ALL = SEEDS + sorted(p.name[: -len(".tar.gz")] for p in SAMPLES.glob("healthy-*.tar.gz"))


@lru_cache(maxsize=None)
def sample(name: str):
    path = SAMPLES / f"{name}.tar.gz"
    assert path.is_file(), f"{path} is missing: run `make samples`"
    return nettrace.load(path)


def by_id(name: str) -> dict:
    out = {}
    for f in nettrace.findings_of(sample(name)):
        out.setdefault(f.id, f)
    return out


@pytest.mark.parametrize("name", ALL)
def test_sample_reads_cleanly(name):
    b = sample(name)
    assert b.manifest["schema_version"] == 1
    assert set(b.integrity["status"]) == {"ok"}
    assert {"routes", "interfaces", "processes", "route_events", "pings"} <= set(b.frames)


@pytest.mark.parametrize("name", ALL)
def test_every_evidence_line_is_in_the_bundle_at_the_cited_place(name):
    b = sample(name)
    for f in nettrace.findings_of(b):
        for e in f.evidence:
            assert e.line is not None, (f.id, e)
            assert e.text and b.line(e.file, e.line).rstrip() == e.text, (f.id, e)


def test_000_black_hole_default_by_zerotier():
    f = by_id("000-zerotier-loopback-default")
    hole = f["default-route-black-hole"]
    assert hole.severity == "critical"
    assert (hole.culprit.pid, hole.culprit.name, hole.culprit.product) == (647, "MacEthernetTapAgent", "ZeroTier")
    texts = "\n".join(e.text for e in hole.evidence)
    assert "default            127.0.0.1          UGScg            feth4868" in texts
    assert "RTM_ADD" not in texts or "pid: 382" in texts
    assert "-> feth9868" in texts
    assert "configd (pid 382)" in hole.params["writers"]
    assert hole.params["physical"] == "en0"
    churn = f["route-churn"]
    assert churn.culprit.product == "ZeroTier" and "configd (pid 382)" in churn.params["writers"]
    assert churn.params["loss_windows"] >= 1


def test_000_culprit_chain_is_the_seed_walk():
    G = nettrace.graph_of(sample("000-zerotier-loopback-default"))
    route = g.default_route(G)
    assert g.culprit_chain(G, route).nodes == [
        route, "interface:feth4868", "interface:feth9868", "process:647", "process:535", "product:ZeroTier"]


def test_001_feth_address_attributed_to_zerotier():
    f = by_id("001-zerotier-feth-address")["address-confusion"]
    assert f.severity == "warning"
    assert (f.params["address"], f.params["interface"]) == ("10.147.20.93", "feth3846")
    assert f.culprit.product == "ZeroTier" and "java" in f.params["programs"]
    assert f.params["primary"] == "192.168.1.23"


def test_002_tun_proxy_bypasses_interface_binding():
    f = by_id("002-tun-proxy-over-en0")
    bypass = f["interface-binding-bypassed"]
    assert bypass.severity == "warning"
    assert (bypass.params["tun"], bypass.params["physical"]) == ("utun1024", "en0")
    assert bypass.culprit.product == "Clash Verge / mihomo" and bypass.culprit.name == "verge-mihomo"
    assert "default-route-black-hole" not in f


def test_003_stack_inconsistency():
    f = by_id("003-arp-stack-inconsistency")["local-stack-inconsistency"]
    assert f.severity == "critical" and f.params["gateway"] == "192.168.3.1"
    assert f.params["mac"] == "e4:3a:6e:31:72:34" and f.params["user_fails_root_ok"] == "yes"
    texts = "\n".join(e.text for e in f.evidence)
    assert "sendto: No route to host" in texts and "findsaddr: write: No such process" in texts
    flush = [r for r in f.remedy if r.command == "sudo arp -d -a"]
    assert flush and flush[0].changes_system and "Last resort" in flush[0].to_dict()["why"]


def test_004_openconnect_residue():
    f = by_id("004-openconnect-residue")["vpn-residue"]
    assert f.severity == "warning"
    assert f.params["missing"] == "utun6"
    assert f.params["stale_hosts"] == "222.66.117.109 via 10.51.0.1"
    assert f.culprit.product == "OpenConnect" and f.culprit.pid is not None  # from the logs: the process is gone
    assert any(e.file == "log/log_show.ndjson" for e in f.evidence)
    commands = [r.command for r in f.remedy]
    assert "sudo route -n delete -host 222.66.117.109" in commands
    assert all(r.changes_system for r in f.remedy if r.command.startswith("sudo route"))


def test_healthy_wifi_only_has_no_third_party_route_owner():
    G = nettrace.graph_of(sample("healthy-wifi-only"))
    for route in g.route_nodes(G, "end"):
        chain = g.culprit_chain(G, route)
        culprit = g.culprit_of(G, chain)
        assert culprit is None or culprit.product == "macOS", (route, chain.nodes)


def test_000_frames_show_the_evidence():
    b = sample("000-zerotier-loopback-default")
    routes = b.latest("routes")
    top = routes[routes["is_default"] & (routes["family"] == "inet")].sort_values("rank").iloc[0]
    assert (top["gateway"], top["netif"], top["rank"]) == ("127.0.0.1", "feth4868", 0)
    ev = b.frame("route_events")
    add = ev[(ev["type"] == "RTM_ADD") & (ev["seq"] == 1954)].iloc[0]
    assert (add["pid"], add["ifa"], add["index"], add["interface"]) == (382, "172.27.5.101", 25, "feth4868")
    ifs = b.latest("interfaces").set_index("name")
    assert ifs.loc["feth4868", "peer"] == "feth9868" and ifs.loc["feth4868", "kind"] == "feth"
    of = b.latest("open_files")
    ndrv = of[(of["pid"] == 647) & (of["type"] == "ndrv")].iloc[0]
    assert ndrv["interface"] == "feth9868"
    assert b.line(ndrv["file"], ndrv["line"]).endswith("-> feth9868")
