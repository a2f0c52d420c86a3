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
Missing values cost no pass of their own: a block is scanned as if dense and
rescanned only when its totals show a non-finite value (``scan_block``).

Each block's outputs depend only on that block and the one before it, and
each output only on its own window's two aggregates (a correlation that needs
the overflow-safe square roots takes them alone), so any split of the rows at
block boundaries (threads, chunks) reproduces the same arithmetic bit for bit,
and so does a stream fed row by row (``fastcorr.kernels.streaming``).

NaN rule: a row counts only when both of its values are finite (pairwise
complete); NaN and +-inf are missing. ``min_periods`` counts such rows. A window
below ``min_periods`` (or with no row) is NaN; var/cov need ``n - ddof > 0``,
corr needs two non-constant series.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from fastcorr.kernels._moments import (
    CORR,
    COV,
    MEAN,
    NEAR_OVERFLOW,
    NFIELDS,
    STD,
    VAR,
    finish,
    finish_counted,
    merge,
    merge_nonempty,
    shifts_apart,
    store,
    store_sums,
    weights,
)


@njit(cache=True, nogil=True, error_model="numpy")
def count_missing(x, y):
    """Rows of ``x``, ``y`` where either value is NaN or +-inf. O(len(x)), vectorised."""
    n = 0
    for i in range(x.shape[0]):
        u = x[i]
        v = y[i]
        n += ((u - u) + (v - v)) != 0.0
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def scan_table(x, y, reverse, dense, counts, table):
    """Tabulate running aggregates over one block ``x``, ``y`` (contiguous views).

    Forward (prefixes): column ``i`` gets rows ``0 ..= i``; ``reverse``
    (suffixes): column ``i`` gets rows ``i ..`` end. The shift is the first
    pairwise-finite row met, a member of every non-empty aggregate of the scan.
    ``dense`` promises that every row is finite: the per-row test is skipped
    (the sums are the same either way). Row 0 of ``table``, the count, is
    written only when ``counts`` (a dense block's counts are its row numbers).
    Returns the shifts ``(kx, ky)``. O(len(x)).
    """
    return scan_rows(x, y, 0, x.shape[0], reverse, dense, counts, table)


@njit(cache=True, nogil=True, error_model="numpy")
def scan_rows(x, y, lo, hi, reverse, dense, counts, table):
    """``scan_table`` of rows ``lo .. hi - 1`` of ``x``, ``y``: column ``i`` of ``table``
    is about row ``lo + i``. Same sums, same order. O(hi - lo).
    """
    m = hi - lo
    kx = ky = 0.0
    for k in range(m):
        i = lo + (m - 1 - k if reverse else k)
        if np.isfinite(x[i]) and np.isfinite(y[i]):
            kx = np.float64(x[i])
            ky = np.float64(y[i])
            break
    # Branch-free from here: a missing row adds zeros, so the loop pipelines. Unsigned indices
    # spare each access the wraparound test of a signed one.
    c = sx = sy = sxx = syy = sxy = 0.0
    last = np.uint64(max(m, 1) - 1)
    ulo = np.uint64(lo)
    for k in range(np.uint64(m)):
        i = last - k if reverse else k
        u = np.float64(x[ulo + i])
        v = np.float64(y[ulo + i])
        ok = dense or (np.isfinite(u) & np.isfinite(v))
        du = u - kx if ok else 0.0
        dv = v - ky if ok else 0.0
        c += 1.0 if ok else 0.0
        sx += du
        sy += dv
        sxx += du * du
        syy += dv * dv
        sxy += du * dv
        if counts:
            table[0, i] = c
        store_sums(table, i, sx, sy, sxx, syy, sxy)
    return kx, ky


