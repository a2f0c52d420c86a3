"""Public rolling functions against the oracles of ``naive.py`` and against pandas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import naive
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from checks import assert_bounds, assert_close, cov_scale, pairwise
from hypothesis import given
from hypothesis import strategies as st
from strategies import Case, cases, normal_cases

import fastcorr

# Tolerances against the oracle for generated data (windows up to 500 rows, any
# offset): the acceptance bar for chosen cases is in test_numerics.py.
RTOL64 = 1e-10  # var/std relative, cov in units of sx*sy, corr absolute
MEAN_TOL64 = 1e-12  # mean, in units of the window's largest |x|
TOL32 = 1e-6  # float32 output: one float32 rounding of the result, plus margin
PANDAS_TOL = 1e-12  # in units of the window's raw scale: absolute for N(0,1) data (see below)

float32_cases = cases(dtype=np.float32)


def _mean_tol(case: Case, dtype_tol: float) -> np.ndarray:
    return dtype_tol * naive.absmax(case.x, case.window)


# -- against the oracles ------------------------------------------------------


def _check_mean(case: Case, tol: float) -> None:
    got = fastcorr.rolling_mean(case.x, case.window, min_periods=case.min_periods)
    assert got.dtype == case.x.dtype
    want = naive.mean(case.x, case.window, case.min_periods)
    assert_close(got, want, _mean_tol(case, tol), "rolling_mean")


def _check_var_std(case: Case, tol: float) -> None:
    var = fastcorr.rolling_var(case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    std = fastcorr.rolling_std(case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert var.dtype == std.dtype == case.x.dtype
    want = naive.var(case.x, case.window, case.min_periods, case.ddof)
    assert_close(var, want, tol * np.nan_to_num(want), "rolling_var")
    want_std = naive.std(case.x, case.window, case.min_periods, case.ddof)
    assert_close(std, want_std, tol * np.nan_to_num(want_std), "rolling_std")
    assert_bounds(var=var)


def _check_cov(case: Case, tol: float) -> None:
    got = fastcorr.rolling_cov(case.x, case.y, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert got.dtype == case.x.dtype
    want = naive.cov(case.x, case.y, case.window, case.min_periods, case.ddof)
    scale = cov_scale(case.x, case.y, case.window, case.min_periods, case.ddof)
    assert_close(got, want, tol * scale, "rolling_cov")


def _check_corr(case: Case, tol: float) -> None:
    got = fastcorr.rolling_corr(case.x, case.y, case.window, min_periods=case.min_periods)
    assert got.dtype == case.x.dtype
    want = naive.corr(case.x, case.y, case.window, case.min_periods)
    assert_close(got, want, tol, "rolling_corr")
    assert_bounds(corr=got)


@given(cases())
def test_mean_matches_oracle(case: Case) -> None:
    """rolling_mean equals the fsum oracle to 1e-12 of the window's scale, same NaN pattern."""
    _check_mean(case, MEAN_TOL64)


@given(cases())
def test_var_std_match_oracle(case: Case) -> None:
    """rolling_var/std equal the oracle to 1e-10 relative, same NaN pattern, var >= 0."""
    _check_var_std(case, RTOL64)


@given(cases())
def test_cov_matches_oracle(case: Case) -> None:
    """rolling_cov equals the oracle to 1e-10 in units of sx*sy (exactly 0 for a constant window)."""
    _check_cov(case, RTOL64)


@given(cases())
def test_corr_matches_oracle(case: Case) -> None:
    """rolling_corr equals the oracle to 1e-10 absolute, NaN exactly where a window is constant, |corr| <= 1."""
    _check_corr(case, RTOL64)


@given(float32_cases)
def test_float32_mean_matches_oracle(case: Case) -> None:
    """float32 in, float32 out: rolling_mean within 1e-6 of the window's scale."""
    _check_mean(case, TOL32)


@given(float32_cases)
def test_float32_var_std_match_oracle(case: Case) -> None:
    """float32 in, float32 out: rolling_var/std within 1e-6 relative."""
    _check_var_std(case, TOL32)


@given(float32_cases)
def test_float32_cov_corr_match_oracle(case: Case) -> None:
    """float32 in, float32 out: cov within 1e-6 of sx*sy, corr within 1e-6."""
    _check_cov(case, TOL32)
    _check_corr(case, TOL32)


