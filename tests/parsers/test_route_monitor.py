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
    # "u: inet 172.18.0.0; u: inet 192.168.64.2; u: inet 255.255.0.0; RTM_ADD: Add Route: len 132, ..."
    # (sodump's echo of the request before the message) and "add net 172.18: gateway 192.168.64.2"
    # (route's result line) are both known: no warning
    df, warnings = _parse(corpus_text("route_add_verbose", "colima-k8s-article-route-nv-add-net.out"))
    r = df.iloc[0]
    assert (r["type"], r["dst"], r["gateway"], r["netmask"], r["seq"], r["line"]) == (
        "RTM_ADD", "172.18.0.0", "192.168.64.2", "255.255.0.0", 1, 1)
    assert len(df) == 1 and warnings == []
    df, warnings = _parse("junk before RTM_ADD: Add Route: len 132, pid: 0, seq 1, errno 0, flags:<UP>\n"
                          "locks:  inits: \nsockaddrs: <DST>\n 10.0.0.0\nadd net 10: gateway 1.2.3.4: File exists\n")
    assert df.loc[0, "dst"] == "10.0.0.0"
    assert warnings == [(5, "unknown route monitor line: 'add net 10: gateway 1.2.3.4: File exists'"),
                        (1, "text before the RTM message ignored: 'junk before '")]


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
    # each piece is cut before the last message header it holds: whole messages only
    assert len(frames) > 10 and all(len(f) <= 4 for f in frames)
    whole = pd.concat(frames, ignore_index=True)
    assert whole["line"].tolist() == list(range(1, 150, 3)) and (whole["index"] == 5).all()
    assert all(SCHEMA.check(f) == [] for f in frames)


def test_blank_only_input_is_an_empty_frame():
    # found by the fuzz suite: the chunked fast path once failed on a chunk of blank lines
    for text in (" ", "\n", "  \n ", "\n\n\n"):
        w = []
        df = route_monitor.parse(text, w)
        assert len(df) == 0 and route_monitor.SCHEMAS["route_events"].check(df) == []


# --------------------------------------------------------------------------- formats of route.c
# Lines written from the printing code of Apple's network_cmds route.tproj/route.c (no corpus file
# has them): print_rtmsg, pmsg_common, pmsg_addrs, routename (cited per test).

def test_unknown_family_sockaddr_is_one_address_and_indented_header():
    # Real lines: the public notes the corpus file globalprotect-notes-route-monitor-ipsec0-2024-04-05
    # comes from (same file, section "route monitor after sudo route -n flush -inet6"), not in the
    # corpus. The `::` deletions print their netmask through routename's default branch, "(255)" and
    # one " %x" per 16-bit word; the first header of the section is indented by one blank.
    text = (" got message of size 200 on Fri Apr  5 19:21:22 2024\n"
            "RTM_DELETE: Delete Route: len 200, pid: 4334, seq 0, errno 0, flags:<GATEWAY,DONE,PRCLONING,CONDEMNED,"
            "GLOBAL>\n"
            "locks:  inits: \n"
            "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
            " :: fd54:20a4:d33b:b10c:: default ipsec0 fe80::aede:48ff:fe00:1122%ipsec0\n"
            "\n"
            "got message of size 224 on Fri Apr  5 19:21:22 2024\n"
            "RTM_DELETE: Delete Route: len 224, pid: 4334, seq 1, errno 0, ifscope 13, flags:<GATEWAY,DONE,PRCLONING,"
            "IFSCOPE,CONDEMNED,GLOBAL>\n"
            "locks:  inits: \n"
            "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
            " :: fe80::%utun0 (255) ffff ffff ffff 0 0 0 0 0 0 0 0 0 0 utun0 fe80::d4fa:100c:1905:b9d8%utun0\n")
    df, warnings = _parse(text)
    assert warnings == [] and len(df) == 2
    a, b = df.iloc[0], df.iloc[1]
    assert (a["line"], a["size"], a["seq"], a["ifp"], a["interface"]) == (1, 200, 0, "ipsec0", "ipsec0")
    assert b["netmask"] == "(255) ffff ffff ffff 0 0 0 0 0 0 0 0 0 0"
    assert (b["dst"], b["gateway"], b["ifp"], b["interface"], b["ifa"], b["ifscope"], b["line"]) == (
        "::", "fe80::%utun0", "utun0", "utun0", "fe80::d4fa:100c:1905:b9d8%utun0", 13, 7)
    # the words run to the first token that is not 1-4 hex digits ("default" is not one)
    df, _ = _parse(text.replace("0 utun0 ", "0 default "))
    assert df.loc[1, "netmask"].endswith(" 0 0") and df.loc[1, "ifp"] == "default"


def test_index_with_link_ntoa_and_indented_lines():
    # network_cmds-705 routename(AF_LINK): "index: %u %s" with link_ntoa; pasted outputs indent lines
    text = ("   got message of size 176 on Sun Dec 28 10:15:27 2025\n"
            "   RTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY,DONE,STATIC>\n"
            "   locks:  inits: \n"
            "   sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
            " default 10.0.0.1 default index: 7 en0:bc.d0.74.30.e.71 10.0.0.2\n")
    df, warnings = _parse(text)
    r = df.iloc[0]
    assert warnings == [] and r["line"] == 1 and r["size"] == 176 and r["seq"] == 1954
    assert (r["ifp"], r["index"], r["interface"], r["ifa"]) == ("index: 7 en0:bc.d0.74.30.e.71", 7, "en0", "10.0.0.2")


