"""``route -n monitor`` (the capture's stream) and the message blocks of ``route -nv add``.

A real message (seed 000: configd, pid 382, installing ZeroTier's default via 127.0.0.1)::

    got message of size 176 on Sun Dec 28 10:15:27 2025
    RTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY,DONE,STATIC>
    locks:  inits:
    sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>
     default localhost default index: 25  172.27.5.101

gives one ``route_events`` row: ``type`` RTM_ADD, ``pid`` 382, ``seq`` 1954, ``dst`` default,
``gateway`` localhost, ``netmask`` default, ``ifp`` "index: 25" (so ``index`` 25, ``interface``
missing: the loader maps the index to a name), ``ifa`` 172.27.5.101.

The format, from Apple's ``network_cmds`` ``route.tproj/route.c``: ``monitor()`` prints a blank
line and ``got message of size N on <ctime>``; ``print_rtmsg`` prints ``TYPE: words: len N,``
then, by type, ``if# N, flags:<...>`` (RTM_IFINFO), ``metric N, flags:<...>`` (RTM_NEWADDR /
RTM_DELADDR), nothing (RTM_NEWMADDR / RTM_DELMADDR) or ``pid: P, seq S, errno E, [ifscope N, ]
[ifref, ]flags:<...>`` followed by ``pmsg_common``'s ``locks: <..> inits: <..>`` line (every
other type). ``bprintf`` prints nothing for an empty bit set (``flags:`` alone, ``locks:  inits:``).
``pmsg_addrs`` prints ``sockaddrs: <ROLES>`` and one line holding ``" " + routename(sa)`` per
role, in the order of the roles; a message without addresses has neither line. ``routename``
prints, per sockaddr family:

- ``default`` for an empty sockaddr (``sa_len`` 0), else the address (``-n``) or a host name;
- AF_LINK: ``link_ntoa`` (``en0:bc.d0.74.30.e.71``) up to network_cmds-644; from network_cmds-705
  ``index: N `` followed by ``link_ntoa`` (seed 000's ``index: 25 `` with an empty ``link_ntoa``,
  hence the double space after it);
- any other family: ``(family)`` and one ``%x`` per 16-bit word, ``(255) ffff ffff ffff 0 0 ...``
  (``p_sockaddr``'s default branch; what the ``::`` deletions on utun0-utun2 print) — one address
  whose words run to the first word that is not 1-4 hex digits;
- an empty name leaves an empty slot (``default 192.168.44.1 default  192.168.44.90``: no IFP).

How it is read: the text is cut into pieces of about 32 MB at message headers, and each piece is
read by one line grammar (``_LINE_KINDS`` picks a line's kind by its first word, then one regex
per kind, applied with Arrow compute to all lines of that kind at once). Lines are grouped into
messages (a header starts one; an RTM line starts one unless it follows a header), and the line
after a ``sockaddrs:`` line is read as the address line by a regex built from its roles. Python runs
once per distinct roles list and flags list, not per message.

Odd cases handled: the capture prefix ``2025-12-28T02:15:27Z<TAB>`` (``captured_at``); headers and
RTM lines indented (pasted outputs); messages without their header (cut excerpts, ``route -nv
add``, whose RTM line follows the ``u: inet ...;`` text of ``sodump`` on the same line, and whose
``add net ...: gateway ...`` result line is known); RTM_IFINFO (``if# 5``), RTM_NEWADDR
(``metric 0``), ``ifscope N,``/``ifref,``; a flags list wrapped onto its own line; the capture's
``[nettrace: truncated at N bytes]`` marker (a warning); a last message cut short (kept as far as
it goes, with a warning). Any other line is a warning ``unknown route monitor line``.

Examples
--------
>>> df = parse("got message of size 176 on Sun Dec 28 10:15:27 2025\\n"
...            "RTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY,DONE,STATIC>\\n"
...            "locks:  inits: \\n"
...            "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\\n"
...            " default localhost default index: 25  172.27.5.101\\n")
>>> r = df.iloc[0]
>>> r["type"], int(r["pid"]), r["gateway"], r["ifp"], int(r["index"]), r["ifa"], str(r["time"])
('RTM_ADD', 382, 'localhost', 'index: 25', 25, '172.27.5.101', '2025-12-28 10:15:27+00:00')
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._schema import Column, Schema, arrow_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "ROLES", "parse", "parse_lines", "parse_file"]

SCHEMAS = {
    "route_events": Schema("route_events", [
        Column("captured_at", "datetime", "capture-side UTC time from the line prefix of the message's first "
                                          "line; NaT when the stream has no prefix"),
        Column("message_time", "string", "time as route printed it (`got message of size N on <time>`), the "
                                         "Mac's local time, e.g. 'Sun Dec 28 10:15:27 2025'"),
        Column("time", "datetime", "message_time read as if it were UTC (the loader re-localizes it with the "
                                   "manifest's timezone); NaT without a header"),
        Column("size", "Int64", "N of `got message of size N`"),
        Column("type", "string", "message type: RTM_ADD, RTM_DELETE, RTM_CHANGE, RTM_GET, RTM_IFINFO, "
                                 "RTM_NEWADDR, RTM_DELADDR, RTM_NEWMADDR, ..."),
        Column("description", "string", "route's words for the type, e.g. 'Add Route'"),
        Column("length", "Int64", "`len N` of the RTM line (the message length)"),
        Column("pid", "Int64", "pid of the process that sent the message (0 = kernel)"),
        Column("seq", "Int64", "the sender's sequence number"),
        Column("errno", "Int64", "errno of the request (3 = ESRCH, not in table)"),
        Column("ifscope", "Int64", "`ifscope N`: the interface index an ifscoped route is bound to"),
        Column("ifref", "boolean", "`ifref` was printed (the route holds an interface reference)"),
        Column("metric", "Int64", "`metric N` of RTM_NEWADDR/RTM_DELADDR"),
        Column("flags", "object", "flags, e.g. ['UP', 'GATEWAY', 'DONE', 'STATIC']"),
        Column("locks", "string", "`locks:` value (metric names), NA when empty"),
        Column("inits", "string", "`inits:` value (metric names), NA when empty"),
        Column("sockaddrs", "object", "roles of the address line, e.g. ['DST', 'GATEWAY', 'NETMASK', 'IFP', 'IFA']"),
        Column("dst", "string", "DST address as written"),
        Column("gateway", "string", "GATEWAY as written (an address, a name like localhost, link#N, ...)"),
        Column("netmask", "string", "NETMASK as written ('default' for an all-zero mask)"),
        Column("genmask", "string", "GENMASK as written"),
        Column("ifp", "string", "IFP (the interface) as written: 'en0:bc.d0.74.30.e.71', 'ipsec0', 'index: 25'"),
        Column("ifa", "string", "IFA (the interface address) as written"),
        Column("author", "string", "AUTHOR as written"),
        Column("brd", "string", "BRD (broadcast or point-to-point peer) as written"),
        Column("index", "Int64", "interface index: from an `index: N` address token or `if# N` of RTM_IFINFO"),
        Column("interface", "string", "interface name from the IFP token (`en0:...` or a bare name); NA when "
                                      "only an index is known"),
        Column("line", "Int64", "1-based line of the `got message` line (of the RTM line when the header is missing)"),
    ], doc="One row per routing-socket message printed by route monitor."),
}

JC_NOTES = [
    "jc has no parser for `route monitor` and the corpus has no jc-*.json for it: nothing to compare.",
]

ROLES = ("DST", "GATEWAY", "NETMASK", "GENMASK", "IFP", "IFA", "AUTHOR", "BRD")

# ---------------------------------------------------------------- the line grammar
_PREFIX = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t"    # the capture's per-line UTC prefix
_N = r"\d{1,18}"                                     # numbers that fit an int64
# a line's kind from the first 4 characters of its text without leading blanks
OTHER, BLANK, HEADER, RTM, LOCKS, SOCKADDRS, FLAGS, MARKER, INDENTED, ADDRESS = range(10)
_LINE_KINDS = {"got ": HEADER, "RTM_": RTM, "u: i": RTM, "u: l": RTM, "lock": LOCKS, "sock": SOCKADDRS,
               "flag": FLAGS, "[net": MARKER, "": BLANK}
# one regex per kind; a line of a kind that does not match its regex is an unknown line
_GRAMMAR = {
    HEADER: rf"^\s*got message of size (?P<size>{_N}) on (?P<message_time>.*)$",
    RTM: (rf"^\s*(?P<before>.*?)(?P<type>RTM_\w+): (?P<description>[^:]*): len (?P<length>{_N}),?\s*"
            rf"(?:pid: (?P<pid>-?{_N}), seq (?P<seq>-?{_N}), errno (?P<errno>-?{_N}),?\s*)?"
            rf"(?:ifscope (?P<ifscope>{_N}),?\s*)?(?P<ifref>ifref,?\s*)?(?:if# (?P<ifindex>{_N}),?\s*)?"
            rf"(?:metric (?P<metric>-?{_N}),?\s*)?(?P<has_flags>flags:(?:<(?P<flags>[^>]*)>)?)?\s*(?P<rest>.*)$"),
    LOCKS: r"^\s*locks:\s*(?P<locks>.*?)\s*inits:\s*(?P<inits>.*?)\s*$",
    SOCKADDRS: r"^\s*sockaddrs:\s*<(?P<roles>[^>]*)>\s*$",
    FLAGS: r"^\s*flags:<(?P<wrapped>[^>]*)>\s*$",
}
# addresses of the address line that hold blanks: `index: N <link_ntoa>`, `(family) <hex words>`
_GLUE = "\x01"
_FAMILY_WORD = rf"(\(\d+\)(?:{_GLUE}[0-9a-f]{{1,4}})*) ([0-9a-f]{{1,4}})( |$)"
_SODUMP_RE = re.compile(r"(?:u: (?:inet|link) [^;]*; )+")     # route -v's echo of the request
_RESULT_RE = re.compile(r"(?:add|delete|change) (?:net|host) \S+(?:: gateway \S+(?: \(\S+\))?)?")
# RTM types without pmsg_common's locks/inits line (print_rtmsg in route.c)
_NO_LOCKS = ("RTM_IFINFO", "RTM_IFINFO2", "RTM_NEWADDR", "RTM_DELADDR", "RTM_NEWMADDR", "RTM_DELMADDR",
             "RTM_NEWMADDR2")
_SEQ = r", seq (?P<seq>-?\d{1,18}), "  # the RTM field that changes with every message
_SEQ_PLACEHOLDER = ", seq 0, "
_STR = pa.large_string()
_CHUNK = 32 << 20  # characters per piece of parse()'s text (tests make it small)
_HEADER = "got message of size "
_BEFORE_HEADER_RE = re.compile(r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t)?[ \t]*")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``route -n monitor`` output into the ``route_events`` frame."""
    cuts = [0]
    while len(text) - cuts[-1] > _CHUNK:
        cut = _last_header(text, cuts[-1], cuts[-1] + _CHUNK)
        if cut <= cuts[-1]:  # no message header in the next _CHUNK characters: the rest as one piece
            break
        cuts.append(cut)
    return _frame(_frames((text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])), warnings))


