"""The facts layer: the route Internet traffic takes (unscoped longest prefix), interface kinds from
the stock-Mac model (nettrace/data/macos.json) with their evidence, owners, route roles, failed
probes — on small hosts from tests/bundlekit.py, real corpus tables and the shipped samples."""
from __future__ import annotations

import json
import re
from importlib import resources

import pytest

import nettrace
from tests.bundlekit import IFCONFIG, NETSTAT, host
from tests.conftest import CORPUS, SAMPLES, corpus_text

APPLE_UTUN = """utun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380
	inet6 fe80::a200:a210:a220:a230%utun0 prefixlen 64 scopeid 0x8 
	nd6 options=201<PERFORMNUD,DAD>
"""


def test_internet_route_skips_the_scoped_default_and_facts_are_cached(tmp_path):
    b = host(tmp_path)
    f = nettrace.facts_of(b)
    assert nettrace.facts_of(b) is f
    top = f.internet["inet"]
    assert (top.destination, top.gateway, top.netif, top.scoped) == ("default", "127.0.0.1", "feth4868", False)
    scoped = f.scoped_default("en0")
    assert scoped is not None and scoped.flags == "UGScIg" and scoped.role == "scoped"
    roles = dict(zip(f.routes["destination"] + " " + f.routes["netif"], f.routes["role"]))
    assert roles["10.68/16 en0"] == "traffic" and roles["127 lo0"] == "scaffolding"


def test_a_scoped_route_never_captures_unscoped_traffic(tmp_path):
    netstat = NETSTAT.replace("default            127.0.0.1          UGScg            feth4868 \n",
                              "default            127.0.0.1          UGScIg           feth4868 \n")
    f = nettrace.facts_of(host(tmp_path, netstat=netstat))
    assert f.internet["inet"].netif == "en0"
    assert f.route_for("8.8.8.8").gateway == "10.68.255.254"


def test_longest_prefix_wins_over_the_default(tmp_path):
    netstat = NETSTAT + "8/5                10.68.0.9          UGSc                  en0       \n"
    f = nettrace.facts_of(host(tmp_path, netstat=netstat))
    assert f.route_for("8.8.8.8").destination == "8/5"
    assert f.route_for("1.1.1.1").destination == "default"
    assert f.route_for("10.68.3.4").destination == "10.68/16"
    assert f.find_route("10.68/16").cidr == "10.68.0.0/16"
    assert f.route_for("not-an-address") is None


def test_interface_kinds_and_owner_chain(tmp_path):
    f = nettrace.facts_of(host(tmp_path, ifconfig=IFCONFIG + APPLE_UTUN))
    feth = f.interface("feth4868")
    assert feth.kind == "overlay" and feth.owner.product == "ZeroTier"
    assert (feth.owner.pid, feth.owner.name) == (647, "MacEthernetTapAgent")
    assert f.interface("en0").kind == "hardware" and f.interface("lo0").kind == "loopback"
    utun = f.interface("utun0")
    assert (utun.kind, utun.model) == ("apple", "apple-utun") and utun.owner is None
    assert "only link-local IPv6" in utun.evidence and "no third-party owner in lsof" in utun.evidence
    assert f.is_apple("utun0") and not f.is_apple("feth4868")


def test_a_low_utun_with_an_ipv4_address_or_a_third_party_holder_is_not_apples(tmp_path):
    v4 = APPLE_UTUN + "\tinet 10.8.0.2 --> 10.8.0.1 netmask 0xffffff00\n"
    assert nettrace.facts_of(host(tmp_path, name="v4", ifconfig=IFCONFIG + v4)).interface("utun0").kind == "tunnel"
    ps = ("  PID  PPID   UID USER             STARTED COMMAND\n"
          "  900     1     0 root             Sun Dec 28 09:58:03 2025 /Applications/WireGuard.app/Contents/"
          "PlugIns/WireGuardNetworkExtension.appex/Contents/MacOS/WireGuardNetworkExtension\n")
    lsof = ("COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME\n"
            "WireGuard  900   root    5u  systm 0x1b2c3d4e5f6a7b8c       0t0           "
            "[ctl com.apple.net.utun_control id 7 unit 1]\n")
    f = nettrace.facts_of(host(tmp_path, name="held", ifconfig=IFCONFIG + APPLE_UTUN, ps=ps, lsof=lsof))
    if f.owner("utun0") is None:
        pytest.skip("this lsof form names no interface")
    assert f.interface("utun0").kind == "tunnel" and f.owner("utun0").product == "WireGuard"


def test_route_to_an_interface_absent_from_ifconfig(tmp_path):
    netstat = NETSTAT + "59.78.176/20       utun6              USc                 utun6       \n"
    f = nettrace.facts_of(host(tmp_path, netstat=netstat))
    utun6 = f.interface("utun6")
    assert utun6.exists is False and utun6.kind == "tunnel" and "absent from ifconfig" in utun6.evidence


