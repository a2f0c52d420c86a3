"""Universe sweeps on Dask's distributed scheduler.

``sweep`` gives the result of :func:`fastcorr.sweep`, bit for bit, computed on
the workers of a ``dask.distributed`` cluster:

* **Tiles.** The sweep is cut into a grid (:func:`tiles`): runs of whole
  blocks of dates (a block needs only itself and the block before it) by runs
  of triangle rows (or of an explicit pair list) holding about the same number
  of pairs. ``pair_stats`` accumulate over all dates, so with them a tile
  spans every date. The tiling depends on the problem and ``tile`` only, never
  on the cluster. Each tile runs the sweep's own kernels on a worker
  (``fastcorr.sweep.sweep_tile``) and sends back its partial reducer state:
  integer sums for the mean, count and histogram at its dates, per-pair values
  for ``pair_stats`` and ``topk``. The client adds the integers and places the
  per-pair values in tile order, so no result depends on which worker ran
  what, or when.
* **Input once per worker.** A DataFrame or array is scattered with
  ``broadcast=True`` (Dask's tree copy) and each worker keeps its copy for the
  sweep from the moment it arrives (``fastcorr.worker_plugin.Keeper``): the tiles do not depend
  on the scattered key, so Dask's active memory manager, which drops replicas
  no waiting task needs, never makes a worker fetch it again. A worker that
  joins or restarts during the sweep gets its copy from the client on its
  first tile (:class:`InputMissing`). A Parquet path (readable by every
  worker) is read once per worker process and kept for the following tiles.
* **Faults.** A worker that dies takes its running and held tiles with it; Dask
  runs them again elsewhere and the result is unchanged.
* **Output.** With ``out``, every (date, a, b, corr) goes to a Parquet dataset
  (a directory): one file ``part-NNNNN.parquet`` per tile, written under a
  hidden temporary name and renamed when complete, next to the tile's reducer
  state (``_state/part-NNNNN.npz``) and a description of the sweep
  (``_fastcorr.json``). ``resume=True`` computes only the tiles whose file or
  state is missing. Files starting with ``_`` or ``.`` are skipped by
  ``pyarrow.dataset``, so ``pyarrow.dataset.dataset(out)`` reads the pairs only.

dask is imported when ``sweep`` is called (the ``dask`` extra), never by
``import fastcorr``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fastcorr.bindings import coerce, dispatch, relabel, validate
from fastcorr.sweep import REDUCERS, SweepResult, _at_rows, _result, _threads, _universe, sweep_tile, tile_pairs

__all__ = ["sweep", "tiles"]

#: Pair-points (pairs x dates) a default tile aims at: a few seconds of one core.
TILE_POINTS = 1 << 30
#: ... and the default tiling has at least this many tiles, where the problem has room for them.
MIN_TILES = 16

MANIFEST = "_fastcorr.json"
STATE_DIR = "_state"
TMP_DIR = ".tmp"
FORMAT = 1


# --- tiling -----------------------------------------------------------------------------------


Tile = tuple[int, int, int, int]


def tiles(
    n_assets: int,
    n_rows: int,
    window: int,
    *,
    n_pairs: int | None = None,
    tile: int | None = None,
    split_time: bool = True,
) -> list[Tile]:
    """The tiles of a sweep, ``(start, stop, b0, b1)``: pairs by triangle rows ``[start, stop)`` (or by
    positions ``[start, stop)`` in an explicit pair list) at the dates of blocks ``[b0, b1)`` of ``window`` rows.

    The grid first cuts the dates into runs of whole blocks (each block needs
    only itself and the one before it, so no work is repeated), then the pairs
    into runs of about equal size; a tile of triangle rows ``[i0, i1)``
    rebuilds the per-asset tables of assets ``i0 ..``, so fewer pair cuts cost
    less. Pair statistics (``split_time=False``) and explicit pairs take every date.

    Parameters
    ----------
    n_assets, n_rows, window : int
        Assets (columns), dates (rows) and rows per window of the sweep.
    n_pairs : int, optional
        Length of an explicit pair list. Default: all pairs of the triangle.
    tile : int, optional
        Pair-points (pairs x dates) per tile. Default: ``TILE_POINTS``, and at
        least ``MIN_TILES`` tiles.
    split_time : bool
        Whether tiles may cover only some dates.

    Returns
    -------
    list of (start, stop, b0, b1), dates first: the pair runs of the first run of blocks, then of the next.

    Examples
    --------
    >>> from fastcorr.distributed import tiles
    >>> tiles(6, 100, 50, tile=500)
    [(0, 2, 0, 1), (2, 5, 0, 1), (0, 2, 1, 2), (2, 5, 1, 2)]
    >>> tiles(6, 100, 50, n_pairs=5, tile=200)
    [(0, 2, 0, 2), (2, 4, 0, 2), (4, 5, 0, 2)]
    """
    explicit = n_pairs is not None
    total = n_pairs if explicit else n_assets * (n_assets - 1) // 2
    points = total * n_rows
    if tile is None:
        count = max(MIN_TILES, math.ceil(points / TILE_POINTS))
    elif isinstance(tile, bool) or not isinstance(tile, (int, np.integer)) or tile < 1:
        raise ValueError(f"tile must be a positive integer (pair-points per tile), got {tile!r}")
    else:
        count = max(1, math.ceil(points / int(tile)))
    nblocks = max(1, -(-n_rows // window))
    cuts_t = min(nblocks, count) if split_time and not explicit else 1
    bounds = [round(k * nblocks / cuts_t) for k in range(cuts_t + 1)]
    size = max(1, math.ceil(total / math.ceil(count / cuts_t)))
    if explicit:
        runs = [(p0, min(p0 + size, total)) for p0 in range(0, total, size)]
    else:
        runs, i0, acc = [], 0, 0
        for i in range(n_assets - 1):
            acc += n_assets - 1 - i
            if acc >= size:
                runs.append((i0, i + 1))
                i0, acc = i + 1, 0
        if i0 < n_assets - 1:
            runs.append((i0, n_assets - 1))
    return [(a, b, b0, b1) for b0, b1 in itertools.pairwise(bounds) for a, b in runs]


def _tile_pairs(n: int, span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(ia, ib)`` of the pairs of triangle rows ``span``, in sweep order."""
    rows = np.arange(*span, dtype=np.int64)
    counts = n - 1 - rows
    starts = np.cumsum(counts) - counts
    ia = np.repeat(rows, counts)
    ib = np.arange(counts.sum(), dtype=np.int64) - np.repeat(starts, counts) + ia + 1
    return ia, ib