def parse_lines(lines: Iterable[str], warnings: list | None = None,
                chunk_size: int | None = 200_000) -> Iterator[pd.DataFrame]:
    """Yield ``route_events`` frames from *lines* (e.g. an open file), read about *chunk_size* lines
    at a time (``None``: all at once); a message is never split between two frames and ``line``
    numbers count from the first line of *lines*, so memory stays flat however long the stream."""
    it = iter(lines)
    if chunk_size is None:
        blocks: Iterable[str] = ["".join(it)]
    else:
        blocks = iter(lambda: "".join(line for _, line in zip(range(chunk_size), it)), "")
    yield from _frames(_pieces(blocks), warnings)


def parse_file(path, warnings: list | None = None, chunk_chars: int = 2 << 20) -> pd.DataFrame:
    """Parse a (large) route monitor file into one frame, reading it *chunk_chars* at a time:
    peak memory is the frame plus about one piece, never the whole text."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return _frame(_frames(_pieces(iter(lambda: f.read(chunk_chars), "")), warnings))


def _pieces(blocks: Iterable[str]) -> Iterator[str]:
    """The text that *blocks* make up, in pieces cut before the last message header of each."""
    carry = ""
    for block in blocks:
        text = carry + block
        cut = _last_header(text, 0, len(text))
        if cut > 0:
            yield text[:cut]
        carry = text[cut:]
    if carry:
        yield carry


def _frames(pieces: Iterable[str], warnings: list | None) -> Iterator[pd.DataFrame]:
    """The frame of each piece of whole lines (only the last may end inside a message) that
    holds messages."""
    first, memo = 1, {}  # memo: one flags/sockaddrs list per distinct text, shared by its rows (read-only)
    pieces = iter(pieces)
    piece = next(pieces, None)
    while piece is not None:
        following = next(pieces, None)
        cols, lines = _piece(piece, first, warnings, following is None, memo)
        if cols is not None:
            yield SCHEMAS["route_events"].frame(cols, length=len(cols["line"]))
        first += lines
        piece = following


def _last_header(text: str, lo: int, hi: int) -> int:
    """Start of the line of the last message header in ``text[lo:hi]`` after its first line (lo: none)."""
    i = text.rfind(_HEADER, lo, hi)
    while i > lo:
        start = text.rfind("\n", lo, i) + 1
        if start > lo and _BEFORE_HEADER_RE.fullmatch(text, start, i):
            return start
        i = text.rfind(_HEADER, lo, i)
    return lo


def _frame(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """One frame of the pieces' frames (their text columns are joined without a copy)."""
    frames = list(frames)
    pa.default_memory_pool().release_unused()  # the pieces' scratch memory back to the system before the join
    return pd.concat(frames, ignore_index=True) if frames else SCHEMAS["route_events"].empty()


