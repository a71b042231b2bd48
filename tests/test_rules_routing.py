"""Rule ``default-route`` (nettrace/rules/routing.py) on small fake Macs: the route Internet traffic
takes points into a black hole or a dead tunnel (critical), or through a live tunnel (info)."""
from __future__ import annotations

from nettrace import findings_of
from nettrace.rules import skipped_of

from tests.bundlekit import HEALTHY_IFCONFIG, HEALTHY_NETSTAT, NETSTAT, healthy, host

WG_PS = ("  PID  PPID   UID USER             STARTED COMMAND\n"
         "    1     0     0 root             Sun Dec 28 09:58:01 2025 /sbin/launchd\n"
         "  900     1     0 root             Sun Dec 28 09:58:03 2025 /Applications/WireGuard.app/Contents/PlugIns/"
         "WireGuardNetworkExtension.appex/Contents/MacOS/WireGuardNetworkExtension\n")
WG_LSOF = ("COMMAND    PID            USER  FD   TYPE             DEVICE SIZE/OFF                NODE NAME\n"
           "WireGuard  900            root   5u  systm 0x1b2c3d4e5f6a7b8c      0t0                     "
           "[ctl com.apple.net.utun_control id 6 unit 5]\n")
UTUN4 = ("utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1420\n"
         "\tinet 10.13.13.2 --> 10.13.13.2 netmask 0xffffffff\n")
FULL_TUNNEL = HEALTHY_NETSTAT.replace(
    "default            10.68.255.254      UGScg                 en0       \n",
    "default            link#22            UCSg                utun4       \n"
    "default            10.68.255.254      UGScIg                en0       \n")


def ids(b):
    return {(f.id, f.severity) for f in findings_of(b)}


def one(b, fid):
    found = [f for f in findings_of(b) if f.id == fid]
    assert len(found) == 1, [(f.id, f.severity) for f in findings_of(b)]
    return found[0]


def test_loopback_default_is_a_critical_black_hole_with_its_owner(tmp_path):
    f = one(host(tmp_path), "default-route-black-hole")
    assert f.severity == "critical" and f.severity_reason == "why.black_hole"
    assert f.culprit.product == "ZeroTier" and f.params["physical"] == "en0"
    assert "internet:inet" in f.facts and "interface:feth4868" in f.facts
    assert "loopback" in f.reason("en") and "回环" in f.reason("zh")
    assert all(r.safe_because for r in f.remedy if r.changes_system)


def test_a_scoped_loopback_default_captures_nothing(tmp_path):
    scoped = NETSTAT.replace("default            127.0.0.1          UGScg            feth4868 ",
                             "default            127.0.0.1          UGScIg           feth4868 ")
    assert not {i for i in ids(host(tmp_path, netstat=scoped)) if i[0].startswith("default-route")}


def test_healthy_wifi_mac_with_apples_tunnels_has_no_routing_finding(tmp_path):
    assert not [i for i in ids(healthy(tmp_path)) if i[0].startswith("default-route")]


def test_full_tunnel_vpn_held_by_a_live_process_is_info(tmp_path):
    b = healthy(tmp_path, netstat=FULL_TUNNEL, ifconfig=HEALTHY_IFCONFIG + UTUN4, ps=WG_PS, lsof=WG_LSOF)
    f = one(b, "default-route-virtual")
    assert f.severity == "info" and f.severity_reason == "why.tunnel_live_owner"
    assert f.culprit.product == "WireGuard" and not [r for r in f.remedy if r.changes_system]


def test_full_tunnel_into_a_tunnel_nobody_holds_is_critical(tmp_path):
    b = healthy(tmp_path, netstat=FULL_TUNNEL, ifconfig=HEALTHY_IFCONFIG + UTUN4)  # lsof: only Apple's
    f = one(b, "default-route-hijacked")
    assert f.severity == "critical" and f.severity_reason == "why.into_ownerless_tunnel"


def test_full_tunnel_into_a_vanished_interface_is_critical(tmp_path):
    f = one(healthy(tmp_path, netstat=FULL_TUNNEL), "default-route-hijacked")
    assert f.severity_reason == "why.into_missing_interface" and f.params["netif"] == "utun4"


def test_without_lsof_a_tunnel_default_is_only_info(tmp_path):
    b = healthy(tmp_path, netstat=FULL_TUNNEL, ifconfig=HEALTHY_IFCONFIG + UTUN4, lsof=None)
    f = one(b, "default-route-virtual")
    assert f.severity_reason == "why.tunnel_owner_unseen" and "lsof" in f.title("en")


def test_skipped_without_routes(tmp_path):
    b = healthy(tmp_path, netstat=None)
    assert not [f for f in findings_of(b) if f.id.startswith("default-route")]
    assert any(s.rule == "default-route" and "routes" in s.missing for s in skipped_of(b))
