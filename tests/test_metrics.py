"""fastcorr.metrics: period returns, Sharpe ratios, turnover and composites against oracles and by hand.

Oracles (``naive_metrics``) work one column and one period at a time with
``math.fsum`` and exact fractions; hypothesis draws ragged, gappy, NaN-laden
frames. A small worked example is checked against numbers derived by hand.
Bad input must raise an error that names the argument, the column and the
date, never drop a value silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import naive_metrics as nm
import numba
import numpy as np
import pandas as pd
import pytest
from checks import assert_close
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED

from fastcorr import metrics
from fastcorr.bindings import periods as pb
from fastcorr.kernels import reducers as kr

MAX_ROWS = 60 if JIT_DISABLED else 250
MAX_DAYS = 150 if JIT_DISABLED else 700
MODES = ("geometric", "arithmetic", "none")
NAN = math.nan


def _days(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


# --- strategies -----------------------------------------------------------------------------


@st.composite
def return_frames(draw: st.DrawFn, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Monthly-like returns: ragged starts and ends, NaN holes, constant columns, large offsets, -100 %."""
    n = draw(st.integers(0, max_rows))
    ncols = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cols = {}
    for c in range(ncols):
        kind = draw(st.sampled_from(["normal", "normal", "constant", "offset", "levels", "loss"]))
        if kind == "constant":
            a = np.full(n, draw(st.sampled_from([0.0, 0.01, -0.3, 1e-9])))
        elif kind == "offset":  # price-like magnitudes: raw power sums would lose every digit here
            a = draw(st.sampled_from([1e4, 1e8])) + rng.standard_normal(n) * 1e-2
        elif kind == "levels":  # ties: many equal values
            a = rng.integers(-2, 3, n) / 100.0
        else:
            a = rng.standard_normal(n) * draw(st.sampled_from([1e-4, 0.05, 0.3])) + 0.005
            a = np.maximum(a, -1.0)
            if kind == "loss" and n:
                a[rng.integers(0, n)] = -1.0
        if n:
            start = draw(st.integers(0, n))
            a[:start] = NAN
            stop = draw(st.integers(start, n))
            if draw(st.booleans()):
                a[stop:] = NAN
            a[rng.random(n) < draw(st.sampled_from([0.0, 0.05, 0.3]))] = NAN
        cols[f"c{c}"] = a
    return pd.DataFrame(cols, index=pd.date_range("2000-01-31", periods=n, freq="ME"))