# ---------------------------------------------------------------- one piece of text
def _piece(text: str, first: int, warnings: list | None, final: bool, memo: dict) -> tuple[dict | None, int]:
    """The columns of the messages in *text* (whole lines; *first* is the number of its first
    line; None without messages), and the number of its lines."""
    lines = arrow_lines(text)
    body, prefixed, stamp_of, stamps = _without_prefix(lines)
    kind = _kinds(body)
    # each kind's lines through its regex (once per distinct line); lines that do not match are unknown
    found = {k: _read_kind(body, kind, k) for k in _GRAMMAR}
    # messages: a header starts one, an RTM line starts one unless it directly follows a header
    events = np.flatnonzero((kind == HEADER) | (kind == RTM))
    is_rtm = kind[events] == RTM
    starts = events[~is_rtm | ~np.concatenate([[False], ~is_rtm[:-1]])]
    n = len(starts)
    start_flag = np.zeros(len(kind), bool)
    start_flag[starts] = True
    msg_of = np.cumsum(start_flag) - 1  # the message of each line (-1: before the first)
    # the address line: the line after a sockaddrs line (unless it starts a message or is the marker)
    a_at = found[SOCKADDRS][0] + 1
    a_at = a_at[a_at < len(kind)]
    a_at = a_at[~np.isin(kind[a_at], (HEADER, RTM, MARKER))]
    kind[a_at] = ADDRESS
    # each message's line of each kind, as its row of that kind's table (-1: none); a second line
    # of one kind in a message is an unknown line
    rows, tables, seq = {}, {}, None
    for k, (at, codes, table, seqs) in found.items():
        keep = _first_in_message(at, msg_of)
        kind[at[~keep]] = OTHER
        at, codes = at[keep], codes[keep]
        pos = np.full(n, -1, np.int64)  # each message's line of this kind, as an index into at
        pos[msg_of[at]] = np.arange(len(at))
        rows[k] = np.append(codes, -1)[pos]
        tables[k] = {field.name: _typed(field.name, table.field(i)) for i, field in enumerate(table.type)}
        if seqs is not None:
            seq = pc.cast(seqs.filter(keep), pa.int64()).take(pa.array(pos, mask=pos < 0))
    if n:
        # a flags line belongs to an RTM line that printed none (a wrapped line)
        printed = _per_row(pc.is_valid(tables[RTM]["has_flags"]), rows[RTM], False)
        flag_lines = found[FLAGS][0][_first_in_message(found[FLAGS][0], msg_of)]
        kind[flag_lines[printed[msg_of[flag_lines]]]] = OTHER
        roles = _lists(tables[SOCKADDRS]["roles"], memo)
        addresses = _addresses(body.take(a_at), msg_of[a_at], roles, rows[SOCKADDRS], n, a_at + first,
                               warnings)
    odd = np.flatnonzero((kind == OTHER) | (kind == MARKER))
    _warn_lines(body.take(odd), odd + first, warnings)
    if n == 0:
        return None, len(kind)
    _warn_incomplete(tables, rows, msg_of, a_at, starts + first, warnings, final)
    captured = stamps.take(pa.array(stamp_of[starts], mask=~prefixed[starts]))
    cols = {name: values.take(pa.array(rows[k], mask=rows[k] < 0)) for k in (HEADER, RTM, LOCKS)
            for name, values in tables[k].items() if name in _TAKEN}
    cols["seq"] = pc.coalesce(seq, cols["seq"])
    flags = np.where(printed, _lists(pc.fill_null(tables[RTM]["flags"], ""), memo)[rows[RTM]],
                     _lists(tables[FLAGS]["wrapped"], memo)[rows[FLAGS]])
    return _typed_columns(cols, addresses, captured, flags, roles[rows[SOCKADDRS]], starts + first), len(kind)


