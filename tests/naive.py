"""Slow, obviously correct oracles for the rolling statistics.

Every oracle looks at one window at a time: for each end row ``i`` it takes rows
``max(0, i - window + 1) ..= i``, keeps the rows where every value it needs is
finite (both ``x`` and ``y`` for cov/corr), and gives NaN when fewer than
``max(min_periods, 1)`` rows are left (``min_periods`` defaults to ``window``).
var/cov are also NaN when ``n - ddof <= 0``; corr is NaN when either centred sum
of squares is 0 (a constant window).

Two families:

* the *fsum* oracles (``mean``, ``var``, ``std``, ``cov``, ``corr``): a window is
  first shifted by one of its own values (``a - a[0]`` is exact for values of the
  same magnitude, so an offset of 1e12 costs nothing), then centred with a
  two-pass mean taken with ``math.fsum``, and the centred products are summed
  with ``math.fsum``. Centring with ``math.fsum(a) / n`` directly would not do:
  that mean is rounded to ``ulp(mean)`` (1e-4 at 1e12), which shifts every
  centred value and costs ~1e-9 in a correlation.
* the *exact* oracles (``exact_mean`` ... ``exact_corr``) in ``fractions.Fraction``
  arithmetic, rounded once at the end. They are slow and only used to check the
  fsum oracles on a few windows.

All oracles accept array-likes, compute in float64 and return float64 arrays.
With ``ends`` given, only the windows ending at those rows are computed and the
result has one value per entry of ``ends``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from fractions import Fraction

import numpy as np

WindowFn = Callable[[np.ndarray, np.ndarray], float]


def _rolling(
    fn: WindowFn,
    x: np.ndarray,
    y: np.ndarray,
    window: int,
    min_periods: int | None,
    ends: Iterable[int] | None = None,
) -> np.ndarray:
    """Apply ``fn(xs, ys)`` to the pairwise-finite rows of every window."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    assert x.shape == y.shape and x.ndim == 1
    need = max(window if min_periods is None else min_periods, 1)
    rows = range(len(x)) if ends is None else list(ends)
    out = np.full(len(rows), np.nan)
    for k, i in enumerate(rows):
        lo = max(0, i - window + 1)
        xs = x[lo : i + 1]
        ys = y[lo : i + 1]
        ok = np.isfinite(xs) & np.isfinite(ys)
        if np.count_nonzero(ok) >= need:
            out[k] = fn(xs[ok], ys[ok])
    return out


def centred(a: np.ndarray) -> np.ndarray:
    """``a`` minus its mean, accurate to rounding of each centred value.

    Shift by a member of ``a`` first (exact for same-magnitude data), then take
    the mean of the shifted values with ``math.fsum``.
    """
    d = a - a[0]
    return d - math.fsum(d) / len(d)


def _mean(xs: np.ndarray, _ys: np.ndarray) -> float:
    return math.fsum(xs) / len(xs)