def test_tun_proxy_sample_internet_goes_through_the_tunnel():
    f = nettrace.facts_of(nettrace.load(SAMPLES / "002-tun-proxy-over-en0.tar.gz"))
    assert f.internet["inet"].netif == "utun1024" and f.internet["inet6"].netif == "utun1024"
    assert {r.netif for r in f.internet_routes["inet"]} == {"utun1024"}
    assert f.route_for("8.8.8.8").destination == "8/5"
    assert f.interface("utun1024").owner.product == "Clash Verge / mihomo"
    assert [i.name for i in f.interfaces_of("apple") if i.model == "apple-utun"] == ["utun0", "utun1", "utun2",
                                                                                      "utun3"]
    # Apple's utun scoped defaults are scoped, never the IPv6 Internet route
    assert set(f.routes[f.routes["netif"].isin(["utun0"]) & f.routes["is_default"]]["role"]) == {"scoped"}


def test_failed_probes_say_how():
    f = nettrace.facts_of(nettrace.load(SAMPLES / "003-arp-stack-inconsistency.tar.gz"))
    hows = set(zip(f.failed_probes["tool"], f.failed_probes["target"], f.failed_probes["how"]))
    assert ("ping", "192.168.3.1", "no_route") in hows and ("traceroute", "223.5.5.5", "error") in hows
    assert nettrace.facts_of(nettrace.load(SAMPLES / "001-zerotier-feth-address.tar.gz")).failed_probes.empty


def test_real_macos_26_table_apple_tunnels_and_internet(tmp_path):
    netstat = corpus_text("netstat", "getmac-macos_26.6.2-netstat_-rn.out")
    ifconfig = corpus_text("ifconfig", "getmac-macos_26.6.2-ifconfig_-a.out")
    f = nettrace.facts_of(host(tmp_path, base=False, netstat=netstat, ifconfig=ifconfig))
    assert f.internet["inet"].netif == "en0" and f.internet["inet"].gateway == "198.51.100.1"
    assert {n: f.interface(n).kind for n in ("utun0", "utun1", "utun2", "utun3", "anpi0", "gif0", "stf0")} == {
        n: "apple" for n in ("utun0", "utun1", "utun2", "utun3", "anpi0", "gif0", "stf0")}
    assert f.internet["inet6"] is None or not f.internet["inet6"].netif.startswith("utun")


def _model():
    return json.loads(resources.files("nettrace").joinpath("data/macos.json").read_text(encoding="utf-8"))


def test_every_model_entry_cites_a_source_and_corpus_sources_exist():
    m = _model()
    entries = m["interfaces"] + m["processes"]["entries"] + m["route_scaffolding"]["networks"]
    for e in entries:
        assert e.get("source"), e
        for src in e["source"]:
            if re.match(r"^[a-z_]+/[^ ]+\.out$", src) and CORPUS.is_dir():
                assert (CORPUS / src).is_file(), src
    for e in m["interfaces"]:
        assert e["kind"] in nettrace.facts.KINDS, e
        re.compile(e["pattern"])


def test_products_catalog_has_no_second_apple_interface_list():
    cat = json.loads(resources.files("nettrace").joinpath("data/products.json").read_text(encoding="utf-8"))
    mac = [p for p in cat["products"] if p["name"] == "macOS"]
    assert mac and not mac[0].get("interface_patterns")
    assert "system_proxies" not in cat


def test_explain_names_the_route_internet_traffic_takes(capsys):
    from nettrace.cli import main

    s002 = str(SAMPLES / "002-tun-proxy-over-en0.tar.gz")
    assert main(["explain", s002]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "utun1024" in first and "Clash Verge / mihomo" in first and "(en0)" not in first
    assert main(["explain", s002, "--route", "8.8.8.8", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"].startswith("route:end:inet:8.0.0.0/5:198.18.0.1:utun1024")
    assert (data["route"]["role"], data["route"]["scoped"], data["route"]["covers_internet"]) == ("traffic", False, True)
    assert main(["explain", s002, "--route", "192.168.31.40", "--format", "json"]) == 0
    assert ":192.168.31.0/24:" in json.loads(capsys.readouterr().out)["target"]


def test_healthy_samples_interface_kinds():
    def f(name):
        return nettrace.facts_of(nettrace.load(SAMPLES / f"{name}.tar.gz"))

    vm, sharing, overlays = f("healthy-vm-bridges"), f("healthy-internet-sharing"), f("healthy-overlays-zerotier-tailscale")
    # vmnet's shared mode runs bootpd too: only InternetSharing makes bridge100 Internet Sharing's
    assert vm.interface("bridge100").kind == "vm-bridge" and vm.interface("vmenet0").kind == "vm-bridge"
    assert (sharing.interface("bridge100").kind, sharing.interface("bridge100").model) == ("apple", "internet-sharing")
    # nesessionmanager holds the NE's utun control socket too; the provider is the owner
    assert overlays.owner("utun4").product == "Tailscale" and overlays.interface("feth4017").kind == "overlay"
    assert f("healthy-ikev2-vpn").interface("ipsec0").model == "ipsec-ike"
