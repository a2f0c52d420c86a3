"""Time ``fastcorr.distributed.sweep`` on a Dask LocalCluster against the local ``fastcorr.sweep`` (issue #7, item 6).

    python benchmarks/compare_distributed.py [--quick] [--repeats N] [--tile-repeats N] [--bandwidth GBPS]

Three parts, on the deterministic input of ``benchmarks/bench_sweep.py`` (one-factor
daily returns, T = 2,520 dates, window 250, reducer ``"mean"``):

(a) ``LocalCluster(2 worker processes x 1 thread)`` against ``fastcorr.sweep(threads=2)``
    for N = 1,000 assets. Both sides are warmed first (the workers compile or load
    the kernels); the first distributed call is reported apart. Timed calls alternate,
    back to back; medians. Each distributed call includes sending the input to the
    workers. Target: Dask overhead under 25 %.
(b) Costs for a model: one tile on one thread (``fastcorr.sweep.sweep_tile``) for
    tiles of several row counts and positions, fitted as
    ``fixed + a * (N - i0) * T + b * pairs * T`` (the per-asset tables a tile builds
    for the assets after its first row, and its pairs); the scheduler's cost per
    task; the time to broadcast the input on this machine; the bytes a tile sends back.
(c) The model: a sweep of N = 20,000 (T = 2,520) on 8, 64 and 256 single-core
    workers, compute (greedy list schedule of the tiles' modelled costs, in tile
    order) against communication (a tree broadcast of the input at ``--bandwidth``
    per link, the tiles' results to the client, scheduler overhead).

``--quick`` runs N = 200 in (a) and fewer tiles in (b). Prints Markdown.
"""

from __future__ import annotations

import argparse
import heapq
import math
import sys
import time
from pathlib import Path

import numpy as np

try:
    from benchmarks import bench_sweep as bs
    from benchmarks import compare as base
except ImportError:  # run as a script: python benchmarks/compare_distributed.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import bench_sweep as bs
    from benchmarks import compare as base

BIG_N = 20_000
WORKERS = (8, 64, 256)


# --- (a) LocalCluster against the local threads -------------------------------------------------


def _overhead(client: object, size: str, repeats: int) -> dict[str, float]:
    import fastcorr
    import fastcorr.distributed as fd

    case = bs.headline("mean", size)
    df = bs.frame(case)
    bs.warm(df, case.window)
    t0 = time.perf_counter()
    first = fd.sweep(df, case.window, client=client)
    first_s = time.perf_counter() - t0
    local = fastcorr.sweep(df, case.window, threads=2)
    same = np.array_equal(first.mean.to_numpy().view(np.int64), local.mean.to_numpy().view(np.int64))
    calls = {
        "fastcorr.sweep(threads=2)": lambda: fastcorr.sweep(df, case.window, threads=2),
        "fastcorr.distributed.sweep (2 workers x 1 thread)": lambda: fd.sweep(df, case.window, client=client),
    }
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            t0 = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(s)) for name, s in seconds.items()}
    local_s, dask_s = med.values()
    spans = fd.tiles(case.n, case.t, case.window)
    print(
        f'## (a) `sweep(df, {case.window})` ("mean"), N = {case.n:,}, T = {case.t:,}: LocalCluster(2 processes x 1 '
        f"thread) vs local threads=2 (median of {repeats}, alternating, JIT warm; {len(spans)} tiles)\n"
    )
    base._header("implementation", "median s", "min s", "max s", "ratio")
    for name, s in seconds.items():
        print(f"| {name} | {med[name]:.3f} | {min(s):.3f} | {max(s):.3f} | {med[name] / local_s:.2f} |")
    print()
    print(f"- first distributed call (workers compile or load the kernels, excluded above): {first_s:.2f} s")
    print(f"- distributed mean bitwise equal to the local one: {same}")
    overhead = dask_s / local_s - 1.0
    # Each distributed call runs right after a local one: on a shared machine their ratio drifts less than either.
    local_runs, dask_runs = (np.array(s) for s in seconds.values())
    paired = float(np.median(dask_runs / local_runs)) - 1.0
    print(f"- median of the per-repeat ratios (distributed call / the local call just before it): {paired:+.1%}")
    if case.n == 1_000:
        print(f"- Dask overhead: {overhead:+.1%}; target under 25 %: {'met' if overhead < 0.25 else 'NOT met'}")
    else:
        print(f"- Dask overhead: {overhead:+.1%} (the target is set for N = 1,000)")
    print()
    sys.stdout.flush()
    return {"local": local_s, "dask": dask_s, "paired": paired}


