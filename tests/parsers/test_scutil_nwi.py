"""scutil --nwi: corpus files, concrete values, the summary-line fallback, broken input."""
import pandas as pd
import pytest

from nettrace.parsers import scutil_nwi
from tests.conftest import corpus_files, corpus_text

SCHEMA = scutil_nwi.SCHEMAS["network_order"]

# A VPN-connected Mac, from a public shell-script note (search index file id 41670870102; the index
# does not expose its repository): "##### ON VPN / ### $ scutil --nwi". The script's "### " comment
# prefix is removed; the lines are otherwise verbatim (2001:db8::b is the author's own redaction).
ON_VPN = """\
Network information

IPv4 network interface information
     en0 : flags      : 0x5 (IPv4,DNS)
           address    : 192.168.13.10
           reach      : 0x00000002 (Reachable)
   utun2 : flags      : 0x7 (IPv4,IPv6,DNS)
           address    : 172.31.250.118
           reach      : 0x00000002 (Reachable)

   REACH : flags 0x00000002 (Reachable)

IPv6 network interface information
   utun2 : flags      : 0x7 (IPv4,IPv6,DNS)
           address    : 2001:db8::b
           reach      : 0x00000002 (Reachable)

   REACH : flags 0x00000002 (Reachable)

Network interfaces: en0 utun2
"""


@pytest.mark.parametrize("path", corpus_files("scutil_nwi"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = scutil_nwi.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == []
    assert len(df) > 0
    assert warnings == []


def test_v4_and_v6_sections():
    df = scutil_nwi.parse(corpus_text("scutil_nwi", "notes-ipv6-scutil-nwi-en0-v4-v6.out"))
    assert df["family"].tolist() == ["inet", "inet6"]
    assert df["interface"].tolist() == ["en0", "en0"]
    assert df["address"].tolist() == ["192.168.0.106", "2602:ae:15a4:8001:424:837a:870:6095"]
    assert df["rank"].tolist() == [0, 0]
    assert df["line"].tolist() == [4, 11]
    assert set(df["source"]) == {"nwi"} and df["enabled"].isna().all()


def test_old_2016_format_without_separators():
    df = scutil_nwi.parse(corpus_text("scutil_nwi", "net-creds-pr-6-scutil-nwi-generation-old-format.out"))
    # "     en0 : flags 0x5 (IPv4,DNS)" / "           reach 0x00000002 (Reachable)"
    assert len(df) == 1
    assert (df.loc[0, "flags"], df.loc[0, "reach"]) == ("0x5 (IPv4,DNS)", "0x00000002 (Reachable)")
    assert pd.isna(df.loc[0, "address"])


def test_trimmed_go_test_sample():
    df = scutil_nwi.parse(corpus_text("scutil_nwi", "go-test-parseScutil-scutil-nwi.out"))
    assert df.loc[0, ["interface", "address", "flags"]].tolist() == ["en0", "192.168.4.159", "0x7 (IPv4,IPv6,DNS)"]


def test_vpn_ranks_within_family():
    df = scutil_nwi.parse(ON_VPN)
    assert list(zip(df["family"], df["rank"], df["interface"])) == [
        ("inet", 0, "en0"), ("inet", 1, "utun2"), ("inet6", 0, "utun2")]
    assert df.loc[1, "address"] == "172.31.250.118"


def test_summary_line_when_no_family_rows():
    warnings = []
    df = scutil_nwi.parse("Network information\n\nNetwork interfaces: en0 utun4\n", warnings)
    assert df[["rank", "interface", "line"]].values.tolist() == [[0, "en0", 3], [1, "utun4", 3]]
    assert df["family"].isna().all() and warnings == []


def test_garbage_and_truncation_warn():
    warnings = []
    df = scutil_nwi.parse("           address    : 10.0.0.1\nIPv4 network interface information\r\n"
                          "     en0 : flags      : 0x5 (IPv4,DNS)\r\n           addr", warnings)
    assert SCHEMA.check(df) == []
    assert df["interface"].tolist() == ["en0"]
    assert [w[0] for w in warnings] == [1, 4]


def test_vpn_server_line_of_a_vpn_interface():
    """configd prints ``VPN server : <address>`` for an interface a VPN runs on, between its
    address and reach lines; it is read, not warned about."""
    warnings = []
    df = scutil_nwi.parse("IPv4 network interface information\n"
                          "   utun4 : flags      : 0x5 (IPv4,DNS)\n"
                          "           address    : 10.8.0.2\n"
                          "           VPN server : 45.76.183.20\n"
                          "           reach      : 0x00000003 (Transient Connection,Reachable)\n"
                          "     en0 : flags      : 0x5 (IPv4,DNS)\n"
                          "           address    : 192.168.1.23\n", warnings)
    assert warnings == []
    assert df[["interface", "address", "reach"]].values.tolist()[0] == [
        "utun4", "10.8.0.2", "0x00000003 (Transient Connection,Reachable)"]
    assert df["vpn_server"].tolist()[0] == "45.76.183.20" and df["vpn_server"].isna().tolist()[1]
