"""Time windows ("90D"), ``closed`` and ``center``: bounds against pandas, values against per-window oracles."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

import naive
import numba
import numpy as np
import pandas as pd
import pytest
from checks import assert_bounds, assert_close, bits_equal
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED, MAX_LEN, values

import fastcorr
from fastcorr.bindings import plan, windows
from fastcorr.kernels import time_windows as tw
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR

CLOSED = [None, "right", "left", "both", "neither"]
STATS = {"mean": MEAN, "var": VAR, "std": STD, "cov": COV, "corr": CORR}
RTOL64 = 1e-10  # as in test_rolling: var/std relative, cov in units of sx*sy, corr absolute
MEAN_TOL64 = 1e-12  # mean, in units of the window's largest |x|
TOL32 = 1e-6
PANDAS_TOL = 1e-12  # N(0,1) data, where pandas' raw-moment formulas are accurate


# -- data ---------------------------------------------------------------------


@st.composite
def timestamps(draw: st.DrawFn, n: int) -> pd.DatetimeIndex:
    """``n`` monotonic timestamps in seconds: regular, gappy or with runs of duplicates,
    increasing or (sometimes) decreasing."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["regular", "gaps", "duplicates", "bursts"]))
    if kind == "regular":
        steps = np.full(n, 60)
    elif kind == "gaps":
        steps = rng.integers(1, 600, n)
    elif kind == "duplicates":
        steps = rng.integers(0, 3, n) * 60
    else:
        steps = np.where(rng.random(n) < 0.1, rng.integers(600, 6000, n), rng.integers(0, 5, n))
    ticks = 1_700_000_000 + np.cumsum(steps)
    if draw(st.integers(0, 4)) == 0:
        ticks = ticks[::-1]
    return pd.DatetimeIndex(ticks.astype("M8[s]"))


@st.composite
def time_cases(draw: st.DrawFn, dtype: type[np.floating] = np.float64, normal: bool = False) -> dict[str, Any]:
    """Series ``x``, ``y`` on a drawn index, a window of 1 second to ~3 hours, closed, center, min_periods, ddof."""
    n = draw(st.integers(0, MAX_LEN))
    index = draw(timestamps(n))
    options: dict[str, Any] = (
        {"kinds": ("normal",), "offsets": False, "scales": (1.0,), "stale": False, "inf": False} if normal else {}
    )
    x = draw(values(n, **options))
    mode = draw(st.sampled_from(["independent", "mixed", "same"]))
    y = x.copy() if mode == "same" else draw(values(n, **options))
    if mode == "mixed":
        with np.errstate(invalid="ignore"):
            y = x + y
    with np.errstate(over="ignore"):
        x, y = x.astype(dtype), y.astype(dtype)
    return {
        "x": pd.Series(x, index=index),
        "y": pd.Series(y, index=index),
        "window": pd.Timedelta(seconds=draw(st.integers(1, 12_000))),
        "closed": draw(st.sampled_from(CLOSED)),
        "center": draw(st.booleans()),
        "min_periods": draw(st.one_of(st.none(), st.integers(0, 5))),
        "ddof": draw(st.integers(0, 2)),
    }


def _pandas_bounds(index: pd.Index, window: Any, closed: str | None, center: bool) -> tuple[np.ndarray, np.ndarray]:
    """pandas' window of each row as ``(first row, last row + 1)``, (-1, -1) when empty: from
    the rolling min and max of the row numbers."""
    pos = pd.Series(np.arange(len(index), dtype=np.float64), index=index)
    r = pos.rolling(window, closed=closed, center=center, min_periods=0)
    first = r.min().to_numpy()
    last = r.max().to_numpy()
    empty = np.isnan(first)
    return np.where(empty, -1, first).astype(np.int64), np.where(empty, -1, last + 1).astype(np.int64)


def _bounds(index: pd.Index, window: Any, closed: str | None, center: bool) -> tuple[np.ndarray, np.ndarray]:
    spec = windows.parse(window, None, closed, center)
    start, end = windows.bounds(spec, len(index), index, "x")
    empty = start >= end
    return np.where(empty, -1, start), np.where(empty, -1, end)


