"""Exponentially weighted statistics: against explicit-weight oracles, pandas, hard data; streaming; errors."""

from __future__ import annotations

import math
import pickle
import re
from typing import Any

import naive_ewm
import numba
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from checks import assert_bounds, assert_close, bits_equal, pairwise
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED, MAX_LEN, Case, cases, normal_cases

import fastcorr.ewm as fe
from fastcorr.bindings import plan

FUNCS = {"mean": fe.ewm_mean, "var": fe.ewm_var, "std": fe.ewm_std, "cov": fe.ewm_cov, "corr": fe.ewm_corr}
STREAMS = {"mean": fe.EwmMean, "var": fe.EwmVar, "std": fe.EwmStd, "cov": fe.EwmCov, "corr": fe.EwmCorr}
TWO = ("cov", "corr")
WITH_BIAS = ("var", "std", "cov")
RTOL = 1e-10  # var/std relative, cov in units of sx*sy, corr absolute
MEAN_TOL = 1e-12  # in units of the largest |x| seen so far
BAR = 2e-11  # the numerics bar on chosen hard cases
TOL32 = 1e-6
PANDAS_TOL = 1e-12
# The explicit-weight oracle costs O(n^2) per series.
ORACLE_LEN = min(MAX_LEN, 200)


def com_of(decay: dict[str, float]) -> float:
    """pandas' centre of mass for one of com / span / halflife / alpha (row decay)."""
    ((kind, value),) = decay.items()
    return {
        "com": lambda v: v,
        "span": lambda v: (v - 1) / 2,
        "halflife": lambda v: 1 / (1 - np.exp(np.log(0.5) / v)) - 1,
        "alpha": lambda v: (1 - v) / v,
    }[kind](value)


def alpha_of(decay: dict[str, float]) -> float:
    """pandas' alpha: ``1 / (1 + com)``."""
    return 1 / (1 + com_of(decay))


# alpha <= 0.9, or exactly 1 (no decayed weight at all). Nearer 1, the newest
# observation outweighs the rest by 1e10 or more after a gap, and a mean rounded
# to the data's magnitude costs more than the ULP bound allows (pandas' bias
# correction W^2 - sum w^2 also cancels there).
decays = st.one_of(
    st.builds(dict, com=st.one_of(st.just(0.0), st.floats(0.12, 30.0))),
    st.builds(dict, span=st.one_of(st.just(1.0), st.floats(1.25, 60.0))),
    st.builds(dict, halflife=st.floats(0.3, 30.0)),
    st.builds(dict, alpha=st.one_of(st.just(1.0), st.floats(1e-3, 0.9))),
)
flags = st.fixed_dictionaries({"adjust": st.booleans(), "ignore_na": st.booleans(), "min_periods": st.integers(0, 12)})


def _call(stat: str, x: Any, y: Any, bias: bool = False, **kw: Any) -> Any:
    if stat in WITH_BIAS:
        kw["bias"] = bias
    return FUNCS[stat](x, y, **kw) if stat in TWO else FUNCS[stat](x, **kw)


def _oracle(stat: str, x: np.ndarray, y: np.ndarray, decay: dict, opts: dict, bias: bool = False, **kw: Any):
    # pandas' mean with adjust=False and com == 1 (and, with times, every statistic) steps irregularly.
    irregular = not opts.get("adjust", True) and com_of(decay) == 1.0 and (stat == "mean" or "deltas" in kw)
    y = y if stat in TWO else None
    return naive_ewm.ewm(stat, x, y, alpha=alpha_of(decay), bias=bias, irregular=irregular, **opts, **kw)


# Mean rounding: a mean is a float of the data's magnitude, so deviations from it
# carry a few ulps of that magnitude. It matters only when the weighted spread is
# far below the magnitude (a stale stretch after moves, data at 1e12, one weight
# dominating after a gap): tens of ulps of the magnitude times the spread.
ULP = 1e-14


