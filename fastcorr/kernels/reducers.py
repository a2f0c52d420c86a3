"""Column reducers for the periodic-table metrics: moments, Sharpe, period sampling, turnover, composites.

Layout: every 2-D input is ``(N, T)`` C-contiguous, one row per series (a
DataFrame column), time along the row. Outputs are allocated by the caller and
passed in; a ``bad`` array (one int64 per series, or per row block) receives the
position of the first value the caller must reject (``-1`` when there is none)
so that the bindings can raise an error that names the column and the date.

Determinism: each series (or each output row) is reduced by one thread, in a
fixed order that depends only on positions inside that series, never on how
work items are split over threads. The parallel drivers (``*_2d``) and their
serial twins (``*_2d_serial``) therefore give the same bits for any thread count.

Moments (``column_moments``): a series is cut into chunks of ``CHUNK`` values.
Each chunk is reduced with the corrected two-pass algorithm (Chan, Golub and
LeVeque 1983): pass one takes the mean of the values shifted by the chunk's
first non-NaN value, pass two sums the deviations ``d`` from that mean and
their squares, and ``M2 = sum d^2 - (sum d)^2 / n`` removes the first-order
error of the mean. A chunk is small enough to stay in L1 cache between the
passes, so memory is read once. Chunks are merged left to right with the
pairwise update (``M2 = M2a + M2b + delta^2 na nb / n``, a sum of non-negative
terms), on means kept as shift + offset so that ``delta`` is not rounded to
the scale of the values. No raw power sums anywhere: prices at 1e8 with cent
steps keep their digits. The two sums of a chunk are vectorised
(``fastmath={"reassoc"}`` on those two small functions only, the rest is
strict IEEE): the order of the additions is fixed by the compiled loop and
the position of a value in its series, so it does not depend on threads
either (the tests compare both drivers and thread counts bit for bit).

NaN rule: NaN is a missing value and is skipped. Values that are not missing
but impossible (infinite, a return below -100 %, a price or size that is not
positive) are reported through ``bad``; the kernels do not silently treat them
as missing.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Annualisation modes (see ``growth``).
GEOMETRIC, ARITHMETIC, NONE = 0, 1, 2

# Values per chunk of ``column_moments``: 32 KiB of float64, one L1 cache.
CHUNK = 4096

# Rows per work item of ``composite_links``.
ROW_BLOCK = 256


# --- moments and Sharpe ---------------------------------------------------------------------


@njit(inline="always", nogil=True, error_model="numpy")
def _is_bad_return(v):
    """A return that cannot be: infinite, or a loss of more than 100 %."""
    return (v < -1.0) | (abs(v) == np.inf)


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc"})
def _sum_shifted(x, k):
    """``(n, sum(x - k), bad)`` over the non-NaN values of ``x``; ``bad`` counts the bad returns.

    ``reassoc`` lets LLVM vectorise the sum (five times faster). It may only
    reorder the additions: each term ``x - k`` is one rounded operation, and
    the shift ``k`` comes from the caller, whose arithmetic is strict. The
    order depends on the compiled loop and positions in ``x``, never on threads.
    Integer counters: a float count beside the float sum leaves the loop scalar.
    """
    n = 0
    s = 0.0
    bad = 0
    for j in range(x.shape[0]):
        v = np.float64(x[j])
        ok = v == v
        n += ok
        s += v - k if ok else 0.0
        bad += _is_bad_return(v)
    return n, s, bad


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc"})
def _sum_deviations(x, m):
    """``(sum d, sum d^2)`` with ``d = x - m`` over the non-NaN values of ``x`` (vectorised, as ``_sum_shifted``)."""
    t = 0.0
    q = 0.0
    for j in range(x.shape[0]):
        v = np.float64(x[j])
        d = v - m if v == v else 0.0
        t += d
        q += d * d
    return t, q


@njit(cache=True, nogil=True, error_model="numpy")
def _chunk_moments(x):
    """``(n, k, offset, M2, bad)`` of the non-NaN values of a chunk ``x`` (a slice of a series).

    The mean is ``k + offset``, ``k`` the chunk's first non-NaN value: kept
    apart so that merging chunks of prices at 1e8 compares offsets of order 1
    rather than means rounded to ``ulp(1e8)``. ``bad`` counts the bad returns
    (see ``_is_bad_return``). Two passes over a cache-resident chunk, each
    term a function of one value: a constant chunk has every term exactly 0,
    so its ``M2`` is exactly 0. Called on a slice, not with bounds: loops
    over a whole array are the ones LLVM vectorises here. O(len(x)).
    """
    k = 0.0
    for j in range(x.shape[0]):
        if x[j] == x[j]:
            k = np.float64(x[j])
            break
    n, s, bad = _sum_shifted(x, k)
    if n == 0:
        return 0.0, 0.0, 0.0, 0.0, bad
    m = k + s / n
    t, q = _sum_deviations(x, m)
    # Corrected two-pass: t is n times the rounding error of m; m - k is exact (Sterbenz).
    return float(n), k, (m - k) + t / n, max(q - t * (t / n), 0.0), bad


@njit(cache=True, nogil=True, error_model="numpy")
def moments_1d(x, ddof, min_periods):
    """``(n, mean, std, bad)`` of one series of returns ``x`` (1-D).

    NaN is skipped. ``mean`` is NaN with fewer than ``max(min_periods, 1)``
    values, ``std`` also when ``n - ddof <= 0``. A constant series has
    ``std`` exactly 0. ``bad`` is the position of the first bad return
    (infinite or below -1), else -1. O(len(x)).
    """
    t = x.shape[0]
    # Running aggregate: count, mean as shift + offset, M2. Chunks merge in
    # offset space: the shifts are values of the series, so their difference
    # is exact for values of one magnitude.
    n = shift = off = m2 = 0.0
    flagged = False
    for lo in range(0, t, CHUNK):
        nb, kb, ob, m2b, badb = _chunk_moments(x[lo : min(lo + CHUNK, t)])
        flagged |= badb > 0
        if nb == 0.0:
            continue
        if n == 0.0:
            n, shift, off, m2 = nb, kb, ob, m2b
            continue
        tot = n + nb
        delta = ((kb - shift) + ob) - off
        off = off + delta * (nb / tot)
        m2 = m2 + m2b + delta * delta * (n * nb / tot)
        n = tot
    mean = shift + off
    bad = -1
    if flagged:
        for j in range(t):
            if _is_bad_return(np.float64(x[j])):
                bad = j
                break
    if n < max(min_periods, 1):
        return n, np.nan, np.nan, bad
    dof = n - ddof
    std = math.sqrt(m2 / dof) if dof > 0 else np.nan
    return n, mean, std, bad


@njit(cache=True, nogil=True, error_model="numpy")
def column_moments_2d_serial(x, ddof, min_periods, count, mean, std, bad):
    """``moments_1d`` of every row of ``x`` (``(N, T)``) on the calling thread into ``(N,)`` outputs. O(N * T)."""
    for s in range(x.shape[0]):
        count[s], mean[s], std[s], bad[s] = moments_1d(x[s], ddof, min_periods)


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def column_moments_2d(x, ddof, min_periods, count, mean, std, bad):
    """``column_moments_2d_serial`` with rows spread over threads (same bits). O(N * T)."""
    for s in prange(x.shape[0]):
        count[s], mean[s], std[s], bad[s] = moments_1d(x[s], ddof, min_periods)


@njit(inline="always", nogil=True, error_model="numpy")
def growth(mean, periods, mode):
    """Annual return from a mean per-period return.

    ``GEOMETRIC``: ``(1 + mean) ** periods - 1``, evaluated as
    ``expm1(periods * log1p(mean))`` so that a small mean keeps its digits
    (``1 + 1e-3`` alone would cost three of them); a mean of -1 gives -1, below
    -1 NaN. ``ARITHMETIC``: ``mean * periods``. ``NONE``: ``mean``.
    """
    if mode == GEOMETRIC:
        if not mean >= -1.0:
            return np.nan
        y = periods * math.log1p(mean)
        # Overflow is inf, as in compiled code; plain Python (NUMBA_DISABLE_JIT) would raise.
        return math.expm1(y) if y <= 709.78 else np.inf
    if mode == ARITHMETIC:
        return mean * periods
    return mean


@njit(cache=True, nogil=True, error_model="numpy")
def sharpe_from_moments(mean, std, periods, mode, out):
    """Sharpe ratio ``growth(mean) / (std * sqrt(periods))`` elementwise (flat arrays).

    ``NONE`` leaves the volatility per period. NaN where ``mean`` or ``std`` is
    NaN and where ``std`` is 0: zero volatility gives NaN, never inf. O(len(out)).
    """
    scale = 1.0 if mode == NONE else math.sqrt(periods)
    for j in range(out.shape[0]):
        m = mean[j]
        s = std[j]
        out[j] = growth(m, periods, mode) / (s * scale) if s > 0.0 else np.nan


@njit(cache=True, nogil=True, error_model="numpy")
def annual_return(mean, periods, mode, out):
    """``growth(mean)`` elementwise (flat arrays); NaN stays NaN. O(len(out))."""
    for j in range(out.shape[0]):
        out[j] = growth(mean[j], periods, mode)


@njit(cache=True, nogil=True, error_model="numpy")
def annual_volatility(std, periods, mode, out):
    """``std * sqrt(periods)`` elementwise (``std`` itself for ``NONE``). O(len(out))."""
    scale = 1.0 if mode == NONE else math.sqrt(periods)
    for j in range(out.shape[0]):
        out[j] = std[j] * scale


@njit(cache=True, nogil=True, error_model="numpy")
def first_bad_return(x, bad):
    """``bad[s]``: position of the first infinite or below -1 value of row ``s``, else -1. O(N * T)."""
    for s in range(x.shape[0]):
        bad[s] = -1
        for j in range(x.shape[1]):
            if _is_bad_return(np.float64(x[s, j])):
                bad[s] = j
                break


# --- period sampling and returns ----------------------------------------------------------


@njit(inline="always", nogil=True, error_model="numpy")
def _last_present(x, lo, hi):
    """Position of the last non-NaN value of ``x[lo:hi]``, or -1."""
    for j in range(hi - 1, lo - 1, -1):
        if x[j] == x[j]:
            return j
    return -1


@njit(cache=True, nogil=True, error_model="numpy")
def period_returns_1d(x, bounds, log, out):
    """Returns between the last observations of consecutive periods of one price series.

    Period ``k`` holds rows ``bounds[k] .. bounds[k + 1] - 1``; its price is
    the last non-NaN value in it (NaN if the period has none). ``out[k]`` is
    ``(p_k - p_{k-1}) / p_{k-1}`` (``log1p`` of that with ``log``), NaN when
    either price is missing: a series starts at its own first price and a
    missing period gives NaN, never a zero return. Only the sampled prices are
    read. Returns the position of the first sampled price that is not a finite
    positive number (the caller rejects it), else -1. O(len(out)) for dense
    data, O(len(x)) at worst.
    """
    nk = out.shape[0]
    # Gather the period ends first: a loop of independent loads keeps many cache
    # misses in flight, where loading inside the dependent loop below did not.
    for k in range(nk):
        out[k] = x[max(bounds[k + 1] - 1, 0)]
    # Fix-ups, rarely taken: an empty period (the load above belongs to the period
    # before it) and a period that ends on a NaN. Then count the bad prices.
    nbad = 0
    for k in range(nk):
        lo = bounds[k]
        hi = bounds[k + 1]
        if lo == hi:
            out[k] = np.nan
        elif out[k] != out[k]:
            j = _last_present(x, lo, hi - 1)
            out[k] = x[j] if j >= 0 else np.nan
        v = out[k]
        nbad += (v == v) & ~((v > 0.0) & (v < np.inf))
    if nbad:
        for k in range(nk):
            v = out[k]
            if v == v and not (0.0 < v < np.inf):
                return _last_present(x, bounds[k], bounds[k + 1])
    # Returns in place, backwards so that each price is read before it is replaced;
    # branch-free, NaN prices give NaN returns by themselves.
    for k in range(nk - 1, 0, -1):
        out[k] = (out[k] - out[k - 1]) / out[k - 1]
    if nk:
        out[0] = np.nan
    if log:
        for k in range(nk):
            out[k] = math.log1p(out[k])
    return -1


@njit(cache=True, nogil=True, error_model="numpy")
def period_returns_2d_serial(x, bounds, log, out, bad):
    """``period_returns_1d`` for every row of ``x`` (``(N, T)``) into ``out`` (``(N, K)``). O(N * K)."""
    for s in range(x.shape[0]):
        bad[s] = period_returns_1d(x[s], bounds, log, out[s])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def period_returns_2d(x, bounds, log, out, bad):
    """``period_returns_2d_serial`` with rows spread over threads (same bits). O(N * K)."""
    for s in prange(x.shape[0]):
        bad[s] = period_returns_1d(x[s], bounds, log, out[s])


# --- turnover -----------------------------------------------------------------------------


@njit(inline="always", nogil=True, error_model="numpy")
def _add(s, c, v):
    """Neumaier's compensated sum: add ``v`` to ``(s, c)``; the total is ``s + c``."""
    t = s + v
    if abs(s) >= abs(v):
        c += (s - t) + v
    else:
        c += (v - t) + s
    return t, c


