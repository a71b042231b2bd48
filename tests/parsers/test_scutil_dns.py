"""scutil --dns: corpus files, concrete values, odd and broken input."""
import pandas as pd
import pytest

from nettrace.parsers import scutil_dns
from tests.conftest import corpus_files, corpus_text

SCHEMA = scutil_dns.SCHEMAS["dns_resolvers"]


@pytest.mark.parametrize("path", corpus_files("scutil_dns"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = scutil_dns.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == []
    assert len(df) > 0
    assert warnings == []


def test_team51_general_section_and_mdns_resolvers():
    df = scutil_dns.parse(corpus_text("scutil_dns", "team51-cli-issue-161-scutil-dns.out"))
    assert df["resolver"].tolist() == [1, 2, 3, 4]
    assert set(df["section"]) == {"general"}
    first = df.iloc[0]
    # "  nameserver[0] : 75.75.75.75" / "  nameserver[1] : 75.75.76.76" / "  if_index : 15 (en0)"
    assert first["nameservers"] == ["75.75.75.75", "75.75.76.76"]
    assert (first["if_index"], first["interface"], first["line"]) == (15, "en0", 3)
    assert pd.isna(first["domain"])
    assert df["reachable"].tolist() == [True, False, False, False]
    local = df.iloc[1]
    # "  domain   : local" … "  reach    : 0x00000000 (Not Reachable)" / "  order    : 300000"
    assert (local["domain"], local["options"], local["timeout"], local["order"]) == ("local", "mdns", 5, 300000)
    assert local["reach"] == "0x00000000 (Not Reachable)"
    assert df["domain"].tolist()[1:] == ["local", "254.169.in-addr.arpa", "8.e.f.ip6.arpa"]


def test_2017_old_reach_format_and_scoped_section():
    df = scutil_dns.parse(corpus_text("scutil_dns", "testssl-issue-395-scutil-dns-2017-old-reach-format.out"))
    assert len(df) == 9
    # "  reach    : Reachable,Directly Reachable Address" — no hex in 2017
    assert df.loc[0, "reach"] == "Reachable,Directly Reachable Address"
    assert df.loc[0, "reachable"]
    # mdns resolvers of that era print no reach line at all
    assert df.loc[1:7, "reachable"].isna().all()
    assert df.loc[1, "options"] == "pdns" and df.loc[1, "order"] == 150000
    scoped = df[df["section"] == "scoped"]
    # "DNS configuration (for scoped queries)" / "resolver #1" / "  flags    : Scoped, Request A records"
    assert scoped["resolver"].tolist() == [1]
    assert scoped.iloc[0]["flags"] == "Scoped, Request A records"
    assert scoped.iloc[0]["interface"] == "en0" and scoped.iloc[0]["if_index"] == 4


def test_link_local_v6_nameserver_keeps_scope():
    df = scutil_dns.parse(corpus_text("scutil_dns", "dnspython-issue-481-scutil-dns-linklocal-v6-ns.out"))
    assert df.loc[0, "nameservers"] == ["fe80::8e3b:adff:fead:7bf6%en0", "192.168.1.1"]
    assert df.loc[0, "reach"] == "0x00020002 (Reachable,Directly Reachable Address)"
    assert df.loc[0, "reachable"]
    assert df["section"].isna().all()  # fragment without a header


def test_tailscale_fragments_redacted_domain():
    df = scutil_dns.parse(corpus_text("scutil_dns", "tailscale-issue-13461-scutil-dns-fragment-redacted.out"))
    assert df["resolver"].tolist() == [61, 62, 63, 64, 65, 66]
    assert df.loc[0, "domain"] == "REDACTED-TAILNET-NAME.ts.net"
    assert all(ns == ["100.100.100.100"] for ns in df["nameservers"])
    df2 = scutil_dns.parse(corpus_text("scutil_dns", "tailscale-issue-13653-scutil-dns-magicdns-fragment.out"))
    assert df2.set_index("resolver").loc[25, "domain"] == "tail3b1a8.ts.net"
    assert df2["line"].tolist() == [1, 7, 13, 19, 25, 31, 37]


def test_search_domains_port_extra_and_crlf():
    text = ("DNS configuration\r\n\r\nresolver #1\r\n  search domain[0] : corp.example\r\n"
            "  search domain[1] : example\r\n  nameserver[0] : 10.0.0.2\r\n  port     : 5353\r\n"
            "  sortaddr[0] : 10.0.0.0/255.0.0.0\r\n  reach    : 0x00000002\r\n")
    df = scutil_dns.parse(text)
    assert df.loc[0, "search"] == ["corp.example", "example"]
    assert df.loc[0, "port"] == 5353
    assert df.loc[0, "extra"] == {"sortaddr[0]": "10.0.0.0/255.0.0.0"}
    assert df.loc[0, "reachable"]  # hex only: bit 0x2


def test_other_header_and_garbage_warn_without_raising():
    text = ("DNS configuration (for something new)\nresolver #3\n  timeout  : five\n"
            "  if_index : ?\nthis is not scutil\n  orphan : 1\nresolver #4\n  reach    : 0x00000000\n"
            "  domain   : x.example\n  nameserver[0] : 10.")
    warnings = []
    df = scutil_dns.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert df["section"].tolist() == ["other", "other"]
    assert pd.isna(df.loc[0, "timeout"]) and pd.isna(df.loc[0, "if_index"])
    assert df["reachable"].tolist() == [pd.NA, False]  # hex 0 without text → not reachable
    assert df.loc[1, "nameservers"] == ["10."]  # a cut last line is kept as written
    assert [w[0] for w in warnings] == [3, 4, 5]


def test_empty_input():
    df = scutil_dns.parse("")
    assert len(df) == 0 and SCHEMA.check(df) == []



def test_bare_reach_lines_of_older_releases():
    # real lines: `scutil --dns` quoted in Tunnelblick/Tunnelblick PR #452 (2018), a bare
    # unindented reach line in each block, without the `reach :` key
    w = []
    df = scutil_dns.parse("DNS configuration\n\nresolver #1\n  flags    : Request A records\nNot Reachable\n\n"
                          "resolver #2\n  domain   : local\n  options  : mdns\n  timeout  : 5\n"
                          "  flags    : Request A records\nNot Reachable\n  order    : 300000\n\n"
                          "DNS configuration (for scoped queries)\n\nresolver #1\n  search domain[0] : openvpn\n"
                          "  nameserver[0] : 8.8.8.8\n  nameserver[1] : 8.8.4.4\n  if_index : 13 (utun0)\n"
                          "  flags    : Scoped, Request A records\nReachable\n", w)
    assert w == []
    assert df[["section", "resolver", "reach", "reachable", "order"]].astype(object).values.tolist() == [
        ["general", 1, "Not Reachable", False, pd.NA], ["general", 2, "Not Reachable", False, 300000],
        ["scoped", 1, "Reachable", True, pd.NA]]
    assert df.loc[2, "nameservers"] == ["8.8.8.8", "8.8.4.4"] and df.loc[2, "interface"] == "utun0"
    # outside a block such a line is still not a header
    w = []
    scutil_dns.parse("Reachable\n", w)
    assert w == [(1, "scutil_dns: unknown header: 'Reachable'")]
