"""Time fastcorr's metrics against the idiomatic pandas expressions (issue #4, item 6), in one process.

    python benchmarks/compare_metrics.py [--quick] [--repeats N] [--threads N] [--only SUBSTRING] [--no-compile]

Both sides get the same DataFrames (``benchmarks/bench_metrics.py``). Each gets
one untimed warm-up call (for fastcorr that compiles or loads the kernels),
then ``--repeats`` timed calls taken round-robin, back to back (this VM makes
fresh memory slower after an idle gap), and the median is reported. JIT
compilation is measured apart, in fresh interpreters: with an empty numba
cache (cold) and with the cache the cold run filled (warm). Each pair of
results is compared (max abs difference, NaN pattern). Prints Markdown.

The pandas expressions:

* pipeline: ``r = prices.resample("ME").last().pct_change()`` then
  ``((1 + r.mean()) ** 12 - 1) / (r.std() * sqrt(12))``
* sharpe: the same formula on monthly returns
* turnover: ``value.resample("ME").sum(min_count=1) / size.resample("ME").last()``
* composite: ``r = levels.pct_change()``, weights of the previous row where
  ``r`` exists, ``(w * r).sum(1) / w.sum(1)``, ``100 * (1 + R).cumprod()``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

try:
    from benchmarks import bench_metrics as bm
except ImportError:  # run as a script: python benchmarks/compare_metrics.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import bench_metrics as bm

TARGETS = {"pipeline": "10x pandas", "sharpe": "3x pandas", "turnover": "< 1 s", "composite": "< 1 s"}

# Fresh interpreter: import, first call (compiles or loads), second call, on a small case.
_PROBE = """
import json, time
import numpy, pandas, numba
t0 = time.perf_counter()
import fastcorr.metrics
t1 = time.perf_counter()
from benchmarks import bench_metrics as bm
case = bm.MetricCase("probe", {kind!r}, {rows}, {cols}, "quick")
data = bm.inputs(case)
t1b = time.perf_counter()
bm.fastcorr_call(case, data)
t2 = time.perf_counter()
bm.fastcorr_call(case, data)
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t2 - t1b, "second": t3 - t2}}))
"""


def _to_numpy(result: Any) -> np.ndarray:
    return np.asarray(result.to_numpy() if hasattr(result, "to_numpy") else result, dtype=np.float64)


def _max_diff(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape:
        return f"shapes differ {a.shape} {b.shape}"
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return f"NaN pattern differs at {int(np.count_nonzero(fa != fb))} values"
    both = fa & fb
    return f"{float(np.max(np.abs(a[both] - b[both]))):.1e}" if both.any() else "0"


def _machine(threads: int) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    import numba
    import pandas as pd

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print("## Machine\n")
    print(f"- CPU: {cpu}; {os.cpu_count()} logical CPUs; numba threads: {threads}")
    versions = f"numpy {np.__version__}, pandas {pd.__version__}, numba {numba.__version__}"
    print(f"- Python {platform.python_version()}, {versions}")
    print(f"- load average at start (1, 5, 15 min): {load}\n")


def _throughput(cases: list[bm.MetricCase], repeats: int) -> None:
    print(f"## Steady state (median of {repeats} calls, kernels warm; ratio = pandas / fastcorr)\n")
    print("| case | target | fastcorr s | pandas s | ratio | max abs diff |")
    print("|---|---|---:|---:|---:|---|")
    for case in cases:
        data = bm.inputs(case)
        fast = bm.fastcorr_call(case, data)  # warm-up: compile or load the kernels
        slow = bm.pandas_call(case, data)
        diff = _max_diff(_to_numpy(fast), _to_numpy(slow))
        del fast, slow
        times: dict[str, list[float]] = {"fastcorr": [], "pandas": []}
        for _ in range(repeats):
            for side, call in (("fastcorr", bm.fastcorr_call), ("pandas", bm.pandas_call)):
                t0 = time.perf_counter()
                result = call(case, data)
                times[side].append(time.perf_counter() - t0)
                del result
        f = float(np.median(times["fastcorr"]))
        p = float(np.median(times["pandas"]))
        print(f"| {case.name} | {TARGETS[case.kind]} | {f:.4f} | {p:.4f} | {p / f:.1f}x | {diff} |")
        sys.stdout.flush()
        del data
    print()


def _probe(kind: str, cache_dir: str) -> dict[str, float]:
    code = _PROBE.format(kind=kind, rows=504 if kind != "sharpe" else 240, cols=50)
    root = str(Path(__file__).resolve().parents[1])
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": cache_dir,
        "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False, cwd=root)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _compile_times() -> None:
    print("## JIT compile, measured apart (fresh interpreter, small input, serial kernels)\n")
    print(
        "Cold: empty NUMBA_CACHE_DIR; warm: the cache the cold run filled. "
        "`import` is `fastcorr.metrics` after numpy, pandas and numba.\n"
    )
    print("| computation | import s | first call, cold cache s | first call, warm cache s | second call s |")
    print("|---|---:|---:|---:|---:|")
    for kind in ("pipeline", "sharpe", "turnover", "composite"):
        cache = tempfile.mkdtemp(prefix="fastcorr-compare-metrics-")
        try:
            cold = _probe(kind, cache)
            warm = _probe(kind, cache)
        except RuntimeError as exc:
            print(f"| {kind} | failed: {exc} | | | |")
            continue
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        print(f"| {kind} | {warm['import']:.3f} | {cold['first']:.3f} | {warm['first']:.4f} | {warm['second']:.4f} |")
        sys.stdout.flush()
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small cases only (a smoke run)")
    parser.add_argument("--repeats", type=int, default=9, help="timed calls per side and case (default 9)")
    parser.add_argument("--threads", type=int, default=None, help="numba threads (default: all)")
    parser.add_argument("--no-compile", action="store_true", help="skip the fresh-interpreter compile timings")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args(argv)
    import numba

    if args.threads:
        numba.set_num_threads(args.threads)
    _machine(numba.get_num_threads())
    cases = bm.select(size="quick" if args.quick else "full")
    if not args.quick:
        cases = [c for c in cases if c.tier == "full"]
    cases = [c for c in cases if args.only in c.name]
    start = time.perf_counter()
    _throughput(cases, args.repeats)
    if not args.no_compile:
        _compile_times()
    print(
        f"Finished in {time.perf_counter() - start:.0f} s; load average at end: "
        + (", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
