"""Universe sweeps (issue #3): ``rolling_corr_pairs``, ``rolling_cov_pairs``, ``rolling_corr_matrix`` and ``sweep``.

Oracles: per-pair ``fastcorr.rolling_corr`` / ``rolling_cov`` (tested against
``naive.py`` in ``test_rolling.py``) and ``naive.corr`` / ``naive.cov`` on small
cases; pandas ``rolling(w).corr()`` (``pairwise=True``) for matrices, pandas
column statistics for ``pair_stats``, ``np.nanquantile(method="linear")`` for
quantiles (within the documented ``1 / bins``). The Parquet stream of a sweep
gives every value the reducers saw, so the reducers are also checked exactly
against it (min, max, last, top pairs) or to ~1e-15 (the exact integer mean).
hypothesis draws universes with NaN sprinkles, listing gaps (IPOs, delistings,
suspensions) and price-like offsets. Determinism: thread count, tile width and
Parquet striping must not change one bit. Bad input: each error message.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import tempfile
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import naive
import numba
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from checks import assert_bounds, assert_close, bits_equal
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED

import fastcorr
from fastcorr.bindings import plan, relabel

MAX_N = 6 if JIT_DISABLED else 8
MAX_T = 120 if JIT_DISABLED else 300
ALL_REDUCERS = ("mean", "quantiles", "pair_stats", "topk")
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
PAIR_TOL = 1e-14  # all-pairs fast path vs per-pair rolling_corr ("a couple of units in the last place")
MEAN_TOL = 1e-15  # exact integer mean vs the fsum mean of the same values
NAIVE_TOL = 1e-10  # fastcorr vs the fsum oracle (as in test_rolling.py)
PANDAS_TOL = 1e-12  # fastcorr vs pandas' raw sums on N(0, 1) data
NUMBA_THREADS = numba.config.NUMBA_NUM_THREADS

Pair = tuple[Any, Any]


# --- data --------------------------------------------------------------------------------------


def _universe(
    seed: int,
    n: int,
    t: int,
    *,
    kind: str = "returns",
    offset: float = 0.0,
    rho: float = 0.6,
    nan_frac: float = 0.0,
    gap_prob: float = 0.0,
    dates: bool = True,
) -> pd.DataFrame:
    """A ``(t, n)`` frame of one-factor data (correlation ``rho``), columns ``s0 ..``.

    ``kind``: returns (N(0, 1)), prices (random walks) or levels (rounded, many ties
    and constant windows); then ``offset`` added, ``nan_frac`` NaN sprinkled, and per
    asset with probability ``gap_prob`` each: an IPO (leading NaN), a delisting
    (trailing NaN) and a suspension (a NaN stretch in the middle).
    """
    rng = np.random.default_rng(seed)
    x = rho * rng.standard_normal(t) + math.sqrt(1.0 - rho * rho) * rng.standard_normal((n, t))
    if kind == "prices":
        x = np.cumsum(x, axis=1)
    elif kind == "levels":
        x = np.round(x)
    x += offset
    x[rng.random((n, t)) < nan_frac] = np.nan
    if t:
        for i in range(n):
            if rng.random() < gap_prob:
                x[i, : rng.integers(0, t + 1)] = np.nan
            if rng.random() < gap_prob:
                x[i, rng.integers(0, t + 1) :] = np.nan
            if rng.random() < gap_prob:
                start = rng.integers(0, t)
                x[i, start : start + rng.integers(1, t // 3 + 2)] = np.nan
    index = pd.bdate_range("2001-01-01", periods=t) if dates else pd.RangeIndex(t)
    return pd.DataFrame(x.T, index=index, columns=[f"s{i}" for i in range(n)])


def _all_pairs(columns: Any) -> list[Pair]:
    return list(itertools.combinations(list(columns), 2))


@dataclass(frozen=True)
class Universe:
    """A drawn universe and the rolling parameters to sweep it with."""

    frame: pd.DataFrame
    window: int
    min_periods: int | None


@st.composite
def universes(draw: st.DrawFn, min_rows: int = 0) -> Universe:
    """N 2..MAX_N assets, T min_rows..MAX_T rows, window 2..max(T, 2), NaN, listing gaps, offsets."""
    n = draw(st.integers(2, MAX_N))
    t = draw(st.integers(min_rows, MAX_T))
    window = draw(st.integers(2, max(t, 2)))
    min_periods = draw(st.one_of(st.none(), st.integers(0, window)))
    frame = _universe(
        draw(st.integers(0, 2**32 - 1)),
        n,
        t,
        kind=draw(st.sampled_from(("returns", "prices", "levels"))),
        offset=draw(st.sampled_from((0.0, 100.0, 1e4, 1e8))),
        rho=draw(st.sampled_from((0.0, 0.6, 0.99))),
        nan_frac=draw(st.sampled_from((0.0, 0.02, 0.1))),
        gap_prob=draw(st.sampled_from((0.0, 0.3, 0.7))),
        dates=draw(st.booleans()),
    )
    return Universe(frame, window, min_periods)


# --- helpers -----------------------------------------------------------------------------------


def _read_stream(path: Path, index: pd.Index, pairs: list[Pair]) -> np.ndarray:
    """The Parquet stream of a sweep as a ``(T, P)`` array (NaN for null), read with ``pyarrow.dataset``.

    Checks that every (date, pair) appears exactly once; labels are matched as strings.
    """
    table = ds.dataset(path, format="parquet").to_table()
    frame = table.to_pandas()
    assert len(frame) == len(index) * len(pairs), "one row per (date, pair)"
    wanted = pd.MultiIndex.from_tuples([(str(a), str(b)) for a, b in pairs]) if pairs else None
    found = pd.MultiIndex.from_arrays([frame["a"].astype(str), frame["b"].astype(str)])
    cols = wanted.get_indexer(found) if wanted is not None else np.empty(0, dtype=np.int64)
    rows = index.get_indexer(pd.Index(frame["date"]))
    assert (rows >= 0).all() and (cols >= 0).all(), "every (date, a, b) of the stream is a row and a pair"
    out = np.full((len(index), len(pairs)), np.nan)
    seen = np.zeros(out.shape, dtype=np.int64)
    np.add.at(seen, (rows, cols), 1)
    assert (seen == 1).all(), "each (date, pair) exactly once"
    out[rows, cols] = frame["corr"].to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def _pairs_oracle(frame: pd.DataFrame, pairs: list[Pair], window: int, min_periods: int | None) -> np.ndarray:
    """``(T, P)``: per-pair ``fastcorr.rolling_corr`` of each chosen pair."""
    out = np.empty((len(frame), len(pairs)))
    for p, (a, b) in enumerate(pairs):
        out[:, p] = fastcorr.rolling_corr(frame[a], frame[b], window, min_periods=min_periods).to_numpy()
    return out


def _fsum_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the ``math.fsum`` mean of the finite values and their count (NaN mean for none)."""
    count = np.isfinite(values).sum(axis=1)
    mean = np.array([math.fsum(r[np.isfinite(r)]) / c if c else np.nan for r, c in zip(values, count, strict=True)])
    return mean, count


