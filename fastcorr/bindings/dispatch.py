"""Pick the kernel, allocate the output with numpy, run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from fastcorr.bindings import plan
from fastcorr.kernels import lanes
from fastcorr.kernels import pairs as pairs_kernel
from fastcorr.kernels._moments import CORR, NFIELDS
from fastcorr.kernels.rolling import rolling_2d, rolling_2d_serial


def prepare(
    x: np.ndarray, y: np.ndarray, ix: np.ndarray | None, iy: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kernel arguments of a pair computation on ``(N, T)`` arrays: ``x``, ``y`` contiguous
    in the compute dtype, the pair indices (``ix`` defaults to every row of ``x``, ``iy``
    to the matching row of ``y``, or its only row) and the ``(P, T)`` output."""
    nrows, length = x.shape
    ix = np.arange(nrows) if ix is None else ix
    iy = (np.zeros(nrows, dtype=np.int64) if y.shape[0] == 1 else np.arange(nrows)) if iy is None else iy
    dtype = plan.compute_dtype(x, y)
    x = np.ascontiguousarray(x, dtype=dtype)
    y = np.ascontiguousarray(y, dtype=dtype)
    ix = np.ascontiguousarray(ix, dtype=np.int64)
    iy = np.ascontiguousarray(iy, dtype=np.int64)
    return x, y, ix, iy, np.empty((len(ix), length), dtype=dtype)


def rolling(
    stat: int,
    x: np.ndarray,
    y: np.ndarray,
    window: int,
    min_periods: int,
    ddof: int,
    ix: np.ndarray | None = None,
    iy: np.ndarray | None = None,
) -> np.ndarray:
    """Run the rolling kernel on ``(N, T)`` arrays; returns a ``(P, T)`` array.

    Row ``p`` of the result is the statistic of ``x[ix[p]]`` against ``y[iy[p]]``.
    By default ``ix`` is every row of ``x`` and ``iy`` the matching row of ``y``,
    or its only row when ``y`` has one (one series against every column).
    """
    x, y, ix, iy, out = prepare(x, y, ix, iy)
    # A window longer than the series is that series: clamping keeps numba's
    # integers in range for any Python int and changes no result.
    window = min(window, max(x.shape[1], 1))
    min_periods = min(min_periods, x.shape[1] + 1)
    if not plan.parallel(out.size):
        rolling_2d_serial(x, ix, y, iy, window, min_periods, ddof, stat, out)
    elif stat == CORR and min_periods <= window <= lanes.MAX_WINDOW:
        # Short windows: blocks side by side in SIMD lanes, same bits (fastcorr.kernels.lanes).
        lanes.short_corr_2d(x, ix, y, iy, window, min_periods, plan.blocks_per_item(window), out)
    else:
        rolling_2d(x, ix, y, iy, window, min_periods, ddof, stat, plan.blocks_per_item(window), out)
    return out


@dataclass
class SweepState:
    """Accumulators of one sweep, filled block by block by ``sweep_blocks``."""

    acc_hi: np.ndarray
    acc_lo: np.ndarray
    cnt: np.ndarray
    hist: np.ndarray
    stats: np.ndarray
    at_buf: np.ndarray
    matrices: np.ndarray

    def mean(self) -> tuple[np.ndarray, np.ndarray]:
        """Cross-sectional mean and count per row, from the exact integer sums."""
        hi = self.acc_hi.sum(axis=0).tolist()
        lo = self.acc_lo.sum(axis=0).tolist()
        count = self.cnt.sum(axis=0)
        scale = 2**50
        rows = zip(hi, lo, count.tolist(), strict=True)
        mean = [((h << 32) + low) / (c * scale) if c else np.nan for h, low, c in rows]
        return np.array(mean, dtype=np.float64), count


