"""The built-in demo universe: a deterministic synthetic cross-asset market.

Six assets in three home/overseas pairs (equities, government bonds, a commodity
index against gold) priced on business days from 2004. Daily returns load on a
common global factor whose weight rises in two stress regimes, mid-2013 and
Q1 2020, so that the pairs' rolling correlations spike there. Everything is
synthetic: the names say what each series imitates, not where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 20130620


@dataclass(frozen=True)
class DemoAsset:
    """One synthetic asset: its name, annual volatility and global-factor loading."""

    name: str
    description: str
    vol: float
    beta: float


ASSETS = (
    DemoAsset("CSI300", "China equities (synthetic)", 0.24, 0.35),
    DemoAsset("SPX", "US equities (synthetic)", 0.17, 0.45),
    DemoAsset("CGB10", "China 10y government bond index (synthetic)", 0.025, 0.20),
    DemoAsset("UST10", "US 10y Treasury index (synthetic)", 0.06, 0.35),
    DemoAsset("GSCI", "Commodity index (synthetic)", 0.20, 0.40),
    DemoAsset("GOLD", "Gold (synthetic)", 0.15, 0.30),
)

PAIRS = (
    ("equities", "CSI300", "SPX"),
    ("government bonds", "CGB10", "UST10"),
    ("commodities vs gold", "GSCI", "GOLD"),
)

# (start, end, extra weight of the global factor): the taper tantrum and the dash for cash.
STRESS = (("2013-05-01", "2013-09-30", 2.5), ("2020-02-20", "2020-04-30", 3.0))


def demo_prices(start: str = "2004-01-01", end: str = "2024-12-31", seed: int = SEED) -> pd.DataFrame:
    """Daily closing prices of the demo universe (business days, one column per asset).

    Parameters
    ----------
    start, end : str
        First and last calendar dates.
    seed : int
        Seed of the generator; the same seed gives the same prices everywhere.

    Returns
    -------
    DataFrame indexed by date with one column per asset in ``ASSETS``.

    Examples
    --------
    >>> from fastcorr.demo import demo_prices
    >>> prices = demo_prices()
    >>> list(prices.columns)
    ['CSI300', 'SPX', 'CGB10', 'UST10', 'GSCI', 'GOLD']
    >>> bool((prices > 0).all().all())
    True
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, end, name="date")
    n = len(dates)
    weight = np.ones(n)
    for lo, hi, extra in STRESS:
        weight[(dates >= lo) & (dates <= hi)] += extra
    common = rng.standard_normal(n) * weight
    columns = {}
    for asset in ASSETS:
        shock = asset.beta * common + np.sqrt(1.0 - asset.beta**2) * rng.standard_normal(n)
        daily = asset.vol / np.sqrt(252.0) * shock / np.sqrt(1.0 + (asset.beta * (weight - 1.0)) ** 2)
        columns[asset.name] = 100.0 * np.exp(np.cumsum(daily))
    return pd.DataFrame(columns, index=dates)