@st.composite
def price_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Daily prices on business days with dropped days, ragged columns and NaN holes (whole months too)."""
    n = draw(st.integers(0, MAX_DAYS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    index = _days(draw(st.sampled_from(["1999-12-27", "2003-02-26", "2011-06-30"])), n)
    index = index[rng.random(n) > draw(st.sampled_from([0.0, 0.2, 0.9]))]
    t = len(index)
    cols = {}
    for c in range(draw(st.integers(1, 3))):
        offset = draw(st.sampled_from([1.0, 100.0, 1e8]))
        a = offset * np.exp(np.cumsum(rng.standard_normal(t) * 0.01))
        if draw(st.booleans()):
            a[:] = offset  # a flat price: zero returns, which are real
        if t:
            a[: draw(st.integers(0, t))] = NAN
            if draw(st.booleans()):
                a[draw(st.integers(0, t)) :] = NAN
            a[rng.random(t) < draw(st.sampled_from([0.0, 0.1, 0.6]))] = NAN
        cols[f"p{c}"] = a
    return pd.DataFrame(cols, index=index)


# --- worked example (checked by hand) -----------------------------------------------------


def test_worked_example_by_hand() -> None:
    """Daily prices -> monthly returns -> Sharpe, every number derived by hand in the comments.

    Asset A month-end prices 100, 110, 99, 108.9 (the last trading day of March
    has no price, so March's is the 30th): returns +10 %, -10 %, +10 %.
    mean = 1/30, deviations 2/30, -4/30, 2/30, sum of squares 24/900, var (ddof 1)
    = 12/900, so std * sqrt(12) = sqrt(144/900) = 0.4.
    Geometric: ((31/30)^12 - 1) / 0.4 = 0.48212648965 / 0.4 = 1.20531622414.
    Arithmetic: (12/30) / 0.4 = 1 exactly.
    Asset B starts in February at 50, then 55, 44: returns +10 %, -20 %
    (January and February NaN: no return before a second price).
    mean -0.05, deviations +-0.15, var 0.045, std * sqrt(12) = sqrt(0.54);
    arithmetic Sharpe -0.6 / sqrt(0.54) = -sqrt(2/3) = -0.81649658.
    """
    days = pd.to_datetime(
        ["2023-01-30", "2023-01-31", "2023-02-27", "2023-02-28", "2023-03-30", "2023-03-31", "2023-04-28"]
    )
    prices = pd.DataFrame(
        {
            "A": [97.0, 100.0, 111.0, 110.0, 99.0, NAN, 108.9],
            "B": [NAN, NAN, 49.0, 50.0, 55.0, 55.0, 44.0],
        },
        index=days,
    )
    r = metrics.period_returns(prices)
    assert list(r.index) == list(pd.to_datetime(["2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30"]))
    np.testing.assert_allclose(r["A"].to_numpy(), [NAN, 0.10, -0.10, 0.10], rtol=1e-14)
    np.testing.assert_allclose(r["B"].to_numpy(), [NAN, NAN, 0.10, -0.20], rtol=1e-14)
    s = metrics.sharpe(r)
    assert s.index.tolist() == ["A", "B"] and s.name == "sharpe"
    assert s["A"] == pytest.approx(1.2053162241365916, rel=1e-14)
    a = metrics.sharpe(r, annualize="arithmetic")
    assert a["A"] == pytest.approx(1.0, rel=1e-14)
    assert a["B"] == pytest.approx(-math.sqrt(2 / 3), rel=1e-14)
    assert metrics.annualized_volatility(r)["A"] == pytest.approx(0.4, rel=1e-14)
    assert metrics.annualized_return(r)["A"] == pytest.approx(0.48212648965463667, rel=1e-14)
    # Per period: mean / std = (1/30) / sqrt(12/900) = 1 / sqrt(12).
    assert metrics.sharpe(r, annualize="none")["A"] == pytest.approx(1 / math.sqrt(12), rel=1e-14)
    # Log returns: log(1.1), log(0.9), log(1.1).
    np.testing.assert_allclose(
        metrics.period_returns(prices, method="log")["A"].to_numpy()[1:], np.log([1.1, 0.9, 1.1]), rtol=1e-14
    )


def test_worked_turnover_by_hand() -> None:
    """One number per class of the study, derived by hand."""
    # Bonds: monthly trading value / custody balance: 30 / 1000, 40 / 800.
    months = pd.to_datetime(["2023-01-31", "2023-02-28"])
    bonds = metrics.turnover(
        pd.DataFrame({"govt": [30.0, 40.0]}, index=months), pd.DataFrame({"govt": [1000.0, 800.0]}, index=months)
    )
    np.testing.assert_allclose(bonds["govt"].to_numpy(), [0.03, 0.05], rtol=1e-15)
    # Equities: daily traded value summed over the month (5 + 15) / month-end market cap 1000.
    days = pd.to_datetime(["2023-01-16", "2023-01-31"])
    eq = metrics.turnover(
        pd.DataFrame({"kospi": [5.0, 15.0]}, index=days), pd.DataFrame({"kospi": [900.0, 1000.0]}, index=days)
    )
    assert eq["kospi"].iloc[0] == pytest.approx(0.02, rel=1e-15)
    # ... or over the average market cap (900 + 1000) / 2 = 950: 20 / 950.
    avg = metrics.turnover(
        pd.DataFrame({"kospi": [5.0, 15.0]}, index=days),
        pd.DataFrame({"kospi": [900.0, 1000.0]}, index=days),
        size_basis="mean",
    )
    assert avg["kospi"].iloc[0] == pytest.approx(20 / 950, rel=1e-15)
    # S&P 500: daily turnovers 4 / 1000 and 6 / 1000, mean 0.005, times 22 days = 0.11.
    spx = metrics.turnover(
        pd.Series([4.0, 6.0], index=days, name="spx"),
        pd.Series([1000.0, 1000.0], index=days, name="spx"),
        method="daily_average",
    )
    assert isinstance(spx, pd.Series) and spx.name == "spx"
    assert spx.iloc[0] == pytest.approx(0.11, rel=1e-15)
    # Art: annual traded value 120 / stock 1000, per month: 0.12 / 12 = 0.01.
    years = pd.to_datetime(["2021-12-31", "2022-12-31"])
    art = metrics.turnover(
        pd.DataFrame({"art": [120.0, 60.0]}, index=years),
        pd.DataFrame({"art": [1000.0, 1000.0]}, index=years),
        method="annual",
    )
    np.testing.assert_allclose(art["art"].to_numpy(), [0.01, 0.005], rtol=1e-15)
    # Futures sector: weights 2 and 1; traded 10 and 40; month-end open interest 100 and 200:
    # (2 * 10 + 1 * 40) / (2 * 100 + 1 * 200) = 60 / 400 = 0.15.
    v = pd.DataFrame({"gold": [4.0, 6.0], "silver": [40.0, NAN]}, index=days)
    oi = pd.DataFrame({"gold": [90.0, 100.0], "silver": [150.0, 200.0]}, index=days)
    fut = metrics.turnover(
        v, oi, method="weighted", weights={"gold": 2.0, "silver": 1.0}, groups={"gold": "metals", "silver": "metals"}
    )
    assert fut.columns.tolist() == ["metals"]
    assert fut["metals"].iloc[0] == pytest.approx(0.15, rel=1e-15)


def test_worked_composite_by_hand() -> None:
    """Chain-linking with weights of the previous row; C enters, A leaves.

    Row 1: (1 * 10 % + 3 * 0 %) / 4 = 2.5 %                       -> 102.5
    Row 2: (2 * -10 % + 2 * 10 %) / 4 = 0 (C has no level at row 1) -> 102.5
    Row 3: (2 * 10 % + 2 * 0 % + 4 * 5 %) / 8 = 5 %               -> 107.625
    Row 4: A is gone: (2 * -10 % + 4 * 0 %) / 6 = -1/30           -> 104.0375
    """
    levels = pd.DataFrame(
        {
            "A": [100.0, 110.0, 99.0, 108.9, NAN],
            "B": [50.0, 50.0, 55.0, 55.0, 49.5],
            "C": [NAN, NAN, 20.0, 21.0, 21.0],
        }
    )
    caps = pd.DataFrame(
        {"A": [1.0, 2.0, 2.0, 2.0, NAN], "B": [3.0, 2.0, 2.0, 2.0, 2.0], "C": [NAN, NAN, 4.0, 4.0, 4.0]}
    )
    out = metrics.composite(levels, caps)
    np.testing.assert_allclose(out.to_numpy(), [100.0, 102.5, 102.5, 107.625, 107.625 * (1 - 1 / 30)], rtol=1e-14)
    assert out.name == "composite" and out.index.equals(levels.index)
    arr = metrics.composite(levels.to_numpy(), caps.to_numpy(), base=1.0)
    np.testing.assert_allclose(arr, out.to_numpy() / 100.0, rtol=1e-14)


# --- Sharpe and moments against the oracles -------------------------------------------------


def _tol(expected: np.ndarray, rel: float = 1e-12) -> np.ndarray:
    return np.nan_to_num(np.abs(expected), nan=0.0) * rel + 1e-300


def _sharpe_tol(frame: pd.DataFrame, expected: np.ndarray, periods: float, mode: str, ddof: int = 1) -> np.ndarray:
    """Relative 1e-12, plus what a mean off by a few ulp of the column's largest value moves the ratio.

    A mean that is exactly 0 in exact arithmetic comes out as +-1e-18 from any
    floating-point summation: relative error is meaningless there.
    """
    slack = []
    for c in frame.columns:
        x = frame[c].to_numpy()
        _, m, sd = nm.moments(x, ddof, 1)
        if not (sd > 0 and math.isfinite(m)):
            slack.append(0.0)
            continue
        big = float(np.nanmax(np.abs(x)))
        scale = 1.0 if mode == "none" else math.sqrt(periods)
        if mode == "geometric":
            with np.errstate(over="ignore"):
                slope = periods * float(np.float64(1.0 + abs(m)) ** (periods - 1))
        else:
            slope = periods if mode == "arithmetic" else 1.0
        slack.append(min(8 * 2.0**-52 * big * slope / (sd * scale), 1e300))
    return _tol(expected) + np.array(slack)


@given(
    frame=return_frames(),
    periods=st.sampled_from([1, 4, 12, 52, 252, 365.25]),
    mode=st.sampled_from(MODES),
    ddof=st.integers(0, 2),
    min_periods=st.integers(0, 5),
)
def test_sharpe_matches_oracle(frame: pd.DataFrame, periods: float, mode: str, ddof: int, min_periods: int) -> None:
    got = metrics.sharpe(frame, periods_per_year=periods, annualize=mode, ddof=ddof, min_periods=min_periods)
    expected = np.array(
        [nm.sharpe_column(frame[c].to_numpy(), periods, 0.0, mode, ddof, min_periods) for c in frame.columns]
    )
    assert got.index.equals(frame.columns)
    with np.errstate(invalid="ignore"):  # inf - inf where compounding overflows in both
        assert_close(got.to_numpy(), expected, _sharpe_tol(frame, expected, periods, mode, ddof), "sharpe")
    assert not np.isinf(got.to_numpy()[np.isfinite(expected)]).any()


@given(frame=return_frames(), mode=st.sampled_from(MODES), ddof=st.integers(0, 1))
def test_return_and_volatility_match_oracle(frame: pd.DataFrame, mode: str, ddof: int) -> None:
    ret = metrics.annualized_return(frame, annualize=mode)
    vol = metrics.annualized_volatility(frame, annualize=mode, ddof=ddof)
    moments = [nm.moments(frame[c].to_numpy(), ddof, 2) for c in frame.columns]
    exp_ret = np.array([nm.growth(m, 12, mode) for _, m, _ in moments])
    scale = 1.0 if mode == "none" else math.sqrt(12)
    exp_vol = np.array([s * scale for _, _, s in moments])
    big = np.array([np.nanmax(np.abs(frame[c].to_numpy()), initial=0.0) for c in frame.columns])
    with np.errstate(over="ignore", invalid="ignore"):
        slope = 12 * (1 + np.abs(exp_ret)) if mode == "geometric" else (12.0 if mode == "arithmetic" else 1.0)
    ret_tol = _tol(exp_ret) + np.nan_to_num(8 * 2.0**-52 * big * slope, nan=0.0)
    assert_close(ret.to_numpy(), exp_ret, ret_tol, "annualized_return")
    assert_close(vol.to_numpy(), exp_vol, _tol(exp_vol), "annualized_volatility")


@given(frame=return_frames(), rf=st.sampled_from([0.03, -0.005, 0.5]), mode=st.sampled_from(MODES))
def test_sharpe_with_annual_rf(frame: pd.DataFrame, rf: float, mode: str) -> None:
    """A constant annual rate is converted to (1 + rf) ** (1 / p) - 1 and subtracted per period."""
    got = metrics.sharpe(frame, rf=rf, annualize=mode)
    rf_p = nm.rf_per_period(rf, 12)
    expected = np.array([nm.sharpe_column(frame[c].to_numpy(), 12, rf_p, mode) for c in frame.columns])
    # The kernel subtracts rf from the mean, the oracle from each return: equal up to the returns' rounding.
    scale = np.array([np.nanmax(np.abs(frame[c].to_numpy()), initial=0.0) for c in frame.columns])
    vol = metrics.annualized_volatility(frame, annualize=mode).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        slack = np.nan_to_num(1e-14 * scale * 12 / vol, nan=0.0, posinf=0.0)
    assert_close(got.to_numpy(), expected, _sharpe_tol(frame, expected, 12, mode) + slack, "rf")


def test_sharpe_with_rf_series_and_array() -> None:
    rng = np.random.default_rng(1)
    idx = pd.date_range("2001-01-31", periods=120, freq="ME")
    r = pd.DataFrame(rng.standard_normal((120, 3)) * 0.04 + 0.006, index=idx, columns=list("xyz"))
    r.iloc[:30, 1] = NAN
    rf = pd.Series(np.linspace(0.004, -0.001, 150), index=pd.date_range("2000-01-31", periods=150, freq="ME"))
    got = metrics.sharpe(r, rf=rf)
    rf_rows = rf.reindex(idx).to_numpy()
    expected = np.array([nm.sharpe_column(r[c].to_numpy(), 12, rf_rows) for c in r.columns])
    assert_close(got.to_numpy(), expected, _sharpe_tol(r, expected, 12, "geometric"), "rf series")
    arr = metrics.sharpe(r.to_numpy(), rf=rf_rows)
    np.testing.assert_array_equal(arr, got.to_numpy())


def test_sharpe_against_pandas_and_empyrical_formulas() -> None:
    """Geometric: the study's pandas expression; arithmetic: empyrical's sqrt(p) * mean / std.

    pandas' ``(1 + mean) ** 12 - 1`` loses the digits of a small mean in ``1 + mean``
    (fastcorr uses ``expm1(12 * log1p(mean))``): hence the absolute slack.
    """
    rng = np.random.default_rng(7)
    r = pd.DataFrame(rng.standard_normal((240, 50)) * 0.05 + 0.004)
    r.iloc[:100, ::3] = NAN
    study = ((1 + r.mean()) ** 12 - 1) / (r.std() * np.sqrt(12))
    assert_close(metrics.sharpe(r).to_numpy(), study.to_numpy(), 1e-12 * np.abs(study.to_numpy()) + 1e-13, "study")
    emp = np.sqrt(12) * r.mean() / r.std()
    got = metrics.sharpe(r, annualize="arithmetic").to_numpy()
    assert_close(got, emp.to_numpy(), 1e-12 * np.abs(emp.to_numpy()), "empyrical")


def test_sharpe_is_return_over_volatility() -> None:
    rng = np.random.default_rng(3)
    r = rng.standard_normal((100, 4)) * 0.03
    for mode in MODES:
        s = metrics.sharpe(r, annualize=mode)
        q = metrics.annualized_return(r, annualize=mode) / metrics.annualized_volatility(r, annualize=mode)
        np.testing.assert_allclose(s, q, rtol=1e-15)


def test_annual_series_use_returns_directly() -> None:
    """periods_per_year=1 (art auctions): mean annual return / std of annual returns."""
    r = np.array([0.12, -0.05, 0.20, 0.03])
    mean, std = r.mean(), r.std(ddof=1)
    assert metrics.sharpe(r, periods_per_year=1) == pytest.approx(mean / std, rel=1e-14)
    assert metrics.annualized_return(r, periods_per_year=1) == pytest.approx(mean, rel=1e-14)
    assert metrics.annualized_volatility(r, periods_per_year=1) == pytest.approx(std, rel=1e-14)


def test_zero_volatility_nan_never_inf() -> None:
    r = pd.DataFrame({"cash": [0.002] * 24, "flat": [0.0] * 24, "short": [0.01, NAN, NAN, NAN] * 6})
    r.iloc[1:, 2] = NAN
    for rf in (0.0, 0.03):
        s = metrics.sharpe(r, rf=rf)
        assert s.isna().all()
    assert metrics.annualized_volatility(r)["cash"] == 0.0
    assert math.isnan(metrics.sharpe(r["short"], min_periods=1))


def test_min_periods_and_nan_skipping() -> None:
    r = pd.DataFrame({"a": [0.01, NAN, 0.03, NAN, 0.02], "b": [NAN, NAN, NAN, 0.01, 0.02]})
    s = metrics.sharpe(r, min_periods=3)
    assert not math.isnan(s["a"]) and math.isnan(s["b"])
    assert s["a"] == metrics.sharpe(r["a"].dropna())
    assert not math.isnan(metrics.sharpe(r, min_periods=2)["b"])


def test_input_families() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((30, 3)) * 0.02
    frame = metrics.sharpe(pd.DataFrame(a, columns=["x", "y", "z"]))
    arr = metrics.sharpe(a)
    assert isinstance(arr, np.ndarray) and arr.shape == (3,)
    np.testing.assert_array_equal(arr, frame.to_numpy())
    one = metrics.sharpe(a[:, 1])
    assert isinstance(one, float) and one == arr[1]
    assert metrics.sharpe(pd.Series(a[:, 2])) == arr[2]
    assert metrics.sharpe(a.astype(np.float32))[0] == pytest.approx(arr[0], rel=1e-6)
    assert metrics.sharpe(pd.DataFrame(a).astype("Float64"))[0] == arr[0]
    empty = metrics.sharpe(np.empty((0, 2)))
    assert np.isnan(empty).all() and empty.shape == (2,)


# --- rolling Sharpe -------------------------------------------------------------------------


@given(
    frame=return_frames(max_rows=80),
    window=st.integers(1, 30),
    mode=st.sampled_from(MODES),
    mp=st.one_of(st.none(), st.integers(0, 30)),
)
def test_rolling_sharpe_matches_oracle(frame: pd.DataFrame, window: int, mode: str, mp: int | None) -> None:
    mp = None if mp is None else min(mp, window)
    got = metrics.rolling_sharpe(frame, window, min_periods=mp, annualize=mode)
    assert got.index.equals(frame.index) and got.columns.equals(frame.columns)
    for c in frame.columns:
        expected = nm.rolling_sharpe(frame[c].to_numpy(), window, mp, 12, mode)
        x = frame[c].to_numpy()
        # The rolling kernel is exact to a few ulp of the window's own scale; the Sharpe divides by std.
        scale = np.array([np.nanmax(np.abs(x[max(0, i - window + 1) : i + 1]), initial=0.0) for i in range(len(x))])
        std = np.array([nm.moments(x[max(0, i - window + 1) : i + 1], 1, 2)[2] for i in range(len(x))])
        with np.errstate(invalid="ignore", divide="ignore"):
            tol = _tol(expected, 1e-10) + 1e-13 * scale * 12 / np.where(std > 0, std, np.inf) * 12
        assert_close(got[c].to_numpy(), np.where(std > 1e-9 * scale, expected, got[c].to_numpy()), tol, c)


def test_rolling_sharpe_equals_sharpe_on_last_window() -> None:
    rng = np.random.default_rng(5)
    r = pd.Series(rng.standard_normal(500) * 0.04 + 0.01)
    got = metrics.rolling_sharpe(r, 60, rf=0.02)
    assert got.iloc[-1] == pytest.approx(metrics.sharpe(r.iloc[-60:], rf=0.02), rel=1e-12)
    assert got.iloc[:59].isna().all()
    arr = metrics.rolling_sharpe(r.to_numpy(), 60, rf=0.02)
    np.testing.assert_array_equal(arr, got.to_numpy())


# --- period returns -------------------------------------------------------------------------


@given(
    prices=price_frames(),
    freq=st.sampled_from(["ME", "QE", "W-FRI", "YE", "D", "BME", "2ME", "MS"]),
    method=st.sampled_from(["simple", "log"]),
)
def test_period_returns_match_oracle_and_pandas(prices: pd.DataFrame, freq: str, method: str) -> None:
    got = metrics.period_returns(prices, freq, method=method)
    expected = nm.period_returns(prices, freq, method)
    assert got.index.equals(expected.index) and got.columns.equals(prices.columns)
    for c in prices.columns:
        assert_close(got[c].to_numpy(), expected[c].to_numpy(), _tol(expected[c].to_numpy(), 1e-15), c)
    if method == "simple":
        pandas = prices.resample(freq).last().pct_change()
        assert got.index.equals(pandas.index)
        np.testing.assert_allclose(got.to_numpy(), pandas.to_numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    "freq", ["ME", "QE", "QE-MAR", "YE", "YE-JUN", "W", "W-WED", "D", "BME", "2W", "MS", "h", "15min"]
)
@pytest.mark.parametrize("kind", ["daily", "intraday", "tz", "sparse"])
def test_bins_equal_resample(freq: str, kind: str) -> None:
    """Labels and membership of the fast Period path equal those of pandas' resample."""
    rng = np.random.default_rng(len(freq) + len(kind))
    if kind == "daily":
        index = pd.date_range("2019-12-20", periods=600, freq="D")
    elif kind == "sparse":
        index = pd.date_range("2015-03-01", periods=3000, freq="D")[rng.random(3000) < 0.05]
    else:
        stamps = np.sort(rng.integers(0, 400 * 86_400, 500)) * 1_000_000_000 + 1_577_836_800_000_000_000
        index = pd.DatetimeIndex(np.unique(stamps).astype("datetime64[ns]"))
        if kind == "tz":
            index = index.tz_localize("America/New_York", ambiguous="NaT", nonexistent="NaT").dropna()
    if freq in ("h", "15min") and kind in ("daily", "sparse"):
        index = index[:200]
    labels, bounds = pb.bins(index, pb.offset(freq))
    counts = pd.Series(np.zeros(len(index)), index=index).resample(freq).size()
    np.testing.assert_array_equal(labels.asi8, counts.index.asi8)
    assert labels.tz == counts.index.tz
    np.testing.assert_array_equal(np.diff(bounds), counts.to_numpy())
    assert bounds[0] == 0 and bounds[-1] == len(index)


def test_period_returns_no_fake_zero_across_missing_month() -> None:
    idx = pd.to_datetime(["2020-01-31", "2020-03-31", "2020-04-30"])
    got = metrics.period_returns(pd.Series([100.0, 110.0, 121.0], index=idx, name="x"))
    assert isinstance(got, pd.Series) and got.name == "x"
    assert got.index.tolist() == list(pd.to_datetime(["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30"]))
    np.testing.assert_allclose(got.to_numpy(), [NAN, NAN, NAN, 0.1], rtol=1e-15)


def test_period_returns_empty() -> None:
    empty = pd.DataFrame({"a": []}, index=pd.DatetimeIndex([]), dtype=float)
    assert metrics.period_returns(empty).shape == (0, 1)


# --- turnover -------------------------------------------------------------------------------


@st.composite
def turnover_inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(0, MAX_DAYS // 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    index = _days("2018-01-01", n)
    index = index[rng.random(n) > draw(st.sampled_from([0.0, 0.3]))]
    t = len(index)
    ncols = draw(st.integers(1, 4))
    value = rng.exponential(1e6, (t, ncols))
    value[rng.random((t, ncols)) < 0.05] = 0.0
    size = 1e9 * np.exp(np.cumsum(rng.standard_normal((t, ncols)) * 0.01, axis=0))
    for arr in (value, size):
        arr[rng.random((t, ncols)) < draw(st.sampled_from([0.0, 0.1, 0.5]))] = NAN
    if t:
        value[: draw(st.integers(0, t)), 0] = NAN
    cols = [f"a{i}" for i in range(ncols)]
    return pd.DataFrame(value, index=index, columns=cols), pd.DataFrame(size, index=index, columns=cols)


@given(
    data=turnover_inputs(),
    method=st.sampled_from(["ratio", "annual", "daily_average"]),
    basis=st.sampled_from(["end", "mean"]),
    freq=st.sampled_from([None, "ME", "QE", "W"]),
)
def test_turnover_matches_oracle(data: tuple[pd.DataFrame, pd.DataFrame], method: str, basis: str, freq: Any) -> None:
    value, size = data
    if method == "annual":
        freq = None
    got = metrics.turnover(value, size[size.columns[::-1]], freq=freq, method=method, size_basis=basis)
    f = freq or ("YE" if method == "annual" else "ME")
    expected = nm.turnover(value, size, f, method, basis)
    assert got.index.equals(expected.index) and got.columns.equals(value.columns)
    for c in value.columns:
        assert_close(got[c].to_numpy(), expected[c].to_numpy(), _tol(expected[c].to_numpy(), 1e-14), c)


@given(data=turnover_inputs(), grouped=st.booleans())
def test_weighted_turnover_matches_oracle(data: tuple[pd.DataFrame, pd.DataFrame], grouped: bool) -> None:
    value, oi = data
    rng = np.random.default_rng(len(value))
    weights = {
        c: float(w) for c, w in zip(value.columns, rng.choice([0.0, 0.5, 2.0, 7.0], len(value.columns)), strict=True)
    }
    groups = {c: ("energy" if i % 2 else "metals") for i, c in enumerate(value.columns)} if grouped else None
    got = metrics.turnover(value, oi, method="weighted", weights=weights, groups=groups)
    expected = nm.weighted_turnover(value, oi, "ME", weights, groups)
    assert got.columns.equals(expected.columns) and got.index.equals(expected.index)
    for g in expected.columns:
        assert_close(got[g].to_numpy(), expected[g].to_numpy(), _tol(expected[g].to_numpy(), 1e-14), str(g))


def test_mean_turnover_range_and_groups() -> None:
    idx = pd.date_range("2020-01-31", periods=6, freq="ME")
    t = pd.DataFrame(
        {"a": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "b": [NAN, NAN, 0.2, 0.2, NAN, 0.5], "c": [1.0] * 6}, index=idx
    )
    m = metrics.mean_turnover(t, start="2020-03-01", end="2020-05-31")
    np.testing.assert_allclose(m.to_numpy(), [0.4, 0.2, 1.0], rtol=1e-15)
    g = metrics.mean_turnover(t, groups={"a": "eq", "b": "eq", "c": "bond"})
    np.testing.assert_allclose(g.to_numpy(), [(0.35 + 0.3) / 2, 1.0], rtol=1e-15)
    assert g.index.tolist() == ["eq", "bond"] and g.name == "mean_turnover"
    assert metrics.mean_turnover(t["a"]) == pytest.approx(0.35, rel=1e-15)


# --- composite ------------------------------------------------------------------------------


@st.composite
def composite_inputs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    t = draw(st.integers(0, 80 if JIT_DISABLED else 600))
    n = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = 100 * np.exp(np.cumsum(rng.standard_normal((t, n)) * 0.02, axis=0))
    weights = rng.exponential(1.0, (t, n)) * draw(st.sampled_from([1.0, 1e12]))
    weights[rng.random((t, n)) < 0.1] = 0.0
    for i in range(n):
        if t:
            start = draw(st.integers(0, t))
            stop = draw(st.integers(start, t))
            levels[:start, i] = NAN
            levels[stop:, i] = NAN
    levels[rng.random((t, n)) < draw(st.sampled_from([0.0, 0.1]))] = NAN
    if t and draw(st.booleans()):
        levels[rng.integers(0, t), :] = NAN  # a day on which nothing trades
    weights[np.isnan(levels) & (rng.random((t, n)) < 0.5)] = NAN  # ignored where the level is missing
    return levels, weights


@given(data=composite_inputs())
def test_composite_matches_oracle(data: tuple[np.ndarray, np.ndarray]) -> None:
    levels, weights = data
    got = metrics.composite(levels, weights)
    expected = nm.composite(levels, weights)
    assert_close(got, expected, _tol(expected, 1e-12), "composite")


# --- determinism ----------------------------------------------------------------------------


@pytest.fixture
def threads() -> Iterator[None]:
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


def _bits(a: Any) -> bytes:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64)).tobytes()


