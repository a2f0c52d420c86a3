"""Exponentially weighted mean/var/std/cov/corr: one pass, centred updates.

Method
------
The state of a pair after row ``i`` is the weighted aggregate of its
observations: the weight sum ``W``, ``D = W^2 - sum w^2`` (for the bias
correction; kept as its own sum of non-negative terms, ``2 sum_{i<j} w_i w_j``,
since the difference cancels when one weight dominates), the means and the centred sums ``Mxx = sum w (x - mean_x)^2``,
``Myy`` and ``Mxy``. A row first decays the state (weights and centred sums times
``f``: ``1 - alpha``, or ``(1 - alpha) ** (dt / halflife)`` with times), then an
observation of weight ``nw`` is added with the weighted Welford update
``mean += d * nw / W'`` and ``M += W * nw / W' * d * d'`` (``d`` the deviation
from the old mean). This is pandas' ``ewmcov`` recurrence written with
unnormalised weights; every term added to ``Mxx`` is non-negative, so nothing is
ever subtracted from a running total.

Means are kept relative to an anchor ``k`` (the first observation, moved onto
the current mean every ``ANCHOR`` rows of absolute position): ``x - k`` is exact
for data of the magnitude of ``k`` (Sterbenz), so the rounding of a mean at 1e12
(1e-4) never enters the deviations. The state after a row depends only on the
state before it and the row, and the anchor schedule on the absolute row
number, so any split of a series into consecutive calls (a streaming update)
gives the same bits.

NaN rule: a row counts only when both of its values are finite (pairwise
complete); NaN and +-inf are missing. A missing row decays the state unless
``ignore_na`` (or unless it would decay it to nothing, alpha = 1). ``min_periods`` counts observations.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR

# Layout of a pair's state vector.
CNT, WSUM, DSUM, KX, KY, MX, MY, MXX, MYY, MXY = range(10)
NSTATE = 10

# How an observation joins (``mode``): with weight 1 (pandas' adjust=True), or the
# weights are renormalised to sum 1 and it joins with weight alpha (adjust=False),
# or with weight 1 - (the decayed old weight) (adjust=False with com == 1: pandas'
# rule for irregular time steps).
ADJUST, RECURSIVE, IRREGULAR = 0, 1, 2

# Rows of absolute position between two moves of the anchor onto the mean.
ANCHOR = 64

_SAFE_LO, _SAFE_HI = 1e-290, 1e290


@njit(inline="always", nogil=True, error_model="numpy")
def _two_sum(a, b):
    """``(s, e)`` with ``s = fl(a + b)`` and ``s + e == a + b`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@njit(inline="always", nogil=True, error_model="numpy")
def _record(stat, tab, j, cnt, w, dsum, mean, mxx, myy, mxy):
    """Column ``j`` of the table that ``finish`` reads: the count and what ``stat`` needs."""
    tab[0, j] = cnt
    if stat == MEAN:
        tab[1, j] = mean
    elif stat == CORR:
        tab[1, j] = mxx
        tab[2, j] = myy
        tab[3, j] = mxy
    else:
        tab[1, j] = w
        tab[2, j] = dsum
        tab[3, j] = mxx if stat != COV else mxy


@njit(inline="always", nogil=True, error_model="numpy")
def _finish_corr(tab, m, min_periods, out):
    fine = True
    for j in range(m):
        a = tab[1, j]
        b = tab[2, j]
        p = a * b
        ok = (tab[0, j] >= min_periods) & (a > 0.0) & (b > 0.0)
        r = min(max(tab[3, j] / math.sqrt(p), -1.0), 1.0)
        out[j] = r if ok else np.nan
        fine &= (not ok) | ((p > _SAFE_LO) & (p < _SAFE_HI))
    if not fine:
        # sqrt(Mxx * Myy) left the float range: two roots for those rows only, so that a
        # row's value never depends on which rows share its call (streaming = batch).
        for j in range(m):
            a = tab[1, j]
            b = tab[2, j]
            p = a * b
            if (tab[0, j] >= min_periods) & (a > 0.0) & (b > 0.0) & ((p <= _SAFE_LO) | (p >= _SAFE_HI)):
                out[j] = min(max(tab[3, j] / (math.sqrt(a) * math.sqrt(b)), -1.0), 1.0)


@njit(inline="always", nogil=True, error_model="numpy")
def _finish_moment(root, tab, m, min_periods, bias, out):
    for j in range(m):
        w = tab[1, j]
        den = tab[2, j]
        # (W^2 / D) * (M / W), pandas' bias correction; D = 0 for a single observation.
        v = tab[3, j] / w if bias else tab[3, j] * (w / den)
        v = math.sqrt(v) if root else v
        out[j] = v if (tab[0, j] >= min_periods) & (bias | (den > 0.0)) else np.nan


@njit(inline="always", nogil=True, error_model="numpy")
def finish(stat, tab, m, min_periods, bias, out):
    """Outputs from the first ``m`` columns of ``tab`` (see ``_record``): NaN below
    ``min_periods``; var/cov times pandas' bias correction ``W^2 / D``
    unless ``bias`` (NaN where ``D`` is 0: one observation); corr clamped to [-1, 1],
    NaN where either sum of squares is 0. Branch-free, so that it vectorises. O(m).
    """
    if stat == CORR:
        _finish_corr(tab, m, min_periods, out)
    elif stat == MEAN:
        for j in range(m):
            out[j] = tab[1, j] if tab[0, j] >= min_periods else np.nan
    else:
        _finish_moment(stat == STD, tab, m, min_periods, bias, out)


@njit(inline="always", nogil=True, error_model="numpy")
def _segment(stat, x, y, lo, hi, deltas, decay, new_wt, mode, ignore_na, s, tab):
    """Rows ``[lo, hi)`` from state tuple ``s`` into ``tab``; returns the new state tuple."""
    cnt, w, dsum, kx, ky, mx, my, mxx, myy, mxy = s
    timed = deltas.shape[0] > 0
    # 1 / (w + new_wt) is a function of w alone, and w settles on a fixed point
    # within a few thousand rows: reusing it saves a division per row, same bits.
    wn_last = -1.0
    r = 0.0
    for i in range(lo, hi):
        u = np.float64(x[i])
        v = np.float64(y[i])
        ok = np.isfinite(u) and np.isfinite(v)
        if w > 0.0:
            f = decay ** deltas[i] if timed else decay
            # A missing row with f == 0 (alpha = 1) would leave no weight at all: pandas keeps
            # the last observation's values there, the limit of alpha -> 1, so skip it.
            if ok or (not ignore_na and f > 0.0):
                w *= f
                dsum *= f * f
                mxx *= f
                myy *= f
                mxy *= f
            if ok:
                du = (u - kx) - mx
                dv = (v - ky) - my
                if mode == IRREGULAR:
                    new_wt = 1.0 - w
                    wn = w + new_wt
                    r = new_wt / wn
                else:
                    wn = w + new_wt
                    if wn != wn_last:
                        r = new_wt / wn
                        wn_last = wn
                g = w * r
                mx += du * r
                my += dv * r
                mxx += g * (du * du)
                myy += g * (dv * dv)
                mxy += g * (du * dv)
                dsum += 2.0 * new_wt * w
                w = wn
                cnt += 1.0
                if mode != ADJUST:
                    # pandas' recursive form renormalises the weights after every observation,
                    # which changes their ratio after a decayed missing row.
                    mxx /= w
                    myy /= w
                    mxy /= w
                    dsum /= wn * wn
                    w = 1.0
        elif ok:
            # First observation (or the first after the weights underflowed): it weighs 1.
            kx = u
            ky = v
            mx = my = mxx = myy = mxy = 0.0
            w = 1.0
            dsum = 0.0
            cnt += 1.0
        _record(stat, tab, i - lo, cnt, w, dsum, kx + mx, mxx, myy, mxy)
    return cnt, w, dsum, kx, ky, mx, my, mxx, myy, mxy


@njit(inline="always", nogil=True, error_model="numpy")
def _run(stat, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out):
    s = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7], state[8], state[9])
    n = x.shape[0]
    lo = 0
    while lo < n:
        phase = (pos0 + lo) % ANCHOR
        hi = min(n, lo + ANCHOR - phase)
        if phase == 0:
            # Move the anchor onto the mean; the residual is the exact rounding error (TwoSum),
            # so the mean kx + mx does not move.
            cnt, w, dsum, kx, ky, mx, my, mxx, myy, mxy = s
            kx, mx = _two_sum(kx, mx)
            ky, my = _two_sum(ky, my)
            s = (cnt, w, dsum, kx, ky, mx, my, mxx, myy, mxy)
        s = _segment(stat, x, y, lo, hi, deltas, decay, new_wt, mode, ignore_na, s, tab)
        finish(stat, tab, hi - lo, min_periods, bias, out[lo:hi])
        lo = hi
    for k in range(NSTATE):
        state[k] = s[k]


@njit(cache=True, nogil=True, error_model="numpy")
def ewm_1d(x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, stat, bias, pos0, state, out):
    """Run the recurrence over ``x``, ``y`` from ``state`` (updated in place) into ``out``.

    ``deltas``: empty (every row decays by ``decay``) or one value per row, the
    time since the previous row over the half-life (row decays by
    ``decay ** deltas[i]``). ``new_wt``: weight of an observation after the
    first (1 with ``adjust``, else alpha; the first weighs 1), and ``mode``
    how it joins (``ADJUST``, ``RECURSIVE``, ``IRREGULAR``).
    ``pos0``: absolute position of row 0 (fixes the anchor schedule).
    ``min_periods`` >= 1. The recurrence runs a segment of rows at a time into
    a small table, and the outputs of the segment are finished in a vectorised
    loop (the square root and division of a correlation are off the serial
    path). O(len(x)).
    """
    tab = np.empty((4, min(ANCHOR, max(x.shape[0], 1))))
    # One copy per statistic, so that the statistic is a constant inside the loops.
    if stat == CORR:
        _run(CORR, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out)
    elif stat == COV:
        _run(COV, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out)
    elif stat == VAR:
        _run(VAR, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out)
    elif stat == STD:
        _run(STD, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out)
    else:
        _run(MEAN, x, y, deltas, decay, new_wt, mode, ignore_na, min_periods, bias, pos0, state, tab, out)


@njit(cache=True, nogil=True, error_model="numpy")
def ewm_2d_serial(x, ix, y, iy, deltas, decay, new_wt, mode, ignore_na, min_periods, stat, bias, pos0, state, out):
    """``ewm_2d`` on the calling thread. Same arithmetic, same bits. O(P * T)."""
    for p in range(out.shape[0]):
        ewm_1d(
            x[ix[p]],
            y[iy[p]],
            deltas,
            decay,
            new_wt,
            mode,
            ignore_na,
            min_periods,
            stat,
            bias,
            pos0,
            state[p],
            out[p],
        )


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def ewm_2d(x, ix, y, iy, deltas, decay, new_wt, mode, ignore_na, min_periods, stat, bias, pos0, state, out):
    """Statistic ``stat`` of ``x[ix[p]]`` against ``y[iy[p]]`` into ``out[p]``, from ``state[p]``.

    ``x``, ``y``: one series per row, shape ``(N, T)``; ``state``: shape
    ``(P, NSTATE)``, zeros for a fresh start, updated in place. Pairs run in
    parallel; each pair's arithmetic is that of ``ewm_1d``. O(P * T).
    """
    for p in prange(out.shape[0]):
        ewm_1d(
            x[ix[p]],
            y[iy[p]],
            deltas,
            decay,
            new_wt,
            mode,
            ignore_na,
            min_periods,
            stat,
            bias,
            pos0,
            state[p],
            out[p],
        )