# -- against pandas -----------------------------------------------------------


def _pandas_rolling(case: Case) -> tuple[pd.Series, pd.Series, pd.api.typing.Rolling]:
    s, t = pd.Series(case.x), pd.Series(case.y)
    return s, t, s.rolling(case.window, min_periods=case.min_periods)


def _rms(a: np.ndarray, case: Case) -> np.ndarray:
    """Root mean square of each window (0 where there is none): the raw scale pandas' formulas work at."""
    return np.sqrt(np.nan_to_num(naive.mean(a * a, case.window, case.min_periods)))


# pandas computes from raw moments (mean(x*y) - mean(x)*mean(y) and the like), so its
# error is 1e-12 of the window's *raw* scale, not of its spread: for N(0,1) windows that
# is 1e-12 absolute; a window of three nearly equal values legitimately costs pandas
# digits (fastcorr is held to the oracle, at 1e-10 of the spread, by the tests above).


@given(normal_cases())
def test_mean_matches_pandas(case: Case) -> None:
    """rolling_mean equals pandas' on N(0,1) data with NaN (1e-12, same NaN pattern)."""
    s, _, r = _pandas_rolling(case)
    got = fastcorr.rolling_mean(s, case.window, min_periods=case.min_periods)
    assert_close(got, r.mean(), PANDAS_TOL * np.maximum(1.0, _rms(case.x, case)), "rolling_mean vs pandas")