def test_empty_bit_sets_and_messages_without_addresses():
    # bprintf prints nothing for 0 (flags: alone); RTM_NEWMADDR prints no flags at all; a message
    # without addresses has no sockaddrs line (pmsg_addrs with addrs == 0)
    text = ("got message of size 92 on Sun Dec 28 10:15:27 2025\n"
            "RTM_DELETE: Delete Route: len 92, pid: 0, seq 3, errno 0, flags:\n"
            "locks:  inits: \n\n"
            "got message of size 64 on Sun Dec 28 10:15:28 2025\n"
            "RTM_NEWMADDR: new multicast group membership on iface: len 64, \n"
            "sockaddrs: <IFP,IFA>\n"
            " en0:bc.d0.74.30.e.71 1:0:5e:0:0:fb\n")
    df, warnings = _parse(text)
    assert warnings == []
    assert [list(f) for f in df["flags"]] == [[], []] and df["type"].tolist() == ["RTM_DELETE", "RTM_NEWMADDR"]
    assert df.loc[1, "interface"] == "en0" and df.loc[1, "ifa"] == "1:0:5e:0:0:fb" and df.loc[1, "line"] == 5


def test_address_lines_that_do_not_fit_their_roles_warn():
    base = ("RTM_ADD: Add Route: len 132, pid: 1, seq 2, errno 0, flags:<UP>\nlocks:  inits: \n"
            "sockaddrs: <DST,GATEWAY,NETMASK>\n")
    df, warnings = _parse(base + " 10.0.0.0 10.0.0.1 255.0.0.0 surplus\n" + base + " 10.0.0.0\n")
    assert df["netmask"].tolist() == ["255.0.0.0", pd.NA] and df["dst"].tolist() == ["10.0.0.0"] * 2
    assert warnings == [(4, "4 addresses for 3 roles: extra 'surplus' ignored"),
                        (8, "1 addresses for 3 roles: fewer addresses")]


def test_every_message_kind_of_a_generated_stream():
    """The bench generator's mix (every RTM type, prefixes, ifscope, index: N, empty IFP)."""
    from tests import benchgen

    text, expected = benchgen.route_monitor(3000, seed=5)
    warnings: list = []
    df = route_monitor.parse(text, warnings)
    assert warnings == [] and SCHEMA.check(df) == [] and len(df) == expected["rows"]
    assert df["type"].value_counts().to_dict() == expected["types"]
    assert int(df["ifscope"].notna().sum()) == expected["ifscope"]
    assert int(df["index"].notna().sum()) == expected["index"]
    assert df["captured_at"].notna().all() and df["time"].notna().all()


@pytest.fixture(scope="module")
def odd_stream():
    """A generated stream with odd messages in its middle (wrapped flags, non-ASCII, header-only)."""
    from tests import benchgen

    lines = benchgen.route_monitor(1500, seed=3)[0].split("\n")
    odd = ["got message of size 112 on Tue May 12 12:19:43 2020",
           "RTM_IFINFO: iface: len 112, if# 5, ", "flags:<UP>", "",
           "got message of size 132 on Fri Dec 26 18:00:05 2025",
           "RTM_ADD: Add Route: len 132, pid: 382, seq 1001, errno 0, flags:<UP,GATEWAY,STATIC>",
           "locks:  inits: ", "sockaddrs: <DST,GATEWAY,NETMASK>", " 10.162.0.0 caf\u00e9 255.255.0.0", "",
           "got message of size 132 on Fri Dec 26 18:00:05 2025", ""]
    mid = len(lines) // 2
    while lines[mid] and not lines[mid].endswith("\t"):
        mid += 1
    return "\n".join(lines[:mid + 1] + odd + lines[mid + 1:])


@pytest.mark.parametrize("chunk", [4096, 50_000])
def test_pieces_give_the_frame_of_the_whole(odd_stream, monkeypatch, chunk):
    whole_warnings: list = []
    whole = route_monitor.parse(odd_stream, whole_warnings)
    header_only = odd_stream.split("\n").index("got message of size 132 on Fri Dec 26 18:00:05 2025", 0) + 7
    assert whole_warnings == [(header_only, "message header without its RTM line")]
    assert (whole["gateway"] == "caf\u00e9").sum() == 1
    wrapped = whole[whole["description"] == "iface"].iloc[0]
    assert list(wrapped["flags"]) == ["UP"] and wrapped["index"] == 5
    monkeypatch.setattr(route_monitor, "_CHUNK", chunk)
    warnings: list = []
    pd.testing.assert_frame_equal(route_monitor.parse(odd_stream, warnings), whole)
    assert sorted(warnings) == sorted(whole_warnings)


@pytest.mark.parametrize("variant", ["plain", "crlf", "unterminated"])
def test_parse_file_and_parse_lines_match_parse(odd_stream, tmp_path, variant):
    text = odd_stream.rstrip("\n") if variant == "unterminated" else odd_stream
    path = tmp_path / "route_monitor.out"
    path.write_bytes(text.encode().replace(b"\n", b"\r\n") if variant == "crlf" else text.encode())
    ref_warnings: list = []
    ref = route_monitor.parse(text, ref_warnings)
    warnings: list = []
    pd.testing.assert_frame_equal(route_monitor.parse_file(path, warnings, chunk_chars=5000), ref)
    assert sorted(warnings) == sorted(ref_warnings)
    with open(path, encoding="utf-8") as f:
        streamed = pd.concat(list(route_monitor.parse_lines(f, chunk_size=300)), ignore_index=True)
    pd.testing.assert_frame_equal(streamed, ref)
