"""traceroute: corpus, jc agreement, seed 003 (sudo success vs findsaddr), garbage."""
import json

import pandas as pd
import pytest

from nettrace.parsers import traceroute
from tests.conftest import corpus_files, corpus_text, seed_text


@pytest.mark.parametrize("path", corpus_files("traceroute"), ids=lambda p: p.name)
def test_corpus_parses_and_agrees_with_jc(path):
    w = []
    out = traceroute.parse(path.read_text(encoding="utf-8"), w)
    assert w == [] and all(traceroute.SCHEMAS[k].check(v) == [] for k, v in out.items())
    j = json.loads(path.with_suffix(".json").read_text())
    hops = out["traceroute_hops"]
    assert hops["hop"].tolist() == [h["hop"] for h in j["hops"]]
    for h, row in zip(j["hops"], hops.to_dict("records")):
        assert row["rtts"] == [p["rtt"] for p in h["probes"]]
        if h["probes"]:
            first = h["probes"][0]
            assert row["address"] == first["ip"]
            # jc repeats the address as name for a bare address (traceroute6, -n); ours is None there
            assert row["name"] == first["name"] or (row["name"] is None and first["name"] in (None, first["ip"]))
        else:
            assert row["timeout"] and row["address"] is None  # documented: `* * *` → timeout row
    probe = out["probes"].iloc[0]
    if j.get("destination_ip"):
        assert (probe["address"], probe["destination"]) == (j["destination_ip"], j["destination_name"])


def test_seed_003_sudo_success_vs_findsaddr():
    seed = seed_text("003")
    ok = ("traceroute to 223.5.5.5 (223.5.5.5), 64 hops max, 40 byte packets\n"
          "1  ikuaios (192.168.3.1)  0.864 ms  1.069 ms  1.165 ms\n"
          "2  111.13.101.1 (111.13.101.1)  5.011 ms  3.290 ms  6.292 ms\n"
          "3  14.147.73.229 (14.147.73.229)  2.798 ms  2.492 ms  2.410 ms\n"
          "4  59.37.176.117 (59.37.176.117)  2.258 ms  2.399 ms  2.618 ms\n"
          "5  14.147.127.137 (14.147.127.137)  4.641 ms")
    fail = "traceroute: findsaddr: write: No such process"
    assert ok in seed and fail in seed
    out = traceroute.parse(ok)
    p = out["probes"].iloc[0]
    assert (p["destination"], p["hops"], p["ok"], p["line"]) == ("223.5.5.5", 5, False, 1)  # cut before 223.5.5.5
    assert p["error"] is pd.NA
    h = out["traceroute_hops"]
    assert h.loc[0, ["address", "name", "rtt_ms"]].tolist() == ["192.168.3.1", "ikuaios", 0.864]
    assert h.loc[4, "rtts"] == [4.641] and h.loc[4, "line"] == 6
    out = traceroute.parse(fail)
    assert out["probes"].loc[0, ["error", "ok", "hops"]].tolist() == [fail, False, 0]
    assert len(out["traceroute_hops"]) == 0
    gw = traceroute.parse("traceroute to 192.168.3.1 (192.168.3.1), 64 hops max, 40 byte packets\n"
                          "1  ikuaios (192.168.3.1)  1.226 ms  0.583 ms  1.095 ms")
    assert gw["probes"].loc[0, "ok"]
    unknown = traceroute.parse("traceroute: Unknown host www.baidu.com")
    assert unknown["probes"].loc[0, "error"] == "traceroute: Unknown host www.baidu.com"


def test_corpus_values_numeric_asn_and_q():
    out = traceroute.parse(corpus_text("traceroute", "jc-osx-10.14.6-traceroute.out"))
    assert out["probes"].loc[0, ["destination", "ok", "hops"]].tolist() == ["8.8.8.8", True, 9]
    out = traceroute.parse(corpus_text("traceroute", "jc-osx-10.14.6-traceroute-asn.out"))
    assert out["traceroute_hops"]["asn"].tolist()[:2] == [198949, 0]
    out = traceroute.parse(corpus_text("traceroute", "jc-osx-10.14.6-traceroute6.out"))
    h = out["traceroute_hops"]
    assert h.loc[1, ["address", "rtt_ms"]].tolist() == ["2001:506:6000:11b:71:156:212:143", 27.635]
    assert h.loc[1, "name"] is pd.NA and h["timeout"].tolist() == [True, False, True, False, True]


