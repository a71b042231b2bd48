"""``lsof -nP -w`` (also ``lsof -p PID``, grep'd fragments) → frame ``open_files``.

lsof pads every column to one width for the whole listing: COMMAND, USER and NAME are
left-aligned, the others right-aligned, and DEVICE, SIZE/OFF or NODE may be empty::

    COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME
    MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868

With a header, cells are cut at the header's column edges (jc-style), checked against the line
(a cut must fall on a blank) — fast and exact with empty cells. Big listings take a vectorized
path (``_vector``, helpers in ``_arrow``): the bytes before NAME become one matrix (a row per
line) on which the cuts are checked column by column; COMMAND PID USER are split once per run of
equal rows, FD and TYPE once per distinct value (hashed as 64-bit integers); DEVICE, SIZE/OFF and
NODE, right-aligned to their cuts, are sized by popcounts of the non-blank bytes and packed by
Arrow's filter; NAME is one Arrow slice; the derived columns come from Arrow string kernels,
socket states, addresses and ports from numpy over the bytes of the IPv4/IPv6 NAMEs
(``_sockets``); rows with tabs, control or non-ASCII characters are read one by one, and a
listing with any row the cuts do not fit is read line by line as before, with the same results
and warnings. Rows that do not line up and text without a header (fragments) are read by
pattern: DEVICE is ``0x…`` or ``major,minor``, SIZE/OFF ``0tN`` or a number, NODE a number or
``TCP``/``UDP``, the rest is NAME. A line that starts with blanks continues the previous row
(wrapped by a viewer): its NODE/NAME fill that row, with a warning. Other unreadable lines are
skipped with a warning.

Derived columns: ``interface`` — the network interface behind the file: ``ndrv`` sockets name
it (``-> feth9868``), utun control sockets ``[ctl com.apple.net.utun_control id N unit U]`` own
``utun{U-1}``; ``bpf_device`` for ``/dev/bpfN``; ``control`` the kernel control name; the
``protocol``, addresses, ports and ``state`` of IPv4/IPv6 sockets.

>>> df = parse("MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868")
>>> df[["command", "pid", "fd", "type", "interface"]].to_dict("records")
[{'command': 'MacEthern', 'pid': 647, 'fd': '3u', 'type': 'ndrv', 'interface': 'feth9868'}]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._arrow import BINARY, STRING, Lines, blank_columns, bslice, int_series, nullify_empty, scatter_strings, spans, string_series
from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "open_files": Schema("open_files", [
        Column("command", "string", "process name (lsof cuts it to 9 characters)"),
        Column("pid", "Int64", "process id"),
        Column("tid", "Int64", "thread id when the listing has a TID column; NA otherwise"),
        Column("user", "string", "user name (or uid)"),
        Column("fd", "string", "file descriptor with access mode (`3u`, `cwd`, `txt`)"),
        Column("type", "string", "file type: REG, DIR, CHR, PIPE, unix, IPv4, IPv6, systm, ndrv, NPOLICY..."),
        Column("device", "string", "DEVICE cell (`0x…` kernel address or `major,minor`); NA if empty"),
        Column("size_off", "string", "SIZE/OFF cell as printed (`0t0`, `16384`); NA if empty"),
        Column("node", "string", "NODE cell (inode, or TCP/UDP for sockets); NA if empty"),
        Column("name", "string", "NAME cell (path, `-> peer`, `[ctl …]`, endpoints); empty string if none"),
        Column("interface", "string", "interface: ndrv `-> feth9868` → feth9868; utun_control unit U → utun{U-1}; else NA"),
        Column("bpf_device", "string", "`/dev/bpfN` for BPF device rows; NA otherwise"),
        Column("control", "string", "kernel control name of `[ctl NAME id N unit U]` (systm rows); NA otherwise"),
        Column("protocol", "string", "TCP/UDP (NODE of IPv4/IPv6 rows); NA otherwise"),
        Column("local_address", "string", "local address of a socket (`*` for any; IPv6 without brackets)"),
        Column("local_port", "Int64", "local port; NA for `*` or redacted"),
        Column("remote_address", "string", "remote address of a connected socket; NA otherwise"),
        Column("remote_port", "Int64", "remote port; NA otherwise"),
        Column("state", "string", "TCP state in parentheses (ESTABLISHED, LISTEN, CLOSED...); NA otherwise"),
        Column("line", "Int64", "1-based line number where the row starts"),
    ], doc="Open files (sockets, devices, pipes, files): one row per lsof row."),
}

JC_NOTES: list[str] = []  # the corpus has no jc reading of lsof

_ROW = re.compile(r"^(?P<command>\S.*?)\s+(?P<pid>\d+)\s+(?P<user>\S+)\s+(?P<fd>\S+)\s+(?P<type>\S+)(?P<rest>.*)$")
_REST = re.compile(
    r"^\s*(?:(?P<device>0x[0-9a-fA-F]+|\d+,\d+)(?:\s+|$))?(?:(?P<size>0t\d+|0x[0-9a-fA-F]+|\d+)(?:\s+|$))?"
    r"(?:(?P<node>\d+|TCP|UDP|ICMP|ICMPV6|RAW)(?:\s+|$))?(?P<name>.*?)\s*$")
_CONT = re.compile(r"^(?:(?P<node>\d+|TCP|UDP)\s+)?(?P<name>.*)$")
_CTL = re.compile(r"^\[ctl (\S+) id \d+ unit (\d+)\]")
_STATE = re.compile(r"\s+\(([A-Z_0-9]+)\)$")
_DERIVED = frozenset(("IPv4", "IPv6", "ndrv", "systm"))
_NAMES = ("command", "pid", "tid", "user", "fd", "type", "device", "size_off", "node", "name")


def _endpoint(text: str) -> tuple[str | None, int | None]:
    if text.startswith("["):
        addr, _, port = text[1:].partition("]:")
    else:
        addr, _, port = text.rpartition(":")
        if not _:
            return text or None, None
    return addr, int(port) if port.isdecimal() else None


def _header(line: str) -> dict | None:
    spans = {m.group(): (m.start(), m.end()) for m in re.finditer(r"\S+", line)}
    need = ("PID", "USER", "FD", "TYPE", "NAME")
    if not all(k in spans for k in need):
        return None
    h = {"name": spans["NAME"][0], "type": spans["TYPE"][1], "pid": spans["PID"][1],
         "tid": spans["TID"][1] if "TID" in spans else None}
    h["cuts"] = [spans[k][1] for k in ("DEVICE", "SIZE/OFF", "NODE") if k in spans]
    h["keys"] = [k for k, c in (("device", "DEVICE"), ("size_off", "SIZE/OFF"), ("node", "NODE")) if c in spans]
    return h


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse lsof output into the ``open_files`` frame (see ``SCHEMAS``)."""
    cols = _vector(text) if len(text) >= _VECTOR_MIN else None  # None for a text holding "\r"
    if cols is None and "\r" in text:
        text = text.replace("\r\n", "\n")
        cols = _vector(text, check_cr=False) if len(text) >= _VECTOR_MIN else None
    if cols is None:
        cols = _by_line(text, warnings)
    return SCHEMAS["open_files"].frame(cols)