def _nanquantile(values: np.ndarray, levels: list[float]) -> np.ndarray:
    """``(T, len(levels))`` numpy linear quantiles of each row's finite values (NaN for an empty row)."""
    if values.shape[1] == 0:
        return np.full((values.shape[0], len(levels)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
        return np.nanquantile(values, levels, axis=1, method="linear").T.reshape(values.shape[0], len(levels))


@dataclass
class Expect:
    """What a sweep's reducers are checked against."""

    oracle: np.ndarray  # (T, P) per-pair rolling_corr
    stream: np.ndarray  # (T, P) the sweep's own values, from its Parquet file
    names: list[Pair]
    index: pd.Index


def _check_sweep(res: fastcorr.SweepResult, ex: Expect, *, levels: list[float], bins: int, k: int, at: Any) -> None:
    """Every reducer of ``res`` against the per-pair oracle and against the sweep's own stream."""
    oracle, stream = ex.oracle, ex.stream
    t, npairs = oracle.shape
    # The stream is the per-pair values, up to a few units in the last place.
    assert_close(stream.ravel(), oracle.ravel(), PAIR_TOL, "stream vs rolling_corr")
    assert_bounds(corr=stream)
    # n_pairs: how many pairs have a value at each row.
    expected_count = np.isfinite(oracle).sum(axis=1)
    assert res.n_pairs.index.equals(ex.index)
    np.testing.assert_array_equal(res.n_pairs.to_numpy(), expected_count)
    # mean: exact integer sums, so within ~1e-15 of the fsum mean of the same values.
    mean_stream, _ = _fsum_rows(stream)
    assert res.mean is not None and res.mean.index.equals(ex.index)
    assert_close(res.mean.to_numpy(), mean_stream, MEAN_TOL, "mean vs fsum of stream")
    mean_oracle, _ = _fsum_rows(oracle)
    diff = np.nan_to_num(np.nanmax(np.abs(np.where(np.isfinite(oracle), stream - oracle, 0.0)), axis=1, initial=0.0))
    assert_close(res.mean.to_numpy(), mean_oracle, MEAN_TOL + diff, "mean vs fsum of rolling_corr")
    # quantiles: histogram-based, within 1 / bins of numpy's linear quantiles.
    assert res.quantiles is not None
    assert list(res.quantiles.columns) == levels and res.quantiles.index.equals(ex.index)
    want_q = _nanquantile(oracle, levels)
    got_q = res.quantiles.to_numpy()
    assert_close(got_q.ravel(), want_q.ravel(), 1.0 / bins + 1e-12, f"quantiles (bins={bins})")
    # pair_stats: against pandas column statistics of the oracle, and exactly against the stream.
    st_ = res.pair_stats
    assert st_ is not None and list(st_.columns) == ["last", "mean", "min", "max", "count"]
    assert list(st_.index) == ex.names and st_.index.names == ["a", "b"]
    po = pd.DataFrame(oracle)
    last = po.ffill().iloc[-1].to_numpy() if t else np.full(npairs, np.nan)
    assert_close(st_["last"].to_numpy(), last, PAIR_TOL, "pair_stats last")
    # The sweep sums each pair in time order: a rounding per term on top of the per-value difference.
    sum_tol = PAIR_TOL + po.count().to_numpy() * np.finfo(np.float64).eps
    assert_close(st_["mean"].to_numpy(), po.mean().to_numpy(), sum_tol, "pair_stats mean")
    assert_close(st_["min"].to_numpy(), po.min().to_numpy(), PAIR_TOL, "pair_stats min")
    assert_close(st_["max"].to_numpy(), po.max().to_numpy(), PAIR_TOL, "pair_stats max")
    np.testing.assert_array_equal(st_["count"].to_numpy(), po.count().to_numpy())
    ps = pd.DataFrame(stream)
    np.testing.assert_array_equal(st_["min"].to_numpy(), ps.min().to_numpy())
    np.testing.assert_array_equal(st_["max"].to_numpy(), ps.max().to_numpy())
    np.testing.assert_array_equal(st_["last"].to_numpy(), ps.ffill().iloc[-1].to_numpy() if t else last)
    # topk: at each row of `at`, the k largest and k smallest values of the stream, exactly.
    rows = [t - 1] if at is None else [ex.index.get_loc(a) for a in ([at] if np.ndim(at) == 0 else at)]
    _check_topk(res.topk, stream, oracle, rows, ex, k)


def _check_topk(
    top: pd.DataFrame | None, stream: np.ndarray, oracle: np.ndarray, rows: list[int], ex: Expect, k: int
) -> None:
    """The ``topk`` table: per row of ``rows``, sides most/least, ranks 1..k, values sorted, pairs matching."""
    assert top is not None and list(top.columns) == ["at", "side", "rank", "a", "b", "corr"]
    column = {ab: p for p, ab in enumerate(ex.names)}
    expected_len = 0
    for row in rows:
        values = stream[row]
        finite = np.sort(values[np.isfinite(values)])
        for side, want in (("most", finite[::-1][:k]), ("least", finite[:k])):
            expected_len += len(want)
            got = top[(top["at"] == ex.index[row]) & (top["side"] == side)]
            if rows.count(row) > 1:  # a repeated row is listed once per mention
                got = got.iloc[: len(want)]
            np.testing.assert_array_equal(got["rank"].to_numpy(), np.arange(1, len(want) + 1))
            np.testing.assert_array_equal(got["corr"].to_numpy(), want)
            for a, b, c in zip(got["a"], got["b"], got["corr"], strict=True):
                p = column[(a, b)]
                assert stream[row, p] == c, f"topk {side} {(a, b)} at row {row}: {c} != stream {stream[row, p]}"
                assert abs(oracle[row, p] - c) <= PAIR_TOL
    assert len(top) == expected_len


def _sweep_and_stream(
    frame: pd.DataFrame, window: int, pairs: list[Pair] | None, **kwargs: Any
) -> tuple[fastcorr.SweepResult, np.ndarray]:
    """Run ``sweep`` with ``out=`` a temporary Parquet file; return the result and the stream as ``(T, P)``."""
    names = _all_pairs(frame.columns) if pairs is None else pairs
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.parquet"
        res = fastcorr.sweep(frame, window, pairs=pairs, out=path, **kwargs)
        assert res.path == path and path.exists() and not Path(f"{path}.partial").exists()
        stream = _read_stream(path, frame.index, names)
    return res, stream


# --- rolling_corr_pairs / rolling_cov_pairs --------------------------------------------------


@given(universes())
def test_pairs_equal_per_pair_rolling_corr(u: Universe) -> None:
    """Each column of rolling_corr_pairs is rolling_corr of its two columns, bit for bit, with a (a, b) MultiIndex."""
    pairs = _all_pairs(u.frame.columns)
    got = fastcorr.rolling_corr_pairs(u.frame, pairs, u.window, min_periods=u.min_periods)
    assert isinstance(got, pd.DataFrame) and got.index.equals(u.frame.index)
    assert list(got.columns) == pairs and got.columns.names == ["a", "b"]
    want = _pairs_oracle(u.frame, pairs, u.window, u.min_periods)
    assert bits_equal(got.to_numpy(), want)
    assert_bounds(corr=got.to_numpy())


def test_pairs_match_naive_oracle() -> None:
    """rolling_corr_pairs / rolling_cov_pairs (ddof 0..2) against naive.corr / naive.cov, NaN and gaps included."""
    frame = _universe(3, 4, 90, kind="prices", offset=1e6, nan_frac=0.05, gap_prob=0.4)
    pairs = [*_all_pairs(frame.columns), ("s2", "s0"), ("s1", "s1")]
    for window, min_periods in ((10, None), (25, 7), (1, None), (200, 3)):
        corr = fastcorr.rolling_corr_pairs(frame, pairs, window, min_periods=min_periods)
        for p, (a, b) in enumerate(pairs):
            want = naive.corr(frame[a].to_numpy(), frame[b].to_numpy(), window, min_periods)
            assert_close(corr.iloc[:, p].to_numpy(), want, NAIVE_TOL, f"corr {(a, b)} w={window}")
        for ddof in (0, 1, 2):
            cov = fastcorr.rolling_cov_pairs(frame, pairs, window, min_periods=min_periods, ddof=ddof)
            assert list(cov.columns) == pairs
            for p, (a, b) in enumerate(pairs):
                x, y = frame[a].to_numpy(), frame[b].to_numpy()
                want = naive.cov(x, y, window, min_periods, ddof)
                scale = np.nan_to_num(np.abs(want)) + np.nan_to_num(
                    np.sqrt(naive.var(x, window, 1, 0) * naive.var(y, window, 1, 0))
                )
                assert_close(cov.iloc[:, p].to_numpy(), want, NAIVE_TOL * scale, f"cov {(a, b)} ddof={ddof}")
                per_pair = fastcorr.rolling_cov(frame[a], frame[b], window, min_periods=min_periods, ddof=ddof)
                assert bits_equal(cov.iloc[:, p].to_numpy(), per_pair.to_numpy())


def test_pairs_ndarray_input_gives_t_by_p_array() -> None:
    """A 2-D ndarray with integer pairs gives a (T, P) ndarray equal to the DataFrame result."""
    frame = _universe(4, 5, 70, nan_frac=0.05)
    x = frame.to_numpy()
    pairs = [(0, 1), (4, 2), (3, 3)]
    got = fastcorr.rolling_corr_pairs(x, pairs, 12)
    assert isinstance(got, np.ndarray) and got.shape == (70, 3)
    labelled = [(frame.columns[a], frame.columns[b]) for a, b in pairs]
    assert bits_equal(got, fastcorr.rolling_corr_pairs(frame, labelled, 12).to_numpy())
    cov = fastcorr.rolling_cov_pairs(x, pairs, 12, ddof=0)
    assert isinstance(cov, np.ndarray) and cov.shape == (70, 3)
    empty = fastcorr.rolling_corr_pairs(x, [], 12)
    assert isinstance(empty, np.ndarray) and empty.shape == (70, 0)


def test_pairs_window_longer_than_frame_and_empty_frame() -> None:
    """window > T gives all NaN (as rolling_corr); zero rows give zero rows."""
    frame = _universe(5, 3, 8)
    pairs = _all_pairs(frame.columns)
    got = fastcorr.rolling_corr_pairs(frame, pairs, 9)
    assert got.shape == (8, 3) and got.isna().all().all()
    got = fastcorr.rolling_corr_pairs(frame, pairs, 9, min_periods=4)
    want = _pairs_oracle(frame, pairs, 9, 4)
    assert bits_equal(got.to_numpy(), want) and np.isfinite(want[4:]).all()
    assert fastcorr.rolling_corr_pairs(frame.iloc[:0], pairs, 3).shape == (0, 3)


def test_pairs_integer_column_labels() -> None:
    """DataFrame pairs are labels, also when the labels are integers (not positions)."""
    frame = _universe(6, 3, 40)
    frame.columns = [30, 10, 20]
    got = fastcorr.rolling_corr_pairs(frame, [(10, 30)], 9)
    want = fastcorr.rolling_corr(frame[10], frame[30], 9)
    assert list(got.columns) == [(10, 30)]
    assert bits_equal(got.iloc[:, 0].to_numpy(), want.to_numpy())


# --- rolling_corr_matrix ---------------------------------------------------------------------


@pytest.mark.parametrize(("window", "min_periods"), [(20, None), (20, 5), (3, None), (60, 1)])
def test_matrix_matches_pandas_pairwise(window: int, min_periods: int | None) -> None:
    """rolling_corr_matrix has pandas' pairwise=True layout and values (N(0,1) data, NaN, gaps, a constant stretch)."""
    frame = _universe(7, 5, 150, nan_frac=0.05, gap_prob=0.3)
    frame.iloc[40:80, 2] = 0.25  # zero-variance windows: NaN diagonal and row
    got = fastcorr.rolling_corr_matrix(frame, window, min_periods=min_periods)
    want = frame.rolling(window, min_periods=min_periods).corr()
    assert got.index.equals(want.index) and got.columns.equals(want.columns)
    assert_close(got.to_numpy().ravel(), want.to_numpy().ravel(), PANDAS_TOL, "matrix vs pandas")
    assert_bounds(corr=got.to_numpy())


def test_matrix_single_asset_matches_pandas() -> None:
    """One asset: a 1 x 1 matrix per row, 1 where the window has a variance (as pandas)."""
    frame = _universe(8, 1, 50, nan_frac=0.1)
    frame.iloc[20:35, 0] = 3.0
    got = fastcorr.rolling_corr_matrix(frame, 6)
    want = frame.rolling(6).corr()
    assert got.index.equals(want.index) and got.columns.equals(want.columns)
    assert np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True)


@given(universes())
def test_matrix_equals_pairs_and_variance_rule(u: Universe) -> None:
    """Off-diagonal: per-pair rolling_corr (a few ulp), symmetric; diagonal: 1 where rolling_var > 0, else NaN."""
    frame, n, t = u.frame, u.frame.shape[1], len(u.frame)
    mats = fastcorr.rolling_corr_matrix(frame, u.window, min_periods=u.min_periods, as_array=True)
    assert mats.shape == (t, n, n)
    pairs = _all_pairs(frame.columns)
    oracle = _pairs_oracle(frame, pairs, u.window, u.min_periods)
    iu, ju = np.triu_indices(n, 1)
    assert_close(mats[:, iu, ju].ravel(), oracle.ravel(), PAIR_TOL, "matrix vs rolling_corr")
    assert bits_equal(mats, mats.transpose(0, 2, 1))
    var = fastcorr.rolling_var(frame, u.window, min_periods=u.min_periods).to_numpy()
    diag = mats[:, np.arange(n), np.arange(n)]
    assert np.array_equal(diag, np.where(var > 0, 1.0, np.nan), equal_nan=True)
    df = fastcorr.rolling_corr_matrix(frame, u.window, min_periods=u.min_periods)
    assert bits_equal(df.to_numpy(), mats.reshape(t * n, n))
    assert df.index.equals(pd.MultiIndex.from_product([frame.index, frame.columns]))


def test_matrix_at_rows() -> None:
    """``at``: one label, a list of labels, or ndarray positions (negative too) select matrices of the full result."""
    frame = _universe(9, 4, 60, nan_frac=0.05)
    full = fastcorr.rolling_corr_matrix(frame, 15, as_array=True)
    labels = [frame.index[59], frame.index[20], frame.index[3]]
    one = fastcorr.rolling_corr_matrix(frame, 15, at=labels[0])
    assert one.shape == (4, 4) and one.index.equals(pd.MultiIndex.from_product([[labels[0]], frame.columns]))
    assert bits_equal(one.to_numpy(), full[59])
    some = fastcorr.rolling_corr_matrix(frame, 15, at=labels, as_array=True)
    assert bits_equal(some, full[[59, 20, 3]])
    df = fastcorr.rolling_corr_matrix(frame, 15, at=labels)
    assert df.index.get_level_values(0).unique().tolist() == labels
    arr = fastcorr.rolling_corr_matrix(frame.to_numpy(), 15, at=[-1, 20])
    assert isinstance(arr, np.ndarray) and bits_equal(arr, full[[59, 20]])
    assert fastcorr.rolling_corr_matrix(frame, 15, at=[], as_array=True).shape == (0, 4, 4)


def test_matrix_at_repeated_rows() -> None:
    """A row named twice in ``at`` gives its full matrix at both places (not NaN at the first)."""
    frame = _universe(31, 3, 30)
    full = fastcorr.rolling_corr_matrix(frame, 10, as_array=True)
    rows = [29, 15, 29]
    got = fastcorr.rolling_corr_matrix(frame, 10, at=[frame.index[r] for r in rows], as_array=True)
    assert np.isfinite(full[rows]).all()
    assert bits_equal(got, full[rows])


def test_matrix_window_longer_than_frame_and_edge_sizes() -> None:
    """window > T gives NaN matrices; zero rows and zero columns give empty results shaped like pandas'."""
    frame = _universe(10, 3, 7)
    got = fastcorr.rolling_corr_matrix(frame, 8)
    assert got.shape == (21, 3) and got.isna().all().all()
    assert got.index.equals(frame.rolling(8).corr().index)
    empty_rows = fastcorr.rolling_corr_matrix(frame.iloc[:0], 3)
    assert empty_rows.shape == (0, 3) and empty_rows.index.equals(frame.iloc[:0].rolling(3).corr().index)
    assert fastcorr.rolling_corr_matrix(np.empty((10, 0)), 3).shape == (10, 0, 0)
    assert fastcorr.rolling_corr_matrix(pd.DataFrame(index=range(10)), 3).shape == (0, 0)


# --- sweep: reducers against oracles ------------------------------------------------------------


@st.composite
def sweep_problems(draw: st.DrawFn) -> tuple[Universe, list[Pair] | None, dict[str, Any]]:
    """A universe (T >= 2, window <= T), all pairs or a drawn list, and reducer options."""
    u = draw(universes(min_rows=2))
    cols = list(u.frame.columns)
    pairs = None
    if draw(st.booleans()):
        ordered = [(a, b) for a in cols for b in cols]
        pairs = draw(st.lists(st.sampled_from(ordered), min_size=1, max_size=12, unique=True))
    npairs = len(cols) * (len(cols) - 1) // 2 if pairs is None else len(pairs)
    t = len(u.frame)
    at_rows = draw(st.one_of(st.none(), st.lists(st.integers(0, t - 1), max_size=3)))
    options = {
        "min_periods": u.min_periods,
        "quantiles": draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4)),
        "bins": draw(st.sampled_from((2000, 2000, 64, 7, 1))),
        "k": draw(st.integers(1, npairs + 2)),
        "at": None if at_rows is None else [u.frame.index[r] for r in at_rows],
    }
    return u, pairs, options


