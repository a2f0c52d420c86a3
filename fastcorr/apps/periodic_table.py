"""The asset "periodic table": asset classes by liquidity (columns) and Sharpe ratio (rows).

The workflow: a table of assets (name, group, frequency, turnover method) and
wide data (index levels, traded value, outstanding size) -> per asset, its
period returns over its own span, Sharpe ratio, annualised return and
volatility (:mod:`fastcorr.metrics`), and its mean monthly turnover -> groups
ordered by liquidity, assets within a group by Sharpe ratio -> a tidy table,
a figure (:mod:`fastcorr.plot.periodic_table`), an HTML grid and a Markdown
report. Everything numeric comes from the public metrics API; nothing here
calls a kernel.

**Ordering rules** (:func:`build`), all deterministic and independent of the
row order of ``assets``:

1. Groups in which no asset has a turnover method (cash) come first, by group
   name when there are several.
2. The other groups follow by liquidity, the group's mean turnover (the mean
   of its assets' mean monthly turnovers, assets without turnover data left
   out), high to low; a group without any turnover value comes after them.
   Equal liquidity is broken by group name.
3. Within a group: Sharpe ratio high to low; an asset whose Sharpe ratio is
   undefined (too little history, zero volatility) goes last. Equal Sharpe
   ratios are broken by mean turnover, high to low (missing last), then by
   asset name.

Names compare as text ignoring case (``str.casefold``), then case-sensitively.
"""

from __future__ import annotations

import html
import math
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from fastcorr import io, metrics

__all__ = [
    "GROUPS",
    "Inputs",
    "asset_sizes",
    "build",
    "format_table",
    "read_assets",
    "read_inputs",
    "run_demo",
    "to_html",
    "to_long",
    "write_outputs",
]

# The study's seven groups, in the liquidity order it found; the colours are shared by the figure and HTML.
GROUPS = ("cash", "derivatives", "commodities", "USD assets", "equities", "bonds", "alternatives")
GROUP_COLOURS = {
    "cash": "#8fbc8f",
    "derivatives": "#e07b91",
    "commodities": "#e3a857",
    "USD assets": "#7aa6d6",
    "equities": "#d6616b",
    "bonds": "#6baed6",
    "alternatives": "#a48ad3",
}
_OTHER_COLOURS = ("#9e9ac8", "#fdae6b", "#74c476", "#bdbdbd", "#c994c7", "#fdd0a2")

FREQUENCIES = {"monthly": ("ME", 12), "annual": ("YE", 1)}
REQUIRED = ("asset", "group", "frequency", "turnover_method")
COLUMNS = (
    "group",
    "column",
    "row",
    "asset",
    "sharpe",
    "annualized_return",
    "annualized_volatility",
    "mean_turnover",
    "first_date",
    "last_date",
    "n_returns",
    "frequency",
    "turnover_method",
    "group_turnover",
)


def group_colour(group: Hashable, groups: Sequence[Hashable]) -> str:
    """The colour of a group: the study's own for its seven groups, a fixed palette for others."""
    if group in GROUP_COLOURS:
        return GROUP_COLOURS[group]  # type: ignore[index]
    others = [g for g in groups if g not in GROUP_COLOURS]
    return _OTHER_COLOURS[others.index(group) % len(_OTHER_COLOURS)] if group in others else "#cccccc"


# --- the assets table -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell of the assets table as stripped text; NaN and None are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _contracts(asset: str, value: Any) -> dict[str, float]:
    """The ``contracts`` cell of a weighted asset, ``"CU=0.4; AL=0.3"`` (or a mapping), as contract -> weight."""
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    else:
        text = _text(value)
        pairs = []
        for item in filter(None, (p.strip() for p in text.split(";"))):
            name, sep, weight = item.partition("=")
            if not sep or not name.strip():
                raise ValueError(
                    f"asset {asset!r} has a malformed contracts entry {item!r} (expected contract=weight; ...)"
                )
            pairs.append((name.strip(), weight.strip()))
    if not pairs:
        raise ValueError(
            f"asset {asset!r} uses turnover_method 'weighted' but lists no contracts "
            "(a contracts cell such as 'CU=0.4; AL=0.6')"
        )
    out: dict[str, float] = {}
    for name, weight in pairs:
        try:
            w = float(weight)
        except (TypeError, ValueError):
            w = math.nan
        if not (math.isfinite(w) and w >= 0):
            raise ValueError(
                f"asset {asset!r}: weight of contract {name!r} must be a finite number >= 0, got {weight!r}"
            )
        if name in out:
            raise ValueError(f"asset {asset!r} lists contract {name!r} twice")
        out[name] = w
    return out