# --- what travels to the workers ----------------------------------------------------------------


@dataclass(frozen=True)
class Universe:
    """A sweep's input as the kernels take it: ``values`` (N, T) float64, and its labels."""

    values: np.ndarray
    index: pd.Index
    columns: list[Any]


@dataclass(frozen=True)
class ParquetSource:
    """A wide Parquet file (one column per asset) that every worker reads itself.

    ``stamp`` (size, modification time) makes a worker read a changed file again.
    """

    path: str
    columns: tuple[str, ...]
    stamp: tuple[int, int]

    def load(self) -> Universe:
        """Read the file: the values as ``fastcorr.sweep`` would see ``pandas.read_parquet(path)``."""
        frame = pd.read_parquet(self.path, columns=list(self.columns))
        values, labels, columns = _universe(frame)
        return Universe(np.ascontiguousarray(values, dtype=np.float64), labels.index, columns)


@dataclass(frozen=True)
class Shared:
    """An in-memory input sent to the workers: keys starting with ``token`` carry it."""

    token: str


class InputMissing(RuntimeError):
    """A tile ran on a worker that holds no copy of the sweep's in-memory input (it joined or restarted
    after the broadcast); the client sends it one and runs the tile again."""

    def __init__(self, address: str, worker: str) -> None:
        super().__init__(address, worker)
        self.address = address
        self.worker = worker  # the worker's id: a restart at the same address is another worker


#: In-memory inputs this worker process keeps for running sweeps, by token.
_held: dict[str, Universe] = {}


_loaded: dict[ParquetSource, Universe] = {}
_loading = threading.Lock()


def _load(source: Shared | ParquetSource) -> Universe:
    """The universe on this worker: kept since it arrived, or read once per process (only the latest file)."""
    if isinstance(source, Shared):
        universe = _held.get(source.token)
        if universe is None:
            worker = _distributed().get_worker()
            raise InputMissing(worker.address, worker.id)
        return universe
    with _loading:
        if source not in _loaded:
            _loaded.clear()
            _loaded[source] = source.load()
        return _loaded[source]