@njit(cache=True, nogil=True, error_model="numpy")
def scan_block(x, y, want_suf, pre, suf):
    """``scan_table`` of one block forward into ``pre`` and, when ``want_suf``,
    in reverse into ``suf``, without a separate pass for missing values.

    The forward scan first assumes the block dense (no per-row test); a
    missing row shows in its totals (a NaN or inf value makes every later sum
    of squares NaN or inf), and then the block is scanned again with the
    per-row test and counts. Returns ``(dense, kxf, kyf, kxr, kyr)``: counts
    (row 0 of the tables) are written only when not ``dense`` (a dense
    block's counts are its row numbers); ``dense`` is also False for a block
    whose sums of squares come near overflow. O(len(x)).
    """
    m = x.shape[0]
    dense = True
    kxf, kyf = scan_table(x, y, False, True, False, pre)
    if m > 0 and not (pre[3, m - 1] < NEAR_OVERFLOW and pre[4, m - 1] < NEAR_OVERFLOW):
        dense = False
        kxf, kyf = scan_table(x, y, False, False, True, pre)
    kxr = kyr = 0.0
    if want_suf:
        kxr, kyr = scan_table(x, y, True, dense, not dense, suf)
    return dense, kxf, kyf, kxr, kyr


@njit(cache=True, nogil=True, error_model="numpy")
def window_weights(na, nb, wts):
    """Column ``j`` of ``wts`` (shape (6, >= len(na))): ``na[j]``, ``nb[j]`` and their
    ``_moments.weights``. O(len(na)), vectorised."""
    for j in range(na.shape[0]):
        wts[0, j] = na[j]
        wts[1, j] = nb[j]
        wts[2, j], wts[3, j], wts[4, j], wts[5, j] = weights(na[j], nb[j])


@njit(cache=True, nogil=True, error_model="numpy")
def _window(stat, pre, kxb, kyb, suf, kxa, kya, wts, j, min_periods, ddof, safe):
    """``out[j]`` of ``merge_tables`` alone: ``(value, fine)``. O(1)."""
    n, mean_x, _, mxx, myy, mxy = merge(
        wts[0, j], suf[1, j + 1], suf[2, j + 1], suf[3, j + 1], suf[4, j + 1], suf[5, j + 1], kxa, kya,
        wts[1, j], pre[1, j], pre[2, j], pre[3, j], pre[4, j], pre[5, j], kxb, kyb,
        wts[2, j], wts[3, j], wts[4, j], wts[5, j],
    )  # fmt: skip
    return finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, safe)


@njit(cache=True, nogil=True, error_model="numpy")
def _redo_unsafe(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, out):
    """Recompute, with two square roots, the outputs whose product of sums of
    squares left the safe range (``_moments.finish``); rare, so compiled once
    for every statistic, out of the vectorised loops. O(len(out))."""
    for j in range(out.shape[0]):
        if not _window(stat, pre, kxb, kyb, suf, kxa, kya, wts, j, min_periods, ddof, False)[1]:
            out[j] = _window(stat, pre, kxb, kyb, suf, kxa, kya, wts, j, min_periods, ddof, True)[0]


@njit(inline="always", nogil=True, error_model="numpy")
def _merge_loop(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out):
    ok = True
    for j in range(out.shape[0]):
        n, mean_x, _, mxx, myy, mxy = merge(
            wts[0, j], suf[1, j + 1], suf[2, j + 1], suf[3, j + 1], suf[4, j + 1], suf[5, j + 1], kxa, kya,
            wts[1, j], pre[1, j], pre[2, j], pre[3, j], pre[4, j], pre[5, j], kxb, kyb,
            wts[2, j], wts[3, j], wts[4, j], wts[5, j],
        )  # fmt: skip
        out[j], fine = finish(stat, n, mean_x, mxx, myy, mxy, min_periods, ddof, safe)
        ok &= fine
    return ok