def _normalise_assets(assets: pd.DataFrame, groups: Sequence[str] | None) -> pd.DataFrame:
    """The assets table checked and canonicalised: text cells, known groups, frequencies and methods."""
    if not isinstance(assets, pd.DataFrame):
        raise TypeError(f"assets must be a pandas DataFrame, got {type(assets).__name__}")
    missing = [c for c in REQUIRED if c not in assets.columns]
    if missing:
        raise ValueError(
            f"assets lacks column(s) {', '.join(missing)} (expected {', '.join(REQUIRED)}, optional contracts)"
        )
    if assets.empty:
        raise ValueError("assets is empty: give at least one asset")
    known = None if groups is None else {str(g).casefold(): str(g) for g in groups}
    rows = []
    for i, rec in enumerate(assets.to_dict("records"), start=1):
        asset = _text(rec["asset"])
        if not asset:
            raise ValueError(f"row {i} of assets has an empty asset name")
        group = _text(rec["group"])
        if known is not None:
            if group.casefold() not in known:
                raise ValueError(
                    f"asset {asset!r} has unknown group {group!r} (expected one of {', '.join(map(repr, groups))}; "
                    "pass groups=None to allow any group)"
                )
            group = known[group.casefold()]
        elif not group:
            raise ValueError(f"asset {asset!r} has an empty group")
        frequency = _text(rec["frequency"]).lower()
        if frequency not in FREQUENCIES:
            raise ValueError(
                f"asset {asset!r} has unknown frequency {_text(rec['frequency'])!r} (expected 'monthly' or 'annual')"
            )
        method = _text(rec["turnover_method"])
        if method and method not in metrics.TURNOVER_METHODS:
            raise ValueError(
                f"asset {asset!r} has unknown turnover_method {method!r} "
                f"(expected one of {', '.join(map(repr, metrics.TURNOVER_METHODS))}, or empty for cash)"
            )
        if frequency == "annual" and method not in ("", "annual"):
            raise ValueError(
                f"asset {asset!r} is an annual series: its turnover_method must be 'annual' or empty, got {method!r}"
            )
        contracts = _contracts(asset, rec.get("contracts")) if method == "weighted" else {}
        rows.append(
            {"asset": asset, "group": group, "frequency": frequency, "turnover_method": method, "contracts": contracts}
        )
    names = [r["asset"] for r in rows]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"asset(s) {', '.join(map(repr, repeated))} listed more than once in assets")
    return pd.DataFrame(rows)


# --- metrics per asset ------------------------------------------------------------------------


def _frame(obj: Any, argname: str) -> pd.DataFrame:
    """A wide frame on a DatetimeIndex with text column names."""
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{argname} must be a pandas DataFrame (one column per asset), got {type(obj).__name__}")
    if not isinstance(obj.index, pd.DatetimeIndex):
        raise TypeError(f"{argname} must have a DatetimeIndex, got {type(obj.index).__name__}")
    if obj.index.has_duplicates:
        first = obj.index[obj.index.duplicated()][0]
        raise ValueError(f"{argname} has duplicate dates (first: {first.date()})")
    if not obj.index.is_monotonic_increasing:
        raise ValueError(f"{argname} dates are not sorted ascending (sort the index first)")
    out = obj.copy(deep=False)
    out.columns = [str(c) for c in out.columns]
    return out


