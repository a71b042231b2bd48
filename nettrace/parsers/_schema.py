"""Schemas as data: every frame a parser returns has a :class:`Schema` that names, types and
explains its columns. Tests check each parser's output against its schema; ``docs/parsers.md``
is generated from the schemas (``python -m nettrace.parsers.docs``).

Column dtypes are one of:

``string``    pandas ``string`` (missing = ``<NA>``)
``Int64``     nullable integer
``float64``   float (missing = NaN)
``boolean``   nullable boolean
``datetime``  ``datetime64[ns, UTC]`` (always UTC)
``object``    Python objects: lists of strings (flags, members, nameservers, ...)

Parsers build *columns* (a dict of lists, pandas Series or Arrow arrays; :meth:`Schema.add_row`
appends a row to lists), not lists of dicts, and hand them to :meth:`Schema.frame`, which fills
absent columns with missing values and casts every column. A value an ``Int64`` column cannot
hold (a digit run beyond 2**63-1, a word) becomes missing with a warning — never an exception.

>>> s = Schema("demo", [Column("name", "string", "a name"), Column("n", "Int64", "a count")])
>>> df = s.frame({"name": ["a", "b"], "n": [1, None]})
>>> list(df.columns), str(df["n"].dtype), s.check(df)
(['name', 'n'], 'Int64', [])
>>> len(s.empty())
0
>>> w = []
>>> s.frame({"n": [1, 2**64]}, warnings=w)["n"].tolist(), w
([1, <NA>], [(None, 'demo.n: 18446744073709551616 is not a 64-bit integer; left missing')])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Column", "Schema", "DTYPES", "warn", "text_lines", "arrow_lines"]

DTYPES = ("string", "Int64", "float64", "boolean", "datetime", "object")


def warn(warnings: list | None, line: int | None, message: str) -> None:
    """Record a parser warning ``(line number or None, message)`` when the caller collects them
    (``warnings`` may be None): parsers append, never raise."""
    if warnings is not None:
        warnings.append((line, message))


def text_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(1-based line number, stripped line)`` of every non-blank line of *text* split at ``\\n``."""
    for n, raw in enumerate(text.split("\n"), 1):
        if line := raw.strip():
            yield n, line


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    doc: str

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: unknown dtype {self.dtype}")


@dataclass(frozen=True)
class Schema:
    """A frame's name, documentation and typed columns."""

    name: str
    columns: Sequence[Column]
    doc: str = ""
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)  # the column names

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(c.name for c in self.columns))

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and every column at its dtype (a shallow copy of a cached one)."""
        proto = self.__dict__.get("_empty")
        if proto is None:
            proto = self.frame({})
            object.__setattr__(self, "_empty", proto)
        return proto.copy(deep=False)

    def frame(self, data: Mapping[str, Iterable] | pd.DataFrame, length: int | None = None,
              warnings: list | None = None) -> pd.DataFrame:
        """Build a typed frame from columns (lists, Series or Arrow arrays); missing columns become
        missing values. Extra keys in *data* are dropped: the schema is the contract. Series already
        at their dtype on a default index are taken as they are (copy-on-write keeps them apart).
        An ``Int64`` value out of range is set missing and reported in *warnings* (at the row's
        ``line`` when the columns have one).
        """
        if isinstance(data, pd.DataFrame):
            data = {c: data[c] for c in data.columns}
        cols = {k: (v if isinstance(v, (list, pd.Series, pa.Array, pa.ChunkedArray)) else list(v))
                for k, v in data.items() if k in self.names}
        n = length if length is not None else max((len(v) for v in cols.values()), default=0)
        out = {}
        for col in self.columns:
            values = cols.get(col.name)
            if values is None:
                out[col.name] = _from_arrow(pa.nulls(n), col.dtype)  # fresh missing values
                continue
            if len(values) != n:
                raise ValueError(f"{self.name}.{col.name}: {len(values)} values for {n} rows")
            try:
                out[col.name] = _typed(values, col.dtype)
            except (OverflowError, TypeError, ValueError, pa.ArrowInvalid):
                if col.dtype != "Int64":
                    raise
                out[col.name] = _typed(_fitting_ints(self.name, col.name, values, cols.get("line"), warnings),
                                       "Int64")
        return pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)

    def add_row(self, cols: dict[str, list], **row) -> None:
        """Append one row to *cols* (a list per column); a column *row* does not name gets None, a
        name that is not a column is a mistake in the parser (KeyError)."""
        for name in self.names:
            cols[name].append(row.pop(name, None))
        if row:  # names left over (checked after the appends: the common row pays nothing), undone
            for name in self.names:
                cols[name].pop()
            raise KeyError(f"{self.name}: no column {sorted(row)}")

    def check(self, df: pd.DataFrame) -> list[str]:
        """Problems with *df* against this schema (empty list when it conforms)."""
        if tuple(df.columns) != self.names:
            return [f"{self.name}: columns {list(df.columns)} != {list(self.names)}"]
        return [f"{self.name}.{c.name}: dtype {df[c.name].dtype} is not {c.dtype}" for c in self.columns
                if not _dtype_ok(df[c.name].dtype, c.dtype)]

    def markdown(self) -> str:
        rows = [f"| `{c.name}` | {c.dtype} | {c.doc} |" for c in self.columns]
        return "\n".join(["| column | dtype | meaning |", "|---|---|---|", *rows])


def _typed(values, dtype: str):
    """*values* (list, Series or Arrow array) as a pandas array or Series of *dtype*."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return _from_arrow(values, dtype)
    if isinstance(values, pd.Series):
        ix = values.index  # a Series at its dtype on a default index is taken as it is
        if _dtype_ok(values.dtype, dtype) and type(ix) is pd.RangeIndex and ix.start == 0 and ix.step == 1:
            return values
        return _cast(values, dtype)
    arr = _from_list(values, dtype)
    return arr if arr is not None else _cast(values, dtype).array  # fresh: no copy


