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
and a new *segment* begins (:func:`windows_run`). The rows of successive
backward scans are disjoint, so every row enters one backward and at most one
forward scan: O(n) in total, whatever the window lengths.

The schedule of pivots restarts every ``RESET_ROWS`` outputs, at fixed
absolute positions, so runs of outputs are independent work items: a long
series uses every core, and each item may compute its own bounds from the
timestamps (:func:`offset_2d`, one pass, no bounds arrays). A segment without
missing values takes a short path (:func:`dense_segment`: counts from the
bounds, tables read in place where the windows move one row per output, or
suffixes scanned in output order where their starts move in a repeating
pattern); any other goes through :func:`segment_outputs`, with the same
arithmetic.

Nothing is ever subtracted from a sum, so a value leaving the window leaves no
rounding trace and nothing drifts with the length of the series. The pivots
depend on ``start`` and ``end`` only, and a segment's outputs on its own rows
only, so any split of the work over threads gives bitwise the same result.

NaN rule: a row counts only when both of its values are finite (pairwise
complete); NaN and +-inf are missing. ``min_periods`` counts such rows. An
empty window, or one below ``min_periods``, is NaN; var/cov need
``n - ddof > 0``, corr needs two non-constant series.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import CORR, COV, MEAN, NFIELDS, STD, VAR, finish, merge, store, store_sums, weights
from fastcorr.kernels.rolling import (
    _pow2_below,
    count_missing,
    merge_tables,
    scale_back,
    scan_rows,
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
    when right-closed, before the first row at its time when right-open, and a
    window never starts after its own row (which matters for a window shorter
    than one tick, ``size`` 0: right-closed, it holds its row alone).
    Binary searches place the first row; the rest move two pointers, or, where
    the ticks repeat every few rows by the same time (business days), repeat
    the starts of those rows (``_periodic``): any split of the rows gives the
    same bounds. Row ``i``'s bounds go to
    ``start[i - i0]``, ``end[i - i0]``. O(i1 - i0 + log(len(index))).
    """
    n = index.shape[0]
    if i0 >= i1:
        return
    lc = 1 if left_closed else 0
    rc = 1 if right_closed else 0
    if center:
        # Rows j with 2 * t_j in (2 * t_i - size, 2 * t_i + size], ends as closed.
        lo = min(_first_above(index, 0, n, 2 * index[i0] - size - lc), i0)
        hi = _first_above(index, 0, n, 2 * index[i0] + size + rc - 1)
        for i in range(i0, i1):
            t2 = 2 * index[i]
            # A window never starts after its row (size 0: the later rows at its time come after it).
            while lo < i and 2 * index[lo] <= t2 - size - lc:
                lo += 1
            while hi < n and 2 * index[hi] <= t2 + size + rc - 1:
                hi += 1
            start[i - i0] = lo
            end[i - i0] = hi
        return
    lo = np.uint64(_first_above(index, 0, n, 2 * (index[i0] - size - lc)))
    # The first row at the current time: where a right-open window stops.
    stop = np.uint64(_first_above(index, 0, n, 2 * index[i0] - 1))
    one = np.uint64(1)
    if size + lc <= 0:
        # Shorter than one tick and open on the left: the window starts at its own row.
        for i in range(np.uint64(i0), np.uint64(i1)):
            start[i - np.uint64(i0)] = i
            if not right_closed:
                stop = _stop(index, stop, i)
            end[i - np.uint64(i0)] = i + one if right_closed else stop
        return
    u0 = np.uint64(i0)
    # Unsigned indices throughout: a signed one costs a wraparound test per access.
    for b0 in range(u0, np.uint64(i1), np.uint64(_BOUNDS_BLOCK)):
        b1 = min(b0 + np.uint64(_BOUNDS_BLOCK), np.uint64(i1))
        # Ticks whose steps repeat (one day, or the weekly pattern of business days) move the
        # starts in a repeating pattern too, which the branch predictor learns: a plain loop.
        # Irregular ticks would mispredict a branch per row; their starts walk in interleaved
        # chains without one.
        sample = min(b1 - b0, np.uint64(_BOUNDS_SAMPLE))
        if _surprises(index, b0, b0 + sample) * 8 <= np.int64(sample):
            head = min(b0 + np.uint64(_PERIOD), b1)
            lo = _walk_starts(index, size + lc, lo, b0, head, start[b0 - u0 : head - u0])
            # Ticks that repeat every _PERIOD rows by the same time (a week of business days) repeat
            # their starts too, _PERIOD rows on: no search at all (see _periodic).
            if head < b1 and start[b0 - u0] > 0 and _periodic(index, np.uint64(start[b0 - u0]) - one, b1):
                for i in range(head, b1):
                    start[i - u0] = start[i - u0 - np.uint64(_PERIOD)] + _PERIOD
                lo = np.uint64(start[b1 - one - u0])
            else:
                lo = _walk_starts(index, size + lc, lo, head, b1, start[head - u0 : b1 - u0])
        else:
            lo = _interleaved_starts(index, size + lc, lo, b0, b1, start[b0 - u0 : b1 - u0])
        if right_closed:
            for i in range(b0, b1):
                end[i - u0] = i + one
        else:
            for i in range(b0, b1):
                stop = _stop(index, stop, i)
                end[i - u0] = stop


@njit(inline="always", nogil=True, error_model="numpy")
def _walk_starts(index, reach, lo, b0, b1, start):
    """``start[i - b0]`` = the first row ``j >= lo`` with ``index[j] > index[i] - reach`` for
    rows ``b0 .. b1 - 1``, one pointer moving up; returns the last. Suits starts that move
    in a repeating pattern, which the branch predictor learns. O(b1 - b0 + moves)."""
    one = np.uint64(1)
    for i in range(b0, b1):
        bound = index[i] - reach
        while index[lo] <= bound:
            lo += one
        start[i - b0] = lo
    return lo


@njit(inline="always", nogil=True, error_model="numpy")
def _surprise(a, i):
    """Whether ``a[i]`` (``i >= 6``) steps unlike the step five rows before: business days
    repeat every five rows."""
    one = np.uint64(1)
    return a[i] - a[i - one] != a[i - np.uint64(5)] - a[i - np.uint64(6)]


@njit(inline="always", nogil=True, error_model="numpy")
def _surprises(a, i0, i1):
    """How many of ``a[i0:i1]`` (ticks, or window starts) are a ``_surprise``. Branch-free:
    it vectorises. O(i1 - i0)."""
    count = 0
    for i in range(max(i0, np.uint64(6)), i1):
        count += _surprise(a, i)
    return count


# Rows after which ticks repeat by a fixed time in a steady clock: business days (and any even clock).
_PERIOD = 5


@njit(inline="always", nogil=True, error_model="numpy")
def _periodic(index, j0, j1):
    """Whether ``index[j + _PERIOD] - index[j]`` is the same for every ``j`` in ``[j0, j1 - _PERIOD)``.

    Then a row ``i`` below ``j1 - _PERIOD`` whose start ``s`` is at least ``j0 + 1`` gives
    row ``i + _PERIOD`` the start ``s + _PERIOD``: ``index[s + _PERIOD]`` and
    ``index[s - 1 + _PERIOD]`` lie as far from that row's bound as ``index[s]`` and
    ``index[s - 1]`` from row ``i``'s. Branch-free: it vectorises. O(j1 - j0).
    """
    p = np.uint64(_PERIOD)
    if j1 < j0 + p:
        return True
    week = index[j0 + p] - index[j0]
    bad = 0
    for j in range(j0, j1 - p):
        bad += index[j + p] - index[j] != week
    return bad == 0


@njit(inline="always", nogil=True, error_model="numpy")
def _stop(index, stop, i):
    """The first row at row ``i``'s time, given ``stop``, that of row ``i - 1``: compared
    with the row before, not with ``index[stop]``, so that no load waits on the last one."""
    return i if i == 0 or index[i] != index[i - np.uint64(1)] else stop


# Rows per block of offset_bounds, each with its own choice of loop, made on the block's first rows.
_BOUNDS_BLOCK = 16384
_BOUNDS_SAMPLE = 512

# Chains of _interleaved_starts.
_CHAINS = 4


@njit(inline="always", nogil=True, error_model="numpy")
def _interleaved_starts(index, reach, lo, b0, b1, start):
    """``start[i - b0]`` = the first row ``j >= lo`` with ``index[j] > index[i] - reach`` for
    rows ``b0 .. b1 - 1`` (``reach > 0``, so the row is at most ``i``); returns the last.

    The rows are cut into ``_CHAINS`` runs whose starts are searched side by side: each
    step of a run waits on its previous one (a load, then a compare), and interleaving
    independent runs hides that wait. Each run's first start is found by galloping.
    O(b1 - b0 + log(b1 - b0)).
    """
    m = b1 - b0
    q = m // np.uint64(_CHAINS)
    one = np.uint64(1)
    n = np.uint64(index.shape[0])
    b, c, d = b0 + q, b0 + q + q, b0 + q + q + q
    la = lo
    lb = np.uint64(_first_after(index, np.int64(la), np.int64(b + one), index[b] - reach))
    lc = np.uint64(_first_after(index, np.int64(lb), np.int64(c + one), index[c] - reach))
    ld = np.uint64(_first_after(index, np.int64(lc), np.int64(d + one), index[d] - reach))
    for k in range(q):
        la = _advance4(index, la, index[b0 + k] - reach, n)
        lb = _advance4(index, lb, index[b + k] - reach, n)
        lc = _advance4(index, lc, index[c + k] - reach, n)
        ld = _advance4(index, ld, index[d + k] - reach, n)
        start[k] = la
        start[b - b0 + k] = lb
        start[c - b0 + k] = lc
        start[d - b0 + k] = ld
    for k in range(d + q - b0, m):
        ld = _advance4(index, ld, index[b0 + k] - reach, n)
        start[k] = ld
    return ld


@njit(inline="always", nogil=True, error_model="numpy")
def _advance4(index, lo, bound, n):
    """The first ``j >= lo`` with ``index[j] > bound`` (one exists, before ``n``). The next
    four rows are compared at once, without a branch per row: ``index`` is sorted, so the
    count of those at or below ``bound`` is how far to move; a longer move loops."""
    one = np.uint64(1)
    if lo + np.uint64(4) <= n:
        c = np.uint64(index[lo] <= bound) + np.uint64(index[lo + one] <= bound)
        c += np.uint64(index[lo + np.uint64(2)] <= bound) + np.uint64(index[lo + np.uint64(3)] <= bound)
        lo += c
        if c < 4:
            return lo
    while index[lo] <= bound:
        lo += one
    return lo


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def offset_bounds_2d(index, size, center, left_closed, right_closed, rows_per_item, start, end):
    """``offset_bounds`` of every row, runs of ``rows_per_item`` rows in parallel (same bounds
    for any split). O(len(index))."""
    n = index.shape[0]
    items = (n + rows_per_item - 1) // rows_per_item
    for item in prange(items):
        i0 = item * rows_per_item
        i1 = min(i0 + rows_per_item, n)
        offset_bounds(index, size, center, left_closed, right_closed, i0, i1, start[i0:i1], end[i0:i1])


@njit(cache=True, nogil=True, error_model="numpy")
def uneven(index, step, i0, i1):
    """Whether a step between rows ``i0 - 1 .. i1 - 1`` of ``index`` differs from ``step``. Branch-free,
    with unsigned indices and an integer count, so that it vectorises. O(i1 - i0)."""
    bad = 0
    one = np.uint64(1)
    for k in range(np.uint64(i1 - i0)):
        i = np.uint64(i0) + k
        bad += (index[i] - index[i - one]) != step
    return bad != 0


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def uneven_2d(index, step, i0, rows_per_item):
    """``uneven`` from row ``i0`` to the end, runs of ``rows_per_item`` rows in parallel. O(len(index) - i0)."""
    n = index.shape[0]
    items = (n - i0 + rows_per_item - 1) // rows_per_item
    bad = 0
    for item in prange(items):
        lo = i0 + item * rows_per_item
        bad += uneven(index, step, lo, min(lo + rows_per_item, n))
    return bad != 0


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
def scratch_tables(span):
    """Scratch of one work item for windows of up to ``span`` rows: ``pre``, ``suf``
    and ``(gs, gp, wts)``. ``pre`` and ``suf`` have room for a gathered table after
    their own (from column ``gathered(span)``): ``dense_segment`` picks either by a
    column offset, which measured faster than choosing between two arrays."""
    pre = np.empty((NFIELDS, gathered(span) + span + 1))
    # One column more than a suffix table needs: a run of empty windows may read it (and discard it).
    suf = np.empty((NFIELDS, gathered(span) + span + 2))
    gs = np.empty((NFIELDS, span + 2))
    gp = np.empty((NFIELDS, span + 1))
    wts = np.empty((6, span + 1))
    return pre, suf, (gs, gp, wts)


@njit(inline="always", nogil=True, error_model="numpy")
def gathered(span):
    """First column of the gathered tables in ``scratch_tables(span)``'s ``pre`` and ``suf``."""
    return span + 2


@njit(inline="always", nogil=True, error_model="numpy")
def _scan_prefix(x, y, lo, hi, pre):
    """Dense forward scan: ``pre[:, c]`` gets rows ``lo .. lo + c - 1`` for ``c`` in
    ``0 ..= hi - lo`` (column 0 is the empty aggregate), shifted by row ``lo``. Returns
    the shifts. The same sums, in the same order, as ``scan_table`` forward."""
    kx = ky = 0.0
    if hi > lo:
        kx = np.float64(x[lo])
        ky = np.float64(y[lo])
    store(pre, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    sx = sy = sxx = syy = sxy = 0.0
    ulo = np.uint64(lo)
    for c in range(np.uint64(hi - lo)):
        du = np.float64(x[ulo + c]) - kx
        dv = np.float64(y[ulo + c]) - ky
        sx += du
        sy += dv
        sxx += du * du
        syy += dv * dv
        sxy += du * dv
        store_sums(pre, c + np.uint64(1), sx, sy, sxx, syy, sxy)
    return kx, ky


@njit(inline="always", nogil=True, error_model="numpy")
def _dense_window(start, end, r, pivot, suf, a, kxa, kya, pre, c, kxb, kyb):
    """Window ``r`` of a dense segment, merged: suffix column ``a`` (``pivot - start[r]``
    rows) with prefix column ``c`` (``end[r] - pivot`` rows). O(1)."""
    na = np.float64(pivot - start[r])
    nb = np.float64(end[r] - pivot)
    ia, ib, f, inv_n = weights(na, nb)
    return merge(
        na, suf[1, a], suf[2, a], suf[3, a], suf[4, a], suf[5, a], kxa, kya,
        nb, pre[1, c], pre[2, c], pre[3, c], pre[4, c], pre[5, c], kxb, kyb,
        ia, ib, f, inv_n,
    )  # fmt: skip


@njit(inline="always", nogil=True, error_model="numpy")
def _merge_dense(stat, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof, out):
    """Outputs ``r0 .. r1 - 1`` of a dense segment: window ``r`` merges suffix column
    ``a0 + r - r0`` with prefix column ``c0 + r - r0`` (``_dense_window``). Branch-free
    in ``r`` (it vectorises). Returns whether every output is final (``_moments.finish``)."""
    ok = True
    # Unsigned indices: a signed one costs a wraparound test per access, which stops vectorisation.
    ur = np.uint64(r0)
    ua = np.uint64(a0)
    uc = np.uint64(c0)
    for q in range(np.uint64(r1 - r0)):
        r = ur + q
        n, mean_x, _, mxx, myy, mxy = _dense_window(start, end, r, pivot, suf, ua + q, kxa, kya, pre, uc + q, kxb, kyb)
        out[r], fine = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, False)
        ok &= fine
    return ok


@njit(cache=True, nogil=True, error_model="numpy")
def _redo_dense(stat, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof, out):
    """Recompute with two square roots the outputs of ``_merge_dense`` whose product of
    sums of squares left the safe range; rare, so out of the vectorised loops. O(r1 - r0)."""
    for q in range(r1 - r0):
        n, mean_x, _, mxx, myy, mxy = _dense_window(start, end, r0 + q, pivot, suf, a0 + q, kxa, kya, pre, c0 + q,
                                                    kxb, kyb)  # fmt: skip
        if not finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, False)[1]:
            out[r0 + q] = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, True)[0]


