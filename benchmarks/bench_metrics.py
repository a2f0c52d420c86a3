"""asv suite for the periodic-table metrics (issue #4): returns -> Sharpe, turnover, composites.

Cases are the rows of :data:`CASES` below; ``FASTCORR_BENCH_SIZE=quick`` keeps
the small tier (CI smoke runs), the default here is ``full``, the sizes the issue
sets targets for:

* daily prices, 5,000 columns x 5,040 days -> monthly returns -> geometric Sharpe
  (target: 10x the pandas chain ``resample("ME").last().pct_change()`` + mean/std);
* monthly returns, 5,000 x 240 -> geometric Sharpe (target: 3x pandas);
* turnover and composite over 5,000 x 5,040 (target: under 1 s).

The data generators are deterministic (same seed, same numbers on every
machine) and ragged like a fund universe: columns start on different days.
Frames are built from ``(columns, rows)`` C-order arrays, the layout of a
pandas block, so wrapping them copies nothing. ``benchmarks/compare_metrics.py``
times the same inputs against pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

import fastcorr.metrics as fm

try:
    from ._cases import size_from_env
except ImportError:  # imported as a plain module by compare_metrics.py
    from benchmarks._cases import size_from_env

SEED = 20240604
Kind = Literal["pipeline", "sharpe", "turnover", "composite"]


@dataclass(frozen=True)
class MetricCase:
    """One input: ``rows`` dates (business days, or month ends for ``sharpe``) by ``cols`` columns."""

    name: str
    kind: Kind
    rows: int
    cols: int
    tier: Literal["quick", "full"]


CASES: tuple[MetricCase, ...] = (
    MetricCase("pipeline-5040x5000", "pipeline", 5_040, 5_000, "full"),
    MetricCase("sharpe-240x5000", "sharpe", 240, 5_000, "full"),
    MetricCase("turnover-5040x5000", "turnover", 5_040, 5_000, "full"),
    MetricCase("composite-5040x5000", "composite", 5_040, 5_000, "full"),
    MetricCase("pipeline-504x200", "pipeline", 504, 200, "quick"),
    MetricCase("sharpe-240x200", "sharpe", 240, 200, "quick"),
    MetricCase("turnover-504x200", "turnover", 504, 200, "quick"),
    MetricCase("composite-504x200", "composite", 504, 200, "quick"),
)
BY_NAME: dict[str, MetricCase] = {c.name: c for c in CASES}


def select(kind: Kind | None = None, size: str | None = None, default: str = "full") -> list[MetricCase]:
    """Cases of ``kind`` for ``size`` (``quick``: the small tier; ``full``: every case)."""
    size = size or size_from_env(default)  # type: ignore[arg-type]
    return [c for c in CASES if (size == "full" or c.tier == "quick") and (kind is None or c.kind == kind)]


# --- deterministic data -------------------------------------------------------------------


def _rng(case: MetricCase, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng([SEED, case.rows, case.cols, salt])


def _ragged(a: np.ndarray, rng: np.random.Generator) -> None:
    """NaN before each column's start: a quarter of the columns start up to half-way through."""
    cols, rows = a.shape
    late = rng.random(cols) < 0.25
    starts = np.where(late, rng.integers(0, rows // 2 + 1, cols), 0)
    for i in np.flatnonzero(starts):
        a[i, : starts[i]] = np.nan


def _frame(a: np.ndarray, index: pd.Index) -> pd.DataFrame:
    columns = pd.Index([f"c{i:04d}" for i in range(a.shape[0])])
    return pd.DataFrame(a.T, index=index, columns=columns, copy=False)


def _walk(case: MetricCase, salt: int, vol: float = 0.01) -> np.ndarray:
    """``(cols, rows)`` positive random walks (geometric, 1 % daily vol) around 100, built in place."""
    a = _rng(case, salt).standard_normal((case.cols, case.rows))
    a *= vol
    np.cumsum(a, axis=1, out=a)
    np.exp(a, out=a)
    a *= 100.0
    return a


def prices(case: MetricCase) -> pd.DataFrame:
    """Daily prices on business days from 2000, ragged starts."""
    a = _walk(case, 1)
    _ragged(a, _rng(case, 2))
    return _frame(a, pd.bdate_range("2000-01-03", periods=case.rows))


def monthly_returns(case: MetricCase) -> pd.DataFrame:
    """Monthly returns (mean 0.6 %, vol 5 %), ragged starts."""
    a = _rng(case, 3).standard_normal((case.cols, case.rows))
    a *= 0.05
    a += 0.006
    _ragged(a, _rng(case, 4))
    return _frame(a, pd.date_range("2000-01-31", periods=case.rows, freq="ME"))


def turnover_inputs(case: MetricCase) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily traded value (about 0.4 % of size a day) and market cap, both ragged the same way."""
    index = pd.bdate_range("2000-01-03", periods=case.rows)
    size = _walk(case, 5)
    size *= 1e7
    value = _rng(case, 6).exponential(1.0, (case.cols, case.rows))
    value *= size
    value *= 0.004
    rng = _rng(case, 7)
    _ragged(value, rng)
    size[np.isnan(value)] = np.nan
    return _frame(value, index), _frame(size, index)


def composite_inputs(case: MetricCase) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Constituent index levels and market caps (level times a drifting share count), ragged starts."""
    index = pd.bdate_range("2000-01-03", periods=case.rows)
    levels = _walk(case, 8)
    _ragged(levels, _rng(case, 9))
    caps = _walk(case, 10, vol=0.001)
    caps *= levels
    return _frame(levels, index), _frame(caps, index)


def inputs(case: MetricCase) -> tuple[Any, ...]:
    """The pandas inputs of ``case``."""
    if case.kind == "pipeline":
        return (prices(case),)
    if case.kind == "sharpe":
        return (monthly_returns(case),)
    if case.kind == "turnover":
        return turnover_inputs(case)
    return composite_inputs(case)


# --- the calls (shared with compare_metrics.py) -------------------------------------------


def fastcorr_call(case: MetricCase, data: tuple[Any, ...]) -> Any:
    """The fastcorr computation of ``case``."""
    if case.kind == "pipeline":
        return fm.sharpe(fm.period_returns(data[0], "ME"))
    if case.kind == "sharpe":
        return fm.sharpe(data[0])
    if case.kind == "turnover":
        return fm.turnover(data[0], data[1], freq="ME")
    return fm.composite(data[0], data[1])


def pandas_call(case: MetricCase, data: tuple[Any, ...]) -> Any:
    """The idiomatic pandas expression of ``case`` (pandas >= 3: ``pct_change`` does not fill)."""
    if case.kind in ("pipeline", "sharpe"):
        r = data[0].resample("ME").last().pct_change() if case.kind == "pipeline" else data[0]
        return ((1 + r.mean()) ** 12 - 1) / (r.std() * np.sqrt(12))
    if case.kind == "turnover":
        value, size = data
        return value.resample("ME").sum(min_count=1) / size.resample("ME").last()
    levels, weights = data
    r = levels.pct_change()
    w = weights.shift().where(r.notna())
    ret = (w * r).sum(axis=1) / w.sum(axis=1)
    return 100.0 * (1 + ret.fillna(0.0)).cumprod()


_warmed: set[str] = set()


def warm(case: MetricCase, data: tuple[Any, ...]) -> None:
    """Compile (or load from the cache) every kernel the timed call uses, once per process.

    A leading slice compiles the serial drivers; one full-size call the parallel
    ones, which only large inputs take.
    """
    if case.name in _warmed:
        return
    fastcorr_call(case, tuple(d.iloc[: min(len(d), 70)] for d in data))
    fastcorr_call(case, data)
    _warmed.add(case.name)


# --- asv ------------------------------------------------------------------------------------

_memo: dict[str, tuple[Any, ...]] = {}


def _data(name: str) -> tuple[Any, ...]:
    """Inputs of one case, built once per process (only the current case is kept)."""
    if name not in _memo:
        _memo.clear()
        _memo[name] = inputs(BY_NAME[name])
    return _memo[name]


class _Base:
    kind: ClassVar[Kind]
    param_names: ClassVar[list[str]] = ["case"]
    timeout = 300.0

    def setup(self, name: str) -> None:
        self.case = BY_NAME[name]
        self.data = _data(name)
        warm(self.case, self.data)
        head = tuple(d.iloc[: min(len(d), 70)] for d in self.data)
        self.warm_other_calls(head)

    def warm_other_calls(self, head: tuple[Any, ...]) -> None:
        """Compile the kernels of the class's other timed calls (cheap: a leading slice)."""


class Pipeline(_Base):
    """Daily prices -> monthly returns -> geometric Sharpe, end to end."""

    params: ClassVar[list[str]] = [c.name for c in select("pipeline")]

    def warm_other_calls(self, head: tuple[Any, ...]) -> None:
        fm.period_returns(head[0], "ME")

    def time_period_returns(self, name: str) -> None:
        fm.period_returns(self.data[0], "ME")

    def time_returns_to_sharpe(self, name: str) -> None:
        fm.sharpe(fm.period_returns(self.data[0], "ME"))

    def peakmem_returns_to_sharpe(self, name: str) -> None:
        fm.sharpe(fm.period_returns(self.data[0], "ME"))


class Sharpe(_Base):
    """Monthly returns -> Sharpe ratio, rolling Sharpe."""

    params: ClassVar[list[str]] = [c.name for c in select("sharpe")]

    def warm_other_calls(self, head: tuple[Any, ...]) -> None:
        fm.sharpe(head[0], annualize="arithmetic", rf=0.02)
        fm.rolling_sharpe(head[0], 36)
        fm.rolling_sharpe(self.data[0], 36)  # the parallel rolling kernel

    def time_sharpe_geometric(self, name: str) -> None:
        fm.sharpe(self.data[0])

    def time_sharpe_arithmetic_rf(self, name: str) -> None:
        fm.sharpe(self.data[0], annualize="arithmetic", rf=0.02)

    def time_rolling_sharpe_36(self, name: str) -> None:
        fm.rolling_sharpe(self.data[0], 36)


class Turnover(_Base):
    """Daily traded value and market cap -> monthly turnover."""

    params: ClassVar[list[str]] = [c.name for c in select("turnover")]

    def warm_other_calls(self, head: tuple[Any, ...]) -> None:
        fm.turnover(head[0], head[1], method="daily_average")
        fm.turnover(self.data[0], self.data[1], method="daily_average")

    def time_ratio(self, name: str) -> None:
        fm.turnover(self.data[0], self.data[1])

    def time_daily_average(self, name: str) -> None:
        fm.turnover(self.data[0], self.data[1], method="daily_average")

    def peakmem_ratio(self, name: str) -> None:
        fm.turnover(self.data[0], self.data[1])


class Composite(_Base):
    """Constituent levels and caps -> chain-linked composite level."""

    params: ClassVar[list[str]] = [c.name for c in select("composite")]

    def time_composite(self, name: str) -> None:
        fm.composite(self.data[0], self.data[1])

    def peakmem_composite(self, name: str) -> None:
        fm.composite(self.data[0], self.data[1])


class InputsOnly(_Base):
    """Peak memory baseline: interpreter, imports, JIT and the inputs of each case, no call."""

    params: ClassVar[list[str]] = [c.name for c in select()]

    def peakmem_inputs_only(self, name: str) -> None:
        """Nothing: the inputs' footprint, to subtract from the other ``peakmem_*``."""
