"""Count windows of a few rows: consecutive blocks side by side in SIMD lanes.

The block kernel (``fastcorr.kernels.rolling``) scans and merges one block of
``window`` rows at a time. With a window of a few rows its loops are too short
to vectorise, and a block's fixed costs outweigh its arithmetic. Here a chunk of
consecutive blocks is transposed, row ``j`` of block ``k`` to ``[j, k]``, so that
each step of the forward scan, of the backward scan and of the merge runs across
the blocks at once: a chunk pays a block's fixed costs once, and the merge, with its
square root and division, vectorises across blocks (the scans read the previous row
back from their table, which keeps them scalar; one try with the running sums kept apart,
at another chunk size, measured slower). Each
lane performs the operations of the block kernel on its block, in the same order (numba
does not contract ``a * b + c``), so every output is bitwise the block kernel's. A chunk
with a missing value, or one that comes near overflow, is left to the block kernel.
Correlations only, the common short-window statistic: a kernel of its own
(``short_corr_2d``), so that its compile time is spent only by a call that uses it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import (
    CORR,
    NEAR_OVERFLOW,
    finish,
    finish_counted,
    merge_nonempty,
    shifts_apart,
)
from fastcorr.kernels.rolling import rolling_1d, window_weights, work_item, work_items

# Windows up to this many rows take the lanes: above it, a block's own loops vectorise and
# measured faster (10M rows, one thread, rolling_corr: window 5 155 -> 60 ms, 12 77 -> 55 ms,
# 16 50 ms by blocks against 54 ms in lanes).
MAX_WINDOW = 15

# Blocks of a chunk, side by side.
CHUNK_BLOCKS = 128


@njit(cache=True, nogil=True, error_model="numpy")
def lane_scratch(window, nblocks):
    """Scratch of ``lane_blocks`` for chunks of up to ``nblocks`` blocks of ``window`` rows:
    ``(xt, yt, pre, suf, shifts, outt)``."""
    lanes = nblocks + 1
    return (
        np.empty((window, lanes)),
        np.empty((window, lanes)),
        np.empty((5, window, lanes)),
        np.empty((5, window + 1, lanes)),
        np.empty((4, lanes)),
        np.empty((window, lanes)),
    )


@njit(inline="always", nogil=True, error_model="numpy")
def _lane_window(full, dense_wts, pre, suf, shifts, j, k):
    """The merged window ending at row ``j`` of lane ``k + 1``: the suffix of lane ``k`` after
    row ``j`` with the prefix of lane ``k + 1`` up to ``j``, as ``_moments.merge`` returns it;
    ``full``: as ``merge_nonempty`` (``rolling.merge_tables_full``'s merge). O(1)."""
    na = dense_wts[0, j]
    nb = dense_wts[1, j]
    kxa, kya = shifts[2, k], shifts[3, k]
    kxb, kyb = shifts[0, k + 1], shifts[1, k + 1]
    if not full:
        # _moments.merge: an empty side takes the other side's shifts.
        if na == 0:
            kxa, kya = kxb, kyb
        if nb == 0:
            kxb, kyb = kxa, kya
    return merge_nonempty(
        na, suf[0, j + 1, k], suf[1, j + 1, k], suf[2, j + 1, k], suf[3, j + 1, k], suf[4, j + 1, k], kxa, kya,
        nb, pre[0, j, k + 1], pre[1, j, k + 1], pre[2, j, k + 1], pre[3, j, k + 1], pre[4, j, k + 1], kxb, kyb,
        dense_wts[2, j], dense_wts[3, j], dense_wts[4, j], dense_wts[5, j],
    )  # fmt: skip


@njit(inline="always", nogil=True, error_model="numpy")
def _merge_lanes(window, dense_wts, pre, suf, shifts, nb, outt):
    """``outt[j, k]``: the correlation of the window ending at row ``j`` of lane ``k + 1``
    (``_lane_window``), finished as ``rolling.merge_tables_full`` does. Returns whether every
    output is final (``_moments.finish``). O(window * nb)."""
    ok = True
    n_full = np.float64(window)
    for j in range(window):
        for k in range(nb):
            _, mean_x, _, mxx, myy, mxy = _lane_window(True, dense_wts, pre, suf, shifts, j, k)
            outt[j, k], fine = finish_counted(CORR, n_full, mean_x, mxx, myy, mxy, 0, False)
            ok &= fine
    return ok


@njit(cache=True, nogil=True, error_model="numpy")
def _redo_lanes(window, dense_wts, pre, suf, shifts, nb, outt):
    """The outputs of ``_merge_lanes`` that were not final, recomputed with two square roots as
    ``rolling._redo_unsafe`` does (its merge: ``_moments.merge``); rare, so out of the
    vectorised loop. O(window * nb)."""
    for j in range(window):
        for k in range(nb):
            n, mean_x, _, mxx, myy, mxy = _lane_window(False, dense_wts, pre, suf, shifts, j, k)
            if not finish(CORR, n, mean_x, mxx, myy, mxy, 0, 0, False)[1]:
                outt[j, k] = finish(CORR, n, mean_x, mxx, myy, mxy, 0, 0, True)[0]


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def lane_blocks(x, y, window, b, nb, dense_wts, scratch, out):
    """Correlations of the ``nb`` full blocks ``b .. b + nb - 1`` (``b >= 1``), read with block
    ``b - 1``, bitwise those of ``rolling.blocks`` for any ``min_periods`` up to ``window``.
    ``dense_wts``: the weights of a full block after a full one; ``scratch``: ``lane_scratch``
    for at least ``nb`` blocks. Returns False, having written nothing, when one of the blocks
    holds a missing value or comes near overflow. Compiled without reference counting: it
    allocates nothing. O(nb * window).
    """
    xt, yt, pre, suf, shifts, outt = scratch
    w = window
    lanes = nb + 1
    lo = (b - 1) * w
    for k in range(lanes):
        for j in range(w):
            xt[j, k] = np.float64(x[lo + k * w + j])
            yt[j, k] = np.float64(y[lo + k * w + j])
    # Forward scans (rolling.scan_table, dense): shift on the block's first row, sums from 0.0.
    for k in range(lanes):
        shifts[0, k] = xt[0, k]
        shifts[1, k] = yt[0, k]
        du = xt[0, k] - shifts[0, k]
        dv = yt[0, k] - shifts[1, k]
        pre[0, 0, k] = 0.0 + du
        pre[1, 0, k] = 0.0 + dv
        pre[2, 0, k] = 0.0 + du * du
        pre[3, 0, k] = 0.0 + dv * dv
        pre[4, 0, k] = 0.0 + du * dv
    for j in range(1, w):
        for k in range(lanes):
            du = xt[j, k] - shifts[0, k]
            dv = yt[j, k] - shifts[1, k]
            pre[0, j, k] = pre[0, j - 1, k] + du
            pre[1, j, k] = pre[1, j - 1, k] + dv
            pre[2, j, k] = pre[2, j - 1, k] + du * du
            pre[3, j, k] = pre[3, j - 1, k] + dv * dv
            pre[4, j, k] = pre[4, j - 1, k] + du * dv
    # A missing value makes its block's sums of squares NaN or inf: the block kernel's dense test.
    fine = True
    for k in range(lanes):
        fine &= (pre[2, w - 1, k] < NEAR_OVERFLOW) & (pre[3, w - 1, k] < NEAR_OVERFLOW)
    if not fine:
        return False
    # Backward scans: shift on the block's last row; column w is the empty aggregate.
    for k in range(nb):
        shifts[2, k] = xt[w - 1, k]
        shifts[3, k] = yt[w - 1, k]
        for f in range(5):
            suf[f, w, k] = 0.0
    for j in range(w - 1, -1, -1):
        for k in range(nb):
            du = xt[j, k] - shifts[2, k]
            dv = yt[j, k] - shifts[3, k]
            suf[0, j, k] = suf[0, j + 1, k] + du
            suf[1, j, k] = suf[1, j + 1, k] + dv
            suf[2, j, k] = suf[2, j + 1, k] + du * du
            suf[3, j, k] = suf[3, j + 1, k] + dv * dv
            suf[4, j, k] = suf[4, j + 1, k] + du * dv
    for k in range(nb):
        if not (
            suf[2, 0, k] < NEAR_OVERFLOW
            and suf[3, 0, k] < NEAR_OVERFLOW
            and not shifts_apart(w, shifts[2, k], shifts[3, k], shifts[0, k + 1], shifts[1, k + 1])
        ):
            return False
    if not _merge_lanes(w, dense_wts, pre, suf, shifts, nb, outt):
        _redo_lanes(w, dense_wts, pre, suf, shifts, nb, outt)
    for k in range(nb):
        for j in range(w):
            out[lo + (k + 1) * w + j] = outt[j, k]
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def short_corr_1d(x, y, window, min_periods, b0, b1, pre, suf, nxt, out):
    """``rolling.rolling_1d`` of a correlation (``min_periods <= window <= MAX_WINDOW``):
    full blocks after the first go through ``lane_blocks`` a chunk at a time, the rest
    through the block loop. Same bits. O(rows in blocks ``[b0, b1)``)."""
    dense_wts = np.empty((6, window))
    window_weights(window - 1.0 - np.arange(window), 1.0 + np.arange(window), dense_wts)
    scratch = lane_scratch(window, CHUNK_BLOCKS)
    full = x.shape[0] // window
    b = b0
    while b < b1:
        stop = b1 if b >= full else 1 if b == 0 else min(b + CHUNK_BLOCKS, b1, full)
        if not (b > 0 and b < full and lane_blocks(x, y, window, b, stop - b, dense_wts, scratch, out)):
            rolling_1d(x, y, window, min_periods, 0, CORR, b, stop, pre, suf, nxt, out)
        b = stop


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def short_corr_2d(x, ix, y, iy, window, min_periods, chunk_blocks, out):
    """``rolling.rolling_2d`` of a correlation over a window of at most ``MAX_WINDOW`` rows
    (and ``min_periods <= window``), through ``short_corr_1d``: the same work items, the
    same bits. O(P * T)."""
    npairs, t = out.shape
    if npairs == 0 or t == 0:
        return
    nchunks = work_items(t, window, chunk_blocks)
    for item in prange(npairs * nchunks):
        p, b0, b1, pre, suf, nxt = work_item(item, nchunks, t, window, chunk_blocks)
        short_corr_1d(x[ix[p]], y[iy[p]], window, min_periods, b0, b1, pre, suf, nxt, out[p])
