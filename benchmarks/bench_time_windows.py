"""asv suite for time windows ("90D" over a DatetimeIndex), ``center`` and ``closed``; the cases and their data.

A time case is a data case of ``benchmarks/_cases.py`` (size, columns, dtype,
values) on a clock: ``daily`` (one row per calendar day, window ``"90D"``:
evenly spaced rows, so it runs as the 90-row count window), ``business``
(weekdays only, window ``"90D"``: the weekend gaps keep the time-window kernel)
or ``intraday`` (irregular ticks, bursts and duplicate timestamps, window
``"5min"``). ``benchmarks/compare_time_windows.py`` times the same cases
against pandas. ``FASTCORR_BENCH_SIZE=quick`` limits them to the small tier;
the default here is ``full``. The JIT is warmed in ``setup``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

import fastcorr

from ._cases import SEED, Case, Size, arrays, size_from_env

_DEFAULT_SIZE = "full"

Clock = Literal["daily", "business", "intraday"]


@dataclass(frozen=True)
class TimeCase:
    """A data case on a clock, with the time window to roll."""

    data: Case
    clock: Clock
    window: str

    @property
    def name(self) -> str:
        shape = f"{self.data.n // 1000}k" if self.data.n < 1_000_000 else f"{self.data.n // 1_000_000}M"
        if self.data.kind == "frame":
            shape = f"{self.data.n}x{self.data.ncols}"
        return f"{self.clock}-{self.data.kind}-{shape}-{self.window}"


def _case(n: int, ncols: int, clock: Clock, tier: Literal["quick", "full"]) -> TimeCase:
    kind: Literal["pair", "frame"] = "pair" if ncols == 1 else "frame"
    window = "5min" if clock == "intraday" else "90D"
    return TimeCase(Case(f"{clock}-{n}x{ncols}", n, ncols, 0, "float64", kind, tier), clock, window)


TIME_CASES: tuple[TimeCase, ...] = (
    _case(1_000_000, 1, "daily", "full"),
    _case(10_000_000, 1, "daily", "full"),
    _case(1_000_000, 1, "business", "full"),
    _case(10_000_000, 1, "business", "full"),
    _case(1_000_000, 1, "intraday", "full"),
    _case(10_000_000, 1, "intraday", "full"),
    # Ten years of daily prices for a 500-stock universe against the market.
    _case(3_650, 500, "daily", "full"),
    _case(100_000, 1, "daily", "quick"),
    _case(100_000, 1, "business", "quick"),
    _case(100_000, 1, "intraday", "quick"),
    _case(3_650, 50, "daily", "quick"),
)

BY_NAME: dict[str, TimeCase] = {c.name: c for c in TIME_CASES}


def select(size: Size | None = None, default: Size = "quick") -> list[TimeCase]:
    """The time cases of ``size`` (``None``: from ``FASTCORR_BENCH_SIZE``, else ``default``)."""
    size = size_from_env(default) if size is None else size
    return [c for c in TIME_CASES if size == "full" or c.data.tier == "quick"]


def timestamps(case: TimeCase) -> Any:
    """The case's DatetimeIndex, in seconds (a million days outruns nanoseconds), deterministic.

    ``business``: Monday to Friday. ``intraday``: gaps of 0 to 4 seconds (a fifth of them 0: duplicate
    timestamps) with a pause of up to an hour every ~2,000 ticks.
    """
    import pandas as pd

    n = case.data.n
    if case.clock == "daily":
        ticks = np.arange(n, dtype=np.int64) * 86_400
    elif case.clock == "business":
        day = np.arange(n, dtype=np.int64)
        ticks = (day // 5 * 7 + day % 5) * 86_400
    else:
        rng = np.random.default_rng([SEED, n, 86_400])
        gaps = rng.integers(0, 5, n)
        pauses = rng.random(n) < 1 / 2_000
        gaps[pauses] = rng.integers(60, 3_600, int(np.count_nonzero(pauses)))
        ticks = np.cumsum(gaps)
    return pd.DatetimeIndex((1_000_000_000 + ticks).astype("M8[s]"))


def pandas_inputs(case: TimeCase) -> tuple[Any, Any]:
    """``(x, y)``: two Series (pair) or a DataFrame and a Series (frame) on the case's timestamps."""
    import pandas as pd

    x, y = arrays(case.data)
    index = timestamps(case)
    ys = pd.Series(y, index=index, name="y", copy=False)
    if case.data.kind == "pair":
        return pd.Series(x, index=index, name="x", copy=False), ys
    columns = pd.Index([f"c{i:04d}" for i in range(case.data.ncols)])
    return pd.DataFrame(x.T, index=index, columns=columns, copy=False), ys


_memo: dict[str, tuple[Any, Any]] = {}


class TimeRolling:
    """Steady-state time of one call over a time window (pair: two Series; frame: DataFrame against a Series)."""

    params: ClassVar[list[str]] = [c.name for c in select(default=_DEFAULT_SIZE)]
    param_names: ClassVar[list[str]] = ["case"]
    timeout = 300.0

    def setup(self, name: str) -> None:
        self.case = BY_NAME[name]
        if name not in _memo:
            _memo.clear()
            _memo[name] = pandas_inputs(self.case)
        self.x, self.y = _memo[name]
        head = slice(0, min(self.case.data.n, 1_000))
        fastcorr.rolling_corr(self.x.iloc[head], self.y.iloc[head], self.case.window, center=True)
        fastcorr.rolling_var(self.x.iloc[head], self.case.window, closed="both")

    def time_corr(self, name: str) -> None:
        fastcorr.rolling_corr(self.x, self.y, self.case.window)

    def time_corr_centred(self, name: str) -> None:
        fastcorr.rolling_corr(self.x, self.y, self.case.window, center=True)

    def time_var_closed_both(self, name: str) -> None:
        fastcorr.rolling_var(self.x, self.case.window, closed="both")


class CountCentred:
    """A centred count window (the variable-window kernel) against the trailing one (the block kernel)."""

    params: ClassVar[list[int]] = [1_000_000]
    param_names: ClassVar[list[str]] = ["n"]

    def setup(self, n: int) -> None:
        rng = np.random.default_rng([SEED, n])
        self.x = 100.0 + np.cumsum(rng.standard_normal(n))
        self.y = 100.0 + np.cumsum(rng.standard_normal(n))
        fastcorr.rolling_corr(self.x[:1_000], self.y[:1_000], 250, center=True)
        fastcorr.rolling_corr(self.x[:1_000], self.y[:1_000], 250)

    def time_corr_centred(self, n: int) -> None:
        fastcorr.rolling_corr(self.x, self.y, 250, center=True)

    def time_corr_trailing(self, n: int) -> None:
        fastcorr.rolling_corr(self.x, self.y, 250)
