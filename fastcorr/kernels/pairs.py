"""All-pairs rolling correlation, one block of rows at a time, with reducers fused in.

Method
------
The block decomposition of ``fastcorr.kernels.rolling`` applies to every pair
at once: a window ending in block ``b`` is a suffix of block ``b - 1`` and a
prefix of block ``b``. What depends on one asset only (its shifts, running
sums, means and ``1 / sqrt(M2)`` of each window) is tabulated once per asset
and row (``asset_tables``, O(window * N) per block). A pair then costs one
cross-product scan over each of the two blocks and a merge of a handful of
multiplies, vectorised across the second asset of the pair (``sweep_block``).
The sums are those of ``rolling.scan_table`` and the merge that of
``_moments.merge``, so a pair agrees with ``rolling_corr`` to a couple of units
in the last place (it multiplies by ``1 / sqrt(Mxx)`` and ``1 / sqrt(Myy)``
instead of dividing by ``sqrt(Mxx * Myy)``).

An asset with a missing row in either block, or a value beyond ``PLAIN_LIMIT``,
takes the exact per-pair path (``rolling.block_outputs``, and
``rolling.overflow_block_outputs`` near overflow) for its pairs in that block,
so missing data is pairwise complete and huge values are scaled as everywhere
else.

Reducers never see the T x P matrix; each correlation is emitted once:

* the cross-sectional mean sums ``round(corr * 2**50)`` as integers (split in
  two int64 words), exact to 4.5e-16 per value and, integer addition being
  associative, bitwise the same whatever the thread count, tiling or order;
* a histogram of ``bins`` equal bins over [-1, 1] per row, integer counts;
* per pair: last finite value, sum, min, max and count, in time order (a pair
  belongs to one work item per block and blocks run in order);
* the whole cross-section at chosen rows, and optionally every value of the
  block (for streaming to Parquet).

Per-thread accumulators are indexed by ``numba.get_thread_id()``.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import CORR
from fastcorr.kernels.rolling import block_outputs, overflow_block_outputs
from fastcorr.kernels.time_windows import bounded_series

SCALE = 2.0**50
LOW_BITS = (1 << 32) - 1
# x + MAGIC is x rounded to an integer (ties to even) in the low mantissa bits,
# for |x| < 2**51; its bit pattern minus MAGIC's is that integer.
MAGIC = 1.5 * 2.0**52
MAGIC_BITS = int(np.array(MAGIC).view(np.int64))

# The fast path's sums of squares stay far from overflow below this magnitude (squares
# below 1e281 for any window); an asset beyond it takes the exact per-pair path, which
# scales the windows that need it.
PLAIN_LIMIT = 1e140

# Tables of ``asset_tables`` (array of shape (NTAB, window, N)).
DB, DA, SA, PB, MA, MB, DX, RS = 0, 1, 2, 3, 4, 5, 6, 7
NTAB = 8


@njit(cache=True, nogil=True, error_model="numpy")
def pair_index(i, j, n):
    """Position of pair ``(i, j)``, ``i < j < n``, in row-major upper-triangle order."""
    return i * (2 * n - i - 1) // 2 + (j - i - 1)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def dense_assets(x, lo, hi, window, dense):
    """``dense[j]``: asset ``j`` has no missing row and no value beyond ``PLAIN_LIMIT`` in
    block ``[lo, hi)`` and the one before. O(N * window)."""
    for j in prange(x.shape[0]):
        s = x[j, max(lo - window, 0) : hi]
        outside = 0
        for k in range(s.shape[0]):
            # NaN and +-inf fail the comparison too: one test for missing and huge values.
            outside += not (abs(np.float64(s[k])) < PLAIN_LIMIT)
        dense[j] = outside == 0


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def asset_tables(x, lo, hi, window, dense, tabs):
    """Per-asset quantities of the windows ending in rows ``[lo, hi)`` of ``x`` (N, T).

    Only the columns ``j`` with ``dense[j]`` are filled. For row ``k`` of the
    block: ``DB`` the block's row ``k`` minus the block's first value; ``DA`` the
    previous block's row ``k`` minus that block's last value; ``SA`` the sum of
    ``DA`` over the previous block's rows after ``k`` (still in the window) and
    ``PB`` the sum of ``DB`` over rows ``0 ..= k``; ``MA``, ``MB`` their means;
    ``DX`` the difference of the two means in absolute terms; ``RS`` the
    reciprocal square root of the window's centred sum of squares (NaN for a
    constant window). O(N * window).
    """
    m = hi - lo
    has_prev = lo > 0
    for j in prange(x.shape[0]):
        if not dense[j]:
            continue
        s = x[j]
        kb = np.float64(s[lo])
        ka = np.float64(s[lo - 1]) if has_prev else kb
        for k in range(m):
            tabs[DB, k, j] = np.float64(s[lo + k]) - kb
        # Suffix sums of the previous block from its end backwards, in the
        # order of rolling.scan_table; MA holds sums of squares until centred.
        sa = saa = 0.0
        tabs[SA, window - 1, j] = 0.0
        tabs[MA, window - 1, j] = 0.0
        for r in range(window - 1, 0, -1):
            d = np.float64(s[lo - window + r]) - ka if has_prev else 0.0
            tabs[DA, r, j] = d
            sa += d
            saa += d * d
            tabs[SA, r - 1, j] = sa
            tabs[MA, r - 1, j] = saa
        bx = bxx = 0.0
        for k in range(m):
            d = tabs[DB, k, j]
            bx += d
            bxx += d * d
            na = float(window - 1 - k) if has_prev else 0.0
            nb = k + 1.0
            pa = max(na, 1.0)
            pb = max(nb, 1.0)
            pn = na + nb
            rr = 1.0 / (pa * pb * pn)
            ax = tabs[SA, k, j]
            axx = tabs[MA, k, j]
            ma = ax * (pb * pn * rr)
            mb = bx * (pa * pn * rr)
            f = na * nb * (pa * pb * rr)
            dx = (kb - ka) + (mb - ma)
            mxx = (axx - ax * ma) + (bxx - bx * mb) + dx * dx * f
            if axx == 0.0 and bxx == 0.0 and ka == kb:
                mxx = 0.0
            tabs[PB, k, j] = bx
            tabs[MA, k, j] = ma
            tabs[MB, k, j] = mb
            tabs[DX, k, j] = dx
            tabs[RS, k, j] = 1.0 / math.sqrt(mxx) if mxx > 0.0 else np.nan


@njit(inline="always", nogil=True, error_model="numpy")
def _emit(tid, t, k, p, i, j, c, bins, want_hist, want_stats, hist, st, at_pos, at_buf, mat, full, p_base):
    """Every reducer but the mean, for one correlation ``c`` of pair ``p`` = ``(i, j)``
    at row ``t`` (row ``k`` of the block)."""
    if c == c:
        if want_hist:
            hist[tid, t, min(int((c + 1.0) * 0.5 * bins), bins - 1)] += 1
        if want_stats:
            st[0, p] = c
            st[1, p] += c
            st[2, p] = min(st[2, p], c)
            st[3, p] = max(st[3, p], c)
            st[4, p] += 1.0
    a = at_pos[k]
    if a >= 0:
        if at_buf.shape[1] > 0:
            at_buf[a, p] = c
        if mat.shape[0] > 0:
            mat[a, i, j] = c
    if full.shape[1] > 0:
        full[k, p - p_base] = c


@njit(inline="always", nogil=True, error_model="numpy")
def _exact_pair(tid, x, i, j, lo, hi, window, min_periods, p, pre, suf, tmp, acc_hi, acc_lo, cnt,
                bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat, full, p_base):  # fmt: skip
    """One pair over one block by the exact per-pair path, emitted to every reducer."""
    m = hi - lo
    start = max(lo - window, 0)
    si = x[i]
    sj = x[j]
    out = tmp[tid, 0, :m]
    wts = tmp[tid, 1:]
    if not block_outputs(CORR, si[start:lo], sj[start:lo], False, si[lo:hi], sj[lo:hi], False,
                         min_periods, 0, np.empty((6, 0)), wts, pre[tid], suf[tid], out):  # fmt: skip
        overflow_block_outputs(CORR, si[start:lo], sj[start:lo], si[lo:hi], sj[lo:hi],
                               min_periods, 0, pre[tid], suf[tid], out)  # fmt: skip
    for k in range(m):
        c = out[k]
        if c == c:
            v = np.int64(np.rint(c * SCALE))
            acc_hi[tid, lo + k] += v >> 32
            acc_lo[tid, lo + k] += v & LOW_BITS
            cnt[tid, lo + k] += 1
        _emit(tid, lo + k, k, p, i, j, c, bins, want_hist, want_stats, hist, st, at_pos, at_buf, mat, full, p_base)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def sweep_block(
    x, lo, hi, window, min_periods, i0, i1, dense, tabs,
    sxy, pxy, cbuf, pre, suf, tmp,
    acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat, full,
):  # fmt: skip
    """Correlations of the pairs ``(i, j)``, ``i0 <= i < i1``, ``i < j``, for rows ``[lo, hi)``.

    ``x``: (N, T); ``dense`` and ``tabs`` from ``dense_assets`` and
    ``asset_tables`` for this block. Scratch per thread: ``sxy`` (threads,
    window, JT), ``pxy`` (threads, JT) and ``cbuf`` (threads, 2, JT), ``pre`` (threads, 6, window),
    ``suf`` (threads, 6, window + 1), ``tmp`` (threads, 7, window). Accumulators:
    ``acc_hi``, ``acc_lo``, ``cnt`` (threads, T) int64; ``hist`` (threads, T,
    bins) when ``want_hist``; ``st`` (5, P) last/sum/min/max/count when
    ``want_stats``; when ``at_pos[k] >= 0``, row ``lo + k`` goes to
    ``at_buf[at_pos[k], p]`` (unless it has no column) and to
    ``mat[at_pos[k], i, j]`` (unless it has no row; ``mirror`` fills the lower
    triangles afterwards); ``full`` (hi - lo, P1) receives every value, column
    ``p - pair_index(i0, i0 + 1, N)``, unless it has no column. Rows of the
    triangle are folded (``i0 + q`` with ``i1 - 1 - q``) so that items are
    even. O((hi - lo) * pairs).
    """
    n = x.shape[0]
    m = hi - lo
    jt = sxy.shape[2]
    has_prev = lo > 0
    p_base = pair_index(i0, i0 + 1, n) if i0 + 1 < n else 0
    emit_any = want_hist or want_stats or full.shape[1] > 0
    for k in range(m):
        emit_any |= at_pos[k] >= 0 and at_buf.shape[1] > 0
    want_mat = mat.shape[0] > 0
    # Work items: a group of `group` rows i against one tile of jt columns j,
    # so that the tile's per-asset tables stay in cache across the group.
    group = 16
    ntiles = (n + jt - 1) // jt
    nitems = 0
    for tj in range(ntiles):
        last = min(i1, min((tj + 1) * jt, n) - 1)
        if last > i0:
            nitems += (last - i0 + group - 1) // group
    items = np.empty((nitems, 3), dtype=np.int64)
    nitems = 0
    for tj in range(ntiles):
        last = min(i1, min((tj + 1) * jt, n) - 1)
        for g0 in range(i0, last, group):
            items[nitems, 0] = tj * jt
            items[nitems, 1] = g0
            items[nitems, 2] = min(g0 + group, last)
            nitems += 1
    for item in prange(nitems):
        tid = numba.get_thread_id()
        tile0 = items[item, 0]
        j1 = min(tile0 + jt, n)
        for i in range(items[item, 1], items[item, 2]):
            j0 = max(tile0, i + 1)
            if j0 < j1:
                w_ = j1 - j0
                if dense[i]:
                    # Suffix cross sums over the previous block, rows after k.
                    ts = sxy[tid]
                    for jj in range(w_):
                        ts[window - 1, jj] = 0.0
                    for r in range(window - 1, 0, -1):
                        dai = tabs[DA, r, i]
                        da = tabs[DA, r, j0:j1]
                        below = ts[r - 1]
                        above = ts[r]
                        for jj in range(w_):
                            below[jj] = above[jj] + dai * da[jj]
                    pp = pxy[tid]
                    cb = cbuf[tid, 0]
                    fx = cbuf[tid, 1]
                    fxi = fx.view(np.int64)
                    dn = dense[j0:j1]
                    for jj in range(w_):
                        pp[jj] = 0.0
                    for k in range(m):
                        t = lo + k
                        dbi = tabs[DB, k, i]
                        sai = tabs[SA, k, i]
                        pbi = tabs[PB, k, i]
                        dxi = tabs[DX, k, i]
                        rsi = tabs[RS, k, i]
                        na = float(window - 1 - k) if has_prev else 0.0
                        nb = k + 1.0
                        pa = max(na, 1.0)
                        pb = max(nb, 1.0)
                        f = na * nb * (pa * pb * (1.0 / (pa * pb * (na + nb))))
                        ok_k = na + nb >= min_periods
                        # Views indexed from 0 keep numba's negative-index
                        # handling out of the loop, which then vectorises.
                        tdb = tabs[DB, k, j0:j1]
                        tma = tabs[MA, k, j0:j1]
                        tmb = tabs[MB, k, j0:j1]
                        tdx = tabs[DX, k, j0:j1]
                        trs = tabs[RS, k, j0:j1]
                        tsk = ts[k]
                        count = 0
                        for jj in range(w_):
                            pj = pp[jj] + dbi * tdb[jj]
                            pp[jj] = pj
                            mxy = (tsk[jj] - sai * tma[jj]) + (pj - pbi * tmb[jj])
                            c = (mxy + dxi * tdx[jj] * f) * rsi * trs[jj]
                            c = -1.0 if c < -1.0 else (1.0 if c > 1.0 else c)
                            good = ok_k & dn[jj] & (c == c)
                            cb[jj] = c if good else np.nan
                            # Adding MAGIC rounds to an integer held in the low bits.
                            fx[jj] = c * SCALE + MAGIC if good else MAGIC
                            count += good
                        total = 0
                        for jj in range(w_):
                            total += fxi[jj] - MAGIC_BITS
                        acc_hi[tid, t] += total >> 32
                        acc_lo[tid, t] += total & LOW_BITS
                        cnt[tid, t] += count
                        a = at_pos[k]
                        if want_mat and a >= 0:
                            row = mat[a, i, j0:j1]
                            for jj in range(w_):
                                row[jj] = cb[jj]
                        for jj in range(w_ if emit_any else 0):
                            if dense[j0 + jj]:
                                _emit(tid, t, k, pair_index(i, j0 + jj, n), i, j0 + jj, cb[jj], bins, want_hist,
                                      want_stats, hist, st, at_pos, at_buf, mat, full, p_base)  # fmt: skip
                # Pairs outside the dense fast path: exact per-pair block.
                for j in range(j0, j1):
                    if not (dense[i] and dense[j]):
                        _exact_pair(tid, x, i, j, lo, hi, window, min_periods, pair_index(i, j, n), pre, suf, tmp,
                                    acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat,
                                    full, p_base)  # fmt: skip


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def sweep_pairs_block(
    x, lo, hi, window, min_periods, ia, ib, pre, suf, tmp,
    acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat, full,
):  # fmt: skip
    """``sweep_block`` for an explicit list of pairs ``(ia[p], ib[p])``: each pair
    by the exact per-pair block path, with the same reducers (``full`` column
    ``p``). Parallel over pairs. O((hi - lo) * len(ia))."""
    for p in prange(ia.shape[0]):
        tid = numba.get_thread_id()
        _exact_pair(tid, x, ia[p], ib[p], lo, hi, window, min_periods, p, pre, suf, tmp, acc_hi, acc_lo, cnt,
                    bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat, full, 0)  # fmt: skip


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def sweep_pairs_bounded(
    x, start, end, min_periods, ia, ib, tmp,
    acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, st, at_pos, at_buf, mat, full,
):  # fmt: skip
    """``sweep_pairs_block`` over the variable windows ``[start[i], end[i])`` of every row
    (time windows): each pair's whole series by ``time_windows.bounded_series`` into the
    thread's row of ``tmp`` (the bits of ``rolling_corr``), then every value to the
    reducers in time order (``full`` row ``i``, column ``p``). Parallel over pairs.
    O(T * len(ia)).
    """
    for p in prange(ia.shape[0]):
        tid = numba.get_thread_id()
        out = tmp[tid]
        i = ia[p]
        j = ib[p]
        bounded_series(CORR, x[i], x[j], start, end, min_periods, 0, out)
        for r in range(out.shape[0]):
            c = out[r]
            if c == c:
                v = np.int64(np.rint(c * SCALE))
                acc_hi[tid, r] += v >> 32
                acc_lo[tid, r] += v & LOW_BITS
                cnt[tid, r] += 1
            _emit(tid, r, r, p, i, j, c, bins, want_hist, want_stats, hist, st, at_pos, at_buf, mat, full, 0)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def mirror(mat):
    """Copy the upper triangle of each ``mat[a]`` onto its lower triangle. O(A * N^2)."""
    n = mat.shape[1]
    for a in prange(mat.shape[0]):
        m = mat[a]
        for i in range(n):
            for j in range(i + 1, n):
                m[j, i] = m[i, j]
