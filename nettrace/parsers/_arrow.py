"""Vectorized helpers for the fast path of netstat -r (and _netaddr).

The text is encoded once to UTF-8 bytes; numpy finds the line ends and the *odd* lines — those
holding a control byte (tab, CR, form feed...) or a non-ASCII byte, where Python's idea of
whitespace (``str.split``/``strip``) differs from a plain blank and byte offsets differ from
character offsets. The parsers read the regular lines with pyarrow.compute kernels over one
Arrow array of lines (zero-copy over the bytes) and hand odd lines to their line-by-line code,
so results and warnings stay those of the line-by-line reader.

>>> lines = Lines(b"ab\\nc\\td\\n\\nz")
>>> lines.starts.tolist(), lines.lens.tolist(), lines.odd.tolist()
([0, 3, 7, 8], [2, 3, 0, 1], [1])
>>> lines.text(1)
'c\\td'
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Lines", "string_series", "int_series", "scatter_strings", "nullify_empty", "spans",
           "string_buffers", "STRING", "BINARY"]

STRING = pa.large_string()
BINARY = pa.large_binary()


_CHUNK = 1 << 20


def _control_bytes(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the newlines and of the other bytes < 0x20 in *a*, and the byte before each
    newline, a megabyte at a time (the comparison's scratch and the look-ups stay in cache)."""
    nls, bad, before = [], [], []
    scratch = np.empty(min(_CHUNK, len(a)), bool)
    for start in range(0, len(a), _CHUNK):
        chunk = a[start:start + _CHUNK]
        low = np.flatnonzero(np.less(chunk, 32, out=scratch[:len(chunk)]))
        is_nl = chunk[low] == 10
        if not is_nl.all():
            bad.append(low[~is_nl] + start)
            low = low[is_nl]
        low += start
        nls.append(low)
        before.append(a[np.maximum(low - 1, 0)])
    empty = np.zeros(0, np.int64)
    if not nls:
        return empty, empty, np.zeros(0, np.uint8)
    return np.concatenate(nls), (np.concatenate(bad) if bad else empty), np.concatenate(before)


class Lines:
    """The lines of UTF-8 *data* (split on ``\\n``): numpy ``starts``/``lens`` (bytes, without the
    newline), ``last`` (each line's last byte; 10 for an empty line), ``odd`` (indices of lines
    with a byte < 0x20 or >= 0x80)."""

    def __init__(self, data: bytes, ascii_only: bool | None = None, begin: int = 0, end: int | None = None) -> None:
        """Lines of ``data[begin:end]`` (no copy of *data*)."""
        end = len(data) if end is None else end
        self.data, self.begin = data, begin
        a = np.frombuffer(data, np.uint8, end - begin, begin)
        self.a = a
        nl, bad, before = _control_bytes(a)
        if ascii_only is None:
            ascii_only = bool((a < 128).all())
        if not ascii_only:
            bad = np.union1d(bad, np.flatnonzero(a >= 128))
        n = len(nl) + 1
        starts = np.empty(n, np.int64)
        starts[0] = 0
        np.add(nl, 1, out=starts[1:])
        lens = np.empty(n, np.int64)
        np.subtract(nl, starts[:-1], out=lens[:-1])
        lens[-1] = len(a) - starts[-1]
        self.starts = starts
        self.lens = lens
        self.last = np.empty(n, np.uint8)
        self.last[:-1] = before
        self.last[-1] = a[-1] if len(a) and self.lens[-1] else 10
        self.odd = np.unique(np.searchsorted(nl, bad)) if len(bad) else np.zeros(0, np.int64)
        self.n = n

    def text(self, i: int) -> str:
        s = int(self.starts[i]) + self.begin
        return self.data[s:s + int(self.lens[i])].decode("utf-8", "surrogatepass")

