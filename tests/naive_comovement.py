"""Oracles of the co-movement application: the study done the plain pandas way, and its test data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def naive_index(
    prices: pd.DataFrame,
    pairs: Sequence[tuple[str, str, str]],
    window: int,
    method: str = "simple",
    min_pairs: int = 1,
) -> pd.DataFrame:
    """Per-asset dropna + returns, pair-wise alignment on common dates, pandas rolling corr, mean."""
    returns = {}
    for asset in prices.columns:
        own = prices[asset].dropna()
        returns[asset] = own.pct_change() if method == "simple" else np.log(own).diff()
    out = {}
    for name, home, overseas in pairs:
        both = pd.concat([returns[home], returns[overseas]], axis=1, sort=True).dropna()
        corr = both.iloc[:, 0].rolling(window).corr(both.iloc[:, 1])
        out[name] = corr.reindex(prices.index)
    frame = pd.DataFrame(out, index=prices.index)
    names = [p[0] for p in pairs]
    frame["n_pairs"] = frame[names].notna().sum(axis=1)
    frame["index"] = frame[names].mean(axis=1)
    frame.loc[frame["n_pairs"] < min_pairs, "index"] = np.nan
    frame = frame[[*names, "index", "n_pairs"]]
    return frame


def random_prices(n: int = 400, seed: int = 0, holiday_rate: float = 0.05) -> pd.DataFrame:
    """Correlated random walks for four assets, each with its own random holidays (NaN)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(n)
    cols = {}
    for k, name in enumerate(["A", "B", "C", "D"]):
        r = 0.01 * (0.6 * common + rng.standard_normal(n)) * (1 + k)
        p = 100 * np.exp(np.cumsum(r))
        p[rng.random(n) < holiday_rate] = np.nan
        cols[name] = p
    return pd.DataFrame(cols, index=pd.bdate_range("2015-01-01", periods=n, name="date"))


RANDOM_PAIRS = [("ab", "A", "B"), ("cd", "C", "D"), ("ad", "A", "D")]
