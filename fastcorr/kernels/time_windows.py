"""Rolling mean/var/std/cov/corr over variable windows ``[start[i], end[i])``, O(n).

The windows come from a time offset ("90D" over timestamps), a centred count
window, or any other rule whose ``start`` and ``end`` never decrease with ``i``.

Method (subtract-free two-stack aggregation)
--------------------------------------------
A *pivot* row ``p`` splits a window into a suffix ``[start, p)`` and a prefix
``[p, end)``. One backward scan tabulates the aggregate of every suffix
``[j, p)``, one forward scan every prefix ``[p, k)``, and an output merges the
two entries of its window (``_moments.merge``, Chan's pairwise update). When a
window's ``start`` passes the pivot, the pivot moves to that window's ``end``
and a new *segment* begins (:func:`pivots`). The rows of successive backward
scans are disjoint, so every row enters one backward and at most one forward
scan: O(n) in total, whatever the window lengths.

Nothing is ever subtracted from a sum, so a value leaving the window leaves no
rounding trace and nothing drifts with the length of the series. The pivots
depend on ``start`` and ``end`` only, and a segment's outputs on its own rows
only, so any split of the segments over threads gives bitwise the same
result.

NaN rule: a row counts only when both of its values are finite (pairwise
complete); NaN and +-inf are missing. ``min_periods`` counts such rows. An
empty window, or one below ``min_periods``, is NaN; var/cov need
``n - ddof > 0``, corr needs two non-constant series.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import CORR, MEAN, NFIELDS, STD, VAR, store
from fastcorr.kernels.rolling import (
    _pow2_below,
    count_missing,
    merge_tables,
    scale_back,
    scan_table,
    shifts_apart,
    window_weights,
)

# Windows whose sums of squares reach this are recomputed on scaled values (overflow_segment_outputs).
_NEAR_OVERFLOW = 1e300


@njit(inline="always", nogil=True, error_model="numpy")
def _first_above(index, lo, hi, value):
    """First ``j`` in ``[lo, hi)`` with ``2 * index[j] > value`` (``hi`` if none); ``index``
    increasing. O(log(hi - lo))."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if 2 * index[mid] > value:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True, nogil=True, error_model="numpy")
def offset_bounds(index, size, center, left_closed, right_closed, i0, i1, start, end):
    """Window bounds of rows ``i0 .. i1 - 1`` for an offset ``size`` over an increasing ``index``
    (int64 ticks; negate a decreasing one).

    Row ``i``'s window is rows ``[start[i], end[i])``: the rows with time in
    ``(t_i - size, t_i]`` for ``right_closed`` only, the other ends by the
    flags, or in ``(t_i - size / 2, t_i + size / 2]`` with ``center``
    (compared exactly, in doubled ticks). Follows pandas row for row,
    duplicate timestamps included: a trailing window ends at the row itself
    when right-closed, before the first row at its time when right-open.
    Binary searches place the first row; the rest move two pointers, so any
    split of the rows gives the same bounds. O(i1 - i0 + log(len(index))).
    """
    n = index.shape[0]
    if i0 >= i1:
        return
    lc = 1 if left_closed else 0
    rc = 1 if right_closed else 0
    if center:
        # Rows j with 2 * t_j in (2 * t_i - size, 2 * t_i + size], ends as closed.
        lo = _first_above(index, 0, n, 2 * index[i0] - size - lc)
        hi = _first_above(index, 0, n, 2 * index[i0] + size + rc - 1)
        for i in range(i0, i1):
            t2 = 2 * index[i]
            while 2 * index[lo] <= t2 - size - lc:
                lo += 1
            while hi < n and 2 * index[hi] <= t2 + size + rc - 1:
                hi += 1
            start[i] = lo
            end[i] = hi
        return
    lo = _first_above(index, 0, n, 2 * (index[i0] - size - lc))
    # The first row at the current time: where a right-open window stops.
    stop = _first_above(index, 0, n, 2 * index[i0] - 1)
    for i in range(i0, i1):
        bound = index[i] - size - lc
        while index[lo] <= bound:
            lo += 1
        start[i] = lo
        if index[stop] != index[i]:
            stop = i
        end[i] = i + 1 if right_closed else stop


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def offset_bounds_2d(index, size, center, left_closed, right_closed, rows_per_item, start, end):
    """``offset_bounds`` of every row, runs of ``rows_per_item`` rows in parallel (same bounds
    for any split). O(len(index))."""
    n = index.shape[0]
    items = (n + rows_per_item - 1) // rows_per_item
    for item in prange(items):
        i0 = item * rows_per_item
        offset_bounds(index, size, center, left_closed, right_closed, i0, min(i0 + rows_per_item, n), start, end)


