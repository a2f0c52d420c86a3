"""Dask distributed sweeps (issue #7): ``fastcorr.distributed.sweep`` and the tile entry ``fastcorr.sweep.sweep_tile``.

Oracle: ``fastcorr.sweep`` on the same input (tested against naive oracles and
pandas in ``test_sweep.py``), compared bit for bit: the mean and count, the
quantiles, ``pair_stats``, ``topk`` and the Parquet stream. Without a cluster:
tiles of the pair triangle add up to the whole sweep for any tiling (hypothesis,
data from ``strategies.values``: offsets, NaN, inf, constant stretches). With
a ``LocalCluster`` of 2 single-threaded worker processes: every input kind,
the input reaching each worker once, a worker killed mid-sweep, the Parquet
dataset and ``resume``, a cluster started and shut down by the call, and
numba's on-disk cache filled by several worker processes at once. Bad input:
each error message.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest
from checks import bits_equal
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED, values

import fastcorr
from fastcorr.bindings import dispatch, plan
from fastcorr.sweep import sweep_tile, tile_pairs

distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402  (installed with distributed)

import fastcorr.distributed as fd  # noqa: E402

# The workers cannot import this test module: ship its functions and plugins by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

ALL_REDUCERS = ["mean", "quantiles", "pair_stats", "topk"]
N = 9 if JIT_DISABLED else 14
T = 130 if JIT_DISABLED else 260
W = 40
TIMEOUT = 300  # seconds a sweep may wait for its tiles (JIT compile on fresh workers included)
TILE_PREFIX = "fastcorr-tile-"


# --- data and comparisons ----------------------------------------------------------------------


def _frame(seed: int, n: int = N, t: int = T, offset: float = 1e8) -> pd.DataFrame:
    """Prices at ``offset`` (unit noise), NaN in odd assets, a listing gap, a stale stretch, inf; business days."""
    rng = np.random.default_rng(seed)
    x = offset + np.cumsum(rng.standard_normal((t, n)), axis=0)
    holes = rng.random((t, n)) < 0.01
    holes[:, ::2] = False  # even assets stay complete: their pairs take the fast all-pairs path
    x[holes] = np.nan
    x[: t // 3, 1] = np.nan  # listed late
    x[t // 2 : t // 2 + W, 2] = x[t // 2, 2]  # stale quote: a constant window
    x[:, 3] = np.where(rng.random(t) < 0.02, np.inf, x[:, 3])
    return pd.DataFrame(x, index=pd.bdate_range("2021-01-04", periods=t), columns=[f"s{i:02d}" for i in range(n)])


def _outputs(res: fastcorr.SweepResult) -> dict[str, np.ndarray]:
    """Every reducer's numbers and labels, as arrays to compare bit for bit."""
    out = {"mean": res.mean.to_numpy(), "n_pairs": res.n_pairs.to_numpy()}
    if res.quantiles is not None:
        out["quantiles"] = res.quantiles.to_numpy()
    if res.pair_stats is not None:
        out["pair_stats"] = res.pair_stats.to_numpy()
        out["pair_names"] = np.array([f"{a}|{b}" for a, b in res.pair_stats.index], dtype=str)
    if res.topk is not None:
        out["topk"] = res.topk["corr"].to_numpy()
        out["topk_names"] = res.topk[["at", "side", "rank", "a", "b"]].astype(str).to_numpy().astype(str)
    return out


def _assert_same(got: fastcorr.SweepResult, want: fastcorr.SweepResult, what: str = "") -> None:
    a, b = _outputs(got), _outputs(want)
    assert a.keys() == b.keys(), what
    for name in b:
        assert bits_equal(a[name], b[name]), f"{what}: {name} differs from fastcorr.sweep"
    assert got.mean.index.equals(want.mean.index), f"{what}: row labels differ"


def _stream(path: Path) -> pd.DataFrame:
    """A Parquet file or dataset of (date, a, b, corr) rows, in a canonical order."""
    frame = ds.dataset(path, format="parquet").to_table().to_pandas()
    frame = frame.astype({"a": str, "b": str})
    return frame.sort_values(["date", "a", "b"], kind="stable").reset_index(drop=True)