@given(sweep_problems())
def test_sweep_reducers_on_random_universes(problem: tuple[Universe, list[Pair] | None, dict[str, Any]]) -> None:
    """All reducers and the Parquet stream of one sweep against per-pair rolling_corr, pandas and numpy."""
    u, pairs, options = problem
    names = _all_pairs(u.frame.columns) if pairs is None else pairs
    res, stream = _sweep_and_stream(u.frame, u.window, pairs, reducers=ALL_REDUCERS, **options)
    ex = Expect(_pairs_oracle(u.frame, names, u.window, u.min_periods), stream, names, u.frame.index)
    _check_sweep(res, ex, levels=list(options["quantiles"]), bins=options["bins"], k=options["k"], at=options["at"])
    # Two pairs against the fsum oracle directly.
    for p in {0, len(names) - 1}:
        a, b = names[p]
        want = naive.corr(u.frame[a].to_numpy(), u.frame[b].to_numpy(), u.window, u.min_periods)
        assert_close(stream[:, p], want, NAIVE_TOL, f"stream {(a, b)} vs naive.corr")


def test_sweep_mean_matches_naive_mean() -> None:
    """The sweep mean and count against the fsum mean of naive.corr over every pair (NaN, gaps, offsets)."""
    frame = _universe(11, 6, 100, kind="prices", offset=1e8, nan_frac=0.05, gap_prob=0.4)
    for window, min_periods in ((12, None), (30, 10), (2, None)):
        res = fastcorr.sweep(frame, window, min_periods=min_periods)
        values = np.column_stack(
            [naive.corr(frame[a].to_numpy(), frame[b].to_numpy(), window, min_periods) for a, b in _all_pairs(frame)]
        )
        mean, count = _fsum_rows(values)
        np.testing.assert_array_equal(res.n_pairs.to_numpy(), count)
        assert_close(res.mean.to_numpy(), mean, NAIVE_TOL, f"mean w={window}")
        assert res.quantiles is None and res.pair_stats is None and res.topk is None and res.path is None