def _without_prefix(lines: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray, pa.Array]:
    """*lines* without the capture prefix (21 characters: a UTC time and a tab), which lines had
    one, and the time of each line's prefix (index into the distinct prefixes, their times). Each
    distinct prefix is checked and read once."""
    stamps = pc.dictionary_encode(pc.binary_slice(lines.view(pa.large_binary()), 0, 21))
    stamp_of = stamps.indices.to_numpy(zero_copy_only=False)
    prefixed = pc.match_substring_regex(stamps.dictionary, _PREFIX).to_numpy(zero_copy_only=False)[stamp_of]
    times = _times(pc.binary_slice(stamps.dictionary, 0, 20).view(_STR), "%Y-%m-%dT%H:%M:%SZ")
    if prefixed.any():
        cut = pc.binary_slice(lines.view(pa.large_binary()), 21, 1 << 40).view(lines.type)
        lines = cut if prefixed.all() else pc.if_else(pa.array(prefixed, pa.bool_()), cut, lines)
    return lines, prefixed, stamp_of, times


def _kinds(lines: pa.Array) -> np.ndarray:
    """The kind of each line (``_LINE_KINDS``: by its first four characters, after any leading blanks);
    an other line holding an RTM message (after route -v's echo, a paste) is an RTM line."""
    kind = _kinds_of_heads(lines)
    indented = np.flatnonzero(kind == INDENTED)
    kind[indented] = _kinds_of_heads(pc.utf8_ltrim_whitespace(lines.take(indented)))
    other = np.flatnonzero(kind == OTHER)
    other = other[(other == 0) | (kind[other - 1] != SOCKADDRS)]  # (not an address line)
    kind[other[pc.match_substring(lines.take(other), "RTM_").to_numpy(zero_copy_only=False)]] = RTM
    return kind