def _by_line(text: str, warnings: list | None) -> dict:
    """The line-by-line reader: header cuts with list comprehensions, else pattern by pattern."""
    lines = text.split("\n")
    while lines and not lines[-1]:
        lines.pop()
    hdr = _header(lines[0]) if lines and lines[0].startswith("COMMAND") else None
    cols = _fast(lines[1:], hdr) if hdr else None
    if cols is None:
        cols = _slow(lines, warnings)
    cols.update(_derive(cols["type"], cols["node"], cols["name"]))
    return cols


def _fast(rows: list[str], hdr: dict) -> dict | None:
    """Columns cut at the header's edges with list comprehensions, when every row lines up
    (no tab, no wrapped row, a blank at every cut); None otherwise."""
    tc, nc, pe, te = hdr["type"], hdr["name"], hdr["pid"], hdr["tid"]
    c1, c2, c3 = (hdr["cuts"] + [tc, tc, tc])[:3]
    if not all(r and r[0] != " " and "\t" not in r
               and (len(r) <= tc or r[tc] == " ") and (len(r) <= c1 or r[c1] == " ")
               and (len(r) <= c2 or r[c2] == " ") and (len(r) <= c3 or r[c3] == " ")
               and (len(r) <= nc or r[nc - 1] == " ") for r in rows):
        return None
    if te:
        heads = [(r[:pe] + " " + r[te:tc]).split() for r in rows]
        tids = [r[pe:te].strip() for r in rows]
    else:
        heads = [r[:tc].split() for r in rows]
        tids = None
    if not all(len(h) >= 5 and h[-4].isdecimal() for h in heads):
        return None
    cols = {
        "command": [h[0] if len(h) == 5 else " ".join(h[:-4]) for h in heads],
        "pid": [int(h[-4]) for h in heads],
        "tid": [int(t) if t.isdecimal() else None for t in tids] if tids else None,
        "user": [h[-3] for h in heads],
        "fd": [h[-2] for h in heads],
        "type": [h[-1] for h in heads],
        "name": [r[nc:].rstrip() for r in rows],
        "line": list(range(2, len(rows) + 2)),
    }
    prev = tc
    for key, cut in zip(hdr["keys"], hdr["cuts"]):
        cols[key] = [r[prev:cut].strip() or None for r in rows]
        prev = cut
    for key in ("device", "size_off", "node"):
        cols.setdefault(key, [None] * len(rows))
    if cols["tid"] is None:
        del cols["tid"]
    return cols