@njit(inline="always", nogil=True, error_model="numpy")
def _traded_ok(v):
    """A traded value: NaN (missing) or finite and non-negative."""
    return (v != v) | ((v >= 0.0) & (v < np.inf))


@njit(inline="always", nogil=True, error_model="numpy")
def _size_ok(v, strict):
    """A size: NaN (missing) or finite and positive (non-negative unless ``strict``)."""
    return (v != v) | (((v > 0.0) | ((v == 0.0) & (not strict))) & (v < np.inf))


@njit(cache=True, nogil=True, error_model="numpy")
def first_bad(x, size, strict):
    """Position of the first value of ``x`` that is not a valid traded value (``size``: size), else -1. O(len(x))."""
    for j in range(x.shape[0]):
        v = np.float64(x[j])
        if not (_size_ok(v, strict) if size else _traded_ok(v)):
            return j
    return -1


@njit(inline="always", nogil=True, error_model="numpy")
def _compensated_sum(x, lo, hi):
    """``(sum, count)`` of the non-NaN values of ``x[lo:hi]``, compensated. O(hi - lo)."""
    s = c = 0.0
    n = 0
    for j in range(lo, hi):
        v = np.float64(x[j])
        if v == v:
            s, c = _add(s, c, v)
            n += 1
    return s + c, n


