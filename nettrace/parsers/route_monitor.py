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

The address line holds one token per role of ``sockaddrs``, each printed as ``" " + name``:
``index: 25`` is one token (route prints it with a trailing space, hence the double space after
it), ``en0:bc.d0.74.30.e.71`` and ``link#12`` are one token each, an empty name leaves an empty slot
(``default 192.168.44.1 default  192.168.44.90``: the IFP is empty).

Odd cases handled:

- each stream line may carry the capture prefix ``2025-12-28T02:15:27Z<TAB>`` (``captured_at``);
- messages without their ``got message`` header (cut excerpts, ``route -nv add``, whose RTM line
  follows ``u: inet ...;`` text on the same line), RTM lines indented;
- RTM_IFINFO (``if# 5``, no addresses), RTM_NEWADDR/RTM_DELADDR (``metric 0``), the ``ifscope N,``
  and ``ifref,`` fields, a flags list wrapped onto the next line;
- a last message cut short is kept as far as it goes, with a warning; the capture's
  ``[nettrace: truncated at N bytes]`` marker is reported as a warning.

Big captures: :func:`parse` reads the text in chunks of ~32 MB cut at a message header,
:func:`parse_file` reads a file as bytes 8 MB at a time (never decoding the regular chunks), and
:func:`parse_lines` reads any iterable of lines (an open file) and yields frames of at most about
``chunk_size`` lines each, never splitting a message, so memory stays flat.

Each chunk goes to the first reader that takes it:

1. the vectorized path (:mod:`._rtm_fast`), for chunks that are entirely regular (ASCII, every line
   a header, RTM line, locks, sockaddrs, address or blank line, in message order, each with or
   without the capture prefix; one-line RTM form; valid timestamps; no message cut short). An ASCII
   ``str`` is read in place as bytes (no copy); numpy finds the lines and classifies them by their
   first byte, reads the header's size, ctime and the prefix by fixed offsets, and the seq digits
   among the RTM line's commas; pyarrow copies out the segments that make columns (``take``) and
   ``dictionary_encode`` groups the repeated ones (an RTM line without its seq, locks, sockaddrs,
   IFP), so Python runs once per distinct value of the whole input (a memo shared by the chunks).
   Address lines are split at spaces with numpy; a line that does not give one token per role goes
   through the line reader's ``_addresses`` (warnings included). Consecutive regular chunks feed one
   ``_rtm_fast.Builder``: per-row numbers and memo ids go into growing numpy buffers, per-row strings
   stay one Arrow array per chunk (a chunked array in the frame), and the frame is built once at the
   end, so no per-chunk frames are concatenated. String columns are Arrow-backed copies, never
   views of the text.
2. one regex pass per chunk (``_fast``), for regular chunks the vectorized path refuses (non-ASCII);
3. the line-by-line reader (``_slow``), for everything else, with the warnings.

A refused chunk closes the builder's frame; the frames are then concatenated in order.
All three give the same frame; equal ``flags``/``sockaddrs`` lists may be one shared object.

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

import os
import re
from itertools import islice
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from ._schema import Column, Schema, warn

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

# Slots of one message (a list) -> schema columns; `time` is derived from message_time at the end.
_FIELDS = ("captured_at", "message_time", "size", "type", "description", "length", "pid", "seq", "errno",
           "ifscope", "ifref", "metric", "flags", "locks", "inits", "sockaddrs", "dst", "gateway", "netmask",
           "genmask", "ifp", "ifa", "author", "brd", "index", "interface", "line")
(_CAP, _MTIME, _SIZE, _TYPE, _DESC, _LEN, _PID, _SEQ, _ERRNO, _IFSCOPE, _IFREF, _METRIC, _FLAGS, _LOCKS,
 _INITS, _SOCK, _DST, _GW, _MASK, _GENMASK, _IFP, _IFA, _AUTHOR, _BRD, _INDEX, _IFACE, _LINE) = range(len(_FIELDS))
_NFIELDS = len(_FIELDS)
_ROLE_SLOT = {"DST": _DST, "GATEWAY": _GW, "NETMASK": _MASK, "GENMASK": _GENMASK, "IFP": _IFP, "IFA": _IFA,
              "AUTHOR": _AUTHOR, "BRD": _BRD}
_NUMBERS = {"pid:": _PID, "seq": _SEQ, "errno": _ERRNO, "ifscope": _IFSCOPE, "metric": _METRIC, "if#": _INDEX,
            "len": _LEN}
# RTM types that print `locks: inits:` after their RTM line (pmsg_common in route.c)
_NO_LOCKS = frozenset(("RTM_IFINFO", "RTM_IFINFO2", "RTM_NEWADDR", "RTM_DELADDR", "RTM_NEWMADDR",
                       "RTM_DELMADDR", "RTM_NEWMADDR2"))
_IFNAME_RE = re.compile(r"^([a-z]+[0-9]+)(?::|$)")
_HEADER = "got message of size "


def _new(line_no: int, captured_at: str | None) -> list:
    m = [None] * _NFIELDS
    m[_CAP] = captured_at
    m[_LINE] = line_no
    return m


_RTM_RE = re.compile(r"(RTM_\w+): ([^:]*): len (\d+), (?:pid: (-?\d+), seq (-?\d+), errno (-?\d+), )?"
                     r"(?:ifscope (\d+), )?(ifref, )?(?:if# (\d+), )?(?:metric (-?\d+), )?flags:<([^>]*)>\s*$")


def _rtm(m: list, text: str, n: int, warnings: list | None) -> bool:
    """Fill *m* from an RTM line; False when the flags list is still to come (wrapped line)."""
    g = _RTM_RE.match(text)
    if g is not None:  # the usual one-line form, read in one regex call
        typ, desc, length, pid, seq, errno, ifscope, ifref, ifindex, metric, flags = g.groups()
        m[_TYPE], m[_DESC], m[_LEN] = typ, desc, int(length)
        if pid is not None:
            m[_PID], m[_SEQ], m[_ERRNO] = int(pid), int(seq), int(errno)
        if ifscope is not None:
            m[_IFSCOPE] = int(ifscope)
        if ifref:
            m[_IFREF] = True
        if ifindex is not None:
            m[_INDEX] = int(ifindex)
        if metric is not None:
            m[_METRIC] = int(metric)
        m[_FLAGS] = flags.split(",") if flags else []
        return True
    head, _, rest = text.partition(": len ")
    typ, _, desc = head.partition(": ")
    m[_TYPE] = typ.strip()
    m[_DESC] = desc or None
    if not rest:
        warn(warnings, n, f"RTM line without `len`: {text[:60]!r}")
        return True
    flags_seen = False
    for part in ("len " + rest).split(", "):
        part = part.strip().rstrip(",")
        if part.startswith("flags:"):
            m[_FLAGS] = [f for f in part[6:].strip().strip("<>").split(",") if f]
            flags_seen = True
            continue
        if part == "ifref":
            m[_IFREF] = True
            continue
        key, _, value = part.partition(" ")
        slot = _NUMBERS.get(key)
        if slot is not None and value.lstrip("-").isdecimal():
            m[slot] = int(value)
        elif part:
            warn(warnings, n, f"unknown RTM field {part[:40]!r}")
    return flags_seen


def _addresses(m: list, text: str, n: int, warnings: list | None) -> None:
    roles = m[_SOCK] or []
    toks = (text[1:] if text[:1] == " " else text.lstrip()).rstrip("\r\n").split(" ")
    if "index:" in toks:
        merged, i = [], 0
        while i < len(toks):
            t = toks[i]
            if t == "index:" and i + 1 < len(toks):
                merged.append(t + " " + toks[i + 1])
                i += 2
                # route prints "index: N " with a trailing space: the empty token after it is not a slot
                if len(merged) + (len(toks) - i) > len(roles) and i < len(toks) and toks[i] == "":
                    i += 1
                continue
            merged.append(t)
            i += 1
        toks = merged
    while len(toks) > len(roles) and toks[-1] == "":
        toks.pop()
    if len(toks) > len(roles):
        warn(warnings, n, f"{len(toks)} addresses for {len(roles)} sockaddrs roles: extra ignored")
    for role, tok in zip(roles, toks):
        slot = _ROLE_SLOT.get(role)
        if slot is None or not tok:
            continue
        m[slot] = tok
        if slot == _IFP:
            index, name = ifp_parts(tok)
            if index is not None:
                m[_INDEX] = index
            if name is not None:
                m[_IFACE] = name


def ifp_parts(tok: str | None) -> tuple[int | None, str | None]:
    """``(index, interface)`` of an IFP token: ``index: 25`` -> (25, None), ``en0:bc.d0.74.30.e.71``
    or ``ipsec0`` -> (None, name); (None, None) for anything else. Every reader uses this one.

    >>> ifp_parts("index: 25"), ifp_parts("en0:bc.d0.74.30.e.71"), ifp_parts("index: x"), ifp_parts(None)
    ((25, None), (None, 'en0'), (None, None), (None, None))
    """
    if tok is None:
        return None, None
    if tok.startswith("index: "):
        num = tok[7:]
        return (int(num) if num.isdecimal() else None), None
    mm = _IFNAME_RE.match(tok)
    return None, (mm.group(1) if mm else None)


def _incomplete(m: list, want_addrs: bool, want_locks: bool) -> str | None:
    if m[_TYPE] is None:
        return "message header without its RTM line"
    if want_locks:
        return f"{m[_TYPE]} message cut before its locks/sockaddrs lines"
    if want_addrs:
        return f"{m[_TYPE]} message cut before its address line"
    return None


_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def _iso_from_ctime(value: str) -> str | None:
    """'Sun Dec 28 10:15:27 2025' -> '2025-12-28T10:15:27' (None when it is not that shape)."""
    parts = value.split()
    if len(parts) != 5 or parts[1] not in _MONTHS or not parts[2].isdecimal():
        return None
    return f"{parts[4]}-{_MONTHS[parts[1]]}-{int(parts[2]):02d}T{parts[3]}"


def _times(values: list, ctime: bool) -> pd.Series:
    """UTC datetimes from ISO strings (or ctime strings), each distinct string converted once."""
    codes, uniques = pd.factorize(pd.Series(values, dtype="object"), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns, UTC]")
    iso = [_iso_from_ctime(u) for u in uniques] if ctime else list(uniques)
    parsed = pd.to_datetime(pd.Index(iso, dtype="object"), format="ISO8601", utc=True, errors="coerce")
    out = parsed.take(codes, allow_fill=True, fill_value=pd.NaT)
    return pd.Series(out, dtype="datetime64[ns, UTC]")


def _frame(rows: list[list]) -> pd.DataFrame:
    schema = SCHEMAS["route_events"]
    if not rows:
        return schema.empty()
    cols = dict(zip(_FIELDS, (list(c) for c in zip(*rows))))
    cols["ifref"] = [v is True for v in cols["ifref"]]
    cols["flags"] = [v if v is not None else [] for v in cols["flags"]]
    cols["sockaddrs"] = [v if v is not None else [] for v in cols["sockaddrs"]]
    captured = cols.pop("captured_at")
    df = schema.frame(cols, length=len(rows))
    df["captured_at"] = _times(captured, ctime=False)
    df["time"] = _times(cols["message_time"], ctime=True)
    return df


def _slow(lines: list[str], first: int, warnings: list | None, final: bool) -> pd.DataFrame:
    """The line-by-line reader (every odd case); *first* is the line number of ``lines[0]``."""
    rows: list[list] = []
    m: list | None = None
    want_addrs = want_locks = want_flags = False
    for n, line in enumerate(lines, first):
        cap = None
        if line[19:21] == "Z\t" and line[10:11] == "T" and line[13:14] == ":":
            cap = line[:20]
            line = line[21:]
        if line[:1] == "g" and line.startswith(_HEADER):
            if m is not None:
                _close(m, rows, want_addrs, want_locks, warnings)
            m = _new(n, cap)
            want_addrs = want_locks = want_flags = False
            size, _, when = line[len(_HEADER):].partition(" on ")
            size = size.strip()
            m[_SIZE] = int(size) if size.isdecimal() else None
            m[_MTIME] = when.strip() or None
            continue
        if want_addrs and not line.startswith("[nettrace: truncated"):
            _addresses(m, line, n, warnings)
            want_addrs = False
            continue
        at = 0 if line[:4] == "RTM_" else line.find("RTM_")
        if at >= 0:
            if m is None or m[_TYPE] is not None:
                if m is not None:
                    _close(m, rows, want_addrs, want_locks, warnings)
                m = _new(n, cap)
            if at > 0 and line[:at].strip():
                warn(warnings, n, f"text before the RTM message ignored: {line[:min(at, 40)]!r}")
            want_flags = not _rtm(m, line[at:].rstrip("\r\n"), n, warnings)
            want_locks = m[_TYPE] not in _NO_LOCKS
            continue
        s = line.strip()
        if not s:
            continue
        if m is not None:
            if s.startswith("locks:"):
                locks, _, inits = s[6:].partition("inits:")
                m[_LOCKS] = locks.strip() or None
                m[_INITS] = inits.strip() or None
                want_locks = False
                continue
            if s.startswith("sockaddrs:"):
                m[_SOCK] = [r for r in s[10:].strip().strip("<>").split(",") if r]
                want_addrs = True
                want_locks = False
                continue
            if want_flags and s.startswith("flags:"):
                m[_FLAGS] = [f for f in s[6:].strip().strip("<>").split(",") if f]
                want_flags = False
                continue
        if s.startswith("[nettrace: truncated"):
            warn(warnings, n, f"capture cut the stream: {s[:60]}")
            continue
        warn(warnings, n, f"unknown route monitor line: {s[:60]!r}")
    if m is not None:
        _close(m, rows, want_addrs, want_locks, warnings,
                "last message incomplete, kept as far as it goes: " if final else "")
    return _frame(rows)


def _close(m: list, rows: list, want_addrs: bool, want_locks: bool, warnings, lead: str = "") -> None:
    """Keep message *m*, warning when it stopped short of its address or locks lines."""
    problem = _incomplete(m, want_addrs, want_locks)
    if problem:
        warn(warnings, m[_LINE], lead + problem)
    rows.append(m)


# --------------------------------------------------------------------------- the regex path
# (the vectorized path in _rtm_fast comes first; this one takes the regular chunks it refuses)
# One regex pass over a chunk of text reads every regular message (blank lines, header, RTM line,
# locks, sockaddrs + address line, each line with or without the capture prefix) into 12 groups;
# anything else matches the last alternative, one line at a time, and sends the chunk to _slow.
# Groups are turned into columns through their *distinct* values (pd.factorize): a stream repeats
# the same lines over and over, so the Python work is per distinct value, not per message, and
# equal values share one object (rows with equal flags share one list: treat it as read-only).
_P = r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t)?"
_MSG_RE = re.compile(
    rf"((?:{_P}[ \t]*\n)*)"                                               # 0 blank lines before
    rf"({_P})got message of size (\d+ on [^\n]*)\n"                        # 1 prefix, 2 size + time
    rf"{_P}[ \t]*(RTM_\w+: [^:\n]*: len \d+), "                            # 3 type, description, len
    rf"(?:pid: (-?\d+), seq (-?\d+), errno (-?\d+), )?"                    # 4 pid, 5 seq, 6 errno
    rf"((?:ifscope \d+, )?(?:ifref, )?(?:if# \d+, )?(?:metric -?\d+, )?flags:<[^>\n]*>)[ \t]*\n"  # 7
    rf"(?:{_P}[ \t]*(locks:[^\n]*)\n)?"                                    # 8 locks/inits
    rf"(?:{_P}[ \t]*sockaddrs: <([^>\n]*)>[ \t]*\n{_P}( [^\n]*)(?:\n|\Z))?"  # 9 roles, 10 addresses
    rf"(?=\Z|{_P}(?:[ \t]*(?:\n|\Z)|got message of size ))"
    rf"|([^\n]*\n|[^\n]+\Z)")                                              # 11 any other line
