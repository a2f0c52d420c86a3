"""Expanding statistics: against the fsum oracle of naive.py, pandas, hard data; paths, threads and errors."""

from __future__ import annotations

import re
from typing import Any

import naive
import numba
import numpy as np
import pandas as pd
import pytest
from checks import assert_bounds, assert_close, bits_equal, cov_scale
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED, Case, cases, normal_cases

import fastcorr.expanding as fx
from fastcorr.bindings import ewm as bind
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR
from fastcorr.kernels.expanding import expanding_2d, expanding_2d_serial

FUNCS = {"mean": fx.expanding_mean, "var": fx.expanding_var, "std": fx.expanding_std}
FUNCS |= {"cov": fx.expanding_cov, "corr": fx.expanding_corr}
CODES = {"mean": MEAN, "var": VAR, "std": STD, "cov": COV, "corr": CORR}
TWO = ("cov", "corr")
RTOL = 1e-10
BAR = 2e-11


def _call(stat: str, x: Any, y: Any, min_periods: int = 1, ddof: int = 1) -> Any:
    kw: dict[str, Any] = {"min_periods": min_periods}
    if stat in ("var", "std", "cov"):
        kw["ddof"] = ddof
    return FUNCS[stat](x, y, **kw) if stat in TWO else FUNCS[stat](x, **kw)


def _oracle(stat: str, x: np.ndarray, y: np.ndarray, min_periods: int, ddof: int, ends: Any = None) -> np.ndarray:
    """The rolling fsum oracle with a window as long as the series is the expanding statistic."""
    w = max(len(x), 1)
    if stat == "mean":
        return naive.mean(x, w, min_periods, ends=ends)
    if stat in ("var", "std"):
        return getattr(naive, stat)(x, w, min_periods, ddof, ends=ends)
    if stat == "cov":
        return naive.cov(x, y, w, min_periods, ddof, ends=ends)
    return naive.corr(x, y, w, min_periods, ends=ends)


def _check(case: Case, min_periods: int, tol: float, ends: Any = None) -> None:
    x, y, ddof = case.x, case.y, case.ddof
    rows = np.arange(len(x)) if ends is None else np.asarray(ends)
    w = max(len(x), 1)
    for stat in FUNCS:
        got = _call(stat, x, y, min_periods, ddof)
        assert got.dtype == x.dtype
        got = got[rows]
        want = _oracle(stat, x, y, min_periods, ddof, ends)
        if stat == "mean":
            scale = tol * naive.absmax(x, w, ends)
        elif stat == "cov":
            scale = tol * cov_scale(x, y, w, min_periods, ddof, ends)
        elif stat == "corr":
            scale = tol
        else:
            scale = tol * np.nan_to_num(want)
        assert_close(got, want, scale, f"expanding_{stat}")
        if stat == "corr":
            assert_bounds(corr=got)


@given(cases(), st.integers(0, 4))
def test_matches_oracle(case: Case, min_periods: int) -> None:
    """Every statistic on offsets, stale stretches, NaN, inf and extreme scales, against per-row fsum."""
    _check(case, min_periods, RTOL)


@given(cases(dtype=np.float32, scales=(1.0, 1e-10)), st.integers(0, 4))
def test_float32_matches_oracle(case: Case, min_periods: int) -> None:
    """float32 in, float32 out, one float32 rounding from the float64 oracle."""
    _check(case, min_periods, 1e-6)


@given(normal_cases(), st.integers(0, 4))
def test_matches_pandas(case: Case, min_periods: int) -> None:
    """Equal to pandas ``expanding()`` to 1e-12 on N(0,1) data with NaN (same NaN pattern)."""
    s, t = pd.Series(case.x), pd.Series(case.y)
    e = s.expanding(min_periods=min_periods)
    want = {
        "mean": e.mean(),
        "var": e.var(ddof=case.ddof),
        "std": e.std(ddof=case.ddof),
        "cov": e.cov(t, ddof=case.ddof),
        "corr": e.corr(t),
    }
    for stat, expected in want.items():
        got = _call(stat, s, t, min_periods, case.ddof)
        raw = np.maximum.accumulate(np.nan_to_num(np.maximum(np.abs(case.x), np.abs(case.y)), nan=0.0))
        tol = 1e-12 * np.maximum(1.0, np.abs(expected)) * np.maximum(1.0, raw if stat in TWO else 1.0)
        assert_close(got, expected, tol, f"expanding_{stat} vs pandas")


# -- the numerics bar ---------------------------------------------------------------------------