@njit(cache=True, nogil=True, error_model="numpy")
def period_sum_1d(x, lo, hi):
    """Compensated sum of the non-NaN values of ``x[lo:hi]``; NaN when there is none. O(hi - lo)."""
    total, n = _compensated_sum(x, lo, hi)
    return total if n > 0 else np.nan


@njit(cache=True, nogil=True, error_model="numpy")
def period_mean_1d(x, lo, hi):
    """Mean of the non-NaN values of ``x[lo:hi]`` (compensated sum); NaN when there is none. O(hi - lo)."""
    total, n = _compensated_sum(x, lo, hi)
    return total / n if n > 0 else np.nan


@njit(cache=True, nogil=True, error_model="numpy")
def turnover_ratio_1d(v, s, bounds, size_mean, scale, out):
    """``scale * (period traded value) / (period size)`` for one series.

    Traded value of period ``k``: the compensated sum of its non-NaN values,
    NaN when it has none (no trading data is not zero turnover). Size: the last
    non-NaN value of the period, or with ``size_mean`` the mean of its non-NaN
    values; NaN when it has none. Returns ``(bad_v, bad_s)``: the first
    position of an invalid traded value (negative or infinite) and of an
    invalid size (not finite and positive), checked over the whole series,
    else -1. O(len(v)).
    """
    bad_v = first_bad(v, False, True)
    bad_s = first_bad(s, True, True)
    if bad_v >= 0 or bad_s >= 0:
        return bad_v, bad_s
    for k in range(out.shape[0]):
        lo = bounds[k]
        hi = bounds[k + 1]
        traded = period_sum_1d(v, lo, hi)
        if size_mean:
            size = period_mean_1d(s, lo, hi)
        else:
            j = _last_present(s, lo, hi)
            size = np.float64(s[j]) if j >= 0 else np.nan
        out[k] = traded / size * scale
    return -1, -1


