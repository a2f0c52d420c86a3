"""Assertions shared by the test modules: NaN pattern, tolerances, bounds."""

from __future__ import annotations

import naive
import numpy as np


def bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    """Bitwise equality (NaN payloads and signed zeros included)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.view(np.uint8), b.view(np.uint8))


def assert_close(actual: np.ndarray, expected: np.ndarray, tol: float | np.ndarray, what: str = "") -> None:
    """Same NaN pattern, and ``|actual - expected| <= tol`` elsewhere (``tol`` may vary per row).

    The failure message names the worst row, both values and the tolerance there.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    if not np.array_equal(nan_a, nan_e):
        rows = np.flatnonzero(nan_a != nan_e)
        i = rows[0]
        raise AssertionError(
            f"{what}: NaN pattern differs at {len(rows)} rows, first {i}: got {actual[i]!r}, expected {expected[i]!r}"
        )
    tol = np.broadcast_to(np.asarray(tol, dtype=np.float64), actual.shape)
    ok = ~nan_e
    err = np.where(ok, np.abs(actual - expected), 0.0)
    bad = err > tol
    if bad.any():
        i = int(np.argmax(np.where(ok, err - tol, -np.inf)))
        raise AssertionError(
            f"{what}: {np.count_nonzero(bad)} rows off, worst {i}: got {actual[i]!r}, expected {expected[i]!r}, "
            f"error {err[i]:.3e} > tolerance {tol[i]:.3e}"
        )


def assert_bounds(corr: np.ndarray | None = None, var: np.ndarray | None = None) -> None:
    """No ``|corr| > 1`` and no ``var < 0`` (NaN allowed)."""
    if corr is not None:
        corr = np.asarray(corr, dtype=np.float64)
        assert not (np.abs(corr) > 1.0).any(), f"|corr| > 1: {corr[np.abs(corr) > 1.0]!r}"
    if var is not None:
        var = np.asarray(var, dtype=np.float64)
        assert not (var < 0.0).any(), f"var < 0: {var[var < 0.0]!r}"


def pairwise(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` with NaN wherever either is missing (the rows cov/corr use)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    return np.where(ok, x, np.nan), np.where(ok, y, np.nan)


def cov_scale(
    x: np.ndarray, y: np.ndarray, window: int, min_periods: int | None, ddof: int, ends: list[int] | None = None
) -> np.ndarray:
    """``sx * sy`` over each window's pairwise-complete rows (the unit of a covariance error)."""
    xp, yp = pairwise(x, y)
    vx = naive.var(xp, window, min_periods, ddof, ends)
    vy = naive.var(yp, window, min_periods, ddof, ends)
    return np.nan_to_num(np.sqrt(vx) * np.sqrt(vy), nan=0.0)