@dataclass(frozen=True)
class Job:
    """Everything a tile needs besides its data and span."""

    window: int
    min_periods: int
    bins: int
    want_stats: bool
    at_rows: np.ndarray
    explicit: bool
    threads: int
    out: str | None
    float32: bool


@dataclass
class Part:
    """One tile's partial reducer state: integer sums at its dates ``[lo, hi)``, per-pair values in sweep order."""

    dates: np.ndarray
    acc_hi: np.ndarray
    acc_lo: np.ndarray
    cnt: np.ndarray
    hist: np.ndarray
    stats: np.ndarray
    at_buf: np.ndarray

    def save(self, path: Path, scratch: Path) -> None:
        """Write atomically: a temporary file in ``scratch``, then a rename."""
        tmp = scratch / f"{path.stem}.{uuid.uuid4().hex}.npz"
        with open(tmp, "wb") as f:
            np.savez(f, **vars(self))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Part:
        """Read a state written by ``save``."""
        with np.load(path) as z:
            return cls(**{name: z[name] for name in z.files})


def _part_name(number: int) -> str:
    return f"part-{number:05d}"


def run_tile(source: Shared | ParquetSource, job: Job, number: int, tile: Tile, pairs: Any) -> Part:
    """Compute tile ``number`` on this worker (the task of ``sweep``); with ``job.out``, write its partition."""
    universe = _load(source)
    n, t = universe.values.shape
    start, stop, b0, b1 = tile
    lo, hi = b0 * job.window, min(b1 * job.window, t)
    writer = None
    if job.out is not None:
        out = Path(job.out)
        ia, ib = pairs if job.explicit else _tile_pairs(n, (start, stop))
        names = np.asarray(universe.columns, dtype=object)
        tmp = out / TMP_DIR / f"{_part_name(number)}.{uuid.uuid4().hex}.parquet"
        writer = relabel.ParquetPairs(tmp, universe.index, (names[ia], names[ib]), job.float32)
    try:
        with _threads(job.threads):
            state = sweep_tile(
                universe.values, job.window, job.min_periods, rows=None if job.explicit else (start, stop),
                pairs=pairs if job.explicit else None, blocks=None if job.explicit else (b0, b1), bins=job.bins,
                want_stats=job.want_stats, at_rows=job.at_rows, sink=writer.write if writer is not None else None,
            )  # fmt: skip
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    part = Part(
        dates=np.array([lo, hi]),
        acc_hi=state.acc_hi[:, lo:hi].sum(axis=0),
        acc_lo=state.acc_lo[:, lo:hi].sum(axis=0),
        cnt=state.cnt[:, lo:hi].sum(axis=0),
        hist=state.hist[:, lo:hi].sum(axis=0, dtype=np.int64) if job.bins else np.zeros((0, 0), np.int64),
        stats=state.stats,
        at_buf=state.at_buf,
    )
    if writer is not None:
        # The state is written last: a tile counts as done once both exist.
        os.replace(writer.close(), out / f"{_part_name(number)}.parquet")
        part.save(out / STATE_DIR / f"{_part_name(number)}.npz", out / TMP_DIR)
    return part


# --- the client side --------------------------------------------------------------------------


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "fastcorr.distributed needs dask's distributed scheduler: pip install 'fastcorr[dask]'"
        ) from None
    return distributed


