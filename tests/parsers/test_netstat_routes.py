"""netstat_routes parser: real routing tables from the corpus and seeds, and jc's reading."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from nettrace.parsers import netstat_routes
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = netstat_routes.SCHEMAS["routes"]
# Only routing-table files: -r/-rn/-nr/-rnl variants and table fragments (not -i, -An, -Abn, plain).
ROUTE_FILES = [p for p in corpus_files("netstat") if not re.search(r"netstat(-i|-An|-Abn)?\.out$", p.name)]
OTHER_FILES = [p for p in corpus_files("netstat") if p not in ROUTE_FILES]


def _parse(text):
    warnings = []
    return netstat_routes.parse(text, warnings), warnings


@pytest.mark.parametrize("path", ROUTE_FILES, ids=lambda p: p.name)
def test_every_route_file_parses_to_schema(path):
    df, warnings = _parse(path.read_text(encoding="utf-8", errors="replace"))
    assert SCHEMA.check(df) == []
    assert len(df) >= 2
    assert df["netif"].notna().all() and df["flags"].str.startswith("U").mean() > 0.9


@pytest.mark.parametrize("path", OTHER_FILES, ids=lambda p: p.name)
def test_other_netstat_displays_give_no_routes(path):
    df, warnings = _parse(path.read_text(encoding="utf-8", errors="replace"))
    assert len(df) == 0 and SCHEMA.check(df) == []
    assert warnings and warnings[0][0] == 1 and "not a routing table" in warnings[0][1]


def test_seed_000_defaults_in_priority_order():
    text = seed_text("000")
    blocks = [b for b in text.split("```") if "netstat -rn" in b]
    first, second = (_parse(b)[0] for b in blocks)
    # "default            link#28            UCSg                utun8"
    # "default            10.68.255.254      UGScIg                en0"
    d = first[first["is_default"]]
    assert d[["gateway", "netif", "rank"]].values.tolist() == [["link#28", "utun8", 0],
                                                                ["10.68.255.254", "en0", 1]]
    assert d.iloc[0]["gateway_kind"] == "link" and d.iloc[0]["gateway_index"] == 28
    assert not d.iloc[0]["ifscope"] and d.iloc[1]["ifscope"]
    assert list(d.iloc[1]["flag_names"]) == ["UP", "GATEWAY", "STATIC", "PRCLONING", "IFSCOPE", "GLOBAL"]
    host = first[first["destination"] == "8.8.8.8"].iloc[0]
    assert (host["cidr"], host["flags"], host["expire"]) == ("8.8.8.8/32", "UHW3Ig", "37")
    # "default            127.0.0.1          UGScg            feth4868"
    r = second.iloc[0]
    assert (r["gateway"], r["flags"], r["netif"], r["rank"], r["family"], r["cidr"]) == (
        "127.0.0.1", "UGScg", "feth4868", 0, "inet", "0.0.0.0/0")
    assert r["line"] == 5  # after the fence's "shell" and the prompt line


def test_seed_004_both_tables():
    text = seed_text("004")
    before = text[text.index("% netstat -rn"):text.index("解释以上路由标的内容")]
    df, warnings = _parse(before)
    assert warnings[0][0] == 1  # the shell prompt line
    row = df[df["destination"] == "222.66.117.109"].iloc[0]
    # "222.66.117.109     10.51.0.1          UGHS                  en0"
    assert (row["gateway"], row["flags"], row["netif"], row["cidr"], row["gateway_kind"]) == (
        "10.51.0.1", "UGHS", "en0", "222.66.117.109/32", "ip")
    by = df.set_index("destination")
    assert by.loc["59.78.176/20", "cidr"] == "59.78.176.0/20"
    assert by.loc["222.66.117", "cidr"] == "222.66.117.0/24"
    assert by.loc["127", "cidr"] == "127.0.0.0/8"
    assert by.loc["59.78.176/20", "gateway_kind"] == "interface"
    assert by.loc["224.0.0.251", "expire"] == "!"
    assert not df["is_default"].any()
    after_start = text.index("之后我再查看路由表时，变成如下内容")
    after, _ = _parse(text[after_start:text.index("---", after_start)])
    # "172.20.10.1        c6:52:4f:cc:a7:64  UHLWIir               en0   1130"
    r = after[after["destination"] == "172.20.10.1"].iloc[0]
    assert (r["gateway"], r["gateway_kind"], r["flags"], r["netif"], r["expire"]) == (
        "c6:52:4f:cc:a7:64", "mac", "UHLWIir", "en0", "1130")
    assert list(r["flag_names"]) == ["UP", "HOST", "LLINFO", "WASCLONED", "IFSCOPE", "IFREF", "ROUTER"]
    assert after.loc[0, "destination"] == "default" and after.loc[0, "gateway"] == "172.20.10.1"
    assert len(after) == 13


def test_refs_use_layout_and_inet6_table():
    df, warnings = _parse(corpus_text("netstat", "getmac-macos_10.12.6-netstat_-rn.out"))
    assert warnings == []
    assert df["family"].value_counts().to_dict() == {"inet": 12, "inet6": 9}
    r = df[df["destination"] == "10.0.2.2"].iloc[0]
    assert (r["refs"], r["use"], r["expire"], r["gateway_kind"]) == (12, 1838, "389", "mac")
    v6 = df[df["family"] == "inet6"].set_index("destination")
    assert v6.loc["fe80::%en0/64", "cidr"] == "fe80::/64" and v6.loc["fe80::%en0/64", "dest_scope"] == "en0"
    assert v6.loc["::1", "cidr"] == "::1/128" and v6.loc["::1", "rank"] == 0
    assert v6.loc["fe80::1%lo0", "gateway_index"] == 1


def test_rnl_mtu_and_inet6_defaults():
    df, _ = _parse(corpus_text("netstat", "jc-osx-10.14.6-netstat-rnl.out"))
    d = df[df["is_default"]]
    assert list(d["rank"]) == [0, 0, 1, 2, 3, 4]
    assert d.head(3)[["family", "gateway", "mtu", "rank"]].values.tolist() == [
        ["inet", "192.168.1.254", 1500, 0], ["inet6", "fe80::feae:34ff:fea1:3a80%en0", 1500, 0],
        ["inet6", "fe80::%utun0", 2000, 1]]
    assert set(d["cidr"]) == {"0.0.0.0/0", "::/0"}


def test_fragments_infer_family():
    df, warnings = _parse(corpus_text("netstat", "tailscale-issue-5631-netstat-inet6-warp-utun10-fragment.out"))
    assert warnings == [] and set(df["family"]) == {"inet6"}
    assert df.loc[0, "cidr"] == "2606:4700:7:0:100::/72" and df.loc[0, "gateway_kind"] == "interface"
    df, _ = _parse(corpus_text("netstat", "defguard-client-issue-780-netstat-inet6-fragment-utun4.out"))
    assert df.loc[0, "cidr"] == "::/1" and df.loc[1, "expire"] == "3600" and df.loc[6, "expire"] is pd.NA
    df, warnings = _parse(corpus_text("netstat", "zerotier-issue-2344-netstat-rn-feth-elided.out"))
    assert warnings == [(5, "short route line: '…'")]
    assert df[df["netif"] == "feth4913"]["cidr"].tolist() == ["192.168.9.20/32", "192.168.10.103/32"]


def test_names_without_n():
    df, _ = _parse(corpus_text("netstat", "real-world-systems-netstat-r-names-2020.out"))
    by = df.set_index("destination")
    assert by.loc["default", "gateway"] == "germansfios_g1100." and by.loc["default", "cidr"] == "0.0.0.0/0"
    assert by.loc["localhost", "cidr"] is pd.NA and by.loc["192.168.1", "cidr"] == "192.168.1.0/24"


def test_capture_prefix_crlf_and_garbage():
    text = ("2025-12-28T02:14:01Z\tInternet:\r\n"
            "2025-12-28T02:14:01Z\tDestination        Gateway            Flags               Netif Expire\r\n"
            "2025-12-28T02:14:01Z\tdefault            127.0.0.1          UGScg            feth4868\r\n")
    df, warnings = _parse(text)
    assert warnings == [] and df.loc[0, "netif"] == "feth4868" and df.loc[0, "line"] == 3
    df, warnings = _parse("default 1.2.3.4\n%%% ### @@@ !!!\ndefault 10.0.0.1 UGSc\n\x00\x01garbage")
    assert len(df) == 0 and [w[0] for w in warnings] == [1, 2, 3, 4]


def _jc_route_pairs():
    return [p for p in corpus_files("netstat", ".json") if re.search(r"netstat-r(nl)?\.json$", p.name)]


@pytest.mark.parametrize("jc_path", _jc_route_pairs(), ids=lambda p: p.name)
def test_matches_jc_except_documented(jc_path):
    jc = json.loads(jc_path.read_text())
    df, _ = _parse(jc_path.with_suffix(".out").read_text())
    assert len(df) == len(jc)
    for j, (_, ours) in zip(jc, df.iterrows()):
        assert ours["destination"] == j["destination"] and ours["gateway"] == j["gateway"]
        assert ours["flags"] == j["route_flags"] and ours["netif"] == j["iface"]
        assert (None if ours["expire"] is pd.NA else ours["expire"]) == j.get("expire")
        for mine, theirs in (("refs", "route_refs"), ("use", "use"), ("mtu", "mtu")):
            assert (None if ours[mine] is pd.NA else ours[mine]) == j.get(theirs)
        # JC_NOTES: jc has no `g` (GLOBAL); otherwise the same decoding
        assert [n for n in ours["flag_names"] if n != "GLOBAL"] == j["route_flags_pretty"]
        assert "family" not in j  # JC_NOTES: jc loses the Internet/Internet6 table


def test_ipv6_networks_without_n_have_no_prefix():
    # netname6 appends "/N" only with -n: in jc-osx-10.14.6-netstat-r (no -n) "fe80::%en5 link#8 UCI"
    # and "ff02::%en0 link#10 UmCI" are networks whose prefix was not printed, not /128 hosts
    df, warnings = _parse(corpus_text("netstat", "jc-osx-10.14.6-netstat-r.out"))
    v6 = df[df["family"] == "inet6"].set_index("destination")
    assert v6.loc["fe80::%en5", "cidr"] is pd.NA and v6.loc["fe80::%en5", "dest_scope"] == "en5"
    assert v6.loc["ff02::%en0", "cidr"] is pd.NA and v6.loc["ff02::%en0", "gateway_kind"] == "link"
    assert v6.loc["fe80::1%lo0", "cidr"] == "fe80::1/128"  # UHLI: a host (routename6), complete
    assert v6.loc["default", "cidr"].iloc[0] == "::/0"


def test_values_cut_to_the_column_are_flagged():
    # netstat -r prints "%-*.*s" (18 wide): "fe80::aede:48ff:fe  ac:de:48:0:11:22  UHLI  lo0" is a cut
    # address that would read as a valid one; host names are cut too ("kellys-iphone.attl")
    df, warnings = _parse(corpus_text("netstat", "jc-osx-10.14.6-netstat-r.out"))
    cut = df[df["destination"] == "fe80::aede:48ff:fe"]
    assert len(cut) == 2 and cut["cidr"].isna().all() and (cut["flags"] == "UHLI").any()
    assert df.loc[df["destination"] == "255.255.255.255/32", "cidr"].tolist() == ["255.255.255.255/32"]  # fits
    assert warnings == [
        (10, "12 destinations fill the 18-character column: probably cut by netstat -r without -n "
             "(first 'kellys-iphone.attl'); their cidr is left empty"),
        (41, "20 destinations fill the 18-character column: probably cut by netstat -r without -n "
             "(first '2600:1700:bab0:d40'); their cidr is left empty"),
        (5, "1 gateways fill the 18-character column: probably cut by netstat -r without -n "
            "(first 'dsldevice.attlocal')"),
        (35, "1 gateways fill the 18-character column: probably cut by netstat -r without -n "
             "(first 'fe80::feae:34ff:fe')")]
    # with -n the IPv6 table is 39 wide and nothing is cut (getmac-macos_26.6.2: no warning)
    assert _parse(corpus_text("netstat", "getmac-macos_26.6.2-netstat_-rn.out"))[1] == []


def test_dotted_link_layer_gateway_is_mac():
    # Written from netstat.tproj/route.c p_sockaddr: an AF_LINK gateway that is not IFT_ETHER prints
    # through link_ntoa, bytes in hex joined by dots (no corpus file has one)
    df, warnings = _parse("Internet:\n"
                          "Destination        Gateway            Flags               Netif Expire\n"
                          "169.254.255.255    ff.ff.ff.ff.ff.ff  UHLWbI              bridge0      !\n"
                          "10.0.0.7           0.1b.21.3a.4c.5d   UHLWIi              fw0        1180\n")
    assert warnings == [] and df["gateway_kind"].tolist() == ["mac", "mac"]
    assert df["cidr"].tolist() == ["169.254.255.255/32", "10.0.0.7/32"]


def test_generated_table_and_odd_lines():
    """The bench generator's 2000-route table, with odd lines put in (as the old equivalence test did)."""
    from tests import benchgen

    text, expected = benchgen.netstat(2000)
    df, warnings = _parse(text)
    assert warnings == [] and len(df) == expected["rows"] and int(df["is_default"].sum()) == expected["defaults"]
    assert int((df["family"] == "inet6").sum()) == expected["inet6"]
    rows = text.split("\n")
    rows[10] = "10.1/16  10.0.0.1  UGSc  12  34  en0"       # numbers without a header column for them
    rows[11] = "10.2/16  10.0.0.1  UGZQq  en0"              # unknown flag letters
    rows[12] = "10.3/16  10.0.0.1  U!S  en0"                # not a route line
    rows[13] = "10.4/16  10.0.0.1  UGSc"                    # short
    rows[40] = "Internet6:"
    rows[41] = "Destination        Gateway            Flags     Refs Use Netif Expire"
    rows[42] = "fe80::%en0/64      link#4             UCI          3  17  en0"
    df, warnings = _parse("\n".join(rows))
    by_line = df.set_index("line")
    assert by_line.loc[11, "netif"] == "en0" and by_line.loc[11, "refs"] is pd.NA
    assert (by_line.loc[43, "refs"], by_line.loc[43, "use"], by_line.loc[43, "family"]) == (3, 17, "inet6")
    assert 13 not in by_line.index and 14 not in by_line.index
    assert sorted(warnings, key=str) == sorted([
        (11, "numbers without a column ignored: '12 34'"),
        (13, "not a route line: '10.3/16  10.0.0.1  U!S  en0'"),
        (14, "short route line: '10.4/16  10.0.0.1  UGSc'"),
        (None, "unknown route flag letters kept undecoded: QZq")], key=str)
