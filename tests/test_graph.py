"""The evidence graph and the culprit chain, on seed 000's real lines."""
from __future__ import annotations

import pytest

import nettrace
from nettrace import graph as g
from nettrace import products
from tests.bundlekit import manifest_for, seed000_files, write_bundle


@pytest.fixture
def G(tmp_path):
    return nettrace.graph_of(nettrace.load(write_bundle(tmp_path / "b.tar.gz")))


def test_nodes_and_relations(G):
    assert G.nodes["process:647"]["kind"] == "process"
    assert G.nodes["interface:feth4868"]["row"]["peer"] == "feth9868"
    rel = {(u, v, d["relation"]) for u, v, d in G.edges(data=True)}
    assert ("process:647", "process:535", "child_of") in rel
    assert ("process:647", "interface:feth9868", "holds") in rel
    assert ("interface:feth4868", "interface:feth9868", "peer") in rel
    assert ("interface:feth9868", "interface:feth4868", "peer") in rel
    assert ("interface:feth4868", "address:172.27.5.101", "has_address") in rel
    assert ("event:0", "process:382", "wrote") in rel
    route = "route:end:inet:0.0.0.0/0:127.0.0.1:feth4868"
    assert (route, "interface:feth4868", "via_interface") in rel
    assert (route, "address:127.0.0.1", "via_gateway") in rel
    assert ("event:0", route, "affects") in rel
    exe = "executable:/Library/Application Support/ZeroTier/One/MacEthernetTapAgent"
    assert ("process:647", exe, "runs") in rel and (exe, "product:ZeroTier", "part_of") in rel
    assert all("kind" in a for _, a in G.nodes(data=True))


def test_culprit_chain_of_the_default_route_is_the_seed_walk(G):
    route = g.default_route(G)
    assert route == "route:end:inet:0.0.0.0/0:127.0.0.1:feth4868"
    chain = g.culprit_chain(G, route)
    assert chain.nodes == [route, "interface:feth4868", "interface:feth9868", "process:647", "process:535",
                           "product:ZeroTier"]
    assert [r for _, _, r in chain.edges] == ["via_interface", "peer", "held_by", "child_of", "part_of"]
    assert "MacEthernetTapAgent (647)" in chain.sentence() and chain.sentence().endswith("ZeroTier.")
    assert "属于 ZeroTier" in chain.sentence("zh")
    culprit = g.culprit_of(G, chain)
    assert (culprit.pid, culprit.name, culprit.product) == (647, "MacEthernetTapAgent", "ZeroTier")


def test_writer_is_configd_but_the_chain_skips_the_system_proxy(G):
    route = g.default_route(G)
    (w,) = g.writers(G, route)
    assert w.nodes[-1] == "process:382" and G.nodes["process:382"]["name"] == "configd"
    assert products.is_system_proxy("configd")


def test_owner_through_the_peer_and_no_owner_for_en0(G):
    assert g.owner(G, "feth4868").nodes == ["interface:feth4868", "interface:feth9868", "process:647"]
    assert g.owner(G, "en0").nodes == ["interface:en0"]
    wifi = [n for n in g.route_nodes(G, "end", "0.0.0.0/0") if n.endswith(":en0")][0]
    assert g.culprit_chain(G, wifi).nodes == [wifi, "interface:en0"]


def test_without_lsof_the_chain_stops_at_the_interface(tmp_path):
    files = seed000_files()
    del files["end/lsof.out"]
    G = nettrace.graph_of(nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest_for(files))))
    chain = g.culprit_chain(G, g.default_route(G))
    assert chain.nodes == ["route:end:inet:0.0.0.0/0:127.0.0.1:feth4868", "interface:feth4868"]
    assert g.culprit_of(G, chain) is None


@pytest.mark.parametrize("exe,name,product", [
    ("/Library/Application Support/ZeroTier/One/zerotier-one", "zerotier-one", "ZeroTier"),
    ("/Applications/Tailscale.app/Contents/PlugIns/IPNExtension.appex/Contents/MacOS/IPNExtension", "IPNExtension", "Tailscale"),
    ("/opt/homebrew/bin/openconnect", "openconnect", "OpenConnect"),
    ("/opt/cisco/secureclient/bin/vpnagentd", "vpnagentd", "Cisco Secure Client (AnyConnect)"),
    ("/Applications/GlobalProtect.app/Contents/Resources/PanGPS", "PanGPS", "GlobalProtect"),
    ("/Applications/Clash Verge.app/Contents/MacOS/verge-mihomo", "verge-mihomo", "Clash Verge / mihomo"),
    ("/Applications/Docker.app/Contents/MacOS/com.docker.backend", "com.docker.backend", "Docker Desktop"),
    ("/usr/libexec/configd", "configd", "macOS"),
    ("/usr/local/bin/mytunnel", "mytunnel", None),
])
def test_product_catalog(exe, name, product):
    assert products.match(exe, name).name == product