@njit(cache=True, nogil=True, error_model="numpy")
def turnover_daily_1d(v, s, bounds, days, out):
    """``days`` times the mean of the daily ratios ``v / s`` of each period, for one series.

    A row counts when both ``v`` and ``s`` are present; a period without such
    a row is NaN. The ratios are summed with compensation. Returns
    ``(bad_v, bad_s)`` as ``turnover_ratio_1d``. O(len(v)).
    """
    bad_v = first_bad(v, False, True)
    bad_s = first_bad(s, True, True)
    if bad_v >= 0 or bad_s >= 0:
        return bad_v, bad_s
    for k in range(out.shape[0]):
        acc = c = 0.0
        n = 0
        for j in range(bounds[k], bounds[k + 1]):
            a = np.float64(v[j])
            b = np.float64(s[j])
            if a == a and b == b:
                acc, c = _add(acc, c, a / b)
                n += 1
        out[k] = (acc + c) / n * days if n > 0 else np.nan
    return -1, -1


@njit(cache=True, nogil=True, error_model="numpy")
def turnover_2d_serial(v, s, bounds, method, size_mean, scale, out, bad_v, bad_s):
    """Turnover of every row of ``v``, ``s`` (``(N, T)``) into ``out`` (``(N, K)``).

    ``method`` 0: ``turnover_ratio_1d`` (``scale`` multiplies the ratio);
    1: ``turnover_daily_1d`` (``scale`` is the number of days). O(N * T).
    """
    for i in range(v.shape[0]):
        if method == 0:
            bad_v[i], bad_s[i] = turnover_ratio_1d(v[i], s[i], bounds, size_mean, scale, out[i])
        else:
            bad_v[i], bad_s[i] = turnover_daily_1d(v[i], s[i], bounds, scale, out[i])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def turnover_2d(v, s, bounds, method, size_mean, scale, out, bad_v, bad_s):
    """``turnover_2d_serial`` with rows spread over threads (same bits). O(N * T)."""
    for i in prange(v.shape[0]):
        if method == 0:
            bad_v[i], bad_s[i] = turnover_ratio_1d(v[i], s[i], bounds, size_mean, scale, out[i])
        else:
            bad_v[i], bad_s[i] = turnover_daily_1d(v[i], s[i], bounds, scale, out[i])


