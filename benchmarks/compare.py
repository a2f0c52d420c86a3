"""Time fastcorr against pandas, polars and numbagg on the shared cases, in one process.

    python benchmarks/compare.py [--quick] [--repeats N] [--threads N] [--only SUBSTRING]

Every library gets the same arrays (``benchmarks/_cases.py``), one untimed
warm-up call (JIT compile, lazy imports), then ``--repeats`` timed calls back to
back, one library after the other, and the median is reported. Back to back, as
DESIGN.md asks: interleaving libraries puts a second of single-threaded pandas
between two calls of a parallel one, and on this VM an idle core and freshly
returned memory make the next call slower.
Compilation is measured apart, in fresh interpreters: with an empty numba
cache (cold) and with the cache that run filled (warm). The memory floor is
``np.add`` of the same inputs into a preallocated output (two arrays read, one
written, as a rolling pair statistic does). The accuracy table runs every
library on prices around 1e8, where raw power sums lose their digits.
Prints Markdown; a library that is not installed is skipped with a message.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import resource
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
    from benchmarks import _cases
except ImportError:  # run as a script: python benchmarks/compare.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import _cases

PEERS = ("pandas", "polars", "numbagg")
JIT_LIBS = ("fastcorr", "numbagg")
FLOOR = "np.add (memory floor)"

# Fresh-interpreter probe: import, first call, second call of each library on a small pair.
_PROBE = """
import json, time
import numpy as np
_rng = np.random.default_rng(0)
x = _rng.standard_normal(1_000)
y = _rng.standard_normal(1_000)
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
    "fastcorr": ("import fastcorr", "fastcorr.rolling_corr(x, y, 250)"),
    "numbagg": ("import numbagg", "numbagg.move_corr(x, y, window=250)"),
    "pandas": ("import pandas as pd", "pd.Series(x).rolling(250).corr(pd.Series(y))"),
    "polars": (
        "import polars as pl",
        "pl.DataFrame({'x': x, 'y': y}).select(pl.rolling_corr('x', 'y', window_size=250)).to_series()",
    ),
}


@dataclass
class Entry:
    """One library on one case: how to call it, how to read its result, its timings."""

    library: str
    call: Callable[[], Any]
    to_numpy: Callable[[Any], np.ndarray]
    seconds: list[float] = field(default_factory=list)
    delta: float = math.nan  # max |result - fastcorr|


