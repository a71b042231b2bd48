"""``Schema.frame``'s list fast path (pyarrow converters) gives what pandas' coercion gives."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nettrace.parsers._schema import Column, Schema, _cast, _from_list

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
    st.text(max_size=5), st.binary(max_size=3), st.just(pd.NA), st.just(np.nan), st.just(np.int64(7)),
    st.just(np.bool_(True)), st.lists(st.integers(), max_size=2),
)


def _cast_or_error(values, dtype):
    try:
        return _cast(values, dtype).array
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e)


@pytest.mark.parametrize("dtype", ["string", "Int64", "boolean", "object"])
@settings(max_examples=400, deadline=None)
@given(values=st.lists(SCALARS, max_size=6))
def test_fast_path_equals_pandas_coercion(dtype, values):
    fast = _from_list(values, dtype)
    if fast is None:  # the fast path declined: frame() falls back to _cast, nothing to compare
        return
    slow = _cast_or_error(values, dtype)
    assert not isinstance(slow, type), f"pandas rejects {values!r} as {dtype} but the fast path took it"
    if dtype == "object":
        assert isinstance(fast, np.ndarray) and fast.dtype == object and len(fast) == len(values)
        assert all(a is b for a, b in zip(fast, slow))  # the very objects, lists not broadcast
    else:
        pd.testing.assert_extension_array_equal(fast, slow)


def test_fast_path_takes_the_common_lists():
    assert _from_list(["en0", None, "utun3"], "string").tolist() == ["en0", pd.NA, "utun3"]
    assert _from_list([5000, None], "Int64").tolist() == [5000, pd.NA]
    assert _from_list([True, None, False], "boolean").tolist() == [True, pd.NA, False]
    # values that need pandas' coercion are left to it, with pandas' result
    assert _from_list(["1"], "Int64") is None
    s = Schema("t", [Column("n", "Int64", ""), Column("s", "string", "")])
    df = s.frame({"n": ["1", None], "s": [1, "x"]})
    assert df["n"].tolist() == [1, pd.NA] and df["s"].tolist() == ["1", "x"]
    assert [str(t) for t in df.dtypes] == ["Int64", "string"]


def test_an_integer_beyond_int64_warns_at_its_line_and_is_missing():
    import pyarrow as pa

    s = Schema("t", [Column("n", "Int64", ""), Column("line", "Int64", "")])
    for values in ([7, 2**63, "x"], ["7", "9223372036854775808", "x"], pa.array(["7", "9223372036854775808", "x"])):
        w = []
        df = s.frame({"n": values, "line": [3, 4, 5]}, warnings=w)
        assert df["n"].tolist() == [7, pd.NA, pd.NA] and str(df["n"].dtype) == "Int64"
        assert w == [(4, "t.n: 9223372036854775808 is not a 64-bit integer; left missing"),
                     (5, "t.n: x is not a 64-bit integer; left missing")]
    assert s.frame({"n": [2**63 - 1, -2**63]})["n"].tolist() == [2**63 - 1, -2**63]  # the edges fit


def test_add_row_fills_unnamed_columns_and_refuses_unknown_names():
    s = Schema("demo", [Column("name", "string", "a name"), Column("n", "Int64", "a count")])
    cols = {c.name: [] for c in s.columns}
    s.add_row(cols, name="a", n=1)
    s.add_row(cols, name="b")
    assert cols == {"name": ["a", "b"], "n": [1, None]}
    with pytest.raises(KeyError, match=r"demo: no column \['nmae'\]"):
        s.add_row(cols, nmae="c")
    assert cols == {"name": ["a", "b"], "n": [1, None]}  # nothing appended by the refused row