def _slow(lines: list[str], warnings: list | None) -> dict:
    """Line-by-line reader for fragments, misaligned or wrapped rows and repeated headers."""
    cols: dict[str, list] = {k: [] for k in _NAMES + ("line",)}
    command, pid, tid, user, fd, typ = (cols[k] for k in ("command", "pid", "tid", "user", "fd", "type"))
    device, size_off, node, name, lines_ = (cols[k] for k in ("device", "size_off", "node", "name", "line"))
    hdr = None
    for n, line in enumerate(lines, 1):
        if not line:
            continue
        if line.startswith("COMMAND"):
            hdr = _header(line)
            if hdr is None:
                warn(warnings, n, "lsof: header without PID/USER/FD/TYPE/NAME; reading rows by pattern")
            continue
        if line[0] in " \t":
            if lines_ and not name[-1]:
                c = _CONT.match(line.strip())
                if node[-1] is None and c["node"]:
                    node[-1] = c["node"]
                name[-1] = c["name"]
                warn(warnings, n, "lsof: wrapped row joined to the previous line")
            elif line.strip():
                warn(warnings, n, f"lsof: continuation line without a row: {line.strip()[:80]!r}")
            continue
        if hdr is not None:
            one = _fast([line], hdr)
            if one is not None:
                for k in _NAMES:
                    cols[k].append(one[k][0] if k in one else None)
                lines_.append(n)
                continue
        m = _ROW.match(line)
        if not m:
            warn(warnings, n, f"lsof: not a row: {line[:80]!r}")
            continue
        r = _REST.match(m["rest"])
        command.append(m["command"])
        pid.append(int(m["pid"]))
        tid.append(None)
        user.append(m["user"])
        fd.append(m["fd"])
        typ.append(m["type"])
        device.append(r["device"])
        size_off.append(r["size"])
        node.append(r["node"])
        name.append(r["name"])
        lines_.append(n)
    return cols


def _derive(typ: list, node: list, name: list) -> dict[str, list]:
    """The derived columns (interface, control, sockets) from TYPE, NODE and NAME."""
    k = len(typ)
    out = {c: [None] * k for c in ("interface", "bpf_device", "control", "protocol", "local_address",
                                   "local_port", "remote_address", "remote_port", "state")}
    special = [i for i, t in enumerate(typ) if t in _DERIVED or t == "CHR" and name[i].startswith("/dev/bpf")]
    for i in special:
        t, nm = typ[i], name[i]
        if t == "IPv4" or t == "IPv6":
            out["protocol"][i] = node[i]
            s = _STATE.search(nm)
            if s:
                out["state"][i] = s[1]
                nm = nm[:s.start()]
            local, _, remote = nm.partition("->")
            out["local_address"][i], out["local_port"][i] = _endpoint(local)
            if remote:
                out["remote_address"][i], out["remote_port"][i] = _endpoint(remote)
        elif t == "ndrv":
            if nm.startswith("->"):
                out["interface"][i] = nm[2:].strip() or None
        elif t == "systm":
            c = _CTL.match(nm)
            if c:
                out["control"][i] = c[1]
                if c[1] == "com.apple.net.utun_control" and int(c[2]) > 0:
                    out["interface"][i] = f"utun{int(c[2]) - 1}"
        else:
            out["bpf_device"][i] = nm
    return out


# ----------------------------------------------------------------------------- vectorized path

_VECTOR_MIN = 1  # below this many characters the line-by-line reader is as fast
_STRINGS = ("command", "user", "fd", "type", "device", "size_off", "node", "name")
_DERIVED_STR = ("interface", "bpf_device", "control", "protocol", "local_address", "remote_address", "state")


class _Fallback(Exception):
    """The vectorized path does not apply: read line by line."""


def _vector(text: str, check_cr: bool = True) -> dict | None:
    """Columns of a headed listing (no TID column) whose rows all line up, or None.

    With *check_cr*, None for a text holding ``\\r`` (``parse`` then drops the ``\\r`` of
    ``\\r\\n`` and calls again without the check), found from the odd rows: no scan of the
    text for a listing without control bytes.

    Regular rows (printable ASCII) are cut with numpy and Arrow kernels: DEVICE, SIZE/OFF, NODE
    and NAME at the header's edges like ``_fast``; COMMAND PID USER and FD TYPE at a column
    between USER and FD that is blank on every row, each part split in Python once per run of
    equal rows or distinct value (``_runs``, ``_distinct``). Rows with
    tabs, control or non-ASCII characters go through ``_fast`` one by one; anything else that
    ``_fast`` would not take sends the whole listing to the line-by-line reader, as before.
    """
    nl = text.find("\n")
    if nl < 0 or not text.startswith("COMMAND"):
        return None
    head_line = text[:nl]
    hdr = _header(head_line) if head_line.isascii() else None
    if hdr is None or hdr["tid"] is not None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    end = len(data)
    while end and data[end - 1] == 10:
        end -= 1
    begin = len(head_line.encode()) + 1
    if begin >= end:
        return None
    spans = {m.group(): (m.start(), m.end()) for m in re.finditer(r"\S+", head_line)}
    lines = Lines(data, text.isascii(), begin, end)
    if check_cr and ("\r" in head_line or len(lines.odd) and "\r" in text):
        return None
    try:
        return _vector_cols(lines, hdr, spans)
    except _Fallback:
        return None


def _odd_rows(lines: Lines, hdr: dict) -> dict[int, dict]:
    out = {}
    for i in lines.odd.tolist():
        one = _fast([lines.text(i)], hdr)
        if one is None:
            raise _Fallback
        out[i] = {k: v[0] for k, v in one.items()}
    return out