def _spans(levels: pd.DataFrame, returns: pd.DataFrame, freq: str) -> tuple[pd.Series, pd.Series]:
    """Dates of the first and last level that enter a return, per column (NaT without a return).

    A period's level is its last observation, so the dates come from one resample of the
    observation dates of all columns at once.
    """
    seen = np.where(levels.notna().to_numpy(), levels.index.to_numpy()[:, None], np.datetime64("NaT"))
    last = pd.DataFrame(seen, index=levels.index, columns=levels.columns).resample(freq).max()
    last = last.reindex(returns.index).to_numpy()
    valid = returns.notna().to_numpy()
    any_valid = valid.any(axis=0)
    first_row = np.argmax(valid, axis=0)
    last_row = len(valid) - 1 - np.argmax(valid[::-1], axis=0)
    cols = np.arange(valid.shape[1])
    # The first return of a column compares the level of the period before it: that level is the first used.
    first = np.where(any_valid, last[np.maximum(first_row - 1, 0), cols], np.datetime64("NaT"))
    end = np.where(any_valid, last[last_row, cols], np.datetime64("NaT"))
    return pd.Series(first, index=levels.columns), pd.Series(end, index=levels.columns)


def _returns_metrics(table: pd.DataFrame, levels: pd.DataFrame, min_years: float) -> pd.DataFrame:
    """Sharpe ratio, annualised return and volatility, span and count of each asset, per frequency."""
    parts = []
    for frequency, (freq, periods) in FREQUENCIES.items():
        names = table.loc[table["frequency"] == frequency, "asset"].tolist()
        if not names:
            continue
        returns = metrics.period_returns(levels[names], freq)
        need = max(2, math.ceil(min_years * periods))
        first, last = _spans(levels[names], returns, freq)
        parts.append(
            pd.DataFrame(
                {
                    "sharpe": metrics.sharpe(returns, periods_per_year=periods, min_periods=need),
                    "annualized_return": metrics.annualized_return(returns, periods_per_year=periods, min_periods=need),
                    "annualized_volatility": metrics.annualized_volatility(
                        returns, periods_per_year=periods, min_periods=need
                    ),
                    "first_date": first,
                    "last_date": last,
                    "n_returns": returns.notna().sum().astype("int64"),
                },
                index=pd.Index(names),
            )
        )
    return pd.concat(parts)


