"""Vectorized reader of *regular* ``route -n monitor`` chunks (the fast path of :mod:`.route_monitor`).

A chunk is read as bytes (an ASCII ``str`` is viewed in place, without a copy) and handled with
integer offsets, numpy and pyarrow kernels; Python runs only once per *distinct* value of the whole
input (:class:`_Memo`: RTM lines with their ``seq`` cut out, locks, sockaddrs and IFP texts) and for
address lines that do not split into one token per role (those go through ``_addresses``, which warns).

:func:`_read` returns None as soon as the chunk is not entirely regular, and the caller falls
back to the regex/line-by-line readers, which produce the same frame and the warnings. Regular
means: ASCII, no ``\\r``; every line, after an optional ``YYYY-MM-DDTHH:MM:SSZ<TAB>`` prefix, is
empty or one of ``got message of size N on <24-char ctime>``, an ``RTM_`` line, ``locks:...``,
``sockaddrs: <...>`` or an address line (leading space), in the order header, RTM line, optional
locks, optional sockaddrs + address line; every RTM line matches the one-line form; every
timestamp is a valid date; no message is cut short.

:class:`Builder` collects the rows of consecutive regular chunks (layout in its docstring) and
makes one frame at the end; :func:`chunk_frame` is one chunk's frame. Output columns never point
into a chunk's buffer (every Arrow array is a fresh copy made by ``take``), so the text may be
dropped or reused once a chunk has been added.
"""
from __future__ import annotations

import ctypes
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import route_monitor as rm

__all__ = ["ascii_view", "chunk_frame", "Builder"]


def _le(b: bytes) -> int:
    return int.from_bytes(b, "little")


