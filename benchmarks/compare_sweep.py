"""Time fastcorr's universe sweeps against a plain prange loop, numbagg and pandas (issue #3, item 6).

    python benchmarks/compare_sweep.py [--quick] [--repeats N] [--slow-repeats N] [--threads N] [--no-compile]

Three measurements, on the deterministic inputs of ``benchmarks/bench_sweep.py``
(one-factor daily returns, T = 2,520 dates, window 250):

(a) the ``"mean"`` sweep of N = 1,000 assets (499,500 pairs, 1.26 billion
    pair-points) against the *plain prange loop*, written here: numba
    ``@njit(parallel=True)``, ``prange`` over all pairs, each pair's rolling
    correlation by the textbook O(T) add/remove loop over raw sums, per-date
    sums and counts accumulated in per-thread arrays, summed at the end.
    Targets: under 1.5 s on 2 cores, 3x the plain loop.
(b) correlation matrices at every date for N = 200: ``fastcorr.rolling_corr_matrix``
    (pandas layout, and ``as_array=True``) against ``numbagg.move_corrmatrix``
    (a ``(T, N, N)`` array) and pandas ``df.rolling(250).corr(pairwise=True)``.
    Targets: 5x numbagg, 30x pandas. Max abs difference against fastcorr.
(c) the ``"mean"`` sweep of N = 3,000 (4.5 million pairs; T x P would be 90 GB)
    in a fresh interpreter: time and peak RSS (``VmHWM``: the ``ru_maxrss`` of
    this process alone) before and after.
    Target: peak RSS under 2 GB.

Every implementation gets one untimed warm-up call (JIT compile, lazy imports)
on the full input, then timed calls taken round-robin, back to back (this VM
makes fresh memory slower after an idle gap); the median is reported. JIT
compilation is measured apart, in fresh interpreters with an empty numba cache
(cold) and with the cache that run filled (warm). ``--quick`` runs the small
tier (N = 200, 50, 300). A peer that is not installed is skipped with a
message. Prints Markdown.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

try:
    from benchmarks import bench_sweep as bs
    from benchmarks import compare as base
except ImportError:  # run as a script: python benchmarks/compare_sweep.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import bench_sweep as bs
    from benchmarks import compare as base

ROOT = Path(__file__).resolve().parents[1]
PLAIN = "plain prange loop"


@dataclass
class Entry:
    """One implementation on one case: how to call it, how to read its result, its timings."""

    name: str
    call: Callable[[], Any]
    to_numpy: Callable[[Any], np.ndarray]
    repeats: int
    seconds: list[float] = field(default_factory=list)
    diff: str = ""


# --- the plain prange loop ------------------------------------------------------------------


def plain_prange_kernel() -> Callable[..., None]:
    """The baseline kernel, compiled on first call (built here so that ``--threads`` is set before numba loads).

    ``x`` (N, T); pair ``p`` is ``(ia[p], ib[p])``. Each pair keeps raw sums
    ``sum x, sum y, sum x^2, sum y^2, sum xy`` of its window, adding the new row
    and removing the one that left (O(T) per pair); each correlation is added
    to ``sums[thread, t]`` and counted in ``counts[thread, t]``.
    """
    import numba
    from numba import njit, prange

    @njit(parallel=True, nogil=True)
    def plain_prange_mean(x, window, ia, ib, sums, counts):  # pragma: no cover - compiled
        t = x.shape[1]
        w = float(window)
        for p in prange(ia.shape[0]):
            tid = numba.get_thread_id()
            xi = x[ia[p]]
            yj = x[ib[p]]
            sx = sy = sxx = syy = sxy = 0.0
            for k in range(t):
                a = xi[k]
                b = yj[k]
                sx += a
                sy += b
                sxx += a * a
                syy += b * b
                sxy += a * b
                if k >= window:
                    a0 = xi[k - window]
                    b0 = yj[k - window]
                    sx -= a0
                    sy -= b0
                    sxx -= a0 * a0
                    syy -= b0 * b0
                    sxy -= a0 * b0
                if k >= window - 1:
                    vx = sxx - sx * sx / w
                    vy = syy - sy * sy / w
                    if vx > 0.0 and vy > 0.0:
                        sums[tid, k] += (sxy - sx * sy / w) / np.sqrt(vx * vy)
                        counts[tid, k] += 1

    return plain_prange_mean


def plain_prange_mean(kernel: Callable[..., None], x: np.ndarray, window: int) -> np.ndarray:
    """Cross-sectional mean correlation per date over all pairs of the rows of ``x`` (N, T), by ``kernel``."""
    import numba

    n, t = x.shape
    ia, ib = np.triu_indices(n, 1)
    threads = numba.config.NUMBA_NUM_THREADS
    sums = np.zeros((threads, t))
    counts = np.zeros((threads, t), dtype=np.int64)
    kernel(x, window, ia, ib, sums, counts)
    total = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, sums.sum(axis=0) / total, np.nan)


# --- helpers ----------------------------------------------------------------------------------


def _max_diff(a: np.ndarray, b: np.ndarray) -> str:
    """Max |a - b| where both are finite, or where the NaN patterns differ."""
    if a.shape != b.shape:
        return f"shapes differ {a.shape} {b.shape}"
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        both = fa & fb
        worst = f", max abs diff {float(np.max(np.abs(a[both] - b[both]))):.1e} elsewhere" if both.any() else ""
        return f"NaN pattern differs at {int(np.count_nonzero(fa != fb)):,} values{worst}"
    both = fa & fb
    return f"{float(np.max(np.abs(a[both] - b[both]))):.1e}" if both.any() else "0"


def _measure(entries: list[Entry], reference: str) -> list[Entry]:
    """Warm up each entry (compared with ``reference``'s result), then time round-robin, back to back."""
    ref: np.ndarray | None = None
    usable = []
    for e in entries:
        try:
            result = e.call()
        except Exception as exc:  # a peer that cannot do this case is reported, not fatal
            print(f"> {e.name} failed: {type(exc).__name__}: {exc} (skipped)\n")
            continue
        values = e.to_numpy(result)
        del result
        if e.name == reference:
            ref = values
            e.diff = "(reference)"
        elif ref is not None:
            e.diff = _max_diff(values, ref)
        del values
        usable.append(e)
    del ref
    for r in range(max(e.repeats for e in usable)):
        for e in usable:
            if r < e.repeats:
                t0 = time.perf_counter()
                result = e.call()
                e.seconds.append(time.perf_counter() - t0)
                del result
    return usable


def _header(*columns: str) -> None:
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" if c in ("case", "implementation") else "---:" for c in columns) + "|")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


# --- (a) mean sweep against the plain prange loop ---------------------------------------------


def _sweep_mean(size: str, repeats: int) -> None:
    import fastcorr

    case = bs.headline("mean", size)
    df = bs.frame(case)
    x = np.ascontiguousarray(df.to_numpy().T)  # (N, T): the frame's own block, no copy
    kernel = plain_prange_kernel()
    tiny = bs.returns(4, 2 * case.window)
    t0 = time.perf_counter()
    plain_prange_mean(kernel, tiny, case.window)
    compile_s = time.perf_counter() - t0
    print(
        f'## (a) `sweep(df, {case.window})` ("mean") vs the plain prange loop: N = {case.n:,}, T = {case.t:,}, '
        f"{case.pairs:,} pairs, {case.pair_points / 1e9:.2f} billion pair-points "
        f"(median of {repeats} calls, JIT warmed)\n"
    )
    entries = [
        Entry("fastcorr.sweep", lambda: fastcorr.sweep(df, case.window), lambda r: r.mean.to_numpy(), repeats),
        Entry(PLAIN, lambda: plain_prange_mean(kernel, x, case.window), lambda r: r, repeats),
    ]
    entries = _measure(entries, "fastcorr.sweep")
    med = {e.name: float(np.median(e.seconds)) for e in entries}
    fast = med["fastcorr.sweep"]
    _header("implementation", "median s", "min s", "G pair-points/s", "ratio (time / fastcorr)", "max abs diff of mean")
    for e in entries:
        s = med[e.name]
        print(
            f"| {e.name} | {s:.3f} | {min(e.seconds):.3f} | {case.pair_points / s / 1e9:.2f} | {s / fast:.2f} "
            f"| {e.diff} |"
        )
    print()
    print(f"- plain prange loop: JIT compile of its first call (tiny input) {compile_s:.2f} s, excluded above")
    if case.n == 1_000:
        ratio = med.get(PLAIN, math.nan) / fast
        print(f"- target under 1.5 s: {fast:.3f} s, {_met(fast < 1.5)}")
        print(f"- target 3x the plain prange loop: {ratio:.2f}x, {_met(ratio >= 3.0)}")
    print()
    sys.stdout.flush()


# --- (b) matrices at every date -----------------------------------------------------------------


def _matrices(size: str, repeats: int, slow_repeats: int) -> None:
    import fastcorr

    case = bs.headline("matrix", size)
    df = bs.frame(case)
    a = df.to_numpy()  # (T, N), observations as rows (numbagg's convention)
    w, t, n = case.window, case.t, case.n
    print(
        f"## (b) correlation matrices at every date: N = {n}, T = {t:,}, window {w} "
        f"(result {t * n * n * 8 / 1e9:.2f} GB; median of {repeats} calls, pandas {slow_repeats}, JIT warmed)\n"
    )
    entries = [
        Entry(
            "fastcorr.rolling_corr_matrix",
            lambda: fastcorr.rolling_corr_matrix(df, w),
            lambda r: r.to_numpy().reshape(t, n, n),
            repeats,
        ),
        Entry(
            "fastcorr.rolling_corr_matrix(as_array=True)",
            lambda: fastcorr.rolling_corr_matrix(df, w, as_array=True),
            lambda r: r,
            repeats,
        ),
    ]
    try:
        numbagg = importlib.import_module("numbagg")
    except ImportError as exc:
        print(f"> numbagg is not installed ({exc}): skipped.\n")
    else:
        entries.append(Entry("numbagg.move_corrmatrix", lambda: numbagg.move_corrmatrix(a, w), lambda r: r, repeats))
    entries.append(
        Entry(
            "pandas rolling(w).corr(pairwise=True)",
            lambda: df.rolling(w).corr(pairwise=True),
            lambda r: r.to_numpy().reshape(t, n, n),
            slow_repeats,
        )
    )
    entries = _measure(entries, "fastcorr.rolling_corr_matrix")
    med = {e.name: float(np.median(e.seconds)) for e in entries}
    fast = med["fastcorr.rolling_corr_matrix"]
    _header("implementation", "median s", "min s", "M values/s", "ratio (time / fastcorr)", "max abs diff vs fastcorr")
    for e in entries:
        s = med[e.name]
        print(f"| {e.name} | {s:.3f} | {min(e.seconds):.3f} | {t * n * n / s / 1e6:,.0f} | {s / fast:.2f} | {e.diff} |")
    print()
    if n == 200:
        for name, target in (("numbagg.move_corrmatrix", 5.0), ("pandas rolling(w).corr(pairwise=True)", 30.0)):
            if name in med:
                print(f"- target {target:.0f}x {name}: {med[name] / fast:.2f}x, {_met(med[name] / fast >= target)}")
    print()
    sys.stdout.flush()


# --- (c) peak memory of a big mean sweep, in a fresh interpreter ---------------------------------

_BIG = """
import json, resource, sys, time
sys.path.insert(0, {root!r})

def rss():
    # Peak resident set of this process, in bytes. VmHWM belongs to this process's own address space;
    # ru_maxrss would also count the parent's resident set at the fork that started us (Linux keeps the
    # larger of the two across exec), so it is only the fallback where /proc is missing.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

import fastcorr
from benchmarks import bench_sweep as bs
case = bs.SweepCase("big", "peakmem", {n}, {t}, {w}, "full")
after_import = rss()
df = bs.frame(case)
after_data = rss()
bs.warm(df.iloc[:, :40], case.window)  # compile or load the kernels on a slice
after_warm = rss()
seconds = []
for _ in range({repeats}):
    t0 = time.perf_counter()
    res = fastcorr.sweep(df, case.window)
    seconds.append(time.perf_counter() - t0)
    del res
print(json.dumps(dict(after_import=after_import, after_data=after_data, after_warm=after_warm, peak=rss(),
                      seconds=seconds, input_bytes=df.to_numpy().nbytes)))
"""


def _big_sweep(size: str, repeats: int) -> None:
    case = bs.headline("peakmem", size)
    code = _BIG.format(root=str(ROOT), n=case.n, t=case.t, w=case.window, repeats=repeats)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    print(
        f'## (c) `sweep(df, {case.window})` ("mean") of N = {case.n:,}, T = {case.t:,} in a fresh interpreter: '
        f"{case.pairs:,} pairs, {case.pair_points / 1e9:.1f} billion pair-points (T x P in float64 would be "
        f"{case.pair_points * 8 / 1e9:,.0f} GB)\n"
    )
    if proc.returncode != 0:
        print(f"> failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}\n")
        return
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    mb = 1e6
    _header("measure", "value")
    print(f"| input (float64, N x T) | {r['input_bytes'] / mb:,.0f} MB |")
    print(f"| peak RSS after imports | {r['after_import'] / mb:,.0f} MB |")
    print(f"| peak RSS after building the input | {r['after_data'] / mb:,.0f} MB |")
    print(f"| peak RSS after the JIT warm-up | {r['after_warm'] / mb:,.0f} MB |")
    print(f"| **peak RSS after the sweep(s)** | **{r['peak'] / mb:,.0f} MB** |")
    print(f"| growth from the sweep | {(r['peak'] - r['after_warm']) / mb:,.0f} MB |")
    print(f"| sweep time, median of {len(r['seconds'])} | {float(np.median(r['seconds'])):.2f} s |")
    print(f"| throughput | {case.pair_points / float(np.median(r['seconds'])) / 1e9:.2f} G pair-points/s |")
    print()
    if case.n == 3_000:
        print(f"- target peak RSS under 2 GB: {r['peak'] / 1e9:.2f} GB, {_met(r['peak'] < 2e9)}\n")
    sys.stdout.flush()


# --- JIT compile, in fresh interpreters -----------------------------------------------------------

_PROBE = """
import json, sys, time
sys.path.insert(0, {root!r})
import numpy as np, pandas as pd
a = np.random.default_rng(0).standard_normal((600, 20)) * 0.01
df = pd.DataFrame(a, columns=[f"c{{i:04d}}" for i in range(20)])
t0 = time.perf_counter()
{imp}
t1 = time.perf_counter()
r = {call}
t2 = time.perf_counter()
r = {call}
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t2 - t1, "second": t3 - t2}}))
"""
_PROBES: dict[str, tuple[str, str]] = {
    "fastcorr.sweep": ("import fastcorr", "fastcorr.sweep(df, 250)"),
    "fastcorr.rolling_corr_matrix": ("import fastcorr", "fastcorr.rolling_corr_matrix(df, 250)"),
    "numbagg.move_corrmatrix": ("import numbagg", "numbagg.move_corrmatrix(a, 250)"),
    PLAIN: (
        "from benchmarks import compare_sweep as cs; k = cs.plain_prange_kernel()",
        "cs.plain_prange_mean(k, np.ascontiguousarray(a.T), 250)",
    ),
}


def _probe(name: str, cache_dir: str) -> dict[str, float]:
    imp, call = _PROBES[name]
    code = _PROBE.format(root=str(ROOT), imp=imp, call=call)
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _compile_times(names: list[str], warm_reps: int) -> None:
    print("## JIT compile: first call in a fresh interpreter (N = 20, T = 600, window 250; medians)\n")
    print(
        "Cold: empty NUMBA_CACHE_DIR (1 run); warm: the cache the cold run filled "
        f"({warm_reps} runs; the plain loop is not cached, so it compiles every time).\n"
    )
    _header("implementation", "import s", "first call, cold cache s", "first call, warm cache s", "second call s")
    for name in names:
        cache = tempfile.mkdtemp(prefix="fastcorr-compare-sweep-")
        try:
            cold = _probe(name, cache)
            warm = [_probe(name, cache) for _ in range(warm_reps)]
        except RuntimeError as exc:
            print(f"| {name} | failed: {exc} | | | |")
            continue
        finally:
            shutil.rmtree(cache, ignore_errors=True)

        def med(key: str, runs: list[dict[str, float]] = warm) -> str:
            return f"{float(np.median([r[key] for r in runs])):.3f}"

        print(f"| {name} | {med('import')} | {cold['first']:.3f} | {med('first')} | {med('second')} |")
        sys.stdout.flush()
    print()


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (N = 200, 50, 300): a smoke run")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per implementation (default 5)")
    parser.add_argument(
        "--slow-repeats", type=int, default=None, help="timed calls of pandas and of (c) (default min(repeats, 2))"
    )
    parser.add_argument("--threads", type=int, default=None, help="numba threads (fastcorr, numbagg, plain loop)")
    parser.add_argument("--no-compile", action="store_true", help="skip the fresh-interpreter compile probes")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    slow = min(args.repeats, 2) if args.slow_repeats is None else args.slow_repeats
    if slow < 1:
        parser.error("--slow-repeats must be at least 1")
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads must be at least 1")
        os.environ["NUMBA_NUM_THREADS"] = str(args.threads)  # read when numba is imported (also by children)

    wall_start, own_start, jiffies = time.perf_counter(), base._own_cpu_seconds(), base._cpu_jiffies()
    import numba

    import fastcorr

    fastcorr.rolling_corr(np.arange(8.0), np.arange(8.0), 4)  # starts numba's thread pool, so its layer can be named
    size = "quick" if args.quick else "full"
    print(f"# fastcorr {fastcorr.__version__} universe sweeps vs a plain prange loop, numbagg, pandas ({size})\n")
    threads = f"numba {numba.get_num_threads()} (threading layer {numba.threading_layer()}); pandas single-threaded"
    base._print_machine(threads)
    _sweep_mean(size, args.repeats)
    _matrices(size, args.repeats, slow)
    _big_sweep(size, slow)
    if not args.no_compile:
        names = [n for n in _PROBES if n.split(".")[0] != "numbagg" or importlib.util.find_spec("numbagg")]
        _compile_times(names, warm_reps=2 if args.quick else 3)
    base._print_load(jiffies, own_start, wall_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