def _parquet_source(path: Path) -> tuple[ParquetSource, pd.Index, list[Any]]:
    """Describe a wide Parquet file from its schema and index alone (the workers read the values)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        raise FileNotFoundError(f"data: Parquet file not found: {path}")
    schema = pq.read_schema(path)
    meta = schema.pandas_metadata or {}
    index_names = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    columns = [name for name in schema.names if name not in index_names]
    for name in columns:
        kind = schema.field(name).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
            raise TypeError(f"data must hold numbers (bool, integer or float), got column {name!r} of type {kind}")
    validate.unique_columns(columns)
    index = pd.read_parquet(path, columns=[]).index
    stat = path.stat()
    return ParquetSource(str(path), tuple(columns), (stat.st_size, stat.st_mtime_ns)), index, columns


def _source(data: Any) -> tuple[Universe | ParquetSource, pd.Index, list[Any], bool, str]:
    """(what the workers get, index, columns, labelled by name, fingerprint of the data)."""
    if isinstance(data, (str, os.PathLike)):
        source, index, columns = _parquet_source(Path(data))
        return source, index, columns, True, f"parquet:{source.path}:{source.stamp}"
    values, labels = coerce.coerce(data, "data")
    if labels.ndim != 2:
        raise ValueError(f"data must be 2-D (a DataFrame or a 2-D array, one column per asset), got {labels.family}")
    columns = list(labels.columns) if labels.columns is not None else list(range(values.shape[0]))
    validate.unique_columns(columns)
    index = labels.index if labels.index is not None else pd.RangeIndex(values.shape[1])
    values = np.ascontiguousarray(values, dtype=np.float64)
    return Universe(values, index, columns), index, columns, labels.family == coerce.FRAME, ""


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(np.ascontiguousarray(a).view(np.uint8))
    return h.hexdigest()


def _prepare_out(out: Path, manifest: dict[str, Any], resume: bool) -> set[int]:
    """Create ``out`` (or check what it holds); return the tiles already done (``resume``)."""
    path = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a directory for a Parquet dataset, got the file {out}")
    if out.exists() and any(out.iterdir()) and not path.exists():
        raise ValueError(f"out: {out} is not empty and holds no fastcorr sweep ({MANIFEST} is missing)")
    done: set[int] = set()
    if path.exists():
        old = json.loads(path.read_text())
        if resume:
            differ = [key for key in manifest if old.get(key) != manifest[key]]
            if differ:
                key = differ[0]
                raise ValueError(
                    f"resume=True: {out} holds a different sweep ({key} {old.get(key)!r} there, "
                    f"{manifest[key]!r} here); resume it with the same arguments or use a new out"
                )
            for number in range(len(manifest["spans"])):
                name = _part_name(number)
                if (out / f"{name}.parquet").exists() and (out / STATE_DIR / f"{name}.npz").exists():
                    done.add(number)
        else:
            for stale in [*out.glob("part-*.parquet"), *(out / STATE_DIR).glob("part-*.npz"), path]:
                stale.unlink()
    # Leftovers of tiles that died while writing: no run is writing now.
    for stale in (out / TMP_DIR).glob("*") if (out / TMP_DIR).is_dir() else ():
        stale.unlink()
    for folder in (out, out / STATE_DIR, out / TMP_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    tmp = out / TMP_DIR / f"{MANIFEST}.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, path)
    return done


class _Fold:
    """Combines the tiles' parts in tile order, as they arrive (only out-of-order ones wait)."""

    def __init__(self, t: int, bins: int, at_rows: np.ndarray, npairs: int, want_stats: bool) -> None:
        self.acc = [np.zeros(t, np.int64) for _ in range(3)]
        self.hist = np.zeros((1, t, bins), np.int64) if bins else np.zeros((1, 1, 1), np.int32)
        # The initial values of dispatch.sweep_blocks: a pair no tile reaches keeps them.
        self.stats = np.array([[np.nan], [0.0], [np.inf], [-np.inf], [0.0]]).repeat(npairs * want_stats, axis=1)
        self.at_rows = at_rows
        self.at_buf = np.full((max(len(at_rows), 1), npairs if len(at_rows) else 0), np.nan)
        self.pending: dict[int, tuple[tuple[int, int], Part]] = {}
        self.next = 0

    def add(self, number: int, pairs: tuple[int, int], part: Part) -> None:
        """Part of tile ``number``, holding the sweep's pairs ``[p0, p1)``."""
        self.pending[number] = (pairs, part)
        while self.next in self.pending:
            (p0, p1), q = self.pending.pop(self.next)
            lo, hi = q.dates.tolist()
            for total, value in zip(self.acc, (q.acc_hi, q.acc_lo, q.cnt), strict=True):
                total[lo:hi] += value
            if q.hist.size:
                self.hist[0, lo:hi] += q.hist
            if self.stats.shape[1]:
                self.stats[:, p0:p1] = q.stats
            inside = np.flatnonzero((self.at_rows >= lo) & (self.at_rows < hi))
            if self.at_buf.shape[1]:
                self.at_buf[inside, p0:p1] = q.at_buf[inside]
            self.next += 1

    def state(self, repeat: np.ndarray | None) -> dispatch.SweepState:
        return dispatch.SweepState(
            acc_hi=self.acc[0][None], acc_lo=self.acc[1][None], cnt=self.acc[2][None], hist=self.hist,
            stats=self.stats, at_buf=self.at_buf[repeat] if repeat is not None else self.at_buf,
            matrices=np.empty((0, 0, 0)),
        )  # fmt: skip


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def sweep(
    data: Any,
    window: int,
    *,
    client: Any = None,
    pairs: Sequence[tuple[Any, Any]] | None = None,
    reducers: Iterable[str] = ("mean",),
    tile: int | None = None,
    out: str | os.PathLike | None = None,
    resume: bool = False,
    min_periods: int | None = None,
    at: Any = None,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    bins: int = 2000,
    k: int = 10,
    float32: bool = False,
    threads: int = 1,
    timeout: float | None = None,
) -> SweepResult:
    """:func:`fastcorr.sweep` on a Dask cluster: the same result, bit for bit.

    Parameters
    ----------
    data : DataFrame, 2-D ndarray, or path of a Parquet file
        One column per asset. A path must be readable by every worker (a
        shared file system or object store mount); each worker reads it once.
        In-memory data is sent to each worker once.
    window : int
        Rows per window.
    client : dask.distributed.Client, optional
        The cluster to run on. Default: a ``LocalCluster`` of one single-threaded
        worker process per core, started for this call and shut down after it.
    pairs, reducers, min_periods, at, quantiles, bins, k, float32
        As in :func:`fastcorr.sweep`.
    tile : int, optional
        Pair-points (pairs x dates) per tile (see :func:`tiles`); does not change the result.
    out : path, optional
        Directory of a Parquet dataset receiving every (date, a, b, corr), one
        file per tile (see the module notes). The workers write it: it must be
        on storage they share with the client.
    resume : bool
        With ``out``: keep the tiles a previous run of the same sweep completed
        and compute only the others.
    threads : int
        Numba threads per tile task (default 1: one task per Dask thread). A
        worker with several threads runs tiles side by side, which needs a
        thread-safe numba threading layer (``omp`` or ``tbb``, not ``workqueue``).
    timeout : float, optional
        Seconds to wait for the tiles before raising ``TimeoutError``.

    Returns
    -------
    SweepResult
        As :func:`fastcorr.sweep`; ``path`` is the ``out`` directory.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fastcorr, fastcorr.distributed
    >>> from dask.distributed import Client, LocalCluster
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.standard_normal((300, 6)).cumsum(axis=0), columns=list("abcdef"))
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as client:
    ...     res = fastcorr.distributed.sweep(df, 250, client=client, reducers=["mean", "pair_stats"], tile=4)
    >>> res.mean.equals(fastcorr.sweep(df, 250).mean), int(res.n_pairs.iloc[-1])
    (True, 15)
    """
    if isinstance(window, (str, timedelta, np.timedelta64, pd.offsets.BaseOffset)):
        raise TypeError(
            f"window={window!r}: distributed sweeps take a count window (rows); for a time window "
            "run fastcorr.sweep on one machine"
        )
    window = validate.window(window)
    min_periods = validate.min_periods(min_periods, window)
    wanted = validate.reducers(reducers, REDUCERS)
    validate.sweep_options(quantiles, bins, k)
    threads = _positive("threads", threads)
    if resume and out is None:
        raise ValueError("resume=True needs out, the directory of the dataset to resume")
    source, index, columns, by_label, fingerprint = _source(data)
    n, t = len(columns), len(index)
    if n < 2:
        raise ValueError(f"data must have at least two columns (assets) to sweep pairs, got {n}")
    if window > t:
        raise ValueError(f"window={window} is longer than the data ({t} rows)")
    if pairs is None:
        ia, ib = np.triu_indices(n, 1)
    else:
        ia, ib = validate.pairs(pairs, columns, by_label=by_label)
    explicit = pairs is not None
    want_stats = "pair_stats" in wanted
    spans = tiles(n, t, window, n_pairs=len(ia) if explicit else None, tile=tile, split_time=not want_stats)
    names = (np.asarray(columns, dtype=object)[ia], np.asarray(columns, dtype=object)[ib])
    rows = _at_rows(at, index if by_label else None, t, True) if "topk" in wanted else np.empty(0, np.int64)
    unique, repeat = np.unique(rows, return_inverse=True)
    job = Job(window, min_periods, bins if "quantiles" in wanted else 0, want_stats, unique, explicit,
              threads, None if out is None else str(Path(out).absolute()), bool(float32))  # fmt: skip
    done: set[int] = set()
    if out is not None:
        if isinstance(source, Universe):
            fingerprint = _digest(source.values, np.asarray(index), np.asarray(columns, dtype=str))
        manifest = {
            "format": FORMAT, "data": fingerprint, "shape": [n, t], "window": window, "min_periods": min_periods,
            "pairs": _digest(ia, ib) if explicit else None, "spans": [list(s) for s in spans], "bins": job.bins,
            "pair_stats": job.want_stats, "at_rows": unique.tolist(), "float32": job.float32,
        }  # fmt: skip
        done = _prepare_out(Path(job.out), manifest, resume)
    fold = _Fold(t, job.bins, unique, len(ia), want_stats)
    # The sweep's pairs [p0, p1) of each tile.
    ranges = [(a, b) if explicit else (tile_pairs(n, (0, a)), tile_pairs(n, (0, b))) for a, b, _, _ in spans]
    for number in sorted(done):
        fold.add(number, ranges[number], Part.load(Path(job.out) / STATE_DIR / f"{_part_name(number)}.npz"))
    todo = [number for number in range(len(spans)) if number not in done]
    if todo:
        _run(client, source, job, spans, (ia, ib) if explicit else None, todo, (fold, ranges), timeout)
    state = fold.state(repeat if not np.array_equal(unique, rows) else None)
    path = Path(job.out) if job.out is not None else None
    return _result(state, wanted, index, names, rows, list(quantiles), k, path)


