"""ping (probe runs): corpus, jc agreement, seed 003 failure vs success, garbage."""
import json

import pandas as pd
import pytest

from nettrace.parsers import ping
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = ping.SCHEMAS["probes"]


@pytest.mark.parametrize("path", corpus_files("ping"), ids=lambda p: p.name)
def test_corpus_parses_and_agrees_with_jc(path):
    df = ping.parse(path.read_text(encoding="utf-8"), [])
    assert SCHEMA.check(df) == [] and len(df) == 1
    j = json.loads(path.with_suffix(".json").read_text())
    r = df.iloc[0]
    assert (r["transmitted"], r["received"], r["loss_pct"], r["duplicates"]) == \
        (j["packets_transmitted"], j["packets_received"], j["packet_loss_percent"], j["duplicates"])
    assert r["address"] == j["destination_ip"]
    for ours, theirs in (("rtt_min", "round_trip_ms_min"), ("rtt_avg", "round_trip_ms_avg"),
                         ("rtt_max", "round_trip_ms_max"), ("rtt_stddev", "round_trip_ms_stddev")):
        assert (pd.isna(r[ours]) and theirs not in j) or r[ours] == j[theirs]
    assert r["destination"] == j["destination"]


def test_seed_003_no_route_vs_success():
    seed = seed_text("003")
    fail = ("PING 192.168.3.1 (192.168.3.1): 56 data bytes\nping: sendto: No route to host\n"
            "ping: sendto: No route to host\nRequest timeout for icmp_seq 0\n--- 192.168.3.1 ping statistics ---\n"
            "2 packets transmitted, 0 packets received, 100.0% packet loss")
    ok = ("PING 223.5.5.5 (223.5.5.5): 56 data bytes\n64 bytes from 223.5.5.5: icmp_seq=0 ttl=117 time=7.383 ms\n"
          "64 bytes from 223.5.5.5: icmp_seq=1 ttl=117 time=7.359 ms\n--- 223.5.5.5 ping statistics ---\n"
          "2 packets transmitted, 2 packets received, 0.0% packet loss")
    assert fail in seed and ok in seed
    w = []
    df = ping.parse(fail + "\n" + ok, w)
    assert w == [] and len(df) == 2
    assert df.loc[0, ["destination", "transmitted", "received", "loss_pct", "error", "ok", "line"]].tolist() == \
        ["192.168.3.1", 2, 0, 100.0, "ping: sendto: No route to host", False, 1]
    assert df.loc[1, ["destination", "received", "ok", "line"]].tolist() == ["223.5.5.5", 2, True, 7]
    assert df.loc[1, "error"] is pd.NA and pd.isna(df.loc[1, "rtt_avg"])  # the seed cut the round-trip line


def test_corpus_values():
    df = ping.parse(corpus_text("ping", "jc-osx-10.14.6-ping-ip-dup.out"))
    assert df.loc[0, ["transmitted", "received", "duplicates", "rtt_max"]].tolist() == [2, 2, 13, 1084.262]
    df = ping.parse(corpus_text("ping", "jc-osx-10.14.6-ping-ip-unreachable.out"))
    assert df.loc[0, ["received", "loss_pct", "ok"]].tolist() == [0, 100.0, False]
    df = ping.parse(corpus_text("ping", "jc-osx-10.14.6-ping6-ip.out"))
    assert df.loc[0, ["destination", "address", "rtt_stddev"]].tolist() == ["::1", "::1", 0.034]


def test_unknown_host_and_cut_run():
    df = ping.parse("ping: cannot resolve nosuch.example: Unknown host")
    assert df.loc[0, ["destination", "error", "ok"]].tolist() == \
        ["nosuch.example", "ping: cannot resolve nosuch.example: Unknown host", False]
    assert df.loc[0, "transmitted"] is pd.NA
    df = ping.parse("PING 1.1.1.1 (1.1.1.1): 56 data bytes\n64 bytes from 1.1.1.1: icmp_seq=0 ttl=57 time=3.1 ms")
    assert df.loc[0, "ok"] and df.loc[0, "received"] is pd.NA


def test_garbage_warns():
    w = []
    df = ping.parse("\x00\x01garbage\nPING 10.0.0.1 (10.0.0.1): 56 data bytes\nwhat is this\n3 packets transm", w)
    assert SCHEMA.check(df) == [] and len(df) == 1 and [n for n, _ in w] == [1, 3, 4]