def _spread(a: np.ndarray, decay: dict, opts: dict, **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """Largest |a| seen so far, and the weighted (biased) std after each row (``kw`` as for the oracle)."""
    seen = np.maximum.accumulate(np.where(np.isfinite(a), np.abs(a.astype(np.float64)), 0.0))
    var = naive_ewm.ewm("var", a, None, alpha=alpha_of(decay), **opts, bias=True, **kw)
    return seen, np.sqrt(var)


def _tolerance(
    stat: str, x: np.ndarray, y: np.ndarray, want: np.ndarray, decay: dict, opts: dict, tol: float, **kw: Any
) -> np.ndarray:
    """Tolerance per row: ``tol`` of the result's own scale plus mean rounding (``ULP``)."""
    xp, yp = pairwise(x, y) if stat in TWO else (x, x)
    ax, sx = _spread(xp, decay, opts, **kw)
    if stat == "mean":
        return (MEAN_TOL if tol == RTOL else tol) * ax
    if stat in ("var", "std"):
        std = np.nan_to_num(np.sqrt(np.abs(want)) if stat == "var" else np.abs(want))
        rel = tol * np.nan_to_num(np.abs(want))
        # ... and a floor: deviations are known to ULP * |x|, so a variance to its square.
        return rel + (4 * ULP * ax * std + (ULP * ax) ** 2 if stat == "var" else 2 * ULP * ax)
    ay, sy = _spread(yp, decay, opts, **kw)
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "corr":
            return tol + ULP * np.nan_to_num(ax / sx + ay / sy, nan=np.inf)
        # sx, sy are biased: the bias correction (large when one weight dominates) scales the result itself,
        # and with it the rounding of the deviations; |want| / (sx sy) is a lower bound of that factor.
        factor = np.maximum(1.0, np.nan_to_num(np.abs(want) / (sx * sy), nan=1.0, posinf=1.0))
        floor = ULP * (ax * sy + ay * sx) + ULP**2 * ax * ay
        return np.nan_to_num(tol * (sx * sy + np.abs(want)) + factor * floor)


def _check_all(case: Case, decay: dict, opts: dict, bias: bool, tol: float) -> None:
    for stat in FUNCS:
        got = _call(stat, case.x, case.y, bias, **decay, **opts)
        assert got.dtype == case.x.dtype
        want = _oracle(stat, case.x, case.y, decay, opts, bias)
        tolerance = _tolerance(stat, case.x, case.y, want, decay, opts, tol)
        # The output's own rounding (float32 subnormals included).
        with np.errstate(over="ignore"):
            tolerance = tolerance + np.nan_to_num(np.spacing(np.abs(want).astype(got.dtype)), nan=0.0)
        assert_close(got, want, tolerance, f"ewm_{stat} {decay} {opts}")
        if stat == "corr":
            assert_bounds(corr=got)
        if stat == "var":
            assert_bounds(var=got)


# -- against the explicit-weight oracle ---------------------------------------------------------


@given(cases(max_len=ORACLE_LEN, scales=(1.0, 1.0, 1e-10, 1e140)), decays, flags, st.booleans())
def test_matches_oracle(case: Case, decay: dict, opts: dict, bias: bool) -> None:
    """Every statistic, every option, on offsets, stale stretches, NaN and inf, against explicit weights."""
    _check_all(case, decay, opts, bias, RTOL)


@given(cases(max_len=ORACLE_LEN, dtype=np.float32, scales=(1.0, 1e-10)), decays, flags)
def test_float32_matches_oracle(case: Case, decay: dict, opts: dict) -> None:
    """float32 in, float32 out, within one float32 rounding of the float64 oracle."""
    _check_all(case, decay, opts, False, TOL32)


# -- against pandas ------------------------------------------------------------------------------


@given(normal_cases(), decays, flags, st.booleans())
def test_matches_pandas(case: Case, decay: dict, opts: dict, bias: bool) -> None:
    """Equal to pandas ``ewm(...)`` to 1e-12 on N(0,1) data with NaN, NaN pattern included."""
    s, t = pd.Series(case.x), pd.Series(case.y)
    e = s.ewm(**decay, **opts)
    want = {
        "mean": e.mean(),
        "var": e.var(bias=bias),
        "std": e.std(bias=bias),
        "cov": e.cov(t, bias=bias),
        "corr": e.corr(t),
    }
    seen = {stat: np.cumsum(np.isfinite(case.x) & (np.isfinite(case.y) if stat in TWO else True)) for stat in want}
    for stat, expected in want.items():
        got = _call(stat, s, t, bias, **decay, **opts)
        # pandas centres on a rounded mean: its error grows with the magnitude (y may sit at 1e6).
        raw = np.maximum.accumulate(np.nan_to_num(np.maximum(np.abs(case.x), np.abs(case.y)), nan=0.0))
        tol = PANDAS_TOL * np.maximum(1.0, np.abs(expected)) * np.maximum(1.0, raw if stat in TWO else 1.0)
        if stat in WITH_BIAS and not bias:
            # One observation: pandas divides 0 by W^2 - W2, a rounding error of either sign.
            expected[seen[stat] == 1] = np.nan
            # pandas subtracts W2 from W^2, which cancels when one weight dominates (adjust=False after
            # a gap): its correction W^2 / D is off by about an ulp times W^2 / D.
            tol = tol + 4e-16 * _bias_condition(case, stat, decay, opts) * np.abs(np.nan_to_num(expected))
        assert_close(got, expected, tol, f"ewm_{stat} vs pandas")


def _bias_condition(case: Case, stat: str, decay: dict, opts: dict) -> np.ndarray:
    """``W^2 / D`` after each row, ``D = 2 sum_{i<j} w_i w_j`` summed exactly (1 before two observations)."""
    ok = np.isfinite(case.x) & (np.isfinite(case.y) if stat in TWO else True)
    alpha = alpha_of(decay)
    rows = naive_ewm.weights(ok, 1.0 - alpha, 1.0 if opts["adjust"] else alpha, opts["adjust"], opts["ignore_na"])
    cond = np.ones(len(rows))
    for i, w in enumerate(rows):
        if len(w) >= 2:
            d = 2.0 * math.fsum(w[j] * math.fsum(w[j + 1 :]) for j in range(len(w) - 1))
            cond[i] = math.fsum(w) ** 2 / d if d > 0 else 1.0
    return cond


def _times(n: int, seed: int) -> pd.DatetimeIndex:
    """Irregular times: gaps of 0 to 3 days, ties included."""
    rng = np.random.default_rng(seed)
    return pd.Timestamp("2020-01-01") + pd.to_timedelta(np.cumsum(rng.integers(0, 4, n)), unit="D")


@given(normal_cases(), st.integers(0, 2**32 - 1), st.booleans(), st.booleans(), st.sampled_from(["2D", "36h", "5D"]))
def test_times_mean_matches_pandas(case: Case, seed: int, adjust: bool, ignore_na: bool, halflife: str) -> None:
    """With times, the mean equals pandas' time-decayed mean (adjust, ignore_na and min_periods as there)."""
    times = _times(len(case.x), seed)
    s = pd.Series(case.x)
    kw = {"halflife": halflife, "times": times, "adjust": adjust, "ignore_na": ignore_na, "min_periods": 3}
    got = fe.ewm_mean(s, **kw)
    assert_close(got, s.ewm(**kw).mean(), PANDAS_TOL, "ewm_mean(times) vs pandas")
    if adjust:
        got = fe.ewm_mean(s, com=2.0, **kw)
        assert_close(got, s.ewm(com=2.0, **kw).mean(), PANDAS_TOL, "ewm_mean(times, com) vs pandas")


@given(cases(max_len=ORACLE_LEN, scales=(1.0,)), st.integers(0, 2**32 - 1), st.sampled_from(["2D", "36h", "5D"]))
def test_times_match_closed_form_weights(case: Case, seed: int, halflife: str) -> None:
    """Time decay for every statistic: weights ``0.5 ** ((t_i - t_j) / halflife)`` summed with fsum."""
    times = _times(len(case.x), seed)
    hl = float(pd.Timedelta(halflife).value)
    ok = np.isfinite(case.x) & np.isfinite(case.y)
    ns = times.as_unit("ns").asi8.astype(np.float64)
    for stat in FUNCS:
        keep = ok if stat in TWO else np.isfinite(case.x)
        row_weights = naive_ewm.time_weights(keep, ns, hl)
        got = _call(stat, case.x, case.y, halflife=halflife, times=times, min_periods=2)
        want = _oracle(stat, case.x, case.y, {"alpha": 0.5}, {"min_periods": 2}, row_weights=row_weights)
        tol = _tolerance(stat, case.x, case.y, want, {"alpha": 0.5}, {"min_periods": 2}, RTOL, row_weights=row_weights)
        assert_close(got, want, tol, f"ewm_{stat}(times)")


@given(cases(max_len=ORACLE_LEN, scales=(1.0,)), st.booleans(), st.booleans())
def test_times_follow_pandas_row_rule(case: Case, adjust: bool, ignore_na: bool) -> None:
    """With ``ignore_na`` or without ``adjust``, times decay row by row as pandas' mean does (recursive oracle)."""
    times = _times(len(case.x), 5)
    deltas = np.diff(times.as_unit("ns").asi8.astype(np.float64), prepend=0.0) / pd.Timedelta("3D").value
    opts = {"adjust": adjust, "ignore_na": ignore_na, "min_periods": 1}
    for stat in FUNCS:
        got = _call(stat, case.x, case.y, halflife="3D", times=times, **opts)
        want = _oracle(stat, case.x, case.y, {"alpha": 0.5}, opts, deltas=deltas)
        tol = _tolerance(stat, case.x, case.y, want, {"alpha": 0.5}, opts, RTOL, deltas=deltas, irregular=not adjust)
        assert_close(got, want, tol, f"ewm_{stat}")


def test_daily_times_equal_row_halflife() -> None:
    """Times one day apart with halflife '3D' give the row-decay result with halflife=3 (to rounding)."""
    x, y = _walks(400, 1e8)
    times = pd.date_range("2021-01-01", periods=400, freq="D")
    for stat in FUNCS:
        timed = _call(stat, x, y, halflife="3D", times=times)
        rows = _call(stat, x, y, halflife=3.0)
        assert_close(timed, rows, 1e-12 * np.maximum(1.0, np.abs(rows)), stat)


# -- the numerics bar ---------------------------------------------------------------------------


def _walks(n: int, offset: float, rho: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dx = rng.standard_normal(n)
    dy = rho * dx + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return offset + np.cumsum(dx), offset + np.cumsum(dy)


def _check_dense(x: np.ndarray, y: np.ndarray, alpha: float, ends: list[int], bar: float = BAR) -> None:
    """Every statistic at rows ``ends`` against the closed-form oracle (data without missing values)."""
    for stat in FUNCS:
        got = _call(stat, x, y, alpha=alpha)[ends]
        want = naive_ewm.dense_ewm(stat, x, y if stat in TWO else None, alpha, ends)
        if stat == "mean":
            # The result is a float near the offset: one rounding of it, plus the bar in units of the spread.
            tol = 2 * np.spacing(np.abs(want)) + bar * np.nan_to_num(naive_ewm.dense_ewm("std", x, None, alpha, ends))
        elif stat == "cov":
            sx = naive_ewm.dense_ewm("std", x, None, alpha, ends)
            sy = naive_ewm.dense_ewm("std", y, None, alpha, ends)
            tol = bar * sx * sy
        elif stat == "corr":
            tol = bar
        else:
            tol = bar * np.abs(want)
        assert_close(got, want, tol, f"ewm_{stat} alpha={alpha}")


@pytest.mark.parametrize("offset", [0.0, 1e4, 1e8, 1e12])
@pytest.mark.parametrize("alpha", [0.5, 0.02, 0.002])
def test_price_levels(offset: float, alpha: float) -> None:
    """Prices at 1e4..1e12 plus unit random-walk noise: every statistic within 2e-11 of its own scale."""
    x, y = _walks(3000, offset)
    _check_dense(x, y, alpha, [0, 1, 2, 50, 1023, 1024, 1025, 2047, 2048, 2999])


@pytest.mark.parametrize("alpha", [0.5, 0.05])
def test_outlier_leaves_no_trace(alpha: float) -> None:
    """A 1e10 outlier: exact while its weight matters, and once it has decayed the clean values come back."""
    x, y = _walks(3000, 1e8)
    dirty = x.copy()
    dirty[1000] = 1e10
    ends = [999, 1000, 1001, 1010, 1100, 1500, 2047, 2999]
    _check_dense(dirty, y, alpha, ends)
    gone = 1000 + math.ceil(60 / -math.log10(1 - alpha))  # weight * 1e20 below 1e-40
    for stat in FUNCS:
        clean = _call(stat, x, y, alpha=alpha)[gone:]
        assert_close(_call(stat, dirty, y, alpha=alpha)[gone:], clean, BAR * np.maximum(np.abs(clean), 1.0), stat)


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="2,000,000 rows in plain Python take minutes")
def test_two_million_points_offset_1e8() -> None:
    """A 2,000,000-point random walk at 1e8: no drift, sampled rows up to the last one."""
    n = 2_000_000
    x, y = _walks(n, 1e8, seed=7)
    rng = np.random.default_rng(8)
    ends = sorted(set(rng.integers(0, n, 25).tolist()) | {n - 1, n - 1024, 1024 * 1000})
    _check_dense(x, y, 0.01, ends)


def test_stale_series_is_exact() -> None:
    """A constant stretch from the start: mean exact, var and cov exactly 0, corr NaN; then live values."""
    x, y = _walks(600, 1e12)
    x[:300] = x[0]
    for kw in ({"alpha": 0.1}, {"span": 20.0, "adjust": False}):
        assert (fe.ewm_mean(x, **kw)[:300] == x[0]).all()
        assert (fe.ewm_var(x, **kw, bias=True)[:300] == 0.0).all()
        assert (fe.ewm_cov(x, y, **kw, bias=True)[:300] == 0.0).all()
        assert np.isnan(fe.ewm_corr(x, y, **kw)[:300]).all()
        assert np.isfinite(fe.ewm_corr(x, y, **kw)[301:]).all()


@pytest.mark.parametrize("offset", [0.0, 1.0], ids=["tiny", "tiny-on-1"])
def test_tiny_scale(offset: float) -> None:
    """Data of scale 1e-10 (alone, and on top of 1.0)."""
    x, y = _walks(2000, 0.0)
    _check_dense(offset + 1e-10 * x, offset + 1e-10 * y, 0.05, [1, 10, 500, 1999])


# -- families, alignment, threads ----------------------------------------------------------------


def test_frame_against_series_is_column_wise() -> None:
    """A DataFrame against a Series gives one column per column, each equal to its own pair, bit for bit."""
    x, y = _walks(300, 100.0)
    frame = pd.DataFrame({"a": x, "b": y[::-1].copy()}, index=pd.date_range("2020", periods=300))
    s = pd.Series(y, index=frame.index, name="s")
    for stat in FUNCS:
        got = _call(stat, frame, s, span=10.0)
        assert isinstance(got, pd.DataFrame) and got.columns.tolist() == ["a", "b"]
        for col in frame:
            assert bits_equal(got[col].to_numpy(), _call(stat, frame[col], s, span=10.0).to_numpy())
    assert bits_equal(fe.ewm_corr(s, frame, span=10.0).to_numpy(), fe.ewm_corr(frame, s, span=10.0).to_numpy())


def test_series_alignment_matches_pandas() -> None:
    """Two Series on different indexes are aligned as pandas aligns them."""
    x, y = _walks(200, 0.0)
    s = pd.Series(x, index=np.arange(200))
    t = pd.Series(y[:150], index=np.arange(50, 200))
    for stat in TWO:
        want = getattr(s.ewm(alpha=0.1), stat)(t)
        assert_close(_call(stat, s, t, alpha=0.1), want, PANDAS_TOL, stat)


def test_arrow_and_ndarray_families() -> None:
    """Arrow in, Arrow out (missing as null); 2-D ndarray columns are series."""
    x, y = _walks(100, 0.0)
    got = fe.ewm_var(pa.array(np.r_[np.nan, x[1:]]), alpha=0.2)
    assert isinstance(got, pa.Array) and got.null_count == 2
    both = fe.ewm_corr(np.c_[x, y], y, alpha=0.2)
    assert both.shape == (100, 2) and bits_equal(both[:, 0], fe.ewm_corr(x, y, alpha=0.2))


def test_thread_count_does_not_change_bits(restore_threads: None) -> None:
    """Columns run in parallel on the thread pool: 1 thread and 2 give the same bits."""
    rows = 3_000 if JIT_DISABLED else plan.PARALLEL_MIN_VALUES // 2 + 1
    x = np.c_[_walks(rows, 1e8, seed=1)[0], _walks(rows, 1e8, seed=2)[0], _walks(rows, 1e8, seed=3)[0]]
    y = _walks(rows, 1e8, seed=4)[1]
    results = {}
    for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        numba.set_num_threads(n)
        results[n] = [_call(stat, x, y, alpha=0.01) for stat in FUNCS]
    for stat, one, two in zip(FUNCS, *results.values(), strict=True):
        assert bits_equal(one, two), stat
        assert bits_equal(one[:, 2], _call(stat, np.ascontiguousarray(x[:, 2]), y, alpha=0.01)), stat


# -- streaming -----------------------------------------------------------------------------------


@st.composite
def splits(draw: st.DrawFn, n: int) -> list[int]:
    """Sorted cut points in [0, n], repeats allowed (empty updates)."""
    return sorted(draw(st.lists(st.integers(0, n), max_size=6)))


@given(cases(max_len=min(MAX_LEN, 300)), decays, flags, st.booleans(), st.data())
def test_streaming_equals_batch_bitwise(case: Case, decay: dict, opts: dict, bias: bool, data: st.DataObject) -> None:
    """update_many over any split, and update row by row at the end, give the batch bits; pickling resumes."""
    cuts = data.draw(splits(len(case.x)))
    for stat in ("mean", "var", "cov", "corr"):
        kw = {"bias": bias} if stat in WITH_BIAS else {}
        batch = _call(stat, case.x, case.y, **decay, **opts, **kw)
        stream = STREAMS[stat](**decay, **opts, **kw)
        parts = []
        for lo, hi in zip([0, *cuts], [*cuts, len(case.x)], strict=True):
            if hi - lo == 1:
                args = (case.x[lo], case.y[lo]) if stat in TWO else (case.x[lo],)
                parts.append(np.array([stream.update(*args)], dtype=batch.dtype))
            else:
                args = (case.x[lo:hi], case.y[lo:hi]) if stat in TWO else (case.x[lo:hi],)
                parts.append(stream.update_many(*args))
            stream = pickle.loads(pickle.dumps(stream))
        assert stream.rows == len(case.x)
        assert bits_equal(np.concatenate(parts) if parts else batch, batch), stat


@given(cases(max_len=120), st.integers(0, 2**32 - 1), st.data())
def test_streaming_times_and_pairs_equal_batch(case: Case, seed: int, data: st.DataObject) -> None:
    """A vector of pairs with time decay, fed in pieces, equals the batch result column by column."""
    times = _times(len(case.x), seed)
    x2 = np.c_[case.x, case.y]
    y2 = np.c_[case.y, case.x[::-1]]
    stream = fe.EwmCorr(halflife="2D", min_periods=2)
    cuts = data.draw(splits(len(case.x)))
    parts = [
        stream.update_many(x2[lo:hi], y2[lo:hi], times=times[lo:hi])
        for lo, hi in zip([0, *cuts], [*cuts, len(case.x)], strict=True)
    ]
    got = np.concatenate(parts)
    for j in range(2):
        batch = fe.ewm_corr(np.ascontiguousarray(x2[:, j]), np.ascontiguousarray(y2[:, j]), halflife="2D",
                            times=times, min_periods=2)  # fmt: skip
        assert bits_equal(np.ascontiguousarray(got[:, j]), batch), j


def test_streaming_update_shapes() -> None:
    """A number in gives a number out; a vector of pairs gives one value per pair."""
    s = fe.EwmCov(alpha=0.5)
    assert np.isnan(s.update(1.0, 2.0)) and s.update(2.0, 5.0) == pytest.approx(1.5)
    v = fe.EwmVar(alpha=0.5)
    assert v.update(np.array([1.0, 2.0])).shape == (2,)
    assert v.update_many(np.ones((3, 2))).shape == (3, 2)
    t = fe.EwmMean(halflife="1D")
    assert t.update(3.0, time="2024-01-01") == 3.0
    assert t.update(5.0, time=pd.Timestamp("2024-01-02")) == pytest.approx((3.0 * 0.5 + 5.0) / 1.5)


# -- errors --------------------------------------------------------------------------------------

X = np.arange(10.0)


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({}, ValueError, "one of com, span, halflife or alpha is required"),
        (
            {"com": 1.0, "span": 3.0},
            ValueError,
            "com, span, halflife and alpha are mutually exclusive, got com=1.0, span=3.0",
        ),
        ({"com": -1.0}, ValueError, "com must be >= 0, got -1.0"),
        ({"span": 0.5}, ValueError, "span must be >= 1, got 0.5"),
        ({"halflife": 0.0}, ValueError, "halflife must be > 0, got 0.0"),
        ({"alpha": 1.5}, ValueError, "alpha must satisfy 0 < alpha <= 1, got 1.5"),
        ({"alpha": 0}, ValueError, "alpha must satisfy 0 < alpha <= 1, got 0"),
        ({"alpha": "0.5"}, TypeError, "alpha must be a number, got '0.5' of type str"),
        ({"com": True}, TypeError, "com must be a number, got True of type bool"),
        ({"halflife": "2D"}, TypeError, "halflife must be a number when times is not given, got '2D'"),
        ({"alpha": 0.5, "min_periods": -1}, ValueError, "min_periods must be a non-negative integer, got -1"),
        (
            {"alpha": 0.5, "min_periods": 1.5},
            TypeError,
            "min_periods must be a non-negative integer, got 1.5 of type float",
        ),
        ({"alpha": 0.5, "adjust": 1}, TypeError, "adjust must be True or False, got 1 of type int"),
        ({"alpha": 0.5, "ignore_na": None}, TypeError, "ignore_na must be True or False, got None of type NoneType"),
    ],
)
def test_option_errors(kwargs: dict, exc: type[Exception], message: str) -> None:
    """Each bad option raises, naming the argument, the value and what was expected (batch and streaming)."""
    with pytest.raises(exc, match=re.escape(message)):
        fe.ewm_mean(X, **kwargs)
    if "halflife" not in kwargs or not isinstance(kwargs["halflife"], str):  # a stream may decay by time
        with pytest.raises(exc, match=re.escape(message)):
            fe.EwmCorr(**kwargs)


