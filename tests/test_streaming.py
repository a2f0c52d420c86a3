"""Streaming classes: bitwise equal to the batch functions at any split, pickling, vectors of pairs, errors."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import naive
import numpy as np
import pytest
from checks import assert_close, bits_equal
from hypothesis import given
from hypothesis import strategies as st
from strategies import Case, cases

import fastcorr
from fastcorr.streaming import RollingCorr, RollingCov, RollingMean, RollingStd, RollingVar

Stream = RollingCorr | RollingCov | RollingMean | RollingStd | RollingVar

# name -> (stream class, batch function, takes y, takes ddof)
STATS: dict[str, tuple[type, Callable[..., Any], bool, bool]] = {
    "corr": (RollingCorr, fastcorr.rolling_corr, True, False),
    "cov": (RollingCov, fastcorr.rolling_cov, True, True),
    "var": (RollingVar, fastcorr.rolling_var, False, True),
    "std": (RollingStd, fastcorr.rolling_std, False, True),
    "mean": (RollingMean, fastcorr.rolling_mean, False, False),
}


def _make(name: str, window: int, min_periods: int | None, ddof: int) -> Stream:
    cls, _, _, takes_ddof = STATS[name]
    return cls(window, min_periods=min_periods, ddof=ddof) if takes_ddof else cls(window, min_periods=min_periods)


def _batch(name: str, x: np.ndarray, y: np.ndarray, window: int, min_periods: int | None, ddof: int) -> np.ndarray:
    _, fn, two, takes_ddof = STATS[name]
    kw: dict[str, Any] = {"min_periods": min_periods, **({"ddof": ddof} if takes_ddof else {})}
    return fn(x, y, window, **kw) if two else fn(x, window, **kw)


def _feed(stream: Stream, name: str, x: np.ndarray, y: np.ndarray, steps: list[int], revive: set[int]) -> np.ndarray:
    """Feed rows in runs of ``steps`` (1: ``update``, else ``update_many``), pickling the stream
    after the runs numbered in ``revive``; returns every row's result."""
    two = STATS[name][2]
    parts, i = [], 0
    for k, step in enumerate(steps):
        if step == 1:
            value = stream.update(x[i], y[i]) if two else stream.update(x[i])
            parts.append(np.asarray([value]))
        else:
            xs, ys = x[i : i + step], y[i : i + step]
            parts.append(stream.update_many(xs, ys) if two else stream.update_many(xs))
        i += step
        if k in revive:
            stream = pickle.loads(pickle.dumps(stream))
    assert i == len(x)
    return np.concatenate(parts) if parts else np.empty(x.shape, dtype=x.dtype)


@st.composite
def splits(draw: st.DrawFn, n: int, window: int) -> list[int]:
    """Run lengths summing to ``n``: single rows, short runs and runs across several blocks."""
    steps, left = [], n
    while left:
        step = draw(st.one_of(st.just(1), st.integers(1, min(left, 2 * window + 3))))
        step = min(step, left)
        steps.append(step)
        left -= step
    return steps


@given(
    case=st.one_of(cases(), cases(dtype=np.float32)),
    name=st.sampled_from(sorted(STATS)),
    data=st.data(),
)
def test_stream_equals_batch_bitwise(case: Case, name: str, data: st.DataObject) -> None:
    """Any split of the rows into updates (and pickling in between) gives the batch result, bit for bit."""
    steps = data.draw(splits(len(case.x), case.window), label="steps")
    revive = set(data.draw(st.lists(st.integers(0, max(len(steps) - 1, 0)), max_size=3), label="revive"))
    stream = _make(name, case.window, case.min_periods, case.ddof)
    got = _feed(stream, name, case.x, case.y, steps, revive)
    want = _batch(name, case.x, case.y, case.window, case.min_periods, case.ddof)
    assert got.dtype == want.dtype == case.x.dtype
    assert bits_equal(got, want), f"{name}: {np.flatnonzero(got.view(np.uint8) != want.view(np.uint8))[:5]}"


