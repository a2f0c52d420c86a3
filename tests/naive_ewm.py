"""Slow, obviously correct oracles for the exponentially weighted statistics.

Each output row is computed from scratch from an explicit weight per
observation, with ``math.fsum`` sums:

* :func:`weights` follows pandas' definition row by row: a row after the first
  observation multiplies every weight by the decay ``f`` (``1 - alpha``, or
  ``(1 - alpha) ** (dt / halflife)`` with times) unless it is missing and
  ``ignore_na``, or missing and ``f == 0`` (pandas keeps the last values there);
  an observation then joins with weight 1 (the first one, or every
  one with ``adjust``) or ``alpha`` (or, ``irregular``, 1 minus the decayed
  weights: pandas' mean with ``adjust=False`` and ``com == 1``); without
  ``adjust`` the weights are rescaled to sum 1 after each observation.
* :func:`time_weights` is the closed form for time decay with ``adjust`` and
  without ``ignore_na``: ``w_j = (1 - alpha) ** ((t_i - t_j) / halflife)``.

A row is an observation when both values are finite. The weighted moments of
the observations are centred the way ``naive.centred`` centres: shifted by one
of the values (exact for same-magnitude data), then by the weighted ``fsum``
mean of the shifted values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

STATS = ("mean", "var", "std", "cov", "corr")


def weights(
    ok: np.ndarray,
    decay: float,
    new_wt: float,
    adjust: bool,
    ignore_na: bool,
    deltas: np.ndarray | None = None,
    irregular: bool = False,
) -> list[np.ndarray]:
    """Weights of the observations (in order) after each row; ``deltas[i]`` is row i's ``dt / halflife``."""
    w = np.empty(0)
    out = []
    for i, obs in enumerate(ok):
        f = decay if deltas is None else decay ** deltas[i]
        if len(w) and (obs or (not ignore_na and f > 0)):
            w = w * f
        if obs:
            # irregular: pandas' adjust=False rule with com == 1, the weight the old ones lost.
            w = np.append(w, 1.0 if len(w) == 0 else (1.0 - math.fsum(w)) if irregular else new_wt)
            if not adjust:
                w = w / math.fsum(w)
        out.append(w)
    return out


def time_weights(ok: np.ndarray, times_ns: np.ndarray, halflife_ns: float, decay: float = 0.5) -> list[np.ndarray]:
    """Closed-form time-decayed weights (``adjust=True``, ``ignore_na=False``)."""
    t = np.asarray(times_ns, dtype=np.float64)[np.asarray(ok)]
    obs_before = np.cumsum(ok)
    return [decay ** ((times_ns[i] - t[: obs_before[i]]) / halflife_ns) for i in range(len(ok))]


def _centred(w: np.ndarray, a: np.ndarray) -> np.ndarray:
    d = a - a[0]
    return d - math.fsum(w * d) / math.fsum(w)


def moments(w: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float, float, float]:
    """``(W, W2, mean_x, Mxx, Myy, Mxy)`` of weighted observations."""
    total = math.fsum(w)
    mean = xs[0] + math.fsum(w * (xs - xs[0])) / total
    cx = _centred(w, xs)
    cy = _centred(w, ys)
    return total, math.fsum(w * w), mean, math.fsum(w * cx * cx), math.fsum(w * cy * cy), math.fsum(w * cx * cy)


def _value(stat: str, w: np.ndarray, xs: np.ndarray, ys: np.ndarray, bias: bool) -> float:
    total, _, mean, mxx, myy, mxy = moments(w, xs, ys)
    if stat == "mean":
        return mean
    if stat == "corr":
        return mxy / (math.sqrt(mxx) * math.sqrt(myy)) if mxx > 0 and myy > 0 else math.nan
    m = mxy if stat == "cov" else mxx
    if bias:
        v = m / total
    else:
        # W^2 - sum w^2 as 2 sum_{i<j} w_i w_j: no cancellation when one weight dominates.
        den = 2.0 * math.fsum(w[1:] * np.cumsum(w)[:-1])
        v = (total * total / den) * (m / total) if den > 0 else math.nan
    return math.sqrt(v) if stat == "std" else v


def ewm(
    stat: str,
    x: np.ndarray,
    y: np.ndarray | None = None,
    *,
    alpha: float,
    adjust: bool = True,
    ignore_na: bool = False,
    min_periods: int = 0,
    bias: bool = False,
    deltas: np.ndarray | None = None,
    row_weights: list[np.ndarray] | None = None,
    ends: Iterable[int] | None = None,
    irregular: bool = False,
) -> np.ndarray:
    """Statistic ``stat`` after each row (or each row of ``ends``), from explicit weights.

    ``row_weights`` (from :func:`time_weights`) replaces the recursive weights.
    """
    x = np.asarray(x, dtype=np.float64)
    y = x if y is None else np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    if row_weights is None:
        row_weights = weights(ok, 1.0 - alpha, 1.0 if adjust else alpha, adjust, ignore_na, deltas, irregular)
    xs, ys = x[ok], y[ok]
    rows = range(len(x)) if ends is None else list(ends)
    out = np.full(len(rows), np.nan)
    for k, i in enumerate(rows):
        w = row_weights[i]
        if len(w) >= max(min_periods, 1):
            out[k] = _value(stat, w, xs[: len(w)], ys[: len(w)], bias)
    return out


def dense_ewm(stat: str, x: np.ndarray, y: np.ndarray | None, alpha: float, ends: Iterable[int]) -> np.ndarray:
    """``adjust=True`` statistic of data without missing values at rows ``ends``: ``w_j = (1 - alpha) ** (i - j)``.

    Weights below 1e-300 of the largest are dropped (they cannot move a sum).
    """
    x = np.asarray(x, dtype=np.float64)
    y = x if y is None else np.asarray(y, dtype=np.float64)
    out = []
    span = int(min(len(x), 340.0 / max(-math.log10(1.0 - alpha), 1e-300))) if alpha < 1 else 1
    for i in ends:
        lo = max(0, i + 1 - span)
        w = (1.0 - alpha) ** np.arange(i - lo, -1, -1, dtype=np.float64)
        out.append(_value(stat, w, x[lo : i + 1], y[lo : i + 1], False))
    return np.array(out)