# --- machine -------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_jiffies() -> tuple[int, int] | None:
    """``(busy, steal)`` jiffies of the whole machine from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    steal = fields[7] if len(fields) > 7 else 0
    return sum(fields) - idle - steal, steal


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _version(name: str) -> str:
    try:
        return str(importlib.import_module(name).__version__)
    except ImportError:
        return "not installed"


def _print_machine(threads: str) -> None:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print("## Machine\n")
    print(f"- CPU: {_cpu_model()}; {os.cpu_count()} logical CPUs ({affinity} usable by this process)")
    print(f"- OS: {platform.platform()}; Python {platform.python_version()}")
    print(f"- load average at start (1, 5, 15 min): {load}")
    names = ("fastcorr", "numpy", "numba", "pandas", "pyarrow", "polars", "numbagg")
    print("- versions: " + ", ".join(f"{n} {_version(n)}" for n in names))
    print(f"- threads: {threads}")
    print()


def _print_load(start: tuple[int, int] | None, own_start: float, wall_start: float) -> None:
    """How much CPU other processes used during the run (the "was the machine busy" answer)."""
    end = _cpu_jiffies()
    if start is None or end is None:
        return
    hz = os.sysconf("SC_CLK_TCK")
    wall = time.perf_counter() - wall_start
    ncpu = os.cpu_count() or 1
    busy = (end[0] - start[0]) / hz
    steal = (end[1] - start[1]) / hz
    others = max(0.0, busy - (_own_cpu_seconds() - own_start))
    print("## Machine load during the run\n")
    print(
        f"- wall {wall:.1f} s on {ncpu} CPUs; this script and its subprocesses used "
        f"{_own_cpu_seconds() - own_start:.1f} CPU s, other processes and the kernel {others:.1f} CPU s "
        f"({100 * others / (wall * ncpu):.0f} % of the machine), hypervisor steal {steal:.1f} s"
    )
    print(f"- load average at end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()


# --- libraries -----------------------------------------------------------------------------


def _import_peers() -> dict[str, Any]:
    mods: dict[str, Any] = {}
    for name in PEERS:
        try:
            mods[name] = importlib.import_module(name)
        except ImportError as exc:
            print(f"> {name} is not installed ({exc}): skipped.\n")
    return mods


def _entries(case: _cases.Case, mods: dict[str, Any]) -> list[Entry]:
    """Callables for every available library on ``case`` (inputs built here, outside any timing)."""
    import fastcorr

    x, y = _cases.arrays(case)
    xs, ys = _cases.pandas_inputs(case)
    w = case.window
    frame = case.kind == "frame"

    def from_pandas(r: Any) -> np.ndarray:
        return r.to_numpy(dtype=np.float64).T if frame else r.to_numpy(dtype=np.float64)

    entries = [Entry("fastcorr", lambda: fastcorr.rolling_corr(xs, ys, w), from_pandas)]
    if "pandas" in mods:
        entries.append(Entry("pandas", lambda: xs.rolling(w).corr(ys), from_pandas))
    if "polars" in mods:
        pl = mods["polars"]
        if frame:
            cols = [f"c{i}" for i in range(case.ncols)]
            pdf = pl.DataFrame({**dict(zip(cols, x, strict=True)), "y": y})
            exprs = [pl.rolling_corr(c, "y", window_size=w).alias(c) for c in cols]
            entries.append(Entry("polars", lambda: pdf.select(exprs), lambda r: r.to_numpy().T.astype(np.float64)))
        else:
            pdf = pl.DataFrame({"x": x, "y": y})
            expr = pl.rolling_corr("x", "y", window_size=w)
            entries.append(
                Entry("polars", lambda: pdf.select(expr).to_series(), lambda r: r.to_numpy().astype(np.float64))
            )
    if "numbagg" in mods:
        nb = mods["numbagg"]
        entries.append(Entry("numbagg", lambda: nb.move_corr(x, y, window=w), lambda r: r.astype(np.float64)))
    out = np.empty_like(x)
    entries.append(Entry(FLOOR, lambda: np.add(x, y, out=out), lambda r: r))
    return entries


def _max_delta(a: np.ndarray, b: np.ndarray) -> float:
    """Max |a - b| over entries finite in both; inf if the NaN patterns differ."""
    if a.shape != b.shape:
        return math.inf
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return math.inf
    both = fa & fb
    return float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0


def _measure(case: _cases.Case, mods: dict[str, Any], repeats: int) -> list[Entry]:
    """Warm up every library, compare its result with fastcorr's, then time each back to back."""
    entries = _entries(case, mods)
    reference: np.ndarray | None = None
    usable = []
    for e in entries:
        try:
            result = e.call()
        except Exception as exc:  # a peer that cannot do this case is reported, not fatal
            # stderr: a line inside the Markdown table would break it
            print(f"{e.library} failed on {case.name}: {type(exc).__name__}: {exc} (skipped)", file=sys.stderr)
            continue
        if e.library == "fastcorr":
            reference = e.to_numpy(result)
            e.delta = 0.0
        elif e.library != FLOOR and reference is not None:
            e.delta = _max_delta(e.to_numpy(result), reference)
        del result
        usable.append(e)
    for e in usable:
        for _ in range(repeats):
            t0 = time.perf_counter()
            result = e.call()
            t1 = time.perf_counter()
            del result
            e.seconds.append(t1 - t0)
    return usable


def _header(*columns: str) -> None:
    """A Markdown table header; text columns (case, library) left-aligned, numbers right-aligned."""
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" if c in ("case", "library") else "---:" for c in columns) + "|")


def _fmt_delta(d: float) -> str:
    if math.isnan(d):
        return ""
    if math.isinf(d):
        return "NaN pattern differs"
    return f"{d:.1e}"


def _print_throughput(cases: list[_cases.Case], mods: dict[str, Any], repeats: int) -> None:
    print(f"## Throughput (median of {repeats} calls, JIT warmed; ratio = time / fastcorr time)\n")
    _header(
        "case",
        "library",
        "median s",
        "M points/s",
        "ratio vs fastcorr",
        "% of np.add floor",
        "max abs diff vs fastcorr",
    )
    summary = []
    for case in cases:
        entries = _measure(case, mods, repeats)
        med = {e.library: float(np.median(e.seconds)) for e in entries}
        fast = med.get("fastcorr", math.nan)
        floor = med.get(FLOOR, math.nan)
        for e in entries:
            s = med[e.library]
            print(
                f"| {case.name} | {e.library} | {s:.4g} | {case.points / s / 1e6:,.1f} | {s / fast:.2f} "
                f"| {100 * floor / s:.0f} % | {_fmt_delta(e.delta)} |"
            )
        summary.append(f"- {case.name}: fastcorr reaches {100 * floor / fast:.0f} % of the np.add floor")
        sys.stdout.flush()
    print()
    print("\n".join(summary))
    print()


# --- time to first result ------------------------------------------------------------------