def _moments(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    """Centred sums ``(Sxx, Syy, Sxy)`` of one window."""
    cx = centred(xs)
    cy = centred(ys)
    return math.fsum(cx * cx), math.fsum(cy * cy), math.fsum(cx * cy)


def _var_fn(ddof: int) -> WindowFn:
    def fn(xs: np.ndarray, ys: np.ndarray) -> float:
        if len(xs) - ddof <= 0:
            return math.nan
        return _moments(xs, ys)[0] / (len(xs) - ddof)

    return fn


def _cov_fn(ddof: int) -> WindowFn:
    def fn(xs: np.ndarray, ys: np.ndarray) -> float:
        if len(xs) - ddof <= 0:
            return math.nan
        return _moments(xs, ys)[2] / (len(xs) - ddof)

    return fn


def _corr(xs: np.ndarray, ys: np.ndarray) -> float:
    sxx, syy, sxy = _moments(xs, ys)
    if sxx == 0.0 or syy == 0.0:
        return math.nan
    return sxy / (math.sqrt(sxx) * math.sqrt(syy))


def mean(x: np.ndarray, window: int, min_periods: int | None = None, ends: Iterable[int] | None = None) -> np.ndarray:
    """Rolling mean (``math.fsum`` of the window, divided by its count)."""
    return _rolling(_mean, x, x, window, min_periods, ends)


def var(
    x: np.ndarray, window: int, min_periods: int | None = None, ddof: int = 1, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling variance with divisor ``n - ddof``."""
    return _rolling(_var_fn(ddof), x, x, window, min_periods, ends)


def std(
    x: np.ndarray, window: int, min_periods: int | None = None, ddof: int = 1, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling standard deviation, ``sqrt`` of :func:`var`."""
    return np.sqrt(var(x, window, min_periods, ddof, ends))


def cov(
    x: np.ndarray,
    y: np.ndarray,
    window: int,
    min_periods: int | None = None,
    ddof: int = 1,
    ends: Iterable[int] | None = None,
) -> np.ndarray:
    """Rolling covariance over pairwise-finite rows, divisor ``n - ddof``."""
    return _rolling(_cov_fn(ddof), x, y, window, min_periods, ends)


def corr(
    x: np.ndarray, y: np.ndarray, window: int, min_periods: int | None = None, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling Pearson correlation over pairwise-finite rows (not clamped)."""
    return _rolling(_corr, x, y, window, min_periods, ends)


def absmax(x: np.ndarray, window: int, ends: Iterable[int] | None = None) -> np.ndarray:
    """Largest finite ``|x|`` of each window (0 for a window without one): a scale for mean errors."""

    def fn(xs: np.ndarray, _ys: np.ndarray) -> float:
        return float(np.max(np.abs(xs)))

    out = _rolling(fn, x, x, window, 1, ends)
    return np.nan_to_num(out, nan=0.0)


# -- exact oracles (Fraction arithmetic, one rounding at the end) ---------------


def _exact_moments(xs: np.ndarray, ys: np.ndarray) -> tuple[int, Fraction, Fraction, Fraction, Fraction]:
    """Exact ``(n, mean_x, Sxx, Syy, Sxy)`` of one window."""
    fx = [Fraction(float(v)) for v in xs]
    fy = [Fraction(float(v)) for v in ys]
    n = len(fx)
    mx = sum(fx, Fraction(0)) / n
    my = sum(fy, Fraction(0)) / n
    sxx = sum(((a - mx) ** 2 for a in fx), Fraction(0))
    syy = sum(((b - my) ** 2 for b in fy), Fraction(0))
    sxy = sum(((a - mx) * (b - my) for a, b in zip(fx, fy, strict=True)), Fraction(0))
    return n, mx, sxx, syy, sxy


def _exact_mean(xs: np.ndarray, ys: np.ndarray) -> float:
    return float(_exact_moments(xs, ys)[1])


def _exact_var_fn(ddof: int) -> WindowFn:
    def fn(xs: np.ndarray, ys: np.ndarray) -> float:
        n, _, sxx, _, _ = _exact_moments(xs, ys)
        return float(sxx / (n - ddof)) if n - ddof > 0 else math.nan

    return fn


def _exact_cov_fn(ddof: int) -> WindowFn:
    def fn(xs: np.ndarray, ys: np.ndarray) -> float:
        n, _, _, _, sxy = _exact_moments(xs, ys)
        return float(sxy / (n - ddof)) if n - ddof > 0 else math.nan

    return fn


def _exact_corr(xs: np.ndarray, ys: np.ndarray) -> float:
    _, _, sxx, syy, sxy = _exact_moments(xs, ys)
    if sxx == 0 or syy == 0:
        return math.nan
    # corr = sign(Sxy) * sqrt(Sxy^2 / (Sxx Syy)): the ratio is exact, then one
    # rounding to float and a correctly rounded sqrt (error <= 1.5 ulp).
    r2 = sxy * sxy / (sxx * syy)
    return math.copysign(math.sqrt(float(r2)), float(sxy)) if sxy != 0 else 0.0


def exact_mean(
    x: np.ndarray, window: int, min_periods: int | None = None, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling mean in exact rational arithmetic."""
    return _rolling(_exact_mean, x, x, window, min_periods, ends)


def exact_var(
    x: np.ndarray, window: int, min_periods: int | None = None, ddof: int = 1, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling variance in exact rational arithmetic."""
    return _rolling(_exact_var_fn(ddof), x, x, window, min_periods, ends)


def exact_std(
    x: np.ndarray, window: int, min_periods: int | None = None, ddof: int = 1, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling standard deviation: ``sqrt`` of :func:`exact_var`."""
    return np.sqrt(exact_var(x, window, min_periods, ddof, ends))


def exact_cov(
    x: np.ndarray,
    y: np.ndarray,
    window: int,
    min_periods: int | None = None,
    ddof: int = 1,
    ends: Iterable[int] | None = None,
) -> np.ndarray:
    """Rolling covariance in exact rational arithmetic."""
    return _rolling(_exact_cov_fn(ddof), x, y, window, min_periods, ends)


def exact_corr(
    x: np.ndarray, y: np.ndarray, window: int, min_periods: int | None = None, ends: Iterable[int] | None = None
) -> np.ndarray:
    """Rolling correlation in exact rational arithmetic (rounded once, then sqrt)."""
    return _rolling(_exact_corr, x, y, window, min_periods, ends)