def test_kernels_bitwise_for_any_thread_count_and_driver(threads: None) -> None:
    """Parallel drivers on 1 and 2 threads, and the serial drivers, give the same bits."""
    rng = np.random.default_rng(11)
    nser, t = (8, 300) if JIT_DISABLED else (64, 9_000)  # longer than a moments chunk
    x = rng.standard_normal((nser, t)) * 0.05
    x[rng.random((nser, t)) < 0.1] = NAN
    prices = 100 * np.exp(np.cumsum(np.nan_to_num(x) * 0.1, axis=1))
    x[3] += 1e8  # price-like values in one series: the moments kernel's hard case
    prices[:, ::7] = NAN
    bounds = np.unique(np.r_[0, np.sort(rng.integers(0, t, 200)), t]).astype(np.int64)
    weights = rng.exponential(1.0, (nser, t))
    group = rng.integers(0, 3, nser).astype(np.int64)
    results: dict[str, list[bytes]] = {}
    for label in ("serial", "par1", "par2"):
        if label != "serial":
            numba.set_num_threads(1 if label == "par1" else min(2, numba.config.NUMBA_NUM_THREADS))
        par = label != "serial"
        out: list[bytes] = []
        c, m, s = (np.empty(nser) for _ in range(3))
        bad = np.empty(nser, dtype=np.int64)
        (kr.column_moments_2d if par else kr.column_moments_2d_serial)(x, 1, 2, c, m, s, bad)
        out += [_bits(m), _bits(s)]
        pr = np.empty((nser, len(bounds) - 1))
        (kr.period_returns_2d if par else kr.period_returns_2d_serial)(prices, bounds, False, pr, bad)
        out.append(_bits(pr))
        to = np.empty((nser, len(bounds) - 1))
        bad2 = np.empty(nser, dtype=np.int64)
        (kr.turnover_2d if par else kr.turnover_2d_serial)(np.abs(x), prices, bounds, 0, True, 1.0, to, bad, bad2)
        out.append(_bits(to))
        (kr.turnover_2d if par else kr.turnover_2d_serial)(np.abs(x), prices, bounds, 1, False, 22.0, to, bad, bad2)
        out.append(_bits(to))
        tw = np.empty((3, len(bounds) - 1))
        scratch = [np.empty((nser, len(bounds) - 1)) for _ in range(2)]
        (kr.turnover_weighted_2d if par else kr.turnover_weighted_2d_serial)(
            np.abs(x), prices, bounds, np.ones(nser), group, *scratch, tw, bad, bad2
        )
        out.append(_bits(tw))
        nb = -(-t // kr.ROW_BLOCK)
        num, den = np.empty(t), np.empty(t)
        present = np.empty(t, dtype=np.bool_)
        bl, bw = np.empty((nb, nser), dtype=np.int64), np.empty((nb, nser), dtype=np.int64)
        (kr.composite_links if par else kr.composite_links_serial)(prices, weights, num, den, present, bl, bw)
        out += [_bits(num), _bits(den)]
        results[label] = out
    assert results["serial"] == results["par1"] == results["par2"]


def test_public_api_bitwise_for_any_thread_count(threads: None) -> None:
    rng = np.random.default_rng(12)
    t, n = (300, 20) if JIT_DISABLED else (5_040, 120)  # large enough for the parallel drivers
    idx = pd.bdate_range("2000-01-03", periods=t)
    prices = pd.DataFrame(100 * np.exp(np.cumsum(rng.standard_normal((t, n)) * 0.01, axis=0)), index=idx)
    prices.iloc[: t // 3, ::4] = NAN
    runs = []
    for k in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        numba.set_num_threads(k)
        r = metrics.period_returns(prices)
        runs.append(
            [
                _bits(r),
                _bits(metrics.sharpe(r)),
                _bits(metrics.turnover(prices, prices * 50.0)),
                _bits(metrics.composite(prices, prices.abs())),
            ]
        )
    assert runs[0] == runs[1]


# --- bad input ------------------------------------------------------------------------------

IDX = pd.date_range("2021-01-31", periods=4, freq="ME")


def _raises(exc: type[Exception], message: str) -> Any:
    return pytest.raises(exc, match=re.escape(message))


def test_bad_returns() -> None:
    r = pd.DataFrame({"ok": [0.1, 0.2, 0.0, 0.1], "bust": [0.1, -1.5, 0.0, 0.1]}, index=IDX)
    msg = "returns must be a return of at least -1 (-100 %) or NaN, never infinite; got -1.5 in column 'bust' at "
    for fn in (metrics.sharpe, metrics.annualized_return, metrics.annualized_volatility):
        with _raises(ValueError, msg + "Timestamp('2021-02-28"):
            fn(r)
    with _raises(ValueError, "got -1.5 in column 'bust'"):
        metrics.rolling_sharpe(r, 2)
    with _raises(ValueError, "got inf in column 1 at 2"):
        metrics.sharpe(np.array([[0.0, 0.1], [0.1, 0.2], [0.0, np.inf]]))
    with _raises(ValueError, "got -1.5 in column 'bust'"):
        metrics.sharpe(r, rf=pd.Series(0.001, index=IDX))
    # exactly -100 % is a real (total) loss, not an error
    assert not math.isnan(metrics.sharpe(np.array([0.1, -1.0, 0.1]), annualize="arithmetic"))


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"periods_per_year": 0}, ValueError, "periods_per_year must be a finite positive number, got 0"),
        ({"periods_per_year": "12"}, TypeError, "periods_per_year must be a positive number, got '12' of type str"),
        ({"annualize": "log"}, ValueError, "annualize must be one of 'geometric', 'arithmetic', 'none'; got 'log'"),
        ({"ddof": -1}, ValueError, "ddof must be a non-negative integer, got -1"),
        ({"min_periods": 1.5}, TypeError, "min_periods must be a non-negative integer, got 1.5 of type float"),
        ({"rf": -1.0}, ValueError, "rf must be a finite annual rate above -1 (-100 %), got -1.0"),
        ({"rf": "2%"}, TypeError, "rf must be a number (annual rate), a Series or a 1-D array, got str"),
        ({"rf": np.zeros(3)}, ValueError, "rf as an array must have shape (4,) (one rate per row), got (3,)"),
        ({"rf": pd.Series(0.0, index=IDX[:3])}, ValueError, "rf must have a rate for every date of returns; 1 missing"),
        ({"rf": pd.Series([0.0, NAN, 0.0, 0.0], index=IDX)}, ValueError, "rf must be finite and above -1 at every row"),
    ],
)
def test_bad_sharpe_arguments(kwargs: dict[str, Any], exc: type[Exception], message: str) -> None:
    with _raises(exc, message):
        metrics.sharpe(pd.DataFrame({"a": [0.1, 0.2, 0.0, 0.1]}, index=IDX), **kwargs)