def _walks(n: int, offset: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dx = rng.standard_normal(n)
    return offset + np.cumsum(dx), offset + np.cumsum(0.6 * dx + 0.8 * rng.standard_normal(n))


def _ends(n: int) -> list[int]:
    block = bind.EXPANDING_BLOCK
    picks = {0, 1, 2, 100, n - 1} | {b * block + d for b in range(1, n // block + 1) for d in (-1, 0, 1)}
    return sorted(i for i in picks if 0 <= i < n)


@pytest.mark.parametrize("offset", [0.0, 1e4, 1e8, 1e12])
def test_price_levels(offset: float) -> None:
    """Prices at 1e4..1e12 plus unit random-walk noise, across block boundaries: within 2e-11."""
    x, y = _walks(3 * bind.EXPANDING_BLOCK + 50, offset)
    _check(Case(x, y, 1, None, 1), 1, BAR, _ends(len(x)))


@pytest.mark.parametrize("pos", [0, 5, bind.EXPANDING_BLOCK, bind.EXPANDING_BLOCK + 17])
def test_outlier(pos: int) -> None:
    """A 1e10 outlier (at a block's first row too, where it becomes the block's shift) stays exact."""
    x, y = _walks(2 * bind.EXPANDING_BLOCK + 50, 1e8)
    x[pos] = 1e10
    _check(Case(x, y, 1, None, 1), 1, BAR, [*_ends(len(x)), pos])


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="2,000,000 rows in plain Python take minutes")
def test_two_million_points_offset_1e8() -> None:
    """A 2,000,000-point random walk at 1e8: no drift, the last rows included."""
    n = 2_000_000
    x, y = _walks(n, 1e8, seed=7)
    ends = [n // 3, n // 2 + 1, n - 2, n - 1]
    _check(Case(x, y, 1, None, 1), 1, BAR, ends)


def test_stale_prefix_is_exact() -> None:
    """A constant prefix over several blocks: mean exact, var and cov exactly 0, corr NaN."""
    x, y = _walks(3 * bind.EXPANDING_BLOCK, 1e12)
    n0 = 2 * bind.EXPANDING_BLOCK + 9
    x[:n0] = x[0]
    assert (fx.expanding_mean(x)[:n0] == x[0]).all()
    assert (fx.expanding_var(x)[1:n0] == 0.0).all()
    assert (fx.expanding_cov(x, y)[1:n0] == 0.0).all()
    assert np.isnan(fx.expanding_corr(x, y)[:n0]).all()
    assert np.isfinite(fx.expanding_corr(x, y)[n0:]).all()


@pytest.mark.parametrize("stat", list(CODES))
def test_serial_and_parallel_paths_agree(stat: str, restore_threads: None) -> None:
    """The parallel three-pass driver gives the serial driver's bits, on 1 thread and on 2."""
    t = 3 * bind.EXPANDING_BLOCK + 77
    x = np.ascontiguousarray(np.stack(_walks(t, 1e8, seed=2) + _walks(t, 1e8, seed=3)))
    x[1, 500:9000] = np.nan
    x[2, ::7] = np.inf
    ix = np.arange(4)
    iy = np.array([1, 0, 3, 2])
    serial = np.empty((4, t))
    expanding_2d_serial(x, ix, x, iy, CODES[stat], 3, 1, bind.EXPANDING_BLOCK, serial)
    for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        numba.set_num_threads(threads)
        parallel = np.empty((4, t))
        expanding_2d(x, ix, x, iy, CODES[stat], 3, 1, bind.EXPANDING_BLOCK, parallel)
        assert bits_equal(serial, parallel), threads


def test_frame_against_series_and_alignment() -> None:
    """A DataFrame against a Series is column-wise; two Series on different indexes align as in pandas."""
    x, y = _walks(300, 0.0)
    frame = pd.DataFrame({"a": x, "b": y})
    s = pd.Series(y, name="s")
    got = fx.expanding_corr(frame, s)
    assert got.columns.tolist() == ["a", "b"]
    assert bits_equal(got["a"].to_numpy(), fx.expanding_corr(frame["a"], s).to_numpy())
    t = pd.Series(y[:200], index=np.arange(100, 300))
    assert_close(fx.expanding_cov(frame["a"], t), frame["a"].expanding().cov(t), 1e-12, "aligned")


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"min_periods": -1}, ValueError, "min_periods must be a non-negative integer, got -1"),
        ({"min_periods": None}, TypeError, "min_periods must be a non-negative integer, got None of type NoneType"),
        ({"ddof": -1}, ValueError, "ddof must be a non-negative integer, got -1"),
        ({"ddof": 0.5}, TypeError, "ddof must be a non-negative integer, got 0.5 of type float"),
    ],
)
def test_errors(kwargs: dict, exc: type[Exception], message: str) -> None:
    """Bad options name the argument, the value and what was expected."""
    with pytest.raises(exc, match=re.escape(message)):
        fx.expanding_var(np.arange(5.0), **kwargs)
    with pytest.raises(exc, match=re.escape(message)):
        fx.expanding_cov(np.arange(5.0), np.arange(5.0), **kwargs)