def test_n_mode_multiple_responders_and_annotation():
    out = traceroute.parse("traceroute to 10.9.9.9 (10.9.9.9), 8 hops max, 40 byte packets\n"
                           " 1  10.0.0.1  1.100 ms 10.0.0.2  2.200 ms\n 2  10.9.9.9  3.000 ms !H")
    h = out["traceroute_hops"]
    assert h[["hop", "responder", "address", "rtts"]].values.tolist() == [
        [1, 1, "10.0.0.1", [1.1]], [1, 2, "10.0.0.2", [2.2]], [2, 1, "10.9.9.9", [3.0]]]
    assert h.loc[2, "annotation"] == "!H" and out["probes"].loc[0, ["ok", "hops"]].tolist() == [True, 2]


# Written from traceroute.c (network_cmds, the probe loop): "%2d " opens a hop, print() writes
# " name (addr)" (" addr" with -n), each time "  %.3f ms"; a probe answered by another router than
# the last one first prints "\n   ", so the 2nd and 3rd routers of a hop open indented lines.
CONTINUED = """traceroute to 223.5.5.5 (223.5.5.5), 64 hops max, 40 byte packets
 1  ikuaios (192.168.3.1)  0.864 ms  1.069 ms  1.165 ms
 2  111.13.101.1 (111.13.101.1)  5.011 ms
    111.13.101.5 (111.13.101.5)  3.290 ms
    111.13.101.9 (111.13.101.9)  6.292 ms !N
 3  * 14.147.73.229 (14.147.73.229)  2.798 ms *
"""


def test_continuation_lines_keep_the_second_and_third_router_of_a_hop():
    w = []
    out = traceroute.parse(CONTINUED, w)
    assert w == []
    h = out["traceroute_hops"]
    assert h[["hop", "responder", "address", "rtts", "line"]].values.tolist() == [
        [1, 1, "192.168.3.1", [0.864, 1.069, 1.165], 2],
        [2, 1, "111.13.101.1", [5.011], 3], [2, 2, "111.13.101.5", [3.29], 4], [2, 3, "111.13.101.9", [6.292], 5],
        [3, 1, "14.147.73.229", [2.798], 6]]
    assert h.loc[3, "annotation"] == "!N" and h["name"].tolist()[2] == "111.13.101.5"
    assert not h["timeout"].any() and out["probes"].loc[0, "hops"] == 3
    nflag = traceroute.parse(" 1  192.168.3.1  0.864 ms\n    fe80::1  1.2 ms\n    10.0.0.2  2.0 ms")
    assert nflag["traceroute_hops"][["hop", "address"]].values.tolist() == [
        [1, "192.168.3.1"], [1, "fe80::1"], [1, "10.0.0.2"]]


def test_a_malformed_round_trip_time_warns_instead_of_raising():
    w = []
    out = traceroute.parse(" 1  ikuaios (192.168.3.1)  1.2.3 ms  1.069 ms", w)
    assert out["traceroute_hops"].loc[0, ["address", "rtts"]].tolist() == ["192.168.3.1", [1.069]]
    assert w == [(1, "traceroute: not a round-trip time: '1.2.3'")]


def test_an_indented_line_before_any_hop_is_unknown():
    w = []
    traceroute.parse("    10.0.0.2  2.0 ms", w)
    assert w == [(1, "traceroute: unknown line: '10.0.0.2  2.0 ms'")]


def test_garbage_warns():
    w = []
    out = traceroute.parse("\x00\x01junk\ntraceroute to x (10.0.0.1), 8 hops\nnot a hop", w)
    assert [n for n, _ in w] == [1, 3] and len(out["probes"]) == 1 and len(out["traceroute_hops"]) == 0