def _oracle(stat: str, x: np.ndarray, y: np.ndarray, start: np.ndarray, end: np.ndarray, min_periods: int, ddof: int):
    """Per-window two-pass oracle over explicit bounds: shift by a member, fsum mean, fsum products."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = np.full(len(start), np.nan)
    scale = np.zeros(len(start))
    for i, (s, e) in enumerate(zip(start, end, strict=True)):
        xs = x[s:e]
        ys = y[s:e] if stat in ("cov", "corr") else xs
        ok = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[ok], ys[ok]
        n = len(xs)
        if n == 0 or n < min_periods:
            continue
        cx, cy = naive.centred(xs), naive.centred(ys)
        sxx, syy, sxy = math.fsum(cx * cx), math.fsum(cy * cy), math.fsum(cx * cy)
        scale[i] = math.sqrt(sxx / max(n - ddof, 1)) * math.sqrt(syy / max(n - ddof, 1))
        if stat == "mean":
            out[i] = math.fsum(xs) / n
            scale[i] = float(np.max(np.abs(xs)))
        elif stat == "corr":
            out[i] = sxy / (math.sqrt(sxx) * math.sqrt(syy)) if sxx > 0 and syy > 0 else np.nan
        elif n - ddof > 0:
            out[i] = {"var": sxx, "std": sxx, "cov": sxy}[stat] / (n - ddof)
            out[i] = math.sqrt(out[i]) if stat == "std" else out[i]
    return out, scale


def _call(stat: str, case: dict[str, Any], **kw: Any) -> Any:
    args = {k: case[k] for k in ("window", "closed", "center", "min_periods")} | kw
    if stat in ("cov", "corr"):
        if stat == "cov":
            args["ddof"] = case["ddof"]
        return getattr(fastcorr, f"rolling_{stat}")(case["x"], case["y"], **args)
    if stat in ("var", "std"):
        args["ddof"] = case["ddof"]
    return getattr(fastcorr, f"rolling_{stat}")(case["x"], **args)


def _check_oracle(case: dict[str, Any], tol: float) -> None:
    spec = windows.parse(case["window"], case["min_periods"], case["closed"], case["center"])
    start, end = windows.bounds(spec, len(case["x"]), case["x"].index, "x")
    for stat in STATS:
        got = _call(stat, case)
        assert isinstance(got, pd.Series) and got.index.equals(case["x"].index)
        assert got.dtype == case["x"].dtype
        ddof = 0 if stat in ("mean", "corr") else case["ddof"]
        want, scale = _oracle(stat, case["x"], case["y"], start, end, spec.min_periods, ddof)
        tol_here = tol if stat == "corr" else tol * scale
        if stat in ("var", "std"):
            tol_here = tol * np.nan_to_num(np.abs(want))
        assert_close(got.to_numpy(), want, tol_here, f"rolling_{stat}")
        if stat == "corr":
            assert_bounds(corr=got.to_numpy())
        if stat == "var":
            assert_bounds(var=got.to_numpy())


# -- bounds -------------------------------------------------------------------


@given(st.integers(0, 60).flatmap(timestamps), st.integers(0, 900), st.sampled_from(CLOSED), st.booleans())
def test_offset_bounds_match_pandas(index: pd.DatetimeIndex, seconds: int, closed: str | None, center: bool) -> None:
    """Every row's time window holds exactly the rows pandas' rolling(offset) gives it (duplicates, decreasing
    indexes, every ``closed``, ``center``, and 0 seconds: a window shorter than the index's unit)."""
    window = pd.Timedelta(seconds=seconds) if seconds else pd.Timedelta(milliseconds=500)
    got = _bounds(index, window, closed, center)
    want = _pandas_bounds(index, window, closed, center)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


# Work items of every length, and items ending in a block of a few rows (2) or of chains and a few left over (1027).
@pytest.mark.parametrize("rows_per_item", [1 << 16, 4_999, 2 * tw._BOUNDS_BLOCK + 2])
def test_offset_bounds_of_long_mixed_clocks_match_pandas(rows_per_item: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long indexes whose clock turns from regular (even, or repeating every five ticks like business days) to
    irregular (bursts, duplicates) and back, so the bound search switches between its loops and its periodic
    fill, over work items that start mid-index: every row's window is pandas', for every ``closed`` and for
    ``center``."""
    rng = np.random.default_rng(13)
    # Stretches longer than a block of the search (time_windows._BOUNDS_BLOCK rows): each picks its loop.
    n = 6 * tw._BOUNDS_BLOCK + 1_027
    stretch = np.arange(n) // (tw._BOUNDS_BLOCK // 2 * 3)
    weekly = np.where(np.arange(n) % 5 == 4, 180, 60)
    irregular = np.where(rng.random(n) < 0.2, 0, rng.integers(1, 120, n))
    steps = np.where(stretch % 2 == 1, irregular, np.where(stretch % 4 == 0, weekly, 60))
    index = pd.DatetimeIndex((1_700_000_000 + np.cumsum(steps)).astype("M8[s]"))
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1)
    monkeypatch.setattr(plan, "ROWS_PER_ITEM", rows_per_item)
    for closed in CLOSED:
        for center in (False, True):
            got = _bounds(index, "10min", closed, center)
            want = _pandas_bounds(index, "10min", closed, center)
            np.testing.assert_array_equal(np.stack(got), np.stack(want), err_msg=f"{closed} {center}")


@given(st.integers(0, 40), st.integers(1, 45), st.sampled_from(CLOSED), st.booleans())
def test_count_bounds_match_pandas(n: int, window: int, closed: str | None, center: bool) -> None:
    """A count window with ``closed`` / ``center`` holds the rows pandas' rolling(window) gives it."""
    index = pd.RangeIndex(n)
    got = _bounds(index, window, closed, center)
    want = _pandas_bounds(index, window, closed, center)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_centred_bounds_of_odd_window_match_pandas() -> None:
    """A centred window of an odd number of ticks is cut where pandas cuts it (t +- size / 2 truncated), at
    nanosecond resolution too, where float64 rounds the timestamps."""
    ticks = np.array([0, 1, 2, 3, 5, 8, 13, 21, 34])
    for unit, base in (("s", 1_700_000_000), ("ns", 1_700_000_000_000_000_001)):
        index = pd.DatetimeIndex((base + ticks).astype(f"M8[{unit}]"))
        for size in (1, 3, 5, 7, 9):
            window = pd.Timedelta(size, unit=unit)
            for closed in CLOSED:
                got = _bounds(index, window, closed, True)
                want = _pandas_bounds(index, window, closed, True)
                np.testing.assert_array_equal(np.stack(got), np.stack(want), err_msg=f"{unit} {size} {closed}")


# -- values ---------------------------------------------------------------------


@given(time_cases())
def test_time_windows_match_oracle(case: dict[str, Any]) -> None:
    """mean/var/std/cov/corr over time windows equal the per-window oracle (1e-10 of the window's spread, mean
    1e-12 of its scale), any offset, NaN/inf, stale stretches, duplicates, closed, center."""
    _check_oracle(case, RTOL64)


@given(time_cases(), st.sampled_from(sorted(STATS.values())))
def test_dense_segment_paths_give_the_same_bits(case: dict[str, Any], stat: int) -> None:
    """Each segment of a run, as ``windows_run`` cuts them: the dense path with suffixes scanned in output order
    (prefixes read unlooked where the ends allow), the dense path with suffixes gathered, and the general path give
    the same bits wherever they all apply (no missing value, far from overflow)."""
    spec = windows.parse(case["window"], case["min_periods"], case["closed"], case["center"])
    x, y = case["x"].to_numpy(), case["y"].to_numpy()
    start, end = windows.bounds(spec, len(x), case["x"].index, "x")
    if len(x) == 0:
        return
    # Scratch of its own for each path: none reads what another left behind.
    tables = [tw.scratch_tables(int(np.max(end - start))) for _ in range(3)]
    mp, ddof = spec.min_periods, case["ddof"]
    # Trailing windows closed on the right end one row past their own: prefixes read in place unlooked.
    unit_ends = bool(np.all(np.diff(end) == 1))
    outs = [np.full(len(x), np.nan) for _ in range(3)]
    i = 0
    while i < len(x):
        if start[i] >= end[i]:
            i += 1
            continue
        pivot = int(end[i])
        j = i + 1
        while j < len(x) and start[j] <= pivot:
            j += 1
        done = [tw.dense_segment(stat, x, y, start, end, i, j, pivot, mp, ddof, *tables[k], regular, unit, outs[k])
                for k, (regular, unit) in enumerate(((True, unit_ends), (False, False)))]  # fmt: skip
        unchecked = np.empty(0, dtype=np.bool_)
        done.append(tw.segment_outputs(stat, x, y, 0, start, end, i, j, pivot, mp, ddof, *tables[2], outs[2],
                                       unchecked))  # fmt: skip
        if all(done):
            assert bits_equal(outs[0][i:j], outs[2][i:j]) and bits_equal(outs[1][i:j], outs[2][i:j]), (i, j, pivot)
        i = j


@given(time_cases(dtype=np.float32))
def test_float32_time_windows_match_oracle(case: dict[str, Any]) -> None:
    """float32 in, float32 out, float64 accumulation: within 1e-6 of the oracle."""
    _check_oracle(case, TOL32)


@given(time_cases(normal=True))
def test_time_windows_match_pandas(case: dict[str, Any]) -> None:
    """Equal to pandas rolling(offset, closed, center) on N(0,1) data with NaN (1e-12, same NaN pattern)."""
    x, y = case["x"], case["y"]
    r = x.rolling(case["window"], closed=case["closed"], center=case["center"], min_periods=case["min_periods"])
    ddof = case["ddof"]
    pairs = {
        "mean": (_call("mean", case), r.mean()),
        "var": (_call("var", case), r.var(ddof=ddof)),
        "std": (_call("std", case), r.std(ddof=ddof)),
        "cov": (_call("cov", case), r.cov(y, ddof=ddof)),
    }
    for stat, (got, want) in pairs.items():
        # std near 0: |sqrt(a) - sqrt(b)| <= sqrt(|a - b|)
        assert_close(got, want, 1e-6 if stat == "std" else PANDAS_TOL * 100, f"rolling_{stat} vs pandas")
    got, want = _call("corr", case), r.corr(y)
    # pandas' correlation is NaN or off where its raw moments cancel (two nearly equal values): compare elsewhere.
    spread = _oracle("var", x.to_numpy(), x.to_numpy(), *windows.bounds(
        windows.parse(case["window"], case["min_periods"], case["closed"], case["center"]), len(x), x.index, "x"
    ), 0, 0)[0]  # fmt: skip
    fine = np.nan_to_num(spread) > 1e-6
    assert_close(got[fine], want[fine], 1e-8, "rolling_corr vs pandas")


@pytest.mark.parametrize("center", [False, True])
@pytest.mark.parametrize("closed", CLOSED)
def test_count_window_closed_center_match_pandas(closed: str | None, center: bool) -> None:
    """Count windows with closed / center equal pandas, min_periods default (the window) and the ends included."""
    rng = np.random.default_rng(3)
    x = pd.Series(rng.standard_normal(60))
    y = pd.Series(rng.standard_normal(60))
    x[[5, 17, 18]] = np.nan
    for window, min_periods in ((1, None), (4, None), (5, 2), (7, 0), (80, 1)):
        r = x.rolling(window, closed=closed, center=center, min_periods=min_periods)
        kw = {"closed": closed, "center": center, "min_periods": min_periods}
        assert_close(fastcorr.rolling_mean(x, window, **kw), r.mean(), 1e-14, f"mean {window}")
        assert_close(fastcorr.rolling_var(x, window, **kw), r.var(), 1e-13, f"var {window}")
        assert_close(fastcorr.rolling_std(x, window, **kw), r.std(), 1e-13, f"std {window}")
        assert_close(fastcorr.rolling_cov(x, y, window, **kw), r.cov(y), 1e-13, f"cov {window}")
        assert_close(fastcorr.rolling_corr(x, y, window, **kw), r.corr(y), 1e-12, f"corr {window}")


def test_window_forms_are_equivalent() -> None:
    """An offset string, a Timedelta, a datetime.timedelta, a numpy timedelta64 and a fixed DateOffset give
    the same bits; a trailing count window with closed="right" is the plain count window."""
    rng = np.random.default_rng(4)
    index = pd.date_range("2024-01-01", periods=300, freq="h")
    x = pd.Series(1e8 + np.cumsum(rng.standard_normal(300)), index=index)
    forms = ["6h", pd.Timedelta(hours=6), timedelta(hours=6), np.timedelta64(6, "h"), pd.offsets.Hour(6)]
    results = [fastcorr.rolling_var(x, w).to_numpy() for w in forms]
    assert all(bits_equal(results[0], r) for r in results[1:])
    assert bits_equal(fastcorr.rolling_var(x, 6, closed="right").to_numpy(), fastcorr.rolling_var(x, 6).to_numpy())
    # Regular hourly rows: a 6h window is the 6-row window with min_periods=1 (test_evenly_spaced_index_...).
    assert bits_equal(results[0], fastcorr.rolling_var(x, 6, min_periods=1).to_numpy())


def _even(n: int, step: str, freq: bool) -> pd.DatetimeIndex:
    index = pd.date_range("2024-01-01", periods=n, freq=step)
    return index if freq else pd.DatetimeIndex(index.asi8.astype(f"M8[{index.unit}]"))


@pytest.mark.parametrize(("step", "window", "rows"), [("D", "90D", 90), ("h", "90min", 2), ("min", "1h", 60)])
@pytest.mark.parametrize("freq", [True, False])
@pytest.mark.parametrize("closed", [None, "right", "both"])
@pytest.mark.parametrize("min_periods", [None, 0, 2])
def test_evenly_spaced_index_runs_as_count_window(
    step: str, window: str, rows: int, freq: bool, closed: str | None, min_periods: int | None
) -> None:
    """Over evenly spaced rows (``freq`` known to pandas or not), a trailing time window holds the last
    ``ceil(size / step)`` rows (one more with closed="both" when the step divides it): it runs as that count
    window, bitwise, with NaN, and still equals pandas' time window and the per-window oracle."""
    n = 400
    rng = np.random.default_rng(13)
    index = _even(n, step, freq)
    x = pd.Series(1e8 + np.cumsum(rng.standard_normal(n)), index=index)
    y = pd.Series(rng.standard_normal(n), index=index)
    x.iloc[rng.random(n) < 0.05] = np.nan
    spec = windows.resolve(windows.parse(window, min_periods, closed, False), index, "x")
    count = rows + (closed == "both" and pd.Timedelta(window) % pd.Timedelta(1, step) == pd.Timedelta(0))
    assert (spec.rows, spec.nanos, spec.min_periods) == (count, None, 1 if min_periods is None else min_periods)
    got = fastcorr.rolling_corr(x, y, window, closed=closed, min_periods=min_periods).to_numpy()
    assert bits_equal(got, fastcorr.rolling_corr(x, y, count, min_periods=spec.min_periods).to_numpy())
    want = x.rolling(window, closed=closed, min_periods=min_periods).corr(y).to_numpy()
    assert_close(got, want, 1e-9, "against pandas")
    start, end = windows.bounds(windows.parse(window, min_periods, closed, False), n, index, "x")
    assert_close(got, _oracle("corr", x, y, start, end, spec.min_periods, 0)[0], 1e-11, "against the oracle")


@pytest.mark.parametrize("where", [1, 700, 70_000, 199_998])
@pytest.mark.parametrize("kind", ["gap", "duplicate", "backwards"])
@pytest.mark.parametrize("parallel", [False, True])
def test_one_uneven_step_keeps_the_time_window(
    where: int, kind: str, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One step that differs, anywhere (in the first run of rows, checked alone, or in the later runs, checked
    serially or in parallel), keeps the time-window kernel; so do windows that are not trailing, a
    ``min_periods`` above the rows a window can hold, and indexes of under two rows."""
    monkeypatch.setattr(plan, "ROWS_PER_ITEM", 1_000)
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1 if parallel else 1 << 62)
    n = 2_000 if JIT_DISABLED else 200_000
    where = min(where, n - 2)
    ticks = np.arange(n, dtype=np.int64) * 60
    assert windows.even_step(ticks) == 60
    ticks[where:] += {"gap": 1, "duplicate": -60, "backwards": -61}[kind]
    assert windows.even_step(ticks) == 0
    index = pd.DatetimeIndex(ticks.astype("M8[s]"))
    if kind != "backwards":
        assert windows.resolve(windows.parse("1h", None, None, False), index, "x").nanos is not None
    even = _even(50, "min", True)
    for args in (("1h", None, "left", False), ("1h", None, "neither", False), ("1h", None, None, True),
                 ("1h", 61, None, False), ("1h", 3, "both", False)):  # fmt: skip
        spec = windows.resolve(windows.parse(*args), even, "x")
        assert (spec.nanos is None) == (args == ("1h", 3, "both", False)), args
    for short in (even[:0], even[:1], even[::-1]):
        assert windows.resolve(windows.parse("1h", None, None, False), short, "x").nanos is not None
    assert windows.even_step(np.array([5, 5], dtype=np.int64)) == 0


@pytest.mark.parametrize("closed", CLOSED)
@pytest.mark.parametrize("center", [False, True])
def test_window_shorter_than_one_tick(closed: str | None, center: bool) -> None:
    """ "500ms" over an index in seconds is 0 ticks (pandas truncates): right-closed, a window still holds its
    own row (and, centred, the duplicates after it), as in pandas; right-open windows are empty."""
    index = pd.DatetimeIndex((1_600_000_000 + np.array([0, 1, 1, 1, 2, 4, 5, 5])).astype("M8[s]"))
    x = pd.Series([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], index=index)
    y = pd.Series([2.0, 7.0, 1.0, 8.0, 2.0, 8.0, 1.0, 8.0], index=index)
    for stat in ("mean", "var", "cov"):
        args = (x,) if stat != "cov" else (x, y)
        got = getattr(fastcorr, f"rolling_{stat}")(*args, "500ms", closed=closed, center=center, min_periods=0)
        roll = x.rolling("500ms", closed=closed, center=center, min_periods=0)
        want = getattr(roll, stat)(*args[1:])
        assert_close(got.to_numpy(), want.to_numpy(), 1e-15, f"{stat}, closed={closed}, center={center}")


@pytest.mark.parametrize(
    ("freq", "window", "periods"),
    [("D", "3D", 3), ("D", "36h", 1), ("D", "1h", 0), ("h", "150min", 2), ("30min", "1h", 60), ("2D", "5D", 5)],
)
@pytest.mark.parametrize("layout", ["gaps", "even", "decreasing"])
def test_period_index(freq: str, window: str, periods: int, layout: str) -> None:
    """A PeriodIndex of a fixed frequency counts time in its ordinals (units of the frequency's base: minutes
    for "30min" periods), the window truncated to whole units as pandas does; with gaps, evenly spaced (then
    a count window) or decreasing: the values of pandas."""
    n = 300
    rng = np.random.default_rng(15)
    index = pd.period_range("2024-01-01", periods=n + 40, freq=freq)
    index = index[np.sort(rng.choice(n + 40, n, replace=False))] if layout != "even" else index[:n]
    if layout == "decreasing":
        index = index[::-1]
    x = pd.Series(1e8 + np.cumsum(rng.standard_normal(n)), index=index)
    y = pd.Series(rng.standard_normal(n), index=index)
    x.iloc[rng.random(n) < 0.05] = np.nan
    assert windows.index_ticks(index, windows.parse(window, None, None, False), "x")[1] == periods
    if layout == "even" and periods > 0:
        step = int(index.asi8[1] - index.asi8[0])  # ordinals per period: 30 for "30min", 2 for "2D"
        rows = -(-periods // step)
        assert windows.resolve(windows.parse(window, None, None, False), index, "x").rows == rows
    for closed in (None, "both", "left"):
        got = fastcorr.rolling_corr(x, y, window, closed=closed)
        assert got.index.equals(index)
        want = x.rolling(window, closed=closed).corr(y)
        assert_close(got.to_numpy(), want.to_numpy(), 1e-9, f"corr, closed={closed}")
        got = fastcorr.rolling_mean(x, window, closed=closed).to_numpy()
        assert_close(got, x.rolling(window, closed=closed).mean().to_numpy(), 1e-15 * 1e8, f"mean, closed={closed}")


def test_period_index_errors() -> None:
    """A PeriodIndex whose periods vary in length (months) or that holds NaT is refused, naming the argument."""
    monthly = pd.Series(np.arange(5.0), index=pd.period_range("2024-01", periods=5, freq="M"))
    with pytest.raises(ValueError, match=r"window='60D': the PeriodIndex of x has the frequency M, whose length"):
        fastcorr.rolling_mean(monthly, "60D")
    frame = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2]},
                         index=pd.PeriodIndex(["2024-01-01", None, "2024-01-03"], freq="D"))  # fmt: skip
    with pytest.raises(ValueError, match="the index of frame holds NaT at row 1"):
        fastcorr.sweep(frame, "2D")


def test_pairs_and_sweeps_of_an_evenly_spaced_index_agree() -> None:
    """Pairs, sweeps and the matrix over evenly spaced rows take the same count window as rolling_corr: the
    same bits pair by pair, and the sweep of "90D" is the sweep of 90 rows with min_periods=1."""
    rng = np.random.default_rng(14)
    n = 600
    df = pd.DataFrame(1e8 + np.cumsum(rng.standard_normal((n, 4)), axis=0), columns=list("abcd"),
                      index=pd.date_range("2020-01-01", periods=n, freq="D"))  # fmt: skip
    df.iloc[rng.random((n, 4)) < 0.03] = np.nan
    pairs = [("a", "b"), ("c", "d"), ("d", "a")]
    out = fastcorr.rolling_corr_pairs(df, pairs, "90D")
    for a, b in pairs:
        assert bits_equal(out[(a, b)].to_numpy(), fastcorr.rolling_corr(df[a], df[b], "90D").to_numpy())
    got, want = fastcorr.sweep(df, "90D"), fastcorr.sweep(df, 90, min_periods=1)
    assert bits_equal(got.mean.to_numpy(), want.mean.to_numpy())
    matrix = fastcorr.rolling_corr_matrix(df, "90D", at=df.index[-1]).to_numpy()
    assert bits_equal(matrix, fastcorr.rolling_corr_matrix(df, 90, min_periods=1, at=df.index[-1]).to_numpy())
    assert_close(matrix[0, 1], out[("a", "b")].iloc[-1], 1e-12, "matrix vs pair")


def test_frame_and_pairs() -> None:
    """A DataFrame runs every column (pandas' df.rolling("2D").corr(s)); rolling_corr_pairs equals each pair alone;
    two Series on different indexes are aligned first, as pandas does."""
    rng = np.random.default_rng(5)
    index = pd.DatetimeIndex(np.sort(rng.integers(0, 30 * 86400, 400)).astype("M8[s]"))
    df = pd.DataFrame(rng.standard_normal((400, 4)), index=index, columns=list("abcd"))
    s = pd.Series(rng.standard_normal(400), index=index)
    got = fastcorr.rolling_corr(df, s, "2D")
    assert isinstance(got, pd.DataFrame) and list(got.columns) == list("abcd") and got.index.equals(index)
    assert_close(got.to_numpy().ravel(), df.rolling("2D").corr(s).to_numpy().ravel(), 1e-12, "frame corr")
    pairs = [("a", "b"), ("c", "b"), ("d", "a")]
    out = fastcorr.rolling_corr_pairs(df, pairs, "2D", min_periods=3)
    assert out.shape == (400, 3) and list(out.columns) == pairs
    cov = fastcorr.rolling_cov_pairs(df, pairs, "2D", closed="both", ddof=0)
    for a, b in pairs:
        one = fastcorr.rolling_corr(df[a], df[b], "2D", min_periods=3).to_numpy()
        assert bits_equal(out[(a, b)].to_numpy(), one)
        want = df[a].rolling("2D", closed="both").cov(df[b], ddof=0).to_numpy()
        assert_close(cov[(a, b)].to_numpy(), want, 1e-12, "cov pairs, closed='both'")
    half = s.iloc[::2]
    want = df["a"].rolling("2D").cov(half)
    assert_close(fastcorr.rolling_cov(df["a"], half, "2D"), want, 1e-12, "aligned cov")


def test_empty_and_tiny_inputs() -> None:
    """No rows, one row, and windows that hold no row at all (closed="neither" on sparse rows) give NaN."""
    empty = pd.Series([], dtype=np.float64, index=pd.DatetimeIndex([]))
    assert len(fastcorr.rolling_corr(empty, empty, "1D")) == 0
    assert len(fastcorr.rolling_mean(pd.Series([], dtype=np.float64), 3, center=True)) == 0
    one = pd.Series([2.0], index=pd.DatetimeIndex(["2024-01-01"]))
    assert fastcorr.rolling_mean(one, "1D").tolist() == [2.0]
    sparse = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"]))
    assert np.isnan(fastcorr.rolling_mean(sparse, "1D", closed="neither", min_periods=0)).all()


# -- numerics bar ---------------------------------------------------------------


def _irregular(n: int, seed: int) -> pd.DatetimeIndex:
    rng = np.random.default_rng(seed)
    return pd.DatetimeIndex((1_600_000_000 + np.cumsum(rng.integers(0, 120, n))).astype("M8[s]"))


@pytest.mark.parametrize("offset", [1e8, 1e12])
def test_offset_data_exact(offset: float) -> None:
    """Prices at 1e8 and 1e12 plus unit noise on irregular timestamps: every statistic within a few ulps of the
    window's own scale, as for data at 0."""
    rng = np.random.default_rng(6)
    n = 3_000
    index = _irregular(n, 6)
    case = {
        "x": pd.Series(offset + rng.standard_normal(n), index=index),
        "y": pd.Series(offset + rng.standard_normal(n), index=index),
        "window": "30min",
        "closed": None,
        "center": False,
        "min_periods": None,
        "ddof": 1,
    }
    _check_oracle(case, 1e-9 if offset == 1e12 else 1e-11)


@pytest.mark.skipif(JIT_DISABLED, reason="2,000,000 rows are slow without the JIT")
def test_no_drift_on_long_series() -> None:
    """2,000,000 points: the last windows are as exact as the first (nothing is ever subtracted)."""
    n = 2_000_000
    rng = np.random.default_rng(7)
    index = _irregular(n, 7)
    x = 1e8 + np.cumsum(rng.standard_normal(n))
    y = 1e8 + np.cumsum(rng.standard_normal(n))
    got = fastcorr.rolling_corr(pd.Series(x, index=index), pd.Series(y, index=index), "1h").to_numpy()
    start, end = windows.bounds(windows.parse("1h", None, None, False), n, index, "x")
    rows = np.r_[np.arange(1_000, 1_100), np.arange(n - 100, n)]
    want, _ = _oracle("corr", x, y, start[rows], end[rows], 1, 0)
    assert_close(got[rows], want, 1e-11, "corr at both ends of 2,000,000 rows")


def test_outlier_leaves_no_trace() -> None:
    """A 1e15 outlier changes only the windows that hold it: once it has left, results equal those of the same
    data without it, bit for bit."""
    rng = np.random.default_rng(8)
    n = 2_000
    index = _irregular(n, 8)
    x = pd.Series(100.0 + rng.standard_normal(n), index=index)
    y = pd.Series(rng.standard_normal(n), index=index)
    spiked = x.copy()
    spiked.iloc[700] = 1e15
    start = windows.bounds(windows.parse("20min", None, None, False), n, index, "x")[0]
    after = start > 700
    for fn in (fastcorr.rolling_var, fastcorr.rolling_mean):
        assert bits_equal(fn(spiked, "20min").to_numpy()[after], fn(x, "20min").to_numpy()[after])
    corr_spiked = fastcorr.rolling_corr(spiked, y, "20min").to_numpy()
    assert bits_equal(corr_spiked[after], fastcorr.rolling_corr(x, y, "20min").to_numpy()[after])


def test_constant_stretch_gives_zero_var_and_nan_corr() -> None:
    """Windows inside a constant stretch at 1e12: var exactly 0, corr NaN."""
    n = 500
    index = _irregular(n, 9)
    rng = np.random.default_rng(9)
    x = 1e12 + rng.standard_normal(n)
    x[100:400] = 1e12 + 0.1
    xs, ys = pd.Series(x, index=index), pd.Series(rng.standard_normal(n), index=index)
    start, end = windows.bounds(windows.parse("10min", None, None, False), n, index, "x")
    inside = (start >= 100) & (end <= 400)
    assert inside.any()
    assert (fastcorr.rolling_var(xs, "10min").to_numpy()[inside] == 0.0).all()
    assert np.isnan(fastcorr.rolling_corr(xs, ys, "10min").to_numpy()[inside]).all()


def test_values_whose_squares_overflow() -> None:
    """Values near 1e152 (window sums of squares beyond 1e300) are scaled by powers of two: var relative 1e-12,
    corr with a series at 1e-200 within 1e-12."""
    rng = np.random.default_rng(10)
    n = 400
    index = _irregular(n, 10)
    x = rng.standard_normal(n) * 1e152
    y = rng.standard_normal(n) * 1e-200
    start, end = windows.bounds(windows.parse("15min", None, None, True), n, index, "x")
    xs, ys = pd.Series(x, index=index), pd.Series(y, index=index)
    # The oracle runs on data scaled by powers of two (exact), where its squares do not overflow.
    down, up = 2.0**-505, 2.0**664
    want = _oracle("var", x * down, x * down, start, end, 1, 1)[0] / down**2
    var = fastcorr.rolling_var(xs, "15min", center=True).to_numpy()
    assert np.isfinite(var).all() and np.isfinite(want).all()
    assert_close(var, want, 1e-12 * want, "var at 1e152")
    corr = fastcorr.rolling_corr(xs, ys, "15min", center=True).to_numpy()
    assert_close(corr, _oracle("corr", x * down, y * up, start, end, 1, 0)[0], 1e-12, "corr of 1e152 and 1e-200")


def test_huge_value_leaves_other_windows_alone() -> None:
    """A 1e200 value changes no time window it is not in; the windows that hold it are computed on data
    scaled by a power of two (the oracle's too), where nothing overflows."""
    rng = np.random.default_rng(11)
    n = 400
    index = _irregular(n, 11)
    x = rng.standard_normal(n)
    y = rng.standard_normal(n)
    x[150] = 1e200
    start, end = windows.bounds(windows.parse("20min", None, None, False), n, index, "x")
    holds = (start <= 150) & (150 < end)
    xs, ys = pd.Series(x, index=index), pd.Series(y, index=index)
    down = 2.0**-700
    # The variance of a window holding 1e200 overflows (inf, rightly); its standard deviation does not.
    for stat, scale in (("corr", 1.0), ("cov", down), ("std", down)):
        call = getattr(fastcorr, f"rolling_{stat}")
        got = (call(xs, ys, "20min") if stat != "std" else call(xs, "20min")).to_numpy()
        with np.errstate(over="ignore", invalid="ignore"):
            want, _ = _oracle(stat, x, y if stat != "std" else x, start, end, 1, 1 if stat != "corr" else 0)
        ok = ~holds & np.isfinite(want)
        assert ok.sum() > 300
        assert_close(got[ok], want[ok], 1e-12 * np.maximum(1.0, np.abs(want[ok])), f"{stat} without the 1e200")
        scaled, _ = _oracle(stat, x * down, y if stat != "std" else x * down, start, end, 1, 1 if stat != "corr" else 0)
        inside = holds & np.isfinite(scaled)
        assert inside.sum() > 5
        assert_close(got[inside] * scale, scaled[inside], 1e-12 * np.abs(scaled[inside]), f"{stat} with the 1e200")


# -- determinism ------------------------------------------------------------------


def test_bits_do_not_depend_on_threads_or_chunks(restore_threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2-D input gives bitwise the same result on 1 thread and 2, for any cut of the work into items, and
    each column equals that column alone."""
    n = 4_000 if JIT_DISABLED else 200_000
    rng = np.random.default_rng(11)
    index = _irregular(n, 11)
    data = 1e8 + np.cumsum(rng.standard_normal((n, 3)), axis=0)
    data[rng.random((n, 3)) < 0.03] = np.nan
    data[n // 2, 1] = 1e18
    frame = pd.DataFrame(data, index=index)
    other = pd.Series(rng.standard_normal(n), index=index)
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1)
    results = []
    for threads, rows_per_item in ((1, 1 << 16), (min(2, numba.config.NUMBA_NUM_THREADS), 1 << 16), (2, 997)):
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        monkeypatch.setattr(plan, "ROWS_PER_ITEM", rows_per_item)
        results.append([
            fastcorr.rolling_corr(frame, other, "45min", center=True).to_numpy(),
            fastcorr.rolling_var(frame, "2h", closed="both").to_numpy(),
            fastcorr.rolling_mean(frame, 31, center=True).to_numpy(),
        ])  # fmt: skip
    for later in results[1:]:
        assert all(bits_equal(a, b) for a, b in zip(results[0], later, strict=True))
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1 << 62)
    alone = fastcorr.rolling_corr(frame[1], other, "45min", center=True).to_numpy()
    assert bits_equal(results[0][0][:, 1], alone)


def test_one_long_series_finds_its_own_bounds_with_the_same_bits(
    restore_threads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single long pair runs on work items that compute their own window bounds; the result is bitwise that
    of the bounds-array path, on 1 thread or 2, across the fixed restarts of the segment schedule (every
    ``RESET_ROWS`` outputs), with missing values, duplicate timestamps, a pause and a huge value; and the
    windows on both sides of each restart match the oracle."""
    if JIT_DISABLED:
        # Interpreted kernels read the constant at each call: a small one puts several restarts in a short series.
        monkeypatch.setattr(tw, "RESET_ROWS", 1_000)
    n = 4 * tw.RESET_ROWS + 123
    rng = np.random.default_rng(12)
    steps = np.where(rng.random(n) < 0.2, 0, rng.integers(1, 5, n))
    steps[n // 3] = 7_200
    index = pd.DatetimeIndex((1_600_000_000 + np.cumsum(steps)).astype("M8[s]"))
    x = 1e8 + np.cumsum(rng.standard_normal(n))
    y = rng.standard_normal(n)
    x[rng.random(n) < 0.01] = np.nan
    x[2 * tw.RESET_ROWS + 50] = 1e200
    xs, ys = pd.Series(x, index=index), pd.Series(y, index=index)
    calls = [
        ("corr", lambda: fastcorr.rolling_corr(xs, ys, "5min")),
        ("cov", lambda: fastcorr.rolling_cov(xs, ys, "5min", closed="left")),
        ("std", lambda: fastcorr.rolling_std(xs, "3min", center=True)),
        ("mean", lambda: fastcorr.rolling_mean(xs, "90s", closed="neither")),
    ]
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1 << 62)
    arrays = [call().to_numpy() for _, call in calls]
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1)
    for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        numba.set_num_threads(threads)
        for (stat, call), want in zip(calls, arrays, strict=True):
            assert bits_equal(call().to_numpy(), want), f"{stat} on {threads} thread(s)"
    spec = windows.parse("5min", None, None, False)
    start, end = windows.bounds(spec, n, index, "x")
    rows = np.concatenate([np.arange(k * tw.RESET_ROWS - 40, k * tw.RESET_ROWS + 40)
                           for k in (1, 3, 4)])  # fmt: skip
    want, _ = _oracle("corr", x, y, start[rows], end[rows], 1, 0)
    assert_close(arrays[0][rows], want, 1e-11, "corr around the restarts")


# -- errors ---------------------------------------------------------------------

DAILY = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3, freq="D"))


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"window": "1ME"}, ValueError, "window must be a fixed time offset (days, hours, minutes ...), got '1ME'"),
        ({"window": pd.offsets.BusinessDay()}, ValueError, "window must be a fixed time offset"),
        ({"window": "-2D"}, ValueError, "window must be a positive time offset, got '-2D'"),
        ({"window": pd.Timedelta(0)}, ValueError, "window must be a positive time offset, got Timedelta("),
        ({"window": "abc"}, ValueError, "window must be a positive integer, got 'abc' of type str, or a time offset"),
        ({"window": 2.5}, TypeError, "window must be a positive integer, got 2.5 of type float, or a time offset"),
        ({"window": 0}, ValueError, "window must be a positive integer, got 0"),
        ({"window": 3, "closed": "middle"}, ValueError,
         "closed must be None, 'right', 'left', 'both' or 'neither', got 'middle'"),
        ({"window": 3, "center": 1}, TypeError, "center must be True or False, got 1 of type int"),
        ({"window": 3, "min_periods": 4, "center": True}, ValueError,
         "min_periods must be between 0 and window=3, got 4"),
        ({"window": "2D", "min_periods": -1}, ValueError,
         "min_periods must be None or a non-negative integer for a time window, got -1"),
    ],
)  # fmt: skip
def test_bad_window_options(kwargs: dict[str, Any], exc: type[Exception], message: str) -> None:
    """Each bad window, closed, center or min_periods names the argument, the value and what was expected."""
    window = kwargs.pop("window")
    with pytest.raises(exc, match=re.escape(message)):
        fastcorr.rolling_mean(DAILY, window, **kwargs)
    with pytest.raises(exc, match=re.escape(message)):
        fastcorr.rolling_corr(DAILY, DAILY, window, **kwargs)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.arange(3.0), "window='2D' is a time window: x must be a pandas Series or DataFrame with a DatetimeIndex, "
                         "TimedeltaIndex or PeriodIndex, got no index"),
        (pd.Series([1.0, 2.0]), "got a RangeIndex"),
        (pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03"])),
         "window='2D': the index of x must be monotonic (increasing or decreasing), got a rise after row 1 and a "
         "fall after row 0"),
        (pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-02", None])),
         "window='2D': the index of x holds NaT at row 1"),
        # Ticks further apart than int64 can subtract: the rise is not taken for a fall.
        (pd.Series([1.0, 2.0, 3.0], index=pd.to_timedelta([-(2**62) * 3 // 2, 2**62 * 3 // 2, 0])),
         "window='2D': the index of x must be monotonic (increasing or decreasing), got a rise after row 0 and a "
         "fall after row 1"),
    ],
)  # fmt: skip
def test_time_window_needs_a_monotonic_time_index(x: Any, message: str) -> None:
    """A time window over an input without a monotonic DatetimeIndex is an error that says so."""
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        fastcorr.rolling_var(x, "2D")


def test_time_window_over_timedelta_index_and_decreasing_index() -> None:
    """A TimedeltaIndex works as pandas does, and so does a decreasing DatetimeIndex."""
    x = pd.Series([1.0, 4.0, 2.0, 8.0, 5.0], index=pd.to_timedelta([0, 1, 2, 4, 5], unit="D"))
    assert_close(fastcorr.rolling_var(x, "2D"), x.rolling("2D").var(), 1e-14, "timedelta index")
    down = pd.Series(x.to_numpy(), index=pd.date_range("2024-01-10", periods=5, freq="-1D"))
    assert_close(fastcorr.rolling_var(down, "3D"), down.rolling("3D").var(), 1e-14, "decreasing index")


# -- on-disk cache of the parallel kernel -----------------------------------------

_CHILD = """
import hashlib, json
import numpy as np, pandas as pd
import fastcorr
from fastcorr.bindings import plan
from fastcorr.kernels.time_windows import bounded_2d, offset_2d

plan.PARALLEL_MIN_VALUES = 1
rng = np.random.default_rng(0)
index = pd.DatetimeIndex((1_600_000_000 + np.cumsum(rng.integers(0, 90, 5_000))).astype("M8[s]"))
frame = pd.DataFrame(1e8 + np.cumsum(rng.standard_normal((5_000, 3)), axis=0), index=index)
out = np.ascontiguousarray(fastcorr.rolling_corr(frame, frame[0], "1h", center=True).to_numpy())
one = np.ascontiguousarray(fastcorr.rolling_corr(frame[1], frame[2], "1h").to_numpy())  # a single pair: offset_2d
stats = [kernel.stats for kernel in (bounded_2d, offset_2d)]
print(json.dumps({"digest": hashlib.sha256(out.tobytes() + one.tobytes()).hexdigest(),
                  "hits": [sum(s.cache_hits.values()) for s in stats],
                  "misses": [sum(s.cache_misses.values()) for s in stats]}))
"""


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled or cached with NUMBA_DISABLE_JIT=1")
def test_parallel_kernel_cache_under_concurrent_processes(tmp_path: Any) -> None:
    """Two processes compiling the parallel time-window kernels (bounds arrays, and bounds found by each work
    item) into one fresh NUMBA_CACHE_DIR at once both succeed with equal results; a third loads them from that
    cache and gives the same bits."""
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    env["NUMBA_CACHE_DIR"] = str(tmp_path)

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def finish(proc: subprocess.Popen[str]) -> dict[str, Any]:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])

    first = [finish(p) for p in [start(), start()]]
    assert all(h + m == 1 for r in first for h, m in zip(r["hits"], r["misses"], strict=True)), first
    third = finish(start())
    assert third["hits"] == [1, 1] and third["misses"] == [0, 0], third
    assert first[0]["digest"] == first[1]["digest"] == third["digest"]