def test_sweep_with_a_huge_value_matches_rolling_corr() -> None:
    """An asset with a 1e200 value (its square overflows): every pair keeps its rolling_corr value, inside and
    outside the windows that hold it, and the mean counts every pair."""
    rng = np.random.default_rng(21)
    frame = pd.DataFrame(rng.standard_normal((300, 5)), columns=list("abcde"))
    frame.iloc[140, 2] = 1e200
    res = fastcorr.sweep(frame, 40, reducers=("mean", "pair_stats"))
    values = np.column_stack([fastcorr.rolling_corr(frame[a], frame[b], 40).to_numpy() for a, b in _all_pairs(frame)])
    mean, count = _fsum_rows(values)
    np.testing.assert_array_equal(res.n_pairs.to_numpy(), count)
    assert_close(res.mean.to_numpy(), mean, 1e-15, "mean with a 1e200")
    last = fastcorr.rolling_corr_matrix(frame, 40, at=[160]).to_numpy()
    assert_close(last[[0, 1, 3, 4], 2], values[160, [1, 4, 7, 8]], 1e-15, "matrix row of the asset with 1e200")


@pytest.mark.parametrize("bins", [2000, 16, 3])
def test_sweep_quantiles_within_one_over_bins(bins: int) -> None:
    """Quantiles (0 and 1 included) are within 1/bins of np.quantile(method='linear') of per-pair rolling_corr."""
    frame = _universe(12, 9, 160, rho=0.3, nan_frac=0.03, gap_prob=0.3)
    levels = [0.0, 0.01, 0.1, 0.5, 0.9, 1.0]
    res = fastcorr.sweep(frame, 20, reducers="quantiles", quantiles=levels, bins=bins)
    assert res.mean is None
    oracle = _pairs_oracle(frame, _all_pairs(frame.columns), 20, None)
    want = _nanquantile(oracle, levels)
    got = res.quantiles.to_numpy()
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.isfinite(got).all(axis=1).sum() >= 100
    assert_close(got.ravel(), want.ravel(), 1.0 / bins + 1e-12, f"quantiles bins={bins}")


def test_sweep_pair_stats_match_pandas() -> None:
    """pair_stats (last valid, mean, min, max, count) equal pandas' column statistics of rolling_corr_pairs."""
    frame = _universe(13, 5, 200, kind="prices", offset=1e4, nan_frac=0.05, gap_prob=0.5)
    frame.iloc[:, 0] = np.nan  # an asset never listed: its pairs have no value at all
    pairs = _all_pairs(frame.columns)
    res = fastcorr.sweep(frame, 25, reducers=("pair_stats",), min_periods=20)
    wide = fastcorr.rolling_corr_pairs(frame, pairs, 25, min_periods=20)
    want = pd.DataFrame(
        {
            "last": wide.ffill().iloc[-1],
            "mean": wide.mean(),
            "min": wide.min(),
            "max": wide.max(),
            "count": wide.count(),
        }
    )
    got = res.pair_stats
    assert got.index.equals(wide.columns) and got["count"].dtype == np.int64
    for name in ("last", "min", "max"):
        assert_close(got[name].to_numpy(), want[name].to_numpy(), PAIR_TOL, f"pair_stats {name}")
    sum_tol = PAIR_TOL + want["count"].to_numpy() * np.finfo(np.float64).eps  # one rounding per term summed
    assert_close(got["mean"].to_numpy(), want["mean"].to_numpy(), sum_tol, "pair_stats mean")
    np.testing.assert_array_equal(got["count"].to_numpy(), want["count"].to_numpy())
    assert (got.loc["s0", "count"] == 0).all() and got.loc["s0"].drop(columns="count").isna().all().all()


def test_sweep_topk_default_last_row_and_explicit_rows() -> None:
    """topk defaults to the last row; with ``at`` it covers each row; k larger than the pairs lists every pair."""
    frame = _universe(14, 6, 80, nan_frac=0.05, gap_prob=0.3)
    pairs = _all_pairs(frame.columns)
    wide = fastcorr.rolling_corr_pairs(frame, pairs, 10).to_numpy()
    for at, k in ((None, 3), (frame.index[40], 2), ([frame.index[79], frame.index[10]], 100)):
        top = fastcorr.sweep(frame, 10, reducers="topk", at=at, k=k).topk
        rows = [79] if at is None else [frame.index.get_loc(a) for a in ([at] if np.ndim(at) == 0 else at)]
        for row in rows:
            values = wide[row]
            order = np.argsort(values, kind="stable")
            order = order[np.isfinite(values[order])]
            for side, chosen in (("most", order[::-1][:k]), ("least", order[:k])):
                got = top[(top["at"] == frame.index[row]) & (top["side"] == side)]
                assert_close(got["corr"].to_numpy(), values[chosen], PAIR_TOL, f"topk {side}")
                assert set(zip(got["a"], got["b"], strict=True)) <= set(pairs)
                assert len(got) == min(k, np.isfinite(values).sum())
        assert set(top["at"]) == {frame.index[r] for r in rows}