@njit(cache=True, nogil=True, error_model="numpy")
def pivots(start, end, seg_first, seg_pivot):
    """The segments of the windows ``[start[i], end[i])``; returns their number ``g`` and
    the longest window ``max(end - start)``.

    Segment ``k`` holds the outputs ``seg_first[k] ..`` (up to the next
    segment's first) and pivots at row ``seg_pivot[k]``: every window in it
    starts at or before the pivot and ends at or after it (empty windows
    aside). ``seg_first`` and ``seg_pivot`` need room for ``len(start) + 1``
    entries; ``seg_first[g]`` is set to ``len(start)``. O(len(start)).
    """
    g = 0
    pivot = 0
    span = 0
    seg_first[0] = 0
    seg_pivot[0] = 0
    for i in range(start.shape[0]):
        span = max(span, end[i] - start[i])
        if start[i] < end[i] and start[i] > pivot:
            pivot = end[i]
            if i > seg_first[g]:
                g += 1
            seg_first[g] = i
            seg_pivot[g] = pivot
    g = g + 1 if start.shape[0] > 0 else 0
    seg_first[g] = start.shape[0]
    return g, span


@njit(cache=True, nogil=True, error_model="numpy")
def gather_run(start, end, i0, i1, base, pivot, kmax, suf, pre, gs, gp):
    """Tables for outputs ``i0 .. i1 - 1`` in ``merge_tables`` layout (output ``r = i - i0``
    reads prefix column ``r`` and suffix column ``r + 1``), without copying where
    the segment's own tables already have it; returns the pair ``(suffixes, prefixes)``.

    Output ``i`` needs the suffix ``[start[i], pivot)`` (``suf`` column
    ``start[i] - base``) and the prefix ``[pivot, end[i])`` (``pre`` column
    ``end[i] - pivot - 1``, zeros when empty; clamped to ``kmax`` rows for
    empty windows). Where a window's ends do not move one row per output, the
    columns are copied into ``gs``, ``gp``. O(i1 - i0).
    """
    direct_s = True
    direct_p = True
    for i in range(i0, i1):
        direct_s &= start[i] - base == i - i0 + 1
        direct_p &= end[i] - pivot - 1 == i - i0
    if not direct_s:
        for i in range(i0, i1):
            j = min(start[i], pivot) - base
            for f in range(NFIELDS):
                gs[f, i - i0 + 1] = suf[f, j]
    if not direct_p:
        for i in range(i0, i1):
            k = min(max(end[i] - pivot, 0), kmax)
            c = max(k - 1, 0)
            for f in range(NFIELDS):
                gp[f, i - i0] = pre[f, c] if k > 0 else 0.0
    return suf if direct_s else gs, pre if direct_p else gp


@njit(cache=True, nogil=True, error_model="numpy")
def merge_run(stat, start, end, i0, i1, base, pivot, kmax, tabs, scratch, min_periods, ddof, out):
    """Outputs ``i0 .. i1 - 1`` of one segment (at most ``gp.shape[1]`` of them), merged by
    the vectorised ``fastcorr.kernels.rolling.merge_tables``; empty windows are NaN.
    ``tabs = (suf, kxa, kya, pre, kxb, kyb)``, ``scratch = (gs, gp, wts)``. O(i1 - i0).
    """
    suf, kxa, kya, pre, kxb, kyb = tabs
    gs, gp, wts = scratch
    m = i1 - i0
    a, b = gather_run(start, end, i0, i1, base, pivot, kmax, suf, pre, gs, gp)
    window_weights(a[0, 1 : m + 1], b[0, :m], wts)
    part = out[i0:i1]
    if not merge_tables(stat, b, kxb, kyb, a, kxa, kya, wts, min_periods, ddof, False, part):
        merge_tables(stat, b, kxb, kyb, a, kxa, kya, wts, min_periods, ddof, True, part)
    for i in range(i0, i1):
        if start[i] >= end[i]:
            out[i] = np.nan


@njit(inline="always", nogil=True, error_model="numpy")
def _last_end(start, end, i0, i1, pivot):
    """The end of the last non-empty window of outputs ``i0 .. i1 - 1`` (at least ``pivot``):
    empty windows past it need no rows."""
    for i in range(i1 - 1, i0 - 1, -1):
        if start[i] < end[i]:
            return max(end[i], pivot)
    return pivot