DAYS = pd.date_range("2024-01-01", periods=10, freq="D")
TIME_ERRORS = [
    ({"halflife": 2.0, "times": DAYS}, TypeError,
     "halflife must be a duration (such as '2D' or pd.Timedelta) when times is given, got 2.0 of type float"),
    ({"times": DAYS}, ValueError, "halflife (a duration such as '2D') is required when times is given"),
    ({"halflife": "-1D", "times": DAYS}, ValueError, "halflife must be a positive duration, got '-1D'"),
    ({"halflife": "soon", "times": DAYS}, ValueError, "halflife must be a duration such as '2D', got 'soon'"),
    ({"halflife": "2D", "times": DAYS[:5]}, ValueError, "times must have one entry per row: got 5 times for 10 rows"),
    ({"halflife": "2D", "times": np.arange(10.0)}, TypeError,
     "times must hold datetime64 values (a DatetimeIndex, Series or array), got dtype float64"),
    ({"halflife": "2D", "times": DAYS[::-1]}, ValueError,
     "times must be non-decreasing, got times[1]=2024-01-09 00:00:00 after 2024-01-10 00:00:00"),
    ({"halflife": "2D", "times": DAYS.insert(3, pd.NaT)[:10]}, ValueError,
     "times must not hold NaT, found at position 3"),
    ({"halflife": "2D", "times": DAYS, "alpha": 0.5, "adjust": False}, ValueError,
     "com, span and alpha cannot be combined with times when adjust=False"),
    ({"alpha": 0.5, "bias": "no"}, TypeError, "bias must be True or False, got 'no' of type str"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "exc", "message"), TIME_ERRORS)
