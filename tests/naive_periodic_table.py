"""A slow, obviously correct periodic table: one asset at a time, ordering by pandas sorts.

Returns come from calendar periods built by hand (``Period`` keys, last price
of each, a return only between adjacent periods, exact fractions); Sharpe
ratio, return and volatility from ``naive_metrics`` (``math.fsum`` moments,
exact compounding); turnover from the ``naive_metrics`` oracles per asset;
cells are placed by a multi-key ``sort_values`` rather than comparison keys.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import naive_metrics as nm
import numpy as np
import pandas as pd

PERIODS = {"monthly": ("M", "ME", 12), "annual": ("Y", "YE", 1)}


def _returns(level: pd.Series, kind: str) -> tuple[list[float], Any, Any]:
    """Returns between adjacent calendar periods, and the dates of the first and last price used."""
    level = level.dropna()
    code = PERIODS[kind][0]
    last: dict[pd.Period, tuple[pd.Timestamp, float]] = {}
    for when, value in level.items():
        last[pd.Period(when, code)] = (when, float(value))
    out, used = [], []
    for period, (when, value) in last.items():
        before = last.get(period - 1)
        if before is not None:
            out.append(float((Fraction(value) - Fraction(before[1])) / Fraction(before[1])))
            used += [before[0], when]
    return out, (min(used) if used else pd.NaT), (max(used) if used else pd.NaT)


def _contracts(cell: Any) -> dict[str, float]:
    if isinstance(cell, dict):
        return {str(k): float(v) for k, v in cell.items()}
    pairs = [p.split("=") for p in str(cell).split(";") if p.strip()]
    return {k.strip(): float(v) for k, v in pairs}


def mean_turnover(row: dict[str, Any], traded: pd.DataFrame, size: pd.DataFrame) -> float:
    """Mean monthly turnover of one asset by its method (NaN without one or without values)."""
    method = str(row["turnover_method"] or "")
    if not method:
        return math.nan
    if method == "weighted":
        weights = _contracts(row["contracts"])
        cols = list(weights)
        per = nm.weighted_turnover(traded[cols], size[cols], "ME", weights, {c: "g" for c in cols})["g"]
    else:
        freq = "YE" if method == "annual" else "ME"
        per = nm.turnover(traded[[row["asset"]]], size[[row["asset"]]], freq, method)[row["asset"]]
    values = per.dropna().to_numpy()
    return math.fsum(values) / len(values) if len(values) else math.nan


def table(
    assets: pd.DataFrame,
    levels: pd.DataFrame,
    traded: pd.DataFrame | None = None,
    size: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    min_years: float = 3.0,
) -> pd.DataFrame:
    """The periodic table by the documented rules, one asset at a time."""
    rows = []
    for row in assets.to_dict("records"):
        kind = str(row["frequency"])
        p = PERIODS[kind][2]
        r, first, last = _returns(levels.loc[start:end, row["asset"]], kind)
        need = max(2, math.ceil(min_years * p))
        n, mean, std = nm.moments(np.array(r), 1, need)
        turnover = math.nan
        if traded is not None:
            turnover = mean_turnover(row, traded.loc[start:end], size.loc[start:end])
        rows.append(
            {
                "group": row["group"],
                "asset": row["asset"],
                "sharpe": nm.sharpe_column(np.array(r), p, 0.0, "geometric", 1, need),
                "annualized_return": nm.growth(mean, p, "geometric"),
                "annualized_volatility": std * math.sqrt(p),
                "mean_turnover": turnover,
                "first_date": first,
                "last_date": last,
                "n_returns": n,
                "has_method": bool(row["turnover_method"]),
            }
        )
    cells = pd.DataFrame(rows)
    groups = cells.groupby("group").agg(liquidity=("mean_turnover", "mean"), has_method=("has_method", "any"))
    groups["no_liquidity"] = groups["liquidity"].isna()
    groups["folded"] = groups.index.astype(str).str.casefold()
    groups["name"] = groups.index.astype(str)
    groups = groups.sort_values(
        ["has_method", "no_liquidity", "liquidity", "folded", "name"], ascending=[1, 1, 0, 1, 1]
    )
    column = {g: i + 1 for i, g in enumerate(groups.index)}
    cells["column"] = cells["group"].map(column)
    cells["group_turnover"] = cells["group"].map(groups["liquidity"])
    cells["no_sharpe"] = cells["sharpe"].isna()
    cells["no_turnover"] = cells["mean_turnover"].isna()
    cells["folded"] = cells["asset"].astype(str).str.casefold()
    cells["name"] = cells["asset"].astype(str)
    cells = cells.sort_values(
        ["column", "no_sharpe", "sharpe", "no_turnover", "mean_turnover", "folded", "name"],
        ascending=[1, 1, 0, 1, 0, 1, 1],
        ignore_index=True,
    )
    cells["row"] = cells.groupby("column").cumcount() + 1
    return cells