@given(normal_cases())
def test_var_std_match_pandas(case: Case) -> None:
    """rolling_var/std equal pandas' var(ddof)/std(ddof) (1e-12 of the raw scale, same NaN pattern)."""
    s, _, r = _pandas_rolling(case)
    var_tol = PANDAS_TOL * np.maximum(1.0, _rms(case.x, case) ** 2)
    got = fastcorr.rolling_var(s, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert_close(got, r.var(ddof=case.ddof), var_tol, "rolling_var vs pandas")
    # |sqrt(a) - sqrt(b)| <= |a - b| / sqrt(b), and <= sqrt(|a - b|)
    std = np.nan_to_num(naive.std(case.x, case.window, case.min_periods, case.ddof))
    got = fastcorr.rolling_std(s, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert_close(got, r.std(ddof=case.ddof), var_tol / np.maximum(std, np.sqrt(var_tol)), "rolling_std vs pandas")


@given(normal_cases())
def test_cov_corr_match_pandas(case: Case) -> None:
    """rolling_cov/corr equal pandas' s.rolling(w, min_periods=m).cov(t, ddof=d) / .corr(t).

    Tolerance 1e-12 of the raw scale: rms_x * rms_y for cov, rms_x * rms_y / (sx * sy) for corr.
    """
    s, t, r = _pandas_rolling(case)
    xp, yp = pairwise(case.x, case.y)
    raw = _rms(xp, case) * _rms(yp, case)
    got = fastcorr.rolling_cov(s, t, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert_close(got, r.cov(t, ddof=case.ddof), PANDAS_TOL * np.maximum(1.0, raw), "rolling_cov vs pandas")
    spread = np.nan_to_num(
        np.sqrt(naive.var(xp, case.window, case.min_periods, 0) * naive.var(yp, case.window, case.min_periods, 0))
    )
    ratio = np.divide(raw, spread, out=np.ones_like(raw), where=spread > 0)
    got = fastcorr.rolling_corr(s, t, case.window, min_periods=case.min_periods)
    assert_close(got, r.corr(t), PANDAS_TOL * np.maximum(1.0, ratio), "rolling_corr vs pandas")


# -- invariants ---------------------------------------------------------------


@given(cases())
def test_corr_symmetric(case: Case) -> None:
    """corr(x, y) == corr(y, x) to 1e-13 (not bitwise: the merge rounds x and y terms differently)."""
    a = fastcorr.rolling_corr(case.x, case.y, case.window, min_periods=case.min_periods)
    b = fastcorr.rolling_corr(case.y, case.x, case.window, min_periods=case.min_periods)
    assert_close(a, b, 1e-13, "corr(x, y) vs corr(y, x)")


@given(cases(), st.sampled_from([-4.0, -1.0, -0.5, 0.25, 2.0]))
def test_corr_power_of_two_scaling(case: Case, a: float) -> None:
    """corr(a*x, y) == sign(a)*corr(x, y) for a = +-2^k, where scaling the data is exact."""
    base = fastcorr.rolling_corr(case.x, case.y, case.window, min_periods=case.min_periods)
    scaled = fastcorr.rolling_corr(a * case.x, case.y, case.window, min_periods=case.min_periods)
    assert_close(scaled, np.sign(a) * base, 1e-13, f"corr({a}*x, y)")


@given(normal_cases(), st.sampled_from([-3.7, -1.0, 0.3, 2.5]), st.sampled_from([0.0, 1.0, -250.0]))
def test_corr_affine_invariance(case: Case, a: float, b: float) -> None:
    """corr(a*x + b, y) == sign(a)*corr(x, y) on N(0,1) data (1e-10: a*x + b is itself rounded)."""
    base = fastcorr.rolling_corr(case.x, case.y, case.window, min_periods=case.min_periods)
    moved = fastcorr.rolling_corr(a * case.x + b, case.y, case.window, min_periods=case.min_periods)
    assert_close(moved, np.sign(a) * base, 1e-10, f"corr({a}*x + {b}, y)")


@given(cases())
def test_var_is_cov_with_itself(case: Case) -> None:
    """var(x) == cov(x, x), to rounding of the window's variance."""
    var = fastcorr.rolling_var(case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    cov = fastcorr.rolling_cov(case.x, case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    assert_close(cov, var, 1e-13 * np.nan_to_num(var), "cov(x, x) vs var(x)")


@given(cases())
def test_std_squared_is_var(case: Case) -> None:
    """std**2 == var to a few ulp."""
    var = fastcorr.rolling_var(case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    std = fastcorr.rolling_std(case.x, case.window, min_periods=case.min_periods, ddof=case.ddof)
    eps = np.finfo(case.x.dtype).eps
    assert_close(std.astype(np.float64) ** 2, var, 4 * eps * np.nan_to_num(var), "std**2 vs var")


@given(cases(max_len=60))
def test_2d_columns_equal_1d(case: Case) -> None:
    """A 2-D array against a 1-D one gives, column by column, bitwise the 1-D results."""
    x2 = np.column_stack([case.x, case.y, case.x[::-1]]) if len(case.x) else np.empty((0, 3))
    for fn in (fastcorr.rolling_corr, fastcorr.rolling_cov):
        got = fn(x2, case.y, case.window, min_periods=case.min_periods)
        assert got.shape == x2.shape
        for j in range(3):
            one = fn(np.ascontiguousarray(x2[:, j]), case.y, case.window, min_periods=case.min_periods)
            np.testing.assert_array_equal(got[:, j], one)


# -- edge cases ---------------------------------------------------------------

ONE_ARG = [fastcorr.rolling_mean, fastcorr.rolling_var, fastcorr.rolling_std]
TWO_ARG = [fastcorr.rolling_cov, fastcorr.rolling_corr]
Fn = Callable[..., Any]
# Oracle of fn(x, window, min_periods=m), or of fn(x, x, window, min_periods=m) for two-argument functions.
ORACLES: dict[str, Callable[[np.ndarray, int, int | None], np.ndarray]] = {
    "rolling_mean": naive.mean,
    "rolling_var": naive.var,
    "rolling_std": naive.std,
    "rolling_cov": lambda x, w, m: naive.cov(x, x, w, m),
    "rolling_corr": lambda x, w, m: naive.corr(x, x, w, m),
}


def _call(fn: Fn, x: object, window: int, **kw: object) -> Any:
    return fn(x, window, **kw) if fn in ONE_ARG else fn(x, x, window, **kw)


EMPTIES = {
    "ndarray": np.array([]),
    "series": pd.Series([], dtype=float),
    "arrow": pa.array([], type=pa.float64()),
    "chunked": pa.chunked_array([], type=pa.float64()),
    "ndarray-2d": np.empty((0, 3)),
    "frame": pd.DataFrame({"a": [], "b": []}, dtype=float),
}


@pytest.mark.parametrize("fn", ONE_ARG + TWO_ARG, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kind", list(EMPTIES))
def test_empty_input_gives_empty_output(fn: Fn, kind: str) -> None:
    """Empty input gives an empty result of the same type and shape."""
    empty = EMPTIES[kind]
    got = fn(empty, np.array([]), 3) if fn in TWO_ARG and kind in ("ndarray-2d", "frame") else _call(fn, empty, 3)
    assert type(got) is type(empty)
    assert len(got) == 0 and np.shape(got) == np.shape(empty)


@pytest.mark.parametrize("fn", ONE_ARG + TWO_ARG, ids=lambda f: f.__name__)
def test_window_longer_than_series(fn: Fn) -> None:
    """window > length: all NaN by default; with min_periods=2 the windows are the expanding ones."""
    x = np.random.default_rng(1).standard_normal(7)
    assert np.isnan(_call(fn, x, 10)).all()
    got = _call(fn, x, 10, min_periods=2)
    assert_close(got, ORACLES[fn.__name__](x, 7, 2), 1e-14, fn.__name__)
    assert np.isnan(got[0]) and np.isfinite(got[1:]).all()


@pytest.mark.parametrize("window", [10**9, 2**62, 2**63 - 1])
def test_huge_window_is_expanding(window: int) -> None:
    """A window far longer than the series (up to the largest int64) gives the expanding statistics."""
    x = np.random.default_rng(window % 1000).standard_normal(6)
    assert_close(fastcorr.rolling_mean(x, window, min_periods=1), naive.mean(x, 6, 1), 1e-15, "mean")
    assert_close(fastcorr.rolling_var(x, window, min_periods=1), naive.var(x, 6, 1), 1e-14, "var")


def test_window_one() -> None:
    """window=1: mean is x, var (ddof=1) and corr are NaN, var (ddof=0) and cov (ddof=0) are 0; inf/NaN rows NaN."""
    x = np.array([1.5, np.nan, -2.0, np.inf, 1e12])
    finite = np.isfinite(x)
    np.testing.assert_array_equal(fastcorr.rolling_mean(x, 1), np.where(finite, x, np.nan))
    assert np.isnan(fastcorr.rolling_var(x, 1)).all()
    np.testing.assert_array_equal(fastcorr.rolling_var(x, 1, ddof=0), np.where(finite, 0.0, np.nan))
    np.testing.assert_array_equal(fastcorr.rolling_cov(x, 2 * x, 1, ddof=0), np.where(finite, 0.0, np.nan))
    assert np.isnan(fastcorr.rolling_corr(x, 2 * x, 1)).all()


@pytest.mark.parametrize("stat", ["mean", "var", "std", "cov", "corr"])
def test_min_periods_zero_matches_pandas(stat: str) -> None:
    """min_periods=0: windows without a value are NaN, others computed as pandas does."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal(40)
    y = rng.standard_normal(40)
    x[5:15] = np.nan
    y[[1, 20, 21]] = np.nan
    s, t = pd.Series(x), pd.Series(y)
    r = s.rolling(4, min_periods=0)
    if stat in ("cov", "corr"):
        got = getattr(fastcorr, f"rolling_{stat}")(s, t, 4, min_periods=0)
        want = getattr(r, stat)(t)
    else:
        got = getattr(fastcorr, f"rolling_{stat}")(s, 4, min_periods=0)
        want = getattr(r, stat)()
    assert_close(got, want, PANDAS_TOL, stat)
    assert np.isnan(got.to_numpy()[8:15]).all()


def test_inf_counts_as_missing() -> None:
    """+-inf is missing, like NaN: results equal those with NaN in its place."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal(50)
    y = rng.standard_normal(50)
    xi, xn = x.copy(), x.copy()
    xi[[3, 17, 30]] = [np.inf, -np.inf, np.inf]
    xn[[3, 17, 30]] = np.nan
    for fn in ONE_ARG:
        np.testing.assert_array_equal(fn(xi, 5, min_periods=3), fn(xn, 5, min_periods=3))
    for fn in TWO_ARG:
        np.testing.assert_array_equal(fn(xi, y, 5, min_periods=3), fn(xn, y, 5, min_periods=3))
        np.testing.assert_array_equal(fn(y, xi, 5, min_periods=3), fn(y, xn, 5, min_periods=3))
