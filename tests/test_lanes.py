"""Short count windows in SIMD lanes (correlations): bitwise the block kernel, whatever the data."""

from __future__ import annotations

import naive
import numpy as np
import pytest
from checks import assert_close, bits_equal
from hypothesis import given
from hypothesis import strategies as st

import fastcorr
from fastcorr.bindings import plan
from fastcorr.kernels._moments import CORR, NFIELDS
from fastcorr.kernels.lanes import CHUNK_BLOCKS, MAX_WINDOW, short_corr_1d
from fastcorr.kernels.rolling import blocks, overflow_block_outputs, window_weights


def _block_kernel(x: np.ndarray, y: np.ndarray, window: int, min_periods: int, ddof: int, stat: int) -> np.ndarray:
    """The block loop alone, one block after another (near overflow: the scaled path)."""
    t = x.shape[0]
    span = min(window, t)
    pre, suf, nxt = np.empty((NFIELDS, span)), np.empty((NFIELDS, span + 1)), np.empty((NFIELDS, span + 1))
    dense_wts = np.empty((6, span))
    window_weights(window - 1.0 - np.arange(span), 1.0 + np.arange(span), dense_wts)
    out = np.full(t, -7.0, dtype=x.dtype)
    nblocks = (t - 1) // window + 1
    b = 0
    while b < nblocks:
        scratch = np.empty((6, span))
        b = blocks(x, y, window, min_periods, ddof, stat, b, nblocks, pre, suf, nxt, dense_wts, scratch, out)
        if b < nblocks:
            lo, start = b * window, max(b * window - window, 0)
            hi = min(lo + window, t)
            overflow_block_outputs(stat, x[start:lo], y[start:lo], x[lo:hi], y[lo:hi], min_periods, ddof, pre, suf,
                                   out[lo:hi])  # fmt: skip
            b += 1
    return out


def _lanes(x: np.ndarray, y: np.ndarray, window: int, min_periods: int, b0: int, b1: int) -> np.ndarray:
    t = x.shape[0]
    span = min(window, t)
    out = np.full(t, -7.0, dtype=x.dtype)
    pre, suf, nxt = np.empty((NFIELDS, span)), np.empty((NFIELDS, span + 1)), np.empty((NFIELDS, span + 1))
    short_corr_1d(x, y, window, min_periods, b0, b1, pre, suf, nxt, out)
    return out


@st.composite
def _series(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    window = draw(st.integers(1, MAX_WINDOW + 2))
    t = draw(st.integers(1, window * (CHUNK_BLOCKS + 5)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-160, 1e-10, 1.0, 1e4]))
    x = rng.standard_normal(t) * scale + draw(st.sampled_from([0.0, 1e8, -1e12]))
    y = rng.standard_normal(t) + draw(st.sampled_from([0.0, 1e8]))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["nan", "inf", "stale", "huge", "zeros"]))
        i = draw(st.integers(0, t - 1))
        j = min(t, i + draw(st.integers(1, 3 * window)))
        if kind == "nan":
            x[i] = np.nan
        elif kind == "inf":
            y[i] = -np.inf
        elif kind == "stale":
            x[i:j] = x[i]
        elif kind == "huge":
            x[i] = 1e200
        else:
            y[i:j] = -0.0
    if draw(st.booleans()):
        with np.errstate(over="ignore"):  # 1e200 becomes inf in float32: a missing value
            x, y = x.astype(np.float32), y.astype(np.float32)
    return x, y, window


@given(data=_series(), mp_frac=st.floats(0, 1))
def test_lanes_are_bitwise_the_block_kernel(data: tuple[np.ndarray, np.ndarray, int], mp_frac: float) -> None:
    """With missing values, stale stretches, offsets, huge values, signed zeros and float32:
    the correlations computed in lanes are bit for bit those of the block loop."""
    x, y, window = data
    min_periods = round(mp_frac * window)
    expected = _block_kernel(x, y, window, min_periods, 0, CORR)
    nblocks = (x.shape[0] - 1) // window + 1
    assert bits_equal(_lanes(x, y, window, min_periods, 0, nblocks), expected)
    # Any run of blocks (a work item) gives the same bits.
    b0 = nblocks // 3
    lo = b0 * window
    assert bits_equal(_lanes(x, y, window, min_periods, b0, nblocks)[lo:], expected[lo:])


@pytest.mark.parametrize("window", [1, 2, 5, MAX_WINDOW])
def test_short_windows_match_the_oracle_over_many_chunks(window: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long enough for several chunks of lanes, with a chunk left to the block loop by a NaN,
    through the public function on the thread pool (where the lanes run): equal to the
    per-window two-pass oracle, and bitwise the block loop."""
    monkeypatch.setattr(plan, "PARALLEL_MIN_VALUES", 1)
    rng = np.random.default_rng(window)
    t = window * (3 * CHUNK_BLOCKS + 7) + 3
    x = rng.standard_normal(t) + 1e8
    y = 0.5 * x + rng.standard_normal(t)
    x[t // 2] = np.nan
    got = fastcorr.rolling_corr(x, y, window, min_periods=min(2, window))
    want = naive.corr(x, y, window, min(2, window))
    assert_close(got, want, 2e-11, f"window={window}")
    assert not np.any(np.abs(got[np.isfinite(got)]) > 1.0)
    assert bits_equal(got, _block_kernel(x, y, window, min(2, window), 0, CORR))


@pytest.mark.parametrize("scale", [1e-140, 1e140])
def test_lanes_take_two_roots_where_the_product_leaves_the_safe_range(scale: float) -> None:
    """Sums of squares whose product under- or overflows are finished with two square roots,
    as the block kernel does: same bits, and equal to the oracle on the unscaled values."""
    rng = np.random.default_rng(7)
    window = 6
    t = window * (CHUNK_BLOCKS + 3)
    x = rng.standard_normal(t)
    y = 0.3 * x + rng.standard_normal(t)
    nblocks = (t - 1) // window + 1
    got = _lanes(x * scale, y * scale, window, window, 0, nblocks)
    assert bits_equal(got, _block_kernel(x * scale, y * scale, window, window, 0, CORR))
    assert_close(got, naive.corr(x, y, window), 1e-13, f"scale={scale}")
