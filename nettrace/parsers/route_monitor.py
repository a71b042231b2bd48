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

Big captures: :func:`parse_lines` reads any iterable of lines (an open file) and yields frames of
at most about ``chunk_size`` lines each, never splitting a message, so memory stays flat;
:func:`parse` is ``parse_lines`` over the whole text.

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

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "ROLES", "parse", "parse_lines"]

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
        if slot is not None and value.lstrip("-").isdigit():
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
            if tok.startswith("index: "):
                num = tok[7:]
                if num.isdigit():
                    m[_INDEX] = int(num)
            else:
                mm = _IFNAME_RE.match(tok)
                if mm:
                    m[_IFACE] = mm.group(1)


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
    if len(parts) != 5 or parts[1] not in _MONTHS or not parts[2].isdigit():
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


def parse_lines(lines: Iterable[str], warnings: list | None = None,
                chunk_size: int | None = 200_000) -> Iterator[pd.DataFrame]:
    """Yield ``route_events`` frames from *lines* (e.g. an open file), about *chunk_size* lines each.

    A message is never split between two frames; ``line`` numbers count from the first line of
    *lines*. ``chunk_size=None`` yields everything as one frame.
    """
    rows: list[list] = []
    m: list | None = None
    want_addrs = want_locks = want_flags = False
    since = 0
    n = 0
    for line in lines:
        n += 1
        since += 1
        cap = None
        if line[19:21] == "Z\t" and line[10:11] == "T" and line[13:14] == ":":
            cap = line[:20]
            line = line[21:]
        if line[:1] == "g" and line.startswith(_HEADER):
            if m is not None:
                problem = _incomplete(m, want_addrs, want_locks)
                if problem:
                    warn(warnings, m[_LINE], problem)
                rows.append(m)
                if chunk_size is not None and since >= chunk_size:
                    yield _frame(rows)
                    rows, since = [], 1
            m = _new(n, cap)
            want_addrs = want_locks = want_flags = False
            size, _, when = line[len(_HEADER):].partition(" on ")
            size = size.strip()
            m[_SIZE] = int(size) if size.isdigit() else None
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
                    problem = _incomplete(m, want_addrs, want_locks)
                    if problem:
                        warn(warnings, m[_LINE], problem)
                    rows.append(m)
                    if chunk_size is not None and since >= chunk_size:
                        yield _frame(rows)
                        rows, since = [], 1
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
        problem = _incomplete(m, want_addrs, want_locks)
        if problem:
            warn(warnings, m[_LINE], f"last message incomplete, kept as far as it goes: {problem}")
        rows.append(m)
    if rows:
        yield _frame(rows)


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``route -n monitor`` output into the ``route_events`` frame."""
    frames = list(parse_lines(text.splitlines(), warnings, chunk_size=None))
    return frames[0] if frames else SCHEMAS["route_events"].empty()
