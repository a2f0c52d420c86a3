"""Input families round trip: what comes in (labels, family, dtype) comes back out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from checks import assert_close

import fastcorr

W = 5
TOL = 1e-12


def _data(n: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, 0.5 * x + rng.standard_normal(n)


STATS_ONE = ["rolling_mean", "rolling_var", "rolling_std"]
STATS_TWO = ["rolling_cov", "rolling_corr"]


def _apply(stat: str, x: object, y: object = None, window: int = W, **kw: object) -> object:
    fn = getattr(fastcorr, stat)
    return fn(x, window, **kw) if stat in STATS_ONE else fn(x, y, window, **kw)


def _reference(stat: str, x: np.ndarray, y: np.ndarray, window: int = W, **kw: object) -> np.ndarray:
    """The same statistic on plain float64 1-D arrays."""
    return np.asarray(_apply(stat, np.asarray(x, np.float64), np.asarray(y, np.float64), window, **kw))


# -- pandas -------------------------------------------------------------------


@pytest.mark.parametrize("stat", STATS_ONE + STATS_TWO)
def test_series_keeps_index_and_name(stat: str) -> None:
    """Series in, Series out: same index (dates), same name, values as for the plain arrays."""
    x, y = _data()
    idx = pd.date_range("2024-01-01", periods=len(x), freq="D", name="date")
    s, t = pd.Series(x, index=idx, name="px"), pd.Series(y, index=idx, name="px")
    got = _apply(stat, s, t)
    assert isinstance(got, pd.Series)
    assert got.index.equals(idx) and got.index.name == "date"
    assert got.name == "px"
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got.to_numpy(), _reference(stat, x, y))


def test_series_name_dropped_when_names_differ() -> None:
    """Two Series with different names give an unnamed result (as pandas does)."""
    x, y = _data()
    got = fastcorr.rolling_corr(pd.Series(x, name="a"), pd.Series(y, name="b"), W)
    assert got.name is None
    assert pd.Series(x, name="a").rolling(W).corr(pd.Series(y, name="b")).name is None


@pytest.mark.parametrize("stat", STATS_ONE)
def test_frame_keeps_columns_and_index(stat: str) -> None:
    """DataFrame in, DataFrame out: same index and columns, each column as its own series."""
    rng = np.random.default_rng(1)
    values = rng.standard_normal((25, 3))
    idx = pd.Index(np.arange(100, 125), name="t")
    cols = pd.Index(["a", "b", "c"], name="asset")
    df = pd.DataFrame(values, index=idx, columns=cols)
    got = _apply(stat, df)
    assert isinstance(got, pd.DataFrame)
    assert got.index.equals(idx) and got.columns.equals(cols) and got.columns.name == "asset"
    for j, c in enumerate(cols):
        np.testing.assert_array_equal(got[c].to_numpy(), _apply(stat, values[:, j].copy()))
    assert_close(got.to_numpy(), getattr(df.rolling(W), stat.removeprefix("rolling_"))().to_numpy(), TOL, stat)


def test_frame_mixed_dtypes_give_float64() -> None:
    """A DataFrame of float32, int and bool columns gives float64 columns."""
    df = pd.DataFrame({"f": np.arange(10, dtype=np.float32), "i": np.arange(10) ** 2, "b": np.arange(10) % 3 == 0})
    got = fastcorr.rolling_mean(df, 3)
    assert (got.dtypes == np.float64).all()
    assert_close(got.to_numpy(), df.astype(float).rolling(3).mean().to_numpy(), TOL, "mean")


# -- numpy --------------------------------------------------------------------


@pytest.mark.parametrize("stat", STATS_ONE + STATS_TWO)
def test_ndarray_1d_and_2d(stat: str) -> None:
    """ndarray 1-D -> 1-D; 2-D (columns are series) -> 2-D of the same shape, column by column."""
    x, y = _data()
    got = _apply(stat, x, y)
    assert isinstance(got, np.ndarray) and got.shape == x.shape and got.dtype == np.float64
    x2 = np.column_stack([x, y, x + y])
    got2 = _apply(stat, x2, y)
    assert isinstance(got2, np.ndarray) and got2.shape == x2.shape
    for j in range(3):
        np.testing.assert_array_equal(got2[:, j], _reference(stat, x2[:, j], y))


def test_fortran_and_strided_arrays() -> None:
    """Non-contiguous input (Fortran order, a strided view) gives the same result as a contiguous copy."""
    x, y = _data(40)
    x2 = np.asfortranarray(np.column_stack([x, y]))
    np.testing.assert_array_equal(fastcorr.rolling_var(x2, W), fastcorr.rolling_var(np.ascontiguousarray(x2), W))
    np.testing.assert_array_equal(
        fastcorr.rolling_corr(x[::2], y[::2], W), fastcorr.rolling_corr(x[::2].copy(), y[::2].copy(), W)
    )


@pytest.mark.parametrize(
    "values",
    [
        np.arange(20, dtype=np.int64) % 7,
        np.arange(20, dtype=np.int32) ** 2,
        np.arange(20) % 3 == 0,
        np.arange(20, dtype=np.uint8),
    ],
    ids=["int64", "int32", "bool", "uint8"],
)
def test_int_and_bool_give_float64(values: np.ndarray) -> None:
    """int and bool input give float64 results equal to those of the float64 cast."""
    for family in (np.asarray, pd.Series):
        got = fastcorr.rolling_var(family(values), W)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(np.asarray(got), fastcorr.rolling_var(values.astype(np.float64), W))
        got = fastcorr.rolling_corr(family(values), family(values[::-1].copy()), W)
        assert got.dtype == np.float64


@pytest.mark.parametrize("stat", STATS_ONE + STATS_TWO)
def test_float32_gives_float32(stat: str) -> None:
    """float32 in (numpy, Series, DataFrame, Arrow) gives float32 out; float32 with float64 gives float64."""
    x, y = _data()
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    assert _apply(stat, x32, y32).dtype == np.float32
    assert _apply(stat, pd.Series(x32), pd.Series(y32)).dtype == np.float32
    assert (_apply(stat, pd.DataFrame({"a": x32, "b": y32}), pd.Series(y32)).dtypes == np.float32).all()
    assert _apply(stat, pa.array(x32), pa.array(y32)).type == pa.float32()
    if stat in STATS_TWO:
        assert _apply(stat, x32, y).dtype == np.float64
        assert _apply(stat, x, y32).dtype == np.float64


# -- nullable pandas and Arrow ------------------------------------------------


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean", "int64[pyarrow]", "double[pyarrow]", "bool[pyarrow]"])
def test_pandas_nullable_with_na(dtype: str) -> None:
    """pandas nullable (and Arrow-backed) int/float/bool with NA: NA is missing, result float64 as for NaN input."""
    raw = np.array([1, 0, 3, 2, 2, 5, 0, 1, 4, 4, 1, 0], dtype=np.float64)
    if "bool" in dtype:
        raw = raw % 2
    na = [2, 7]
    s = pd.Series(raw, dtype=dtype)
    s[na] = pd.NA
    plain = raw.copy()
    plain[na] = np.nan
    got = fastcorr.rolling_mean(s, 3, min_periods=2)
    assert isinstance(got, pd.Series) and got.dtype == np.float64
    np.testing.assert_array_equal(got.to_numpy(), fastcorr.rolling_mean(plain, 3, min_periods=2))
    got = fastcorr.rolling_cov(s, pd.Series(np.arange(12.0)), 3, min_periods=2)
    np.testing.assert_array_equal(got.to_numpy(), fastcorr.rolling_cov(plain, np.arange(12.0), 3, min_periods=2))


def _arrow_nulls(values: np.ndarray, null_at: list[int]) -> pa.Array:
    mask = np.zeros(len(values), dtype=bool)
    mask[null_at] = True
    return pa.array(values, mask=mask)


@pytest.mark.parametrize("stat", STATS_ONE + STATS_TWO)
def test_arrow_array_with_nulls(stat: str) -> None:
    """pyarrow Array with nulls: nulls are missing; out is an Arrow Array, null exactly where the result is NaN."""
    x, y = _data()
    ax = _arrow_nulls(x, [3, 4, 20])
    ay = pa.array(y)
    got = _apply(stat, ax, ay, min_periods=3)
    assert isinstance(got, pa.Array) and got.type == pa.float64()
    plain = x.copy()
    plain[[3, 4, 20]] = np.nan
    want = _reference(stat, plain, y, min_periods=3)
    assert got.null_count == np.isnan(want).sum() > 0
    values = got.to_numpy(zero_copy_only=False)
    np.testing.assert_array_equal(values, want)
    assert not np.isnan(values[np.asarray(got.is_valid())]).any()


@pytest.mark.parametrize("stat", STATS_ONE + STATS_TWO)
def test_chunked_array_in_chunked_out(stat: str) -> None:
    """A ChunkedArray of several chunks with nulls gives a ChunkedArray equal to the contiguous result."""
    x, y = _data()
    chunks = [_arrow_nulls(x[:7], [2]), pa.array(x[7:8]), _arrow_nulls(x[8:], [0, 9])]
    cx = pa.chunked_array(chunks)
    cy = pa.chunked_array([pa.array(y[:15]), pa.array(y[15:])])
    got = _apply(stat, cx, cy, min_periods=3)
    assert isinstance(got, pa.ChunkedArray) and got.type == pa.float64() and len(got) == len(x)
    plain = x.copy()
    plain[[2, 8, 17]] = np.nan
    want = _reference(stat, plain, y, min_periods=3)
    np.testing.assert_array_equal(got.to_numpy(), want)
    assert got.null_count == np.isnan(want).sum()


def test_arrow_int_with_nulls() -> None:
    """Arrow int64 with nulls gives float64 with nulls where the result is NaN."""
    arr = pa.array([1, 2, None, 4, 5, 6], type=pa.int64())
    got = fastcorr.rolling_mean(arr, 2)
    assert got.type == pa.float64()
    assert got.to_pylist() == [None, 1.5, None, None, 4.5, 5.5]


def test_empty_chunked_array() -> None:
    """A ChunkedArray with no chunks gives an empty ChunkedArray."""
    got = fastcorr.rolling_var(pa.chunked_array([], type=pa.float64()), 3)
    assert isinstance(got, pa.ChunkedArray) and len(got) == 0


# -- alignment and 2-D with 1-D -----------------------------------------------


@pytest.mark.parametrize("stat", ["cov", "corr"])
def test_two_series_aligned_like_pandas(stat: str) -> None:
    """Two Series with different (overlapping, unsorted) indexes: outer-joined and computed as pandas does."""
    rng = np.random.default_rng(2)
    s = pd.Series(rng.standard_normal(40), index=rng.permutation(np.arange(0, 80, 2)), name="s")
    t = pd.Series(rng.standard_normal(40), index=np.arange(10, 50), name="t")
    got = getattr(fastcorr, f"rolling_{stat}")(s, t, W, min_periods=3)
    want = getattr(s.rolling(W, min_periods=3), stat)(t)
    assert got.index.equals(want.index)
    assert_close(got.to_numpy(), want.to_numpy(), TOL, stat)


def _frame_and_series(same_index: bool) -> tuple[pd.DataFrame, pd.Series]:
    """A DataFrame with NaN and a Series on the same index, or on an overlapping, shifted one."""
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.standard_normal((30, 3)), columns=["a", "b", "c"], index=np.arange(30) * 3)
    df.iloc[[4, 11], 1] = np.nan
    s_index = df.index if same_index else np.arange(15, 105, 3)
    return df, pd.Series(rng.standard_normal(30), index=s_index, name="m")


def _assert_frame_like_pandas(got: object, want: pd.DataFrame, what: str) -> None:
    """Same values on pandas' rows, then the same index and columns."""
    assert isinstance(got, pd.DataFrame)
    assert got.columns.equals(want.columns)
    for c in want.columns:
        assert_close(got[c].reindex(want.index).to_numpy(), want[c].to_numpy(), TOL, f"{what} column {c}")
    if not got.index.equals(want.index):
        pytest.fail(
            f"{what}: index differs from pandas': {len(got.index)} rows, pandas {len(want.index)} "
            f"(extra: {got.index.difference(want.index).tolist()}, "
            f"missing: {want.index.difference(got.index).tolist()})"
        )