@njit(cache=True, nogil=True, error_model="numpy")
def merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out):
    """Outputs of one block: ``out[j]`` merges ``pre[:, j]`` with ``suf[:, j + 1]``.

    ``pre[:, j]`` holds the block's rows ``0 ..= j``, ``suf[:, j + 1]`` the rows
    of the previous block still in that window; ``suf`` has one column more
    than the block, the empty aggregate, for the window that is the block
    itself. ``wts[:, j]`` are the counts and weights of that merge
    (``window_weights``). One loop per statistic, each branch-free in ``j`` so
    that it vectorises. A correlation whose product of sums of squares leaves
    the safe range is recomputed with two square roots (``_moments.finish``),
    that window alone, so that a value never depends on another window's
    (a stream computes each window alone); ``safe`` takes two square roots for
    every window. Returns True (every output is final). O(len(out)).
    """
    if stat == CORR:
        ok = _merge_loop(CORR, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out)
    elif stat == COV:
        ok = _merge_loop(COV, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out)
    elif stat == VAR:
        ok = _merge_loop(VAR, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out)
    elif stat == STD:
        ok = _merge_loop(STD, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out)
    else:
        ok = _merge_loop(MEAN, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, safe, out)
    # One call site: the vectorised loops stay branch-free, the rare redo is not copied into each.
    if not ok:
        _redo_unsafe(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, out)
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def merge_tables_full(pre, kxb, kyb, suf, kxa, kya, wts, window, out):
    """``merge_tables`` of a correlation (the costliest merge) for a block
    whose windows all hold ``window`` rows (a dense block after a dense one):
    the same bits without the tests for an empty side and for ``min_periods``
    (at most ``window``). The last window, the block itself, has an empty
    suffix side; skipping the test is exact there too: its merge weight
    ``na * nb / n`` is 0, so the shift of the empty side drops out, and a
    constant block's sums are 0 either way. O(len(out)).
    """
    n = np.float64(window)
    ok = True
    for j in range(out.shape[0]):
        _, mean_x, _, mxx, myy, mxy = merge_nonempty(
            wts[0, j], suf[1, j + 1], suf[2, j + 1], suf[3, j + 1], suf[4, j + 1], suf[5, j + 1], kxa, kya,
            wts[1, j], pre[1, j], pre[2, j], pre[3, j], pre[4, j], pre[5, j], kxb, kyb,
            wts[2, j], wts[3, j], wts[4, j], wts[5, j],
        )  # fmt: skip
        out[j], fine = finish_counted(CORR, n, mean_x, mxx, myy, mxy, 0, False)
        ok &= fine
    if not ok:
        # The general merge of two non-empty sides is merge_nonempty: same windows, same bits.
        _redo_unsafe(CORR, pre, kxb, kyb, suf, kxa, kya, wts, 0, 0, out)


@njit(cache=True, nogil=True, error_model="numpy")
def block_outputs(stat, xa, ya, dense_a, xb, yb, dense_b, min_periods, ddof, dense_wts, wts, pre, suf, out):
    """Outputs of the windows ending in block ``xb``, ``yb``; ``xa``, ``ya`` is the
    previous block (empty for the first block). ``dense_wts``: the
    ``window_weights`` of a full block after a full block, used when neither
    has a missing row; otherwise they are computed into the scratch ``wts``.
    Returns False, leaving ``out`` unspecified, when a sum of squares came near
    overflow. O(len(xa) + len(xb)).
    """
    m = xb.shape[0]
    span = pre.shape[1]
    use_dense = dense_a and dense_b and xa.shape[0] > 0 and dense_wts.shape[1] >= m
    kxa = kya = 0.0
    if xa.shape[0] > 0:
        kxa, kya = scan_table(xa, ya, True, dense_a, not use_dense, suf)
    else:
        suf[:, :] = 0.0
    store(suf, span, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    kxb, kyb = scan_table(xb, yb, False, dense_b, not use_dense, pre)
    if not (
        suf[3, 0] < NEAR_OVERFLOW
        and suf[4, 0] < NEAR_OVERFLOW
        and pre[3, m - 1] < NEAR_OVERFLOW
        and pre[4, m - 1] < NEAR_OVERFLOW
        and (xa.shape[0] == 0 or not shifts_apart(m, kxa, kya, kxb, kyb))
    ):
        return False
    if use_dense:
        wts = dense_wts
    else:
        window_weights(suf[0, 1 : m + 1], pre[0, :m], wts)
    merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, False, out)
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def _pow2_below(v, a):
    """Largest exponent e with 2**e <= max(v, max |a| over finite a) (v > 0)."""
    for u in a:
        if np.isfinite(u):
            v = max(v, abs(np.float64(u)))
    return math.frexp(v)[1] - 1


