"""Expanding mean/var/std/cov/corr: every row from the first one to the current one.

Method
------
Rows are cut into blocks of ``block`` rows at absolute positions 0, b, 2b, ...
A forward scan of a block tabulates its prefix aggregates
(``rolling.scan_table``, sums about the block's first finite row); the output
at a row merges the *carry* (every row before the block) with the block's
prefix ending there (``_moments.merge``), and the carry then absorbs the
block's total. The carry is stored as sums about a shift equal to its own
rounded mean, with the residual sum kept exactly, so its sums of squares are
centred: merging it never subtracts a large number from another. The error of
an output is that of about ``T / block`` pairwise merges, not of a running sum
over the whole series.

Block totals are independent, the chain of carries is a short serial loop, and
each block's outputs depend only on its carry and itself: the parallel driver
does the same arithmetic as the serial one, so the bits do not depend on the
thread count.

NaN rule: a row counts only when both of its values are finite (pairwise
complete); ``min_periods`` counts such rows.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import NFIELDS, merge, weights
from fastcorr.kernels.rolling import merge_tables, scan_table, window_weights

# Layout of a carry (and of a block total): count, shifts, then the shifted sums.
NCARRY = 8


@njit(inline="always", nogil=True, error_model="numpy")
def _block_total(x, y, lo, hi, pre, total):
    """Prefix table of rows ``[lo, hi)`` into ``pre``; its last column and shifts into ``total``."""
    kx, ky = scan_table(x[lo:hi], y[lo:hi], False, False, True, pre)
    m = hi - lo - 1
    total[0] = pre[0, m]
    total[1] = kx
    total[2] = ky
    for f in range(1, NFIELDS):
        total[2 + f] = pre[f, m]
    return kx, ky


@njit(cache=True, nogil=True, error_model="numpy")
def absorb(carry, total):
    """Merge a block ``total`` into ``carry`` (both ``NCARRY`` vectors), in place.

    The merged aggregate is re-expressed about its rounded mean; the residual
    sums are taken about the block's shift (a row of the data), not through the
    rounded mean, so they stay exact. O(1).
    """
    nb = total[0]
    if nb == 0.0:
        return
    na = carry[0]
    kxb = total[1]
    kyb = total[2]
    kxa = carry[1] if na > 0.0 else kxb
    kya = carry[2] if na > 0.0 else kyb
    ia, ib, f, inv_n = weights(na, nb)
    n, mean_x, mean_y, mxx, myy, mxy = merge(
        na, carry[3], carry[4], carry[5], carry[6], carry[7], kxa, kya,
        nb, total[3], total[4], total[5], total[6], total[7], kxb, kyb, ia, ib, f, inv_n,
    )  # fmt: skip
    sx = ((carry[3] + na * (kxa - kxb)) + total[3]) - n * (mean_x - kxb)
    sy = ((carry[4] + na * (kya - kyb)) + total[4]) - n * (mean_y - kyb)
    carry[0] = n
    carry[1] = mean_x
    carry[2] = mean_y
    carry[3] = sx
    carry[4] = sy
    carry[5] = mxx + sx * (sx / n)
    carry[6] = myy + sy * (sy / n)
    carry[7] = mxy + sx * (sy / n)


@njit(cache=True, nogil=True, error_model="numpy")
def block_outputs(stat, carry, pre, kxb, kyb, min_periods, ddof, suf, wts, out):
    """``out[j]``: the carry merged with prefix ``pre[:, j]`` of a block (shifts ``kxb``, ``kyb``).

    ``suf`` (``(NFIELDS, len(out) + 1)``) and ``wts`` (``(6, len(out))``) are
    scratch. O(len(out)).
    """
    m = out.shape[0]
    for j in range(1, m + 1):
        suf[0, j] = carry[0]
        for f in range(1, NFIELDS):
            suf[f, j] = carry[2 + f]
    window_weights(suf[0, 1 : m + 1], pre[0, :m], wts)
    kxa = carry[1]
    kya = carry[2]
    if not merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, False, out):
        merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, True, out)


@njit(cache=True, nogil=True, error_model="numpy")
def expanding_2d_serial(x, ix, y, iy, stat, min_periods, ddof, block, out):
    """``expanding_2d`` on the calling thread: one pass per pair. Same bits. O(P * T)."""
    npairs, t = out.shape
    span = min(block, max(t, 1))
    pre = np.empty((NFIELDS, span))
    suf = np.empty((NFIELDS, span + 1))
    wts = np.empty((6, span))
    total = np.empty(NCARRY)
    carry = np.empty(NCARRY)
    for p in range(npairs):
        xp = x[ix[p]]
        yp = y[iy[p]]
        carry[:] = 0.0
        for lo in range(0, t, block):
            hi = min(lo + block, t)
            kxb, kyb = _block_total(xp, yp, lo, hi, pre, total)
            block_outputs(stat, carry, pre, kxb, kyb, min_periods, ddof, suf, wts, out[p, lo:hi])
            absorb(carry, total)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def expanding_2d(x, ix, y, iy, stat, min_periods, ddof, block, out):
    """Expanding statistic ``stat`` of ``x[ix[p]]`` against ``y[iy[p]]`` into ``out[p]``.

    ``x``, ``y``: one series per row, shape ``(N, T)``. Three passes: block
    totals in parallel over (pair, block), the carries serially per pair, then
    the outputs in parallel over (pair, block). O(P * T).
    """
    npairs, t = out.shape
    if npairs == 0 or t == 0:
        return
    nblocks = (t - 1) // block + 1
    span = min(block, t)
    totals = np.empty((npairs * nblocks, NCARRY))
    for item in prange(npairs * nblocks):
        p = item // nblocks
        lo = (item - p * nblocks) * block
        pre = np.empty((NFIELDS, span))
        _block_total(x[ix[p]], y[iy[p]], lo, min(lo + block, t), pre, totals[item])
    carries = np.empty((npairs * nblocks, NCARRY))
    for p in prange(npairs):
        carry = np.zeros(NCARRY)
        for b in range(nblocks):
            carries[p * nblocks + b] = carry
            absorb(carry, totals[p * nblocks + b])
    for item in prange(npairs * nblocks):
        p = item // nblocks
        lo = (item - p * nblocks) * block
        hi = min(lo + block, t)
        pre = np.empty((NFIELDS, span))
        suf = np.empty((NFIELDS, span + 1))
        wts = np.empty((6, span))
        kxb, kyb = scan_table(x[ix[p]][lo:hi], y[iy[p]][lo:hi], False, False, True, pre)
        block_outputs(stat, carries[item], pre, kxb, kyb, min_periods, ddof, suf, wts, out[p, lo:hi])
