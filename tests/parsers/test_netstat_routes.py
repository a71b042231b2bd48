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