_TAIL_RE = re.compile(r"(?:ifscope (\d+), )?(ifref, )?(?:if# (\d+), )?(?:metric (-?\d+), )?flags:<([^>]*)>")
_BLANK_RE = re.compile(rf"{_P}[ \t]*\n?")
_INDEX_RE = re.compile(r"index: (\d+) ")


def _factor(col) -> tuple:
    codes, uniques = pd.factorize(np.array(col, dtype=object), use_na_sentinel=False)
    return codes, [u if isinstance(u, str) else None for u in uniques]


def _take(values: list, codes, dtype: str):
    if dtype == "object":
        arr = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            arr[i] = v
        return pd.Series(arr.take(codes), dtype="object")
    return pd.Series(pd.array(values, dtype=dtype).take(codes))


def _int_or_none(v: str):
    return int(v) if v else None


def _fast(text: str, first: int, warnings: list | None, final: bool) -> pd.DataFrame | None:
    """Frame of a chunk of regular messages; None when the chunk holds any other line."""
    found = _MSG_RE.findall(text)
    if not found:
        return None
    cols = list(zip(*found))
    del found
    odd = set(cols[11])
    odd.discard("")
    if any(_BLANK_RE.fullmatch(o) is None for o in odd):
        return None
    n = len(cols[0])
    is_msg = np.array(cols[2], dtype=object) != ""
    # line numbers: a message takes its blank lines, header, RTM line, locks?, sockaddrs + address?
    bc, bu = _factor(cols[0])
    lines = np.array([u.count("\n") for u in bu], dtype=np.int64).take(bc)
    hdr_at = first + np.concatenate(([0], np.cumsum(
        lines + np.where(is_msg, 2, 1)
        + (np.array(cols[8], dtype=object) != "") + 2 * (np.array(cols[9], dtype=object) != ""))[:-1])) + lines
    keep = np.flatnonzero(is_msg)
    if len(keep) < n:  # drop the blank odd lines
        cols = [np.array(c, dtype=object)[keep] for c in cols[:11]]
        hdr_at = hdr_at[keep]
    k = len(keep)
    if k == 0:  # only blank lines
        return SCHEMAS["route_events"].empty()
    out: dict[str, pd.Series] = {"line": pd.Series(pd.array(hdr_at, dtype="Int64"))}
    # capture prefix -> captured_at
    pc, pu = _factor(cols[1])
    out["captured_at"] = _times([u[:20] or None for u in pu], ctime=False).take(pc).reset_index(drop=True)
    # header: size + message time
    hc, hu = _factor(cols[2])
    sizes, whens = zip(*(u.split(" on ", 1) for u in hu))
    out["size"] = _take([int(v) for v in sizes], hc, "Int64")
    whens = [w.strip() or None for w in whens]
    out["message_time"] = _take(whens, hc, "string")
    out["time"] = _times(whens, ctime=True).take(hc).reset_index(drop=True)
    # RTM head: type, description, len
    tc, tu = _factor(cols[3])
    heads = [(u.split(": ", 1)[0], u.split(": ", 1)[1].rpartition(": len ")) for u in tu]
    types = [h[0] for h in heads]
    out["type"] = _take(types, tc, "string")
    out["description"] = _take([h[1][0] for h in heads], tc, "string")
    out["length"] = _take([int(h[1][2]) for h in heads], tc, "Int64")
    for key, col in (("pid", cols[4]), ("errno", cols[6])):
        c, u = _factor(col)
        out[key] = _take([_int_or_none(v) for v in u], c, "Int64")
    seq_col = cols[5]
    has_seq = np.array(seq_col, dtype=object) != ""
    seq = np.zeros(k, dtype=np.int64)
    seq[has_seq] = np.fromiter(map(int, filter(None, seq_col)), dtype=np.int64, count=int(has_seq.sum()))
    out["seq"] = pd.Series(pd.arrays.IntegerArray(seq, ~has_seq))
    # tail: ifscope, ifref, if#, metric, flags
    lc, lu = _factor(cols[7])
    tails = [_TAIL_RE.fullmatch(u).groups() for u in lu]
    out["ifscope"] = _take([_int_or_none(t[0]) for t in tails], lc, "Int64")
    out["ifref"] = _take([bool(t[1]) for t in tails], lc, "boolean")
    tail_index = [_int_or_none(t[2]) for t in tails]
    out["metric"] = _take([_int_or_none(t[3]) for t in tails], lc, "Int64")
    out["flags"] = _take([t[4].split(",") if t[4] else [] for t in tails], lc, "object")
    # locks / inits
    kc, ku = _factor(cols[8])
    li = [u[6:].partition("inits:") for u in ku]
    out["locks"] = _take([u[0].strip() or None for u in li], kc, "string")
    out["inits"] = _take([u[2].strip() or None for u in li], kc, "string")
    # sockaddrs + address line: per distinct sockaddrs, the address lines of its rows split at
    # once; a line whose token count does not fit its roles goes through _addresses (warnings)
    locks_col = np.array(cols[8], dtype=object)
    rc, ru = _factor(cols[9])
    addr_col = np.array(cols[10], dtype=object)
    role_cols = {role: np.full(k, None, dtype=object) for role in ROLES}
    ifp_col = role_cols["IFP"]
    for j, roles_text in enumerate(ru):
        if not roles_text:
            continue
        roles = [r for r in roles_text.split(",") if r]
        rows = np.flatnonzero(rc == j)
        joined = "\n".join(addr_col[rows])
        if "index: " in joined:
            joined = _INDEX_RE.sub("index:\x00\\1", joined)
        toks = [line[1:].split(" ") for line in joined.split("\n")]
        odd_rows = [i for i, t in enumerate(toks) if len(t) != len(roles)]
        for i in odd_rows:
            m = [None] * _NFIELDS
            m[_SOCK] = roles
            pw: list = []
            _addresses(m, addr_col[rows[i]], 0, pw)
            for _, message in pw:
                warn(warnings, int(hdr_at[rows[i]]) + 3 + (locks_col[rows[i]] != ""), message)
            toks[i] = [m[_ROLE_SLOT[r]] if r in _ROLE_SLOT else None for r in roles]
        for role, values in zip(roles, zip(*toks)):
            if role in role_cols:
                role_cols[role][rows] = values
    for col in role_cols.values():
        col[col == ""] = None
    ic, iu = _factor(ifp_col)
    iu = [u.replace("\x00", " ") if u is not None else None for u in iu]
    idx_vals, name_vals = (list(c) for c in zip(*map(ifp_parts, iu))) if iu else ([], [])
    sc, su = _factor(cols[9])
    out["sockaddrs"] = _take([[r for r in u.split(",") if r] for u in su], sc, "object")
    for name, role in (("dst", "DST"), ("gateway", "GATEWAY"), ("netmask", "NETMASK"), ("genmask", "GENMASK"),
                       ("ifa", "IFA"), ("author", "AUTHOR"), ("brd", "BRD")):
        c, u = _factor(role_cols[role])
        out[name] = _take(u, c, "string")
    out["ifp"] = _take(iu, ic, "string")
    out["interface"] = _take(name_vals, ic, "string")
    addr_index = _take(idx_vals, ic, "Int64")
    out["index"] = addr_index.fillna(_take(tail_index, lc, "Int64"))
    # a route message without locks/sockaddrs was cut short (only possible at the end of a chunk)
    no_lock_types = np.array([t in _NO_LOCKS for t in types], dtype=bool).take(tc)
    cut = np.flatnonzero(~no_lock_types & (locks_col == "") & (np.array(cols[9], dtype=object) == ""))
    for i in cut:
        problem = f"{types[tc[i]]} message cut before its locks/sockaddrs lines"
        last = final and i == k - 1
        warn(warnings, int(hdr_at[i]), f"last message incomplete, kept as far as it goes: {problem}" if last
             else problem)
    return SCHEMAS["route_events"].frame({c: out[c] for c in SCHEMAS["route_events"].names}, length=k)


