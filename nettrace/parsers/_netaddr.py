"""Vectorized network forms of routing destinations, for the fast path of ``netstat_routes``.

Both functions take an Arrow ``large_string`` array (no nulls) and return, per item, what
``netstat_routes.normalize_destination`` gives, plus a *decided* mask: items of an unusual form
(host names, IPv4-in-IPv6, prefix lengths of three digits...) are left to that function.

IPv4 (``10.244/14``, ``127``, ``192.168.1.7``) is read from the bytes with numpy; IPv6 is parsed
into its eight 16-bit groups with numpy, masked to the prefix and printed the way ``ipaddress``
prints it (lower-case hex without leading zeros, the first longest run of two or more zero groups
as ``::``) by joining the groups with Arrow kernels.

>>> import pyarrow as pa
>>> c, ok = v4_networks(pa.array(["59.78.176/20", "127", "10.0.0.1", "300.1", "a.b"], pa.large_string()))
>>> c.to_pylist(), ok.tolist()
(['59.78.176.0/20', '127.0.0.0/8', '10.0.0.1/32', None, None], [True, True, True, True, False])
>>> c, s, ok = v6_networks(pa.array(["fe80::%en0/64", "2001:db8:0:0:1:0:0:1", "ff02::fb%lo0/8", "::ffff:1.2.3.4"],
...                                 pa.large_string()))
>>> c.to_pylist()[:3], s.to_pylist()[:3], ok.tolist()
(['fe80::/64', '2001:db8::1:0:0:1/128', 'ff00::/8'], ['en0', None, 'lo0'], [True, True, True, False])
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._arrow import STRING, nullify_empty, spans, string_buffers

__all__ = ["v4_networks", "v6_networks"]

_SEP = {s: pa.scalar(s, STRING) for s in ("", ":")}
_PREFIXES = pa.array([f"/{i}" for i in range(129)], STRING)
_V4_PAD = pa.array(["", ".0.0.0", ".0.0", ".0", ""], STRING)
_V4_SHAPE = r"^[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}(?:/[0-9]{1,2})?$"
_H = "[0-9a-fA-F]{1,4}"
_V6_SHAPE = rf"^(?P<a>(?:{_H}(?::{_H})*)?(?:::(?:{_H}(?::{_H})*)?)?)(?:%(?P<s>[^/]*))?(?:/(?P<p>[0-9]{{1,3}}))?$"
_HEXVAL = np.full(256, 0, np.int64)
_HEXVAL[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_HEXVAL[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16)
_HEXVAL[np.frombuffer(b"ABCDEF", np.uint8)] = np.arange(10, 16)
_GROUPS: pa.Array | None = None  # "0".."ffff", then "", ":", "::" (built on first use)


def _row_totals(mask: np.ndarray, offs: np.ndarray) -> np.ndarray:
    """How many True of *mask* (over a string buffer) fall in each item of *offs*."""
    lo = offs[:-1]
    if not len(lo):
        return np.zeros(0, np.int64)
    # one sum per item, no int64 running total over the whole buffer; a 0 after the last item
    # ends its sum, and an empty item's slot (which reads one byte) is zeroed
    m = np.zeros(int(offs[-1]) + 1, np.uint8)
    m[:-1] = mask[:offs[-1]]
    got = np.add.reduceat(m, lo, dtype=np.int64)
    got[offs[1:] == lo] = 0
    return got


def _digits(data: np.ndarray, at: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The decimal number of *count* (1-3) digits at *at* of *data*."""
    v = np.zeros(len(at), np.int64)
    for j in range(3):
        has = count > j
        v = np.where(has, v * 10 + data[np.minimum(at + j, len(data) - 1)].astype(np.int64) - 48, v)
    return v