def test_bad_prices_and_index() -> None:
    days = pd.to_datetime(["2021-01-29", "2021-02-26", "2021-03-31"])
    with _raises(ValueError, "prices must be a finite positive price or NaN at each period end; got 0.0 in column 'a'"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 0.0, 2.0]}, index=days))
    with _raises(ValueError, "got -3.0 in column 'a' at Timestamp('2021-03-31"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0, -3.0]}, index=days), method="log")
    with _raises(ValueError, "prices must have a sorted DatetimeIndex"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=days[::-1]))
    with _raises(ValueError, "prices must have unique dates"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=days[[0, 1, 1]]))
    with _raises(TypeError, "prices must have a DatetimeIndex, got RangeIndex"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0]}))
    with _raises(TypeError, "prices must be a pandas Series or DataFrame with a DatetimeIndex, got ndarray"):
        metrics.period_returns(np.ones(3))
    with _raises(ValueError, "freq must be a pandas frequency such as 'ME', 'QE', 'YE' or 'W', got 'monthly'"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=days), "monthly")
    with _raises(ValueError, "method must be one of 'simple', 'log'; got 'pct'"):
        metrics.period_returns(pd.DataFrame({"a": [1.0, 2.0, 3.0]}, index=days), method="pct")


def test_bad_turnover_inputs() -> None:
    days = pd.to_datetime(["2021-01-15", "2021-01-29", "2021-02-26"])
    v = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]}, index=days)
    s = pd.DataFrame({"a": [10.0, 10.0, 10.0], "b": [5.0, 5.0, 5.0]}, index=days)
    with _raises(
        ValueError, "size must be a finite positive size or NaN; got 0.0 in column 'b' at Timestamp('2021-01-29"
    ):
        metrics.turnover(v, s.assign(b=[5.0, 0.0, 5.0]))
    with _raises(ValueError, "size must be a finite positive size or NaN; got -5.0 in column 'a'"):
        metrics.turnover(v, s.assign(a=[10.0, 10.0, -5.0]), method="daily_average")
    with _raises(ValueError, "traded_value must be a finite non-negative traded value or NaN; got -1.0 in column 'b'"):
        metrics.turnover(v.assign(b=[1.0, -1.0, 1.0]), s)
    with _raises(
        ValueError, "traded_value and size must have the same columns; only in traded_value: ['b'], only in size: ['c']"
    ):
        metrics.turnover(v, s.rename(columns={"b": "c"}))
    with _raises(
        ValueError, "traded_value and size must have the same index (3 and 2 rows; first date only in traded_value"
    ):
        metrics.turnover(v, s.iloc[:2])
    with _raises(TypeError, "traded_value and size must both be DataFrames or both be Series"):
        metrics.turnover(v, s["a"])
    with _raises(ValueError, "freq must be yearly ('YE') for method='annual', got 'ME'"):
        metrics.turnover(v, s, method="annual", freq="ME")
    with _raises(ValueError, "method must be one of 'ratio', 'annual', 'daily_average', 'weighted'; got 'avg'"):
        metrics.turnover(v, s, method="avg")
    with _raises(ValueError, "weights is required for method='weighted'"):
        metrics.turnover(v, s, method="weighted")
    with _raises(ValueError, "weights must be finite and non-negative; got nan for column 'b'"):
        metrics.turnover(v, s, method="weighted", weights={"a": 1.0, "b": NAN})
    with _raises(ValueError, "weights must have a weight for every column; missing ['b']"):
        metrics.turnover(v, s, method="weighted", weights={"a": 1.0})
    with _raises(ValueError, "groups must map every column to a group; missing ['b']"):
        metrics.turnover(v, s, method="weighted", weights=[1.0, 1.0], groups={"a": "x"})
    with _raises(ValueError, "weights and groups are for method='weighted' only"):
        metrics.turnover(v, s, weights=[1.0, 1.0])
    with _raises(ValueError, "size must be a finite non-negative open interest value or NaN; got -1.0"):
        metrics.turnover(v, s.assign(a=[1.0, -1.0, 1.0]), method="weighted", weights=[1.0, 1.0])
    # zero open interest is allowed (a contract not listed yet); a group without open interest is NaN
    w = metrics.turnover(v, s * 0.0, method="weighted", weights=[1.0, 1.0])
    assert w["all"].isna().all()
    with _raises(ValueError, "trading_days must be a finite positive number, got 0"):
        metrics.turnover(v, s, method="daily_average", trading_days=0)
    with _raises(ValueError, "turnover must be a finite non-negative turnover or NaN; got -0.1 in column 'a'"):
        metrics.mean_turnover(pd.DataFrame({"a": [0.1, -0.1]}, index=days[:2]))