def _kinds_of_heads(lines: pa.Array) -> np.ndarray:
    """The kind of each line from its first four characters (``INDENTED``: starts with a blank)."""
    enc = pc.dictionary_encode(pc.binary_slice(lines.view(pa.large_binary()), 0, 4))
    kinds = [INDENTED if h[:1] in (b" ", b"\t") else _LINE_KINDS.get(h.decode("utf-8", "replace"), OTHER)
             for h in enc.dictionary.to_pylist()]
    return np.array(kinds + [OTHER], np.int8)[enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)]


def _read_kind(lines: pa.Array, kind: np.ndarray, k: int) -> tuple:
    """The lines of kind *k* read by its regex, once per distinct line: their positions, each one's
    row of the results table, the table, and (RTM lines) each one's ``seq``. Lines that do not
    match become ``OTHER`` in *kind*."""
    at = np.flatnonzero(kind == k)
    values, seq = lines.take(at), None
    if k == RTM:  # seq changes with every message: read on its own, the rest of the line once
        values, seq = _split_seq(values)
    enc = pc.dictionary_encode(values)
    table = pc.extract_regex(enc.dictionary, _GRAMMAR[k])
    codes = enc.indices.to_numpy(zero_copy_only=False)
    matched = table.is_valid().to_numpy(zero_copy_only=False)[codes]
    kind[at[~matched]] = OTHER
    return at[matched], codes[matched], table, seq.filter(matched) if seq is not None else None


def _split_seq(rtm: pa.Array) -> tuple[pa.Array, pa.Array]:
    """RTM lines with their ``seq N`` written ``seq 0``, and each N (null without one)."""
    seq = pc.struct_field(pc.extract_regex(rtm, _SEQ), [0])
    rest = pc.split_pattern_regex(rtm, _SEQ, max_splits=1)  # the text before and after ", seq N, "
    return pc.binary_join(rest, pa.scalar(_SEQ_PLACEHOLDER, rtm.type)), seq


