"""Period returns, Sharpe ratios, turnover and composite indices: the periodic-table study's reducers.

The definitions follow the asset "periodic table" study:

* Sharpe ratio = (E(R) - Rf) / sigma, with the annualised return
  ``(1 + mean period return) ** p - 1`` and the annualised volatility
  ``std * sqrt(p)`` (``p = 12`` for monthly returns; ``p = 1`` for series known
  only yearly, such as art auction prices, whose annual returns and their std
  are used directly).
* Turnover = traded value over a period / outstanding size, with the per-class
  variants of :func:`turnover` (``"ratio"``, ``"annual"``, ``"daily_average"``,
  ``"weighted"``).
* Composite indices chain-linked from constituent levels with weights known at
  the start of each period (:func:`composite`).

Every function takes wide data (one column per asset, ragged histories with
NaN before a series starts or after it ends), reduces each column in one
parallel kernel call (``fastcorr.kernels.reducers``) and returns labelled
pandas objects. NaN is a missing value. Values that cannot be right (a return
below -100 %, an infinite value, a price, size or weight that is negative, or
a weight missing next to a level) raise ``ValueError`` naming the argument,
the column and the date: nothing is dropped silently. Results are bitwise
identical for any number of threads.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fastcorr.bindings import coerce, dispatch, plan, validate
from fastcorr.bindings import periods as pb
from fastcorr.bindings.relabel import relabel
from fastcorr.kernels import reducers as kr
from fastcorr.kernels._moments import MEAN, STD

_RETURNS = "a return of at least -1 (-100 %) or NaN, never infinite"
_PRICES = "a finite positive price or NaN at each period end"
_TRADED = "a finite non-negative traded value or NaN"
_SIZE = "a finite positive size or NaN"
_INTEREST = "a finite non-negative open interest value or NaN"

TURNOVER_METHODS = ("ratio", "annual", "daily_average", "weighted")


# --- period returns ------------------------------------------------------------------------


def period_returns(prices: pd.Series | pd.DataFrame, freq: Any = "ME", *, method: str = "simple") -> Any:
    """Period returns from daily prices or index levels (last observation of each period).

    Equal to ``prices.resample(freq).last().pct_change()`` in pandas >= 3 (no
    forward fill), computed in one pass over the period ends.

    Parameters
    ----------
    prices : Series or DataFrame with a DatetimeIndex
        Prices or index levels, one column per asset; sorted unique dates.
        NaN is missing (a holiday, a series not started yet or ended).
    freq : str or DateOffset, default "ME"
        Period of the returns, any pandas resample frequency ("ME", "QE",
        "YE", "W-FRI", ...).
    method : {"simple", "log"}, default "simple"
        ``p_k / p_{k-1} - 1`` or ``log(p_k / p_{k-1})``.

    Returns
    -------
    DataFrame (Series for a Series) indexed by the period labels of
    ``resample(freq)``, empty periods included. The price of a period is the
    last non-NaN value in it. Each column starts at its own first price (its
    first return is one period later); a period without any price is NaN and
    so is the return after it: a missing period never makes a zero return,
    and no return spans two periods.

    Raises
    ------
    ValueError
        A price that is used (the last non-NaN value of a period) is not
        finite and positive; the index is not sorted, unique, free of NaT.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import period_returns
    >>> days = pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-28", "2024-03-28", "2024-03-29"])
    >>> p = pd.DataFrame({"a": [99.0, 100.0, 110.0, 99.0, float("nan")],
    ...                   "b": [float("nan"), float("nan"), 50.0, 40.0, 45.0]}, index=days)
    >>> period_returns(p).round(4)
                  a    b
    2024-01-31  NaN  NaN
    2024-02-29  0.1  NaN
    2024-03-31 -0.1 -0.1
    """
    index = pb.datetime_index(prices, "prices")
    freq = pb.offset(freq)
    method = pb.choice(method, "method", ("simple", "log"))
    values, labels = pb.values(prices, "prices")
    periods, bounds = pb.bins(index, freq)
    out = np.empty((values.shape[0], len(periods)))
    bad = np.empty(values.shape[0], dtype=np.int64)
    kernel = kr.period_returns_2d if plan.parallel(values.size) else kr.period_returns_2d_serial
    kernel(values, bounds, method == "log", out, bad)
    pb.raise_first_bad(bad, values, labels, "prices", _PRICES)
    return pb.per_period(out, labels, periods)


# --- Sharpe ratio and friends --------------------------------------------------------------


def _moments(
    returns: Any, rf: Any, periods: float, ddof: int, min_periods: int
) -> tuple[np.ndarray, np.ndarray, coerce.Labels]:
    """Per-column mean and std of the excess returns, with the bad-input check."""
    values, labels = pb.values(returns, "returns")
    nser, t = values.shape
    rf_rows = pb.risk_free(rf, periods, labels, t)
    count = np.empty(nser)
    mean = np.empty(nser)
    std = np.empty(nser)
    bad = np.empty(nser, dtype=np.int64)
    kernel = kr.column_moments_2d if pb.moments_parallel(values.size) else kr.column_moments_2d_serial
    if isinstance(rf_rows, float):
        # A constant rate shifts the mean only: the kernel's constant-series test
        # (std exactly 0) then holds for the returns as given.
        kernel(values, ddof, min_periods, count, mean, std, bad)
        pb.raise_first_bad(bad, values, labels, "returns", _RETURNS)
        mean -= rf_rows
    else:
        kr.first_bad_return(values, bad)
        pb.raise_first_bad(bad, values, labels, "returns", _RETURNS)
        # Excess returns may fall below -1 (a total loss minus a positive rate): ignore that flag.
        kernel(values - rf_rows, ddof, min_periods, count, mean, std, bad)
    return mean, std, labels


def _common(periods_per_year: Any, annualize: Any, ddof: Any, min_periods: Any) -> tuple[float, int, int, int]:
    periods = pb.positive_number(periods_per_year, "periods_per_year")
    mode = pb.ANNUALIZE[pb.choice(annualize, "annualize", tuple(pb.ANNUALIZE))]
    return periods, mode, validate.ddof(ddof), pb.count(min_periods, "min_periods")


def sharpe(
    returns: Any,
    *,
    periods_per_year: float = 12,
    rf: Any = 0.0,
    annualize: str = "geometric",
    ddof: int = 1,
    min_periods: int = 2,
) -> Any:
    """Sharpe ratio of each column of period returns.

    With ``e`` the excess returns ``r - rf`` per period, ``m`` their mean and
    ``s`` their standard deviation (divisor ``n - ddof``), and
    ``p = periods_per_year``:

    * ``"geometric"`` (the periodic-table study): ``((1 + m) ** p - 1) / (s * sqrt(p))``
    * ``"arithmetic"`` (empyrical, quantstats): ``m * p / (s * sqrt(p))``
    * ``"none"``: ``m / s``, per period.

    Parameters
    ----------
    returns : DataFrame, Series, ndarray (1-D or 2-D; columns are series) or pyarrow Array
        Simple returns per period (0.01 is 1 %). NaN is skipped per column.
    periods_per_year : float, default 12
        12 for monthly returns, 252 for daily, 1 for annual series.
    rf : float, Series or 1-D array, default 0.0
        A number is an annual rate (negative allowed, above -1) converted to
        ``(1 + rf) ** (1 / p) - 1`` per period; a Series is a rate per period,
        taken at the dates of ``returns``; a 1-D array is a rate per row.
    annualize : {"geometric", "arithmetic", "none"}, default "geometric"
    ddof : int, default 1
        Delta degrees of freedom of the standard deviation.
    min_periods : int, default 2
        Non-NaN returns a column needs for a result.

    Returns
    -------
    Series indexed by column (DataFrame input), a float (1-D input) or a 1-D
    array (2-D array input). NaN where a column has fewer than
    ``min_periods`` returns, ``n - ddof <= 0``, or zero volatility (never inf).

    Raises
    ------
    ValueError
        A return below -1 or infinite (the error names the column and the
        date); an rf Series missing a date of ``returns``.

    Notes
    -----
    With ``rf != 0`` the geometric ratio compounds the mean excess return,
    ``(1 + mean(r - rf_p)) ** p - 1``; that is not the same number as
    ``(1 + mean(r)) ** p - 1 - rf``, which differs by terms of order
    ``p * rf_p * mean``. The mean and standard deviation are computed per
    column with a corrected two-pass algorithm, exact to rounding.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import sharpe
    >>> r = pd.DataFrame({"stocks": [0.02, -0.01, 0.03, 0.00], "cash": [0.001] * 4})
    >>> sharpe(r).round(4)  # ((1.01) ** 12 - 1) / (0.018257 * sqrt(12)); cash has no volatility
    stocks    2.0053
    cash         NaN
    Name: sharpe, dtype: float64
    """
    periods, mode, ddof, min_periods = _common(periods_per_year, annualize, ddof, min_periods)
    mean, std, labels = _moments(returns, rf, periods, ddof, min_periods)
    out = np.empty_like(mean)
    kr.sharpe_from_moments(mean, std, periods, mode, out)
    return pb.per_series(out, labels, "sharpe")


def annualized_return(
    returns: Any, *, periods_per_year: float = 12, annualize: str = "geometric", min_periods: int = 2
) -> Any:
    """Annualised mean return of each column: ``(1 + mean) ** p - 1`` (geometric).

    ``"arithmetic"`` gives ``mean * p`` and ``"none"`` the mean per period.
    Same inputs, NaN rule and ``min_periods`` default as :func:`sharpe`, so
    that ``sharpe == annualized_return / annualized_volatility`` where all are
    defined (``rf = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from fastcorr.metrics import annualized_return
    >>> round(annualized_return(np.array([0.01, 0.03])), 6)  # (1.02) ** 12 - 1
    0.268242
    """
    periods, mode, _, min_periods = _common(periods_per_year, annualize, 1, min_periods)
    mean, _, labels = _moments(returns, 0.0, periods, 1, min_periods)
    out = np.empty_like(mean)
    kr.annual_return(mean, periods, mode, out)
    return pb.per_series(out, labels, "annualized_return")


def annualized_volatility(
    returns: Any, *, periods_per_year: float = 12, annualize: str = "geometric", ddof: int = 1, min_periods: int = 2
) -> Any:
    """Annualised volatility of each column: ``std * sqrt(p)`` (``std`` for ``annualize="none"``).

    Same inputs, NaN rule and defaults as :func:`sharpe`.

    Examples
    --------
    >>> import numpy as np
    >>> from fastcorr.metrics import annualized_volatility
    >>> annualized_volatility(np.array([[0.01, 0.0], [0.03, 0.0]]), periods_per_year=4)
    array([0.02828427, 0.        ])
    """
    periods, mode, ddof, min_periods = _common(periods_per_year, annualize, ddof, min_periods)
    _, std, labels = _moments(returns, 0.0, periods, ddof, min_periods)
    out = np.empty_like(std)
    kr.annual_volatility(std, periods, mode, out)
    return pb.per_series(out, labels, "annualized_volatility")


def rolling_sharpe(
    returns: Any,
    window: int,
    *,
    min_periods: int | None = None,
    periods_per_year: float = 12,
    rf: Any = 0.0,
    annualize: str = "geometric",
    ddof: int = 1,
) -> Any:
    """Sharpe ratio over the last ``window`` rows, for every row: O(n) per column whatever the window.

    The same formula as :func:`sharpe` on each window, with the rolling mean
    and standard deviation of the exact O(n) kernel behind
    :func:`fastcorr.rolling_mean` and :func:`fastcorr.rolling_std`.

    Parameters
    ----------
    returns : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        Period returns; NaN is skipped inside a window.
    window : int
        Rows per window.
    min_periods : int, optional
        Non-NaN returns a window needs; defaults to ``window`` (pandas).
    periods_per_year, rf, annualize, ddof
        As in :func:`sharpe`.

    Returns
    -------
    Same family and labels as ``returns``; NaN where a window has too few
    returns or zero volatility.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import rolling_sharpe
    >>> r = pd.Series([0.01, 0.03, 0.02, 0.02])
    >>> rolling_sharpe(r, 2, annualize="none").round(4).tolist()
    [nan, 1.4142, 3.5355, nan]
    """
    window = validate.window(window)
    min_periods = validate.min_periods(min_periods, window)
    periods, mode, ddof, _ = _common(periods_per_year, annualize, ddof, 0)
    values, labels = coerce.coerce(returns, "returns")
    nser, t = values.shape
    rf_rows = pb.risk_free(rf, periods, labels, t)
    bad = np.empty(nser, dtype=np.int64)
    kr.first_bad_return(values, bad)
    pb.raise_first_bad(bad, values, labels, "returns", _RETURNS)
    excess = values - rf_rows  # float64 for float32 input too: the Sharpe is reported in float64
    mean = dispatch.rolling(MEAN, excess, excess, window, min_periods, ddof)
    std = dispatch.rolling(STD, excess, excess, window, min_periods, ddof)
    out = np.empty_like(mean)
    kr.sharpe_from_moments(mean.ravel(), std.ravel(), periods, mode, out.ravel())
    return relabel(out, labels, name=labels.name)


# --- turnover ------------------------------------------------------------------------------


def turnover(
    traded_value: pd.Series | pd.DataFrame,
    size: pd.Series | pd.DataFrame,
    *,
    freq: Any = None,
    method: str = "ratio",
    size_basis: str = "end",
    trading_days: float = 22,
    weights: Any = None,
    groups: Mapping[Hashable, Hashable] | pd.Series | None = None,
) -> Any:
    """Turnover per period and column: traded value over outstanding size.

    Parameters
    ----------
    traded_value : Series or DataFrame with a DatetimeIndex
        Traded value per row (daily, monthly or annual), one column per asset
        or contract. NaN is missing; a period without any traded value is NaN
        (no data is not zero turnover).
    size : Series or DataFrame
        Outstanding size with the same index and columns as ``traded_value``
        (columns may be in another order): custody balance (bonds), market cap
        (equities), stock (real estate, art), open interest value (futures).
    freq : str or DateOffset, optional
        Period of the result; default "ME", or "YE" for ``method="annual"``.
    method : {"ratio", "annual", "daily_average", "weighted"}, default "ratio"
        * ``"ratio"``: traded value summed over the period / size
          (bonds, equities).
        * ``"annual"``: (traded value over a year / size) / 12, a monthly
          turnover from annual data (real estate, art); ``freq`` must be
          yearly.
        * ``"daily_average"``: mean over the period of the daily ratios
          ``traded_value / size`` (rows where both are present) times
          ``trading_days`` (S&P 500).
        * ``"weighted"``: per group of contracts,
          ``sum_i w_i value_i / sum_i w_i oi_i`` with ``value_i`` the summed
          traded value and ``oi_i`` the period-end open interest value of
          contract ``i`` (futures sectors weighted by a commodity index). A
          contract counts in a period when both are present.
    size_basis : {"end", "mean"}, default "end"
        For ``"ratio"`` and ``"annual"``: the last size in the period, or the
        mean of its sizes.
    trading_days : float, default 22
        Days per period for ``"daily_average"``.
    weights : Series, dict or 1-D array, optional
        ``"weighted"`` only: a finite non-negative weight per column.
    groups : mapping column -> group, optional
        ``"weighted"`` only: the group (sector) of each column; by default
        every column is in one group named "all".

    Returns
    -------
    DataFrame (Series for Series input) indexed by period labels; for
    ``"weighted"``, one column per group.

    Raises
    ------
    ValueError
        Index or columns of ``traded_value`` and ``size`` differ; a traded
        value is negative or infinite; a size is zero, negative or infinite
        (open interest for ``"weighted"`` may be zero); a weight is NaN,
        negative or missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import turnover
    >>> days = pd.to_datetime(["2024-01-15", "2024-01-31", "2024-02-15", "2024-02-29"])
    >>> value = pd.DataFrame({"bond": [10.0, 20.0, 5.0, 5.0]}, index=days)
    >>> balance = pd.DataFrame({"bond": [900.0, 1000.0, 1000.0, 500.0]}, index=days)
    >>> turnover(value, balance)
                bond
    2024-01-31  0.03
    2024-02-29  0.02
    """
    method = pb.choice(method, "method", TURNOVER_METHODS)
    size_basis = pb.choice(size_basis, "size_basis", ("end", "mean"))
    days = pb.positive_number(trading_days, "trading_days")
    index = pb.datetime_index(traded_value, "traded_value")
    size = pb.same_labels(traded_value, size, "traded_value", "size")
    freq = pb.offset(("YE" if method == "annual" else "ME") if freq is None else freq)
    if method == "annual" and not (isinstance(freq, pd.offsets.YearEnd | pd.offsets.YearBegin) and freq.n == 1):
        raise ValueError(f"freq must be yearly ('YE') for method='annual', got {freq.freqstr!r}")
    if method != "weighted" and (weights is not None or groups is not None):
        raise ValueError(f"weights and groups are for method='weighted' only, got method={method!r}")
    v, labels = pb.values(traded_value, "traded_value")
    s, _ = pb.values(size, "size")
    periods, bounds = pb.bins(index, freq)
    nser = v.shape[0]
    bad_v = np.empty(nser, dtype=np.int64)
    bad_s = np.empty(nser, dtype=np.int64)
    parallel = plan.parallel(v.size)
    if method == "weighted":
        if weights is None:
            raise ValueError("weights is required for method='weighted' (one weight per contract)")
        columns = pb.column_labels(labels, nser)
        w = pb.weight_vector(weights, columns)
        codes, names = pb.group_codes(groups, columns)
        traded = np.empty((nser, len(periods)))
        interest = np.empty((nser, len(periods)))
        out = np.empty((len(names), len(periods)))
        kernel = kr.turnover_weighted_2d if parallel else kr.turnover_weighted_2d_serial
        kernel(v, s, bounds, w, codes, traded, interest, out, bad_v, bad_s)
        pb.raise_first_bad(bad_v, v, labels, "traded_value", _TRADED)
        pb.raise_first_bad(bad_s, s, labels, "size", _INTEREST)
        return pd.DataFrame(out.T, index=periods, columns=names, copy=False)
    out = np.empty((nser, len(periods)))
    kernel = kr.turnover_2d if parallel else kr.turnover_2d_serial
    if method == "daily_average":
        kernel(v, s, bounds, 1, False, days, out, bad_v, bad_s)
    else:
        scale = 1.0 / 12.0 if method == "annual" else 1.0
        kernel(v, s, bounds, 0, size_basis == "mean", scale, out, bad_v, bad_s)
    pb.raise_first_bad(bad_v, v, labels, "traded_value", _TRADED)
    pb.raise_first_bad(bad_s, s, labels, "size", _SIZE)
    return pb.per_period(out, labels, periods)


def mean_turnover(
    turnover: pd.Series | pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    groups: Mapping[Hashable, Hashable] | pd.Series | None = None,
) -> Any:
    """Mean turnover of each column over a date range, or of each group of columns.

    Parameters
    ----------
    turnover : DataFrame or Series with a DatetimeIndex
        Per-period turnover, as returned by :func:`turnover`.
    start, end : date-like, optional
        First and last date included (``.loc[start:end]``).
    groups : mapping column -> group, optional
        Every column must be mapped. A group's mean turnover is the mean of
        its columns' mean turnovers (each asset counts once, however long its
        history); a column without any value in the range has a NaN mean and
        is left out of its group's mean.

    Returns
    -------
    Series indexed by column (or group), named "mean_turnover"; a float for
    a Series without ``groups``. NaN values in ``turnover`` are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import mean_turnover
    >>> t = pd.DataFrame({"a": [0.1, 0.3], "b": [0.2, float("nan")], "c": [0.5, 0.7]},
    ...                  index=pd.to_datetime(["2024-01-31", "2024-02-29"]))
    >>> mean_turnover(t, groups={"a": "equity", "b": "equity", "c": "bond"}).round(4)
    equity    0.2
    bond      0.6
    Name: mean_turnover, dtype: float64
    """
    pb.datetime_index(turnover, "turnover")
    if start is not None or end is not None:
        turnover = turnover.loc[start:end]
    values, labels = pb.values(turnover, "turnover")
    nser = values.shape[0]
    count = np.empty(nser)
    mean = np.empty(nser)
    std = np.empty(nser)
    bad = np.empty(nser, dtype=np.int64)
    # The moments kernel checks returns (>= -1); turnover must be non-negative, a cheaper test on period data.
    ok = np.isnan(values) | ((values >= 0.0) & (values < np.inf))
    bad[:] = np.where(ok.all(axis=1), -1, np.argmin(ok, axis=1))
    pb.raise_first_bad(bad, values, labels, "turnover", "a finite non-negative turnover or NaN")
    kernel = kr.column_moments_2d if pb.moments_parallel(values.size) else kr.column_moments_2d_serial
    kernel(values, 0, 1, count, mean, std, bad)
    columns = pb.column_labels(labels, nser)
    if groups is None:
        return pb.per_series(mean, labels, "mean_turnover")
    codes, names = pb.group_codes(groups, columns)
    by_group = pd.Series(mean).groupby(codes).mean()
    return pd.Series(by_group.reindex(range(len(names))).to_numpy(), index=names, name="mean_turnover")


# --- composite indices ---------------------------------------------------------------------


def composite(
    levels: pd.DataFrame | np.ndarray,
    weights: pd.DataFrame | np.ndarray,
    *,
    base: float = 100.0,
    name: Hashable = "composite",
) -> Any:
    """A composite index level from constituent levels and time-varying weights, chain-linked.

    The return of row ``t`` is the weighted mean of the constituents' returns
    with the weights of the previous row (known at the start of the period)::

        R_t = sum_i w[i, t-1] r[i, t] / sum_i w[i, t-1],   level_t = level_{t-1} (1 + R_t)

    over the constituents whose level is present on both rows and whose
    weight is positive. A constituent enters once it has a level and a weight
    (it counts from the next row on) and leaves when its level stops. Use
    market caps for sector indices synthesised from industry indices, open
    interest for a futures price index from its contracts.

    Parameters
    ----------
    levels : DataFrame or 2-D array (rows are dates, columns constituents)
        Constituent price or index levels; NaN where a constituent is absent.
    weights : DataFrame or 2-D array, same index and columns as ``levels``
        Weights (market cap, open interest); must be finite and non-negative
        wherever the level is present (NaN there raises); ignored elsewhere.
    base : float, default 100.0
        Level of the first row on which a constituent has a level and a
        positive weight; earlier rows are NaN.
    name : hashable, default "composite"
        Name of the returned Series.

    Returns
    -------
    Series on ``levels``' index (1-D array for array input). A row on which no
    constituent links to the previous valued row (every level missing, say)
    is NaN, and the next row links to the last row with a value.

    Raises
    ------
    ValueError
        Shapes, index or columns that do not match; a level that is not
        finite and positive; a weight that is NaN, negative or infinite where
        the level is present.

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.metrics import composite
    >>> levels = pd.DataFrame({"a": [100.0, 110.0, 121.0], "b": [50.0, 50.0, 45.0]})
    >>> caps = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [3.0, 3.0, 3.0]})
    >>> composite(levels, caps).round(4).tolist()  # +(10 % + 3 x 0 %) / 4, then (10 % - 3 x 10 %) / 4
    [100.0, 102.5, 97.375]
    """
    base = float(base)
    if isinstance(levels, pd.DataFrame) or isinstance(weights, pd.DataFrame):
        weights = pb.same_labels(levels, weights, "levels", "weights")
    lv, labels = pb.values(levels, "levels")
    wv, _ = pb.values(weights, "weights")
    if labels.ndim != 2:
        raise ValueError(f"levels must be 2-D (rows are dates, columns constituents), got {labels.ndim}-D")
    if lv.shape != wv.shape:
        raise ValueError(f"levels and weights must have the same shape, got {lv.shape[::-1]} and {wv.shape[::-1]}")
    nser, t = lv.shape
    nblocks = max(1, -(-t // kr.ROW_BLOCK))
    num = np.empty(t)
    den = np.empty(t)
    present = np.empty(t, dtype=np.bool_)
    bad_level = np.empty((nblocks, nser), dtype=np.int64)
    bad_weight = np.empty((nblocks, nser), dtype=np.int64)
    if t:
        kernel = kr.composite_links if plan.parallel(lv.size) else kr.composite_links_serial
        kernel(lv, wv, num, den, present, bad_level, bad_weight)
        pb.raise_first_bad(_first_per_series(bad_level), lv, labels, "levels", "a finite positive level or NaN")
        pb.raise_first_bad(
            _first_per_series(bad_weight),
            wv,
            labels,
            "weights",
            "a finite non-negative weight where a level is present",
        )
    out = np.empty(t)
    kr.composite_chain(lv, wv, num, den, present, base, out)
    if labels.family == coerce.FRAME:
        return pd.Series(out, index=labels.index, name=name)
    return out


def _first_per_series(bad: np.ndarray) -> np.ndarray:
    """First bad row per series from per-block first bad rows (``-1`` = none)."""
    hit = bad >= 0
    first = np.argmax(hit, axis=0)
    rows = bad[first, np.arange(bad.shape[1])]
    return np.where(hit.any(axis=0), rows, -1)
