"""asv suite for universe sweeps (issue #3, item 6): the mean sweep, matrices at every date, peak memory.

Cases are the rows of :data:`CASES`; ``FASTCORR_BENCH_SIZE=quick`` keeps the
small tier (CI smoke runs), the default here is ``full`` (every case), the sizes
the issue sets targets for:

* ``"mean"`` sweep of N = 1,000 assets, T = 2,520 days, window 250 (499,500
  pairs, 1.26 billion pair-points): under 1.5 s on 2 cores, 3x the plain
  ``prange`` loop (``benchmarks/compare_sweep.py`` times that loop);
* N = 200, a full correlation matrix at every date: 5x ``numbagg.move_corrmatrix``,
  30x pandas ``rolling(250).corr()`` (pairwise);
* N = 3,000 ``"mean"`` sweep: peak RSS under 2 GB (the input is 60 MB; T x P
  would be 90 GB).

Data: daily-like returns (1 % volatility) with one common factor (pairwise
correlation ``RHO``), deterministic (same seed, same numbers everywhere), built
as ``(N, T)`` C-order arrays, the layout of a pandas block, so wrapping them in
a DataFrame copies nothing. The JIT is warmed in ``setup``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

import fastcorr

try:
    from ._cases import size_from_env
except ImportError:  # imported as a plain module by compare_sweep.py
    from benchmarks._cases import size_from_env

SEED = 20240603
RHO = 0.3
VOL = 0.01
Kind = Literal["mean", "matrix", "peakmem"]


@dataclass(frozen=True)
class SweepCase:
    """One input: ``n`` assets by ``t`` dates, rolling ``window``, what is measured (``kind``)."""

    name: str
    kind: Kind
    n: int
    t: int
    window: int
    tier: Literal["quick", "full"]

    @property
    def pairs(self) -> int:
        """Pairs of assets, N (N - 1) / 2."""
        return self.n * (self.n - 1) // 2

    @property
    def pair_points(self) -> int:
        """Correlations computed by an all-pairs sweep (every pair at every date)."""
        return self.pairs * self.t


CASES: tuple[SweepCase, ...] = (
    SweepCase("mean-1000x2520-w250", "mean", 1_000, 2_520, 250, "full"),
    SweepCase("matrix-200x2520-w250", "matrix", 200, 2_520, 250, "full"),
    SweepCase("peakmem-3000x2520-w250", "peakmem", 3_000, 2_520, 250, "full"),
    SweepCase("mean-200x2520-w250", "mean", 200, 2_520, 250, "quick"),
    SweepCase("matrix-50x2520-w250", "matrix", 50, 2_520, 250, "quick"),
    SweepCase("peakmem-300x2520-w250", "peakmem", 300, 2_520, 250, "quick"),
)
BY_NAME: dict[str, SweepCase] = {c.name: c for c in CASES}


def select(kind: Kind | None = None, size: str | None = None, default: str = "full") -> list[SweepCase]:
    """Cases of ``kind`` for ``size`` (``quick``: the small tier; ``full``: every case)."""
    size = size or size_from_env(default)  # type: ignore[arg-type]
    return [c for c in CASES if (size == "full" or c.tier == "quick") and (kind is None or c.kind == kind)]


def headline(kind: Kind, size: str | None = None, default: str = "full") -> SweepCase:
    """The largest case of ``kind`` for ``size``."""
    return max(select(kind, size, default), key=lambda c: c.n)


# --- deterministic data -------------------------------------------------------------------


def returns(n: int, t: int, seed: int = SEED) -> np.ndarray:
    """``(n, t)`` C-order returns: ``RHO`` * market + noise, 1 % volatility; built in place (peak = the result)."""
    rng = np.random.default_rng([seed, n, t])
    market = rng.standard_normal(t)
    x = rng.standard_normal((n, t))
    # x = VOL * (sqrt(RHO) * market + sqrt(1 - RHO) * noise): pairwise correlation RHO.
    x *= np.sqrt(1.0 - RHO)
    x += np.sqrt(RHO) * market
    x *= VOL
    return x


def frame(case: SweepCase) -> pd.DataFrame:
    """The DataFrame of ``case``: business days from 2010, columns ``c0000 ..``; shares the numpy memory."""
    x = returns(case.n, case.t)
    index = pd.bdate_range("2010-01-04", periods=case.t)
    columns = pd.Index([f"c{i:04d}" for i in range(case.n)])
    return pd.DataFrame(x.T, index=index, columns=columns, copy=False)


def warm(df: pd.DataFrame, window: int) -> None:
    """Compile (or load from numba's cache) every kernel the timed calls use.

    A leading slice wide enough for several pair tiles compiles the sweep
    kernels; ``rolling_var`` on the whole frame compiles the parallel rolling
    driver that ``rolling_corr_matrix`` uses for its diagonal.
    """
    head = df.iloc[: min(len(df), 2 * window + 1), : min(df.shape[1], 40)]
    fastcorr.sweep(head, min(window, len(head)))
    fastcorr.rolling_corr_matrix(head, min(window, len(head)), at=head.index[-1])
    fastcorr.rolling_var(df, window)


# --- asv ------------------------------------------------------------------------------------

_memo: dict[str, pd.DataFrame] = {}


def _data(name: str) -> pd.DataFrame:
    """Input of one case, built once per process (only the current case is kept)."""
    if name not in _memo:
        _memo.clear()
        _memo[name] = frame(BY_NAME[name])
    return _memo[name]


class _Base:
    param_names: ClassVar[list[str]] = ["case"]
    timeout = 600.0

    def setup(self, name: str) -> None:
        self.case = BY_NAME[name]
        self.df = _data(name)
        warm(self.df, self.case.window)


class SweepMean(_Base):
    """All-pairs rolling correlation reduced to the cross-sectional mean (and pair count) per date."""

    params: ClassVar[list[str]] = [c.name for c in select("mean")]
    # One call is seconds at full size: a few samples, no inner loop.
    number = 1
    repeat = (1, 5, 60.0)

    def time_sweep_mean(self, name: str) -> None:
        fastcorr.sweep(self.df, self.case.window)


class SweepMeanTime(_Base):
    """The mean sweep with a 365-day time window: each pair whole through the variable-window kernel."""

    params: ClassVar[list[str]] = [c.name for c in select("mean")]
    number = 1
    repeat = (1, 3, 60.0)

    def setup(self, name: str) -> None:
        super().setup(name)
        fastcorr.sweep(self.df.iloc[:300, :8], "365D")

    def time_sweep_mean_365d(self, name: str) -> None:
        fastcorr.sweep(self.df, "365D")


class CorrMatrix(_Base):
    """Correlation matrices at every date, in pandas' ``pairwise=True`` layout (and as an ndarray)."""

    params: ClassVar[list[str]] = [c.name for c in select("matrix")]
    number = 1
    repeat = (1, 5, 60.0)

    def time_corr_matrix_all_rows(self, name: str) -> None:
        fastcorr.rolling_corr_matrix(self.df, self.case.window)

    def time_corr_matrix_all_rows_array(self, name: str) -> None:
        fastcorr.rolling_corr_matrix(self.df, self.case.window, as_array=True)


class PeakMem(_Base):
    """Peak RSS of the process: a ``"mean"`` sweep against the inputs alone (O(N^2) state, never T x P)."""

    params: ClassVar[list[str]] = [c.name for c in select("peakmem")]

    def peakmem_inputs_only(self, name: str) -> None:
        """Baseline: interpreter, imports, JIT and the input, no call."""

    def peakmem_sweep_mean(self, name: str) -> None:
        fastcorr.sweep(self.df, self.case.window)


def describe(case: SweepCase) -> dict[str, Any]:
    """Sizes of ``case`` for reports: pairs, pair-points, input and T x P bytes."""
    return {
        "pairs": case.pairs,
        "pair_points": case.pair_points,
        "input_mb": case.n * case.t * 8 / 1e6,
        "t_by_p_gb": case.pair_points * 8 / 1e9,
    }
