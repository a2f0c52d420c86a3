"""Many pairs at once: chosen pairs, correlation matrices, and universe sweeps.

``rolling_corr_pairs`` and ``rolling_cov_pairs`` return one column per chosen
pair; ``rolling_corr_matrix`` returns correlation matrices in pandas'
``pairwise=True`` layout; ``sweep`` runs every pair of a universe (or a chosen
list) and keeps only reductions (the cross-sectional mean, quantiles, per-pair
statistics, top pairs, or a Parquet stream), so thousands of assets never
materialise a T x N^2 array. Numerics and missing-value rules are those of
``fastcorr.rolling``; the method is in ``fastcorr.kernels.pairs``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pandas as pd

from fastcorr.bindings import coerce, dispatch, plan, relabel, validate, windows
from fastcorr.kernels import pairs as pairs_kernel
from fastcorr.kernels._moments import CORR, COV, NFIELDS, VAR
from fastcorr.rolling import WindowArg

REDUCERS = ("mean", "quantiles", "pair_stats", "topk")


def _universe(frame: Any) -> tuple[np.ndarray, coerce.Labels, list[Hashable]]:
    values, labels = coerce.coerce(frame, "frame")
    if labels.ndim != 2:
        raise ValueError(f"frame must be 2-D (a DataFrame or a 2-D array, one column per asset), got {labels.family}")
    columns = list(labels.columns) if labels.columns is not None else list(range(values.shape[0]))
    validate.unique_columns(columns)
    return values, labels, columns


def _pairs_frame(
    stat: int, frame: Any, pairs: Any, window: WindowArg, min_periods: int | None, ddof: int, closed: str | None
) -> Any:
    spec = windows.parse(window, min_periods, closed, False)
    ddof = validate.ddof(ddof)
    values, labels, columns = _universe(frame)
    spec = windows.resolve(spec, labels.index, "frame")
    ia, ib = validate.pairs(pairs, columns, by_label=labels.family == coerce.FRAME)
    out = windows.rolling(stat, values, values, labels.index, spec, ddof, ia, ib, argname="frame")
    if labels.family != coerce.FRAME:
        return out.T
    names = pd.MultiIndex.from_arrays([[columns[i] for i in ia], [columns[j] for j in ib]], names=["a", "b"])
    return pd.DataFrame(out.T, index=labels.index, columns=names, copy=False)


def rolling_corr_pairs(
    frame: Any,
    pairs: Sequence[tuple[Any, Any]],
    window: WindowArg,
    *,
    min_periods: int | None = None,
    closed: str | None = None,
) -> Any:
    """Rolling correlation of chosen pairs of columns.

    Parameters
    ----------
    frame : DataFrame or 2-D ndarray
        One column per asset (numeric, unique labels).
    pairs : sequence of (a, b)
        Column labels (DataFrame) or integer positions (ndarray).
    window : int, str, Timedelta or DateOffset
        Rows per window, or a time offset (``"90D"``) over the frame's DatetimeIndex,
        as in :func:`fastcorr.rolling_corr`.
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window``
        (to 1 for a time window).
    closed : {"right", "left", "both", "neither"}, optional
        Which ends of a time window are included (pandas' rule; default ``"right"``).

    Returns
    -------
    DataFrame with one column per pair (MultiIndex ``(a, b)``), or a ``(T, P)``
    ndarray for ndarray input. Each column equals ``rolling_corr(frame[a], frame[b])``.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> df = pd.DataFrame({"a": [1.0, 2, 4, 3, 5], "b": [2.0, 1, 3, 5, 4], "c": [5.0, 3, 4, 1, 2]})
    >>> fastcorr.rolling_corr_pairs(df, [("a", "b"), ("a", "c")], 3).round(4).iloc[-1].tolist()
    [-0.5, 0.3273]
    """
    return _pairs_frame(CORR, frame, pairs, window, min_periods, 0, closed)


def rolling_cov_pairs(
    frame: Any,
    pairs: Sequence[tuple[Any, Any]],
    window: WindowArg,
    *,
    min_periods: int | None = None,
    ddof: int = 1,
    closed: str | None = None,
) -> Any:
    """Rolling covariance of chosen pairs of columns (see :func:`rolling_corr_pairs`).

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> df = pd.DataFrame({"a": [1.0, 2, 4, 3, 5], "b": [2.0, 1, 3, 5, 4]})
    >>> fastcorr.rolling_cov_pairs(df, [("a", "b")], 3).round(4).iloc[-1].tolist()
    [-0.5]
    """
    return _pairs_frame(COV, frame, pairs, window, min_periods, ddof, closed)


def _at_rows(at: Any, index: pd.Index | None, t: int, default_last: bool) -> np.ndarray:
    if at is None:
        return np.array([t - 1] if default_last and t else [], dtype=np.int64)
    labels = [at] if np.ndim(at) == 0 else list(at)
    rows = []
    for label in labels:
        if index is None:
            if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not -t <= label < t:
                raise KeyError(f"at must hold row positions in [0, {t}) for array input, got {label!r}")
            rows.append(int(label) % t)
        else:
            try:
                rows.append(index.get_loc(label))
            except KeyError:
                raise KeyError(f"at: {label!r} is not in the frame's index") from None
            if not isinstance(rows[-1], (int, np.integer)):
                raise KeyError(f"at: {label!r} is not a unique label of the frame's index")
    return np.array(rows, dtype=np.int64)


def rolling_corr_matrix(
    frame: Any, window: WindowArg, *, at: Any = None, min_periods: int | None = None, as_array: bool = False
) -> Any:
    """Rolling correlation matrices of all columns, at chosen rows or every row.

    Parameters
    ----------
    frame : DataFrame or 2-D ndarray
        One column per asset.
    window : int, str, Timedelta or DateOffset
        Rows per window, or a time offset (``"90D"``) over the frame's
        DatetimeIndex (windows ``(t - 90D, t]``, as pandas' ``rolling("90D")``).
    at : label, list of labels, or None
        Rows (index labels; positions for ndarray input) at which to return a
        matrix; None means every row.
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window``
        (to 1 for a time window).
    as_array : bool, default False
        Return a ``(len(at), N, N)`` ndarray instead of a DataFrame.

    Returns
    -------
    DataFrame in pandas' ``df.rolling(w).corr(pairwise=True)`` layout: a
    MultiIndex ``(row label, asset)`` by asset; or the ndarray. The diagonal is
    1 where the asset's window has a variance, NaN otherwise.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> df = pd.DataFrame({"a": [1.0, 2, 4, 3, 5], "b": [2.0, 1, 3, 5, 4]})
    >>> fastcorr.rolling_corr_matrix(df, 3, at=4).round(4).to_numpy().tolist()
    [[1.0, -0.5], [-0.5, 1.0]]
    """
    spec = windows.parse(window, min_periods, None, False)
    values, labels, _ = _universe(frame)
    spec = windows.resolve(spec, labels.index, "frame")
    n, t = values.shape
    rows = np.arange(t, dtype=np.int64) if at is None else _at_rows(at, labels.index, t, False)
    if spec.rows is not None:
        window_eff = min(spec.rows, max(t, 1))
        state = dispatch.sweep_blocks(values, window_eff, min(spec.min_periods, t + 1), None, bins=0,
                                      want_stats=False, at_rows=rows, matrices=True)  # fmt: skip
    else:
        start, end = windows.bounds(spec, t, labels.index, "frame")
        state = dispatch.sweep_bounded(values, start, end, spec.min_periods, None, bins=0, want_stats=False,
                                       at_rows=rows, matrices=True)  # fmt: skip
    mats = state.matrices
    var = windows.rolling(VAR, values, values, labels.index, spec, 1, argname="frame")
    diag = np.where(var[:, rows].T > 0, 1.0, np.nan) if t else np.empty((0, n))
    mats[:, np.arange(n), np.arange(n)] = diag
    if as_array or labels.family != coerce.FRAME:
        return mats
    index = pd.MultiIndex.from_product([labels.index[rows], labels.columns])
    return pd.DataFrame(mats.reshape(len(rows) * n, n), index=index, columns=labels.columns, copy=False)


@dataclass
class SweepResult:
    """What ``sweep`` kept.

    Attributes
    ----------
    mean, n_pairs : Series
        Cross-sectional mean correlation per row and the number of pairs with
        a value there (reducer ``"mean"``; ``n_pairs`` always).
    quantiles : DataFrame or None
        Quantiles of the cross-section per row, one column per level
        (``"quantiles"``); within ``1 / bins`` of the exact order statistics.
    pair_stats : DataFrame or None
        Per pair ``(a, b)``: ``last`` finite value, ``mean``, ``min``, ``max``,
        ``count`` over time (``"pair_stats"``).
    topk : DataFrame or None
        At each row of ``at``: the ``k`` most and least correlated pairs
        (``"topk"``), columns ``at, side, rank, a, b, corr``.
    path : Path or None
        The Parquet file with every (date, a, b, corr), when ``out`` was given.
    """

    mean: pd.Series | None
    n_pairs: pd.Series
    quantiles: pd.DataFrame | None = None
    pair_stats: pd.DataFrame | None = None
    topk: pd.DataFrame | None = None
    path: Path | None = None


@contextmanager
def _threads(threads: int | None):
    if threads is None:
        yield
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= numba.config.NUMBA_NUM_THREADS:
        raise ValueError(f"threads must be an integer in [1, {numba.config.NUMBA_NUM_THREADS}], got {threads!r}")
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _quantiles(hist: np.ndarray, count: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Quantiles (numpy's 'linear' definition) from per-row histograms over [-1, 1].

    Each order statistic is placed at the centre of its bin, so the result is
    within half a bin width, ``1 / bins``, of the exact quantile.
    """
    bins = hist.shape[1]
    cum = np.cumsum(hist, axis=1)
    centres = -1.0 + (np.arange(bins) + 0.5) * (2.0 / bins)
    out = np.full((hist.shape[0], len(levels)), np.nan)
    has = count > 0
    for c, q in enumerate(levels):
        rank = q * (count[has] - 1)
        lower = np.floor(rank)
        frac = rank - lower
        lo_bin = (cum[has] > lower[:, None]).argmax(axis=1)
        hi_bin = (cum[has] > np.minimum(lower + 1, count[has] - 1)[:, None]).argmax(axis=1)
        out[has, c] = centres[lo_bin] * (1 - frac) + centres[hi_bin] * frac
    return out


def _topk(
    at_buf: np.ndarray, rows: np.ndarray, index: Any, names: tuple[np.ndarray, np.ndarray], k: int
) -> pd.DataFrame:
    records = []
    for a, row in enumerate(rows):
        values = at_buf[a]
        finite = np.flatnonzero(np.isfinite(values))
        order = finite[np.argsort(values[finite], kind="stable")]
        for side, chosen in (("most", order[::-1][:k]), ("least", order[:k])):
            for rank, p in enumerate(chosen, start=1):
                records.append((index[row], side, rank, names[0][p], names[1][p], values[p]))
    return pd.DataFrame.from_records(records, columns=["at", "side", "rank", "a", "b", "corr"])


def sweep(
    frame: Any,
    window: WindowArg,
    *,
    pairs: Sequence[tuple[Any, Any]] | None = None,
    reducers: Iterable[str] = ("mean",),
    min_periods: int | None = None,
    at: Any = None,
    out: str | os.PathLike | None = None,
    threads: int | None = None,
    progress: bool = False,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    bins: int = 2000,
    k: int = 10,
    float32: bool = False,
) -> SweepResult:
    """Rolling correlation of every pair of a universe, reduced on the fly.

    Parameters
    ----------
    frame : DataFrame or 2-D ndarray
        One column per asset; missing values are pairwise complete (assets
        listed at different dates contribute where both have enough rows).
    window : int, str, Timedelta or DateOffset
        Rows per window (at most the number of rows), or a time offset
        (``"90D"``) over the frame's DatetimeIndex (windows ``(t - 90D, t]``,
        as pandas' ``rolling("90D")``; each pair is then computed whole by the
        variable-window kernel and fed to the same reducers).
    pairs : sequence of (a, b), optional
        Pairs to sweep; default all N(N-1)/2 pairs.
    reducers : iterable of str
        Any of ``"mean"`` (cross-sectional mean and count per row),
        ``"quantiles"``, ``"pair_stats"``, ``"topk"``.
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window``
        (to 1 for a time window).
    at : label or list of labels, optional
        Rows for ``"topk"`` (default: the last row).
    out : path, optional
        Also write every (date, a, b, corr) to this Parquet file, in row groups
        of bounded size; the file appears only once complete.
    threads : int, optional
        Threads for this call (the result does not depend on it).
    progress : bool
        Show a progress bar (needs tqdm).
    quantiles, bins : levels and histogram bins of ``"quantiles"``.
    k : int
        Pairs per side of ``"topk"``.
    float32 : bool
        Write the Parquet ``corr`` column as float32.

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> import numpy as np, pandas as pd, fastcorr
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.standard_normal((300, 4)).cumsum(axis=0), columns=list("abcd"))
    >>> res = fastcorr.sweep(df, 250)
    >>> int(res.n_pairs.iloc[-1]), bool(abs(res.mean.iloc[-1]) <= 1)
    (6, True)
    """
    spec = windows.parse(window, min_periods, None, False)
    wanted = validate.reducers(reducers, REDUCERS)
    values, labels, columns = _universe(frame)
    spec = windows.resolve(spec, labels.index, "frame")
    n, t = values.shape
    if n < 2:
        raise ValueError(f"frame must have at least two columns (assets) to sweep pairs, got {n}")
    if spec.rows is not None and spec.rows > t:
        raise ValueError(f"window={spec.rows} is longer than the frame ({t} rows)")
    validate.sweep_options(quantiles, bins, k)
    index = labels.index if labels.index is not None else pd.RangeIndex(t)
    if pairs is None:
        ia, ib = np.triu_indices(n, 1)
        explicit = None
    else:
        ia, ib = validate.pairs(pairs, columns, by_label=labels.family == coerce.FRAME)
        explicit = (ia, ib)
    names = (np.asarray(columns, dtype=object)[ia], np.asarray(columns, dtype=object)[ib])
    rows = _at_rows(at, labels.index, t, True) if "topk" in wanted else np.array([], dtype=np.int64)
    writer = relabel.ParquetPairs(out, index, names, float32) if out is not None else None
    if spec.rows is not None:
        steps = (t + spec.rows - 1) // spec.rows
    else:
        steps = len(plan.pair_stripes(len(ia), t, writer is not None))
    bar = _progress(progress, steps)
    options = dict(
        bins=bins if "quantiles" in wanted else 0, want_stats="pair_stats" in wanted, at_rows=rows,
        sink=writer.write if writer is not None else None, on_block=bar.update if bar else None,
    )  # fmt: skip
    try:
        with _threads(threads):
            if spec.rows is not None:
                state = dispatch.sweep_blocks(values, spec.rows, spec.min_periods, explicit, **options)
            else:
                start, end = windows.bounds(spec, t, labels.index, "frame")
                state = dispatch.sweep_bounded(values, start, end, spec.min_periods, (ia, ib), **options)
        path = writer.close() if writer is not None else None
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    return _result(state, wanted, index, names, rows, list(quantiles), k, path)


def _result(
    state: dispatch.SweepState,
    wanted: set[str],
    index: pd.Index,
    names: tuple[np.ndarray, np.ndarray],
    rows: np.ndarray,
    levels: list[float],
    k: int,
    path: Path | None,
) -> SweepResult:
    """The reducers of a finished sweep, labelled (shared with ``fastcorr.distributed``)."""
    mean, count = state.mean()
    result = SweepResult(
        mean=pd.Series(mean, index=index, name="mean") if "mean" in wanted else None,
        n_pairs=pd.Series(count, index=index, name="n_pairs"),
        path=path,
    )
    if "quantiles" in wanted:
        q = _quantiles(state.hist.sum(axis=0), count, levels)
        result.quantiles = pd.DataFrame(q, index=index, columns=levels)
    if "pair_stats" in wanted:
        st = state.stats
        with np.errstate(invalid="ignore", divide="ignore"):
            stats = {"last": st[0], "mean": st[1] / st[4], "min": st[2], "max": st[3], "count": st[4].astype(np.int64)}
        result.pair_stats = pd.DataFrame(stats, index=pd.MultiIndex.from_arrays(names, names=["a", "b"]))
        result.pair_stats.loc[result.pair_stats["count"] == 0, ["min", "max"]] = np.nan
    if "topk" in wanted:
        result.topk = _topk(state.at_buf, rows, index, names, k)
    return result


def tile_pairs(n_assets: int, rows: tuple[int, int]) -> int:
    """Pairs in the triangle rows ``[i0, i1)`` of an ``n_assets`` universe."""
    i0, i1 = rows
    return (i1 - i0) * (2 * n_assets - i0 - i1 - 1) // 2


def sweep_tile(
    values: np.ndarray,
    window: int,
    min_periods: int,
    *,
    rows: tuple[int, int] | None = None,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    blocks: tuple[int, int] | None = None,
    bins: int = 0,
    want_stats: bool = False,
    at_rows: np.ndarray | None = None,
    sink: Callable[[int, int, int, int, np.ndarray], None] | None = None,
) -> dispatch.SweepState:
    """Reducer state of one tile of ``sweep`` over ``values`` (N, T): the pairs of triangle rows
    ``rows = (i0, i1)`` (pairs ``(i, j)``, ``i0 <= i < i1 < j``) or the explicit ``pairs``, at the dates of
    the blocks ``blocks = (b0, b1)`` (rows ``b0 * window`` up to ``b1 * window``; default every date).

    Each pair's correlations are those of the whole sweep, bit for bit: a pair
    depends only on its two assets, and a block only on itself and the block
    before it. Per-pair outputs (``stats``, ``at_buf``, the ``sink``'s pair
    positions) are numbered from the tile's first pair, in the order of the
    whole sweep; per-date accumulators (mean, count, histogram) keep all T
    dates, zero outside the tile's, and are integers that add up exactly.
    ``stats`` needs every date (they accumulate in date order); explicit pairs
    take every date. ``at_rows`` must be unique and sorted. Arguments are
    assumed validated.
    """
    x = np.ascontiguousarray(values, dtype=np.float64)
    at_rows = np.empty(0, dtype=np.int64) if at_rows is None else at_rows
    n, t = x.shape
    b0, b1 = (0, -(-t // window)) if blocks is None else blocks
    every_date = b0 == 0 and b1 * window >= t
    if pairs is not None or rows is None:
        if not every_date:
            raise ValueError("an explicit-pairs tile covers every date: blocks must be None")
        return dispatch.sweep_blocks(x, window, min_periods, pairs, bins=bins, want_stats=want_stats,
                                     at_rows=at_rows, sink=sink)  # fmt: skip
    if want_stats and not every_date:
        raise ValueError("pair statistics accumulate over every date: a tile with want_stats must cover them all")
    i0, i1 = rows
    # Every partner j > i of the tile's rows lies in x[i0:], where the tile's
    # pairs are numbered from 0 and the last row tile is the whole sub-universe.
    sub = x[i0:]
    if i1 == n - 1 and every_date:
        return dispatch.sweep_blocks(sub, window, min_periods, None, bins=bins, want_stats=want_stats,
                                     at_rows=at_rows, sink=sink)  # fmt: skip
    return _rows_state(sub, window, min_periods, i1 - i0, (b0, b1), bins, want_stats, at_rows, sink)


def _rows_state(
    x: np.ndarray,
    window: int,
    min_periods: int,
    nrows: int,
    blocks: tuple[int, int],
    bins: int,
    want_stats: bool,
    at_rows: np.ndarray,
    sink: Callable[[int, int, int, int, np.ndarray], None] | None,
) -> dispatch.SweepState:
    """Pairs of the first ``nrows`` triangle rows of ``x`` over ``blocks``: ``dispatch.sweep_blocks`` for a tile."""
    n, t = x.shape
    npairs = tile_pairs(n, (0, nrows))
    threads = numba.config.NUMBA_NUM_THREADS
    jt = plan.pair_tile(n)
    state = dispatch.SweepState(
        acc_hi=np.zeros((threads, t), np.int64),
        acc_lo=np.zeros((threads, t), np.int64),
        cnt=np.zeros((threads, t), np.int64),
        hist=np.zeros((threads, t, bins) if bins else (1, 1, 1), np.int32),
        stats=np.array([[np.nan], [0.0], [np.inf], [-np.inf], [0.0]]).repeat(npairs if want_stats else 0, axis=1),
        at_buf=np.full((max(len(at_rows), 1), npairs if len(at_rows) else 0), np.nan),
        matrices=np.empty((0, 0, 0)),
    )
    per_thread = [np.empty(shape) for shape in ((threads, window, jt), (threads, jt), (threads, 2, jt),
                  (threads, NFIELDS, window), (threads, NFIELDS, window + 1), (threads, 7, window))]  # fmt: skip
    tabs = np.empty((pairs_kernel.NTAB, window, n))
    dense = np.empty(n, dtype=np.bool_)
    for lo in range(blocks[0] * window, min(blocks[1] * window, t), window):
        hi = min(lo + window, t)
        at_pos = np.full(window, -1, dtype=np.int64)
        inside = (at_rows >= lo) & (at_rows < hi)
        at_pos[at_rows[inside] - lo] = np.flatnonzero(inside)
        pairs_kernel.dense_assets(x, lo, hi, window, dense)
        pairs_kernel.asset_tables(x, lo, hi, window, dense, tabs)
        # The whole universe's stripes, cut at the tile's last row.
        for i0, i1 in plan.row_stripes(n, hi - lo, sink is not None):
            if i0 >= nrows:
                break
            i1 = min(i1, nrows)
            full = np.empty((hi - lo, tile_pairs(n, (i0, i1))) if sink is not None else (0, 0))
            pairs_kernel.sweep_block(x, lo, hi, window, min_periods, i0, i1, dense, tabs, *per_thread,
                                     state.acc_hi, state.acc_lo, state.cnt, bins, bins > 0, state.hist, want_stats,
                                     state.stats, at_pos, state.at_buf, state.matrices, full)  # fmt: skip
            if sink is not None:
                p0 = tile_pairs(n, (0, i0))
                sink(lo, hi, p0, p0 + full.shape[1], full)
    return state


def _progress(enabled: bool, total: int) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install tqdm") from None
    return tqdm(total=total, unit="block", desc="fastcorr sweep")