@njit(cache=True, nogil=True, error_model="numpy")
def scale_back(v, e):
    """``v * 2**e``, +-inf where that overflows: compiled ``math.ldexp`` does so, the
    interpreter's raises (the kernels also run uncompiled, under NUMBA_DISABLE_JIT)."""
    if e > 0 and v != 0.0 and np.isfinite(v) and math.frexp(v)[1] + e > 1024:
        return math.copysign(math.inf, v)
    return math.ldexp(v, e)


@njit(cache=True, nogil=True, error_model="numpy")
def scaled_block_outputs(stat, xa, ya, xb, yb, min_periods, ddof, pre, suf, out):
    """``block_outputs`` for values whose squares overflow: the blocks are scaled
    by powers of two (exact) to magnitudes below 1, and the outputs scaled back.
    O(len(xa) + len(xb)).
    """
    ex = max(_pow2_below(1e-300, xa), _pow2_below(1e-300, xb)) + 1
    ey = max(_pow2_below(1e-300, ya), _pow2_below(1e-300, yb)) + 1
    na = xa.shape[0]
    xs = np.empty(na + xb.shape[0])
    ys = np.empty(na + xb.shape[0])
    for i in range(na):
        xs[i] = math.ldexp(np.float64(xa[i]), -ex)
        ys[i] = math.ldexp(np.float64(ya[i]), -ey)
    for i in range(xb.shape[0]):
        xs[na + i] = math.ldexp(np.float64(xb[i]), -ex)
        ys[na + i] = math.ldexp(np.float64(yb[i]), -ey)
    tmp = np.empty(xb.shape[0])
    wts = np.empty((6, xb.shape[0]))
    block_outputs(
        stat, xs[:na], ys[:na], False, xs[na:], ys[na:], False, min_periods, ddof, np.empty((6, 0)), wts, pre, suf, tmp
    )
    power = 0 if stat == CORR else ex if stat in (MEAN, STD) else 2 * ex if stat == VAR else ex + ey
    for i in range(tmp.shape[0]):
        out[i] = scale_back(tmp[i], power)


@njit(cache=True, nogil=True, error_model="numpy")
def overflow_block_outputs(stat, xa, ya, xb, yb, min_periods, ddof, pre, suf, out):
    """``block_outputs`` where a sum of squares of the blocks comes near overflow.

    A window whose own sums of squares stay below ``NEAR_OVERFLOW`` is merged
    from its two aggregates, as it would be anywhere else (and as a stream
    computes it); only the windows that hold a value beyond about 1e150 are
    recomputed on scaled values (``scaled_block_outputs``), so a huge value
    never disturbs the windows it is not in. O(len(xa) + len(xb)).
    """
    m = xb.shape[0]
    kxa = kya = 0.0
    if xa.shape[0] > 0:
        kxa, kya = scan_table(xa, ya, True, False, True, suf)
    else:
        suf[:, :] = 0.0
    store(suf, pre.shape[1], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    kxb, kyb = scan_table(xb, yb, False, False, True, pre)
    # Sums of squares only grow along a scan: a window is safe when its own two sides are
    # and its two shifts (rows of the window) are not too far apart.
    unsafe = np.empty(m, dtype=np.bool_)
    for j in range(m):
        unsafe[j] = not (
            suf[3, j + 1] < NEAR_OVERFLOW
            and suf[4, j + 1] < NEAR_OVERFLOW
            and pre[3, j] < NEAR_OVERFLOW
            and pre[4, j] < NEAR_OVERFLOW
            and (suf[0, j + 1] == 0.0 or not shifts_apart(pre[0, j], kxa, kya, kxb, kyb))
        )
    wts = np.empty((6, m))
    window_weights(suf[0, 1 : m + 1], pre[0, :m], wts)
    merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, wts, min_periods, ddof, False, out)
    if unsafe.any():
        scaled = np.empty(m)
        scaled_block_outputs(stat, xa, ya, xb, yb, min_periods, ddof, pre, suf, scaled)
        for j in range(m):
            if unsafe[j]:
                out[j] = scaled[j]


