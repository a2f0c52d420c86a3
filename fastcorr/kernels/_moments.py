"""Window aggregates and their exact merge.

An *aggregate* summarises the pairwise-complete rows of a stretch of two series
``x`` and ``y``: the count ``n``, the shifts ``kx, ky`` (values of the stretch
itself) and the power sums of ``dx = x - kx`` and ``dy = y - ky``:
``sx, sy, sxx, syy, sxy``. Since the shift is one of the values, the stretch is
constant exactly when ``sxx == 0`` (every ``dx`` is then 0).

Why shifted power sums and not raw ones: raw sums of prices at 1e8 carry the
offset squared and lose everything when centred. With the shift taken from the
aggregate's own values, ``x - kx`` is exact for values of the same magnitude
(Sterbenz), and because ``kx`` is one of the values, ``sxx <= (n + 1) * M2``:
centring loses at most a factor ``n`` of relative precision in the worst case
(one value far from all the others) and O(1) on ordinary data.

Two aggregates are merged with the pairwise update of Chan, Golub and LeVeque
(1979): ``M2 = M2a + M2b + delta^2 * na * nb / n``, a sum of non-negative terms.
Nothing is ever subtracted from a running total, so nothing drifts.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Statistic codes understood by ``finish``.
MEAN, VAR, STD, COV, CORR = 0, 1, 2, 3, 4

# Number of rows of a scratch table of aggregates (see ``store``).
NFIELDS = 6


@njit(inline="always", nogil=True, error_model="numpy")
def store(table, k, c, sx, sy, sxx, syy, sxy):
    """Write an aggregate into column ``k`` of a ``(NFIELDS, m)`` table."""
    table[0, k] = c
    store_sums(table, k, sx, sy, sxx, syy, sxy)


@njit(inline="always", nogil=True, error_model="numpy")
def store_sums(table, k, sx, sy, sxx, syy, sxy):
    """Write an aggregate's sums into column ``k`` of a ``(NFIELDS, m)`` table, its count left as it is."""
    table[1, k] = sx
    table[2, k] = sy
    table[3, k] = sxx
    table[4, k] = syy
    table[5, k] = sxy


@njit(inline="always", nogil=True, error_model="numpy")
def weights(na, nb):
    """Weights of merging ``na`` with ``nb`` rows: ``(1/na, 1/nb, na*nb/n, 1/n)``.

    An empty side counts as one row (its sums are zero). One division for all
    four, the counts being exact small integers.
    """
    pa = max(na, 1.0)
    pb = max(nb, 1.0)
    pn = max(na + nb, 1.0)
    r = 1.0 / (pa * pb * pn)
    inv_n = pa * pb * r
    return pb * pn * r, pa * pn * r, na * nb * inv_n, inv_n


@njit(inline="always", nogil=True, error_model="numpy")
def merge(na, ax, ay, axx, ayy, axy, kxa, kya, nb, bx, by, bxx, byy, bxy, kxb, kyb, ia, ib, f, inv_n):
    """Merge two aggregates into ``(n, mean_x, mean_y, Mxx, Myy, Mxy)``.

    ``ia, ib, f, inv_n`` are ``weights(na, nb)``. ``M`` are centred sums of
    squares and cross-products. A series whose rows are all equal gets
    ``M = 0`` exactly (and its cross-product too), so variances of constant
    windows are exactly 0 and their correlations NaN. Either aggregate may be
    empty (count 0). O(1).
    """
    if na == 0:
        kxa = kxb
        kya = kyb
    if nb == 0:
        kxb = kxa
        kyb = kya
    return merge_nonempty(na, ax, ay, axx, ayy, axy, kxa, kya, nb, bx, by, bxx, byy, bxy, kxb, kyb, ia, ib, f, inv_n)


@njit(inline="always", nogil=True, error_model="numpy")
def merge_nonempty(na, ax, ay, axx, ayy, axy, kxa, kya, nb, bx, by, bxx, byy, bxy, kxb, kyb, ia, ib, f, inv_n):
    """``merge`` of two aggregates known to be non-empty: the same arithmetic
    without the two tests for an empty side (a hot loop that knows its counts
    saves them). O(1)."""
    n = na + nb
    max_ = ax * ia
    may = ay * ia
    mbx = bx * ib
    mby = by * ib
    dx = (kxb - kxa) + (mbx - max_)
    dy = (kyb - kya) + (mby - may)
    mxx = (axx - ax * max_) + (bxx - bx * mbx) + dx * dx * f
    myy = (ayy - ay * may) + (byy - by * mby) + dy * dy * f
    mxy = (axy - ax * may) + (bxy - bx * mby) + dx * dy * f
    if axx == 0.0 and bxx == 0.0 and kxa == kxb:
        mxx = 0.0
        mxy = 0.0
    if ayy == 0.0 and byy == 0.0 and kya == kyb:
        myy = 0.0
        mxy = 0.0
    mean_x = kxb + ((ax + na * (kxa - kxb)) + bx) * inv_n
    mean_y = kyb + ((ay + na * (kya - kyb)) + by) * inv_n
    return n, mean_x, mean_y, max(mxx, 0.0), max(myy, 0.0), mxy


# Windows whose sums of squares reach this are recomputed on scaled values (``rolling.overflow_block_outputs``).
NEAR_OVERFLOW = 1e300


@njit(inline="always", nogil=True, error_model="numpy")
def shifts_apart(n, kxa, kya, kxb, kyb):
    """Whether ``n`` rows shifted by ``kxb`` (``kyb``) could overflow a merge with an aggregate
    shifted by ``kxa`` (``kya``): a window's centred sum of squares is at most its sums about
    one shift plus twice ``n`` times the squared distance between the shifts."""
    dx = kxb - kxa
    dy = kyb - kya
    return not (n * (dx * dx) < NEAR_OVERFLOW and n * (dy * dy) < NEAR_OVERFLOW)


# Products of sums of squares inside this range keep a correctly rounded sqrt.
_SAFE_LO, _SAFE_HI = 1e-290, 1e290


@njit(inline="always", nogil=True, error_model="numpy")
def finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, safe):
    """The statistic ``stat`` of a merged window, NaN below ``min_periods``.

    Returns ``(value, fine)``. A correlation takes one square root,
    ``sqrt(Mxx * Myy)``, unless ``safe``, when it takes two so that the product
    cannot overflow or underflow; ``fine`` is False when the product was out of
    range and the caller must recompute with ``safe=True``.
    """
    if n < min_periods or n == 0:
        return np.nan, True
    return finish_counted(stat, n, mean_x, mxx, myy, mxy, ddof, safe)


@njit(inline="always", nogil=True, error_model="numpy")
def finish_counted(stat, n, mean_x, mxx, myy, mxy, ddof, safe):
    """``finish`` for a window known to have ``n >= max(min_periods, 1)`` rows. O(1)."""
    if stat == MEAN:
        return mean_x, True
    if stat == CORR:
        if mxx > 0.0 and myy > 0.0:
            p = mxx * myy
            if safe:
                r = mxy / (math.sqrt(mxx) * math.sqrt(myy))
            else:
                r = mxy / math.sqrt(p)
            return min(max(r, -1.0), 1.0), safe or (_SAFE_LO < p < _SAFE_HI)
        return np.nan, True
    dof = n - ddof
    if dof <= 0:
        return np.nan, True
    if stat == VAR:
        return mxx / dof, True
    if stat == STD:
        return math.sqrt(mxx / dof), True
    return mxy / dof, True
