"""The built-in demo universe: a deterministic synthetic cross-asset market.

Six assets in three home/overseas pairs (equities, government bonds, a commodity
index against gold) priced on business days from 2004. Daily returns load on a
common global factor whose weight rises in two stress regimes, mid-2013 and
Q1 2020, so that the pairs' rolling correlations spike there. Everything is
synthetic: the names say what each series imitates, not where it came from.

:func:`demo_periodic_table` is a second synthetic universe, the inputs of the asset
periodic table: 28 assets in seven groups with levels, traded values and sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

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


# --- the periodic-table demo ------------------------------------------------------------------

TABLE_SEED = 20000103


@dataclass(frozen=True)
class TableAsset:
    """One synthetic asset of the periodic-table demo.

    ``ret`` and ``vol`` are the annual drift and volatility of its level,
    ``turnover`` its mean monthly turnover (traded value over size), ``size``
    its outstanding size at the start (CNY bn) growing by ``growth`` a year.
    A ``"weighted"`` asset trades as the ``contracts`` named (with index weights).
    """

    name: str
    group: str
    start: int
    ret: float
    vol: float
    turnover: float
    size: float
    growth: float
    method: str = "ratio"
    frequency: str = "monthly"
    contracts: tuple[tuple[str, float], ...] = ()


def _futures(
    name: str, start: int, ret: float, vol: float, turnover: float, size: float, growth: float, contracts: str
) -> TableAsset:
    """A futures sector: its contracts (``"CU=0.5; AL=0.5"``, index weights) trade; turnover is ``"weighted"``."""
    pairs = tuple((c.split("=")[0], float(c.split("=")[1])) for c in contracts.split("; "))
    return TableAsset(name, "derivatives", start, ret, vol, turnover, size, growth, "weighted", contracts=pairs)


TABLE_ASSETS = (
    TableAsset("Money market funds", "cash", 2006, 0.025, 0.003, 0.0, 300.0, 0.25, method=""),
    TableAsset("Bank deposits 1Y", "cash", 2000, 0.022, 0.002, 0.0, 8000.0, 0.10, method=""),
    TableAsset("Wealth products", "cash", 2015, 0.040, 0.005, 0.0, 15000.0, 0.05, method=""),
    _futures("Metals futures", 2006, 0.05, 0.20, 8.0, 40.0, 0.12, "CU=0.5; AL=0.3; ZN=0.2"),
    _futures("Energy futures", 2018, 0.06, 0.30, 12.0, 30.0, 0.15, "SC=0.6; FU=0.25; BU=0.15"),
    _futures("Agri futures", 2000, 0.03, 0.15, 6.0, 20.0, 0.10, "M=0.4; SR=0.3; CF=0.3"),
    _futures("Stock index futures", 2012, 0.07, 0.25, 15.0, 60.0, 0.10, "IF=0.5; IC=0.3; IH=0.2"),
    _futures("Treasury futures", 2015, 0.02, 0.03, 3.0, 50.0, 0.20, "T=0.5; TF=0.3; TS=0.2"),
    TableAsset("Gold", "commodities", 2000, 0.09, 0.15, 1.2, 500.0, 0.08),
    TableAsset("Silver", "commodities", 2006, 0.06, 0.28, 1.5, 80.0, 0.05),
    TableAsset("Crude oil", "commodities", 2012, 0.03, 0.35, 0.9, 300.0, 0.04),
    TableAsset("Copper", "commodities", 2015, 0.06, 0.22, 0.7, 200.0, 0.03),
    TableAsset("US Treasuries", "USD assets", 2000, 0.04, 0.05, 0.6, 30000.0, 0.07),
    TableAsset("S&P 500", "USD assets", 2000, 0.08, 0.16, 0.5, 80000.0, 0.08, "daily_average"),
    TableAsset("USD/CNY", "USD assets", 2006, 0.005, 0.04, 0.55, 20000.0, 0.05),
    TableAsset("US IG corporates", "USD assets", 2019, 0.04, 0.07, 0.35, 60000.0, 0.05),
    TableAsset("CSI 300", "equities", 2006, 0.08, 0.26, 0.35, 20000.0, 0.10, "daily_average"),
    TableAsset("CSI 500", "equities", 2012, 0.09, 0.30, 0.40, 8000.0, 0.10),
    TableAsset("ChiNext", "equities", 2015, 0.08, 0.35, 0.45, 5000.0, 0.15),
    TableAsset("Hang Seng", "equities", 2000, 0.05, 0.22, 0.10, 15000.0, 0.06),
    TableAsset("Treasury 1-3y", "bonds", 2000, 0.03, 0.012, 0.12, 3000.0, 0.12),
    TableAsset("Treasury 7-10y", "bonds", 2000, 0.04, 0.04, 0.10, 2000.0, 0.12),
    TableAsset("Policy bank bonds", "bonds", 2006, 0.04, 0.03, 0.15, 5000.0, 0.10),
    TableAsset("Local gov. bonds", "bonds", 2015, 0.038, 0.025, 0.02, 10000.0, 0.20),
    TableAsset("Corporate AAA", "bonds", 2012, 0.045, 0.02, 0.06, 4000.0, 0.12),
    TableAsset("Real estate", "alternatives", 2000, 0.06, 0.08, 0.01, 50000.0, 0.08, "annual"),
    TableAsset("Art", "alternatives", 2000, 0.07, 0.20, 0.002, 500.0, 0.06, "annual", "annual"),
    TableAsset("Private equity", "alternatives", 2019, 0.10, 0.18, 0.004, 10000.0, 0.10, "annual"),
)


class TableDemo(NamedTuple):
    """Inputs of :func:`fastcorr.apps.periodic_table.build`: the assets table and wide daily frames."""

    assets: pd.DataFrame
    levels: pd.DataFrame
    traded_value: pd.DataFrame
    size: pd.DataFrame


def demo_periodic_table(end: str = "2024-12-31", seed: int = TABLE_SEED) -> TableDemo:
    """SYNTHETIC inputs of the asset periodic table: 28 assets in the study's seven groups.

    Cash, derivatives (futures sectors with ``"weighted"`` turnover over their
    contracts), commodities, USD assets, equities, bonds and alternatives
    (real estate with annual turnover, an annual-only art series), starting in
    2000, 2006, 2012, 2015, 2018 or 2019, with plausible magnitudes: cash
    yields of 2-4 % at tiny volatility, bond volatilities of 1-4 %, equity
    and commodity volatilities of 15-35 %, monthly turnover from 0.2 % (art)
    to 15 (stock index futures). Levels, traded values and sizes are random
    (lognormal) around those parameters; they imitate, not reproduce, any market.

    Parameters
    ----------
    end : str
        Last calendar date (business days from 2000-01-03).
    seed : int
        Seed of the generator; the same seed gives the same data everywhere.

    Returns
    -------
    TableDemo
        ``assets`` (columns ``asset, group, frequency, turnover_method,
        contracts``) and ``levels``, ``traded_value``, ``size`` on business
        days: levels per asset, traded value and size per asset or futures
        contract (open interest value), NaN before an asset starts; the
        annual series has values on the last business day of each year only,
        and so have the traded value and size of ``"annual"`` turnover.

    Examples
    --------
    >>> from fastcorr.demo import demo_periodic_table
    >>> d = demo_periodic_table()
    >>> len(d.assets), sorted(d.assets["group"].unique())[:3]
    (28, ['USD assets', 'alternatives', 'bonds'])
    >>> bool((d.levels.fillna(1.0) > 0).all().all())
    True
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2000-01-03", end, name="date")
    n = len(dates)
    years = np.asarray((dates - dates[0]).days, dtype=np.float64) / 365.25
    year_end = pd.Series(dates, index=dates).groupby(dates.year).transform("max").to_numpy() == dates.to_numpy()
    month_end = pd.Series(dates, index=dates).groupby([dates.year, dates.month]).transform("max").to_numpy()
    month_end = month_end == dates.to_numpy()
    levels, traded, size, rows = {}, {}, {}, []
    for a in TABLE_ASSETS:
        live = dates.year >= a.start
        if a.frequency == "annual":
            keep = live & year_end
            steps = np.log1p(a.ret) - 0.5 * a.vol**2 + a.vol * rng.standard_normal(int(keep.sum()))
            level = np.full(n, np.nan)
            level[keep] = 100.0 * np.exp(np.cumsum(steps) - steps[0])
        else:
            steps = (np.log1p(a.ret) - 0.5 * a.vol**2) / 252.0 + a.vol / np.sqrt(252.0) * rng.standard_normal(n)
            level = 100.0 * np.exp(np.cumsum(np.where(live, steps, 0.0)))
            level[~live] = np.nan
        levels[a.name] = level
        members = a.contracts or ((a.name, 1.0),)
        for k, (name, _) in enumerate(members):
            # Contracts of a sector differ in size and activity; each series wanders by a few % a year.
            share = (1.0 + k) / sum(range(1, len(members) + 1)) if a.contracts else 1.0
            wander = np.cumsum(rng.standard_normal(n)) * 0.03 / np.sqrt(252.0)
            outstanding = a.size * share * np.exp(a.growth * np.maximum(years - (a.start - 2000), 0.0) + wander)
            ratio = a.turnover * (1.0 + 0.3 * (k - 1) if a.contracts else 1.0)
            noise = np.exp(0.3 * rng.standard_normal(n) - 0.045)
            if a.method == "annual":
                value = np.where(year_end, 12.0 * ratio * outstanding * noise, np.nan)
                outstanding = np.where(year_end, outstanding, np.nan)
            else:
                value = ratio / 21.0 * outstanding * noise
            if not a.method:
                value = np.full(n, np.nan)
            value[~live] = np.nan
            outstanding[~live] = np.nan
            size[name] = outstanding
            if a.method:
                traded[name] = value
        if a.frequency == "monthly" and a.method == "annual":
            levels[a.name] = np.where(month_end, level, np.nan)
        rows.append(
            {
                "asset": a.name,
                "group": a.group,
                "frequency": a.frequency,
                "turnover_method": a.method,
                "contracts": "; ".join(f"{c}={w:g}" for c, w in a.contracts),
            }
        )
    frame = dict(index=dates)
    return TableDemo(
        pd.DataFrame(rows),
        pd.DataFrame(levels, **frame),
        pd.DataFrame(traded, **frame),
        pd.DataFrame(size, **frame),
    )