def test_bad_composite_inputs() -> None:
    lv = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0]})
    w = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [1.0, 1.0, 1.0]})
    with _raises(
        ValueError, "weights must be a finite non-negative weight where a level is present; got nan in column 'b' at 1"
    ):
        metrics.composite(lv, w.assign(b=[1.0, NAN, 1.0]))
    with _raises(
        ValueError, "weights must be a finite non-negative weight where a level is present; got -2.0 in column 'a'"
    ):
        metrics.composite(lv, w.assign(a=[1.0, 1.0, -2.0]))
    with _raises(ValueError, "levels must be a finite positive level or NaN; got 0.0 in column 'b' at 2"):
        metrics.composite(lv.assign(b=[1.0, 1.0, 0.0]), w)
    with _raises(ValueError, "levels and weights must have the same columns"):
        metrics.composite(lv, w.rename(columns={"a": "z"}))
    with _raises(ValueError, "levels and weights must have the same shape, got (3, 2) and (2, 2)"):
        metrics.composite(lv.to_numpy(), w.to_numpy()[:2])
    with _raises(ValueError, "levels must be 2-D (rows are dates, columns constituents), got 1-D"):
        metrics.composite(lv["a"].to_numpy(), w["a"].to_numpy())
    # weights are ignored where the level is missing
    ok = metrics.composite(lv.assign(b=[1.0, NAN, NAN]), w.assign(b=[1.0, NAN, -5.0]))
    assert not ok.isna().any()