def test_sweep_topk_repeated_at_row() -> None:
    """A row named twice in ``at`` is listed twice, each time with its k pairs per side."""
    frame = _universe(32, 4, 30)
    label = frame.index[-1]
    once = fastcorr.sweep(frame, 10, reducers="topk", at=[label], k=2).topk
    twice = fastcorr.sweep(frame, 10, reducers="topk", at=[label, label], k=2).topk
    assert len(once) == 4
    pd.testing.assert_frame_equal(twice, pd.concat([once, once], ignore_index=True))


def test_sweep_explicit_pairs_equal_rolling_corr_pairs() -> None:
    """An explicit pair list (reversed and self pairs included) streams exactly rolling_corr_pairs' values."""
    frame = _universe(15, 5, 120, kind="prices", offset=1e8, nan_frac=0.05, gap_prob=0.4)
    pairs = [("s3", "s1"), ("s0", "s4"), ("s1", "s3"), ("s2", "s2"), ("s4", "s0")]
    res, stream = _sweep_and_stream(frame, 15, pairs, reducers=ALL_REDUCERS, k=2)
    wide = fastcorr.rolling_corr_pairs(frame, pairs, 15)
    assert bits_equal(stream, wide.to_numpy())
    assert list(res.pair_stats.index) == pairs
    ex = Expect(wide.to_numpy(), stream, pairs, frame.index)
    _check_sweep(res, ex, levels=list(LEVELS), bins=2000, k=2, at=None)


def test_sweep_ndarray_input() -> None:
    """A 2-D ndarray sweeps with a RangeIndex, integer pair labels and integer ``at`` positions."""
    frame = _universe(16, 4, 50, nan_frac=0.05, dates=False)
    x = frame.to_numpy()
    res = fastcorr.sweep(x, 8, reducers=ALL_REDUCERS, at=[-1, 30], k=1)
    ref = fastcorr.sweep(frame, 8, reducers=ALL_REDUCERS, at=[49, 30], k=1)
    assert res.n_pairs.index.equals(pd.RangeIndex(50))
    assert list(res.pair_stats.index) == _all_pairs(range(4))
    assert bits_equal(res.mean.to_numpy(), ref.mean.to_numpy())
    assert bits_equal(res.pair_stats.to_numpy(), ref.pair_stats.to_numpy())
    assert bits_equal(res.topk["corr"].to_numpy(), ref.topk["corr"].to_numpy())
    assert res.topk["at"].tolist() == [49, 49, 30, 30]
    sub = fastcorr.sweep(x, 8, pairs=[(2, 0)], reducers="pair_stats")
    assert list(sub.pair_stats.index) == [(2, 0)]


def test_sweep_listing_gaps_count_pairs_with_enough_rows() -> None:
    """IPOs, suspensions and delistings: a pair counts at a date only when both assets have min_periods rows there.

    The expected count is derived from the listing dates alone, not from any correlation code.
    """
    t, window, min_periods = 200, 20, 15
    listed = {"a": (0, 200), "b": (50, 200), "c": (0, 90), "d": (120, 200), "e": (0, 200)}
    rng = np.random.default_rng(17)
    x = np.full((t, len(listed)), np.nan)
    for j, (lo, hi) in enumerate(listed.values()):
        x[lo:hi, j] = rng.standard_normal(hi - lo)
    x[100:110, 4] = np.nan  # a suspension of e
    frame = pd.DataFrame(x, columns=list(listed), index=pd.bdate_range("2010-01-04", periods=t))
    res = fastcorr.sweep(frame, window, min_periods=min_periods, reducers=("mean", "pair_stats"))
    both = np.isfinite(x)
    expected = np.zeros(t, dtype=np.int64)
    for i, j in itertools.combinations(range(len(listed)), 2):
        common = np.convolve(both[:, i] & both[:, j], np.ones(window, dtype=np.int64))[:t]
        expected += common >= min_periods
    np.testing.assert_array_equal(res.n_pairs.to_numpy(), expected)
    assert res.pair_stats.loc[("c", "d"), "count"] == 0  # never listed together
    assert np.isnan(res.mean.iloc[: min_periods - 1]).all() and (res.n_pairs.iloc[: min_periods - 1] == 0).all()


def test_sweep_min_periods_zero_and_window_equal_to_length() -> None:
    """min_periods=0 (values from 2 rows on) and window == T match per-pair rolling_corr."""
    frame = _universe(18, 4, 30, nan_frac=0.1)
    pairs = _all_pairs(frame.columns)
    for window, min_periods in ((30, 0), (30, None), (5, 0)):
        res, stream = _sweep_and_stream(frame, window, None, min_periods=min_periods)
        oracle = _pairs_oracle(frame, pairs, window, min_periods)
        assert_close(stream.ravel(), oracle.ravel(), PAIR_TOL, f"w={window} mp={min_periods}")
        np.testing.assert_array_equal(res.n_pairs.to_numpy(), np.isfinite(oracle).sum(axis=1))


def test_sweep_threads_argument_restores_thread_count(restore_threads: None) -> None:
    """threads=1 runs and leaves numba's thread count as it was."""
    frame = _universe(19, 4, 40)
    numba.set_num_threads(NUMBA_THREADS)
    res = fastcorr.sweep(frame, 10, threads=1)
    assert numba.get_num_threads() == NUMBA_THREADS
    assert bits_equal(res.mean.to_numpy(), fastcorr.sweep(frame, 10, threads=NUMBA_THREADS).mean.to_numpy())


# --- determinism: threads, tiles, stripes -------------------------------------------------------

DET_N, DET_T, DET_W = (20, 150, 20) if JIT_DISABLED else (40, 500, 60)


def _det_frame() -> pd.DataFrame:
    """Prices at 1e8 with NaN in some assets (exact per-pair path) and listing gaps, others dense (fast path)."""
    frame = _universe(20, DET_N, DET_T, kind="prices", offset=1e8, gap_prob=0.25)
    rng = np.random.default_rng(21)
    holes = rng.random(frame.shape) < 0.02
    holes[:, ::2] = False
    return frame.mask(holes)