def _fitting_ints(frame: str, column: str, values, lines, warnings) -> list:
    """*values* as Python ints; None (with a warning at its ``line``) for each not a 64-bit integer."""
    values = values.to_pylist() if isinstance(values, (pa.Array, pa.ChunkedArray)) else list(values)
    lines = lines.to_pylist() if isinstance(lines, (pa.Array, pa.ChunkedArray)) else lines
    out = []
    for i, v in enumerate(values):
        try:
            n = None if v is None or v is pd.NA else int(v)
        except (TypeError, ValueError, OverflowError):
            n = False
        if n is False or n is not None and not -2**63 <= n < 2**63:
            at = lines[i] if lines is not None and lines[i] is not pd.NA else None
            warn(warnings, at, f"{frame}.{column}: {str(v)[:40]} is not a 64-bit integer; left missing")
            n = None
        out.append(n)
    return out


def _from_arrow(a, dtype: str):
    """A pandas array of *dtype* from an Arrow array (strings are kept as they are, no copy)."""
    if dtype == "string":  # a chunked array stays chunked: no copy of the text
        return pd.arrays.ArrowStringArray(a.cast(pa.large_string()))
    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks()
    if dtype in ("Int64", "boolean"):
        a = a.cast(pa.int64() if dtype == "Int64" else pa.bool_())
        mask = a.is_null().to_numpy(zero_copy_only=False)
        data = a.fill_null(0 if dtype == "Int64" else False).to_numpy(zero_copy_only=False)
        return (pd.arrays.IntegerArray if dtype == "Int64" else pd.arrays.BooleanArray)(data, mask)
    if dtype == "float64":
        return a.cast(pa.float64()).to_numpy(zero_copy_only=False)
    return _cast(a.to_pylist(), dtype).array


_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError, UnicodeError)
_FROM_ARROW = {"string": (pa.string(), pa.null()), "Int64": (pa.int64(), pa.null()),
               "boolean": (pa.bool_(), pa.null())}


def _from_list(values: list, dtype: str):
    """A plain list typed through pyarrow's inference (cheaper than pandas' for the short lists of
    most parsers); None when a value is not already of the column's Python type (``_cast``
    coerces those). tests/parsers/test_schema.py checks it agrees with ``_cast``.

    >>> _from_list(["a", None], "string").tolist(), _from_list([1, None], "Int64").tolist()
    (['a', <NA>], [1, <NA>])
    >>> _from_list(["1"], "Int64") is None  # pandas' coercion decides
    True
    """
    if dtype == "object":  # lists stay elements (assigning a list of lists to a slice would broadcast)
        return np.fromiter(values, dtype=object, count=len(values))
    try:
        a = pa.array(values) if dtype in _FROM_ARROW else None  # one Python type gives that type, else refused
    except _ARROW_ERRORS:
        return None
    return _from_arrow(a, dtype) if a is not None and a.type in _FROM_ARROW[dtype] else None


def _cast(values, dtype: str) -> pd.Series:
    if isinstance(values, pd.Series) and _dtype_ok(values.dtype, dtype):
        return values.reset_index(drop=True)
    if dtype == "Int64":
        try:
            return pd.Series(pd.array(values, dtype="Int64"))
        except (TypeError, ValueError):
            return pd.Series(values, dtype="object").astype("Int64")
    if dtype == "datetime":
        s = pd.to_datetime(pd.Series(values, dtype="object"), utc=True, errors="coerce", format="mixed")
        if str(s.dtype) != "datetime64[ns, UTC]" and len(s):
            # pandas may pick a coarser unit for far-off years; what ns cannot hold is missing
            lo, hi = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
            s = s.where((s >= lo) & (s <= hi))
        return s.astype("datetime64[ns, UTC]")
    return pd.Series(values, dtype=dtype)  # string, float64, boolean, object


def _dtype_ok(got, want: str) -> bool:
    got = str(got)
    return got.startswith("datetime64") and "UTC" in got if want == "datetime" else got == want


def arrow_lines(text: str) -> pa.Array:
    """The lines of *text* as one Arrow large-string array (CRLF and CR line ends too; a lone
    surrogate becomes U+FFFD): the input of the parsers that read all lines of a kind at once."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        whole = pa.array([text], pa.large_string())
    except UnicodeEncodeError:  # lone surrogates
        whole = pa.array([text.encode("utf-8", "replace").decode("utf-8")], pa.large_string())
    lines = pc.split_pattern(whole, "\n").flatten()
    return lines.slice(0, len(lines) - 1) if text.endswith("\n") else lines
