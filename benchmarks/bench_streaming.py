"""asv suite and script: cost of one streaming update (``fastcorr.RollingCorr``), one row per call.

    python benchmarks/bench_streaming.py [--rows N] [--repeats N]

Pairs: 1 (scalars) and 1,000 (a vector of pairs), window 250. Each timed
update appends one row to every pair and returns the latest correlations, the
use a live feed makes of it; ``update_many`` of a block of rows is timed too.
The stream is warmed (JIT compiled, several blocks completed) in ``setup``, so
the figures are steady state: O(1) per row and pair plus, once per block of
``window`` rows, the O(window) tabulation of that block's suffixes.
"""

from __future__ import annotations

import argparse
import time
from typing import ClassVar

import numpy as np

import fastcorr

WINDOW = 250
BLOCK_ROWS = 1_000
PAIRS = [1, 1_000]


def _rows(npairs: int, nrows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` of shape ``(nrows, npairs)``: correlated random walks around 100."""
    rng = np.random.default_rng(seed)
    y = 100.0 + np.cumsum(rng.standard_normal((nrows, 1)), axis=0)
    x = 0.6 * y + 0.8 * (100.0 + np.cumsum(rng.standard_normal((nrows, npairs)), axis=0))
    return x, np.repeat(y, npairs, axis=1)


def _warm_stream(npairs: int) -> tuple[fastcorr.RollingCorr, np.ndarray, np.ndarray]:
    x, y = _rows(npairs, 4 * WINDOW + BLOCK_ROWS)
    stream = fastcorr.RollingCorr(WINDOW)
    if npairs == 1:
        stream.update_many(x[: 3 * WINDOW, 0], y[: 3 * WINDOW, 0])
        return stream, x[3 * WINDOW :, 0], y[3 * WINDOW :, 0]
    stream.update_many(x[: 3 * WINDOW], y[: 3 * WINDOW])
    return stream, x[3 * WINDOW :], y[3 * WINDOW :]


class Streaming:
    """One ``update`` (one row for every pair) and one ``update_many`` of ``BLOCK_ROWS`` rows."""

    params: ClassVar[list[int]] = PAIRS
    param_names: ClassVar[list[str]] = ["pairs"]

    def setup(self, npairs: int) -> None:
        self.stream, self.x, self.y = _warm_stream(npairs)
        self.i = 0

    def time_update(self, npairs: int) -> None:
        i = self.i % len(self.x)
        self.stream.update(self.x[i], self.y[i])
        self.i += 1

    def time_update_many(self, npairs: int) -> None:
        self.stream.update_many(self.x[:BLOCK_ROWS], self.y[:BLOCK_ROWS])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000, help="single-row updates per repeat (default 2,000)")
    parser.add_argument("--repeats", type=int, default=7, help="repeats; the median is reported (default 7)")
    args = parser.parse_args(argv)
    print(f"| pairs | update (one row), us | per pair and row, ns | update_many ({BLOCK_ROWS:,} rows), ns per value |")
    print("|---:|---:|---:|---:|")
    for npairs in PAIRS:
        stream, x, y = _warm_stream(npairs)
        one, many = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for i in range(args.rows):
                k = i % len(x)
                stream.update(x[k], y[k])
            one.append((time.perf_counter() - t0) / args.rows)
            t0 = time.perf_counter()
            stream.update_many(x[:BLOCK_ROWS], y[:BLOCK_ROWS])
            many.append((time.perf_counter() - t0) / (BLOCK_ROWS * npairs))
        per_row, per_value = float(np.median(one)), float(np.median(many))
        print(f"| {npairs:,} | {per_row * 1e6:.2f} | {per_row / npairs * 1e9:.1f} | {per_value * 1e9:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