@njit(cache=True, nogil=True, error_model="numpy")
def contract_periods_1d(v, oi, bounds, traded, interest):
    """Per period of one contract: summed traded value and period-end open interest.

    ``traded[k]``: compensated sum of the non-NaN traded values (NaN if none);
    ``interest[k]``: last non-NaN open interest value (NaN if none). Returns
    ``(bad_v, bad_oi)``: first negative or infinite traded value, first
    negative or infinite open interest (zero is allowed: a contract not yet
    listed), else -1. O(len(v)).
    """
    bad_v = first_bad(v, False, True)
    bad_oi = first_bad(oi, True, False)
    if bad_v >= 0 or bad_oi >= 0:
        return bad_v, bad_oi
    for k in range(traded.shape[0]):
        lo = bounds[k]
        hi = bounds[k + 1]
        traded[k] = period_sum_1d(v, lo, hi)
        j = _last_present(oi, lo, hi)
        interest[k] = np.float64(oi[j]) if j >= 0 else np.nan
    return -1, -1


@njit(cache=True, nogil=True, error_model="numpy")
def weighted_ratio_1d(traded, interest, weights, group, k, num, cnum, den, cden, out):
    """Group ratios of period ``k``: ``sum_i w_i traded_i / sum_i w_i interest_i``.

    Contract ``i`` (a row of ``traded``, ``interest``, both ``(N, K)``) counts
    in group ``group[i]`` when both its values are present in period ``k`` (a
    contract missing either is left out of both sums). Contracts are added in
    row order with compensation. ``out[g]`` is NaN when the group's weighted
    open interest is not positive. ``num``, ``cnum``, ``den``, ``cden``:
    scratch of length ``len(out)``. O(N).
    """
    num[:] = 0.0
    cnum[:] = 0.0
    den[:] = 0.0
    cden[:] = 0.0
    for i in range(traded.shape[0]):
        a = traded[i, k]
        b = interest[i, k]
        if a == a and b == b:
            g = group[i]
            num[g], cnum[g] = _add(num[g], cnum[g], weights[i] * a)
            den[g], cden[g] = _add(den[g], cden[g], weights[i] * b)
    for g in range(out.shape[0]):
        d = den[g] + cden[g]
        out[g] = (num[g] + cnum[g]) / d if d > 0.0 else np.nan