def _fingerprint(frame: pd.DataFrame, pairs: list[Pair] | None, out: Path) -> dict[str, np.ndarray]:
    """Every output of an all-reducer sweep with a Parquet stream, as arrays to compare bit for bit."""
    at = [frame.index[-1], frame.index[DET_W], frame.index[DET_T // 2]]
    res = fastcorr.sweep(frame, DET_W, pairs=pairs, reducers=ALL_REDUCERS, at=at, k=5, out=out, bins=500)
    names = _all_pairs(frame.columns) if pairs is None else pairs
    return {
        "mean": res.mean.to_numpy(),
        "n_pairs": res.n_pairs.to_numpy(),
        "quantiles": res.quantiles.to_numpy(),
        "pair_stats": res.pair_stats.to_numpy(),
        "topk": res.topk["corr"].to_numpy(),
        "topk_pairs": np.array([f"{a}|{b}" for a, b in zip(res.topk["a"], res.topk["b"], strict=True)]),
        "stream": _read_stream(out, frame.index, names),
        "matrix": fastcorr.rolling_corr_matrix(frame, DET_W, at=at, as_array=True),
    }


@pytest.mark.parametrize("explicit", [False, True], ids=["all-pairs", "explicit-pairs"])
def test_sweep_bitwise_same_for_threads_tiles_and_stripes(
    explicit: bool, restore_threads: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Threads 1 vs 2, pair tiles 8/16/128 and many small Parquet stripes give bitwise the same outputs."""
    frame = _det_frame()
    pairs = None
    if explicit:
        rng = np.random.default_rng(22)
        ordered = list(itertools.permutations(frame.columns, 2))
        pairs = [ordered[i] for i in rng.choice(len(ordered), 60, replace=False)]
    numba.set_num_threads(NUMBA_THREADS)
    ref = _fingerprint(frame, pairs, tmp_path / "ref.parquet")
    assert np.isfinite(ref["mean"][DET_W:]).all() and np.isfinite(ref["stream"]).any()
    configs: list[tuple[int, int | None, int | None]] = [(1, None, None), (2, None, None)]
    configs += [(t, tile, None) for tile in (8, 16, 128) for t in (1, 2)]
    configs += [(1, 8, 97), (2, None, 97), (2, 16, 1000)]
    seen_stripes = set()
    for k, (threads, tile, stripe) in enumerate(configs):
        numba.set_num_threads(min(threads, NUMBA_THREADS))
        with monkeypatch.context() as m:
            if tile is not None:
                m.setattr(plan, "pair_tile", lambda n, tile=tile: tile)
            if stripe is not None:
                m.setattr(plan, "STRIPE_VALUES", stripe)
            path = tmp_path / f"run{k}.parquet"
            got = _fingerprint(frame, pairs, path)
            seen_stripes.add(pq.ParquetFile(path).num_row_groups)
        for name, want in ref.items():
            assert bits_equal(got[name], want), f"{name} differs with threads={threads} tile={tile} stripe={stripe}"
    assert len(seen_stripes) > 1, "the stripe settings changed the Parquet row groups"


def test_stripes_bound_the_values_handed_to_the_writer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With a small STRIPE_VALUES each write (one row group) holds at most about STRIPE_VALUES values."""
    frame = _universe(23, 12, 90)
    stripe = 100
    monkeypatch.setattr(plan, "STRIPE_VALUES", stripe)
    sizes: list[tuple[int, int]] = []
    original = relabel.ParquetPairs.write

    def spy(self: relabel.ParquetPairs, lo: int, hi: int, p0: int, p1: int, values: np.ndarray) -> None:
        sizes.append(values.shape)
        original(self, lo, hi, p0, p1, values)

    monkeypatch.setattr(relabel.ParquetPairs, "write", spy)
    for pairs in (None, _all_pairs(frame.columns)[::2]):
        sizes.clear()
        path = tmp_path / f"s{pairs is None}.parquet"
        fastcorr.sweep(frame, 10, pairs=pairs, out=path)
        npairs = len(_all_pairs(frame.columns)) if pairs is None else len(pairs)
        assert sum(r * c for r, c in sizes) == 90 * npairs
        assert max(r * c for r, c in sizes) <= stripe + 10 * (12 - 1)
        assert pq.ParquetFile(path).num_row_groups == len(sizes) > 9


# --- Parquet -----------------------------------------------------------------------------------


def test_parquet_round_trip_float64_and_float32(tmp_path: Path) -> None:
    """The stream holds rolling_corr_pairs' values (float64, or rounded once to float32), with dates and labels."""
    frame = _universe(24, 6, 130, kind="prices", offset=1e4, nan_frac=0.05, gap_prob=0.3)
    pairs = _all_pairs(frame.columns)
    wide = fastcorr.rolling_corr_pairs(frame, pairs, 14).to_numpy()
    p64, p32 = tmp_path / "c64.parquet", tmp_path / "sub" / "c32.parquet"
    fastcorr.sweep(frame, 14, out=str(p64))
    res32 = fastcorr.sweep(frame, 14, out=p32, float32=True)
    assert res32.path == p32
    d64, d32 = ds.dataset(p64), ds.dataset(p32)
    assert str(d64.schema.field("corr").type) == "double" and str(d32.schema.field("corr").type) == "float"
    assert d64.schema.names == ["date", "a", "b", "corr"]
    s64 = _read_stream(p64, frame.index, pairs)
    s32 = _read_stream(p32, frame.index, pairs)
    assert_close(s64.ravel(), wide.ravel(), PAIR_TOL, "parquet float64 vs rolling_corr_pairs")
    assert np.array_equal(s32, s64.astype(np.float32).astype(np.float64), equal_nan=True)
    assert_close(s32.ravel(), wide.ravel(), 2.0**-24, "parquet float32 vs rolling_corr_pairs")
    table = d64.to_table(filter=ds.field("a") == "s1")
    assert table.num_rows == 130 * 4 and set(table.column("b").to_pylist()) == {"s2", "s3", "s4", "s5"}
    dates = pd.DatetimeIndex(d64.to_table(columns=["date"]).column("date").to_pandas()).unique()
    assert dates.sort_values().equals(frame.index.as_unit(dates.unit))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["c32.parquet", "c64.parquet", "sub"]


def test_interrupted_sweep_leaves_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Ctrl-C during the second row group leaves neither the final file nor ``<path>.partial``."""
    frame = _universe(25, 8, 60)
    monkeypatch.setattr(plan, "STRIPE_VALUES", 50)
    calls = []
    original = relabel.ParquetPairs.write

    def interrupt(self: relabel.ParquetPairs, *args: Any) -> None:
        calls.append(self.partial)
        assert self.partial.exists() and not self.path.exists()
        if len(calls) == 2:
            raise KeyboardInterrupt
        original(self, *args)

    monkeypatch.setattr(relabel.ParquetPairs, "write", interrupt)
    path = tmp_path / "out.parquet"
    for pairs in (None, [("s0", "s1"), ("s2", "s3"), ("s5", "s4")]):
        calls.clear()
        with pytest.raises(KeyboardInterrupt):
            fastcorr.sweep(frame, 10, pairs=pairs, out=path, reducers=ALL_REDUCERS, progress=False)
        assert len(calls) == 2
        assert not path.exists() and not calls[0].exists()
        assert list(tmp_path.iterdir()) == []


def test_failing_sweep_after_writer_opened_leaves_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Any exception after the writer opened (here in the kernel dispatch) removes ``<path>.partial``."""
    frame = _universe(26, 4, 40)
    from fastcorr.bindings import dispatch

    def boom(*args: Any, **kwargs: Any) -> None:
        assert Path(f"{tmp_path / 'x.parquet'}.partial").exists()
        raise RuntimeError("boom")

    monkeypatch.setattr(dispatch, "sweep_blocks", boom)
    with pytest.raises(RuntimeError, match="boom"):
        fastcorr.sweep(frame, 10, out=tmp_path / "x.parquet")
    assert list(tmp_path.iterdir()) == []


# --- progress, memory ----------------------------------------------------------------------------


def test_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    """progress=True shows a tqdm bar with one step per block and changes no result."""
    pytest.importorskip("tqdm")
    frame = _universe(27, 5, 95)
    with_bar = fastcorr.sweep(frame, 10, reducers=("mean", "pair_stats"), progress=True)
    err = capsys.readouterr().err
    assert "fastcorr sweep" in err and "10/10" in err
    plain = fastcorr.sweep(frame, 10, reducers=("mean", "pair_stats"))
    assert bits_equal(with_bar.mean.to_numpy(), plain.mean.to_numpy())
    assert bits_equal(with_bar.pair_stats.to_numpy(), plain.pair_stats.to_numpy())


def test_progress_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without tqdm, progress=True says how to get it."""
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=re.escape("progress=True needs tqdm: pip install tqdm")):
        fastcorr.sweep(_universe(28, 3, 20), 5, progress=True)


@pytest.mark.skipif(JIT_DISABLED, reason="T x P must dwarf fixed costs: too slow as plain Python")
def test_reducer_sweep_never_allocates_t_by_p() -> None:
    """Peak numpy allocation of a mean/pair_stats/topk sweep stays far below the T x P matrix (tracemalloc)."""
    n, t, w = 150, 600, 60
    x = np.array(_universe(29, n, t).to_numpy().T, order="C")  # (N, T): wrapping x.T copies nothing
    x[0, 5] = x[1, 2 * w] = np.nan  # the exact per-pair path too
    fastcorr.sweep(x.T, w, reducers=("mean", "pair_stats", "topk"))  # compile outside the measurement
    npairs = n * (n - 1) // 2
    tracemalloc.start()
    try:
        res = fastcorr.sweep(x.T, w, reducers=("mean", "pair_stats", "topk"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.n_pairs.iloc[-1] == npairs
    full = t * npairs * 8
    assert peak < full / 8, f"peak {peak / 1e6:.1f} MB vs T x P = {full / 1e6:.1f} MB"


# --- bad input -----------------------------------------------------------------------------------

FRAME = _universe(30, 3, 20, rho=0.0)
FRAME.columns = ["a", "b", "c"]
PAIR_FNS: list[Callable[..., Any]] = [
    lambda f, p, **kw: fastcorr.rolling_corr_pairs(f, p, 5, **kw),
    lambda f, p, **kw: fastcorr.rolling_cov_pairs(f, p, 5, **kw),
    lambda f, p, **kw: fastcorr.sweep(f, 5, pairs=p, **kw),
]
PAIR_IDS = ["rolling_corr_pairs", "rolling_cov_pairs", "sweep"]
FRAME_FNS: list[Callable[..., Any]] = [
    lambda f: fastcorr.rolling_corr_pairs(f, [(f.columns[0], f.columns[-1])], 5),
    lambda f: fastcorr.rolling_cov_pairs(f, [(f.columns[0], f.columns[-1])], 5),
    lambda f: fastcorr.rolling_corr_matrix(f, 5),
    lambda f: fastcorr.sweep(f, 5),
]
FRAME_IDS = ["rolling_corr_pairs", "rolling_cov_pairs", "rolling_corr_matrix", "sweep"]
REDUCERS_MSG = "reducers must be among ['mean', 'quantiles', 'pair_stats', 'topk']"
THREADS_MSG = f"threads must be an integer in [1, {NUMBA_THREADS}]"


@pytest.mark.parametrize("fn", PAIR_FNS, ids=PAIR_IDS)
@pytest.mark.parametrize(
    ("frame", "pairs", "exc", "message"),
    [
        (FRAME, [("a", "zz")], KeyError, "pairs: 'zz' is not a column of frame"),
        (FRAME, [("a", "b"), (0, "b")], KeyError, "pairs: 0 is not a column of frame"),
        (FRAME.to_numpy(), [(0, 3)], KeyError, "pairs: 3 is not a column position in [0, 3)"),
        (FRAME.to_numpy(), [(-1, 0)], KeyError, "pairs: -1 is not a column position in [0, 3)"),
        (FRAME.to_numpy(), [("a", "b")], KeyError, "pairs: 'a' is not a column position in [0, 3)"),
        (FRAME.to_numpy(), [(True, 1)], KeyError, "pairs: True is not a column position in [0, 3)"),
        (FRAME, "ab", TypeError, "pairs must be a sequence of (a, b) pairs, got str"),
        (FRAME, 5, TypeError, "pairs must be a sequence of (a, b) pairs, got int"),
        (FRAME, [("a", "b", "c")], ValueError, "pairs must hold (a, b) pairs, got ('a', 'b', 'c')"),
        (FRAME, [("a",)], ValueError, "pairs must hold (a, b) pairs, got ('a',)"),
        (FRAME, ["ab"], ValueError, "pairs must hold (a, b) pairs, got 'ab'"),
        (FRAME, [1], ValueError, "pairs must hold (a, b) pairs, got 1"),
    ],
    ids="unknown position-on-frame out-of-range negative label-on-array bool str int triple single "
    "string-item int-item".split(),
)
def test_bad_pairs(fn: Callable[..., Any], frame: Any, pairs: Any, exc: type[Exception], message: str) -> None:
    """pairs must be (a, b) pairs of column labels (DataFrame) or positions (ndarray); errors name the culprit."""
    with pytest.raises(exc, match=re.escape(message)):
        fn(frame, pairs)


@pytest.mark.parametrize("fn", FRAME_FNS, ids=FRAME_IDS)
def test_duplicate_columns(fn: Callable[..., Any]) -> None:
    """Duplicate column labels are refused (pairs are named by label)."""
    frame = FRAME.set_axis(["a", "b", "a"], axis=1)
    with pytest.raises(ValueError, match=re.escape("frame has duplicate column labels: [\"'a'\"]")):
        fn(frame)


@pytest.mark.parametrize("fn", FRAME_FNS, ids=FRAME_IDS)
@pytest.mark.parametrize(
    "column", [["x"] * 20, [object()] * 20, pd.date_range("2000", periods=20)], ids=["str", "object", "datetime"]
)
def test_non_numeric_columns(fn: Callable[..., Any], column: Any) -> None:
    """A non-numeric column is refused with the dtype named."""
    frame = FRAME.assign(z=column)
    with pytest.raises(TypeError, match=re.escape("frame must hold numbers (bool, integer or float), got dtype")):
        fn(frame)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (FRAME.iloc[:, :0], "frame must have at least two columns (assets) to sweep pairs, got 0"),
        (np.empty((20, 0)), "frame must have at least two columns (assets) to sweep pairs, got 0"),
        (FRAME[["a"]], "frame must have at least two columns (assets) to sweep pairs, got 1"),
        (FRAME.to_numpy()[:, :1], "frame must have at least two columns (assets) to sweep pairs, got 1"),
        (FRAME["a"], "frame must be 2-D (a DataFrame or a 2-D array, one column per asset), got series"),
        (FRAME.to_numpy()[:, 0], "frame must be 2-D (a DataFrame or a 2-D array, one column per asset), got ndarray"),
    ],
    ids=["empty-frame", "empty-array", "single-frame", "single-array", "series", "1d-array"],
)
def test_sweep_needs_a_universe(frame: Any, message: str) -> None:
    """An empty universe, a single asset or 1-D input cannot be swept."""
    with pytest.raises(ValueError, match=re.escape(message)):
        fastcorr.sweep(frame, 5)


def test_sweep_window_longer_than_frame() -> None:
    """sweep refuses window > T (pairs and matrices give NaN instead, tested above)."""
    with pytest.raises(ValueError, match=re.escape("window=21 is longer than the frame (20 rows)")):
        fastcorr.sweep(FRAME, 21)
    with pytest.raises(ValueError, match=re.escape("window=5 is longer than the frame (0 rows)")):
        fastcorr.sweep(FRAME.iloc[:0], 5)
    assert fastcorr.sweep(FRAME, 20).n_pairs.iloc[-1] == 3


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"reducers": ("mean", "bogus")}, ValueError, f"{REDUCERS_MSG}, got ['bogus']"),
        ({"reducers": "Mean"}, ValueError, f"{REDUCERS_MSG}, got ['Mean']"),
        ({"reducers": "topk", "at": "nope"}, KeyError, "at: 'nope' is not in the frame's index"),
        ({"reducers": "topk", "at": [FRAME.index[3], 99]}, KeyError, "at: 99 is not in the frame's index"),
        ({"threads": 0}, ValueError, f"{THREADS_MSG}, got 0"),
        ({"threads": NUMBA_THREADS + 1}, ValueError, f"{THREADS_MSG}, got {NUMBA_THREADS + 1}"),
        ({"threads": 1.0}, ValueError, f"{THREADS_MSG}, got 1.0"),
        ({"threads": True}, ValueError, f"{THREADS_MSG}, got True"),
        ({"threads": "2"}, ValueError, f"{THREADS_MSG}, got '2'"),
        ({"quantiles": (0.5, 1.5)}, ValueError, "quantiles must be levels in [0, 1], got [0.5, 1.5]"),
        ({"quantiles": ("x",)}, ValueError, "quantiles must be levels in [0, 1], got ['x']"),
        ({"bins": 0}, ValueError, "bins must be a positive integer, got 0"),
        ({"k": 0}, ValueError, "k must be a positive integer, got 0"),
        ({"min_periods": 6}, ValueError, "min_periods must be between 0 and window=5, got 6"),
        ({"min_periods": 2.0}, TypeError, "min_periods must be None or an integer, got 2.0 of type float"),
    ],
    ids="reducer reducer-case at-label at-list threads-0 threads-high threads-float threads-bool threads-str "
    "quantile-range quantile-type bins k min-periods min-periods-type".split(),
)
def test_bad_sweep_options(kwargs: dict[str, Any], exc: type[Exception], message: str, restore_threads: None) -> None:
    """Each bad option raises, naming the option, the value and what was expected; the thread count is kept."""
    before = numba.get_num_threads()
    with pytest.raises(exc, match=re.escape(message)):
        fastcorr.sweep(FRAME, 5, **kwargs)
    assert numba.get_num_threads() == before


@pytest.mark.parametrize(
    ("frame", "at", "message"),
    [
        (FRAME, "nope", "at: 'nope' is not in the frame's index"),
        (FRAME.set_axis([0, 1, 2, *range(2, 19)]), 2, "at: 2 is not a unique label of the frame's index"),
        (FRAME.to_numpy(), 20, "at must hold row positions in [0, 20) for array input, got 20"),
        (FRAME.to_numpy(), -21, "at must hold row positions in [0, 20) for array input, got -21"),
        (FRAME.to_numpy(), 1.0, "at must hold row positions in [0, 20) for array input, got 1.0"),
    ],
    ids=["label", "non-unique", "past-end", "before-start", "float"],
)
def test_bad_at(frame: Any, at: Any, message: str) -> None:
    """A bad ``at`` is a KeyError naming the label, for rolling_corr_matrix and sweep's topk."""
    with pytest.raises(KeyError, match=re.escape(message)):
        fastcorr.rolling_corr_matrix(frame, 5, at=at)
    with pytest.raises(KeyError, match=re.escape(message)):
        fastcorr.sweep(frame, 5, reducers="topk", at=at)


@pytest.mark.parametrize(
    ("window", "exc", "message"),
    [
        (0, ValueError, "window must be a positive integer, got 0"),
        (2.5, TypeError, "window must be a positive integer, got 2.5 of type float"),
        (True, TypeError, "window must be a positive integer, got True of type bool"),
    ],
)
@pytest.mark.parametrize(
    "fn",
    [
        lambda w: fastcorr.rolling_corr_pairs(FRAME, [("a", "b")], w),
        lambda w: fastcorr.rolling_corr_matrix(FRAME, w),
        lambda w: fastcorr.sweep(FRAME, w),
    ],
    ids=["rolling_corr_pairs", "rolling_corr_matrix", "sweep"],
)
def test_bad_window(fn: Callable[..., Any], window: Any, exc: type[Exception], message: str) -> None:
    """window must be a positive integer for every many-pair function."""
    with pytest.raises(exc, match=re.escape(message)):
        fn(window)


# -- time windows ------------------------------------------------------------------


def _time_universe(seed: int, n: int, t: int) -> pd.DataFrame:
    """Business days with holidays dropped, NaN and listing gaps: a "30D" window holds 15 to 22 rows."""
    frame = _universe(seed, n, t, kind="prices", offset=1e4, nan_frac=0.05, gap_prob=0.3)
    keep = np.random.default_rng(seed).random(t) > 0.1
    return frame[keep]


def test_time_window_sweep_matches_rolling_corr(restore_threads: None) -> None:
    """With window="30D" every reducer sees rolling_corr(a, b, "30D") of each pair: the mean and count (fsum
    oracle), quantiles within 1/bins, per-pair stats, top pairs; bitwise the same for 1 and 2 threads."""
    frame = _time_universe(31, 7, 260)
    pairs = _all_pairs(frame.columns)
    values = np.column_stack([fastcorr.rolling_corr(frame[a], frame[b], "30D").to_numpy() for a, b in pairs])
    assert np.isfinite(values).sum() > 0.2 * values.size
    reducers = ("mean", "quantiles", "pair_stats", "topk")
    res = fastcorr.sweep(frame, "30D", reducers=reducers, bins=400, threads=2)
    mean, count = _fsum_rows(values)
    np.testing.assert_array_equal(res.n_pairs.to_numpy(), count)
    assert_close(res.mean.to_numpy(), mean, 1e-15, "mean of a 30D sweep")
    levels = [0.0, 0.5, 1.0]
    q = fastcorr.sweep(frame, "30D", reducers="quantiles", quantiles=levels, bins=400).quantiles.to_numpy()
    assert_close(q.ravel(), _nanquantile(values, levels).ravel(), 1.0 / 400 + 1e-12, "quantiles of a 30D sweep")
    st = res.pair_stats
    for p, (a, b) in enumerate(pairs):
        col = values[:, p][np.isfinite(values[:, p])]
        assert st.loc[(a, b), "count"] == len(col)
        if len(col):
            assert st.loc[(a, b), "last"] == col[-1]
            assert st.loc[(a, b), "min"] == col.min() and st.loc[(a, b), "max"] == col.max()
    top = res.topk[res.topk["side"] == "most"]
    best = int(np.nanargmax(values[-1]))
    assert (top.iloc[0]["a"], top.iloc[0]["b"]) == pairs[best] and top.iloc[0]["corr"] == values[-1, best]
    one = fastcorr.sweep(frame, "30D", reducers=reducers, bins=400, threads=1)
    assert bits_equal(one.mean.to_numpy(), res.mean.to_numpy())
    assert bits_equal(one.pair_stats.to_numpy(dtype=float), res.pair_stats.to_numpy(dtype=float))


def test_time_window_sweep_parquet_and_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 30D sweep streamed to Parquet in stripes of pairs holds rolling_corr_pairs' values, explicit pairs too."""
    frame = _time_universe(32, 5, 120)
    monkeypatch.setattr(plan, "STRIPE_VALUES", 300)
    pairs = [("s0", "s3"), ("s1", "s4"), ("s2", "s3")]
    path = tmp_path / "t.parquet"
    res = fastcorr.sweep(frame, "30D", pairs=pairs, out=path)
    wide = fastcorr.rolling_corr_pairs(frame, pairs, "30D").to_numpy()
    assert bits_equal(_read_stream(path, frame.index, pairs), wide)
    mean, count = _fsum_rows(wide)
    np.testing.assert_array_equal(res.n_pairs.to_numpy(), count)
    assert_close(res.mean.to_numpy(), mean, 1e-15, "mean of explicit pairs")


def test_time_window_corr_matrix() -> None:
    """rolling_corr_matrix with "30D": rolling_corr of each pair off the diagonal, 1 or NaN on it."""
    frame = _time_universe(33, 4, 150)
    at = list(frame.index[[0, 5, 60, -1]])
    mats = fastcorr.rolling_corr_matrix(frame, "30D", at=at, as_array=True)
    var = fastcorr.rolling_var(frame, "30D").to_numpy()
    rows = [frame.index.get_loc(label) for label in at]
    for a in range(4):
        for b in range(4):
            if a == b:
                want = np.where(var[rows, a] > 0, 1.0, np.nan)
            else:
                # The matrix is symmetric: both triangles hold the pair computed as (first, second) column.
                i, j = min(a, b), max(a, b)
                want = fastcorr.rolling_corr(frame.iloc[:, i], frame.iloc[:, j], "30D").to_numpy()[rows]
            assert bits_equal(mats[:, a, b], want)
    with pytest.raises(TypeError, match="frame must be a pandas Series or DataFrame with a DatetimeIndex"):
        fastcorr.sweep(frame.reset_index(drop=True), "30D")