def ascii_view(text: str) -> np.ndarray | None:
    """The bytes of an ASCII ``str`` as a read-only uint8 array over the string's own memory
    (CPython compact ASCII strings store their characters as bytes after the object header);
    None when *text* is not that (then encode it). The array keeps *text* alive."""
    n = len(text)
    if type(text) is not str or n < 64 or sys.implementation.name != "cpython" or not text.isascii():
        return None
    off = sys.getsizeof(text) - n - 1
    if off <= 0:
        return None
    raw = (ctypes.c_char * n).from_address(id(text) + off)
    raw._keep = text  # the array's base chain keeps the string alive
    a = np.frombuffer(raw, np.uint8)
    a.flags.writeable = False
    for lo, hi in ((0, 64), (n // 2, n // 2 + 64), (n - 64, n)):
        if bytes(a[lo:hi]) != text[lo:hi].encode("ascii"):
            return None
    return a


# byte kinds of a line's first content byte
_K_BLANK, _K_HDR, _K_RTM, _K_LOCKS, _K_SOCK, _K_ADDR, _K_BAD = range(7)
_KIND = np.full(256, _K_BAD, dtype=np.int8)
_KIND[ord("\n")] = _K_BLANK
_KIND[ord("g")] = _K_HDR
_KIND[ord("R")] = _K_RTM
_KIND[ord("l")] = _K_LOCKS
_KIND[ord("s")] = _K_SOCK
_KIND[ord(" ")] = _K_ADDR
# _ALLOWED[kind * 8 + kind of the previous line] (the chunk's start counts as a blank line)
_ALLOWED = np.zeros(64, dtype=bool)
for _k, _prevs in ((_K_BLANK, (_K_BLANK, _K_RTM, _K_LOCKS, _K_ADDR)), (_K_HDR, (_K_BLANK, _K_RTM, _K_LOCKS, _K_ADDR)),
                   (_K_RTM, (_K_HDR,)), (_K_LOCKS, (_K_RTM,)), (_K_SOCK, (_K_RTM, _K_LOCKS)), (_K_ADDR, (_K_SOCK,))):
    for _p in _prevs:
        _ALLOWED[_k * 8 + _p] = True

_PFX_MASK = 0xFFFF0000000000FF                       # bytes 13, 19, 20 of a prefixed line
_PFX_PAT = ord(":") | ord("Z") << 48 | ord("\t") << 56
_ZEROS = 0x3030303030303030
_HI = 0xF0F0F0F0F0F0F0F0
_SIX = 0x0606060606060606
_MONTH_CODE = {_le(m.encode()): i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_MONTH_KEYS = np.array(sorted(_MONTH_CODE), dtype=np.uint64)
_MONTH_VALS = np.array([_MONTH_CODE[k] for k in sorted(_MONTH_CODE)], dtype=np.int64)
_NS = 1_000_000_000
# the header words loaded per row: from the line's content start, from its end, from its prefix
_HEADER_AT = np.array([0, 8, 12, 20, -28, -24, -16, -8, 0, 8, 12], dtype=np.int64)
PROFILE: dict | None = None  # set to {} to collect seconds per step of chunk_frame (the address step as
# a:copy, a:sep, a:index, a:roles, a:seg; Builder.frame as f:rows, f:rtm, f:ids)


def _mark(label: str, _last=[0.0]) -> None:
    if PROFILE is not None:
        import time
        now = time.perf_counter()
        if label != "start":
            PROFILE[label] = PROFILE.get(label, 0.0) + now - _last[0]
        _last[0] = now


class _Buf:
    """A chunk's bytes with unaligned 8-byte loads and Arrow string copies of its segments."""

    def __init__(self, a: np.ndarray) -> None:
        if len(a) < 8:  # room for one 8-byte load
            a = np.append(a, np.zeros(8 - len(a), np.uint8))
        self.a = a
        self.n = len(a)
        # W[p] = the 8 bytes at p (little-endian), for any p <= n - 8
        self.W = np.ndarray((self.n - 7,), dtype="<u8", buffer=a, strides=(1,))
        self.pbuf = pa.py_buffer(a)

    def w(self, pos: np.ndarray) -> np.ndarray:
        """The 8 bytes at each pos as a little-endian uint64 (zeros past the end)."""
        if not len(pos) or pos.max() <= self.n - 8:  # (one pass, no temporary: the usual case)
            return self.W[pos]
        out = self.W[np.minimum(pos, self.n - 8)]
        over = np.flatnonzero(pos > self.n - 8)
        for i in over:  # the last 7 bytes of the buffer: rare
            out[i] = _le(bytes(self.a[max(int(pos[i]), 0):self.n]).ljust(8, b"\0")[:8])
        return out

    def offsets(self, arr: pa.Array) -> tuple[np.ndarray, "_Buf"]:
        """Offsets and bytes of a large_string array made by :meth:`seg`."""
        off = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[:off[-1]] if off[-1] else np.zeros(8, np.uint8)
        return off, _Buf(data if len(data) >= 8 else np.append(data, np.zeros(8, np.uint8)))

    def byte(self, pos: np.ndarray) -> np.ndarray:
        """The byte at each pos (the last byte past the end)."""
        if len(pos) and pos.max() < self.n:
            return self.a[pos]
        return self.a[np.minimum(pos, self.n - 1)]

    def seg(self, s: np.ndarray, e: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
        """large_string array of ``bytes[s[i]:e[i]]`` (a copy); null where not *valid*. Segments
        must be in order and not overlap, the invalid ones included: the caller makes those empty
        (``s == e``) at a position between their neighbours, so the take needs no null mask."""
        n = len(s)
        if n == 0:
            return pa.array([], pa.large_string())
        offs = np.empty(2 * n, dtype=np.int64)
        offs[0::2] = s
        offs[1::2] = e
        arr = pa.LargeStringArray.from_buffers(2 * n - 1, pa.py_buffer(offs), self.pbuf)
        got = pc.take(arr, pa.array(np.arange(0, 2 * n - 1, 2, dtype=np.int64)))
        if valid is None:
            return got
        bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
        return pa.LargeStringArray.from_buffers(n, got.buffers()[1], got.buffers()[2], bits, offset=got.offset)


def _digits_ok(t: np.ndarray) -> np.ndarray:
    """Each of the 8 bytes of *t* is an ASCII digit."""
    return ((t & _HI) == _ZEROS) & (((t + _SIX) & _HI) == _ZEROS)


def _number(buf: _Buf, pos: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of the k[i] (1..8) ASCII digits at pos[i]; and whether they all are digits."""
    return _number_w(buf.w(pos), k)


def _number_w(w: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_number` of the words *w* already loaded."""
    sh = ((8 - k) * 8).astype(np.uint64)
    t = (w << sh) | (((np.uint64(1) << sh) - np.uint64(1)) & np.uint64(_ZEROS))
    t[k == 8] = w[k == 8]
    ok = _digits_ok(t) & (k >= 1) & (k <= 8)
    d = t - np.uint64(_ZEROS)
    d = d * np.uint64(10) + (d >> np.uint64(8))
    d = (d & np.uint64(0x000000FF000000FF)) * np.uint64(100 + (1000000 << 32)) + \
        ((d >> np.uint64(16)) & np.uint64(0x000000FF000000FF)) * np.uint64(1 + (10000 << 32))
    return (d >> np.uint64(32)).astype(np.int64), ok


def _days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (vectorized days_from_civil)."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _valid_date(y, mo, d, h, mi, s) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(mo, 0, 12)] + (leap & (mo == 2))
    return ((y >= 1678) & (y <= 2261) & (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= dim)
            & (h <= 23) & (mi <= 59) & (s <= 59))


def _run_starts(*keys: np.ndarray) -> np.ndarray:
    """Indices where any key differs from the previous row (row 0 included)."""
    n = len(keys[0])
    chg = np.zeros(n, dtype=bool)
    chg[0] = True
    for k in keys:
        chg[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(chg)


def _mask(positions, value: bytes | None = None) -> tuple[int, int]:
    """(mask, pattern) over the byte *positions* of a word: digits when *value* is None."""
    m = sum(0xFF << (8 * p) for p in positions)
    if value is None:
        return m, 0
    return m, sum(b << (8 * p) for p, b in zip(positions, value))


def _all_digits(w: np.ndarray, positions) -> np.ndarray:
    """The bytes of *w* at *positions* are ASCII digits (SWAR: ASCII input, so no carries)."""
    m, _ = _mask(positions)
    hi = np.uint64(m & _HI)
    zeros = np.uint64(m & _ZEROS)
    return ((w & hi) == zeros) & (((w + np.uint64(_SIX & m)) & hi) == zeros)


def _is(w: np.ndarray, positions, value: bytes) -> np.ndarray:
    m, pat = _mask(positions, value)
    return (w & np.uint64(m)) == np.uint64(pat)


def _two(w: np.ndarray, k: int) -> np.ndarray:
    """The 2-digit number at bytes k, k+1 of *w* (digits already checked), as int64."""
    x = w >> np.uint64(8 * k)
    return ((x & np.uint64(15)) * np.uint64(10) + ((x >> np.uint64(8)) & np.uint64(15))).astype(np.int64)


def _prefix_ns_w(w0: np.ndarray, w8: np.ndarray, w12: np.ndarray) -> np.ndarray | None:
    """ns since the epoch of the ``YYYY-MM-DDTHH:MM:SSZ`` prefixes whose words at their offsets
    0, 8 and 12 are *w0*, *w8*, *w12*; None if any is not a valid time."""
    r = _run_starts(w0, w8, w12)
    a, b, c = w0[r], w8[r], w12[r]
    ok = (_all_digits(a, (0, 1, 2, 3, 5, 6)) & _is(a, (4, 7), b"--") & _all_digits(b, (0, 1, 3, 4, 6, 7))
          & _is(b, (2, 5), b"T:") & _all_digits(c, (5, 6)) & _is(c, (4, 7), b":Z"))
    y = _two(a, 0) * 100 + _two(a, 2)
    mo, d, h, mi, s = _two(a, 5), _two(b, 0), _two(b, 3), _two(b, 6), _two(c, 5)
    if not (ok & _valid_date(y, mo, d, h, mi, s)).all():
        return None
    ns = ((_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * _NS)
    return np.repeat(ns, np.diff(np.append(r, len(w0))))


def _ctime_ns_w(w0: np.ndarray, w8: np.ndarray, w16: np.ndarray):
    """ns of the 24-char ctimes (``Fri Dec 26 18:00:05 2025``) whose words at their offsets 0, 8
    and 16 are *w0*, *w8*, *w16*, their run starts and run ids; None if any is not a valid date in
    that exact shape."""
    r = _run_starts(w0, w8, w16)
    a, b, c = w0[r], w8[r], w16[r]
    ok = (_is(a, (3, 7), b"  ") & _is(b, (2, 5), b" :") & _is(c, (0, 3), b": ")
          & _all_digits(b, (1, 3, 4, 6, 7)) & _all_digits(c, (1, 2, 4, 5, 6, 7)))
    day_sp = _is(b, (0,), b" ")
    ok &= _all_digits(b, (0,)) | day_sp
    low = (a | np.uint64(0x202020)) & np.uint64(0xFFFFFF)         # weekday: three letters
    for k in range(3):
        ok &= (((low >> np.uint64(8 * k)) & np.uint64(0xFF)) - np.uint64(97)) < np.uint64(26)
    mkey = (a >> np.uint64(32)) & np.uint64(0xFFFFFF)
    mi_ = np.minimum(np.searchsorted(_MONTH_KEYS, mkey), 11)
    ok &= _MONTH_KEYS[mi_] == mkey
    mo = _MONTH_VALS[mi_]
    d = np.where(day_sp, _two(b | np.uint64(0x30), 0), _two(b, 0))
    h, mi, s = _two(b, 3), _two(b, 6), _two(c, 1)
    y = _two(c, 4) * 100 + _two(c, 6)
    if not (ok & _valid_date(y, mo, d, h, mi, s)).all():
        return None
    ns = ((_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * _NS)
    ids = np.repeat(np.arange(len(r)), np.diff(np.append(r, len(w0))))
    return ns, r, ids


_NAT = np.iinfo(np.int64).min
_UTC = pd.DatetimeTZDtype("ns", "UTC")


def _datetimes(ns: np.ndarray) -> pd.Series:
    """UTC datetimes over int64 ns (NaT where the value is the int64 minimum), without a copy."""
    return pd.Series(pd.arrays.DatetimeArray._simple_new(ns.view("M8[ns]"), dtype=_UTC))


def _ints(values: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    if mask is None:
        mask = np.zeros(len(values), dtype=bool)
    return pd.Series(pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), mask))


def _strings(arr) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(arr))


def _dict(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Codes and distinct Python strings of a large_string array (nulls -> code of None)."""
    enc = pc.dictionary_encode(arr, null_encoding="encode")
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary.to_pylist()


class _Memo:
    """The distinct values met so far, with what each one gives (Python runs once per distinct
    value of the whole input, not once per chunk). Ids index the lists; rows store ids.

    - RTM lines without their seq digits, keyed ``(text before the digits, text after)``:
      ``rtm`` holds one tuple of column values per id (see :data:`_RTM_COLS`);
    - locks lines (``locks``/``inits`` per id), sockaddrs lines (the roles list per id) and IFP
      tokens (``index``/``interface`` per id); None (no such line, no token) is a value too.
    """

    def __init__(self) -> None:
        self.rtm_ids: dict[tuple[str, str], int] = {}
        self.x_ids: dict[str, int] = {}
        self.x_strs: list[str] = []
        self.y_ids: dict[str, int] = {}
        self.y_strs: list[str] = []
        self.pair_keys = np.empty(0, np.int64)   # sorted x << 32 | y of the pairs met so far
        self.pair_ids = np.empty(0, np.int32)    # their RTM ids
        self.rtm: list[tuple] = []
        self.lock_ids: dict[str | None, int] = {None: 0}
        self.locks: list[str | None] = [None]
        self.inits: list[str | None] = [None]
        self.sock_ids: dict[str | None, int] = {None: 0}
        self.roles: list[list[str]] = [[]]
        self.ifp_ids: dict[str | None, int] = {None: 0}
        self.ifp: list[tuple[int | None, str | None]] = [(None, None)]

    def rtm_ids_of(self, xcode: np.ndarray, xvals: list, ycode: np.ndarray, yvals: list):
        """``(codes, ids)``: the chunk's distinct (x, y) pairs as codes per row and their RTM ids
        (None when one is not regular). x and y texts get numbers of their own, a pair is the
        int64 ``x << 32 | y``, looked up in the sorted known pairs: Python runs per distinct x, y
        and new pair only."""
        gx = np.array([self._part(self.x_ids, self.x_strs, v) for v in xvals], dtype=np.int64)
        gy = np.array([self._part(self.y_ids, self.y_strs, v) for v in yvals], dtype=np.int64)
        codes, keys = pd.factorize((gx[xcode] << 32) | gy[ycode])
        at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
        found = self.pair_keys[at] == keys if len(self.pair_keys) else np.zeros(len(keys), dtype=bool)
        ids = np.where(found, self.pair_ids[at] if len(self.pair_ids) else 0, 0).astype(np.int32)
        new = np.flatnonzero(~found)
        for i in new.tolist():
            key = int(keys[i])
            got = self.rtm_id(self.x_strs[key >> 32], self.y_strs[key & 0xFFFFFFFF])
            if got is None:
                return codes, None
            ids[i] = got
        if len(new):
            allk = np.concatenate([self.pair_keys, keys[new]])
            order = np.argsort(allk, kind="stable")
            self.pair_keys = allk[order]
            self.pair_ids = np.concatenate([self.pair_ids, ids[new]])[order]
        return codes, ids

    @staticmethod
    def _part(ids: dict, strs: list, v: str) -> int:
        got = ids.get(v)
        if got is None:
            strs.append(v)
            ids[v] = got = len(strs) - 1
        return got

    def rtm_id(self, x: str, y: str) -> int | None:
        """Id of the RTM line ``x + seq + y`` (x ends with ', seq ' when there is a seq); None when
        it is not the one-line form."""
        got = self.rtm_ids.get((x, y))
        if got is not None:
            return got
        with_seq = x.endswith(", seq ")
        g = rm._RTM_RE.match(x + "1" + y if with_seq else x + y)
        if g is None or "\n" in y or (g.group(5) is not None) != with_seq:
            return None
        if with_seq and (g.start(5) != len(x) or g.group(5) != "1"):
            return None
        typ, desc, length, pid, _s, errno, ifscope, ifref, ifindex, metric, flags = g.groups()
        num = [None if v is None else int(v) for v in (length, pid, errno, ifscope, metric, ifindex)]
        self.rtm.append((typ, desc, *num, bool(ifref), flags.split(",") if flags else [], typ in rm._NO_LOCKS))
        self.rtm_ids[(x, y)] = got = len(self.rtm) - 1
        return got

    def lock_id(self, v: str) -> int | None:
        got = self.lock_ids.get(v)
        if got is None:
            s = v.strip()
            if "RTM_" in v or not s.startswith("locks:"):
                return None
            lk, _, it = s[6:].partition("inits:")
            self.locks.append(lk.strip() or None)
            self.inits.append(it.strip() or None)
            self.lock_ids[v] = got = len(self.locks) - 1
        return got

    def sock_id(self, v: str) -> int | None:
        got = self.sock_ids.get(v)
        if got is None:
            s = v.strip()
            if "RTM_" in v or not s.startswith("sockaddrs:"):
                return None
            roles = [x for x in s[10:].strip().strip("<>").split(",") if x]
            if len(set(roles)) != len(roles):
                return None  # a role twice: the readers disagree on which token wins; leave it to them
            self.roles.append(roles)
            self.sock_ids[v] = got = len(self.roles) - 1
        return got

    def ifp_id(self, v: str | None) -> int:
        got = self.ifp_ids.get(v)
        if got is None:
            self.ifp.append(rm.ifp_parts(v))
            self.ifp_ids[v] = got = len(self.ifp) - 1
        return got


# per RTM id: the tuple built by _Memo.rtm_id
_RTM_COLS = ("type", "description", "length", "pid", "errno", "ifscope", "metric", "if#", "ifref", "flags",
             "no_locks")
_RTM_INTS = ("length", "pid", "errno", "ifscope", "metric")
# per-row numbers of a chunk / the builder (int64; seq_na bool; ids int32)
_ROW_INT64 = ("line", "size", "seq", "captured_at", "time")
_ROW_IDS = ("rtm", "lock", "sock", "ifp_id")
# string columns kept as Arrow chunks (one array per chunk)
_ROW_STRINGS = ("message_time", "dst", "gateway", "netmask", "genmask", "ifp", "ifa", "author", "brd")
_ROLE_COL = {"DST": "dst", "GATEWAY": "gateway", "NETMASK": "netmask", "GENMASK": "genmask", "IFP": "ifp",
             "IFA": "ifa", "AUTHOR": "author", "BRD": "brd"}


def _lookup(values: list, get) -> np.ndarray | None:
    """Memo ids of a chunk's distinct *values* (``get`` returns None for a value that is not regular)."""
    ids = np.empty(len(values), dtype=np.int32)
    for i, v in enumerate(values):
        g = get(v)
        if g is None:
            return None
        ids[i] = g
    return ids


def _read(a: np.ndarray, first: int, warnings: list | None, memo: _Memo, scratch: np.ndarray) -> dict | None:
    """One chunk's per-row arrays (``_ROW_INT64``, ``seq_na``, ``_ROW_IDS``, ``_ROW_STRINGS`` as
    Arrow arrays) plus ``k`` (rows) and ``newlines``; None when the chunk is not entirely regular.
    *scratch* is a reusable bool buffer of at least ``len(a)`` bytes (the newline search's)."""
    N = len(a)
    if N < 64:
        return None
    _mark("start")
    buf = _Buf(a)
    eq = scratch[:N]
    np.equal(a, 10, out=eq)
    nl = np.flatnonzero(eq)
    newlines = len(nl)
    ends = nl if a[-1] == 10 else np.append(nl, N)
    del nl, eq
    _mark("newlines")
    nlines = len(ends)
    cs = np.empty_like(ends)                             # line starts, then content starts
    cs[0] = 0
    np.add(ends[:-1], 1, out=cs[1:])
    # the capture prefix (_slow's test: 'Z<TAB>' at 19, 'T' at 10, ':' at 13); one temporary reused
    t = cs + 13
    pre = (buf.w(t) & np.uint64(_PFX_MASK)) == np.uint64(_PFX_PAT)
    np.subtract(t, 3, out=t)
    pre &= buf.byte(t) == 84
    np.subtract(ends, cs, out=t)
    pre &= t >= 21
    del t
    np.add(cs, 21, out=cs, where=pre)
    kind = _KIND[buf.byte(cs)]
    kind[cs >= ends] = _K_BLANK
    prev = np.empty_like(kind)
    prev[0] = _K_BLANK
    prev[1:] = kind[:-1]
    if not _ALLOWED[kind * 8 + prev].all() or kind[-1] in (_K_HDR, _K_SOCK):
        return None
    if (buf.byte(ends - 1) == 13).any():  # CR LF: the readers strip the CR
        return None
    del prev
    _mark("prefix+kinds")
    h = np.flatnonzero(kind == _K_HDR)
    k = len(h)
    out: dict = {"k": k, "newlines": newlines}
    if k == 0:
        return out
    if (kind[:h[0]] != _K_BLANK).any():
        return None
    # ------------------------------------------------------------------ header line
    hc, he = cs[h], ends[h]
    # every word of the header line the checks and numbers need, in one gather (row by row, so
    # each line's cache lines are fetched once): got mess|age of s|(of s)ize |size digits| on |ctime x3|prefix x3
    pos = np.empty((k, 11), dtype=np.int64)
    pos[:, :4] = hc[:, None]
    pos[:, 4:8] = he[:, None]
    np.maximum(hc - 21, 0, out=pos[:, 8])
    pos[:, 9:] = pos[:, 8:9]
    pos += _HEADER_AT
    M = buf.w(pos.ravel()).reshape(k, 11)
    del pos
    if not ((M[:, 0] == _le(b"got mess")).all() and (M[:, 1] == _le(b"age of s")).all()
            and ((M[:, 2] >> np.uint64(32)) == _le(b"ize ")).all()):
        return None
    if not ((M[:, 4] & np.uint64(0xFFFFFFFF)) == _le(b" on ")).all():
        return None
    size, ok = _number_w(M[:, 3], he - 28 - (hc + 20))
    if not ok.all():
        return None
    ct = _ctime_ns_w(M[:, 5], M[:, 6], M[:, 7])
    if ct is None:
        return None
    time_ns, trun, tids = ct
    cap_ok = pre[h]
    cap_ns = np.full(k, _NAT, dtype=np.int64)
    if cap_ok.any():
        got = _prefix_ns_w(M[cap_ok, 8], M[cap_ok, 9], M[cap_ok, 10])
        if got is None:
            return None
        cap_ns[cap_ok] = got
    del M
    out["line"] = first + h
    out["size"] = size
    out["captured_at"] = cap_ns
    out["time"] = time_ns[tids]
    out["message_time"] = pc.take(buf.seg(he[trun] - 24, he[trun]), pa.array(tids))
    del size, time_ns, tids, cap_ns
    _mark("header")
    # ------------------------------------------------------------------ RTM line (seq cut out)
    r = h + 1
    rc, re_ = cs[r], ends[r]
    if not ((buf.w(rc) & np.uint64(0xFFFFFFFF)) == _le(b"RTM_")).all():
        return None
    # a compact copy of the RTM lines; ", seq " found at their 'q' bytes (about one a line), its
    # digits (1 to 8 here, more in a rare loop) must be followed by a comma
    roff, rb = buf.offsets(buf.seg(rc, np.minimum(re_ + 1, N)))
    q = np.flatnonzero(rb.a == 113)
    q = q[q >= 4]
    at = q[(rb.w(q - 4) & np.uint64(0xFFFFFFFFFFFF)) == _le(b", seq ")] - 4
    del q
    line_of = np.searchsorted(roff, at, side="right") - 1
    if (np.diff(line_of) <= 0).any():
        return None  # ", seq " twice on a line
    has_seq = np.zeros(k, dtype=bool)
    has_seq[line_of] = True
    lend = roff[1:] - 1                                  # line ends (without the newline)
    if re_[-1] == N:
        lend[-1] += 1
    qs = lend.copy()
    qe = lend.copy()
    seq = np.zeros(k, dtype=np.int64)
    if len(at):
        ds = at + 6
        w = rb.w(ds)
        isd = (w.view(np.uint8).reshape(-1, 8) - np.uint8(48)) < 10
        nd = np.where(isd.all(axis=1), 8, np.argmin(isd, axis=1))
        del isd
        if ((nd == 0) | ((nd < 8) & (rb.byte(ds + nd) != 44))).any():
            return None  # no digits, or no comma right after them
        seq[line_of] = _number_w(w, np.maximum(nd, 1))[0]
        qs[line_of] = ds
        qe[line_of] = ds + nd
        for j in np.flatnonzero(nd == 8).tolist():  # 8 digits or more: rare
            i = line_of[j]
            t = bytes(rb.a[ds[j]:lend[i]]).split(b",", 1)
            if len(t) < 2 or not t[0].isdigit():
                return None
            seq[i] = int(t[0])
            qe[i] = ds[j] + len(t[0])
        del w, nd, ds
    out["seq"] = seq
    out["seq_na"] = ~has_seq
    del at, line_of, has_seq
    _mark("rtm seq")
    xcode, xvals = _dict(rb.seg(roff[:-1], qs))
    ycode, yvals = _dict(rb.seg(qe, lend))
    del rb, roff, qs, qe, lend
    pcode, ids = memo.rtm_ids_of(xcode, xvals, ycode, yvals)
    if ids is None:
        return None
    rtm = ids[pcode]
    out["rtm"] = rtm
    no_locks = np.array([t[-1] for t in memo.rtm], dtype=bool)[rtm]
    _mark("rtm ids")
    # ------------------------------------------------------------------ locks / sockaddrs lines
    nk = np.minimum(r + 1, nlines - 1)
    has_l = (r + 1 < nlines) & (kind[nk] == _K_LOCKS)
    si = r + 1 + has_l
    has_s = (si < nlines) & (kind[np.minimum(si, nlines - 1)] == _K_SOCK)
    if not (no_locks | has_l | has_s).all():
        return None  # a route message cut before its locks/sockaddrs lines: warnings needed
    ls = cs[nk]                                          # (an empty segment where there is none)
    lcode, lvals = _dict(buf.seg(ls, np.where(has_l, ends[nk], ls), has_l))
    del ls
    lids = _lookup(lvals, lambda v: 0 if v is None else memo.lock_id(v))
    if lids is None:
        return None
    out["lock"] = lids[lcode]
    si = np.minimum(si, nlines - 1)
    ss = cs[si]
    scode, svals = _dict(buf.seg(ss, np.where(has_s, ends[si], ss), has_s))
    del ss
    sids = _lookup(svals, lambda v: 0 if v is None else memo.sock_id(v))
    if sids is None:
        return None
    out["sock"] = sids[scode]
    roles_of = [memo.roles[i] for i in sids.tolist()]
    _mark("locks+sockaddrs")
    # ------------------------------------------------------------------ address lines
    cols = _addresses(buf, a, cs, ends, si, has_s, scode, roles_of, k, first, warnings)
    if cols is None:
        return None
    _mark("address tokens")
    for role, name in _ROLE_COL.items():
        out[name] = cols[role]
    icode, ivals = _dict(cols["IFP"])
    out["ifp_id"] = np.array([memo.ifp_id(v) for v in ivals], dtype=np.int32)[icode]
    _mark("ifp")
    return out


def _addresses(buf: _Buf, a: np.ndarray, cs, ends, si, has_s, scode, roles_of, k, first, warnings) -> dict | None:
    """Role -> large_string array of the address lines' tokens (null where empty or absent).

    The lines are copied without their leading space, each with its newline, and split at spaces;
    ``index: N `` (digits, then the empty token of its trailing space) is merged into one token. A
    line that does not give one token per role goes through the line reader's ``_addresses`` (its
    warnings included). None when a line holds a tab or control byte (left to the readers)."""
    N = len(a)
    am = np.flatnonzero(has_s)          # messages with an address line
    if not len(am):
        return {role: pa.nulls(k, pa.large_string()) for role in rm.ROLES}
    ai = si[am] + 1                     # their address line
    lines = buf.seg(cs[ai] + 1, np.minimum(ends[ai] + 1, N))
    off, dbuf = buf.offsets(lines)
    del lines
    # a message's token of a role is an empty segment at the start of its line in the copy (or of
    # the next message's line) until one is found: segments stay in order, as seg needs
    at_line = off[np.cumsum(has_s) - has_s]
    role_s = {role: at_line.copy() for role in rm.ROLES}
    role_e = {role: at_line.copy() for role in rm.ROLES}
    role_ok = {role: np.zeros(k, dtype=bool) for role in rm.ROLES}
    del at_line
    _mark('a:copy')
    D = dbuf.a
    if ends[ai[-1]] == N:  # the last line has no newline: give it one
        D = np.append(D[:off[-1]], np.uint8(10))
        off = off.copy()
        off[-1] += 1
        dbuf = _Buf(D)
    sep = np.flatnonzero(D[:off[-1]] <= 32)               # every token ends at a space or newline
    sb = D[sep]
    del D
    if not ((sb == 32) | (sb == 10)).all():
        return None                                       # a tab or control byte: leave it to the readers
    lend_t = np.flatnonzero(sb == 10)                     # index of each line's last token
    _mark('a:sep')
    del sb
    ts = np.empty_like(sep)
    ts[0] = 0
    ts[1:] = sep[:-1] + 1
    te = sep
    ntok = np.diff(lend_t, prepend=-1)                    # tokens per line
    tlen = te - ts
    cand = np.flatnonzero(tlen == 6)
    cand = cand[(dbuf.w(ts[cand]) & np.uint64(0xFFFFFFFFFFFF)) == _le(b"index:")]
    # the regular "index: N " is one token: digits, then an empty token, on the same line
    cline = np.searchsorted(lend_t, cand)                # line of each "index:" token
    c1, c2 = cand + 1, cand + 2
    good = c2 <= lend_t[cline]
    c1, c2 = np.minimum(c1, len(ts) - 1), np.minimum(c2, len(ts) - 1)
    good &= (tlen[c2] == 0) & (tlen[c1] >= 1) & (tlen[c1] <= 8)
    good &= _number(dbuf, ts[c1], np.clip(tlen[c1], 1, 8))[1]
    bad_line = np.zeros(len(am), dtype=bool)
    bad_line[cline[~good]] = True
    cand, cline = cand[good], cline[good]
    if len(cand):
        dead = np.zeros(len(ts), dtype=bool)
        dead[cand + 1] = True
        dead[cand + 2] = True
        te = te.copy()
        te[cand] = te[cand + 1]
        eff = np.flatnonzero(~dead)
        del dead
        neff = ntok - 2 * np.bincount(cline, minlength=len(am))
    else:
        eff, neff = None, ntok
    ebase = np.cumsum(neff) - neff
    _mark('a:index')
    codes_am = scode[am]
    bad_line |= neff != np.array([len(x) for x in roles_of], dtype=np.int64)[codes_am]
    for c, roles in enumerate(roles_of):
        if not roles:
            continue
        rows = np.flatnonzero((codes_am == c) & ~bad_line)
        if not len(rows):
            continue
        base, msg = ebase[rows], am[rows]
        for j, role in enumerate(roles):
            if role in role_s:
                t = base + j if eff is None else eff[base + j]
                role_s[role][msg] = ts[t]
                role_e[role][msg] = te[t]
                role_ok[role][msg] = te[t] > ts[t]
    odd_rows = am[np.flatnonzero(bad_line)].tolist()
    _mark('a:roles')
    cols = {role: dbuf.seg(role_s[role], role_e[role], role_ok[role]) if role_ok[role].any()
            else pa.nulls(k, pa.large_string()) for role in rm.ROLES}
    del sep, ts, te, tlen, eff, dbuf
    _mark('a:seg')
    if odd_rows:  # lines that do not split one token per role: the line-by-line reader, with its warnings
        fixed: dict[str, list] = {role: [] for role in rm.ROLES}
        for i in odd_rows:
            ln = int(si[i] + 1)
            text = bytes(a[cs[ln]:ends[ln]]).decode("ascii")
            m = [None] * rm._NFIELDS
            m[rm._SOCK] = roles_of[scode[i]]
            rm._addresses(m, text, first + ln, warnings)
            for role in rm.ROLES:
                fixed[role].append(m[rm._ROLE_SLOT[role]])
        idx = np.arange(k, dtype=np.int64)
        idx[odd_rows] = k + np.arange(len(odd_rows))
        idx_pa = pa.array(idx)
        for role in rm.ROLES:
            cols[role] = pc.take(pa.concat_arrays([cols[role], pa.array(fixed[role], pa.large_string())]), idx_pa)
    return cols


class Builder:
    """``route_events`` of a run of regular chunks, built without a frame per chunk.

    Layout: the per-row numbers (``line``, ``size``, ``seq``, the two times as int64 ns) and the
    memo ids of each row's RTM line, locks line, sockaddrs line and IFP token (int32) go into numpy
    buffers that grow by ``ndarray.resize`` (realloc: large buffers are remapped, not copied) and
    are trimmed to the row count at the end; string columns that differ per row (``message_time``
    and the address tokens) are kept as one Arrow array per chunk and become a chunked array.
    :meth:`frame` then derives every column of an id (type, description, length, pid, errno,
    ifscope, metric, ifref, flags, locks, inits, sockaddrs, interface, index) with one ``take``.

    *total_bytes*, when known, sizes the buffers after the first chunk (rows per byte so far).
    """

    def __init__(self, total_bytes: int = 0) -> None:
        self.total = total_bytes
        self.seen = 0
        self.k = 0
        self.memo = _Memo()
        self.rows = {name: np.empty(0, np.int64) for name in _ROW_INT64}
        self.rows["seq_na"] = np.empty(0, bool)
        self.rows.update({name: np.empty(0, np.int32) for name in _ROW_IDS})
        self.strings: dict[str, list] = {name: [] for name in _ROW_STRINGS}
        self._scratch = np.empty(0, bool)

    def add(self, a: np.ndarray, first: int, warnings: list | None) -> int | None:
        """Append the rows of the ASCII bytes *a* (whose first line is line *first*); the number of
        newlines in *a*, or None (and nothing appended) when the chunk is not entirely regular."""
        if len(self._scratch) < len(a):
            self._scratch = np.empty(len(a), bool)
        got = _read(a, first, warnings, self.memo, self._scratch)
        if got is None:
            return None
        k = got["k"]
        self.seen += len(a)
        if k:
            self._reserve(self.k + k)
            lo, hi = self.k, self.k + k
            for name, arr in self.rows.items():
                arr[lo:hi] = got[name]
            for name, chunks in self.strings.items():
                chunks.append(got[name])
            self.k = hi
        _mark("store")
        return got["newlines"]

    def _reserve(self, need: int) -> None:
        cap = len(self.rows["line"])
        if need <= cap:
            return
        guess = int(self.total * need / max(self.seen, 1) * 1.02) + 1024 if self.total > self.seen else 0
        cap = max(need, guess, cap + cap // 2)
        for arr in self.rows.values():
            arr.resize(cap, refcheck=False)

    def release(self) -> None:
        """Drop the reusable scratch buffer (the builder keeps only what the frame needs)."""
        self._scratch = np.empty(0, bool)

    def frame(self) -> pd.DataFrame:
        """The frame of every row added (the builder is empty afterwards)."""
        schema = rm.SCHEMAS["route_events"]
        k, memo, rows = self.k, self.memo, self.rows
        self.release()
        _mark("start")
        if k == 0:
            return schema.empty()
        for arr in rows.values():
            arr.resize(k, refcheck=False)
        out: dict[str, pd.Series] = {"line": _ints(rows["line"]), "size": _ints(rows["size"]),
                                     "seq": _ints(rows["seq"], rows["seq_na"])}
        out["captured_at"] = _datetimes(rows["captured_at"])
        out["time"] = _datetimes(rows["time"])
        for name, chunks in self.strings.items():
            out[name] = _strings(pa.chunked_array(chunks, pa.large_string()))
        _mark("f:rows")
        # columns of the RTM line's id
        rid = rows["rtm"]
        per = dict(zip(_RTM_COLS, zip(*memo.rtm)))
        rid_pa = pa.array(rid)
        for name in ("type", "description"):
            out[name] = _strings(pc.take(pa.array(per[name], pa.large_string()), rid_pa))
        tail = None
        for name in (*_RTM_INTS, "if#"):
            vals = per[name]
            mask = np.array([v is None for v in vals], dtype=bool)
            arr = np.array([0 if v is None else v for v in vals], dtype=np.int64)
            if name == "if#":
                tail = arr[rid], mask[rid]
            else:
                out[name] = _ints(arr[rid], mask[rid])
        out["ifref"] = pd.Series(pd.arrays.BooleanArray(np.array(per["ifref"], dtype=bool)[rid],
                                                        np.zeros(k, dtype=bool)))
        out["flags"] = _objects(per["flags"], rid)
        del rid_pa
        _mark('f:rtm')
        # locks, sockaddrs, interface / index
        lid = pa.array(rows["lock"])
        out["locks"] = _strings(pc.take(pa.array(memo.locks, pa.large_string()), lid))
        out["inits"] = _strings(pc.take(pa.array(memo.inits, pa.large_string()), lid))
        out["sockaddrs"] = _objects(memo.roles, rows["sock"])
        iid = rows["ifp_id"]
        idx_vals, names = zip(*memo.ifp)
        out["interface"] = _strings(pc.take(pa.array(names, pa.large_string()), pa.array(iid)))
        ix_mask = np.array([v is None for v in idx_vals], dtype=bool)[iid]
        ix = np.array([0 if v is None else v for v in idx_vals], dtype=np.int64)[iid]
        out["index"] = _ints(np.where(ix_mask, tail[0], ix), ix_mask & tail[1])
        self.__init__(self.total)
        _mark("f:ids")
        df = schema.frame({c: out[c] for c in schema.names}, length=k)
        _mark("frame")
        return df


def _objects(values: list, codes: np.ndarray) -> pd.Series:
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return pd.Series(arr.take(codes), dtype="object")


def chunk_frame(a: np.ndarray, first: int, warnings: list | None) -> tuple[pd.DataFrame, int] | None:
    """``route_events`` of the ASCII bytes *a* (whose first line is line *first*) and the number of
    newlines in *a*; None when the chunk is not entirely regular (see the module doc)."""
    b = Builder()
    newlines = b.add(a, first, warnings)
    if newlines is None:
        return None
    return b.frame(), newlines