def _run(
    client: Any,
    source: Universe | ParquetSource,
    job: Job,
    spans: list[Tile],
    pairs: tuple[np.ndarray, np.ndarray] | None,
    todo: list[int],
    into: tuple[_Fold, list[tuple[int, int]]],
    timeout: float | None,
) -> None:
    """Run the tiles ``todo`` on ``client`` (or on a LocalCluster started here) into ``fold``."""
    distributed = _distributed()
    if client is None:
        with (
            distributed.LocalCluster(
                n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as own,
        ):
            _run(own, source, job, spans, pairs, todo, into, timeout)
        return
    with _sent(client, source) as (handle, send):
        fold, ranges = into
        run = uuid.uuid4().hex[:12]
        futures = {}
        for number in todo:
            span = spans[number]
            chosen = (pairs[0][span[0] : span[1]], pairs[1][span[0] : span[1]]) if pairs is not None else None
            future = client.submit(run_tile, handle, job, number, span, chosen, key=f"fastcorr-tile-{run}-{number:05d}")
            futures[future] = number
        served: set[str] = set()
        try:
            pending = distributed.as_completed(list(futures), timeout=timeout)
            for future in pending:
                missing = future.exception() if future.status == "error" else None
                if isinstance(missing, InputMissing) and send is not None:
                    # Other tiles may have failed on that worker before its copy came: one send per worker.
                    if missing.worker not in served:
                        served.add(missing.worker)
                        try:
                            send(missing.address)
                        except (KeyError, OSError, TimeoutError):
                            pass  # the worker left meanwhile: the tile runs elsewhere
                    future.retry()
                    pending.add(future)
                    continue
                number = futures.pop(future)
                fold.add(number, ranges[number], future.result())
        except BaseException:
            client.cancel(list(futures))
            raise


@contextlib.contextmanager
def _sent(
    client: Any, source: Universe | ParquetSource
) -> Iterator[tuple[Shared | ParquetSource, Callable[[str], None] | None]]:
    """The tiles' handle on the input, and a function sending it to one more worker (None for a file).

    In-memory input is scattered to every worker (Dask's tree copy) and kept there by a ``Keeper`` plugin
    until the block ends.
    """
    if not isinstance(source, Universe):
        yield source, None
        return
    from fastcorr.worker_plugin import Keeper

    token = f"fastcorr-input-{uuid.uuid4().hex}"
    name = f"fastcorr-keeper-{token}"
    sent = itertools.count()

    def send(address: str | None = None) -> None:
        # Each worker keeps the value as it arrives, so the scattered keys are released at once;
        # a fresh key per send leaves the scheduler nothing to deduplicate.
        key = f"{token}-{next(sent)}"
        client.scatter({key: source}, workers=None if address is None else [address], broadcast=address is None)

    client.register_plugin(Keeper(token), name=name)
    try:
        send()
        yield Shared(token), send
    finally:
        client.unregister_worker_plugin(name)