def string_series(arr) -> pd.Series:
    """A pandas ``string`` Series over an Arrow (large_)string array, without copying."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != STRING:
        arr = arr.cast(STRING)
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([arr])), copy=False)


def int_series(values: np.ndarray, mask: np.ndarray | None = None) -> pd.Series:
    """A pandas ``Int64`` Series from int64 *values* and a missing-value *mask*."""
    if mask is None:
        mask = np.zeros(len(values), bool)
    return pd.Series(pd.arrays.IntegerArray(np.asarray(values, np.int64), mask), copy=False)


def scatter_strings(n: int, mask: np.ndarray, values: pa.Array, where: tuple | None = None) -> pa.Array:
    """A length-*n* string array: *values* at the True positions of *mask* (in order), null elsewhere.

    Built over the data buffer of *values* (new offsets and validity only). *where*, for several
    arrays scattered by one mask: ``(np.flatnonzero(mask), np.cumsum(mask))``, computed once.
    """
    idx, rank = where if where is not None else (np.flatnonzero(mask), None)
    k = len(idx)
    if k == 0:
        return pa.nulls(n, STRING)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(STRING)
    if k == n:
        return values
    bits = None
    nulls = 0
    if values.null_count:
        valid = np.zeros(n, bool)
        valid[idx] = values.is_valid().to_numpy(zero_copy_only=False)
        bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = n - int(valid.sum())
    else:
        bits = pa.py_buffer(np.packbits(mask, bitorder="little"))
        nulls = n - k
    _, offs, data = values.buffers()
    voff = np.frombuffer(offs, np.int64, k + 1, values.offset * 8)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = voff[0]
    # item i ends where the last value at or before it ends
    offsets[1:] = voff[np.cumsum(mask) if rank is None else rank]
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), data, bits, nulls)


def nullify_empty(arr: pa.Array) -> pa.Array:
    """Empty strings become null (Python's ``s or None``)."""
    valid = pc.binary_length(arr).to_numpy(zero_copy_only=False) > 0
    if arr.null_count or arr.type != STRING:
        return pc.if_else(pa.array(valid), arr, pa.scalar(None, arr.type))
    if valid.all():
        return arr
    bits = pa.py_buffer(np.packbits(valid, bitorder="little"))
    _, offsets, data = arr.buffers()
    return pa.LargeStringArray.from_buffers(len(arr), offsets, data, bits, len(arr) - int(valid.sum()), arr.offset)





def spans(data, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    """Strings ``data[lo[i]:hi[i]]`` (a ``large_string`` array) for ordered, non-overlapping spans
    (``lo[i] <= hi[i] <= lo[i + 1]``) of the buffer *data*: an array over *data* whose items are
    the spans and the gaps between them (no copy), of which Arrow's ``take`` keeps the spans.

    >>> spans(b"ab cd  efg", np.array([0, 3, 7]), np.array([2, 5, 9])).to_pylist()
    ['ab', 'cd', 'ef']
    """
    k = len(lo)
    if k == 0:
        return pa.array([], STRING)
    offsets = np.empty(2 * k, np.int64)
    offsets[0::2] = lo
    offsets[1::2] = hi
    if (np.diff(offsets) < 0).any():
        raise ValueError("spans: spans out of order or overlapping")
    both = pa.LargeBinaryArray.from_buffers(BINARY, 2 * k - 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return both.take(pa.array(np.arange(0, 2 * k, 2))).view(STRING)


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(bytes, offsets)`` of a (large_)string/binary array without nulls, as numpy views: item
    *i* is ``bytes[offsets[i]:offsets[i + 1]]`` (offsets index *bytes* from its start)."""
    if arr.type not in (STRING, BINARY):
        arr = arr.cast(STRING)
    k = len(arr)
    _, obuf, dbuf = arr.buffers()
    offs = np.frombuffer(obuf, np.int64, k + 1, arr.offset * 8)
    size = int(offs[-1]) if k else 0
    data = np.frombuffer(dbuf, np.uint8, size) if dbuf is not None and size else np.zeros(0, np.uint8)
    return data, offs
