"""asv suite: exponentially weighted and expanding statistics, and EWM streaming updates.

Cases: the pair cases of ``benchmarks/_cases.py`` (one long pair, float64 and
float32) and its price-level accuracy case; ``FASTCORR_BENCH_SIZE=quick`` keeps
the quick tier. JIT warmed in ``setup``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

import fastcorr.ewm as fe
import fastcorr.expanding as fx

from ._cases import BY_NAME, arrays, select

_PAIRS = [c.name for c in select(default="full", kind="pair")]
_ALPHA = 0.01


class Ewm:
    """Steady-state time of one batch call on a pair case."""

    params: ClassVar[list[str]] = _PAIRS
    param_names: ClassVar[list[str]] = ["case"]
    timeout = 300.0

    def setup(self, name: str) -> None:
        self.x, self.y = arrays(BY_NAME[name])
        fe.ewm_corr(self.x[:1000], self.y[:1000], alpha=_ALPHA)
        fe.ewm_var(self.x[:1000], alpha=_ALPHA)
        fx.expanding_corr(self.x[:1000], self.y[:1000])

    def time_ewm_corr(self, name: str) -> None:
        fe.ewm_corr(self.x, self.y, alpha=_ALPHA)

    def time_ewm_var(self, name: str) -> None:
        fe.ewm_var(self.x, alpha=_ALPHA)

    def time_expanding_corr(self, name: str) -> None:
        fx.expanding_corr(self.x, self.y)

    def peakmem_ewm_corr(self, name: str) -> None:
        fe.ewm_corr(self.x, self.y, alpha=_ALPHA)


class EwmStreaming:
    """Per-update cost of a streaming correlation: one row of 1,000 pairs, and one row of one pair."""

    timeout = 120.0

    def setup(self) -> None:
        rng = np.random.default_rng(0)
        self.xs = rng.standard_normal((500, 1000))
        self.ys = rng.standard_normal((500, 1000))
        self.many = fe.EwmCorr(alpha=_ALPHA)
        self.many.update_many(self.xs, self.ys)
        self.one = fe.EwmCorr(alpha=_ALPHA)
        self.one.update(1.0, 2.0)

    def time_update_1000_pairs(self) -> None:
        self.many.update(self.xs[0], self.ys[0])

    def time_update_one_pair(self) -> None:
        self.one.update(1.0, 2.0)