def sweep_blocks(
    x: np.ndarray,
    window: int,
    min_periods: int,
    pairs: tuple[np.ndarray, np.ndarray] | None,
    *,
    bins: int,
    want_stats: bool,
    at_rows: np.ndarray,
    matrices: bool = False,
    sink: Callable[[int, int, int, int, np.ndarray], None] | None = None,
    on_block: Callable[[], None] | None = None,
) -> SweepState:
    """Correlations of every pair (or of ``pairs``) of the rows of ``x`` (N, T), reduced.

    The cross-sections at rows ``at_rows`` (repeats allowed) are kept as pair
    vectors (``at_buf``, shape (len(at_rows), P)) or, with ``matrices``, as
    correlation matrices without diagonal (shape (len(at_rows), N, N)). Runs
    block by block (``window`` rows), so memory is the input plus O(N^2)
    per-pair state plus O(T * bins); with a ``sink``, each block's values are
    handed over in stripes of pairs, ``sink(lo, hi, p0, p1, values)`` with
    ``values`` of shape ``(hi - lo, p1 - p0)``, never the whole T x P matrix.
    """
    n, t = x.shape
    x = np.ascontiguousarray(x, dtype=np.float64)
    # The kernel writes each row once; repeated rows are copied afterwards.
    rows, repeat = np.unique(np.asarray(at_rows, dtype=np.int64), return_inverse=True)
    threads = numba.config.NUMBA_NUM_THREADS
    npairs = n * (n - 1) // 2 if pairs is None else len(pairs[0])
    jt = plan.pair_tile(n)
    state = _new_state(n, t, npairs, bins, want_stats, len(rows), matrices)
    scratch = dict(
        pre=np.empty((threads, NFIELDS, window)),
        suf=np.empty((threads, NFIELDS, window + 1)),
        tmp=np.empty((threads, 7, window)),
    )
    if pairs is None:
        sxy = np.empty((threads, window, jt))
        pxy = np.empty((threads, jt))
        cbuf = np.empty((threads, 2, jt))
        tabs = np.empty((pairs_kernel.NTAB, window, n))
        dense = np.empty(n, dtype=np.bool_)
    no_values = np.empty((0, 0))
    for lo in range(0, t, window):
        hi = min(lo + window, t)
        at_pos = np.full(window, -1, dtype=np.int64)
        inside = (rows >= lo) & (rows < hi)
        at_pos[rows[inside] - lo] = np.flatnonzero(inside)
        common = (state.acc_hi, state.acc_lo, state.cnt, bins, bins > 0, state.hist, want_stats, state.stats,
                  at_pos, state.at_buf, state.matrices)  # fmt: skip
        if pairs is None:
            pairs_kernel.dense_assets(x, lo, hi, window, dense)
            pairs_kernel.asset_tables(x, lo, hi, window, dense, tabs)
            for i0, i1 in plan.row_stripes(n, hi - lo, sink is not None):
                values = no_values
                if sink is not None:
                    p0 = pairs_kernel.pair_index(i0, i0 + 1, n)
                    p1 = pairs_kernel.pair_index(i1 - 1, n - 1, n) + 1
                    values = np.empty((hi - lo, p1 - p0))
                pairs_kernel.sweep_block(x, lo, hi, window, min_periods, i0, i1, dense, tabs, sxy, pxy, cbuf,
                                         scratch["pre"], scratch["suf"], scratch["tmp"], *common, values)  # fmt: skip
                if sink is not None:
                    sink(lo, hi, p0, p1, values)
        else:
            for p0, p1 in plan.pair_stripes(npairs, hi - lo, sink is not None):
                values = np.empty((hi - lo, p1 - p0)) if sink is not None else no_values
                pairs_kernel.sweep_pairs_block(x, lo, hi, window, min_periods, pairs[0][p0:p1], pairs[1][p0:p1],
                                               scratch["pre"], scratch["suf"], scratch["tmp"], *_shift(common, p0),
                                               values)  # fmt: skip
                if sink is not None:
                    sink(lo, hi, p0, p1, values)
        if on_block is not None:
            on_block()
    return _finish_state(state, matrices, rows, repeat, at_rows)