def v4_networks(dest: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """``(cidr, decided)`` of IPv4 destinations: the plain forms (1-4 dotted parts of 1-3 digits,
    an optional ``/N`` of 1-2 digits) are decided here, null where a part is over 255 or N over 32."""
    k = len(dest)
    decided = pc.match_substring_regex(dest, _V4_SHAPE).to_numpy(zero_copy_only=False)
    out = pa.nulls(k, STRING)
    if not decided.any():
        return out, decided
    d = dest if decided.all() else dest.filter(pa.array(decided))
    data, offs = string_buffers(d)
    m = len(d)
    lo, hi = offs[:-1], offs[1:]
    parts = _row_totals(data == 46, offs) + 1
    has_p = _row_totals(data == 47, offs) > 0
    plen_n = np.where(has_p & (data[np.maximum(hi - 3, 0)] == 47), 2, 1)
    addr_hi = np.where(has_p, hi - plen_n - 1, hi)
    prefix = np.where(has_p, _digits(data, hi - plen_n, plen_n), 8 * parts)
    bad = prefix > 32
    # a part over 255: three digits in a row (within one item) reading more than 255
    dig = data.astype(np.int64) - 48
    if len(data) >= 3:
        p = np.flatnonzero((dig[:-2] >= 0) & (dig[1:-1] >= 0) & (dig[2:] >= 0) & (dig[:-2] <= 9)
                           & (dig[1:-1] <= 9) & (dig[2:] <= 9) & (dig[:-2] * 100 + dig[1:-1] * 10 + dig[2:] > 255))
        if len(p):
            row = np.searchsorted(offs, p, "right") - 1
            inside = p + 3 <= hi[row]
            bad[row[inside]] = True
    cidr = pc.binary_join_element_wise(spans(data, lo, addr_hi), _V4_PAD.take(pa.array(parts)),
                                       _PREFIXES.take(pa.array(np.minimum(prefix, 128))), _SEP[""])
    if bad.any():
        cidr = pc.if_else(pa.array(~bad), cidr, pa.scalar(None, STRING))
    if m == k:
        return cidr, decided
    where = np.full(k, m, np.int64)
    where[decided] = np.arange(m)
    return pa.concat_arrays([cidr, pa.nulls(1, STRING)]).take(pa.array(where)), decided


def _groups() -> pa.Array:
    """The texts of the 65536 group values (``0`` .. ``ffff``), then ``""``, ``":"``, ``"::"``."""
    global _GROUPS
    if _GROUPS is None:
        v = np.arange(65536)
        width = 1 + (v >= 16) + (v >= 256) + (v >= 4096)
        chars = np.frombuffer(b"0123456789abcdef", np.uint8)[(v[:, None] >> np.array([12, 8, 4, 0])) & 15]
        keep = np.arange(4)[None, :] >= 4 - width[:, None]
        offsets = np.zeros(65536 + 4, np.int64)
        np.cumsum(width, out=offsets[1:65537])
        tail = np.frombuffer(b":::", np.uint8)
        offsets[65537:] = offsets[65536] + np.array([0, 1, 3])
        data = np.concatenate([chars[keep], tail])
        _GROUPS = pa.LargeStringArray.from_buffers(65539, pa.py_buffer(offsets), pa.py_buffer(data))
    return _GROUPS


def _v6_text(h: np.ndarray) -> pa.Array:
    """``ipaddress``'s text of the addresses with groups *h* (m, 8)."""
    m = len(h)
    zero = h == 0
    run = np.zeros(m, np.int64)
    best, end = np.zeros(m, np.int64), np.zeros(m, np.int64)
    for j in range(8):  # the first longest run of zero groups
        run = (run + 1) * zero[:, j]
        longer = run > best
        best = np.where(longer, run, best)
        end = np.where(longer, j, end)
    start = end - best + 1
    squeeze = best >= 2
    j = np.arange(8)[None, :]
    inside = squeeze[:, None] & (j >= start[:, None]) & (j <= end[:, None])
    first = inside & (j == start[:, None])
    # the run's first group prints "" between groups, ":" at either end, "::" for all eight
    code = np.where(first, (65536 + (start == 0) + (end == 7))[:, None], h)
    hidden = inside & ~first
    table = _groups()
    cols = [table.take(pa.array(code[:, i], mask=hidden[:, i])) for i in range(8)]
    return pc.binary_join_element_wise(*cols, _SEP[":"], null_handling="skip")


def v6_networks(dest: pa.Array) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """``(cidr, scope, decided)`` of IPv6 destinations: hex groups with at most one ``::`` (no
    dotted IPv4 tail), an optional ``%scope`` and ``/N`` (N <= 128, 1-3 digits) are decided here."""
    k = len(dest)
    parts = pc.extract_regex(dest, _V6_SHAPE)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    cidr, scope = pa.nulls(k, STRING), pa.nulls(k, STRING)
    if not matched.any():
        return cidr, scope, matched
    parts = parts.filter(pa.array(matched))
    addr, sc, pl = (parts.field(f) for f in ("a", "s", "p"))
    m = len(addr)
    plen_len = pc.binary_length(pl).to_numpy(zero_copy_only=False)
    pdata, poffs = string_buffers(pl)
    plen = np.where(plen_len > 0, _digits(pdata, poffs[:-1], plen_len) if len(pdata) else 0, 128)
    data, offs = string_buffers(addr)
    colon = data == 58
    n = len(data)
    edge_lo = np.zeros(n + 1, bool)  # item starts / ends, as positions of data
    edge_hi = np.zeros(n + 1, bool)
    edge_lo[offs[:-1]] = True
    edge_hi[offs[1:]] = True
    prev_sep = np.ones(n, bool)
    prev_sep[1:] = colon[:-1]
    next_sep = np.ones(n, bool)
    next_sep[:-1] = colon[1:]
    gs = np.flatnonzero(~colon & (prev_sep | edge_lo[:n]))
    ge = np.flatnonzero(~colon & (next_sep | edge_hi[1:])) + 1
    width = ge - gs
    val = np.zeros(len(gs), np.int64)
    hexval = _HEXVAL[data]
    for j in range(4):
        val = np.where(width > j, val * 16 + hexval[np.minimum(gs + j, max(n - 1, 0))], val)
    row = np.searchsorted(offs, gs, "right") - 1
    ngroups = np.bincount(row, minlength=m)
    first = np.cumsum(ngroups) - ngroups
    ordinal = np.arange(len(gs)) - first[row]
    dc = np.flatnonzero(colon[:-1] & colon[1:]) if n > 1 else np.zeros(0, np.int64)
    dc_row = np.searchsorted(offs, dc, "right") - 1
    dc = dc[dc + 2 <= offs[dc_row + 1]]
    dc_row = np.searchsorted(offs, dc, "right") - 1
    dc_at = np.full(m, -1, np.int64)
    dc_at[dc_row] = dc
    has_dc = dc_at >= 0
    ok = np.where(has_dc, ngroups <= 7, ngroups == 8) & (plen <= 128)
    after = has_dc[row] & (gs > dc_at[row])
    slot = np.where(after, 8 - ngroups[row] + ordinal, ordinal)
    keep = ok[row]
    h = np.zeros((m, 8), np.int64)
    h[row[keep], slot[keep]] = val[keep]
    bits = np.clip(plen[:, None] - 16 * np.arange(8)[None, :], 0, 16)
    h &= (0xFFFF << (16 - bits)) & 0xFFFF
    text = pc.binary_join_element_wise(_v6_text(h), _PREFIXES.take(pa.array(np.minimum(plen, 128))), _SEP[""])
    sc = nullify_empty(sc.cast(STRING))
    decided = matched.copy()
    decided[matched] = ok
    if m == k:
        return text, sc, decided
    where = np.full(k, m, np.int64)
    where[matched] = np.arange(m)
    where = pa.array(where)
    return (pa.concat_arrays([text.cast(STRING), pa.nulls(1, STRING)]).take(where),
            pa.concat_arrays([sc, pa.nulls(1, STRING)]).take(where), decided)
