"""route_monitor parser: corpus messages, seed 000's configd message, route -nv add, streaming."""
from __future__ import annotations

import pandas as pd
import pytest

from nettrace.parsers import route_monitor
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = route_monitor.SCHEMAS["route_events"]
FILES = corpus_files("route_monitor") + corpus_files("route_add_verbose")


def _parse(text):
    warnings = []
    return route_monitor.parse(text, warnings), warnings


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    df, _ = _parse(path.read_text(encoding="utf-8", errors="replace"))
    assert SCHEMA.check(df) == [] and len(df) >= 1
    assert df["type"].str.startswith("RTM_").all()


def test_seed_000_configd_adds_loopback_default():
    text = seed_text("000")
    block = text[text.index("got message of size 176"):]
    df, warnings = _parse(block[:block.index("```")])
    assert warnings == [(6, "unknown route monitor line: '...'")]
    r = df.iloc[0]
    assert (r["type"], r["description"], r["pid"], r["seq"], r["errno"], r["size"]) == (
        "RTM_ADD", "Add Route", 382, 1954, 0, 176)
    assert list(r["sockaddrs"]) == ["DST", "GATEWAY", "NETMASK", "IFP", "IFA"]
    assert (r["dst"], r["gateway"], r["netmask"], r["ifp"], r["ifa"]) == (
        "default", "localhost", "default", "index: 25", "172.27.5.101")
    assert r["index"] == 25 and r["interface"] is pd.NA
    assert list(r["flags"]) == ["UP", "GATEWAY", "DONE", "STATIC"]
    assert r["message_time"] == "Sun Dec 28 10:15:27 2025"
    assert r["time"] == pd.Timestamp("2025-12-28 10:15:27", tz="UTC") and r["captured_at"] is pd.NaT
    assert r["line"] == 1


def test_ifp_with_mac_and_empty_slot():
    df, _ = _parse(corpus_text("route_monitor", "blog-wireguard-ipv6-route-monitor-2023-12-12.out"))
    r = df.iloc[0]
    assert (r["type"], r["pid"], r["ifp"], r["interface"], r["ifa"]) == (
        "RTM_DELETE", 94, "en1:14.98.77.xx.xx.xx", "en1", "192.168.66.80")
    assert "GLOBAL" in r["flags"] and "CONDEMNED" in r["flags"]
    df, _ = _parse(corpus_text("route_monitor", "mullvad-talpid-routing-comment-route-n-monitor-2020-06-04.out"))
    r = df.iloc[0]
    # " default 192.168.44.1 default  192.168.44.90": IFP empty; ifscope line wrapped before flags
    assert (r["errno"], r["ifscope"], r["ifp"], r["ifa"], r["seq"]) == (3, 23, pd.NA, "192.168.44.90", 1151)
    assert list(r["flags"]) == ["UP", "GATEWAY", "STATIC", "IFSCOPE"]
    assert r["message_time"] == "Thu Jun  4 10:08:05 2020" and r["time"].day == 4


def test_headerless_newaddr_and_ifinfo():
    df, warnings = _parse(corpus_text("route_monitor", "globalprotect-notes-route-monitor-ipsec0-2024-04-05.out"))
    assert warnings == []
    a, b = df.iloc[0], df.iloc[1]
    assert (a["type"], a["metric"], a["netmask"], a["ifp"], a["interface"], a["brd"], a["line"]) == (
        "RTM_NEWADDR", 0, "ffff:ffff:ffff:ffff::", "ipsec0", "ipsec0", "default", 1)
    assert a["size"] is pd.NA and a["time"] is pd.NaT
    assert (b["type"], b["dst"], b["gateway"], b["line"]) == ("RTM_ADD", "fd54:20a4:d33b:b10c:8a6:0:1:1a00", pd.NA, 5)
    df, warnings = _parse(corpus_text("route_monitor", "real-world-systems-route-monitor-rtm_ifinfo-2020-05-12.out"))
    assert df["index"].tolist() == [5, 5, 12, 12, 1, 1]
    assert "PPROMISC" in df.loc[0, "flags"] and "PPROMISC" not in df.loc[1, "flags"]
    assert warnings == [(2, "unknown route monitor line: 'timestamps removed'")]


