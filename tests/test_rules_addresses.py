"""Rule ``address-confusion`` (nettrace/rules/addresses.py): a service announces a virtual address to a
service registry (seed 001) — a warning; talking to a peer from the virtual address is right."""
from __future__ import annotations

from nettrace import findings_of

from tests.bundlekit import IFCONFIG, LSOF, PS, healthy

JAVA_PS = PS + ("  7734  3257   501 lihao            Sun Dec 28 10:01:12 2025 /Library/Java/JavaVirtualMachines/"
                "temurin-17.jdk/Contents/Home/bin/java -jar registry-demo.jar\n")
LISTEN = "java      7734           lihao   3u  IPv6 0x2dc0f4cf70c1d271      0t0                 TCP *:8080 (LISTEN)\n"


def conn(local: str, remote: str, fd: int = 4) -> str:
    return (f"java      7734           lihao   {fd}u  IPv4 0xe291b12219b92fba      0t0                 "
            f"TCP {local}->{remote} (ESTABLISHED)\n")


def confusion(tmp_path, lsof_extra: str, name="h"):
    b = healthy(tmp_path, name=name, ifconfig=IFCONFIG, ps=JAVA_PS, lsof=LSOF + lsof_extra)
    return [f for f in findings_of(b) if f.id == "address-confusion"]


def test_service_registering_the_feth_address_with_nacos_is_a_warning(tmp_path):
    [f] = confusion(tmp_path, LISTEN + conn("172.27.5.101:55716", "172.27.9.17:8848"))
    assert f.severity == "warning" and f.severity_reason == "why.announces_virtual_address"
    assert (f.params["address"], f.params["interface"], f.params["registries"]) == ("172.27.5.101", "feth4868",
                                                                                   "Nacos")
    assert f.culprit.product == "ZeroTier" and "java (pid 7734)" in f.params["programs"]
    assert "interface:feth4868" in f.facts
    assert any(r.changes_system and r.safe_because for r in f.remedy)


def test_talking_to_a_peer_from_the_virtual_address_is_right(tmp_path):
    # a client (no listener) on the overlay, like ssh to a Tailscale peer from the tailnet address
    assert confusion(tmp_path, conn("172.27.5.101:50022", "172.27.9.17:22")) == []


def test_a_service_talking_to_a_non_registry_peer_is_not_announcing(tmp_path):
    assert confusion(tmp_path, LISTEN + conn("172.27.5.101:55716", "172.27.9.17:5432"), name="db") == []


def test_registry_connection_from_the_physical_address_is_fine(tmp_path):
    assert confusion(tmp_path, LISTEN + conn("10.68.1.20:55716", "10.68.3.3:8848")) == []