def _distinct(m: np.ndarray, lo: int, hi: int, norm: np.ndarray, fn) -> tuple[list, np.ndarray]:
    """*fn* on each distinct value of the columns [lo, hi) of the uint8 matrix *m* (decoded as
    text) used by a regular row: (results, row -> result index). Up to 8 bytes are read as one
    64-bit integer per row (an unaligned strided view of *m*), wider cells as fixed-size binaries,
    and hashed by Arrow."""
    n, width = m.shape
    if hi - lo <= 8 and lo + 8 <= width and m.flags.c_contiguous:
        keys = np.ndarray((n,), np.uint64, m, lo, (m.strides[0],)) & np.uint64((1 << 8 * (hi - lo)) - 1)
        enc = pc.dictionary_encode(pa.array(keys))
        uniq = [v.to_bytes(8, "little")[:hi - lo] for v in enc.dictionary.to_pylist()]
    else:
        cells = np.ascontiguousarray(m[:, lo:hi])
        fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(hi - lo), n, [None, pa.py_buffer(cells)])
        enc = pc.dictionary_encode(fixed)
        uniq = enc.dictionary.to_pylist()
    idx = enc.indices.to_numpy()
    used = np.bincount(idx if norm.all() else idx[norm], minlength=len(uniq)) > 0
    return [fn(u.decode()) if ok else None for u, ok in zip(uniq, used.tolist())], idx