def test_route_add_verbose():
    df, warnings = _parse(corpus_text("route_add_verbose", "colima-k8s-article-route-nv-add-net.out"))
    r = df.iloc[0]
    assert (r["type"], r["dst"], r["gateway"], r["netmask"], r["seq"]) == (
        "RTM_ADD", "172.18.0.0", "192.168.64.2", "255.255.0.0", 1)
    assert [w[0] for w in warnings] == [1, 5]


def test_capture_prefix_and_truncated_last_message():
    text = ("2025-12-28T02:15:27Z\tgot message of size 176 on Sun Dec 28 10:15:27 2025\n"
            "2025-12-28T02:15:27Z\tRTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY>\n"
            "2025-12-28T02:15:27Z\tlocks:  inits: \n"
            "2025-12-28T02:15:27Z\tsockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
            "2025-12-28T02:15:27Z\t default localhost default index: 25  172.27.5.101\n"
            "2025-12-28T02:15:29Z\tgot message of size 176 on Sun Dec 28 10:15:29 2025\n"
            "2025-12-28T02:15:29Z\tRTM_DELETE: Delete Route: len 176, pid: 382, seq 1955, errno 0, flags:<UP>\n"
            "2025-12-28T02:15:29Z\tlocks:  inits: \n"
            "2025-12-28T02:15:29Z\tsockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
            "[nettrace: truncated at 1048576 bytes]\n")
    df, warnings = _parse(text)
    assert df["captured_at"].tolist() == [pd.Timestamp("2025-12-28T02:15:27Z"), pd.Timestamp("2025-12-28T02:15:29Z")]
    assert df["ifa"].tolist()[0] == "172.27.5.101" and df.loc[1, "type"] == "RTM_DELETE"
    assert df.loc[1, "dst"] is pd.NA and df.loc[1, "line"] == 6
    assert df.loc[1, "seq"] == 1955
    assert warnings == [(10, "capture cut the stream: [nettrace: truncated at 1048576 bytes]"),
                        (6, "last message incomplete, kept as far as it goes: "
                            "RTM_DELETE message cut before its address line")]
    df, warnings = _parse("got message of size 176 on Sun Dec 28 10:15:27 2025\nRTM_ADD: Add Route: len 176, pid")
    assert len(df) == 1 and df.loc[0, "type"] == "RTM_ADD"
    assert any("incomplete" in w[1] for w in warnings)


def test_garbage_never_raises():
    df, warnings = _parse("\x00\x01 nonsense\nsockaddrs: <DST>\nlocks: x\nRTM_\n got message of size x on\n")
    assert SCHEMA.check(df) == [] and len(warnings) >= 3
    df, warnings = _parse("")
    assert len(df) == 0 and SCHEMA.check(df) == [] and warnings == []


def test_parse_lines_streams_in_chunks_without_splitting_messages():
    msg = ("got message of size 112 on Tue May 12 12:19:43 2020\n"
           "RTM_IFINFO: iface status change: len 112, if# 5, flags:<UP,BROADCAST,RUNNING>\n\n")
    lines = (msg * 50).splitlines(keepends=True)
    frames = list(route_monitor.parse_lines(iter(lines), chunk_size=10))
    # a chunk is closed at the first message header after 10 lines: 3 messages of 3 lines each
    assert [len(f) for f in frames] == [3] * 16 + [2]
    whole = pd.concat(frames, ignore_index=True)
    assert whole["line"].tolist() == list(range(1, 150, 3))
    assert all(SCHEMA.check(f) == [] for f in frames)


def test_blank_only_input_is_an_empty_frame():
    # found by the fuzz suite: the chunked fast path once failed on a chunk of blank lines
    for text in (" ", "\n", "  \n ", "\n\n\n"):
        w = []
        df = route_monitor.parse(text, w)
        assert len(df) == 0 and route_monitor.SCHEMAS["route_events"].check(df) == []
