"""The one table of benchmark cases, and deterministic data for them.

Shared by the asv suite (``benchmarks/bench_rolling.py``), the pytest-benchmark
tests (``tests/test_bench_rolling.py``) and ``benchmarks/compare.py``, so that a
number in the README, an asv graph and a CI smoke test all mean the same input.

Sizes: every case has a tier. ``"quick"`` cases are small (a CI run takes
seconds); ``"full"`` cases are the headline sizes. :func:`select` picks
``quick`` (quick cases only) or ``full`` (every case), from its argument or the
environment variable ``FASTCORR_BENCH_SIZE``.

Data: returns are Gaussian with a daily-like volatility (1 %); ``y`` (the
"market") drives every column of ``x`` with correlation ``RHO``. Prices are a
random walk on top of an offset, the shape that breaks raw-power-sum formulas.
The same seed gives the same numbers on every machine and for both dtypes
(float32 data is the float64 data rounded).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

SEED = 20240607
RHO = 0.6
VOL = 0.01
SIZE_ENV = "FASTCORR_BENCH_SIZE"
Size = Literal["quick", "full"]


@dataclass(frozen=True)
class Case:
    """One benchmark input.

    ``kind``: ``"pair"`` is two 1-D series of ``n`` rows; ``"frame"`` is an
    ``n x ncols`` DataFrame against one Series (column-wise results).
    ``data``: ``"returns"`` or ``"prices"`` (random walk around ``offset``).
    """

    name: str
    n: int
    ncols: int
    window: int
    dtype: str
    kind: Literal["pair", "frame"]
    tier: Literal["quick", "full"]
    data: Literal["returns", "prices"] = "returns"
    offset: float = 100.0

    @property
    def points(self) -> int:
        """Output values per call (rows times columns)."""
        return self.n * self.ncols


CASES: tuple[Case, ...] = (
    # Headline: one long pair, a trading year window.
    Case("pair-10M-w250-f64", 10_000_000, 1, 250, "float64", "pair", "full"),
    Case("pair-10M-w250-f32", 10_000_000, 1, 250, "float32", "pair", "full"),
    # Ten years of daily data for a 1,000-stock universe against the market.
    Case("frame-2520x1000-w250-f64", 2_520, 1_000, 250, "float64", "frame", "full"),
    # O(n) whatever the window: a short and a long window at a middle size.
    Case("pair-1M-w20-f64", 1_000_000, 1, 20, "float64", "pair", "full"),
    Case("pair-1M-w2520-f64", 1_000_000, 1, 2_520, "float64", "pair", "full"),
    # A week of daily rows: short windows run in SIMD lanes across blocks.
    Case("pair-10M-w5-f64", 10_000_000, 1, 5, "float64", "pair", "full"),
    # Quick variants (CI smoke runs; also show the per-call overhead).
    Case("pair-100k-w250-f64", 100_000, 1, 250, "float64", "pair", "quick"),
    Case("pair-100k-w250-f32", 100_000, 1, 250, "float32", "pair", "quick"),
    Case("frame-2520x100-w250-f64", 2_520, 100, 250, "float64", "frame", "quick"),
)

#: Offset prices: exact algorithms agree to ~1e-12 here, raw power sums do not.
ACCURACY = Case("prices-1e8-200k-w250-f64", 200_000, 1, 250, "float64", "pair", "quick", data="prices", offset=1e8)

BY_NAME: dict[str, Case] = {c.name: c for c in (*CASES, ACCURACY)}


def size_from_env(default: Size = "quick") -> Size:
    """The size named by ``FASTCORR_BENCH_SIZE`` (``quick`` or ``full``), else ``default``."""
    value = os.environ.get(SIZE_ENV, "").strip().lower() or default
    if value not in ("quick", "full"):
        raise ValueError(f"{SIZE_ENV} must be 'quick' or 'full', got {value!r}")
    return value  # type: ignore[return-value]


def select(size: Size | None = None, *, kind: str | None = None, default: Size = "quick") -> list[Case]:
    """Cases for ``size`` (``None``: from the environment, else ``default``), optionally of one ``kind``.

    ``quick`` gives the quick tier only; ``full`` gives every case.
    """
    size = size_from_env(default) if size is None else size
    chosen = [c for c in CASES if size == "full" or c.tier == "quick"]
    return [c for c in chosen if kind is None or c.kind == kind]


def headline(size: Size | None = None, *, default: Size = "quick") -> Case:
    """The largest float64 pair case of ``size`` (the 10M-row pair for ``full``)."""
    pairs = [c for c in select(size, kind="pair", default=default) if c.dtype == "float64"]
    return max(pairs, key=lambda c: c.n)


def _returns(rng: np.random.Generator, n: int, ncols: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)``: ``x`` of shape ``(ncols, n)``, ``y`` of shape ``(n,)``; corr(x_i, y) = RHO.

    Built in place: peak memory is the two results, which keeps ``peakmem``
    benchmarks about the function they measure.
    """
    y = rng.standard_normal(n)
    y *= VOL
    x = rng.standard_normal((ncols, n))
    # x = RHO * y + sqrt(1 - RHO^2) * noise, without a temporary the size of x.
    x *= VOL * np.sqrt(1.0 - RHO * RHO) / RHO
    x += y
    x *= RHO
    return x, y


def arrays(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Numpy data for ``case``: ``x`` of shape ``(n,)`` (pair) or ``(ncols, n)`` (frame), ``y`` of shape ``(n,)``.

    Deterministic: the same case gives the same values on every call.
    ``(ncols, n)`` C order is the layout of a pandas DataFrame's block, so
    ``x.T`` wraps without a copy.
    """
    rng = np.random.default_rng([SEED, case.n, case.ncols])
    x, y = _returns(rng, case.n, case.ncols)
    if case.data == "prices":
        # Random walk with unit steps around the offset: mean/std of a window ~ 1e7 at offset 1e8.
        np.cumsum(x, axis=1, out=x)
        np.cumsum(y, out=y)
        scale = 1.0 / VOL
        x *= scale
        y *= scale
        x += case.offset
        y += case.offset
    if case.dtype != "float64":
        x = x.astype(case.dtype)
        y = y.astype(case.dtype)
    if case.kind == "pair":
        return x[0], y
    return x, y


def pandas_inputs(case: Case) -> tuple[Any, Any]:
    """``(x, y)`` as pandas: two Series (pair) or a DataFrame and a Series (frame), sharing numpy memory."""
    import pandas as pd

    x, y = arrays(case)
    index = pd.RangeIndex(case.n)
    ys = pd.Series(y, index=index, name="y", copy=False)
    if case.kind == "pair":
        return pd.Series(x, index=index, name="x", copy=False), ys
    columns = pd.Index([f"c{i:04d}" for i in range(case.ncols)])
    return pd.DataFrame(x.T, index=index, columns=columns, copy=False), ys
