"""Rule ``dns-dead-path`` (nettrace/rules/dns.py): a resolver only reachable through a dead tunnel, no
route or an empty loopback port; a warning unless DNS probes were answered anyway."""
from __future__ import annotations

from nettrace import findings_of

from tests.bundlekit import HEALTHY_NETSTAT, healthy

LO = "127                127.0.0.1          UCS                   lo0       \n"
DEAD_VPN = HEALTHY_NETSTAT.replace(LO, LO + "10.8/16            utun6              USc                 utun6       \n")


def scutil(*servers: str, if_index: str | None = None) -> str:
    ns = "".join(f"  nameserver[{i}] : {s}\n" for i, s in enumerate(servers))
    bound = f"  if_index : {if_index}\n" if if_index else ""
    return ("DNS configuration\n\nresolver #1\n" + ns + bound +
            "  flags    : Request A records\n  reach    : 0x00000002 (Reachable)\n")


DIG_OK = """
; <<>> DiG 9.10.6 <<>> +time=2 +tries=1 captive.apple.com
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 28417
;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

;; QUESTION SECTION:
;captive.apple.com.			IN	A

;; ANSWER SECTION:
captive.apple.com.	21	IN	A	17.253.85.204

;; Query time: 18 msec
;; SERVER: 10.68.255.254#53(10.68.255.254)
;; WHEN: Sun Dec 28 10:15:04 CST 2025
;; MSG SIZE  rcvd: 62
"""
DIG_FAIL = """
; <<>> DiG 9.10.6 <<>> +time=2 +tries=1 captive.apple.com
;; global options: +cmd
;; connection timed out; no servers could be reached
"""
DIG = "probe/user/probe_dig@captive.apple.com.out"


def dns(b):
    return [f for f in findings_of(b) if f.id == "dns-dead-path"]


def test_resolver_behind_a_vanished_tunnel_is_a_warning(tmp_path):
    [f] = dns(healthy(tmp_path, netstat=DEAD_VPN, dns=scutil("10.8.0.1")))
    assert f.severity == "warning" and f.severity_reason == "why.dns_unprobed"
    assert "utun6" in f.summary("en") and "no longer exists" in f.summary("en") and "utun6" in f.summary("zh")
    assert "interface:utun6" in f.facts


def test_failed_dig_is_cited_and_answered_dig_makes_it_info(tmp_path):
    [f] = dns(healthy(tmp_path, netstat=DEAD_VPN, dns=scutil("10.8.0.1"), files={DIG: DIG_FAIL}))
    assert f.severity_reason == "why.dns_failed" and any(r.startswith("probe:") for r in f.facts)
    [f] = dns(healthy(tmp_path, name="ok", netstat=DEAD_VPN, dns=scutil("10.8.0.1"), files={DIG: DIG_OK}))
    assert f.severity == "info" and f.severity_reason == "why.dns_answered"


def test_resolvers_on_the_wifi_and_link_local_ones_are_fine(tmp_path):
    assert dns(healthy(tmp_path, dns=scutil("10.68.255.254", "fe80::1%en0", if_index="11 (en0)"))) == []
    assert dns(healthy(tmp_path, name="ll", dns=scutil("fe80::cef4:11ff:fe8a:3b52%en0"))) == []


def test_loopback_resolver_needs_a_listener(tmp_path):
    [f] = dns(healthy(tmp_path, dns=scutil("127.0.0.1")))
    assert "port 53" in f.summary("en")
    listener = ("dnsmasq    700            root   4u  IPv4 0x1a2b3c4d5e6f7081      0t0                 "
                "UDP 127.0.0.1:53\n")
    from tests.bundlekit import HEALTHY_LSOF
    assert dns(healthy(tmp_path, name="l", dns=scutil("127.0.0.1"), lsof=HEALTHY_LSOF + listener)) == []
