"""Time exponentially weighted and expanding correlation against numbagg and pandas, in one process.

    python benchmarks/compare_ewm.py [--n 10000000] [--alpha 0.01] [--repeats 7] [--samples 40]

Data: two correlated unit random walks at 1e8 (prices), float64. Each library
gets one warm-up call (JIT compile, lazy imports; the first fastcorr call is
reported on its own), then ``--repeats`` rounds in which every library is called
once, back to back, so that machine load hits them alike; medians are printed
with the ratio to fastcorr. Accuracy: largest error over ``--samples`` rows
against an oracle that computes each output from explicit weights
``(1 - alpha) ** age`` with ``math.fsum`` on centred values.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

import fastcorr.ewm as fe
import fastcorr.expanding as fx


def walks(n: int, offset: float = 1e8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two unit random walks around ``offset`` with correlated steps (rho 0.6)."""
    rng = np.random.default_rng(seed)
    dx = rng.standard_normal(n)
    dy = 0.6 * dx + 0.8 * rng.standard_normal(n)
    return offset + np.cumsum(dx), offset + np.cumsum(dy)


def oracle_corr(x: np.ndarray, y: np.ndarray, alpha: float, i: int) -> float:
    """EWM correlation (adjust=True, no missing values) after row ``i``, from explicit weights."""
    span = int(min(i + 1, 340.0 / -math.log10(1.0 - alpha)))
    w = (1.0 - alpha) ** np.arange(span - 1, -1, -1, dtype=np.float64)
    xs, ys = x[i + 1 - span : i + 1], y[i + 1 - span : i + 1]
    total = math.fsum(w)
    cx = (xs - xs[-1]) - math.fsum(w * (xs - xs[-1])) / total
    cy = (ys - ys[-1]) - math.fsum(w * (ys - ys[-1])) / total
    return math.fsum(w * cx * cy) / math.sqrt(math.fsum(w * cx * cx) * math.fsum(w * cy * cy))


def timed(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds per library, the libraries called back to back in each round."""
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in runs.items()}


def report(title: str, medians: dict[str, float]) -> None:
    base = medians["fastcorr"]
    print(f"\n{title}")
    for name, sec in medians.items():
        print(f"  {name:10s} {sec * 1e3:10.1f} ms  {sec / base:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--alpha", type=float, default=0.01)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    import numbagg

    print(f"load average before: {os.getloadavg()}  cpus: {os.cpu_count()}")
    x, y = walks(args.n)
    xs, ys = pd.Series(x), pd.Series(y)
    alpha = args.alpha

    t0 = time.perf_counter()
    fe.ewm_corr(x[:1000], y[:1000], alpha=alpha)
    fx.expanding_corr(x[:1000], y[:1000])
    print(f"first fastcorr calls (compile or cache load): {time.perf_counter() - t0:.2f} s")
    numbagg.move_exp_nancorr(x[:1000], y[:1000], alpha=alpha)

    ewm = {
        "fastcorr": lambda: fe.ewm_corr(x, y, alpha=alpha),
        "numbagg": lambda: numbagg.move_exp_nancorr(x, y, alpha=alpha),
        "pandas": lambda: xs.ewm(alpha=alpha).corr(ys),
    }
    report(f"ewm corr, one pair, n={args.n:,}, alpha={alpha} (median of {args.repeats})", timed(ewm, args.repeats))
    expanding = {"fastcorr": lambda: fx.expanding_corr(x, y), "pandas": lambda: xs.expanding().corr(ys)}
    report(f"expanding corr, one pair, n={args.n:,} (median of {args.repeats})", timed(expanding, args.repeats))

    rng = np.random.default_rng(1)
    ends = np.unique(np.r_[rng.integers(0, args.n, args.samples), args.n - 1])
    want = np.array([oracle_corr(x, y, alpha, int(i)) for i in ends])
    print(f"\naccuracy on prices at 1e8: largest |error| over {len(ends)} sampled rows vs the fsum oracle")
    for name, fn in ewm.items():
        got = np.asarray(fn(), dtype=np.float64)[ends]
        bad = int(np.count_nonzero(~np.isfinite(got)))
        print(f"  {name:10s} {np.nanmax(np.abs(got - want)):.2e}" + (f"  ({bad} non-finite)" if bad else ""))
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
