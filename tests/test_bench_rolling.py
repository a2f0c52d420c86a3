"""pytest-benchmark tests over the shared case table (``benchmarks/_cases.py``).

Each test times one public function on one case and then checks the timed
result against pandas on a leading slice, so a benchmark that measures a broken
call fails. In the normal suite (``--benchmark-disable`` in pyproject) each runs
once as a smoke test; ``--benchmark-enable`` times them for real. Sizes:
``FASTCORR_BENCH_SIZE=quick`` (default) or ``full``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fastcorr

# benchmarks/ lives next to tests/ at the repository root, outside the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import _cases

CASES = _cases.select()
CHECK_ROWS = 2_000  # leading rows compared with pandas
CHECK_COLS = 20  # leading columns of a frame compared with pandas

# name -> (fastcorr call, pandas call) on (x, y, window)
STATS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "corr": (lambda x, y, w: fastcorr.rolling_corr(x, y, w), lambda x, y, w: x.rolling(w).corr(y)),
    "cov": (lambda x, y, w: fastcorr.rolling_cov(x, y, w), lambda x, y, w: x.rolling(w).cov(y)),
    "var": (lambda x, y, w: fastcorr.rolling_var(x, w), lambda x, y, w: x.rolling(w).var()),
    "mean": (lambda x, y, w: fastcorr.rolling_mean(x, w), lambda x, y, w: x.rolling(w).mean()),
}


@functools.lru_cache(maxsize=1)  # cases come in order: keep only the current case's data
def _inputs(case: _cases.Case) -> tuple[Any, Any]:
    return _cases.pandas_inputs(case)


def _assert_close(got: Any, want: Any, dtype: str) -> None:
    """Equal NaN pattern; values within a tolerance relative to the result's scale."""
    got_a = np.asarray(got, dtype=np.float64)
    want_a = np.asarray(want, dtype=np.float64)
    assert got_a.shape == want_a.shape
    np.testing.assert_array_equal(np.isnan(got_a), np.isnan(want_a))
    rtol = 2e-5 if dtype == "float32" else 1e-9
    scale = float(np.nanmax(np.abs(want_a))) if np.isfinite(want_a).any() else 1.0
    np.testing.assert_allclose(got_a, want_a, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize(
    ("case", "stat"),
    [pytest.param(c, s, id=f"{c.name}-{s}") for c in CASES for s in STATS],
)
def test_rolling(benchmark: Any, case: _cases.Case, stat: str) -> None:
    fast, slow = STATS[stat]
    x, y = _inputs(case)
    w = case.window
    fast(x.iloc[: 2 * w + 1], y.iloc[: 2 * w + 1], w)  # JIT compile (or cache load) outside the timing
    benchmark.extra_info.update(n=case.n, ncols=case.ncols, window=w, dtype=case.dtype, points=case.points)

    result = benchmark.pedantic(fast, args=(x, y, w), rounds=7, iterations=1, warmup_rounds=1)

    assert type(result) is type(x)
    assert result.shape == x.shape
    assert np.asarray(result).dtype == np.dtype(case.dtype)
    rows = slice(0, min(case.n, CHECK_ROWS))
    if case.kind == "frame":
        xs = x.iloc[rows, :CHECK_COLS]
        got = result.iloc[rows, :CHECK_COLS]
    else:
        xs = x.iloc[rows]
        got = result.iloc[rows]
    want = slow(xs, y.iloc[rows], w)
    _assert_close(got, want, case.dtype)