def test_more_bad_labels() -> None:
    """Index, rf alignment, weights and groups: each mismatch is named."""
    r = pd.DataFrame({"a": [0.1, 0.2, 0.0, 0.1]}, index=IDX)
    with _raises(ValueError, "prices has NaT in its index at position 1"):
        metrics.period_returns(pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2021-01-01", None]), name="returns"))
    with _raises(TypeError, "rf can be a Series only when returns is a pandas object; pass a 1-D array"):
        metrics.sharpe(r.to_numpy(), rf=pd.Series(0.0, index=IDX))
    with _raises(ValueError, "rf must have unique dates"):
        metrics.sharpe(r, rf=pd.Series(0.0, index=IDX.append(IDX[:1])))
    days = IDX
    v = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 1.0, 1.0, 1.0]}, index=days)
    with _raises(TypeError, "weights must be a Series, a dict or a 1-D array, got str"):
        metrics.turnover(v, v, method="weighted", weights="equal")
    with _raises(ValueError, "weights must have one weight per column, shape (2,), got (3,)"):
        metrics.turnover(v, v, method="weighted", weights=[1.0, 1.0, 1.0])
    with _raises(ValueError, "weights has labels that are not columns of traded_value: ['zz']"):
        metrics.turnover(v, v, method="weighted", weights={"a": 1.0, "b": 1.0, "zz": 1.0})
    with _raises(TypeError, "groups must be a mapping column -> group (dict or Series), got list"):
        metrics.turnover(v, v, method="weighted", weights=[1.0, 1.0], groups=["x", "y"])
    with _raises(ValueError, "groups has labels that are not columns: ['zz']"):
        metrics.turnover(v, v, method="weighted", weights=[1.0, 1.0], groups={"a": "x", "b": "x", "zz": "y"})
    with _raises(ValueError, "groups must not map a column to a missing group; column 'b'"):
        metrics.turnover(v, v, method="weighted", weights=[1.0, 1.0], groups=pd.Series({"a": "x", "b": None}))
    with _raises(ValueError, "traded_value must have unique column labels"):
        metrics.turnover(v.set_axis(["a", "a"], axis=1), v.set_axis(["a", "a"], axis=1))
    with _raises(
        ValueError, "traded_value and size must have the same index (4 and 4 rows; first date only in traded_value"
    ):
        metrics.turnover(v, v.set_axis(IDX.shift(1), axis=0))
    with _raises(ValueError, "(4 and 4 rows; same dates in a different order)"):
        metrics.composite(v, v.iloc[::-1])
    with _raises(ValueError, "min_periods must be a non-negative integer, got -1"):
        metrics.sharpe(r, min_periods=-1)


def test_moments_across_chunks() -> None:
    """Series longer than a chunk: chunk merges match the oracle, a constant series still has std 0."""
    rng = np.random.default_rng(9)
    t = 3 * kr.CHUNK + 17
    x = np.vstack([1e8 + rng.standard_normal(t), rng.standard_normal(t) * 0.05, np.full(t, 0.25)])
    x[1, rng.random(t) < 0.2] = NAN
    x[1, : kr.CHUNK + 5] = NAN  # the first chunk empty, the second almost
    got_mean = metrics.annualized_return(x.T, annualize="none")
    got_std = metrics.annualized_volatility(x.T, annualize="none")
    for i in range(3):
        _, m, s = nm.moments(x[i])
        assert got_mean[i] == pytest.approx(m, rel=1e-15, abs=1e-17)
        assert got_std[i] == pytest.approx(s, rel=1e-12)
    assert got_std[2] == 0.0
    assert math.isnan(metrics.sharpe(x[2]))