def test_time_window_error_names_the_frame_argument() -> None:
    """With a DataFrame as ``y``, the index checked (and named in the error) is ``y``'s."""
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    message = "window='2D' is a time window: y must be a pandas Series or DataFrame"
    with pytest.raises(TypeError, match=re.escape(message)):
        fastcorr.rolling_corr(pd.Series([1.0, 2.0, 3.0]), frame, "2D")
    with pytest.raises(TypeError, match=re.escape(message.replace("y must", "x must"))):
        fastcorr.rolling_corr(frame, pd.Series([1.0, 2.0, 3.0]), "2D")


def test_on_column_matches_pandas() -> None:
    """``on=``: a column of the frame holds the times (datetimes, timedeltas or periods), as in pandas'
    ``rolling(..., on=...)``: mean/var/std hand it back in place, cov/corr leave it out, a Series ``y`` is
    aligned on the frame's own index; with a count window the column is only left out."""
    rng = np.random.default_rng(16)
    n = 200
    times = _irregular(n, 16)
    frame = pd.DataFrame({"a": rng.standard_normal(n), "t": times, "b": 5.0 + rng.standard_normal(n)},
                         index=pd.RangeIndex(100, 100 + n))  # fmt: skip
    frame.iloc[rng.random(n) < 0.05, 0] = np.nan
    for column in (times, times - times[0], times.to_period("s")):
        frame["t"] = column
        for window in ("20min", 7):
            for stat in ("mean", "var", "std"):
                got = getattr(fastcorr, f"rolling_{stat}")(frame, window, on="t", closed="both")
                want = getattr(frame.rolling(window, on="t", closed="both"), stat)()
                assert list(got.columns) == ["a", "t", "b"] and got["t"].equals(frame["t"])
                assert got.index.equals(frame.index)
                indexed = frame[["a", "b"]].set_axis(pd.Index(column), axis=0)
                alone = getattr(fastcorr, f"rolling_{stat}")(indexed, window, closed="both")
                assert bits_equal(got[["a", "b"]].to_numpy(), alone.to_numpy())
                scale = 1e-12 * np.maximum(1.0, np.abs(want[["a", "b"]].to_numpy()))
                assert_close(got[["a", "b"]].to_numpy().ravel(), want[["a", "b"]].to_numpy().ravel(), scale.ravel(),
                             f"{stat} {window}")  # fmt: skip
            other = pd.Series(rng.standard_normal(n), index=frame.index)
            got = fastcorr.rolling_corr(frame, other, window, on="t")
            want = frame.rolling(window, on="t").corr(other)
            assert list(got.columns) == ["a", "b"] and got.index.equals(frame.index)
            assert_close(got.to_numpy().ravel(), want[["a", "b"]].to_numpy().ravel(), 1e-10, f"corr {window}")
            shuffled = other.sample(frac=1.0, random_state=1)
            assert bits_equal(fastcorr.rolling_cov(frame, shuffled, window, on="t").to_numpy(),
                              fastcorr.rolling_cov(frame, other, window, on="t").to_numpy())  # fmt: skip


@pytest.mark.parametrize(
    ("x", "on", "exc", "message"),
    [
        (pd.Series([1.0, 2.0]), "t", TypeError, "on='t' names a column of x: x must be a DataFrame, got Series"),
        (pd.DataFrame({"a": [1.0, 2.0]}), "t", ValueError, "on='t' is not a column of x; its columns are ['a']"),
        (pd.DataFrame({"a": [1.0, 2.0], "t": [1, 2]}), "t", TypeError,
         "on='t': the column must hold datetimes, timedeltas or periods, got dtype int64"),
        (pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["t", "t"]), "t", ValueError, "on='t' names 2 columns of x"),
    ],
)  # fmt: skip
def test_on_errors(x: Any, on: str, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=re.escape(message)):
        fastcorr.rolling_mean(x, "1D", on=on)