@njit(cache=True, nogil=True, error_model="numpy")
def segment_outputs(stat, x, y, origin, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out, unsafe):
    """Outputs ``i0 .. i1 - 1`` of one segment pivoting at row ``pivot``.

    ``x``, ``y`` hold the segment's rows from ``origin`` on (``start``,
    ``end`` and ``pivot`` count from row 0 of the whole series). ``pre`` gets
    the prefix aggregates (column ``k`` holds rows ``pivot ..= pivot + k``),
    ``suf`` the suffix aggregates and one empty column after them. With an
    empty ``unsafe``, returns False, leaving ``out`` unspecified, when the
    segment comes near overflow; otherwise every window is merged and
    ``unsafe[i - i0]`` says whether window ``i`` itself came near overflow
    (its value is then wrong). O(rows of the segment + i1 - i0).
    """
    base = min(start[i0], pivot)
    hi = _last_end(start, end, i0, i1, pivot)
    lo = base - origin
    mid = pivot - origin
    # A segment without missing values skips the per-row test (same sums).
    dense = count_missing(x[lo : hi - origin], y[lo : hi - origin]) == 0
    kxa, kya = scan_table(x[lo:mid], y[lo:mid], True, dense, True, suf)
    store(suf, mid - lo, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    kxb, kyb = scan_table(x[mid : hi - origin], y[mid : hi - origin], False, dense, True, pre)
    k = hi - pivot
    # An empty prefix (k = 0) has no column to look at.
    last = max(k - 1, 0)
    if unsafe.shape[0] == 0 and not (
        suf[3, 0] < _NEAR_OVERFLOW
        and suf[4, 0] < _NEAR_OVERFLOW
        and (k == 0 or (pre[3, last] < _NEAR_OVERFLOW and pre[4, last] < _NEAR_OVERFLOW))
        and (mid == lo or k == 0 or not shifts_apart(k, kxa, kya, kxb, kyb))
    ):
        return False
    for i in range(i0, i0 + unsafe.shape[0]):
        # Sums of squares only grow along a scan: a window is safe when its own two sides are
        # and its two shifts (rows of the window) are not too far apart.
        a = min(start[i], pivot) - base
        c = min(max(end[i] - pivot, 0), k) - 1
        unsafe[i - i0] = not (
            suf[3, a] < _NEAR_OVERFLOW
            and suf[4, a] < _NEAR_OVERFLOW
            and (
                c < 0
                or (
                    pre[3, c] < _NEAR_OVERFLOW
                    and pre[4, c] < _NEAR_OVERFLOW
                    and (suf[0, a] == 0.0 or not shifts_apart(pre[0, c], kxa, kya, kxb, kyb))
                )
            )
        )
    tabs = (suf, kxa, kya, pre, kxb, kyb)
    width = scratch[1].shape[1]
    if end[i0] == pivot:
        # The window that set the pivot has no prefix: alone, so the rest line up.
        merge_run(stat, start, end, i0, i0 + 1, base, pivot, k, tabs, scratch, min_periods, ddof, out)
        i0 += 1
    for r0 in range(i0, i1, width):
        merge_run(stat, start, end, r0, min(r0 + width, i1), base, pivot, k, tabs, scratch, min_periods, ddof, out)
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def scaled_segment_outputs(stat, x, y, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out):
    """``segment_outputs`` for values whose squares overflow: the segment's rows
    are scaled by powers of two (exact) to magnitudes below 1, and the outputs
    scaled back. O(rows of the segment + i1 - i0).
    """
    lo = min(start[i0], pivot)
    hi = _last_end(start, end, i0, i1, pivot)
    ex = _pow2_below(1e-300, x[lo:hi]) + 1
    ey = _pow2_below(1e-300, y[lo:hi]) + 1
    xs = np.empty(hi - lo)
    ys = np.empty(hi - lo)
    for r in range(hi - lo):
        xs[r] = math.ldexp(np.float64(x[lo + r]), -ex)
        ys[r] = math.ldexp(np.float64(y[lo + r]), -ey)
    # Scaled below 1, nothing comes near overflow: the check passes.
    segment_outputs(stat, xs, ys, lo, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out,
                    np.empty(0, dtype=np.bool_))  # fmt: skip
    power = 0 if stat == CORR else ex if stat in (MEAN, STD) else 2 * ex if stat == VAR else ex + ey
    for i in range(i0, i1):
        out[i] = scale_back(out[i], power)


@njit(cache=True, nogil=True, error_model="numpy")
def overflow_segment_outputs(stat, x, y, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out):
    """``segment_outputs`` of a segment where a sum of squares comes near overflow: a
    window whose own sums of squares stay below the limit is merged as anywhere else,
    only the windows holding a value beyond about 1e150 are recomputed on scaled values
    (``scaled_segment_outputs``). O(rows of the segment + i1 - i0).
    """
    unsafe = np.empty(i1 - i0, dtype=np.bool_)
    segment_outputs(stat, x, y, 0, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out, unsafe)
    if unsafe.any():
        merged = out[i0:i1].copy()
        scaled_segment_outputs(stat, x, y, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out)
        for i in range(i0, i1):
            if not unsafe[i - i0]:
                out[i] = merged[i - i0]


@njit(cache=True, nogil=True, error_model="numpy")
def bounded_1d(x, y, start, end, seg_first, seg_pivot, g0, g1, min_periods, ddof, stat, pre, suf, scratch, out):
    """Statistic ``stat`` of ``x``, ``y`` over the windows ``[start[i], end[i])`` of segments
    ``[g0, g1)`` (from :func:`pivots`) into ``out[i]``.

    ``start`` and ``end`` never decrease; pass ``y = x`` for one-series
    statistics. ``pre``, ``suf``, ``scratch``: scratch tables from
    :func:`scratch_tables`. O(rows of those segments).
    """
    checked = np.empty(0, dtype=np.bool_)
    for g in range(g0, g1):
        i0 = seg_first[g]
        i1 = seg_first[g + 1]
        pivot = seg_pivot[g]
        if not segment_outputs(stat, x, y, 0, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out,
                               checked):  # fmt: skip
            overflow_segment_outputs(stat, x, y, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, out)


@njit(cache=True, nogil=True, error_model="numpy")
def scratch_tables(span):
    """Scratch of one work item for windows of up to ``span`` rows: ``pre``, ``suf``
    and ``(gs, gp, wts)``."""
    pre = np.empty((NFIELDS, span + 1))
    # One column more than a suffix table needs: a run of empty windows may read it (and discard it).
    suf = np.empty((NFIELDS, span + 2))
    gs = np.empty((NFIELDS, span + 2))
    gp = np.empty((NFIELDS, span + 1))
    wts = np.empty((6, span + 1))
    return pre, suf, (gs, gp, wts)


@njit(cache=True, nogil=True, error_model="numpy")
def bounded_2d_serial(x, ix, y, iy, start, end, seg_first, seg_pivot, chunks, span, min_periods, ddof, stat, out):
    """``bounded_2d`` on the calling thread (same arithmetic, same bits). O(P * T)."""
    pre, suf, scratch = scratch_tables(span)
    nseg = chunks[chunks.shape[0] - 1]
    for p in range(out.shape[0]):
        # fmt: off
        bounded_1d(x[ix[p]], y[iy[p]], start, end, seg_first, seg_pivot, 0, nseg, min_periods, ddof, stat,
                   pre, suf, scratch, out[p])
        # fmt: on


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def bounded_2d(x, ix, y, iy, start, end, seg_first, seg_pivot, chunks, span, min_periods, ddof, stat, out):
    """Statistic ``stat`` of ``x[ix[p]]`` against ``y[iy[p]]`` over the windows
    ``[start[i], end[i])`` into ``out[p]``.

    ``x``, ``y``: one series per row (shape ``(N, T)``); ``seg_first``,
    ``seg_pivot``: the segments (:func:`pivots`); ``chunks``: segment numbers
    cutting them into runs, from 0 to the number of segments; ``span``: the
    longest window, ``max(end - start)``. Work items are (pair, run) and run
    in parallel; the result does not depend on ``chunks`` or on the thread
    count. O(P * T).
    """
    nchunks = chunks.shape[0] - 1
    for item in prange(out.shape[0] * nchunks):
        p = item // nchunks
        c = item - p * nchunks
        pre, suf, scratch = scratch_tables(span)
        # fmt: off
        bounded_1d(x[ix[p]], y[iy[p]], start, end, seg_first, seg_pivot, chunks[c], chunks[c + 1], min_periods,
                   ddof, stat, pre, suf, scratch, out[p])
        # fmt: on