def _assert_same_stream(dataset: Path, file: Path) -> None:
    got, want = _stream(dataset), _stream(file)
    assert len(got) == len(want) and not got.duplicated(["date", "a", "b"]).any(), "one row per (date, pair)"
    assert got[["date", "a", "b"]].equals(want[["date", "a", "b"]])
    assert bits_equal(got["corr"].to_numpy(), want["corr"].to_numpy())


# --- tiles without a cluster -------------------------------------------------------------------


@given(
    n=st.integers(2, 40),
    t=st.integers(1, 600),
    window=st.integers(1, 600),
    tile=st.one_of(st.none(), st.integers(1, 50_000)),
    split_time=st.booleans(),
)
def test_tiles_cover_every_pair_and_date_once(n: int, t: int, window: int, tile: int | None, split_time: bool) -> None:
    """The grid covers each (pair, block of dates) exactly once with whole triangle rows and whole blocks;
    without ``split_time`` every tile spans all dates; a smaller ``tile`` never gives fewer tiles."""
    spans = fd.tiles(n, t, window, tile=tile, split_time=split_time)
    nblocks = -(-t // window)
    seen = np.zeros((n * (n - 1) // 2, nblocks), dtype=np.int64)
    for i0, i1, b0, b1 in spans:
        assert 0 <= i0 < i1 <= n - 1 and 0 <= b0 < b1 <= nblocks
        seen[tile_pairs(n, (0, i0)) : tile_pairs(n, (0, i1)), b0:b1] += 1
    assert (seen == 1).all()
    if not split_time:
        assert all((b0, b1) == (0, nblocks) for *_, b0, b1 in spans)
    if tile is not None and tile > 1:
        assert len(fd.tiles(n, t, window, tile=tile // 2, split_time=split_time)) >= len(spans)


@given(n_pairs=st.integers(0, 500), tile=st.one_of(st.none(), st.integers(1, 5_000)))
def test_tiles_of_explicit_pairs(n_pairs: int, tile: int | None) -> None:
    """Explicit pairs: consecutive runs covering the list once, each over every date, at most MIN_TILES by default."""
    spans = fd.tiles(5, 250, 50, n_pairs=n_pairs, tile=tile)
    assert [p for a, b, *_ in spans for p in range(a, b)] == list(range(n_pairs))
    assert all((b0, b1) == (0, 5) for *_, b0, b1 in spans)
    if tile is None:
        assert len(spans) <= fd.MIN_TILES


def test_default_tiles_cut_dates_before_pairs() -> None:
    """The benchmark's N = 1,000: at least MIN_TILES tiles, each block's tables built at most twice; the
    model's N = 20,000 has enough tiles for 256 workers; pair statistics still get MIN_TILES tiles."""
    n, t, w = 1_000, 2_520, 250
    spans = fd.tiles(n, t, w)
    assert len(spans) >= fd.MIN_TILES
    assert max(sum(1 for s in spans if s[2] <= b < s[3]) for b in range(-(-t // w))) <= 2
    assert len(fd.tiles(20_000, t, w)) >= 256
    assert len(fd.tiles(n, t, w, split_time=False)) >= fd.MIN_TILES


@st.composite
def tile_problems(draw: st.DrawFn) -> tuple[np.ndarray, int, int, list[int], list[int], np.ndarray]:
    """(values (N, T), window, min_periods, row cuts, block cuts, at rows): columns from ``strategies.values``."""
    n = draw(st.integers(2, 7))
    t = draw(st.integers(1, 120 if JIT_DISABLED else 200))
    window = draw(st.integers(1, t))
    min_periods = draw(st.integers(0, window))
    x = np.stack([draw(values(t)) for _ in range(n)])
    inner = draw(st.lists(st.integers(1, n - 2))) if n > 2 else []
    rows = sorted({0, n - 1, *inner})
    nblocks = -(-t // window)
    blocks = sorted({0, nblocks, *draw(st.lists(st.integers(0, nblocks)))})
    at = np.array(sorted(set(draw(st.lists(st.integers(0, t - 1), max_size=3)))), dtype=np.int64)
    return x, window, min_periods, rows, blocks, at


@given(tile_problems())
def test_tiles_add_up_to_the_whole_sweep(
    problem: tuple[np.ndarray, int, int, list[int], list[int], np.ndarray],
) -> None:
    """Any grid of row and block cuts: per-date integer accumulators add up, the cross-sections at ``at`` rows
    and (for tiles over every date) the pair statistics concatenate, bit for bit."""
    x, window, min_periods, rows, blocks, at = problem
    n, t = x.shape
    whole = dispatch.sweep_blocks(x, window, min_periods, None, bins=40, want_stats=True, at_rows=at)
    sums = {
        name: np.zeros_like(getattr(whole, name).sum(axis=0, dtype=np.int64))
        for name in ("acc_hi", "acc_lo", "cnt", "hist")
    }
    at_buf = np.full_like(whole.at_buf, -7.0)
    for (i0, i1), (b0, b1) in itertools.product(itertools.pairwise(rows), itertools.pairwise(blocks)):
        part = sweep_tile(x, window, min_periods, rows=(i0, i1), blocks=(b0, b1), bins=40, at_rows=at)
        lo, hi = b0 * window, min(b1 * window, t)
        for name, total in sums.items():
            per_date = getattr(part, name).sum(axis=0, dtype=np.int64)
            assert not per_date[:lo].any() and not per_date[hi:].any(), f"{name} outside the tile's dates"
            total += per_date
        inside = (at >= lo) & (at < hi)
        at_buf[inside, tile_pairs(n, (0, i0)) : tile_pairs(n, (0, i1))] = part.at_buf[inside]
    for name, total in sums.items():
        assert bits_equal(total, getattr(whole, name).sum(axis=0, dtype=np.int64)), name
    assert bits_equal(at_buf, whole.at_buf)
    parts = [sweep_tile(x, window, min_periods, rows=r, want_stats=True) for r in itertools.pairwise(rows)]
    assert bits_equal(np.concatenate([p.stats for p in parts], axis=1), whole.stats)


def test_tile_options_that_need_every_date() -> None:
    """Pair statistics and explicit pairs accumulate in date order: a tile of some dates is refused."""
    x = np.ascontiguousarray(_frame(0).to_numpy().T)
    with pytest.raises(ValueError, match="pair statistics accumulate over every date"):
        sweep_tile(x, W, W, rows=(0, 2), blocks=(0, 1), want_stats=True)
    with pytest.raises(ValueError, match="an explicit-pairs tile covers every date: blocks must be None"):
        sweep_tile(x, W, W, pairs=(np.array([0]), np.array([1])), blocks=(0, 1))


def test_tile_stream_and_threads(monkeypatch: pytest.MonkeyPatch, restore_threads: None) -> None:
    """Each tile's sink gets its pairs (numbered from the tile's first) in small stripes; the tiles' values
    make up the whole sweep's stream; 1 or all numba threads give the same bits."""
    x = np.ascontiguousarray(_frame(1).to_numpy().T)
    n, t = x.shape
    monkeypatch.setattr(plan, "STRIPE_VALUES", 3 * W)
    spans = fd.tiles(n, t, W, tile=2 * n * W)
    assert len({s[2:] for s in spans}) > 1 and len({s[:2] for s in spans}) > 1, "dates and rows both cut"
    no_rows = np.empty(0, np.int64)

    def into(stream: np.ndarray, base: int, calls: list[int]) -> Any:
        def write(lo: int, hi: int, p0: int, p1: int, v: np.ndarray) -> None:
            calls.append(p1 - p0)
            stream[lo:hi, base + p0 : base + p1] = v

        return write

    whole = np.full((t, n * (n - 1) // 2), -7.0)
    dispatch.sweep_blocks(x, W, W // 2, None, bins=0, want_stats=False, at_rows=no_rows, sink=into(whole, 0, []))
    first = None
    for threads in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        numba.set_num_threads(threads)
        stream, calls = np.full_like(whole, -7.0), []
        states = [
            sweep_tile(x, W, W // 2, rows=s[:2], blocks=s[2:], sink=into(stream, tile_pairs(n, (0, s[0])), calls))
            for s in spans
        ]
        assert len(calls) > 2 * len(spans), "several stripes per tile"
        assert bits_equal(stream, whole), f"tile streams differ from the sweep's with {threads} threads"
        counts = sum(s.cnt.sum(axis=0) for s in states)
        first = counts if first is None else first
        assert bits_equal(counts, first), "counts depend on the thread count"


def test_importing_fastcorr_does_not_import_dask() -> None:
    """Neither ``import fastcorr`` nor ``import fastcorr.distributed`` imports dask (an optional extra)."""
    code = "import sys, fastcorr, fastcorr.distributed; print(sorted(m for m in sys.modules if m.startswith('dask')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# --- a cluster ---------------------------------------------------------------------------------


def _cluster(workers: int = 2, **kw: Any) -> Any:
    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", **kw
    )


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """2 single-threaded worker processes, shared by the tests that do not kill or restart workers."""
    with _cluster() as cluster, distributed.Client(cluster, timeout=60) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


class Recorder(distributed.WorkerPlugin):
    """Logs each worker's task transitions to ``log`` (a shared directory); with ``kill_at``, the first worker
    to start its ``kill_at``-th tile kills its own process (once, claimed by creating ``marker``)."""

    def __init__(self, log: str, kill_at: int = 0) -> None:
        self.log = log
        self.kill_at = kill_at
        self.started = 0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        key = str(key)
        with open(os.path.join(self.log, f"{os.getpid()}.log"), "a") as f:
            f.write(f"{key} {start} {finish}\n")
        if finish == "executing" and key.startswith(TILE_PREFIX):
            self.started += 1
            if self.kill_at and self.started == self.kill_at:
                try:
                    with open(os.path.join(self.log, "killed"), "x") as f:
                        f.write(key)
                except FileExistsError:
                    return
                os.kill(os.getpid(), signal.SIGKILL)


def _events(log: Path) -> list[tuple[str, str, str]]:
    """Every worker's transitions (``log`` a directory) or one worker's (``log`` its file)."""
    files = sorted(log.glob("*.log")) if log.is_dir() else [log]
    return [tuple(line.split()) for p in files for line in p.read_text().splitlines()]


def test_all_reducers_equal_local_sweep_for_any_tiling(client: Any) -> None:
    """DataFrame input, every reducer, repeated ``at`` rows: bitwise the result of fastcorr.sweep for tilings
    from one pair per tile to a single tile."""
    frame = _frame(2)
    at = [frame.index[-1], frame.index[W], frame.index[-1]]
    want = fastcorr.sweep(frame, W, reducers=ALL_REDUCERS, at=at, k=4, bins=300)
    assert np.isfinite(want.mean.iloc[W:]).all() and (want.pair_stats["count"] > 0).mean() > 0.9
    for tile in (1, 500, None, 10**9):
        got = fd.sweep(frame, W, client=client, reducers=ALL_REDUCERS, at=at, k=4, bins=300, tile=tile, timeout=TIMEOUT)
        _assert_same(got, want, f"tile={tile}")


def test_explicit_pairs_min_periods_and_ndarray_input(client: Any) -> None:
    """Explicit pairs (labels, repeats, reversed), min_periods, and an ndarray (positions) as fastcorr.sweep."""
    frame = _frame(3)
    pairs = [("s00", "s01"), ("s05", "s02"), ("s03", "s04"), ("s00", "s01"), ("s07", "s06")]
    kw = {"reducers": ALL_REDUCERS, "min_periods": W // 3, "k": 2}
    want = fastcorr.sweep(frame, W, pairs=pairs, **kw)
    _assert_same(fd.sweep(frame, W, client=client, pairs=pairs, tile=2, timeout=TIMEOUT, **kw), want, "pairs")
    x = frame.to_numpy()
    positions = [(0, 1), (5, 2), (3, 4)]
    want = fastcorr.sweep(x, W, pairs=positions, **kw)
    _assert_same(fd.sweep(x, W, client=client, pairs=positions, timeout=TIMEOUT, **kw), want, "ndarray pairs")
    want = fastcorr.sweep(x, W, **kw)
    _assert_same(fd.sweep(x, W, client=client, tile=5, timeout=TIMEOUT, **kw), want, "ndarray")


def _install_read_counter() -> None:
    """On a worker: count reads of Parquet sources in ``fd.reads``."""
    import fastcorr.distributed as mod

    mod.reads = 0
    original = mod.ParquetSource.load

    def counted(self: Any) -> Any:
        mod.reads += 1
        return original(self)

    mod.ParquetSource.load = counted
    mod._loaded.clear()


def _read_count() -> int:
    import fastcorr.distributed as mod

    return mod.reads


def test_parquet_path_is_read_once_per_worker(client: Any, tmp_path: Path) -> None:
    """A Parquet path: each worker reads the file once for all its tiles; same result as fastcorr.sweep of
    ``pandas.read_parquet(path)``; a rewritten file is read again."""
    path = tmp_path / "wide.parquet"
    _frame(4).to_parquet(path)
    want = fastcorr.sweep(pd.read_parquet(path), W, reducers=ALL_REDUCERS)
    client.run(_install_read_counter)
    spans = fd.tiles(N, T, W, tile=3, split_time=False)
    got = fd.sweep(path, W, client=client, reducers=ALL_REDUCERS, tile=3, timeout=TIMEOUT)
    _assert_same(got, want, "parquet")
    reads = client.run(_read_count)
    assert len(spans) > 2 * len(reads) and all(r <= 1 for r in reads.values()) and sum(reads.values()) >= 1, reads
    _frame(5).to_parquet(path)
    got = fd.sweep(str(path), W, client=client, reducers=ALL_REDUCERS, tile=3, timeout=TIMEOUT)
    _assert_same(got, fastcorr.sweep(pd.read_parquet(path), W, reducers=ALL_REDUCERS), "rewritten parquet")
    assert sum(client.run(_read_count).values()) > sum(reads.values())


def _held_inputs() -> int:
    return len(fd._held)


def _arrivals(events: list[tuple[str, str, str]]) -> list[str]:
    return [key for key, _, finish in events if key.startswith("fastcorr-input-") and finish == "memory"]


def test_in_memory_input_is_sent_to_each_worker_once(client: Any, tmp_path: Path) -> None:
    """The input reaches each worker's memory once, before the tiles run: no tile fetches it, and Dask's
    active memory manager (on, as by default) dropping its replicas changes nothing. Workers let it go after."""
    assert client.amm.running()
    log = tmp_path / "log"
    log.mkdir()
    client.register_plugin(Recorder(str(log)), name="recorder")
    try:
        got = fd.sweep(_frame(6), W, client=client, tile=3, timeout=TIMEOUT)
    finally:
        client.unregister_worker_plugin("recorder")
    _assert_same(got, fastcorr.sweep(_frame(6), W), "in memory")
    ran = {key for key, _, finish in _events(log) if key.startswith(TILE_PREFIX) and finish == "executing"}
    assert len(ran) == len(fd.tiles(N, T, W, tile=3)), "every tile ran"
    arrivals = [_arrivals(_events(worker)) for worker in log.glob("*.log")]
    assert len(arrivals) == 2 and all(len(keys) == 1 for keys in arrivals), f"input arrivals by worker: {arrivals}"
    fetched = [key for key, _, finish in _events(log) if finish == "flight"]
    assert not fetched, f"inputs fetched between workers: {fetched}"
    assert set(client.run(_held_inputs).values()) == {0}, "a worker still holds the input"


class Forgetter(distributed.WorkerPlugin):
    """The first worker to start a tile forgets the inputs it holds, as a worker that restarted would."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish == "executing" and str(key).startswith(TILE_PREFIX):
            try:
                open(self.marker, "x").close()
            except FileExistsError:
                return
            fd._held.clear()


def test_worker_without_the_input_gets_it_from_the_client(client: Any, tmp_path: Path) -> None:
    """A tile on a worker holding no copy raises InputMissing there; the client sends that worker the input
    and the tile runs again: the result is unchanged, and that worker received the input twice."""
    frame = _frame(8)
    log = tmp_path / "log"
    log.mkdir()
    client.register_plugin(Recorder(str(log)), name="recorder")
    client.register_plugin(Forgetter(str(tmp_path / "forgot")), name="forgetter")
    try:
        got = fd.sweep(frame, W, client=client, reducers=ALL_REDUCERS, tile=3, timeout=TIMEOUT)
    finally:
        client.unregister_worker_plugin("forgetter")
        client.unregister_worker_plugin("recorder")
    _assert_same(got, fastcorr.sweep(frame, W, reducers=ALL_REDUCERS), "after a resend")
    assert (tmp_path / "forgot").exists()
    arrivals = sorted(len(_arrivals(_events(worker))) for worker in log.glob("*.log"))
    assert arrivals == [1, 2], arrivals
    assert set(client.run(_held_inputs).values()) == {0}


def test_worker_killed_mid_sweep_gives_the_complete_identical_result(tmp_path: Path) -> None:
    """One of 2 worker processes is killed (SIGKILL) as it starts its second tile; Dask runs its tiles again and
    the result and the Parquet dataset equal fastcorr.sweep's, bit for bit."""
    frame = _frame(7)
    want = fastcorr.sweep(frame, W, reducers=ALL_REDUCERS, out=tmp_path / "want.parquet")
    log = tmp_path / "log"
    log.mkdir()
    with _cluster() as cluster, distributed.Client(cluster, timeout=60) as c:
        c.wait_for_workers(2, timeout=60)
        pids = set(c.run(os.getpid).values())
        c.register_plugin(Recorder(str(log), kill_at=2), name="recorder")
        got = fd.sweep(frame, W, client=c, reducers=ALL_REDUCERS, tile=4, out=tmp_path / "ds", timeout=TIMEOUT)
        assert (log / "killed").exists(), "no worker was killed"
        killed_key = (log / "killed").read_text()
        starts = [key for key, _, finish in _events(log) if finish == "executing" and key == killed_key]
        assert len(starts) == 2, f"the killed tile ran {len(starts)} times"
        assert pids - set(c.run(os.getpid).values()), "the killed worker process is gone"
    _assert_same(got, want, "after a worker was killed")
    _assert_same_stream(tmp_path / "ds", tmp_path / "want.parquet")


def test_dataset_has_one_atomic_file_per_tile_and_resume_fills_the_gaps(client: Any, tmp_path: Path) -> None:
    """``out``: one file per tile plus its state; after a simulated crash (a file, a state and a half-written
    temporary missing or left over), ``resume=True`` recomputes only the missing tiles and the dataset and
    result equal fastcorr.sweep's."""
    frame = _frame(8)
    want = fastcorr.sweep(frame, W, reducers=ALL_REDUCERS, out=tmp_path / "want.parquet")
    out = tmp_path / "ds"
    spans = fd.tiles(N, T, W, tile=5, split_time=False)
    _assert_same(fd.sweep(frame, W, client=client, reducers=ALL_REDUCERS, tile=5, out=out, timeout=TIMEOUT), want)
    files = sorted(out.glob("part-*.parquet"))
    assert [f.stem for f in files] == [f"part-{i:05d}" for i in range(len(spans))]
    assert len(list((out / "_state").glob("part-*.npz"))) == len(spans) and not list((out / ".tmp").iterdir())
    _assert_same_stream(out, tmp_path / "want.parquet")

    files[1].unlink()  # crashed before the rename
    (out / "_state" / "part-00002.npz").unlink()  # crashed between the rename and the state
    (out / ".tmp" / "part-00003.dead.parquet.partial").write_bytes(b"PAR1 half a file")
    kept = {f.name: f.stat().st_mtime_ns for f in files if f.name not in ("part-00001.parquet", "part-00002.parquet")}
    got = fd.sweep(frame, W, client=client, reducers=ALL_REDUCERS, tile=5, out=out, resume=True, timeout=TIMEOUT)
    _assert_same(got, want, "resumed")
    assert {f.name: f.stat().st_mtime_ns for f in out.glob("part-*.parquet") if f.name in kept} == kept
    assert len(list(out.glob("part-*.parquet"))) == len(spans) and not list((out / ".tmp").iterdir())
    _assert_same_stream(out, tmp_path / "want.parquet")
    assert got.path == out


def test_rerun_without_resume_replaces_the_dataset(client: Any, tmp_path: Path) -> None:
    """A new sweep into the same ``out`` (another tiling, other data) leaves only its own files."""
    out = tmp_path / "ds"
    fd.sweep(_frame(9), W, client=client, tile=2, out=out, timeout=TIMEOUT)
    frame = _frame(10)
    fd.sweep(frame, W, client=client, tile=40, out=out, timeout=TIMEOUT)
    fastcorr.sweep(frame, W, out=tmp_path / "want.parquet")
    _assert_same_stream(out, tmp_path / "want.parquet")
    assert len(list(out.glob("part-*.parquet"))) == len(fd.tiles(N, T, W, tile=40))
    assert json.loads((out / fd.MANIFEST).read_text())["spans"] == [list(s) for s in fd.tiles(N, T, W, tile=40)]


def test_resume_refuses_a_different_sweep(client: Any, tmp_path: Path) -> None:
    """resume=True on a dataset of another window, tiling or input names what differs."""
    frame = _frame(11)
    out = tmp_path / "ds"
    fd.sweep(frame, W, client=client, tile=5, out=out, timeout=TIMEOUT)
    with pytest.raises(
        ValueError, match=rf"resume=True: .* holds a different sweep \(window {W} there, {W + 1} here\)"
    ):
        fd.sweep(frame, W + 1, client=client, tile=5, out=out, resume=True)
    with pytest.raises(ValueError, match=r"different sweep \(spans "):
        fd.sweep(frame, W, client=client, tile=10**9, out=out, resume=True)
    with pytest.raises(ValueError, match=r"different sweep \(data "):
        fd.sweep(frame * 2.0, W, client=client, tile=5, out=out, resume=True)


def test_default_client_starts_and_stops_a_local_cluster() -> None:
    """client=None: a LocalCluster of worker processes runs the sweep and is shut down afterwards."""
    frame = _frame(12, n=6)
    before = set(multiprocessing.active_children())
    got = fd.sweep(frame, W, reducers=["mean", "pair_stats"], timeout=TIMEOUT)
    _assert_same(got, fastcorr.sweep(frame, W, reducers=["mean", "pair_stats"]), "client=None")
    assert set(multiprocessing.active_children()) <= before, "worker processes left running"


# --- numba's on-disk cache under several worker processes ------------------------------------------


def _kernel_stats() -> dict[str, list[int]]:
    """On a worker: (cache hits, cache misses, compiled signatures) of the all-pairs sweep kernels."""
    from fastcorr.kernels import pairs

    kernels = {"sweep_block": pairs.sweep_block, "asset_tables": pairs.asset_tables, "dense_assets": pairs.dense_assets}
    return {
        name: [sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()), len(k.signatures)]
        for name, k in kernels.items()
    }


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled or cached with NUMBA_DISABLE_JIT=1")
def test_numba_cache_filled_by_several_workers_at_once(tmp_path: Path) -> None:
    """Worker processes compile the parallel sweep kernels into one fresh NUMBA_CACHE_DIR at once: each
    compiles (or loads) each kernel once for all its tiles and the result is right; fresh workers then load
    every kernel from that cache (hits, no misses) and give the same result."""
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    frame = _frame(13)
    want = fastcorr.sweep(frame, W, reducers=["mean", "pair_stats"])
    for round_, workers in enumerate((2, 2)):
        with _cluster(workers, env={"NUMBA_CACHE_DIR": str(cache)}) as cluster, distributed.Client(cluster) as c:
            c.wait_for_workers(workers, timeout=60)
            got = fd.sweep(frame, W, client=c, reducers=["mean", "pair_stats"], tile=2, timeout=TIMEOUT)
            stats = c.run(_kernel_stats)
        _assert_same(got, want, f"cache round {round_}")
        assert len(stats) == workers
        for worker, kernels in stats.items():
            for name, (hits, misses, signatures) in kernels.items():
                assert signatures == 1 and hits + misses == 1, f"{worker} {name}: compiled more than once {kernels}"
                if round_ == 1:
                    assert hits == 1 and misses == 0, f"{worker} {name} not loaded from the cache: {kernels}"
        assert list(cache.rglob("pairs.sweep_block-*.nbi")), sorted(p.name for p in cache.rglob("*"))


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"tile": 0}, ValueError, "tile must be a positive integer (pair-points per tile), got 0"),
        ({"tile": 2.5}, ValueError, "tile must be a positive integer (pair-points per tile), got 2.5"),
        ({"threads": 0}, ValueError, "threads must be a positive integer, got 0"),
        ({"threads": True}, ValueError, "threads must be a positive integer, got True"),
        ({"resume": True}, ValueError, "resume=True needs out, the directory of the dataset to resume"),
        ({"window": 0}, ValueError, "window must be a positive integer, got 0"),
        ({"window": T + 1}, ValueError, f"window={T + 1} is longer than the data ({T} rows)"),
        ({"reducers": ["median"]}, ValueError, "reducers must be among"),
        ({"pairs": [("s00", "zz")]}, KeyError, "pairs: 'zz' is not a column of frame"),
        ({"bins": 0}, ValueError, "bins must be a positive integer, got 0"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], exc: type[Exception], message: str) -> None:
    """Each bad argument is refused on the client, before any cluster is started."""
    kwargs = {"window": W, **kwargs}
    with pytest.raises(exc, match=re.escape(message)):
        fd.sweep(_frame(14), client=object(), **kwargs)


def test_bad_data(tmp_path: Path) -> None:
    """A missing Parquet file, a non-numeric column, one asset, an unsupported object, ``out`` in use."""
    with pytest.raises(FileNotFoundError, match=re.escape(f"data: Parquet file not found: {tmp_path / 'no.parquet'}")):
        fd.sweep(tmp_path / "no.parquet", W, client=object())
    text = _frame(15).assign(name="x")
    text.to_parquet(tmp_path / "text.parquet")
    with pytest.raises(TypeError, match=r"data must hold numbers .* got column 'name' of type (large_)?string"):
        fd.sweep(tmp_path / "text.parquet", W, client=object())
    with pytest.raises(ValueError, match=r"data must have at least two columns .* got 1"):
        fd.sweep(_frame(16).iloc[:, :1], W, client=object())
    with pytest.raises(TypeError, match="data must be a pandas Series or DataFrame"):
        fd.sweep({"a": [1.0]}, W, client=object())
    (tmp_path / "file").write_text("x")
    with pytest.raises(
        ValueError, match=re.escape(f"out must be a directory for a Parquet dataset, got the file {tmp_path / 'file'}")
    ):
        fd.sweep(_frame(17), W, client=object(), out=tmp_path / "file")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mine.csv").write_text("x")
    with pytest.raises(
        ValueError, match=re.escape(f"out: {tmp_path / 'other'} is not empty and holds no fastcorr sweep")
    ):
        fd.sweep(_frame(17), W, client=object(), out=tmp_path / "other")


def test_time_window_is_refused_with_a_pointer() -> None:
    """Distributed sweeps tile by blocks of rows: a time window is refused, naming the single-machine sweep."""
    frame = pd.DataFrame(np.ones((20, 3)), index=pd.date_range("2020-01-01", periods=20))
    with pytest.raises(TypeError, match=r"window='30D': distributed sweeps take a count window .* fastcorr.sweep"):
        fastcorr.distributed.sweep(frame, "30D")
