"""pings (continuous stream): prefixed capture lines, outcomes, corpus, garbage."""
import pandas as pd
import pytest

from nettrace.parsers import ping, pings
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = pings.SCHEMAS["pings"]


@pytest.mark.parametrize("path", corpus_files("ping"), ids=lambda p: p.name)
def test_corpus_parses(path):
    w = []
    df = pings.parse(path.read_text(encoding="utf-8"), w)
    assert SCHEMA.check(df) == [] and w == [] and len(df) > 0
    assert df["captured_at"].isna().all() and set(df["outcome"]) <= set(pings.OUTCOMES)


def test_prefixed_stream_from_seed_003_lines():
    seed = seed_text("003")
    body = ["PING 192.168.3.1 (192.168.3.1): 56 data bytes", "ping: sendto: No route to host",
            "Request timeout for icmp_seq 0", "--- 192.168.3.1 ping statistics ---",
            "2 packets transmitted, 0 packets received, 100.0% packet loss"]
    assert "\n".join(body) in seed.replace("ping: sendto: No route to host\nping: sendto: No route to host",
                                           "ping: sendto: No route to host")
    stamps = ["2025-07-16T06:24:11Z", "2025-07-16T06:24:11Z", "2025-07-16T06:24:12Z", "2025-07-16T06:24:12Z",
              "2025-07-16T06:24:12Z"]
    df = pings.parse("\n".join(f"{t}\t{b}" for t, b in zip(stamps, body)) + "\n")
    assert df["outcome"].tolist() == ["no_route", "timeout"]
    assert df.loc[1, ["icmp_seq", "destination", "text", "line"]].tolist() == \
        [0, "192.168.3.1", "Request timeout for icmp_seq 0", 3]
    assert df.loc[0, "captured_at"] == pd.Timestamp("2025-07-16T06:24:11Z")


def test_replies_and_unreachable_from_corpus():
    df = pings.parse(corpus_text("ping", "jc-osx-10.14.6-ping-ip-unknown-errors.out"))
    assert df["outcome"].value_counts().to_dict() == {"timeout": 7, "unreachable": 5, "other": 1}
    other = df[df["outcome"] == "other"].iloc[0]
    assert other["source"] == "192.168.1.220" and other["text"].endswith("Weird error message")
    df = pings.parse(corpus_text("ping", "jc-osx-10.14.6-ping6-ip-unparsable.out"))
    assert df["outcome"].tolist() == ["reply", "other", "other", "reply"]
    assert df.loc[3, ["icmp_seq", "ttl", "rtt_ms", "source"]].tolist() == [2, 64, 0.122, "::1"]
    df = pings.parse(corpus_text("ping", "jc-osx-10.14.6-ping-hostname.out"))
    assert df.loc[0, ["destination", "source", "ttl", "rtt_ms", "line"]].tolist() == \
        ["cnn.com", "151.101.1.67", 59, 28.042, 2]


def test_host_down_error_and_truncation():
    w = []
    df = pings.parse("2025-12-28T02:15:27Z\tping: sendto: Host is down\n"
                     "2025-12-28T02:15:28Z\tping: sendto: Can't assign requested address\n"
                     "2025-12-28T02:15:29Z\t[nettrace: truncated at 1048576 bytes]\n"
                     "\x00garbage line", w)
    assert df["outcome"].tolist() == ["host_down", "error", "other"]
    assert df.loc[2, "captured_at"] is pd.NaT and [n for n, _ in w] == [3]


def test_the_terminals_ctrl_c_echo_is_not_a_row():
    # written from ping.c's finish(): on SIGINT it prints "\n--- HOST ping statistics ---"; a run
    # pasted from a terminal has the tty's "^C" echo on its own line before that
    w = []
    df = pings.parse("PING 1.1.1.1 (1.1.1.1): 56 data bytes\n"
                     "64 bytes from 1.1.1.1: icmp_seq=0 ttl=57 time=10.112 ms\n"
                     "64 bytes from 1.1.1.1: icmp_seq=1 ttl=57 time=9.870 ms\n"
                     "^C\n"
                     "--- 1.1.1.1 ping statistics ---\n"
                     "2 packets transmitted, 2 packets received, 0.0% packet loss\n"
                     "round-trip min/avg/max/stddev = 9.870/9.991/10.112/0.121 ms\n", w)
    assert w == []
    assert df[["icmp_seq", "outcome", "rtt_ms", "line"]].values.tolist() == [[0, "reply", 10.112, 2], [1, "reply", 9.87, 3]]
    summary = ping.parse("PING 1.1.1.1 (1.1.1.1): 56 data bytes\n^C\n--- 1.1.1.1 ping statistics ---\n"
                         "1 packets transmitted, 0 packets received, 100.0% packet loss\n", w)
    assert w == [] and summary[["transmitted", "received", "ok"]].values.tolist() == [[1, 0, False]]