def _new_state(n: int, t: int, npairs: int, bins: int, want_stats: bool, nrows: int, matrices: bool) -> SweepState:
    """Empty accumulators: one row of per-date sums per thread, per-pair stats, kept cross-sections."""
    threads = numba.config.NUMBA_NUM_THREADS
    state = SweepState(
        acc_hi=np.zeros((threads, t), np.int64),
        acc_lo=np.zeros((threads, t), np.int64),
        cnt=np.zeros((threads, t), np.int64),
        hist=np.zeros((threads, t, bins) if bins else (1, 1, 1), np.int32),
        stats=np.empty((5, npairs if want_stats else 0)),
        at_buf=np.full((max(nrows, 1), npairs if nrows and not matrices else 0), np.nan),
        matrices=np.empty((nrows, n, n) if matrices else (0, 0, 0)),
    )
    state.stats[0] = np.nan
    state.stats[1] = 0.0
    state.stats[2] = np.inf
    state.stats[3] = -np.inf
    state.stats[4] = 0.0
    return state


def _finish_state(
    state: SweepState, matrices: bool, rows: np.ndarray, repeat: np.ndarray, at_rows: np.ndarray
) -> SweepState:
    """Mirror the matrices and repeat the kept rows as asked."""
    if matrices:
        pairs_kernel.mirror(state.matrices)
    if len(rows) != len(at_rows) or not np.array_equal(rows, at_rows):
        state.at_buf = state.at_buf[repeat] if state.at_buf.shape[1] else state.at_buf
        state.matrices = state.matrices[repeat] if matrices else state.matrices
    return state


def sweep_bounded(
    x: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    min_periods: int,
    pairs: tuple[np.ndarray, np.ndarray] | None,
    *,
    bins: int,
    want_stats: bool,
    at_rows: np.ndarray,
    matrices: bool = False,
    sink: Callable[[int, int, int, int, np.ndarray], None] | None = None,
    on_block: Callable[[], None] | None = None,
) -> SweepState:
    """``sweep_blocks`` over per-row windows ``[start[i], end[i])`` (time windows).

    Each pair's series is computed whole by the variable-window kernel (the
    values of ``rolling_corr`` with that window) and handed to the reducers,
    pairs in parallel; memory is the input plus one row per thread plus the
    reducers', and with a ``sink`` a stripe of pairs at a time, each stripe's
    values passed as ``sink(0, T, p0, p1, values)``. ``on_block`` is called
    after each stripe.
    """
    n, t = x.shape
    x = np.ascontiguousarray(x, dtype=np.float64)
    rows, repeat = np.unique(np.asarray(at_rows, dtype=np.int64), return_inverse=True)
    ia, ib = np.triu_indices(n, 1) if pairs is None else pairs
    ia = np.ascontiguousarray(ia, dtype=np.int64)
    ib = np.ascontiguousarray(ib, dtype=np.int64)
    state = _new_state(n, t, len(ia), bins, want_stats, len(rows), matrices)
    at_pos = np.full(t, -1, dtype=np.int64)
    at_pos[rows] = np.arange(len(rows))
    tmp = np.empty((numba.config.NUMBA_NUM_THREADS, t))
    no_values = np.empty((0, 0))
    for p0, p1 in plan.pair_stripes(len(ia), t, sink is not None):
        values = np.empty((t, p1 - p0)) if sink is not None else no_values
        common = (state.acc_hi, state.acc_lo, state.cnt, bins, bins > 0, state.hist, want_stats, state.stats,
                  at_pos, state.at_buf, state.matrices)  # fmt: skip
        pairs_kernel.sweep_pairs_bounded(x, start, end, min(min_periods, t + 1), ia[p0:p1], ib[p0:p1], tmp,
                                         *_shift(common, p0), values)  # fmt: skip
        if sink is not None:
            sink(0, t, p0, p1, values)
        if on_block is not None:
            on_block()
    return _finish_state(state, matrices, rows, repeat, at_rows)


def _shift(common: tuple, p0: int) -> tuple:
    """Per-pair outputs of a stripe that starts at pair ``p0``: views from there on."""
    acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, stats, at_pos, at_buf, mats = common
    return (acc_hi, acc_lo, cnt, bins, want_hist, hist, want_stats, stats[:, p0:], at_pos, at_buf[:, p0:], mats)