def _first_in_message(at: np.ndarray, msg_of: np.ndarray) -> np.ndarray:
    """Which lines of *at* (in line order) are the first of their message (and in one)."""
    msgs = msg_of[at]
    return (msgs >= 0) & np.concatenate([[True], msgs[1:] != msgs[:-1]])


def _per_row(values: pa.Array, rows: np.ndarray, missing) -> np.ndarray:
    """``values[rows]`` as numpy, *missing* where a row is -1."""
    return np.append(values.to_numpy(zero_copy_only=False), missing)[rows]


def _addresses(lines: pa.Array, msgs: np.ndarray, role_lists: np.ndarray, role_rows: np.ndarray, n: int,
               numbers: np.ndarray, warnings) -> dict:
    """Role -> per-message array of addresses, from the address *lines* of messages *msgs*: the
    i-th address of a line is its message's i-th role (*role_lists*, by the message's
    *role_rows*); a line with more or fewer addresses than roles keeps what fits, with a warning."""
    tokens = _split_addresses(lines)
    flat = pc.list_flatten(tokens)
    start = tokens.offsets.to_numpy()[:-1] + 1  # the empty string before the line's leading blank
    count = pc.list_value_length(tokens).to_numpy(zero_copy_only=False) - 1
    role_rows = np.append(role_rows, -1)[msgs]  # (no roles for a line before the first message)
    line_roles = role_lists[role_rows]
    wanted = np.fromiter(map(len, line_roles), np.int64, len(line_roles))
    for i in np.flatnonzero(count != wanted).tolist():
        extra = [t for t in flat[int(start[i]) + wanted[i]:int(start[i]) + count[i]].to_pylist() if t]
        if count[i] < wanted[i] or extra:
            what = f"extra {' '.join(extra)[:40]!r} ignored" if extra else "fewer addresses"
            warn(warnings, int(numbers[i]), f"{count[i]} addresses for {wanted[i]} roles: {what}")
    flat = _typed("address", pc.utf8_rtrim_whitespace(pc.replace_substring(flat, _GLUE, " ")))
    out = {}
    for role in ROLES:
        where_in = np.array([r.index(role) if role in r else -1 for r in role_lists])[role_rows]
        at = np.flatnonzero((where_in >= 0) & (where_in < count))
        if len(at):
            where = np.full(n, -1, np.int64)  # each message's address of this role, as an index into flat
            where[msgs[at]] = start[at] + where_in[at]
            out[role] = flat.take(pa.array(where, mask=where < 0))
    return out


def _split_addresses(lines: pa.Array) -> pa.ListArray:
    """Each address line as a list: split at blanks, after gluing the blanks inside one address
    (``index: N <name>``, ``(family) <hex words>``) with a placeholder."""
    lines = pc.replace_substring_regex(lines, r"index: (\d+) ", f"index:{_GLUE}\\1{_GLUE}")
    if pc.any(pc.match_substring_regex(lines, r"\(")).as_py():  # (RE2 finds it faster than the plain search)
        while True:  # one hex word per pass, until no line has one left to glue
            glued = pc.replace_substring_regex(lines, _FAMILY_WORD, f"\\1{_GLUE}\\2\\3")
            if glued.equals(lines):
                break
            lines = glued
    return pc.split_pattern(lines, " ")


def _warn_lines(lines: pa.Array, numbers: np.ndarray, warnings) -> None:
    """A warning for every line that is not part of a message (the truncation marker, garbage)."""
    for number, line in zip(numbers.tolist(), lines.to_pylist()):
        s = line.strip()
        if s.startswith("[nettrace: truncated"):
            warn(warnings, number, f"capture cut the stream: {s[:60]}")
        elif not _RESULT_RE.fullmatch(s):  # route add's own result line is known
            warn(warnings, number, f"unknown route monitor line: {s[:60]!r}")