@njit(cache=True, nogil=True, error_model="numpy")
def turnover_weighted_2d_serial(v, oi, bounds, weights, group, traded, interest, out, bad_v, bad_oi):
    """Weighted turnover of groups of contracts.

    ``v``, ``oi``: ``(N, T)``; ``weights``, ``group``: ``(N,)`` (finite
    non-negative weights, group codes ``0 .. G - 1``); ``traded``,
    ``interest``: ``(N, K)`` scratch; ``out``: ``(G, K)``. O(N * T).
    """
    for i in range(v.shape[0]):
        bad_v[i], bad_oi[i] = contract_periods_1d(v[i], oi[i], bounds, traded[i], interest[i])
    ng = out.shape[0]
    num = np.empty(ng)
    cnum = np.empty(ng)
    den = np.empty(ng)
    cden = np.empty(ng)
    col = np.empty(ng)
    for k in range(out.shape[1]):
        weighted_ratio_1d(traded, interest, weights, group, k, num, cnum, den, cden, col)
        out[:, k] = col


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def turnover_weighted_2d(v, oi, bounds, weights, group, traded, interest, out, bad_v, bad_oi):
    """``turnover_weighted_2d_serial`` with contracts, then periods, spread over threads (same bits)."""
    for i in prange(v.shape[0]):
        bad_v[i], bad_oi[i] = contract_periods_1d(v[i], oi[i], bounds, traded[i], interest[i])
    ng = out.shape[0]
    for k in prange(out.shape[1]):
        num = np.empty(ng)
        cnum = np.empty(ng)
        den = np.empty(ng)
        cden = np.empty(ng)
        col = np.empty(ng)
        weighted_ratio_1d(traded, interest, weights, group, k, num, cnum, den, cden, col)
        out[:, k] = col


# --- composite indices --------------------------------------------------------------------


@njit(inline="always", nogil=True, error_model="numpy")
def _link(lp, wp, lt, s, c, sd, cd):
    """Add one constituent's weighted return from row ``p`` to row ``t`` to the sums, if it links.

    It links when its level is present at both rows and its weight at ``p``
    is positive.
    """
    if lp == lp and lt == lt and wp > 0.0:
        s, c = _add(s, c, wp * ((lt - lp) / lp))
        sd, cd = _add(sd, cd, wp)
    return s, c, sd, cd