def _need_frames(table: pd.DataFrame, traded_value: Any, size: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``traded_value`` and ``size`` on one union index, each column a turnover needs checked present."""
    if traded_value is None or size is None:
        first = table.loc[table["turnover_method"] != "", "asset"].iloc[0]
        which = "traded_value" if traded_value is None else "size"
        raise ValueError(f"asset {first!r} has a turnover_method, so {which} is required (a wide frame)")
    tv, sz = _frame(traded_value, "traded_value"), _frame(size, "size")
    index = tv.index.union(sz.index)
    tv, sz = tv.reindex(index), sz.reindex(index)
    for rec in table.itertuples():
        if not rec.turnover_method:
            continue
        columns = list(rec.contracts) if rec.turnover_method == "weighted" else [rec.asset]
        for argname, frame in (("traded_value", tv), ("size", sz)):
            absent = [c for c in columns if c not in frame.columns]
            if absent:
                what = f"its contract {absent[0]!r}" if rec.turnover_method == "weighted" else "it"
                raise ValueError(
                    f"asset {rec.asset!r} has no {argname} data: {what} is not a column of {argname} "
                    f"(turnover_method {rec.turnover_method!r})"
                )
    return tv, sz


def _turnover(table: pd.DataFrame, tv: pd.DataFrame, sz: pd.DataFrame) -> pd.Series:
    """Mean monthly turnover of each asset with a turnover method: one metrics call per method."""
    out = pd.Series(np.nan, index=pd.Index(table["asset"]), name="mean_turnover")
    for method in metrics.TURNOVER_METHODS:
        chosen = table[table["turnover_method"] == method]
        if chosen.empty:
            continue
        if method == "weighted":
            owner = {c: a for a, cs in zip(chosen["asset"], chosen["contracts"], strict=True) for c in cs}
            seen: dict[str, str] = {}
            for a, cs in zip(chosen["asset"], chosen["contracts"], strict=True):
                for c in cs:
                    if seen.setdefault(c, a) != a:
                        raise ValueError(f"contract {c!r} is listed by two assets, {seen[c]!r} and {a!r}")
            weights = {c: w for cs in chosen["contracts"] for c, w in cs.items()}
            columns = list(owner)
            per_period = metrics.turnover(tv[columns], sz[columns], method="weighted", weights=weights, groups=owner)
        else:
            columns = chosen["asset"].tolist()
            per_period = metrics.turnover(tv[columns], sz[columns], method=method)
        means = metrics.mean_turnover(per_period)
        out.loc[means.index] = means.to_numpy()
    return out


def build(
    assets: pd.DataFrame,
    levels: pd.DataFrame,
    *,
    traded_value: pd.DataFrame | None = None,
    size: pd.DataFrame | None = None,
    start: Any = None,
    end: Any = None,
    groups: Sequence[str] | None = GROUPS,
    min_years: float = 3.0,
) -> pd.DataFrame:
    """The periodic table: one row per asset with its cell position, Sharpe ratio and turnover.

    Each asset is measured over its own span inside ``[start, end]``: monthly
    series on month-end levels (12 periods a year), annual series on year-end
    levels (Sharpe ratio, return and volatility of the annual returns). The
    Sharpe ratio is :func:`fastcorr.metrics.sharpe` (geometric, ``rf = 0``);
    mean turnover is the mean of the asset's monthly turnovers
    (:func:`fastcorr.metrics.turnover` with its ``turnover_method``, then
    :func:`fastcorr.metrics.mean_turnover`) over the periods in the range that
    have one. Cells are placed by the ordering rules of the module docstring.

    Parameters
    ----------
    assets : DataFrame
        Columns ``asset``, ``group``, ``frequency`` (``"monthly"`` or
        ``"annual"``) and ``turnover_method`` (a method of
        :func:`fastcorr.metrics.turnover`, empty or NaN for an asset without
        turnover such as cash; an annual series takes ``"annual"`` or empty).
        A ``"weighted"`` asset (a futures sector) also needs a ``contracts``
        cell, ``"CU=0.4; AL=0.6"`` or a mapping contract -> weight: its
        turnover is ``sum w_i value_i / sum w_i open_interest_i`` over those
        columns of ``traded_value`` and ``size``.
    levels : DataFrame with a DatetimeIndex
        Price or total-return index levels, one column per asset (daily,
        monthly or annual rows; NaN where the asset has no level).
    traded_value, size : DataFrame with a DatetimeIndex, optional
        Traded value and outstanding size (open interest value for futures
        contracts), one column per asset or contract; required when an asset
        has a turnover method. Their indexes are aligned on their union.
    start, end : date-like, optional
        First and last date of data used (``.loc[start:end]``).
    groups : sequence of str or None, default :data:`GROUPS`
        The allowed group names (matched ignoring case, reported as spelled
        here); None allows any non-empty group.
    min_years : float, default 3.0
        History an asset needs for a Sharpe ratio: ``ceil(min_years * p)``
        returns with ``p`` periods a year (36 monthly, 3 annual). With less,
        the Sharpe ratio, return and volatility are NaN and the asset goes to
        the bottom of its column.

    Returns
    -------
    DataFrame
        One row per asset, sorted by ``column`` then ``row`` (both from 1),
        with columns ``group, column, row, asset, sharpe, annualized_return,
        annualized_volatility, mean_turnover, first_date, last_date,
        n_returns, frequency, turnover_method, group_turnover``.
        ``first_date`` and ``last_date`` are the dates of the first and last
        levels that enter a return (NaT without any return).

    Raises
    ------
    ValueError
        A missing column in ``assets``, an unknown group, frequency or
        turnover method, a weighted asset without contracts, an asset listed
        twice, an asset without levels in the range or without the
        ``traded_value``/``size`` columns its turnover needs, and every error
        of the metrics (a non-positive level, a negative traded value...).
    TypeError
        ``assets``, ``levels``, ``traded_value`` or ``size`` not a DataFrame
        (the last three on a DatetimeIndex).

    Examples
    --------
    >>> from fastcorr.demo import demo_periodic_table
    >>> from fastcorr.apps.periodic_table import build
    >>> data = demo_periodic_table()
    >>> table = build(data.assets, data.levels, traded_value=data.traded_value, size=data.size)
    >>> table.drop_duplicates("group")["group"].tolist()
    ['cash', 'derivatives', 'commodities', 'USD assets', 'equities', 'bonds', 'alternatives']
    >>> len(table) == len(data.assets), bool(table.groupby("group")["row"].min().eq(1).all())
    (True, True)
    """
    table = _normalise_assets(assets, groups)
    lv = _frame(levels, "levels")
    for asset in table["asset"]:
        if asset not in lv.columns:
            raise ValueError(f"asset {asset!r} listed in assets has no data: it is not a column of levels")
    lv = lv.loc[start:end, list(table["asset"])]
    empty = [a for a in table["asset"] if not lv[a].notna().any()]
    if empty:
        raise ValueError(
            f"asset {empty[0]!r} listed in assets has no data: its levels have no value"
            + ("" if start is None and end is None else f" in start={start}..end={end}")
        )
    measured = _returns_metrics(table, lv.astype("float64"), float(min_years))
    if (table["turnover_method"] != "").any():
        tv, sz = _need_frames(table, traded_value, size)
        turnover = _turnover(table, tv.loc[start:end], sz.loc[start:end])
    else:
        turnover = pd.Series(np.nan, index=pd.Index(table["asset"]), name="mean_turnover")
    out = table.drop(columns="contracts").set_index("asset", drop=False)
    out = out.join(measured).join(turnover)
    return _place(out.reset_index(drop=True))


def _name(value: Any) -> tuple[str, str]:
    """Sort key of a name: by letter ignoring case ('USD assets' after 'equities'), then exactly."""
    text = str(value)
    return text.casefold(), text


def _place(cells: pd.DataFrame) -> pd.DataFrame:
    """Column and row of every cell by the ordering rules; the table sorted by column, then row."""
    cells = cells.copy()
    cells["group_turnover"] = cells.groupby("group")["mean_turnover"].transform("mean")
    has_method = cells.groupby("group")["turnover_method"].transform(lambda m: (m != "").any())
    by_group = cells.assign(has_method=has_method).groupby("group", sort=False).first()

    def group_key(g: Hashable) -> tuple[Any, ...]:
        rec = by_group.loc[g]
        liquidity = rec["group_turnover"]
        return (
            bool(rec["has_method"]),
            math.isnan(liquidity),
            -liquidity if liquidity == liquidity else 0.0,
            *_name(g),
        )

    order = sorted(by_group.index, key=group_key)
    cells["column"] = cells["group"].map({g: i for i, g in enumerate(order, start=1)}).astype("int64")

    def asset_key(i: int) -> tuple[Any, ...]:
        s, t = cells.at[i, "sharpe"], cells.at[i, "mean_turnover"]
        return (
            math.isnan(s),
            -s if s == s else 0.0,
            math.isnan(t),
            -t if t == t else 0.0,
            *_name(cells.at[i, "asset"]),
        )

    cells["row"] = 0
    for _, members in cells.groupby("column"):
        for row, i in enumerate(sorted(members.index, key=asset_key), start=1):
            cells.at[i, "row"] = row
    cells = cells.sort_values(["column", "row"], ignore_index=True)
    return cells[list(COLUMNS)]


def asset_sizes(assets: pd.DataFrame, size: pd.DataFrame | None, *, start: Any = None, end: Any = None) -> pd.DataFrame:
    """Outstanding size of each asset over time, for the figure's sparklines.

    An asset's size is its column of ``size``; a ``"weighted"`` asset without
    its own column gets the sum of its contracts' open interest (rows where
    none is present stay NaN). Assets without size data are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.apps.periodic_table import asset_sizes
    >>> assets = pd.DataFrame({"asset": ["fut"], "group": ["derivatives"], "frequency": ["monthly"],
    ...                        "turnover_method": ["weighted"], "contracts": ["a=1; b=3"]})
    >>> oi = pd.DataFrame({"a": [1.0, 2.0], "b": [10.0, None]}, index=pd.to_datetime(["2024-01-31", "2024-02-29"]))
    >>> asset_sizes(assets, oi)["fut"].tolist()
    [11.0, 2.0]
    """
    table = _normalise_assets(assets, None)
    if size is None:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    sz = _frame(size, "size").loc[start:end]
    columns: dict[str, pd.Series] = {}
    for rec in table.itertuples():
        if rec.asset in sz.columns:
            columns[rec.asset] = sz[rec.asset]
        elif rec.contracts and all(c in sz.columns for c in rec.contracts):
            columns[rec.asset] = sz[list(rec.contracts)].sum(axis=1, min_count=1)
    return pd.DataFrame(columns, index=sz.index)


# --- reading the command line's files ---------------------------------------------------------


class Inputs(NamedTuple):
    """What :func:`build` takes: the assets table and the wide data frames."""

    assets: pd.DataFrame
    levels: pd.DataFrame
    traded_value: pd.DataFrame | None
    size: pd.DataFrame | None


DATA_FIELDS = ("level", "traded_value", "size")


def read_assets(path: str | Path) -> pd.DataFrame:
    """Read the assets table of a periodic table from CSV, Parquet or Excel (first sheet).

    Parameters
    ----------
    path : str or Path
        A table with the columns ``asset, group, frequency, turnover_method``
        and, for weighted futures sectors, ``contracts`` (``"CU=0.4; AL=0.6"``).

    Returns
    -------
    DataFrame with text cells ("" where empty).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.apps.periodic_table import read_assets
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "assets.csv"
    >>> _ = f.write_text("asset,group,frequency,turnover_method\\nMMF,cash,monthly,\\nCGB,bonds,monthly,ratio\\n")
    >>> read_assets(f)["turnover_method"].tolist()
    ['', 'ratio']
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"assets file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in io.CSV_SUFFIXES:
            frame = pd.read_csv(
                path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        elif suffix in io.PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
        elif suffix in io.EXCEL_SUFFIXES:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            raise ValueError(f"unknown file type {suffix!r} (expected .csv, .parquet or .xlsx)")
    except ValueError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.map(_text)


def read_inputs(assets: str | Path, data: str | Path) -> Inputs:
    """Read the two input files of ``fastcorr periodic-table`` with the :mod:`fastcorr.io` readers.

    Parameters
    ----------
    assets : str or Path
        The assets table (:func:`read_assets`).
    data : str or Path
        A long table, CSV, Parquet or Excel, with one row per asset and date
        and the columns ``date, asset, level`` and optionally
        ``traded_value`` and ``size``; empty where a value is missing (a
        futures contract has traded value and size but no level; an annual
        series has rows at year ends only). Read by
        :func:`fastcorr.io.read_prices` once per field.

    Returns
    -------
    Inputs
        ``traded_value`` and ``size`` are None when the file lacks the column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.apps.periodic_table import read_inputs
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("asset,group,frequency,turnover_method\\nMMF,cash,monthly,\\n")
    >>> _ = (folder / "d.csv").write_text("date,asset,level\\n2024-01-31,MMF,100\\n2024-02-29,MMF,100.2\\n")
    >>> got = read_inputs(folder / "a.csv", folder / "d.csv")
    >>> got.levels["MMF"].tolist(), got.size is None
    ([100.0, 100.2], True)
    """
    table = read_assets(assets)
    data = Path(data)
    frame = io.read_prices(data, date_col="date", asset_col="asset", value_col="level")
    found: dict[str, pd.DataFrame | None] = {"level": frame}
    for field in DATA_FIELDS[1:]:
        try:
            found[field] = io.read_prices(data, date_col="date", asset_col="asset", value_col=field)
        except ValueError as exc:
            if f"column {field!r} not found" not in str(exc):
                raise
            found[field] = None
    return Inputs(table, found["level"], found["traded_value"], found["size"])  # type: ignore[arg-type]


def to_long(
    levels: pd.DataFrame, traded_value: pd.DataFrame | None = None, size: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Wide frames as the long ``--data`` table of :func:`read_inputs`: ``date, asset, level, traded_value, size``.

    Rows where every field is missing are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.apps.periodic_table import to_long
    >>> days = pd.to_datetime(["2024-01-31", "2024-02-29"])
    >>> to_long(pd.DataFrame({"x": [1.0, None]}, index=days), size=pd.DataFrame({"x": [5.0, 6.0]}, index=days))
            date asset  level  traded_value  size
    0 2024-01-31     x    1.0           NaN   5.0
    1 2024-02-29     x    NaN           NaN   6.0
    """
    fields = {"level": levels, "traded_value": traded_value, "size": size}
    parts = []
    for field, frame in fields.items():
        if frame is None:
            continue
        part = _frame(frame, field).rename_axis(index="date", columns="asset").stack(future_stack=True)
        parts.append(part.rename(field))
    long = pd.concat(parts, axis=1).reindex(columns=list(fields)).astype("float64")
    long = long[long.notna().any(axis=1)].sort_index(level=["date", "asset"])
    return long.reset_index()


# --- outputs ----------------------------------------------------------------------------------


def _number(value: float, digits: int = 2) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def format_table(table: pd.DataFrame) -> str:
    """The periodic table as compact text: one line per cell, columns in order, each line starting with its group.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.apps.periodic_table import format_table
    >>> t = pd.DataFrame({"group": ["cash"], "column": [1], "row": [1], "asset": ["MMF"], "sharpe": [9.5],
    ...                   "annualized_return": [0.021], "annualized_volatility": [0.0022],
    ...                   "mean_turnover": [float("nan")], "first_date": pd.to_datetime(["2012-01-31"]),
    ...                   "last_date": pd.to_datetime(["2024-12-31"])})
    >>> print(format_table(t))
    group         col row  asset                   sharpe  return    vol  turnover  span
    cash            1   1  MMF                       9.50    2.1%   0.2%       n/a  2012-01..2024-12
    """
    lines = [
        f"{'group':<13} {'col':>3} {'row':>3}  {'asset':<22} {'sharpe':>7} {'return':>7} {'vol':>6} "
        f"{'turnover':>9}  span"
    ]
    for rec in table.itertuples():
        span = "n/a" if pd.isna(rec.first_date) else f"{rec.first_date:%Y-%m}..{rec.last_date:%Y-%m}"
        ret = "n/a" if rec.annualized_return != rec.annualized_return else f"{rec.annualized_return:.1%}"
        vol = "n/a" if rec.annualized_volatility != rec.annualized_volatility else f"{rec.annualized_volatility:.1%}"
        lines.append(
            f"{rec.group!s:<13} {rec.column:>3} {rec.row:>3}  {rec.asset!s:<22} {_number(rec.sharpe):>7} "
            f"{ret:>7} {vol:>6} {_number(rec.mean_turnover, 3):>9}  {span}"
        )
    return "\n".join(lines)


def _grid(table: pd.DataFrame) -> list[tuple[Any, list[Any]]]:
    """The groups in column order with their cells in row order."""
    return [
        (members["group"].iloc[0], list(members.sort_values("row").itertuples()))
        for _, members in table.sort_values("column").groupby("column", sort=True)
    ]


def to_html(table: pd.DataFrame, *, title: str = "Asset periodic table") -> str:
    """A standalone HTML page: the grid (one column per group, cells coloured by group) and the tidy table.

    Examples
    --------
    >>> from fastcorr.demo import demo_periodic_table
    >>> from fastcorr.apps.periodic_table import build, to_html
    >>> d = demo_periodic_table()
    >>> page = to_html(build(d.assets, d.levels, traded_value=d.traded_value, size=d.size))
    >>> page.count('class="cell"') == len(d.assets)
    True
    """
    grid = _grid(table)
    groups = [g for g, _ in grid]
    depth = max((len(cells) for _, cells in grid), default=0)
    head = "".join(
        f'<th style="background:{group_colour(g, groups)}">{html.escape(str(g))}<br>'
        f"<small>turnover {_number(cells[0].group_turnover, 3)}</small></th>"
        for g, cells in grid
    )
    body = []
    for r in range(depth):
        tds = []
        for g, cells in grid:
            if r >= len(cells):
                tds.append("<td></td>")
                continue
            c = cells[r]
            tds.append(
                f'<td class="cell" style="background:{group_colour(g, groups)}33">'
                f"<b>{html.escape(str(c.asset))}</b><br>Sharpe {_number(c.sharpe)}<br>"
                f"turnover {_number(c.mean_turnover, 3)}</td>"
            )
        body.append("<tr>" + "".join(tds) + "</tr>")
    tidy = table.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        "<style>body{font-family:sans-serif} table.grid td,table.grid th{padding:6px 10px;vertical-align:top;"
        "min-width:120px;border:1px solid #fff} table.dataframe td{padding:2px 8px}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        "<p>Columns: groups by mean monthly turnover, high to low (groups without turnover first). "
        "Rows: Sharpe ratio, high to low.</p>\n"
        f'<table class="grid"><tr>{head}</tr>\n'
        + "\n".join(body)
        + "</table>\n<h2>Table</h2>\n"
        + tidy
        + "\n</body></html>\n"
    )


def _markdown(table: pd.DataFrame, figure: str | None, title: str, skipped: str | None, note: str | None) -> str:
    cols = ["column", "row", "group", "asset", "sharpe", "annualized_return", "annualized_volatility", "mean_turnover"]
    lines = [f"# {title}", ""]
    if note:
        lines += [note, ""]
    if figure is not None:
        lines += [f"![{title}]({figure})", ""]
    elif skipped != "not requested":
        lines += [f"Figure skipped: {skipped}.", ""]
    lines += [
        "Columns are groups by mean monthly turnover, high to low (groups without turnover first); "
        "rows are assets by Sharpe ratio, high to low. Each sparkline has its own scale.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for rec in table[cols].itertuples(index=False):
        cells = [v if isinstance(v, str) else _number(v, 3) if isinstance(v, float) else str(v) for v in rec]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_outputs(
    table: pd.DataFrame,
    out: str | Path,
    *,
    sizes: pd.DataFrame | None = None,
    title: str = "Asset periodic table",
    figure: bool = True,
    note: str | None = None,
    stem: str = "periodic_table",
) -> dict[str, Path]:
    """Write the table (CSV, Parquet), the figure (PNG, SVG), the HTML grid and a Markdown report.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`build`.
    out : str or Path
        Folder for the files (created if missing).
    sizes : DataFrame, optional
        Outstanding size per asset over time (:func:`asset_sizes`), for the sparklines.
    title : str
        Title of the figure, the HTML page and the report.
    figure : bool, default True
        Draw the figure. Without the ``plot`` extra (matplotlib) it is
        skipped, and the report says so.
    note : str, optional
        A paragraph for the report, under the title (say where the data come from).
    stem : str
        File name stem of every output.

    Returns
    -------
    dict
        Paths by kind: ``csv``, ``parquet``, ``png``, ``svg`` (when drawn), ``html``, ``markdown``.

    Examples
    --------
    >>> import tempfile
    >>> from fastcorr.demo import demo_periodic_table
    >>> from fastcorr.apps.periodic_table import build, write_outputs
    >>> d = demo_periodic_table()
    >>> paths = write_outputs(build(d.assets, d.levels, traded_value=d.traded_value, size=d.size),
    ...                       tempfile.mkdtemp(), figure=False)
    >>> sorted(paths)
    ['csv', 'html', 'markdown', 'parquet']
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / stem
    paths: dict[str, Path] = {"csv": base.with_suffix(".csv"), "parquet": base.with_suffix(".parquet")}
    table.to_csv(paths["csv"], index=False, date_format="%Y-%m-%d")
    table.to_parquet(paths["parquet"], index=False)
    skipped = None if figure else "not requested"
    if figure:
        from fastcorr.plot.periodic_table import save_periodic_table

        try:
            png, svg = save_periodic_table(table, base, sizes=sizes, title=title)
            paths.update(png=png, svg=svg)
        except ImportError as err:  # without the plot extra the tables are still worth writing
            skipped = str(err)
    paths["html"] = base.with_suffix(".html")
    paths["html"].write_text(to_html(table, title=title), encoding="utf-8")
    paths["markdown"] = base.with_suffix(".md")
    report = _markdown(table, paths["png"].name if "png" in paths else None, title, skipped, note)
    paths["markdown"].write_text(report, encoding="utf-8")
    return paths


DEMO_NOTE = (
    "**The data are SYNTHETIC**: a deterministic simulated universe (fastcorr.demo.demo_periodic_table) of "
    "28 assets in the study's seven groups; names say what each series imitates."
)


def run_demo(out: str | Path, *, figure: bool = True) -> tuple[pd.DataFrame, dict[str, Path]]:
    """The periodic table of the built-in SYNTHETIC data, with every output written into ``out``.

    Examples
    --------
    >>> import tempfile
    >>> from fastcorr.apps.periodic_table import run_demo
    >>> table, paths = run_demo(tempfile.mkdtemp(), figure=False)
    >>> len(table), "SYNTHETIC" in paths["markdown"].read_text()
    (28, True)
    """
    from fastcorr.demo import demo_periodic_table

    data = demo_periodic_table()
    table = build(data.assets, data.levels, traded_value=data.traded_value, size=data.size)
    title = "Asset periodic table (SYNTHETIC demo data)"
    sizes = asset_sizes(data.assets, data.size)
    return table, write_outputs(table, out, sizes=sizes, title=title, figure=figure, note=DEMO_NOTE)