@njit(inline="always", nogil=True, error_model="numpy")
def _merge_run_dense(stat, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof, out):
    """``_merge_dense`` with the statistic a constant of each loop (one loop per statistic)."""
    # fmt: off
    if stat == CORR:
        ok = _merge_dense(CORR, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof,
                          out)
    elif stat == COV:
        ok = _merge_dense(COV, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof,
                          out)
    elif stat == VAR:
        ok = _merge_dense(VAR, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof,
                          out)
    elif stat == STD:
        ok = _merge_dense(STD, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof,
                          out)
    else:
        ok = _merge_dense(MEAN, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof,
                          out)
    if not ok:
        _redo_dense(stat, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof, out)
    # fmt: on


@njit(inline="always", nogil=True, error_model="numpy")
def _scan_suffixes(x, y, start, i0, i1, pivot, suf, g):
    """Dense backward scan from row ``pivot - 1`` in output order: column ``g + r - i0``
    of ``suf`` gets rows ``[start[r], pivot)`` for the outputs ``r`` of ``i0 .. i1 - 1``
    (``start`` never decreasing, at most ``pivot``). Returns the shifts. The same sums,
    in the same order, as ``scan_rows`` backward: output ``r``'s column is that
    scan's column ``start[r] - start[i0]``, without copying it. O(rows + i1 - i0)."""
    kx = ky = 0.0
    if pivot > start[i0]:
        kx = np.float64(x[pivot - 1])
        ky = np.float64(y[pivot - 1])
    sx = sy = sxx = syy = sxy = 0.0
    one = np.uint64(1)
    row = np.uint64(pivot)
    last = np.uint64(i1 - 1)
    for q in range(np.uint64(i1 - i0)):
        r = last - q
        # The rows between two starts: the weekly pattern of business days repeats, so the
        # branch predictor learns this loop's trip counts (irregular ticks do not take it).
        first = np.uint64(start[r])
        while row > first:
            row -= one
            du = np.float64(x[row]) - kx
            dv = np.float64(y[row]) - ky
            sx += du
            sy += dv
            sxx += du * du
            syy += dv * dv
            sxy += du * dv
        store_sums(suf, np.uint64(g) + r - np.uint64(i0), sx, sy, sxx, syy, sxy)
    return kx, ky


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def dense_segment(stat, x, y, start, end, i0, i1, pivot, min_periods, ddof, pre, suf, scratch, regular, unit_ends,
                  out):  # fmt: skip
    """``segment_outputs`` for a segment without missing values and far from overflow,
    in fewer passes: the counts come from the bounds, the prefix table starts with the
    empty aggregate (no window is special), and windows that move one row per output
    read the tables in place. Where starts move in a ``regular`` pattern, the suffixes
    are scanned in output order (``_scan_suffixes``) and need no gathering;
    ``unit_ends`` promises that every end is one past the one before (trailing windows
    closed on the right), so that prefixes are read in place without a look. Returns
    False, having written nothing final, when the segment holds a missing value or
    comes near overflow. Same bits as ``segment_outputs``. Compiled without reference
    counting (it allocates nothing): the atomic count updates of the arrays it passes
    around cost more than a short segment's arithmetic. O(rows of the segment + i1 - i0).
    """
    base = start[i0]
    hi = max(end[i1 - 1], pivot)
    width = scratch[1].shape[1]
    g = gathered(width - 1)
    ug = np.uint64(g)
    one = np.uint64(1)
    # In output order whenever the segment fits one chunk: where the starts happen to move
    # one row per output, it stores the columns that the scan in row order would.
    ordered = regular and i1 - i0 <= width
    if ordered:
        kxa, kya = _scan_suffixes(x, y, start, i0, i1, pivot, suf, g)
        full = g
    else:
        kxa, kya = scan_rows(x, y, base, pivot, True, True, False, suf)
        store(suf, pivot - base, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        full = 0
    kxb, kyb = _scan_prefix(x, y, pivot, hi, pre)
    npre = hi - pivot
    if not (
        suf[3, full] < _NEAR_OVERFLOW
        and suf[4, full] < _NEAR_OVERFLOW
        and pre[3, npre] < _NEAR_OVERFLOW
        and pre[4, npre] < _NEAR_OVERFLOW
        and (pivot == base or npre == 0 or not shifts_apart(hi - base, kxa, kya, kxb, kyb))
    ):
        return False
    for r0 in range(i0, i1, width):
        r1 = min(r0 + width, i1)
        # Columns of output r: suffix start[r] - base, prefix end[r] - pivot; in place where
        # they advance one per output, else gathered after the tables' own columns.
        u0 = np.uint64(r0)
        steps_s = steps_p = 0
        if not ordered:
            for q in range(one, np.uint64(r1 - r0)):
                steps_s += start[u0 + q] - start[u0 + q - one] != 1
        if not unit_ends:
            for q in range(one, np.uint64(r1 - r0)):
                steps_p += end[u0 + q] - end[u0 + q - one] != 1
        a0 = start[r0] - base
        c0 = end[r0] - pivot
        if ordered:
            a0 = g + r0 - i0
        elif steps_s:
            for q in range(np.uint64(r1 - r0)):
                a = np.uint64(start[u0 + q] - base)
                for f in range(1, NFIELDS):
                    suf[f, ug + q] = suf[f, a]
            a0 = g
        if steps_p:
            for q in range(np.uint64(r1 - r0)):
                c = np.uint64(end[u0 + q] - pivot)
                for f in range(1, NFIELDS):
                    pre[f, ug + q] = pre[f, c]
            c0 = g
        _merge_run_dense(stat, start, end, r0, r1, pivot, suf, a0, kxa, kya, pre, c0, kxb, kyb, min_periods, ddof, out)
    return True


@njit(inline="always", nogil=True, error_model="numpy")
def _first_after(a, lo, hi, value):
    """First ``j`` in ``[lo, hi)`` with ``a[j] > value`` (``hi`` if none); ``a`` never
    decreasing. Gallops from ``lo``, so a short step costs little. O(log(j - lo))."""
    step = 1
    while lo < hi and a[min(lo + step, hi) - 1] <= value:
        lo = min(lo + step, hi)
        step *= 2
    # a[lo - 1] <= value (or lo is the first index); the answer is in [lo, min(lo + step, hi)).
    top = min(lo + step, hi)
    while lo < top:
        mid = (lo + top) >> 1
        if a[mid] > value:
            top = mid
        else:
            lo = mid + 1
    return lo


# The segment schedule restarts every RESET_ROWS outputs, at fixed absolute positions: any split of
# the rows at those positions (threads, work items, a pair's whole series) gives the same bits.
RESET_ROWS = 1 << 16


@njit(cache=True, nogil=True, error_model="numpy")
def windows_run(stat, x, y, start, end, min_periods, ddof, out):
    """Statistic ``stat`` of ``x``, ``y`` over the windows ``[start[r], end[r])`` into ``out[r]``.

    ``start``, ``end``: the bounds of a run of consecutive outputs (row numbers
    of ``x``, ``y``, never decreasing), at most ``RESET_ROWS`` of them, the run
    beginning at a multiple of ``RESET_ROWS``; pass ``y = x`` for one-series
    statistics. Segments: a window that starts past the current pivot makes its
    own end the pivot, and the windows after it belong to its segment while they
    start at or before that pivot; the first non-empty window of the run opens
    the first segment. A dense segment takes ``dense_segment``, any other (or one
    near overflow) ``segment_outputs``. Empty windows are NaN. O(rows of the
    windows + len(out)).
    """
    m = start.shape[0]
    span, surprises, uneven_ends = _run_profile(start, end)
    pre, suf, scratch = scratch_tables(span)
    checked = np.empty(0, dtype=np.bool_)
    # Starts that move in a repeating pattern let dense segments scan in output order.
    regular = surprises * 8 <= m
    unit_ends = uneven_ends == 0
    i = 0
    length = 0
    while i < m:
        if start[i] >= end[i]:
            out[i] = np.nan
            i += 1
            continue
        pivot = end[i]
        # The segment ends at the first window starting past the pivot (starts never decrease).
        # Segments of a steady clock are about as long as the one before: look from just short
        # of that, which saves the mispredicted steps of a search from the segment's first row.
        k = i + max(length - 2, 1)
        if k < m and start[k] <= pivot:
            j = _first_after(start, k + 1, m, pivot)
        else:
            j = _first_after(start, i + 1, min(k, m), pivot)
        length = j - i
        if not dense_segment(stat, x, y, start, end, i, j, pivot, min_periods, ddof, pre, suf, scratch, regular,
                             unit_ends, out):  # fmt: skip
            if not segment_outputs(stat, x, y, 0, start, end, i, j, pivot, min_periods, ddof, pre, suf, scratch,
                                   out, checked):  # fmt: skip
                overflow_segment_outputs(stat, x, y, start, end, i, j, pivot, min_periods, ddof, pre, suf, scratch,
                                         out)  # fmt: skip
        i = j


@njit(inline="always", nogil=True, error_model="numpy")
def _run_profile(start, end):
    """One pass over a run's bounds: the longest window, how many starts step unlike the
    step five rows before (``_surprises``), and how many ends are not one past the end
    before. Branch-free: it vectorises. O(len(start))."""
    m = np.uint64(start.shape[0])
    one = np.uint64(1)
    span = 0
    surprises = 0
    uneven_ends = 0
    for r in range(min(m, np.uint64(6))):
        span = max(span, end[r] - start[r])
        if r > 0:
            uneven_ends += end[r] - end[r - one] != 1
    for r in range(np.uint64(6), m):
        span = max(span, end[r] - start[r])
        surprises += _surprise(start, r)
        uneven_ends += end[r] - end[r - one] != 1
    return span, surprises, uneven_ends


@njit(cache=True, nogil=True, error_model="numpy")
def bounded_series(stat, x, y, start, end, min_periods, ddof, out):
    """``windows_run`` over a whole series, one run of ``RESET_ROWS`` outputs after another
    (the bits of ``bounded_2d``). O(len(x) + len(out))."""
    for i0 in range(0, out.shape[0], RESET_ROWS):
        i1 = min(i0 + RESET_ROWS, out.shape[0])
        windows_run(stat, x, y, start[i0:i1], end[i0:i1], min_periods, ddof, out[i0:i1])


@njit(cache=True, nogil=True, error_model="numpy")
def bounded_2d_serial(x, ix, y, iy, start, end, min_periods, ddof, stat, out):
    """``bounded_2d`` on the calling thread (same arithmetic, same bits). O(P * T)."""
    for p in range(out.shape[0]):
        bounded_series(stat, x[ix[p]], y[iy[p]], start, end, min_periods, ddof, out[p])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def bounded_2d(x, ix, y, iy, start, end, min_periods, ddof, stat, out):
    """Statistic ``stat`` of ``x[ix[p]]`` against ``y[iy[p]]`` over the windows
    ``[start[i], end[i])`` into ``out[p]``.

    ``x``, ``y``: one series per row (shape ``(N, T)``); ``start``, ``end``:
    never decreasing. Work items are (pair, run of ``RESET_ROWS`` outputs) and
    run in parallel; the result does not depend on the thread count. O(P * T).
    """
    t = out.shape[1]
    nruns = (t + RESET_ROWS - 1) // RESET_ROWS
    for item in prange(out.shape[0] * nruns):
        p = item // nruns
        i0 = (item - p * nruns) * RESET_ROWS
        i1 = min(i0 + RESET_ROWS, t)
        windows_run(stat, x[ix[p]], y[iy[p]], start[i0:i1], end[i0:i1], min_periods, ddof, out[p, i0:i1])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def offset_2d(x, ix, y, iy, index, size, center, left_closed, right_closed, min_periods, ddof, stat, out):
    """``bounded_2d`` over the windows of a time offset (``offset_bounds``), each work
    item computing its own bounds: no bounds arrays, one pass. Same bits. O(P * T)."""
    t = out.shape[1]
    nruns = (t + RESET_ROWS - 1) // RESET_ROWS
    for item in prange(out.shape[0] * nruns):
        p = item // nruns
        i0 = (item - p * nruns) * RESET_ROWS
        i1 = min(i0 + RESET_ROWS, t)
        start = np.empty(i1 - i0, dtype=np.int64)
        end = np.empty(i1 - i0, dtype=np.int64)
        offset_bounds(index, size, center, left_closed, right_closed, i0, i1, start, end)
        windows_run(stat, x[ix[p]], y[iy[p]], start, end, min_periods, ddof, out[p, i0:i1])
