"""Bitwise reproducibility: thread count, chunking, slicing at block boundaries; import compiles nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numba
import numpy as np
import pytest
from checks import bits_equal
from strategies import JIT_DISABLED

import fastcorr
from fastcorr.bindings import plan
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR
from fastcorr.kernels.rolling import rolling_2d

STATS = {"mean": MEAN, "var": VAR, "std": STD, "cov": COV, "corr": CORR}
# Long enough that the public API splits each series into several work items.
T = 3_000 if JIT_DISABLED else 300_000


def _hard_data(t: int, nser: int, seed: int = 0) -> np.ndarray:
    """(nser, t) random walks at 1e8 with NaN, inf, a stale stretch and an outlier."""
    rng = np.random.default_rng(seed)
    x = 1e8 + np.cumsum(rng.standard_normal((nser, t)), axis=1)
    x[rng.random((nser, t)) < 0.03] = np.nan
    x[rng.random((nser, t)) < 0.005] = np.inf
    x[:, t // 3 : t // 3 + t // 10] = 1e8
    x[0, t // 2] = 1e18
    return x


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_thread_count_does_not_change_bits(restore_threads: None, dtype: type[np.floating]) -> None:
    """The public API gives bitwise the same result on 1 thread and on 2."""
    assert numba.config.NUMBA_NUM_THREADS >= 2 or JIT_DISABLED
    x = _hard_data(T, 3).T.astype(dtype)  # (T, 3): columns are series
    y = _hard_data(T, 1, seed=1)[0].astype(dtype)
    results = {}
    for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        numba.set_num_threads(n)
        results[n] = [
            fastcorr.rolling_corr(x, y, 250, min_periods=100),
            fastcorr.rolling_cov(x, y, 250, min_periods=100),
            fastcorr.rolling_var(x, 60),
            fastcorr.rolling_mean(x, 1000, min_periods=1),
        ]
    for one, two in zip(*results.values(), strict=True):
        assert bits_equal(one, two)


@pytest.mark.skipif(JIT_DISABLED, reason="without the JIT there is no thread pool, and 300,000 rows are slow")
def test_serial_and_parallel_paths_agree() -> None:
    """Columns of a 2-D input large enough for the thread pool equal, bit for bit, each column alone (serial)."""
    rows = plan.PARALLEL_MIN_VALUES // 2 + 1
    assert plan.parallel(3 * rows) and not plan.parallel(rows)
    x = _hard_data(rows, 3).T
    y = _hard_data(rows, 1, seed=3)[0]
    for name in ("corr", "cov"):
        fn = getattr(fastcorr, f"rolling_{name}")
        both = fn(x, y, 250, min_periods=100)
        for j in range(3):
            assert bits_equal(both[:, j], fn(np.ascontiguousarray(x[:, j]), y, 250, min_periods=100)), (name, j)
    both = fastcorr.rolling_std(x, 250, min_periods=100)
    for j in range(3):
        assert bits_equal(both[:, j], fastcorr.rolling_std(np.ascontiguousarray(x[:, j]), 250, min_periods=100))


CHUNK_CASES = [("mean", "x"), ("var", "x"), ("std", "x"), ("cov", "row-pairs"), ("cov", "shared-y")]
CHUNK_CASES += [("corr", "row-pairs"), ("corr", "shared-y")]


@pytest.mark.parametrize(("stat", "y_kind"), CHUNK_CASES)
def test_chunk_blocks_do_not_change_bits(stat: str, y_kind: str) -> None:
    """rolling_2d gives bitwise the same output for chunk_blocks 1, 3 and 1000, row by row the 1-D result.

    y is x itself (one-series statistics), one series per row of x, or one series shared by every row.
    """
    window = 37
    x = _hard_data(5_000, 3)
    y = {"x": x, "row-pairs": _hard_data(5_000, 3, seed=2), "shared-y": _hard_data(5_000, 1, seed=2)}[y_kind]
    outs = []
    for chunk_blocks in (1, 3, 1000):
        out = np.full(x.shape, -7.0)
        ix = np.arange(x.shape[0])
        iy = ix if y.shape[0] == x.shape[0] else np.zeros_like(ix)
        rolling_2d(x, ix, y, iy, window, 20, 1, STATS[stat], chunk_blocks, out)
        outs.append(out)
    assert not (outs[0] == -7.0).any(), "an output row was never written"
    assert bits_equal(outs[0], outs[1]) and bits_equal(outs[0], outs[2])
    # ... and each row is the 1-D result of its own pair (tested against the oracle elsewhere).
    fn = getattr(fastcorr, f"rolling_{stat}")
    for s in range(x.shape[0]):
        ys = y[0 if y_kind == "shared-y" else s]
        one = fn(x[s], ys, window, min_periods=20) if stat in ("cov", "corr") else fn(x[s], window, min_periods=20)
        assert bits_equal(outs[0][s], one), f"row {s}"


@pytest.mark.parametrize("stat", list(STATS))
def test_slices_at_block_boundaries_match_full_run(stat: str) -> None:
    """Rows from block b*w on, computed from data starting at (b-1)*w (one block of lead-in), equal the full run."""
    window = 50
    x, y = _hard_data(6_000, 2)
    fn = getattr(fastcorr, f"rolling_{stat}")

    def run(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return fn(a, b, window, min_periods=10) if stat in ("cov", "corr") else fn(a, window, min_periods=10)

    full = run(x, y)
    for block in (1, 2, 7, 61, 119):
        start = (block - 1) * window
        part = run(x[start:], y[start:])
        assert bits_equal(part[window:], full[block * window :]), f"slice from block {block}"


def test_import_compiles_nothing() -> None:
    """`import fastcorr` (and every kernel module) leaves every numba dispatcher without a compiled signature."""
    script = """
import importlib, json, pkgutil, sys
import fastcorr, fastcorr.kernels
from numba.core.dispatcher import Dispatcher
for info in pkgutil.iter_modules(fastcorr.kernels.__path__, "fastcorr.kernels."):
    importlib.import_module(info.name)
found = {}
for name, module in sorted(sys.modules.items()):
    if name.startswith("fastcorr."):
        for attr, obj in vars(module).items():
            if isinstance(obj, Dispatcher):
                found[f"{obj.py_func.__module__}.{attr}"] = [str(s) for s in obj.signatures]
print(json.dumps(found))
"""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "fastcorr.kernels.rolling.rolling_2d" in found, found
    compiled = {name: sigs for name, sigs in found.items() if sigs}
    assert compiled == {}, f"compiled at import: {compiled}"