@njit(cache=True, nogil=True, error_model="numpy")
def rolling_1d(x, y, window, min_periods, ddof, stat, b0, b1, pre, suf, nxt, out):
    """Statistic ``stat`` of the windows ending in blocks ``[b0, b1)``.

    ``x``, ``y``: 1-D arrays of equal length (pass ``y = x`` for one-series
    statistics); ``pre``: scratch table of shape ``(NFIELDS, span)``, ``suf`` and
    ``nxt``: ``(NFIELDS, span + 1)``, with ``span = min(window, len(x))``;
    ``out``: 1-D output. Each block is scanned once (``scan_block``: its
    prefixes for its own outputs, its suffixes for the next block's), with no
    separate pass for missing values. O(rows in those blocks).
    """
    span = min(window, x.shape[0])
    # Counts of a dense block after a full one: window - 1 - j and j + 1.
    dense_wts = np.empty((6, span))
    window_weights(window - 1.0 - np.arange(span), 1.0 + np.arange(span), dense_wts)
    wts = np.empty((6, span))
    b = b0
    while b < b1:
        b = blocks(x, y, window, min_periods, ddof, stat, b, b1, pre, suf, nxt, dense_wts, wts, out)
        if b < b1:
            # A block near overflow (it allocates, so it runs here); the loop resumes after it.
            lo = b * window
            hi = min(lo + window, x.shape[0])
            start = max(lo - window, 0)
            overflow_block_outputs(
                stat, x[start:lo], y[start:lo], x[lo:hi], y[lo:hi], min_periods, ddof, pre, suf, out[lo:hi]
            )
            b += 1


@njit(cache=True, nogil=True, error_model="numpy", _nrt=False)
def blocks(x, y, window, min_periods, ddof, stat, b0, b1, pre, suf, nxt, dense_wts, wts, out):
    """The loop of ``rolling_1d`` over blocks ``[b0, b1)``, given the scratch ``dense_wts``
    (filled) and ``wts``; stops at the first block that comes near overflow and returns
    its number (``b1`` when none does). Compiled without reference counting, so it
    allocates nothing: the atomic count updates of its per-block slices would cost more
    than a small block's arithmetic. O(rows in those blocks).
    """
    t = x.shape[0]
    span = min(window, t)
    nblocks = (t - 1) // window + 1
    kxa = kya = 0.0
    suf[:, :] = 0.0
    nxt[:, span] = 0.0
    # Whether the previous block's suffix counts are implicit (dense) rather than in suf[0].
    dense_prev = False
    if b0 > 0:
        lo = (b0 - 1) * window
        dense_prev, _, _, kxa, kya = scan_block(x[lo : lo + window], y[lo : lo + window], True, pre, suf)
        suf[:, span] = 0.0
    for b in range(b0, b1):
        lo = b * window
        hi = min(lo + window, t)
        m = hi - lo
        xb = x[lo:hi]
        yb = y[lo:hi]
        dense, kxb, kyb, kxn, kyn = scan_block(xb, yb, b + 1 < nblocks and b + 1 < b1, pre, nxt)
        if (
            suf[3, 0] < NEAR_OVERFLOW
            and suf[4, 0] < NEAR_OVERFLOW
            and pre[3, m - 1] < NEAR_OVERFLOW
            and pre[4, m - 1] < NEAR_OVERFLOW
            and (b == 0 or not shifts_apart(m, kxa, kya, kxb, kyb))
        ):
            w = dense_wts
            if not (dense and dense_prev):
                if dense:
                    for j in range(m):
                        pre[0, j] = j + 1.0
                if dense_prev:
                    for j in range(span):
                        suf[0, j] = span - j
                window_weights(suf[0, 1 : m + 1], pre[0, :m], wts)
                w = wts
            if stat == CORR and dense and dense_prev and min_periods <= window:
                merge_tables_full(pre, kxb, kyb, suf, kxa, kya, w, window, out[lo:hi])
            else:
                merge_tables(stat, pre, kxb, kyb, suf, kxa, kya, w, min_periods, ddof, False, out[lo:hi])
        else:
            return b
        suf, nxt = nxt, suf
        kxa, kya = kxn, kyn
        dense_prev = dense
    return b1