@pytest.mark.parametrize("stat", ["cov", "corr"])
@pytest.mark.parametrize("same_index", [True, False], ids=["same-index", "shifted-index"])
def test_frame_with_series_like_pandas(stat: str, same_index: bool) -> None:
    """DataFrame x with Series y equals pandas df.rolling(w).corr(s), column by column, same labels.

    With different indexes pandas computes on the outer join and returns the DataFrame's rows.
    """
    df, s = _frame_and_series(same_index)
    got = getattr(fastcorr, f"rolling_{stat}")(df, s, W)
    _assert_frame_like_pandas(got, getattr(df.rolling(W), stat)(s), stat)


@pytest.mark.parametrize("stat", ["cov", "corr"])
@pytest.mark.parametrize("same_index", [True, False], ids=["same-index", "shifted-index"])
def test_series_with_frame_like_pandas(stat: str, same_index: bool) -> None:
    """Series x with DataFrame y gives a DataFrame equal to pandas s.rolling(w).corr(df)."""
    df, s = _frame_and_series(same_index)
    got = getattr(fastcorr, f"rolling_{stat}")(s, df, W)
    _assert_frame_like_pandas(got, getattr(s.rolling(W), stat)(df), stat)


def test_1d_ndarray_with_2d_ndarray() -> None:
    """1-D x with 2-D y gives the 2-D result of y's shape, like y against x."""
    x, y = _data()
    y2 = np.column_stack([y, -y])
    got = fastcorr.rolling_corr(x, y2, W)
    assert got.shape == y2.shape
    np.testing.assert_array_equal(got, fastcorr.rolling_corr(y2, x, W))
    assert_close(got[:, 1], -got[:, 0], 1e-15, "corr with -y")