def _parse_chunk(text: str, first: int, warnings: list | None, final: bool, fast: bool = True) -> pd.DataFrame:
    a = _rtm_fast.ascii_view(text) if fast else None
    if a is not None:
        got = _rtm_fast.chunk_frame(a, first, warnings)
        if got is not None:
            return got[0]
    df = _fast(text, first, warnings, final) if text else None
    if df is None:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        df = _slow(lines, first, warnings, final)
    return df


def _is_header(line: str) -> bool:
    return line.startswith(_HEADER) or (line[19:21] == "Z\t" and line.startswith(_HEADER, 21))


def parse_lines(lines: Iterable[str], warnings: list | None = None,
                chunk_size: int | None = 200_000) -> Iterator[pd.DataFrame]:
    """Yield ``route_events`` frames from *lines* (e.g. an open file), about *chunk_size* lines each.

    A chunk is closed at the first message header after *chunk_size* lines, so a message is never
    split between two frames; ``line`` numbers count from the first line of *lines*.
    ``chunk_size=None`` yields everything as one frame.
    """
    it = iter(lines)
    first = 1
    carry: list[str] = []
    while True:
        if chunk_size is None:
            buf = carry + list(it)
            nxt = None
        else:
            buf = carry + list(islice(it, max(chunk_size - 1 - len(carry), 0)))
            nxt = None
            for line in it:
                if _is_header(line):
                    nxt = line
                    break
                buf.append(line)
        if not buf and nxt is None:
            return
        final = nxt is None
        text = "".join(buf) if buf and buf[0].endswith("\n") else "\n".join(buf) + ("\n" if buf else "")
        df = _parse_chunk(text, first, warnings, final)
        if len(df):
            yield df
        first += len(buf)
        if final:
            return
        carry = [nxt]