@njit(cache=True, nogil=True, error_model="numpy")
def rolling_2d_serial(x, ix, y, iy, window, min_periods, ddof, stat, out):
    """``rolling_2d`` on the calling thread: for inputs too small to be worth
    waking a thread pool. Same arithmetic, same bits. O(P * T)."""
    npairs, t = out.shape
    if npairs == 0 or t == 0:
        return
    span = min(window, t)
    pre = np.empty((NFIELDS, span))
    suf = np.empty((NFIELDS, span + 1))
    nxt = np.empty((NFIELDS, span + 1))
    nblocks = (t - 1) // window + 1
    for p in range(npairs):
        rolling_1d(x[ix[p]], y[iy[p]], window, min_periods, ddof, stat, 0, nblocks, pre, suf, nxt, out[p])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def rolling_2d(x, ix, y, iy, window, min_periods, ddof, stat, chunk_blocks, out):
    """Statistic ``stat`` of series ``x[ix[p]]`` against ``y[iy[p]]`` into ``out[p]``.

    ``x`` and ``y`` hold one series per row (shape ``(N, T)``, may be the same
    array); ``ix``, ``iy`` are integer arrays of length ``P = out.shape[0]``.
    Work items are (pair, run of ``chunk_blocks`` blocks), run in parallel; the
    result does not depend on ``chunk_blocks`` or on the thread count. O(P * T).
    """
    npairs, t = out.shape
    if npairs == 0 or t == 0:
        return
    nchunks = work_items(t, window, chunk_blocks)
    for item in prange(npairs * nchunks):
        p, b0, b1, pre, suf, nxt = work_item(item, nchunks, t, window, chunk_blocks)
        rolling_1d(x[ix[p]], y[iy[p]], window, min_periods, ddof, stat, b0, b1, pre, suf, nxt, out[p])


@njit(inline="always", nogil=True, error_model="numpy")
def work_items(t, window, chunk_blocks):
    """Work items per pair of ``rolling_2d``: runs of ``chunk_blocks`` blocks of ``window`` rows."""
    nblocks = (t - 1) // window + 1  # no overflow for windows up to the int64 limit
    return (nblocks + chunk_blocks - 1) // chunk_blocks


@njit(inline="always", nogil=True, error_model="numpy")
def work_item(item, nchunks, t, window, chunk_blocks):
    """Work item ``item`` of ``rolling_2d``: its pair, its blocks ``[b0, b1)`` and its scratch
    ``pre``, ``suf``, ``nxt``."""
    p = item // nchunks
    b0 = (item - p * nchunks) * chunk_blocks
    b1 = min(b0 + chunk_blocks, (t - 1) // window + 1)
    span = min(window, t)
    return p, b0, b1, np.empty((NFIELDS, span)), np.empty((NFIELDS, span + 1)), np.empty((NFIELDS, span + 1))
