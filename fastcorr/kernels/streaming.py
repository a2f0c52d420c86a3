"""Row-by-row updates of the rolling statistics, bit for bit the batch kernel's.

The batch kernel (``fastcorr.kernels.rolling``) cuts rows into blocks of
``window`` rows at absolute positions 0, w, 2w, ... and computes the window
ending at row ``j`` of a block as ``merge(suffix of the previous block from
row j + 1, prefix of this block up to row j)``. A stream keeps exactly those
two operands per pair: the previous block's suffix table (tabulated once, by
the batch kernel's own ``scan_table``, when that block completes) and the
running prefix aggregate of the current block (the batch forward scan,
advanced one row at a time). Each new row is then one ``merge`` and one
``finish``, the very functions the batch kernel calls, with the same
arguments: the results are the batch results, whatever the split of the rows
into updates. Cost: O(1) per row and pair, plus O(window) per pair once per
completed block.

Windows whose own sums of squares come near overflow (they hold a value
beyond about 1e150) are recomputed on scaled values, as in the batch kernel,
but scaled by the rows seen so far; the batch kernel scales by the whole
block, so for those windows the two agree to rounding rather than bit for bit.
Every other window is bitwise the batch result.

State per pair, in arrays the caller owns (``new_state``): ``vals`` the raw
rows of the previous and the current block, ``suf`` the previous block's
suffix table (one column per row, ``NFIELDS`` values each, plus the empty
aggregate), ``acc`` the shifts and running sums.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fastcorr.kernels._moments import NFIELDS, finish, merge, weights
from fastcorr.kernels.rolling import NEAR_OVERFLOW, scaled_block_outputs, scan_table, shifts_apart

# Fields of ``acc``: shifts of the previous block's suffixes and of the current
# block's prefix, then the prefix aggregate (count and shifted power sums).
KXA, KYA, KXB, KYB, C, SX, SY, SXX, SYY, SXY = range(10)
NACC = 10


def new_state(npairs: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty state for ``npairs`` pairs: ``(vals, suf, acc)``, nothing seen yet.

    Pairs are the last axis of ``vals`` and the middle one of ``suf``: a row
    update walks every pair's state in memory order.
    """
    vals = np.zeros((4, window, npairs))
    suf = np.zeros((window + 1, npairs, NFIELDS))
    acc = np.zeros((npairs, NACC))
    return vals, suf, acc


@njit(inline="always", nogil=True, error_model="numpy")
def _add_row(acc, p, u, v):
    # The forward scan of ``scan_table``, one row: the shift is the block's first pairwise-finite row.
    ok = np.isfinite(u) & np.isfinite(v)
    if ok and acc[p, C] == 0.0:
        acc[p, KXB] = u
        acc[p, KYB] = v
    du = u - acc[p, KXB] if ok else 0.0
    dv = v - acc[p, KYB] if ok else 0.0
    acc[p, C] += 1.0 if ok else 0.0
    acc[p, SX] += du
    acc[p, SY] += dv
    acc[p, SXX] += du * du
    acc[p, SYY] += dv * dv
    acc[p, SXY] += du * dv


@njit(inline="always", nogil=True, error_model="numpy")
def _value(stat, min_periods, ddof, suf, j, p, acc):
    # The merge of ``rolling.merge_tables`` for the window ending at row j: suffix column j + 1, total in column 0.
    a = acc[p]
    if (
        suf[j + 1, p, 3] < NEAR_OVERFLOW
        and suf[j + 1, p, 4] < NEAR_OVERFLOW
        and a[SXX] < NEAR_OVERFLOW
        and a[SYY] < NEAR_OVERFLOW
        and (suf[j + 1, p, 0] == 0.0 or not shifts_apart(a[C], a[KXA], a[KYA], a[KXB], a[KYB]))
    ):
        s = suf[j + 1, p]
        na = s[0]
        nb = a[C]
        ia, ib, f, inv_n = weights(na, nb)
        n, mean_x, _, mxx, myy, mxy = merge(
            na, s[1], s[2], s[3], s[4], s[5], a[KXA], a[KYA],
            nb, a[SX], a[SY], a[SXX], a[SYY], a[SXY], a[KXB], a[KYB],
            ia, ib, f, inv_n,
        )  # fmt: skip
        value, fine = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, False)
        if not fine:
            value = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, True)[0]
        return value, True
    return np.nan, False


@njit(cache=True, nogil=True, error_model="numpy")
def _scaled_value(stat, j, rows, min_periods, ddof, vals, p):
    """The window ending at row ``j`` of the current block, from its raw rows, scaled as the batch kernel does."""
    w = vals.shape[1]
    prev = w if rows > w else 0
    xa = np.ascontiguousarray(vals[0, :prev, p])
    ya = np.ascontiguousarray(vals[1, :prev, p])
    xb = np.ascontiguousarray(vals[2, : j + 1, p])
    yb = np.ascontiguousarray(vals[3, : j + 1, p])
    tmp = np.empty(j + 1)
    scaled_block_outputs(
        stat, xa, ya, xb, yb, min_periods, ddof, np.empty((NFIELDS, w)), np.empty((NFIELDS, w + 1)), tmp
    )
    return tmp[j]


@njit(cache=True, nogil=True, error_model="numpy")
def _close_block(vals, suf, acc):
    """The current (complete) block becomes the previous one: tabulate its suffixes. O(window * pairs)."""
    w = vals.shape[1]
    table = np.empty((NFIELDS, w))
    xb = np.empty(w)
    yb = np.empty(w)
    for p in range(vals.shape[2]):
        for i in range(w):
            xb[i] = vals[2, i, p]
            yb[i] = vals[3, i, p]
        acc[p, KXA], acc[p, KYA] = scan_table(xb, yb, True, False, True, table)
        for i in range(w):
            for k in range(NFIELDS):
                suf[i, p, k] = table[k, i]
        suf[w, p, :] = 0.0
        acc[p, KXB:] = 0.0
    vals[0] = vals[2]
    vals[1] = vals[3]


@njit(cache=True, nogil=True, error_model="numpy")
def update_rows(xs, ys, pos, min_periods, ddof, stat, vals, suf, acc, out):
    """Append rows ``xs[r, p]``, ``ys[r, p]`` to the streams of pairs ``p`` and
    write each new window's statistic to ``out[r, p]``.

    ``pos``: rows seen before this call; ``vals``, ``suf``, ``acc``: the state
    (``new_state``), updated in place; the window is ``vals.shape[1]``. NaN
    rule, ``min_periods`` and ``ddof`` as in ``rolling.rolling_1d``. O(rows *
    pairs), plus O(window * pairs) per completed block.
    """
    w = vals.shape[1]
    for r in range(xs.shape[0]):
        rows = pos + r + 1
        j = (rows - 1) % w
        for p in range(xs.shape[1]):
            u = np.float64(xs[r, p])
            v = np.float64(ys[r, p])
            vals[2, j, p] = u
            vals[3, j, p] = v
            _add_row(acc, p, u, v)
            value, fine = _value(stat, min_periods, ddof, suf, j, p, acc)
            if not fine:
                value = _scaled_value(stat, j, rows, min_periods, ddof, vals, p)
            out[r, p] = value
        if j == w - 1:
            _close_block(vals, suf, acc)
