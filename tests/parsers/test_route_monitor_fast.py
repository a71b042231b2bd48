"""route_monitor's vectorized path (_rtm_fast) against the line-by-line reader (_slow)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nettrace.parsers import _rtm_fast, route_monitor
from tests import benchgen


def _slow(text: str):
    warnings: list = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return route_monitor._slow(lines, 1, warnings, final=True), warnings


def _vec(text: str):
    warnings: list = []
    a = _rtm_fast.ascii_view(text)
    assert a is not None
    got = _rtm_fast.chunk_frame(a, 1, warnings)
    assert got is not None, "the vectorized path refused a regular chunk"
    df, newlines = got
    assert newlines == text.count("\n")
    return df, warnings


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns=["flags", "sockaddrs"]), b.drop(columns=["flags", "sockaddrs"]))
    for c in ("flags", "sockaddrs"):
        assert [list(v) for v in a[c]] == [list(v) for v in b[c]]


@pytest.fixture(scope="module")
def generated():
    text, expected = benchgen.route_monitor(3000, seed=5)
    return text, expected


def test_vectorized_and_line_reader_agree_on_every_rtm_type(generated):
    text, expected = generated
    df, warnings = _vec(text)
    assert set(df["type"]) == set(expected["types"]) >= {"RTM_ADD", "RTM_DELETE", "RTM_CHANGE", "RTM_GET",
                                                         "RTM_MISS", "RTM_IFINFO", "RTM_NEWADDR", "RTM_DELADDR"}
    ref, ref_warnings = _slow(text)
    _same(df, ref)
    assert warnings == ref_warnings == []
    assert route_monitor.SCHEMAS["route_events"].check(df) == []


@pytest.mark.parametrize("variant", ["noprefix", "unterminated", "odd-addresses"])
def test_vectorized_and_line_reader_agree_on_variants(generated, variant):
    text = generated[0]
    if variant == "noprefix":
        text = "".join(line[21:] + "\n" for line in text.splitlines())
    elif variant == "unterminated":
        text = text.rstrip("\n")
    else:  # an extra empty slot and a bad index: these lines go through _addresses, with its warnings
        text = text.replace(" default 192.168", " default  192.168", 40).replace("index: 1", "index: x1", 20)
    df, warnings = _vec(text)
    ref, ref_warnings = _slow(text)
    _same(df, ref)
    assert sorted(warnings) == sorted(ref_warnings)
    if variant == "odd-addresses":
        assert warnings


@pytest.mark.parametrize("text", [
    "got message of size 112 on Tue May 12 12:19:43 2020\r\nRTM_IFINFO: x: len 112, if# 5, flags:<UP>\r\n" * 3,
    "got message of size 176 on Sun Dec 28 10:15:27 2025\nRTM_ADD: Add Route: len 176, pid: 382, seq 1954, "
    "errno 0, flags:<UP>\n" * 2,                                       # route messages cut before locks
    "got message of size 112 on Tue May 12 12:19:43 2020\nRTM_IFINFO: iface: len 112, if# 5, flags:<UP,\n"
    "flags:<x>\n" * 2,                                                 # wrapped flags
])
def test_irregular_chunks_are_refused(text):
    a = _rtm_fast.ascii_view(text)
    assert a is None or _rtm_fast.chunk_frame(a, 1, []) is None


def _with_odd_messages(text: str) -> str:
    """*text* with an irregular message in its middle (non-ASCII address, wrapped flags line)."""
    lines = text.split("\n")
    mid = len(lines) // 2
    while not lines[mid].endswith("\t") and lines[mid] != "":
        mid += 1
    odd = ["got message of size 112 on Tue May 12 12:19:43 2020",
           "RTM_IFINFO: iface: len 112, if# 5, flags:<UP,", "flags:<x>", "",
           "got message of size 132 on Fri Dec 26 18:00:05 2025",
           "RTM_ADD: Add Route: len 132, pid: 382, seq 1001, errno 0, flags:<UP,GATEWAY,STATIC>",
           "locks:  inits: ", "sockaddrs: <DST,GATEWAY,NETMASK>", " 10.162.0.0 caf\u00e9 255.255.0.0", ""]
    return "\n".join(lines[:mid + 1] + odd + lines[mid + 1:])


@pytest.mark.parametrize("step", [4096, 50_000, 1 << 20])
def test_parse_in_small_chunks_with_an_irregular_one(generated, monkeypatch, step):
    """Fast chunks before and after a chunk the vectorized path refuses: rows in order, line numbers
    and warnings as the line reader gives them."""
    text = _with_odd_messages(generated[0])
    monkeypatch.setattr(route_monitor, "_CHUNK", step)
    warnings: list = []
    df = route_monitor.parse(text, warnings)
    ref, ref_warnings = _slow(text)
    _same(df, ref)
    assert warnings == ref_warnings
    assert route_monitor.SCHEMAS["route_events"].check(df) == []


@pytest.mark.parametrize("variant", ["plain", "odd", "crlf", "unterminated"])
@pytest.mark.parametrize("chunk_bytes", [64, 4099, 65_537, 8 << 20])
def test_parse_file_matches_parse(generated, tmp_path, variant, chunk_bytes):
    text = generated[0]
    if variant == "odd":
        text = _with_odd_messages(text)
    elif variant == "unterminated":
        text = text.rstrip("\n")
    raw = text.encode("utf-8")
    if variant == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    path = tmp_path / "route_monitor.out"
    path.write_bytes(raw)
    warnings: list = []
    df = route_monitor.parse_file(path, warnings, chunk_bytes=chunk_bytes)
    ref_warnings: list = []
    with open(path, encoding="utf-8", errors="replace") as f:
        ref = route_monitor.parse(f.read(), ref_warnings)
    _same(df, ref)
    assert warnings == ref_warnings
    assert route_monitor.SCHEMAS["route_events"].check(df) == []


def test_builder_over_chunks_equals_one_chunk(generated):
    text = generated[0]
    cut = route_monitor._header_start(text, len(text) // 3)
    cut2 = route_monitor._header_start(text, 2 * len(text) // 3)
    b = _rtm_fast.Builder()
    first = 1
    for lo, hi in ((0, cut), (cut, cut2), (cut2, len(text))):
        part = text[lo:hi]
        n = b.add(_rtm_fast.ascii_view(part), first, [])
        assert n == part.count("\n")
        first += n
    _same(b.frame(), _vec(text)[0])


def test_seg_nulls_are_empty_segments_in_order():
    text = "abcdefgh ijkl mnop qrstuvwx yz" * 4
    buf = _rtm_fast._Buf(_rtm_fast.ascii_view(text))
    s = np.array([0, 9, 9, 14, 19, 30])
    e = np.array([8, 13, 9, 18, 19, 32])
    valid = np.array([True, True, False, True, False, True])
    got = buf.seg(s, e, valid)
    assert got.to_pylist() == ["abcdefgh", "ijkl", None, "mnop", None, "ab"]
    assert buf.seg(s, e).to_pylist() == ["abcdefgh", "ijkl", "", "mnop", "", "ab"]
    got.validate(full=True)


_IFINFO = "got message of size 112 on Tue May 12 12:19:43 2020\nRTM_IFINFO: iface: len 112, if# 5, flags:<UP>\n\n"
_DELADDR = ("got message of size 100 on Fri Dec 26 18:00:03 2025\nRTM_DELADDR: address being removed from iface: "
            "len 100, metric 0, flags:<UP>\nsockaddrs: <NETMASK,IFP,IFA,BRD>\n 255.255.0.0 utun5 10.0.0.1 "
            "10.0.255.255\n\n")


@pytest.mark.parametrize("where", ["start", "end", "both"])
def test_messages_without_locks_or_addresses_at_the_chunk_edges(generated, where):
    """Rows without a locks line or an address line before the first and after the last that has
    one (their null segments sit at the edges of the copies)."""
    body = generated[0][:20000]
    body = body[:route_monitor._header_start(body, 15000)]
    body = "".join(line[21:] + "\n" for line in body.splitlines())
    text = {"start": _IFINFO * 2 + _DELADDR + body, "end": body + _DELADDR + _IFINFO * 2,
            "both": _IFINFO + body + _IFINFO}[where]
    df, warnings = _vec(text)
    ref, ref_warnings = _slow(text)
    _same(df, ref)
    assert warnings == ref_warnings == []


def _rtm_message(rtm: str) -> str:
    return (f"got message of size 132 on Fri Dec 26 18:00:05 2025\n{rtm}\nlocks:  inits: \n"
            "sockaddrs: <DST,GATEWAY,NETMASK>\n 10.162.0.0 192.168.166.1 255.255.0.0\n\n")


@pytest.mark.parametrize("seq, regular", [
    ("7", True), ("12345678", True), ("1234567890", True), ("123456789012345", True),
    ("", False), ("12x", False), ("12 ", False), ("12345678x", False)])
def test_seq_digits(generated, seq, regular):
    """The seq digits (up to 8 in the vectorized step, more in its rare loop) end at a comma; other
    text there leaves the chunk to the readers, which agree with the line reader."""
    odd = _rtm_message(f"RTM_ADD: Add Route: len 132, pid: 382, seq {seq}, errno 0, flags:<UP,GATEWAY,STATIC>")
    body = "".join(line[21:] + "\n" for line in generated[0][:3000].splitlines())
    body = body[:route_monitor._header_start(body, 1000)]
    text = body + odd + body + odd
    a = _rtm_fast.ascii_view(text)
    got = _rtm_fast.chunk_frame(a, 1, [])
    assert (got is not None) == regular
    warnings: list = []
    df = route_monitor.parse(text, warnings)
    ref, ref_warnings = _slow(text)
    _same(df, ref)
    assert warnings == ref_warnings
    if regular:
        _same(got[0], ref)
        assert df["seq"].iloc[-1] == int(seq)


def test_seq_twice_on_a_line_is_left_to_the_readers():
    text = _rtm_message("RTM_ADD: Add Route: len 132, pid: 382, seq 5, errno 0, seq 6, flags:<UP>") * 2
    assert _rtm_fast.chunk_frame(_rtm_fast.ascii_view(text), 1, []) is None
    df = route_monitor.parse(text, [])
    _same(df, _slow(text)[0])