def parse_file(path, warnings: list | None = None, chunk_bytes: int = 8 << 20) -> pd.DataFrame:
    """Parse a (large) route monitor file into one frame, reading it *chunk_bytes* at a time:
    peak memory is the frame plus about one chunk, never the whole text.

    The file is read as bytes into one reused buffer and cut before the last message header of
    what has been read; a chunk that is ASCII without ``\\r`` goes to the vectorized path as it
    is, anything else is decoded as the text reader would (UTF-8 with replacement characters,
    universal newlines) and read by :func:`_parse_chunk`.
    """
    parts: list[pd.DataFrame] = []
    first = 1
    with open(path, "rb") as f:
        b = _rtm_fast.Builder(os.fstat(f.fileno()).st_size)
        data = bytearray(max(chunk_bytes, 64))
        filled = 0
        while True:
            if filled == len(data):  # one message longer than the buffer: grow it
                data.extend(bytes(len(data)))
            got = f.readinto(memoryview(data)[filled:])
            filled += got
            if got:
                cut = _last_header_start_bytes(data, filled)
                if cut == 0:
                    continue
            else:
                cut = filled
            if cut:
                a = np.frombuffer(data, np.uint8, count=cut)
                newlines = None
                if data.find(b"\r", 0, cut) < 0 and int(a.max()) < 128:
                    newlines = b.add(a, first, warnings)
                del a
                if newlines is None:  # the text reader's way
                    if b.k:
                        parts.append(b.frame())
                    text = data[:cut].decode("utf-8", errors="replace")
                    if "\r" in text:
                        text = text.replace("\r\n", "\n").replace("\r", "\n")
                    df = _parse_chunk(text, first, warnings, final=not got, fast=False)
                    newlines = text.count("\n")
                    del text
                    if len(df):
                        parts.append(df)
                first += newlines
                data[:filled - cut] = data[cut:filled]
                filled -= cut
            if not got:
                break
    b.release()
    if b.k:
        parts.append(b.frame())
    return _concat(parts)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame from *parts*, column by column, freeing each part's column as it goes."""
    if not parts:
        return SCHEMAS["route_events"].empty()
    if len(parts) == 1:
        return parts[0]
    cols = {}
    for name in SCHEMAS["route_events"].names:
        cols[name] = pd.concat([p[name] for p in parts], ignore_index=True)
        for p in parts:
            del p[name]
    return pd.DataFrame(cols)


