"""Cross-market co-movement: a rolling-correlation index over home/overseas pairs.

The workflow: prices of several assets (each on its own trading calendar) ->
daily returns -> the rolling correlation of each home/overseas pair -> their
mean, the co-movement index -> episodes when the index is high -> cumulative
price paths around an episode. Correlations come from the public API
(:func:`fastcorr.rolling_corr`); nothing here calls a kernel.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

import fastcorr

__all__ = ["comovement_index", "cumulative_paths", "episodes"]

METHODS = ("simple", "log")


def _fmt(when: Any) -> str:
    """A date as ``YYYY-MM-DD`` when it has no time of day, else as it prints."""
    if isinstance(when, pd.Timestamp) and when == when.normalize():
        return str(when.date())
    return str(when)


def _check_index(index: pd.Index, what: str) -> None:
    """Dates must be unique and ascending: a return between two rows is only meaningful then."""
    if index.has_duplicates:
        first = index[index.duplicated()][0]
        raise ValueError(f"{what} has duplicate dates (first: {_fmt(first)})")
    if not index.is_monotonic_increasing:
        raise ValueError(f"{what} dates are not sorted ascending (sort the index first)")


def _returns(prices: pd.Series, method: str) -> pd.Series:
    """Returns of one asset over its own trading days, put back on the full index.

    Missing prices (holidays of that market) are dropped before differencing, so
    the return on the next trading day spans the holiday and no day gets a fake 0.
    """
    traded = prices[np.isfinite(prices.to_numpy(dtype="float64"))].astype("float64")
    if method == "log":
        bad = traded <= 0
        if bad.any():
            when = _fmt(traded.index[bad][0])
            raise ValueError(
                f"asset {prices.name!r} has a non-positive price {traded[bad].iloc[0]} on {when}: "
                'log returns are undefined (use method="simple")'
            )
        out = np.log(traded).diff()
    else:
        out = traded / traded.shift(1) - 1.0
    return out.reindex(prices.index)


def comovement_index(
    prices: pd.DataFrame,
    pairs: Sequence[tuple[str, Hashable, Hashable]],
    *,
    window: int = 250,
    method: str = "simple",
    min_periods: int | None = None,
    min_pairs: int = 1,
) -> pd.DataFrame:
    """Rolling correlation of home/overseas pairs and their mean, the co-movement index.

    **Calendar rule.** Markets close on different holidays, so ``prices`` (on the
    union of all trading days) has NaN where a market was shut. Each asset's
    returns are computed on its *own* trading days: its NaN rows are dropped,
    then simple returns (``p_t / p_{t-1} - 1``) or log returns (``log p_t - log p_{t-1}``)
    are taken, then the returns are put back on the union index. A holiday
    therefore never produces a fake zero return; the next trading day's return
    spans it. Each pair is then aligned on its *common* dates (days where both
    assets have a return, pairwise complete), and its rolling correlation runs
    over the last ``window`` common dates. A day where one asset of a pair has no
    return is missing (NaN) for that pair.

    Parameters
    ----------
    prices : DataFrame
        Prices, one column per asset, on unique ascending dates; NaN where the
        asset did not trade.
    pairs : sequence of (name, home, overseas)
        Pair name (a column of the result) and the two asset columns.
    window : int, default 250
        Common return days per correlation window.
    method : {"simple", "log"}, default "simple"
        Return definition.
    min_periods : int, optional
        Common return days needed for a value; defaults to ``window``.
    min_pairs : int, default 1
        Pairs that must have a value for the index to have one. On a day when
        one market is shut, its pairs have no common return and no value; with
        the default the index is then the mean of the other pairs, and with
        ``min_pairs=len(pairs)`` it is NaN, so the index is always a mean over
        the same pairs.

    Returns
    -------
    DataFrame
        On the index of ``prices``: one column per pair name (its rolling
        correlation), ``index`` (mean over the pairs that have a value that day,
        NaN when fewer than ``min_pairs`` have) and ``n_pairs`` (how many pairs have a value).

    Raises
    ------
    KeyError
        An asset of a pair is not a column of ``prices`` (names the asset and the pair).
    ValueError
        Duplicate or unsorted dates, a non-positive price with ``method="log"``
        (names the asset and the date), an unknown method, repeated pair names, or
        fewer than ``min_periods`` common return days for every pair.

    Examples
    --------
    >>> from fastcorr.demo import demo_prices, PAIRS
    >>> from fastcorr.apps.comovement import comovement_index
    >>> out = comovement_index(demo_prices("2012-01-01", "2014-12-31"), PAIRS, window=120)
    >>> list(out.columns)
    ['equities', 'government bonds', 'commodities vs gold', 'index', 'n_pairs']
    >>> int(out["n_pairs"].iloc[-1]), bool(out["index"].loc["2013-09"].mean() > out["index"].loc["2012-12"].mean())
    (3, True)
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"prices must be a pandas DataFrame, got {type(prices).__name__}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    _check_index(prices.index, "prices")
    pairs = [tuple(p) for p in pairs]
    if not pairs:
        raise ValueError("pairs is empty: give at least one (name, home, overseas)")
    for pair in pairs:
        if len(pair) != 3:
            raise ValueError(f"each pair must be (name, home, overseas), got {pair!r}")
        name, home, overseas = pair
        for asset in (home, overseas):
            if asset not in prices.columns:
                raise KeyError(f"asset {asset!r} of pair {name!r} is not a column of prices")
    names = [p[0] for p in pairs]
    repeated = sorted({str(n) for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"pair names must be unique; repeated: {', '.join(repeated)}")
    clash = [n for n in names if n in ("index", "n_pairs")]
    if clash:
        raise ValueError(f"pair name {clash[0]!r} clashes with an output column; rename the pair")
    # Validate window/min_periods with the public API's own messages before any work.
    if not isinstance(window, int | np.integer) or isinstance(window, bool) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    need = window if min_periods is None else min_periods
    if not isinstance(min_pairs, int | np.integer) or isinstance(min_pairs, bool) or not 1 <= min_pairs <= len(pairs):
        raise ValueError(
            f"min_pairs must be an integer from 1 to the number of pairs ({len(pairs)}), got {min_pairs!r}"
        )

    assets = list(dict.fromkeys(a for _, h, o in pairs for a in (h, o)))
    returns = {a: _returns(prices[a], method) for a in assets}

    common = {}
    for name, home, overseas in pairs:
        # Pairwise complete: the pair's own common dates, so its window spans `window` shared days.
        common[name] = pd.concat([returns[home], returns[overseas]], axis=1, keys=["h", "o"]).dropna()
    longest = max(len(both) for both in common.values())
    if longest < need:
        raise ValueError(
            f"history too short: every pair has fewer than {need} common return days "
            f"(window={window}, min_periods={min_periods}); the longest has {longest}"
        )
    columns: dict[Any, pd.Series] = {}
    for name, both in common.items():
        if both.empty:
            columns[name] = pd.Series(np.nan, index=prices.index)
            continue
        corr = fastcorr.rolling_corr(both["h"], both["o"], window, min_periods=min_periods)
        # Back on the union index: days without a common return stay NaN for this pair.
        columns[name] = corr.reindex(prices.index)
    out = pd.DataFrame(columns, index=prices.index)
    out["n_pairs"] = out[names].notna().sum(axis=1).astype("int64")
    out["index"] = out[names].mean(axis=1, skipna=True).where(out["n_pairs"] >= min_pairs)
    out = out[[*names, "index", "n_pairs"]]
    return out


def episodes(
    index: pd.Series | pd.DataFrame,
    *,
    threshold: float | None = None,
    quantile: float = 0.9,
    min_days: int = 20,
    merge_gap: int = 10,
) -> pd.DataFrame:
    """Episodes when a series (the co-movement index) stays above a threshold.

    Rules, in this order:

    1. NaN rows are dropped first: a missing day neither ends nor extends a run.
    2. The threshold is ``threshold`` or, when that is None, the ``quantile`` of
       the series' own non-NaN values. A row is *above* when its value is
       strictly greater than the threshold.
    3. Runs of consecutive above rows separated by at most ``merge_gap`` rows
       below the threshold are merged into one episode (the gap rows belong to it).
    4. Episodes with fewer than ``min_days`` rows (counted after merging, gap
       rows included) are dropped.

    ``min_days`` and ``merge_gap`` count rows (trading days of the series), not
    calendar days.

    Parameters
    ----------
    index : Series or DataFrame
        The series on a ``DatetimeIndex``; a DataFrame must have an ``index``
        column (the output of :func:`comovement_index`).
    threshold : float, optional
        Absolute threshold; overrides ``quantile``.
    quantile : float, default 0.9
        Quantile (in (0, 1)) of the series used when ``threshold`` is None.
    min_days : int, default 20
        Fewest rows an episode may have.
    merge_gap : int, default 10
        Largest number of below-threshold rows between two runs that are merged.

    Returns
    -------
    DataFrame
        One row per episode, in time order, with columns ``start``, ``peak_date``,
        ``peak_value``, ``end`` (first and last above-threshold dates),
        ``duration_days`` (calendar days from start to end, both included:
        ``end - start + 1``) and ``rows`` (observations from start to end, both
        included). ``attrs["threshold"]`` holds the threshold used.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.apps.comovement import episodes
    >>> s = pd.Series([0, 1, 1, 1, 0, 1, 1, 0, 0, 0.0], index=pd.bdate_range("2024-01-01", periods=10))
    >>> ep = episodes(s, threshold=0.5, min_days=3, merge_gap=1)
    >>> ep[["start", "end", "duration_days", "rows"]].astype(str).values.tolist()
    [['2024-01-02', '2024-01-09', '8', '6']]
    """
    if isinstance(index, pd.DataFrame):
        if "index" not in index.columns:
            raise ValueError("a DataFrame passed to episodes must have an 'index' column")
        index = index["index"]
    if not isinstance(index, pd.Series):
        raise TypeError(f"index must be a pandas Series, got {type(index).__name__}")
    if not isinstance(index.index, pd.DatetimeIndex):
        raise TypeError("episodes needs a series on a DatetimeIndex")
    _check_index(index.index, "index")
    if not isinstance(min_days, int | np.integer) or min_days < 1:
        raise ValueError(f"min_days must be a positive integer, got {min_days!r}")
    if not isinstance(merge_gap, int | np.integer) or merge_gap < 0:
        raise ValueError(f"merge_gap must be a non-negative integer, got {merge_gap!r}")
    series = index.astype("float64").dropna()
    if threshold is None:
        if not 0.0 < quantile < 1.0:
            raise ValueError(f"quantile must be in (0, 1), got {quantile!r}")
        if series.empty:
            raise ValueError("the series has no values: cannot take its quantile")
        threshold = float(np.quantile(series.to_numpy(), quantile))
    columns = ["start", "peak_date", "peak_value", "end", "duration_days", "rows"]

    above = series.to_numpy() > threshold
    # Run starts and ends as positions, from the edges of the 0/1 sequence padded with zeros.
    edges = np.diff(np.concatenate(([0], above.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    merged: list[list[int]] = []
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        if merged and lo - merged[-1][1] - 1 <= merge_gap:
            merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    rows = []
    values = series.to_numpy()
    dates = series.index
    for lo, hi in merged:
        if hi - lo + 1 < min_days:
            continue
        peak = lo + int(np.argmax(values[lo : hi + 1]))
        rows.append(
            {
                "start": dates[lo],
                "peak_date": dates[peak],
                "peak_value": float(values[peak]),
                "end": dates[hi],
                "duration_days": int((dates[hi] - dates[lo]).days) + 1,
                "rows": hi - lo + 1,
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        out = out.astype(
            {
                "start": dates.dtype,
                "peak_date": dates.dtype,
                "peak_value": "float64",
                "end": dates.dtype,
                "duration_days": "int64",
                "rows": "int64",
            }
        )
    out.attrs["threshold"] = float(threshold)
    return out


def cumulative_paths(
    prices: pd.DataFrame,
    start: Any,
    end: Any,
    assets: Sequence[Hashable] | None = None,
    *,
    before: int = 0,
    after: int = 0,
) -> pd.DataFrame:
    """Cumulative simple returns of each asset around a period, rebased to 0 at its start.

    For each asset, on its own trading days (NaN prices dropped): the base day is
    its first trading day on or after ``start``; the path is ``p_t / p_base - 1``
    over its trading days from ``before`` rows before the base day to ``after``
    rows after its last trading day on or before ``end`` (clipped to the data).
    The assets' paths are then put side by side on the union of their dates,
    NaN where an asset did not trade (no filling, so no fake flat days).

    Parameters
    ----------
    prices : DataFrame
        Prices, one column per asset, on unique ascending dates.
    start, end : date-like
        The period (``start <= end``).
    assets : sequence, optional
        Columns to include; all columns by default.
    before, after : int, default 0
        Extra trading rows (of each asset) before ``start`` and after ``end``.

    Returns
    -------
    DataFrame
        One column per asset on a ``DatetimeIndex`` named ``"date"``; exactly 0 on each asset's base day.

    Raises
    ------
    KeyError
        An asset is not a column of ``prices``.
    ValueError
        ``start`` after ``end``, negative ``before``/``after``, unsorted or duplicate
        dates, or an asset with no trading day in ``[start, end]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.apps.comovement import cumulative_paths
    >>> p = pd.DataFrame({"A": [100.0, 110, 99, 121]}, index=pd.bdate_range("2024-01-01", periods=4))
    >>> cumulative_paths(p, "2024-01-02", "2024-01-04", before=1)["A"].round(2).tolist()
    [-0.09, 0.0, -0.1, 0.1]
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"prices must be a pandas DataFrame, got {type(prices).__name__}")
    _check_index(prices.index, "prices")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start > end:
        raise ValueError(f"start {start.date()} is after end {end.date()}")
    for arg, value in (("before", before), ("after", after)):
        if not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"{arg} must be a non-negative integer, got {value!r}")
    assets = list(prices.columns) if assets is None else list(assets)
    for asset in assets:
        if asset not in prices.columns:
            raise KeyError(f"asset {asset!r} is not a column of prices")
    index = pd.DatetimeIndex(prices.index)
    paths = {}
    for asset in assets:
        values = prices[asset].to_numpy(dtype="float64")
        keep = np.isfinite(values)
        series = pd.Series(values[keep], index=index[keep])
        first = int(series.index.searchsorted(start, side="left"))
        last = int(series.index.searchsorted(end, side="right")) - 1
        if first > last:
            raise ValueError(f"asset {asset!r} has no trading day between {start.date()} and {end.date()}")
        lo, hi = max(0, first - before), min(len(series) - 1, last + after)
        paths[asset] = series.iloc[lo : hi + 1] / series.iloc[first] - 1.0
    out = pd.DataFrame(paths).sort_index()
    out.index.name = "date"
    return out[assets]