def _runs(m: np.ndarray, cut: int, norm: np.ndarray, fn) -> tuple[list, np.ndarray] | None:
    """``_distinct`` of the columns [0, cut) by runs of equal rows (lsof lists each process's files
    together, so COMMAND PID USER changes a few hundred times): *fn* once per run, an odd row
    being a run of its own without a value. None when there are too many runs."""
    n, width = m.shape
    if width % 8 or not m.flags.c_contiguous:
        return None
    words = m.view(np.uint64)
    change = np.zeros(n, bool)
    change[0] = True
    for w in range(-(-cut // 8)):
        x = words[:, w]
        if 8 * w + 8 > cut:
            x = x & np.uint64((1 << 8 * (cut - 8 * w)) - 1)
        change[1:] |= x[1:] != x[:-1]
    if not norm.all():
        bad = np.flatnonzero(~norm)
        change[bad] = True
        change[(bad + 1)[bad + 1 < n]] = True
    first = np.flatnonzero(change)
    if len(first) > max(64, n // 16):
        return None
    ok = norm[first].tolist()
    return [fn(bytes(m[r, :cut]).decode()) if o else None for r, o in zip(first.tolist(), ok)], np.cumsum(change) - 1


def _prefix(p: str):
    t = p.split()
    if len(t) < 3 or not t[-2].isdecimal() or len(t[-2]) > 18:
        raise _Fallback
    return " ".join(t[:-2]), int(t[-2]), t[-1]


def _suffix(s: str):
    t = s.split()
    if len(t) != 2:
        raise _Fallback
    return t


class _NotOneWord(Exception):
    """A cell of FD or TYPE, cut at a blank column between them, is not one word."""


def _word(s: str) -> str:
    t = s.split()
    if len(t) != 1:
        raise _NotOneWord
    return t[0]


def _fd_type(m: np.ndarray, cut: int, tc: int, blank: np.ndarray, norm: np.ndarray):
    """FD and TYPE of every row from the matrix columns [cut, tc): (fd values, fd index, type
    values, type index). Cut at the first column blank on every regular row that follows a
    non-blank one, each side one word per distinct value; where that does not hold, the two
    words of the whole region (``_suffix``), as ``_fast`` splits them."""
    inside = np.flatnonzero(~blank[cut:tc])
    if len(inside):
        gap = np.flatnonzero(blank[cut + inside[0]:tc])
        if len(gap):
            k = cut + inside[0] + int(gap[0])
            try:
                fd, fd_idx = _distinct(m, cut, k, norm, _word)
                typ, typ_idx = _distinct(m, k + 1, tc, norm, _word)
                return fd, fd_idx, typ, typ_idx
            except _NotOneWord:
                pass
    suf, idx = _distinct(m, cut, tc, norm, _suffix)
    return [x and x[0] for x in suf], idx, [x and x[1] for x in suf], idx


def _vector_cols(lines: Lines, hdr: dict, spans: dict) -> dict:
    """The columns of ``_vector`` (raises ``_Fallback`` where it does not apply)."""
    n, lens = lines.n, lines.lens
    tc, nc = hdr["type"], hdr["name"]
    odd = _odd_rows(lines, hdr)
    norm = np.ones(n, bool)
    norm[lines.odd] = False

    # the checks of _fast, on a matrix of the bytes before NAME (blanks past the line's end): no
    # empty row, no leading blank, a blank at every cut; and a column between USER and FD blank on
    # every row, where COMMAND PID USER | FD TYPE are cut
    if (lens == 0).any():
        raise _Fallback
    m = lines.matrix(_matrix_width(hdr), short=nc)  # the columns from nc on only serve _right_aligned
    regular = m[norm] if odd else m
    if (regular[:, 0] == 32).any():
        raise _Fallback
    blank = blank_columns(regular)
    if not blank[[tc, nc - 1, *hdr["cuts"]]].all():
        raise _Fallback
    cut = next((c for c in range(spans["USER"][1], min(spans["FD"][0], tc)) if blank[c]), None)
    if cut is None:
        raise _Fallback
    pre, pre_idx = _runs(m, cut, norm, _prefix) or _distinct(m, 0, cut, norm, _prefix)
    fd, fd_idx, types, type_idx = _fd_type(m, cut, tc, blank, norm)
    pre_idx = pa.array(pre_idx)

    def column(values: list, index: np.ndarray) -> pa.Array:
        return pa.array(values, STRING).take(index)

    cols = {
        "command": column([p and p[0] for p in pre], pre_idx),
        "user": column([p and p[2] for p in pre], pre_idx),
        "fd": column(fd, fd_idx),
        "type": column(types, type_idx),
        "name": _name(lines, nc, norm),
    }
    pid = np.array([p[1] if p else 0 for p in pre], np.int64)[pre_idx.to_numpy()]
    if not _right_aligned(lines, m, hdr, norm, cols):
        prev = tc
        for key, c in zip(hdr["keys"], hdr["cuts"]):
            cols[key] = nullify_empty(pc.ascii_trim_whitespace(lines.cell(prev, c))) if c > prev else pa.nulls(n, STRING)
            prev = c
    for key in ("device", "size_off", "node"):
        cols.setdefault(key, pa.nulls(n, STRING))
    derived, ports = _derive_vec(n, norm, types, type_idx, cols["node"], cols["name"], _starts_bpf(m, lens, nc))
    cols.update(derived)
    if odd:
        pos = sorted(odd)
        mask = np.zeros(n, bool)
        mask[pos] = True
        pymask = pa.array(mask)
        rows = [odd[i] for i in pos]
        extra = _derive([r["type"] for r in rows], [r["node"] for r in rows], [r["name"] for r in rows])
        for k in _STRINGS:
            cols[k] = pc.replace_with_mask(cols[k].cast(STRING), pymask, pa.array([r.get(k) for r in rows], STRING))
        for k in _DERIVED_STR:
            cols[k] = pc.replace_with_mask(cols[k].cast(STRING), pymask, pa.array(extra[k], STRING))
        pid[pos] = [r["pid"] for r in rows]
        for k in ("local_port", "remote_port"):
            vals, miss = ports[k]
            for i, v in zip(pos, extra[k]):
                vals[i], miss[i] = (v, False) if v is not None else (0, True)
    out = {k: string_series(v) for k, v in cols.items()}
    out["pid"] = int_series(pid)
    out["tid"] = int_series(np.zeros(n, np.int64), np.ones(n, bool))
    for k, (vals, miss) in ports.items():
        out[k] = int_series(vals, miss)
    out["line"] = int_series(np.arange(2, n + 2, dtype=np.int64))
    return out


def _name(lines: Lines, nc: int, norm: np.ndarray) -> pa.Array:
    """NAME (from byte *nc* to the line's end, right-trimmed) in one Arrow slice of the lines each
    taken with the newline before it instead of the one after (the first line's is the header's):
    bytes from *nc* + 1 on. Trimmed only when some regular row ends in a blank."""
    a, starts, lens, n = lines.a, lines.starts, lines.lens, lines.n
    if lines.begin == 0 or lines.data[lines.begin - 1] != 10:
        return pc.ascii_rtrim_whitespace(lines.cell(nc))
    offsets = np.empty(n + 1, np.int64)
    offsets[:-1] = starts + (lines.begin - 1)
    offsets[-1] = lines.begin + len(a)
    arr = pa.LargeBinaryArray.from_buffers(BINARY, n, [None, pa.py_buffer(offsets), pa.py_buffer(lines.data)])
    name = pc.binary_slice(arr, nc + 1, max(nc + 1, int(lens.max(initial=0)) + 2)).view(STRING)
    long = lens > nc
    if not norm.all():
        long &= norm
    if (long & (lines.last == 32)).any():
        name = pc.ascii_rtrim_whitespace(name)
    return name


def _matrix_width(hdr: dict) -> int:
    """Columns of the byte matrix of the rows: past NAME's start and TYPE's end plus the whole
    words of the DEVICE…NODE region (``_right_aligned``), in whole 64-bit words."""
    tc, cuts = hdr["type"], hdr["cuts"]
    width = max(hdr["name"], tc + -(-(cuts[-1] + 1 - tc) // 8) * 8 if cuts else 0)
    return -(-width // 8) * 8


_CHUNK_ROWS = 1 << 14  # rows of the DEVICE…NODE region per step of _right_aligned (its scratch stays in cache)


def _right_aligned(lines: Lines, m: np.ndarray, hdr: dict, norm: np.ndarray, cols: dict) -> bool:
    """DEVICE, SIZE/OFF and NODE at once, when every regular row has them as lsof prints them:
    right-aligned to their cut, without blanks inside. The region from TYPE's end (a blank) to the
    last cut (a blank) becomes a matrix of 1 = non-blank; a row lines up when each cell reads
    0…01…1, i.e. when the whole matrix has exactly one 1 → 0 step per filled cell (last byte
    before its cut non-blank). A cell is then its last (count of its 1s, popcounts of 64-bit
    words) bytes before the cut. The matrix is built, checked and counted ``_CHUNK_ROWS`` rows at
    a time in one reused scratch (each row ends in a 0, so no step crosses two chunks). Sets
    ``cols`` and returns True; False (nothing set) otherwise."""
    n = lines.n
    tc, cuts = hdr["type"], hdr["cuts"]
    if not cuts or any(c <= p for p, c in zip([tc] + cuts[:-1], cuts)):
        return False
    width = cuts[-1] + 1 - tc
    nw = -(-width // 8)
    ones = np.uint64(0x0101010101010101)
    # per cell: (word, byte mask or None for a whole word) of the columns [lo, c], both blank: a
    # word inside counts whole, one shared with the next or previous cell through its bytes in
    # [lo, c] only
    parts = []
    for lo, c in zip([tc] + cuts[:-1], cuts):
        cell = []
        for w in range((lo - tc) // 8, (c - tc) // 8 + 1):
            first, last = max(lo - tc - 8 * w, 0), min(c + 1 - tc - 8 * w, 8)
            cell.append((w, None if first == 0 and last == 8 else
                         ones >> np.uint64(8 * (8 - last + first)) << np.uint64(8 * first)))
        parts.append(cell)
    sizes = [np.zeros(n, np.uint16) for _ in cuts]
    all_norm = norm.all()
    scratch = np.empty((min(n, _CHUNK_ROWS), nw * 8), bool)
    steps = filled = 0
    for r0 in range(0, n, _CHUNK_ROWS):
        r1 = min(n, r0 + _CHUNK_ROWS)
        bits = np.not_equal(m[r0:r1, tc:tc + nw * 8], 32, out=scratch[:r1 - r0])
        bits[:, width:] = False
        if not all_norm:
            bits[~norm[r0:r1]] = False
        flat = bits.ravel()
        steps += np.count_nonzero(flat[:-1] > flat[1:])
        filled += sum(np.count_nonzero(bits[:, c - 1 - tc]) for c in cuts)
        words = bits.view(np.uint64)
        for size, cell in zip(sizes, parts):
            out = size[r0:r1]
            for w, mask in cell:
                out += np.bitwise_count(words[:, w] if mask is None else words[:, w] & mask)
    if steps != filled:
        return False
    for key, lo, c, size in zip(hdr["keys"], [tc] + cuts[:-1], cuts, sizes):
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(size, out=offsets[1:])
        cols[key] = _packed(m, lo + 1, c, norm, offsets, size > 0)  # lined up: filled = not empty
    return True


def _packed(m: np.ndarray, lo: int, hi: int, norm: np.ndarray, offsets: np.ndarray, valid: np.ndarray) -> pa.Array:
    """Strings of the non-blank bytes of the columns [lo, hi) of the uint8 matrix *m* (row by row;
    none of the rows not in *norm*), item *i* being ``offsets[i]:offsets[i + 1]`` of them, null
    where not *valid*: Arrow's filter packs the bytes."""
    cells = _columns(m, lo, hi)  # a copy: the blanking below must not touch the caller's
    n, width = cells.shape
    if not norm.all():
        cells[~norm] = 32
    flat = cells.reshape(-1)
    bits = pa.py_buffer(np.packbits(flat != 32, bitorder="little"))
    data = pa.array(flat).filter(pa.BooleanArray.from_buffers(pa.bool_(), n * width, [None, bits]))
    nulls = n - int(np.count_nonzero(valid))
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), data.buffers()[1],
                                            pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None,
                                            nulls)


def _columns(m: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """A C-contiguous copy of the columns [lo, hi) of the uint8 matrix *m*, each row copied as one
    item (a strided view of the rows as ``hi - lo``-byte voids) when *m* is C-contiguous: faster
    than numpy's byte-by-byte copy of a column slice."""
    n, width = m.shape
    if not m.flags.c_contiguous or not 0 <= lo < hi <= width:
        return np.array(m[:, lo:hi], order="C")
    rows = np.ndarray((n,), np.dtype((np.void, hi - lo)), m, lo, (width,))
    return rows.copy().view(np.uint8).reshape(n, hi - lo)


def _systm(nm: str) -> tuple:
    c = _CTL.match(nm)
    if not c:
        return None, None
    iface = f"utun{int(c[2]) - 1}" if c[1] == "com.apple.net.utun_control" and int(c[2]) > 0 else None
    return c[1], iface


_BPF = np.uint64(int.from_bytes(b"/dev/bpf", "little"))


def _starts_bpf(m: np.ndarray, lens: np.ndarray, nc: int) -> np.ndarray | None:
    """bool per row: NAME (from byte *nc*) starts with ``/dev/bpf``, read as one 64-bit integer
    per row of the byte matrix *m* (an unaligned strided view); None when *m* is too narrow."""
    n, width = m.shape
    if nc + 8 > width or not m.flags.c_contiguous:
        return None
    return (np.ndarray((n,), np.uint64, m, nc, (m.strides[0],)) == _BPF) & (lens >= nc + 8)


def _derive_vec(n: int, norm: np.ndarray, types: list, type_idx: np.ndarray, node: pa.Array, name: pa.Array,
                bpf: np.ndarray | None = None):
    """``_derive`` with Arrow kernels for the regular rows (the others stay missing); *bpf*, if
    given, tells the rows whose NAME starts with ``/dev/bpf`` (``_starts_bpf``)."""
    kinds = np.array([{"IPv4": 1, "IPv6": 1, "ndrv": 2, "systm": 3, "CHR": 4}.get(t, 0) for t in types] + [0],
                     np.int8)[type_idx]
    kinds[~norm] = 0
    out: dict[str, pa.Array] = {}

    def rows(kind: int) -> tuple[np.ndarray, pa.Array]:
        mask = kinds == kind
        return mask, name.filter(pa.array(mask))

    if bpf is None:
        chr_mask, nm = rows(4)
        chr_mask[chr_mask] = pc.starts_with(nm, "/dev/bpf").to_numpy(zero_copy_only=False)
    else:
        chr_mask = (kinds == 4) & bpf
    out["bpf_device"] = _masked(name, chr_mask)
    ndrv_mask, nm = rows(2)
    arrow = pc.starts_with(nm, "->")
    ifs = [pc.if_else(arrow, nullify_empty(pc.ascii_trim_whitespace(bslice(nm.cast(STRING), 2))),
                      pa.scalar(None, STRING))]
    # the interface of a row: item idx[row] of the ndrv rows' interfaces followed by the distinct
    # systm NAMEs' ones (the two kinds never share a row); -1 (null) elsewhere
    idx = np.full(n, -1, np.int64)
    idx[ndrv_mask] = np.arange(len(ifs[0]))
    systm_mask, nm = rows(3)
    if systm_mask.any():
        enc = pc.dictionary_encode(nm)
        res = [_systm(v) for v in enc.dictionary.to_pylist()]
        out["control"] = scatter_strings(n, systm_mask, pa.array([r[0] for r in res], STRING).take(enc.indices))
        ifs.append(pa.array([r[1] for r in res], STRING))
        idx[systm_mask] = enc.indices.to_numpy(zero_copy_only=False) + len(ifs[0])
    else:
        out["control"] = pa.nulls(n, STRING)
    either = idx >= 0
    out["interface"] = scatter_strings(n, either, pa.concat_arrays([x.cast(STRING) for x in ifs]).take(idx[either]))
    ip_mask, ipn = rows(1)
    ip_idx = np.flatnonzero(ip_mask)
    k = len(ip_idx)
    out["protocol"] = _masked(node, ip_mask)
    state, l_addr, l_port, r_addr, r_port = _sockets(ipn)
    where = (ip_idx, np.cumsum(ip_mask))
    out["state"] = scatter_strings(n, ip_mask, state, where)
    out["local_address"] = scatter_strings(n, ip_mask, l_addr, where)
    out["remote_address"] = scatter_strings(n, ip_mask, r_addr, where)
    ports = {"local_port": _scatter_ints(n, ip_idx, *l_port), "remote_port": _scatter_ints(n, ip_idx, *r_port)}
    return out, ports


def _masked(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """The strings of *arr* where *mask*, null elsewhere: a new validity bitmap over its buffers."""
    arr = arr.cast(STRING)
    valid = mask if not arr.null_count else mask & arr.is_valid().to_numpy(zero_copy_only=False)
    k = int(np.count_nonzero(valid))
    if k == 0:
        return pa.nulls(len(arr), STRING)
    if arr.offset:
        valid = np.concatenate([np.zeros(arr.offset, bool), valid])
    _, offsets, data = arr.buffers()
    bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.LargeStringArray.from_buffers(len(arr), offsets, data, bits, len(arr) - k, arr.offset)


def _scatter_ints(n: int, idx: np.ndarray, vals: np.ndarray, miss: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out, m = np.zeros(n, np.int64), np.ones(n, bool)
    out[idx], m[idx] = vals, miss
    return out, m


def _pairs(data: np.ndarray, a: int, b: int) -> np.ndarray:
    """Positions of the two-byte sequence (a, b) in *data*."""
    return np.flatnonzero((data[:-1] == a) & (data[1:] == b)) if len(data) > 1 else np.zeros(0, np.int64)


def _first_at(pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The first of the sorted *pos* in [lo, hi) per row; -1 where there is none."""
    j = np.searchsorted(pos, lo)
    got = np.append(pos, np.iinfo(np.int64).max)[j]
    return np.where(got < hi, got, -1)


def _last_at(pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The last of the sorted *pos* in [lo, hi) per row; -1 where there is none."""
    j = np.searchsorted(pos, hi) - 1
    got = np.append(pos, -1)[j]  # j = -1 -> the appended -1
    return np.where((j >= 0) & (got >= lo), got, -1)


def _spans(data: np.ndarray, lo: np.ndarray, hi: np.ndarray, valid: np.ndarray, start: np.ndarray) -> pa.Array:
    """Strings ``data[lo:hi]`` per row (null where not *valid*) of rows that begin at *start*:
    the spans lie in their rows, in order, so Arrow's ``take`` copies them out (``_arrow.spans``)."""
    k = len(lo)
    lo = np.where(valid, lo, start)
    hi = np.where(valid, hi, start)
    try:
        arr = spans(data, lo, hi) if k else pa.array([], STRING)
    except ValueError:
        raise _Fallback from None
    if valid.all():
        return arr
    _, offsets, buf = arr.buffers()
    return pa.LargeStringArray.from_buffers(k, offsets, buf, pa.py_buffer(np.packbits(valid, bitorder="little")),
                                            k - int(valid.sum()), arr.offset)


def _cut(data: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    """``_arrow.spans`` of spans that lie in their rows, in order (else ``_Fallback``)."""
    try:
        return spans(data, lo, hi)
    except ValueError:
        raise _Fallback from None


def _state_words(inner: pa.Array) -> np.ndarray:
    """bool per string of *inner*: a state word (``[A-Z_0-9]+``), the regex run once per distinct
    text (a listing has a handful of TCP states)."""
    enc = pc.dictionary_encode(inner)
    ok = pc.match_substring_regex(enc.dictionary, "^[A-Z_0-9]+$").to_numpy(zero_copy_only=False)
    return ok[enc.indices.to_numpy(zero_copy_only=False)]


def _sockets(ipn: pa.Array):
    """``_derive`` of IPv4/IPv6 NAMEs (printable ASCII, right-trimmed) with numpy over their bytes:
    state, local address, (local port, missing), remote address, (remote port, missing)."""
    ipn = ipn.cast(STRING)
    if ipn.null_count:
        raise _Fallback
    k = len(ipn)
    _, obuf, dbuf = ipn.buffers()
    offs = np.frombuffer(obuf, np.int64, k + 1, ipn.offset * 8)
    data = np.frombuffer(dbuf, np.uint8, int(offs[-1]) if k else 0) if dbuf is not None else np.zeros(0, np.uint8)
    a, e = offs[:-1], offs[1:]
    # state: " (STATE)" at the end, STATE of [A-Z_0-9]+; what precedes its blanks is the endpoints
    last = data[np.maximum(e - 1, 0)] if len(data) else np.zeros(k, np.uint8)
    lp = np.full(k, -1, np.int64)  # the last "(" of the names that end in ")"
    sel = np.flatnonzero(last == 41)
    lp[sel] = _last_at(np.flatnonzero(data == 40), a[sel], e[sel])
    has = (lp > a) & (e - lp >= 3) & (last == 41)
    state = pa.nulls(k, STRING)
    if has.any():
        has &= data[np.maximum(lp - 1, 0)] == 32
        sel = np.flatnonzero(has)
        inner = _cut(data, lp[sel] + 1, e[sel] - 1)
        match = _state_words(inner)
        has[sel] = match
        state = scatter_strings(k, has, inner.filter(pa.array(match)))
    pe = np.where(has, lp, e)
    while True:  # right-trim the blanks before "("
        trim = has & (pe > a)
        trim[trim] = data[pe[trim] - 1] == 32
        if not trim.any():
            break
        pe = pe - trim
    arrow = _first_at(_pairs(data, 45, 62), a, pe - 1)
    le = np.where(arrow >= 0, arrow, pe)
    rs = np.where(arrow >= 0, arrow + 2, pe)
    colons = np.flatnonzero(data == 58)
    closes = _pairs(data, 93, 58)

    def endpoint(lo, hi, valid):
        nonempty = hi > lo
        br = nonempty & (data[np.minimum(lo, max(len(data) - 1, 0))] == 91) if len(data) else nonempty
        # "]:" is looked for in the bracketed endpoints only, the last ":" in the others
        c, col = np.full(k, -1, np.int64), np.full(k, -1, np.int64)
        sel, other = np.flatnonzero(br), np.flatnonzero(~br)
        c[sel] = _first_at(closes, lo[sel] + 1, hi[sel] - 1)
        col[other] = _last_at(colons, lo[other], hi[other])
        bf = br & (c >= 0)
        cf = ~br & (col >= 0)
        addr_lo = np.where(br, lo + 1, lo)
        addr_hi = np.where(bf, c, np.where(cf, col, hi))
        addr_ok = valid & (br | cf | nonempty)
        p_lo = np.where(bf, c + 2, np.where(cf, col + 1, hi))
        p_ok = valid & (bf | cf) & (hi > p_lo)
        vals = np.zeros(k, np.int64)
        if p_ok.any():
            sel = np.flatnonzero(p_ok)
            port = _cut(data, p_lo[sel], hi[sel])
            dec = pc.ascii_is_decimal(port).to_numpy(zero_copy_only=False)
            sel = sel[dec]
            p_ok[:] = False
            p_ok[sel] = True
            if len(sel):
                if (hi - p_lo)[sel].max() > 18:
                    raise _Fallback
                vals[sel] = pc.cast(port.filter(pa.array(dec)), pa.int64()).to_numpy()
        miss = ~p_ok
        return _spans(data, addr_lo, addr_hi, addr_ok, lo), (vals, miss)

    l_addr, l_port = endpoint(a, le, np.ones(k, bool))
    r_addr, r_port = endpoint(rs, pe, pe > rs)
    return state, l_addr, l_port, r_addr, r_port