def _header_start(text: str, start: int) -> int:
    """Start of the first message-header line at or after *start* (len(text) when none)."""
    i = text.find(_HEADER, start)
    while i >= 0:
        ls = text.rfind("\n", 0, i) + 1
        if ls >= start and (i == ls or (i - ls == 21 and text[ls + 19:ls + 21] == "Z\t")):
            return ls
        i = text.find(_HEADER, i + 1)
    return len(text)


def _last_header_start_bytes(data: bytearray, end: int) -> int:
    """Start of the last message-header line of ``data[:end]`` after its first line (0 when none)."""
    head = _HEADER.encode()
    i = data.rfind(head, 0, end)
    while i > 0:
        ls = data.rfind(b"\n", 0, i) + 1
        if ls > 0 and (i == ls or (i - ls == 21 and data[ls + 19:ls + 21] == b"Z\t")):
            return ls
        i = data.rfind(head, 0, i)
    return 0


_CHUNK = 32 << 20  # parse()'s chunk size (a test makes it small)


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``route -n monitor`` output into the ``route_events`` frame (in chunks of ~32 MB)."""
    parts: list[pd.DataFrame] = []
    whole = _rtm_fast.ascii_view(text)  # the text's own bytes, no copy (None: not ASCII)
    b = _rtm_fast.Builder(len(text))
    first, pos, step = 1, 0, _CHUNK
    while pos < len(text):
        end = _header_start(text, pos + step) if pos + step < len(text) else len(text)
        newlines = b.add(whole[pos:end], first, warnings) if whole is not None else None
        if newlines is None:  # an irregular chunk: the regex / line readers, rows kept in order
            if b.k:
                parts.append(b.frame())
            chunk = text[pos:end]
            df = _parse_chunk(chunk, first, warnings, final=end >= len(text), fast=False)
            newlines = chunk.count("\n")
            if len(df):
                parts.append(df)
        first += newlines
        pos = end
    b.release()
    if b.k:
        parts.append(b.frame())
    return _concat(parts)


from . import _rtm_fast  # noqa: E402  (the vectorized path uses this module's helpers)