def _probe(lib: str, cache_dir: str) -> dict[str, float]:
    imp, call = _PROBES[lib]
    code = _PROBE.format(imp=imp, call=call)
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _print_first_call(libs: list[str], cold_reps: int, warm_reps: int) -> None:
    print("## Time to first result (fresh interpreter, 1,000-point pair, window 250; medians)\n")
    print(
        f"Cold: empty NUMBA_CACHE_DIR ({cold_reps} run(s)); warm: the cache the cold run filled "
        f"({warm_reps} runs). Import time excludes numpy.\n"
    )
    _header("library", "import s", "first call, cold cache s", "first call, warm cache s", "second call s")
    for lib in libs:
        cold: list[dict[str, float]] = []
        warm: list[dict[str, float]] = []
        try:
            for _ in range(cold_reps if lib in JIT_LIBS else 0):
                cache = tempfile.mkdtemp(prefix="fastcorr-compare-cold-")
                try:
                    cold.append(_probe(lib, cache))
                finally:
                    shutil.rmtree(cache, ignore_errors=True)
            cache = tempfile.mkdtemp(prefix="fastcorr-compare-warm-")
            try:
                if lib in JIT_LIBS:
                    _probe(lib, cache)  # fill the cache
                warm = [_probe(lib, cache) for _ in range(warm_reps)]
            finally:
                shutil.rmtree(cache, ignore_errors=True)
        except RuntimeError as exc:
            print(f"| {lib} | failed: {exc} | | | |")
            continue

        def med(runs: list[dict[str, float]], key: str) -> str:
            return f"{float(np.median([r[key] for r in runs])):.4f}" if runs else "no JIT"

        print(
            f"| {lib} | {med(warm, 'import')} | {med(cold, 'first')} | {med(warm, 'first')} | {med(warm, 'second')} |"
        )
        sys.stdout.flush()
    print()


# --- accuracy ------------------------------------------------------------------------------


def _oracle_corr(x: np.ndarray, y: np.ndarray, w: int, ends: np.ndarray) -> np.ndarray:
    """Two-pass correlation of the windows ending at ``ends``, centred exactly, summed with fsum."""
    out = np.empty(len(ends))
    for k, e in enumerate(ends):
        a = x[e - w + 1 : e + 1]
        b = y[e - w + 1 : e + 1]
        da = a - math.fsum(a) / w
        db = b - math.fsum(b) / w
        out[k] = math.fsum(da * db) / math.sqrt(math.fsum(da * da) * math.fsum(db * db))
    return out


def _print_accuracy(mods: dict[str, Any]) -> None:
    case = _cases.ACCURACY
    x, _ = _cases.arrays(case)
    w = case.window
    print(
        f"## Accuracy: {case.name} (random-walk prices, unit steps, offset {case.offset:.0e}, "
        f"{case.n:,} points, window {w})\n"
    )
    entries = {e.library: e for e in _entries(case, mods) if e.library != FLOOR}
    results = {}
    for name, e in entries.items():
        try:
            results[name] = e.to_numpy(e.call())
        except Exception as exc:  # report and go on
            print(f"> {name} failed: {type(exc).__name__}: {exc}\n")
    ref = results["fastcorr"]
    ends = np.linspace(w - 1, case.n - 1, 2_000).astype(np.int64)
    _, y = _cases.arrays(case)
    oracle = _oracle_corr(x, y, w, ends)
    _header(
        "library",
        "max abs diff vs fastcorr",
        "max abs error vs exact oracle (2,000 windows)",
        "NaN where fastcorr has a value",
    )
    for name, r in results.items():
        both = np.isfinite(r) & np.isfinite(ref)
        diff = float(np.max(np.abs(r[both] - ref[both]))) if both.any() else math.nan
        err = float(np.nanmax(np.abs(r[ends] - oracle)))
        lost = int(np.count_nonzero(np.isfinite(ref) & ~np.isfinite(r)))
        print(f"| {name} | {diff:.1e} | {err:.1e} | {lost:,} |")
    print()


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small cases only (seconds, for a smoke run)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per library and case (default 7)")
    parser.add_argument("--threads", type=int, default=None, help="threads for numba (fastcorr, numbagg) and polars")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads must be at least 1")
        # Read at import time by numba and polars, so set before either is imported.
        os.environ["NUMBA_NUM_THREADS"] = str(args.threads)
        os.environ["POLARS_MAX_THREADS"] = str(args.threads)

    wall_start, own_start, jiffies = time.perf_counter(), _own_cpu_seconds(), _cpu_jiffies()
    import numba

    import fastcorr

    mods = _import_peers()
    tiny = np.arange(8.0)
    fastcorr.rolling_corr(tiny, tiny, 4)  # starts numba's thread pool, so its layer can be named
    threads = f"numba {numba.get_num_threads()} (threading layer {numba.threading_layer()})"
    if "polars" in mods:
        threads += f", polars {mods['polars'].thread_pool_size()}"
    print(f"# fastcorr {fastcorr.__version__} vs pandas, polars, numbagg: rolling_corr\n")
    _print_machine(threads + "; np.add and pandas are single-threaded")

    cases = [c for c in _cases.select("quick" if args.quick else "full") if args.only in c.name]
    _print_throughput(cases, mods, args.repeats)
    _print_first_call(["fastcorr", *mods], cold_reps=1 if args.quick else 3, warm_reps=3 if args.quick else 5)
    _print_accuracy(mods)
    _print_load(jiffies, own_start, wall_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