def _warn_incomplete(tables, rows, msg_of, a_at, numbers, warnings, final) -> None:
    """Warnings for messages that stop short of their RTM, locks/sockaddrs or address line, and for
    text of the RTM line its grammar did not read."""
    n = len(numbers)
    rtm = rows[RTM]
    has_rtm, has_locks, has_roles = rtm >= 0, rows[LOCKS] >= 0, rows[SOCKADDRS] >= 0
    has_addr = np.zeros(n, bool)
    has_addr[msg_of[a_at]] = True
    route = has_rtm & ~_per_row(pc.is_in(tables[RTM]["type"], pa.array(_NO_LOCKS)), rtm, True)
    for m in np.flatnonzero(~has_rtm | (route & ~has_locks & ~has_roles) | (has_roles & ~has_addr)).tolist():
        typ = tables[RTM]["type"][int(rtm[m])].as_py() if has_rtm[m] else None
        if not has_rtm[m]:
            problem = "message header without its RTM line"
        elif has_roles[m]:
            problem = f"{typ} message cut before its address line"
        else:
            problem = f"{typ} message cut before its locks/sockaddrs lines"
        lead = "last message incomplete, kept as far as it goes: " if final and m == n - 1 else ""
        warn(warnings, int(numbers[m]), lead + problem)
    for field, what in (("rest", "unread RTM text"), ("before", "text before the RTM message ignored")):
        values = tables[RTM][field]
        for m in np.flatnonzero(_per_row(pc.is_valid(values), rtm, False)).tolist():
            v = values[int(rtm[m])].as_py()
            if not (field == "before" and _SODUMP_RE.fullmatch(v)):
                warn(warnings, int(numbers[m]), f"{what}: {v[:40]!r}")


_INTS = ("size", "length", "pid", "seq", "errno", "ifscope", "ifindex", "metric")
_TAKEN = ("size", "message_time", "type", "description", "length", "pid", "seq", "errno", "ifscope", "ifref",
          "ifindex", "metric", "locks", "inits")  # the grammar's fields that are (or make) columns


def _typed(name: str, values: pa.Array) -> pa.Array:
    """A field of the grammar as its column wants it: numbers as int64, empty text as missing."""
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
    if name == "message_time":
        return pc.utf8_rtrim_whitespace(values)
    return pc.cast(values, pa.int64()) if name in _INTS else values


def _typed_columns(cols: dict, addresses: dict, captured: pa.Array, flags: np.ndarray, sockaddrs: np.ndarray,
                   lines: np.ndarray) -> dict:
    """The schema's columns of a piece's messages (Arrow arrays; lists as numpy object arrays)."""
    n, missing = len(lines), pa.nulls(len(lines), _STR)  # one all-missing array for every empty text column
    ifp = addresses.get("IFP", missing)
    ifps = pc.dictionary_encode(ifp)  # the interface index and name, once per distinct IFP
    index = pc.struct_field(pc.extract_regex(ifps.dictionary, r"^index: (?P<i>\d{1,9})"), [0])
    name = pc.struct_field(pc.extract_regex(ifps.dictionary, r"^(?:index: \d+ )?(?P<n>[a-z]+[0-9]+)(?::|$)"), [0])
    return {
        "captured_at": captured.to_pandas(),  # (pandas' own datetime column, no Python objects)
        "time": _times(cols["message_time"], "%a %b %d %H:%M:%S %Y").to_pandas(),
        "ifref": pc.is_valid(cols["ifref"]),
        "flags": flags,
        "sockaddrs": sockaddrs,
        "index": pc.coalesce(pc.cast(index, pa.int64()).take(ifps.indices), cols["ifindex"]),
        "interface": name.take(ifps.indices),
        "line": pa.array(lines),
        **{key: cols[key] for key in ("message_time", "size", "type", "description", "length", "pid", "seq",
                                      "errno", "ifscope", "metric")},
        **{key: missing if cols[key].null_count == n else cols[key] for key in ("locks", "inits")},
        **{role.lower(): addresses.get(role, missing) for role in ROLES},
    }


def _times(a: pa.Array, fmt: str) -> pa.Array:
    """UTC timestamps of *a* (each distinct string read once); null where it is not of *fmt*."""
    enc = pc.dictionary_encode(a)
    t = pc.strptime(enc.dictionary, format=fmt, unit="ns", error_is_null=True).take(enc.indices)
    return t.cast(pa.timestamp("ns", tz="UTC"))


def _lists(a: pa.Array, memo: dict) -> np.ndarray:
    """Lists of the comma-separated names of each value of *a* (one list per distinct text, kept in
    *memo*), then an empty list (for row -1); an empty list where *a* is missing."""
    enc = pc.dictionary_encode(a)
    shared = np.empty(len(enc.dictionary) + 1, object)
    for i, v in enumerate(enc.dictionary.to_pylist()):
        if v not in memo:
            memo[v] = [x for x in v.split(",") if x]
        shared[i] = memo[v]
    shared[-1] = memo.setdefault(None, [])
    return shared[np.append(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), -1)]
