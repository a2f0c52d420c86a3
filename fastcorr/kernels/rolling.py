"""Rolling mean/var/std/cov/corr over count windows, O(n) whatever the window.

Method (subtract-free block decomposition)
------------------------------------------
Rows are cut into blocks of ``window`` rows at absolute positions 0, w, 2w, ...
The window ending at row ``i`` of block ``b`` is a suffix of block ``b - 1``
(rows ``i - w + 1 ..`` end of that block) followed by a prefix of block ``b``
(its start .. ``i``). One backward scan of block ``b - 1`` tabulates its suffix
aggregates, one forward scan of block ``b`` builds the prefix aggregate, and each
output merges the two (``_moments.merge``). Every row is added twice and never
removed, so a value leaving the window leaves no rounding trace behind it, and
the error of a window depends on that window alone: nothing drifts with the
length of the series. Cost: two additions per row and one merge per output.

Each block's outputs depend only on that block and the one before it, so any
split of the rows at block boundaries (threads, chunks, a later streaming
update) reproduces the same arithmetic bit for bit.

NaN rule: a row counts only when both of its values are finite (pairwise
complete); NaN and +-inf are missing. ``min_periods`` counts such rows. A window
below ``min_periods`` (or with no row) is NaN; var/cov need ``n - ddof > 0``,
corr needs two non-constant series.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import NFIELDS, finish, merge, store


@njit(cache=True, nogil=True, error_model="numpy")
def scan_table(x, y, lo, hi, step, table):
    """Tabulate running aggregates of rows ``lo .. hi - 1`` in the order of ``step``.

    ``step = 1`` (prefixes): column ``i - lo`` gets the aggregate of rows
    ``lo ..= i``; ``step = -1`` (suffixes): column ``i - lo`` gets rows
    ``i .. hi - 1``. The shift is the first pairwise-finite row met, a member of
    every non-empty aggregate of the scan. Returns the shifts ``(kx, ky)``.
    O(hi - lo).
    """
    first, stop = (lo, hi) if step > 0 else (hi - 1, lo - 1)
    kx = ky = 0.0
    for i in range(first, stop, step):
        if np.isfinite(x[i]) and np.isfinite(y[i]):
            kx = np.float64(x[i])
            ky = np.float64(y[i])
            break
    # Branch-free from here: a missing row adds zeros, so the loop pipelines.
    c = sx = sy = sxx = syy = sxy = 0.0
    for i in range(first, stop, step):
        u = np.float64(x[i])
        v = np.float64(y[i])
        ok = np.isfinite(u) & np.isfinite(v)
        du = u - kx if ok else 0.0
        dv = v - ky if ok else 0.0
        c += 1.0 if ok else 0.0
        sx += du
        sy += dv
        sxx += du * du
        syy += dv * dv
        sxy += du * dv
        store(table, i - lo, c, sx, sy, sxx, syy, sxy)
    return kx, ky


@njit(cache=True, nogil=True, error_model="numpy")
def merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, m, min_periods, ddof, out):
    """Outputs of one block: ``out[j]`` merges ``pre[:, j]`` with ``suf[:, j + 1]``.

    ``pre[:, j]`` holds the block's rows ``0 ..= j``, ``suf[:, j + 1]`` the rows
    of the previous block still in that window; ``suf`` has one column more
    than the block, the empty aggregate, for the window that is the block
    itself. O(m), branch-free in ``j`` so that it vectorises.
    """
    for j in range(m):
        n, mean_x, _, mxx, myy, mxy = merge(
            suf[0, j + 1], suf[1, j + 1], suf[2, j + 1], suf[3, j + 1], suf[4, j + 1],
            suf[5, j + 1], kxa, kya,
            pre[0, j], pre[1, j], pre[2, j], pre[3, j], pre[4, j], pre[5, j], kxb, kyb,
        )
        out[j] = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof)


@njit(cache=True, nogil=True, error_model="numpy")
def rolling_1d(x, y, window, min_periods, ddof, stat, b0, b1, pre, suf, out):
    """Statistic ``stat`` of the windows ending in blocks ``[b0, b1)``.

    ``x``, ``y``: 1-D arrays of equal length (pass ``y = x`` for one-series
    statistics); ``pre``, ``suf``: scratch tables of shapes
    ``(NFIELDS, min(window, len(x)))`` and ``(NFIELDS, min(window, len(x)) + 1)``;
    ``out``: 1-D output. O(rows in those blocks).
    """
    t = x.shape[0]
    span = pre.shape[1]
    kxa = kya = 0.0
    for b in range(b0, b1):
        lo = b * window
        hi = min(lo + window, t)
        if b > 0:
            kxa, kya = scan_table(x, y, lo - window, lo, -1, suf)
        else:
            suf[:, :] = 0.0
        store(suf, span, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        kxb, kyb = scan_table(x, y, lo, hi, 1, pre)
        merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, hi - lo, min_periods, ddof, out[lo:hi])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def rolling_2d(x, y, window, min_periods, ddof, stat, chunk_blocks, out):
    """Statistic ``stat`` for every row of ``x`` (shape ``(N, T)``) against ``y``.

    ``y`` has shape ``(N, T)`` (row-wise pairs) or ``(1, T)`` (one series against
    every row of ``x``). Work items are (series, run of ``chunk_blocks`` blocks),
    run in parallel; the result does not depend on ``chunk_blocks`` or on the
    thread count. O(N * T).
    """
    nser, t = out.shape
    if nser == 0 or t == 0:
        return
    nblocks = (t + window - 1) // window
    nchunks = (nblocks + chunk_blocks - 1) // chunk_blocks
    span = min(window, t)
    for item in prange(nser * nchunks):
        s = item // nchunks
        b0 = (item - s * nchunks) * chunk_blocks
        b1 = min(b0 + chunk_blocks, nblocks)
        pre = np.empty((NFIELDS, span))
        suf = np.empty((NFIELDS, span + 1))
        ys = s if y.shape[0] == nser else 0
        rolling_1d(x[s], y[ys], window, min_periods, ddof, stat, b0, b1, pre, suf, out[s])