@given(case=cases(max_len=120), npairs=st.integers(1, 4), data=st.data())
def test_vector_of_pairs_equals_each_pair(case: Case, npairs: int, data: st.DataObject) -> None:
    """A stream of P pairs gives, column by column, the batch result of each pair."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    # Pair p: x shifted by p rows (wrapping) against y, with some rows knocked out.
    x = np.stack([np.roll(case.x, p) for p in range(npairs)], axis=1)
    y = np.repeat(case.y[:, None], npairs, axis=1)
    x[rng.random(x.shape) < 0.05] = np.nan
    steps = data.draw(splits(len(case.x), case.window), label="steps")
    for name in ("corr", "var"):
        stream = _make(name, case.window, case.min_periods, case.ddof)
        got = _feed(stream, name, x, y, steps, set())
        assert got.shape == x.shape
        for p in range(npairs):
            want = _batch(name, x[:, p], y[:, p], case.window, case.min_periods, case.ddof)
            assert bits_equal(np.ascontiguousarray(got[:, p]), want), (name, p)


def test_scalar_updates_return_python_floats() -> None:
    """One pair fed scalars gives floats (float32 input: numpy float32), a vector gives arrays."""
    s = RollingCorr(2, min_periods=1)
    assert isinstance(s.update(1.0, 2.0), float)
    f32 = RollingVar(2).update(np.float32(1.5))
    assert isinstance(f32, np.float32)
    v = RollingMean(3, min_periods=1).update(np.array([1.0, 2.0, 3.0]))
    assert isinstance(v, np.ndarray) and v.tolist() == [1.0, 2.0, 3.0]


def test_pickled_stream_resumes_where_it_stopped() -> None:
    """A stream pickled mid-block and restored continues exactly like the original."""
    rng = np.random.default_rng(7)
    x = 1e8 + np.cumsum(rng.standard_normal(95))
    y = np.cumsum(rng.standard_normal(95))
    a = RollingCorr(20, min_periods=5)
    head = a.update_many(x[:47], y[:47])
    b = pickle.loads(pickle.dumps(a))
    assert repr(b) == repr(a) and b.rows == 47
    tail_b = b.update_many(x[47:], y[47:])
    tail_a = a.update_many(x[47:], y[47:])
    assert bits_equal(tail_a, tail_b)
    assert bits_equal(np.concatenate([head, tail_b]), fastcorr.rolling_corr(x, y, 20, min_periods=5))


def test_state_does_not_grow() -> None:
    """Memory is O(window) per pair however many rows pass: nothing grows with the history."""
    s = RollingCov(10)
    s.update_many(np.arange(5.0), np.arange(5.0))
    sizes = [a.nbytes for a in s._state]
    s.update_many(np.arange(1000.0), np.ones(1000))
    assert [a.nbytes for a in s._state] == sizes


def test_windows_near_overflow_agree_with_the_oracle() -> None:
    """Values near 1e200 (sums of squares overflow unscaled) are scaled as in the batch kernel: still exact."""
    rng = np.random.default_rng(3)
    x = 1e200 * (1.0 + rng.standard_normal(60))
    s = RollingStd(8)
    got = np.array([s.update(v) for v in x])
    want = naive.std(x / 1e200, 8, None, 1) * 1e200
    assert_close(got, want, 1e-12 * np.nan_to_num(want), "stream std near overflow")
    assert_close(got, fastcorr.rolling_std(x, 8), 1e-12 * np.nan_to_num(want), "stream vs batch near overflow")


def test_huge_value_keeps_other_windows_bitwise_batch() -> None:
    """Next to a 1e200 value, every window that does not hold it is bitwise the batch result, whatever the split."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal(300)
    y = rng.standard_normal(300)
    x[130] = 1e200
    w = 40
    holds = np.array([i - w + 1 <= 130 <= i for i in range(len(x))])
    s = RollingCorr(w)
    got = np.concatenate([s.update_many(x[i : i + 23], y[i : i + 23]) for i in range(0, len(x), 23)])
    batch = fastcorr.rolling_corr(x, y, w)
    assert bits_equal(got[~holds], batch[~holds])
    assert_close(got[holds], batch[holds], 1e-12, "windows holding the 1e200")


def test_outlier_does_not_reach_earlier_windows() -> None:
    """A window is computed when its last row arrives: a later 1e300 cannot change it."""
    rng = np.random.default_rng(5)
    x = 1e6 + rng.standard_normal(40)
    x[25] = 1e300
    s = RollingVar(10)
    got = s.update_many(x)
    want = naive.var(x[:25], 10, None, 1)
    assert_close(got[:25], want, 1e-10 * np.nan_to_num(want), "windows before the outlier")


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "exc", "message"),
    [
        (lambda: RollingCorr(0), ValueError, "window must be a positive integer, got 0"),
        (lambda: RollingCorr(2.5), TypeError, "window must be a positive integer, got 2.5 of type float"),
        (lambda: RollingVar(3, min_periods=4), ValueError, "min_periods must be between 0 and window=3, got 4"),
        (lambda: RollingCov(3, ddof=-1), ValueError, "ddof must be a non-negative integer, got -1"),
    ],
)
def test_bad_settings(make: Callable[[], Any], exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_bad_updates() -> None:
    s = RollingCorr(3)
    with pytest.raises(TypeError, match="x must be numeric, got dtype <U1"):
        s.update("a", 1.0)
    with pytest.raises(ValueError, match=r"x must be a scalar or a 1-D array \(one value per pair\), got shape \(2,"):
        s.update(np.ones((2, 2)), np.ones((2, 2)))
    s.update(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="y has 2 values per row, but this RollingCorr follows 3 pairs"):
        s.update(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"xs and ys must have the same shape, got \(2, 3\) and \(3, 3\)"):
        s.update_many(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"x has 2 values per row, but this RollingCorr follows 3 pairs"):
        s.update(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="x has a scalar per row, but this RollingCorr follows 3 pairs"):
        s.update(1.0, 1.0)
    with pytest.raises(ValueError, match=r"xs must be 1-D \(rows\) or 2-D \(rows, pairs\), got shape \(\)"):
        s.update_many(1.0, 1.0)
    assert s.rows == 1  # a refused update changes nothing
    m = RollingMean(2)
    m.update(1.0)
    with pytest.raises(ValueError, match=r"xs has 4 values per row, but this RollingMean follows one series"):
        m.update_many(np.ones((2, 4)))
    with pytest.raises(TypeError, match="xs must be numeric, got dtype bool"):
        m.update_many(np.array([True, False]))