# --- (b) per-tile and per-task costs ---------------------------------------------------------------


def _tile_costs(quick: bool, repeats: int) -> dict[str, float]:
    """Fit one tile's single-thread time to fixed + a * (N - i0) * T + b * pairs * T."""
    import numba

    from fastcorr.sweep import sweep_tile, tile_pairs

    n = 400 if quick else 1_000
    case = bs.SweepCase("tiles", "mean", n, 2_520, 250, "full")
    x = bs.returns(case.n, case.t)
    spans = [(i0, i0 + r) for i0 in (0, n // 2, n - n // 8) for r in ((1, 4, 16) if quick else (1, 4, 16, 64))]
    spans = [(i0, min(i1, n - 1)) for i0, i1 in spans]
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        sweep_tile(x, case.window, case.window, rows=spans[0])  # compile or load
        rows, times = [], []
        for span in spans:
            ts = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                sweep_tile(x, case.window, case.window, rows=span)
                ts.append(time.perf_counter() - t0)
            times.append(float(np.median(ts)))
            rows.append([1.0, (n - span[0]) * case.t, tile_pairs(n, span) * case.t])
    finally:
        numba.set_num_threads(before)
    design = np.array(rows)
    coef, *_ = np.linalg.lstsq(design, np.array(times), rcond=None)
    if coef[0] < 0:  # noise made the fixed cost negative: fit the two proportional costs alone
        coef = np.concatenate([[0.0], np.linalg.lstsq(design[:, 1:], np.array(times), rcond=None)[0]])
    fit = design @ coef
    print(f"## (b) one tile on one thread: N = {n:,}, T = {case.t:,}, window {case.window} (median of {repeats})\n")
    base._header("rows [i0, i1)", "pairs", "measured ms", "model ms")
    for span, t, f in zip(spans, times, fit, strict=True):
        print(f"| [{span[0]}, {span[1]}) | {tile_pairs(n, span):,} | {t * 1e3:.2f} | {f * 1e3:.2f} |")
    print()
    fixed, a, b = (float(c) for c in coef)
    print(f"- fit: fixed {fixed * 1e3:.2f} ms + tables {a * 1e9:.2f} ns per asset-row + pairs {b * 1e9:.2f} ns per "
          f"pair-point; worst relative misfit {float(np.max(np.abs(fit - times) / times)):.1%}\n")  # fmt: skip
    sys.stdout.flush()
    return {"fixed": fixed, "a": a, "b": b}


def _noop(i: int) -> int:
    return i


def _comm_costs(client: object, quick: bool) -> dict[str, float]:
    """Scheduler seconds per task, and the broadcast of the N = 1,000 input on this machine."""
    import fastcorr.distributed as fd

    tasks = 200 if quick else 1_000
    client.gather(client.map(_noop, range(50), pure=False))  # warm the connections
    t0 = time.perf_counter()
    client.gather(client.map(_noop, range(tasks), pure=False))
    per_task = (time.perf_counter() - t0) / tasks
    case = bs.headline("mean", "full")
    values = bs.returns(case.n, case.t)
    universe = fd.Universe(values, bs.frame(case).index, [f"c{i:04d}" for i in range(case.n)])
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        future = client.scatter(universe, broadcast=True, hash=False)
        times.append(time.perf_counter() - t0)
        del future
    bcast = float(np.median(times))
    part_bytes = 3 * 8 * case.t
    print("## (b) communication on this machine (loopback, 2 workers)\n")
    base._header("measure", "value")
    print(f"| scheduler round trip per no-op task ({tasks:,} tasks, 2 workers) | {per_task * 1e3:.2f} ms |")
    print(f"| broadcast of the N = {case.n:,} input ({values.nbytes / 1e6:.0f} MB) to 2 workers | {bcast:.3f} s |")
    print(f'| bytes a "mean" tile sends back (3 int64 per date) | {part_bytes / 1e3:.0f} kB |')
    print()
    sys.stdout.flush()
    return {"per_task": per_task, "part_bytes": float(part_bytes)}


# --- (c) the model ------------------------------------------------------------------------------------


def _makespan(costs: list[float], workers: int) -> float:
    """Greedy list schedule in tile order: each tile goes to the first worker free."""
    free = [0.0] * workers
    for cost in costs:
        heapq.heapreplace(free, free[0] + cost)
    return max(free)


def _model(cost: dict[str, float], comm: dict[str, float], bandwidth: float) -> None:
    import fastcorr.distributed as fd
    from fastcorr.sweep import tile_pairs

    n, t = BIG_N, 2_520
    input_bytes = n * t * 8
    pair_points = n * (n - 1) // 2 * t
    print(
        f'## (c) model: N = {n:,}, T = {t:,}, window 250, "mean" ({pair_points / 1e12:.2f} T pair-points, input '
        f"{input_bytes / 1e6:.0f} MB), single-core workers, {bandwidth:g} GB/s per link\n"
    )
    base._header("tiling", "workers", "tiles", "compute s", "ideal s", "input s", "results s", "tasks s", "total s",
                 "speed-up", "efficiency")  # fmt: skip
    # The local sweep on one core builds each block's tables once.
    one_core = cost["fixed"] + (cost["a"] * n + cost["b"] * (n * (n - 1) // 2)) * t
    w = 250
    for label, tile in (("default", None), ("4x finer", fd.TILE_POINTS // 4), ("pair_stats", None)):
        spans = fd.tiles(n, t, w, tile=tile, split_time=label != "pair_stats")
        dates = [min(b1 * w, t) - b0 * w for _, _, b0, b1 in spans]
        costs = [
            cost["fixed"] + (cost["a"] * (n - i0) + cost["b"] * tile_pairs(n, (i0, i1))) * d
            for (i0, i1, _, _), d in zip(spans, dates, strict=True)
        ]
        serial = sum(costs)
        for workers in WORKERS:
            compute = _makespan(costs, workers)
            # Dask replicates with branching factor 2: each holder sends two copies per round.
            rounds = math.ceil(math.log(workers, 3)) if workers > 1 else 0
            input_s = rounds * 2 * input_bytes / (bandwidth * 1e9)
            results_s = len(spans) * comm["part_bytes"] / (bandwidth * 1e9)
            # The scheduler handles one task at a time, alongside the workers' compute.
            tasks_s = len(spans) * comm["per_task"]
            total = input_s + max(compute + len(spans) / workers * comm["per_task"], tasks_s) + results_s
            print(
                f"| {label} | {workers} | {len(spans):,} | {compute:.1f} | {serial / workers:.1f} | {input_s:.2f} | "
                f"{results_s:.3f} | {tasks_s:.2f} | {total:.1f} | {one_core / total:.0f}x | "
                f"{one_core / total / workers:.0%} |"
            )
    print()
    print(f"- speed-up against the local sweep on one core, {one_core:.0f} s (tables built once per block); compute "
          "is the modelled tile costs of (b) on free cores (no memory-bandwidth contention within a host)")  # fmt: skip
    print("- total = input + max(compute + tiles per worker x scheduler time per task, all tasks through the "
          "scheduler) + results")  # fmt: skip
    print("- input: Dask's tree broadcast (`scatter(broadcast=True)`); reading a shared Parquet file costs "
          "about one input per worker from the storage instead")  # fmt: skip
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per implementation in (a) (default 5)")
    parser.add_argument("--tile-repeats", type=int, default=5, help="timed calls per tile in (b) (default 5)")
    parser.add_argument("--bandwidth", type=float, default=1.25, help="GB/s per link in (c) (default 1.25, 10 GbE)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.tile_repeats < 1 or args.bandwidth <= 0:
        parser.error("--repeats and --tile-repeats must be at least 1, --bandwidth positive")
    wall_start, own_start, jiffies = time.perf_counter(), base._own_cpu_seconds(), base._cpu_jiffies()
    import numba
    from dask.distributed import Client, LocalCluster

    import fastcorr

    fastcorr.rolling_corr(np.arange(8.0), np.arange(8.0), 4)  # starts numba's thread pool, so its layer can be named
    size = "quick" if args.quick else "full"
    print(f"# fastcorr {fastcorr.__version__}: Dask distributed sweeps vs local threads ({size})\n")
    base._print_machine(f"numba {numba.get_num_threads()} (threading layer {numba.threading_layer()}) locally; "
                        "1 per Dask worker task")  # fmt: skip
    cost = _tile_costs(args.quick, args.tile_repeats)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        _overhead(client, size, args.repeats)
        comm = _comm_costs(client, args.quick)
    _model(cost, comm, args.bandwidth)
    base._print_load(jiffies, own_start, wall_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
