"""Rule ``vpn-residue`` (nettrace/rules/residue.py): traffic routes into a third-party tunnel that is
gone or that nobody holds, host routes pinned to an unreachable gateway; Apple's tunnels never."""
from __future__ import annotations

from nettrace import findings_of

from tests.bundlekit import HEALTHY_IFCONFIG, HEALTHY_NETSTAT, healthy

LO = "127                127.0.0.1          UCS                   lo0       \n"


def with_routes(*rows: str) -> str:
    return HEALTHY_NETSTAT.replace(LO, LO + "".join(rows))


UTUN5 = ("utun5: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380\n"
         "\tinet 10.8.0.6 --> 10.8.0.5 netmask 0xffffffff\n")
UTUN4_LL = ("utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380\n"
            "\tinet6 fe80::c288:4830:dda0:ffb0%utun4 prefixlen 64 scopeid 0x14 \n")


def found(b, fid="vpn-residue"):
    return [f for f in findings_of(b) if f.id == fid]


def test_routes_into_a_vanished_tunnel_are_a_warning_with_safe_deletes(tmp_path):
    b = healthy(tmp_path, netstat=with_routes("59.78.176/20       utun6              USc                 utun6       \n"))
    [f] = found(b)
    assert f.severity == "warning" and f.severity_reason == "why.residue_routes"
    assert f.params["missing"] == "utun6" and "interface:utun6" in f.facts
    deletes = [r for r in f.remedy if r.command == "sudo route -n delete -net 59.78.176.0/20"]
    assert deletes and deletes[0].changes_system and "no longer exists" in deletes[0].to_dict()["safe_because"]
    assert "utun6" in f.summary("zh") and "utun6" in f.summary("en")


def test_dead_routes_covering_the_internet_are_critical(tmp_path):
    b = healthy(tmp_path, netstat=with_routes("0/1                utun6              USc                 utun6       \n",
                                              "128.0/1            utun6              USc                 utun6       \n"))
    [f] = found(b)
    assert f.severity == "critical" and f.severity_reason == "why.residue_internet"


def test_host_route_through_a_gateway_on_no_current_subnet(tmp_path):
    b = healthy(tmp_path, netstat=with_routes("222.66.117.109     10.51.0.1          UGHS                  en0       \n"))
    [f] = found(b)
    assert f.severity == "warning" and f.severity_reason == "why.stale_host"
    assert f.params["stale_hosts"] == "222.66.117.109 via 10.51.0.1"
    assert any(r.command == "sudo route -n delete -host 222.66.117.109" and r.safe_because for r in f.remedy)


def test_vpn_server_host_route_through_the_current_gateway_is_normal(tmp_path):
    b = healthy(tmp_path, netstat=with_routes("45.76.183.20       10.68.255.254      UGHS                  en0       \n"))
    assert found(b) == []


def test_ownerless_third_party_tunnel_carrying_routes(tmp_path):
    netstat = with_routes("10.8/16            10.8.0.5           UGSc                utun5       \n")
    [f] = found(healthy(tmp_path, netstat=netstat, ifconfig=HEALTHY_IFCONFIG + UTUN5))
    assert f.params["ownerless"] == "utun5" and f.severity == "warning"
    # without lsof nobody can say the tunnel is ownerless
    assert found(healthy(tmp_path, name="nolsof", netstat=netstat, ifconfig=HEALTHY_IFCONFIG + UTUN5, lsof=None)) == []


def test_apples_tunnels_and_their_scoped_defaults_are_never_residue(tmp_path):
    b = healthy(tmp_path)
    assert found(b) == [] and found(b, "tunnel-interfaces-idle") == []


def test_an_idle_third_party_tunnel_is_info_only(tmp_path):
    b = healthy(tmp_path, ifconfig=HEALTHY_IFCONFIG + UTUN4_LL)
    [f] = found(b, "tunnel-interfaces-idle")
    assert f.severity == "info" and f.params["interfaces"] == "utun4" and found(b) == []
