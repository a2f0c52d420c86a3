"""Time fastcorr against pandas on time windows ("90D", "5min" over a DatetimeIndex), in one process.

    python benchmarks/compare_time_windows.py [--quick] [--repeats N] [--only SUBSTRING] [--no-first-call]

The cases are those of ``benchmarks/bench_time_windows.py``: daily rows with a
"90D" window and irregular intraday ticks (bursts, duplicate timestamps) with a
"5min" window, as a pair of Series or a DataFrame against a Series. Each
library gets one untimed warm-up call (JIT compile, pandas' lazy work), then
``--repeats`` timed calls back to back, one library after the other; medians
are reported with the max difference from pandas. Compilation is measured
apart, in fresh interpreters: with an empty numba cache (cold) and with the
cache that run filled (warm). Prints Markdown, with the machine's load.
``NUMBA_NUM_THREADS`` sets fastcorr's threads.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

try:
    from benchmarks import bench_time_windows as btw
    from benchmarks import compare as base
except ImportError:  # run as a script: python benchmarks/compare_time_windows.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import bench_time_windows as btw
    from benchmarks import compare as base

_PROBE = """
import json, time
import numpy as np, pandas as pd
t0 = time.perf_counter()
import fastcorr
t1 = time.perf_counter()
index = pd.bdate_range("2024-01-01", periods=1_000)  # weekend gaps: the time-window kernel
rng = np.random.default_rng(0)
x = pd.Series(rng.standard_normal(1_000), index=index)
y = pd.Series(rng.standard_normal(1_000), index=index)
t2 = time.perf_counter()
fastcorr.rolling_corr(x, y, "90D")
t3 = time.perf_counter()
fastcorr.rolling_corr(x, y, "90D")
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t3 - t2, "second": t4 - t3}))
"""


def _entries(case: btw.TimeCase) -> list[base.Entry]:
    import fastcorr

    xs, ys = btw.pandas_inputs(case)
    w = case.window
    frame = case.data.kind == "frame"

    def to_numpy(r: Any) -> np.ndarray:
        return r.to_numpy(dtype=np.float64).T if frame else r.to_numpy(dtype=np.float64)

    return [
        base.Entry("fastcorr", lambda: fastcorr.rolling_corr(xs, ys, w), to_numpy),
        base.Entry("pandas", lambda: xs.rolling(w).corr(ys), to_numpy),
    ]


def _measure(case: btw.TimeCase, repeats: int) -> list[base.Entry]:
    """Warm up both, take pandas' result as the reference, then time each back to back."""
    entries = _entries(case)
    results = {e.library: e.to_numpy(e.call()) for e in entries}
    for e in entries:
        e.delta = base._max_delta(results[e.library], results["pandas"])
    del results
    for e in entries:
        for _ in range(repeats):
            t0 = time.perf_counter()
            result = e.call()
            e.seconds.append(time.perf_counter() - t0)
            del result
    return entries


def _print_throughput(cases: list[btw.TimeCase], repeats: int) -> None:
    print(f"## rolling corr over a time window (median of {repeats} calls, JIT warmed)\n")
    base._header("case", "library", "median s", "M points/s", "pandas time / this", "max abs diff vs pandas")
    for case in cases:
        entries = _measure(case, repeats)
        med = {e.library: float(np.median(e.seconds)) for e in entries}
        for e in entries:
            s = med[e.library]
            points = case.data.n * case.data.ncols
            print(
                f"| {case.name} | {e.library} | {s:.4g} | {points / s / 1e6:,.1f} | {med['pandas'] / s:.1f} "
                f"| {base._fmt_delta(e.delta)} |"
            )
        sys.stdout.flush()
    print()


def _probe(cache_dir: str) -> dict[str, float]:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    proc = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _print_first_call(cold_reps: int, warm_reps: int) -> None:
    print("## Time to first result (fresh interpreter, 1,000 business days, window 90D; medians)\n")
    cold, warm = [], []
    for _ in range(cold_reps):
        cache = tempfile.mkdtemp(prefix="fastcorr-time-cold-")
        try:
            cold.append(_probe(cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    cache = tempfile.mkdtemp(prefix="fastcorr-time-warm-")
    try:
        _probe(cache)
        warm = [_probe(cache) for _ in range(warm_reps)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    def med(runs: list[dict[str, float]], key: str) -> str:
        return f"{float(np.median([r[key] for r in runs])):.3f}"

    base._header("import fastcorr s", "first call, cold cache s", "first call, warm cache s", "second call s")
    print(f"| {med(warm, 'import')} | {med(cold, 'first')} | {med(warm, 'first')} | {med(warm, 'second')} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small cases only (seconds, for a smoke run)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per library and case (default 7)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--no-first-call", action="store_true", help="skip the compile-time probes")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    wall_start, own_start, jiffies = time.perf_counter(), base._own_cpu_seconds(), base._cpu_jiffies()
    import numba

    import fastcorr

    tiny = np.arange(8.0)
    fastcorr.rolling_corr(tiny, tiny, 4)  # starts numba's thread pool, so its layer can be named
    print(f"# fastcorr {fastcorr.__version__} vs pandas: rolling corr over time windows\n")
    threads = f"numba {numba.get_num_threads()} (threading layer {numba.threading_layer()})"
    base._print_machine(threads + "; pandas is single-threaded")
    cases = [c for c in btw.select("quick" if args.quick else "full") if args.only in c.name]
    _print_throughput(cases, args.repeats)
    if not args.no_first_call:
        _print_first_call(cold_reps=1 if args.quick else 3, warm_reps=3 if args.quick else 5)
    base._print_load(jiffies, own_start, wall_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