@njit(cache=True, nogil=True, error_model="numpy")
def composite_block(levels, weights, lo, hi, num, den, present, bad_level, bad_weight):
    """Rows ``[lo, hi)`` of ``composite_links``; ``bad_*``: ``(N,)`` first bad row in the block, else -1."""
    nser = levels.shape[0]
    m = hi - lo
    s = np.zeros(m)
    c = np.zeros(m)
    sd = np.zeros(m)
    cd = np.zeros(m)
    for t in range(lo, hi):
        present[t] = False
    for i in range(nser):
        bad_level[i] = -1
        bad_weight[i] = -1
        li = levels[i]
        wi = weights[i]
        for t in range(lo, hi):
            lt = np.float64(li[t])
            wt = np.float64(wi[t])
            if lt == lt:
                if not (0.0 < lt < np.inf) and bad_level[i] < 0:
                    bad_level[i] = t
                if not (0.0 <= wt < np.inf) and bad_weight[i] < 0:
                    bad_weight[i] = t
                if wt > 0.0:
                    present[t] = True
            if t > 0:
                k = t - lo
                s[k], c[k], sd[k], cd[k] = _link(
                    np.float64(li[t - 1]), np.float64(wi[t - 1]), lt, s[k], c[k], sd[k], cd[k]
                )
    for t in range(lo, hi):
        num[t] = s[t - lo] + c[t - lo]
        den[t] = sd[t - lo] + cd[t - lo]


@njit(cache=True, nogil=True, error_model="numpy")
def composite_links_serial(levels, weights, num, den, present, bad_level, bad_weight):
    """``composite_links`` on the calling thread (same bits)."""
    t = levels.shape[1]
    for b in range(bad_level.shape[0]):
        lo = b * ROW_BLOCK
        composite_block(levels, weights, lo, min(lo + ROW_BLOCK, t), num, den, present, bad_level[b], bad_weight[b])


@njit(cache=True, nogil=True, error_model="numpy", parallel=True)
def composite_links(levels, weights, num, den, present, bad_level, bad_weight):
    """Weighted returns of every row against the row before it, for ``composite_chain``.

    ``levels``, ``weights``: ``(N, T)``. For row ``t``: ``num[t] = sum_i
    w[i, t-1] r[i, t]`` and ``den[t] = sum_i w[i, t-1]`` over constituents whose
    level is present at ``t - 1`` and ``t`` and whose weight at ``t - 1`` is
    positive (compensated sums in constituent order); ``present[t]``: some
    constituent has a level and a positive weight at ``t``. Validation: a
    present level must be finite and positive, the weight next to it finite
    and non-negative; ``bad_level[b, i]``, ``bad_weight[b, i]`` get the first
    row in row block ``b`` (``ROW_BLOCK`` rows) where constituent ``i`` breaks
    that, else -1. Row blocks run in parallel; each row's sums are made by
    one block in constituent order, so any thread count gives the same bits.
    O(N * T).
    """
    t = levels.shape[1]
    for b in prange(bad_level.shape[0]):
        lo = b * ROW_BLOCK
        composite_block(levels, weights, lo, min(lo + ROW_BLOCK, t), num, den, present, bad_level[b], bad_weight[b])


@njit(cache=True, nogil=True, error_model="numpy")
def composite_chain(levels, weights, num, den, present, base, out):
    """Chain-link the composite level from ``composite_links`` (serial in time).

    The composite starts at ``base`` on the first ``present`` row. Afterwards
    row ``t`` moves the level of the last row ``p`` that has one by
    ``sum_i w[i, p] r[i, p -> t] / sum_i w[i, p]`` (weights known at the start
    of the period), over the constituents present at ``p`` and ``t``: a
    constituent enters the period after its first level and leaves when its
    level stops. A row where no constituent links (all missing, or none of
    the constituents present at ``p``) is NaN and the chain resumes from
    ``p``. Rows after a missing row are recomputed against ``p``, O(N) each;
    the rest is O(T).
    """
    p = -1
    for t in range(out.shape[0]):
        if p < 0:
            if present[t]:
                out[t] = base
                p = t
            else:
                out[t] = np.nan
            continue
        if p == t - 1:
            n = num[t]
            d = den[t]
        else:
            s = c = sd = cd = 0.0
            for i in range(levels.shape[0]):
                s, c, sd, cd = _link(
                    np.float64(levels[i, p]), np.float64(weights[i, p]), np.float64(levels[i, t]), s, c, sd, cd
                )
            n = s + c
            d = sd + cd
        if d > 0.0:
            out[t] = out[p] * (1.0 + n / d)
            p = t
        else:
            out[t] = np.nan