def test_times_and_bias_errors(kwargs: dict, exc: type[Exception], message: str) -> None:
    """Bad times, half-lives and bias flags name the argument, the value and what was expected."""
    with pytest.raises(exc, match=re.escape(message)):
        fe.ewm_cov(X, X, **kwargs)


def test_stream_errors() -> None:
    """Streams check the number of pairs, shapes and times."""
    s = fe.EwmCorr(alpha=0.5)
    s.update(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("this stream holds 2 pairs, got values for 3")):
        s.update(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=re.escape("x and y must have the same shape, got (1, 2) and (1, 1)")):
        s.update(np.ones(2), 1.0)
    with pytest.raises(ValueError, match=re.escape("x must be a number or a 1-D array of numbers (one per pair)")):
        s.update(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("xs must be a 1-D array of numbers (rows of one pair) or 2-D")):
        s.update_many(np.ones((2, 2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("xs and ys must both be 1-D or both 2-D, got 2-D and 1-D")):
        s.update_many(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=re.escape("this stream decays by rows: give time(s) only with a duration")):
        s.update(np.ones(2), np.ones(2), time="2024-01-01")
    t = fe.EwmMean(halflife="1D")
    with pytest.raises(
        ValueError, match=re.escape("this stream decays with time (a duration halflife): give the time")
    ):
        t.update(1.0)
    t.update(1.0, time="2024-01-02")
    with pytest.raises(
        ValueError, match=re.escape("times must be non-decreasing: 2024-01-01 00:00:00 is before the last")
    ):
        t.update(1.0, time="2024-01-01")
