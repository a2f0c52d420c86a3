"""Slow, obviously correct oracles for ``fastcorr.metrics``: one column, one period at a time.

Moments are two-pass with ``math.fsum`` on values shifted by one of their own
(``naive.centred``); compounding uses exact rational arithmetic when the number
of periods per year is an integer; sums of traded values and weighted sums use
``math.fsum``. Periods come from pandas' own ``resample`` groups, so these
oracles also pin the labels and membership of a period to pandas' meaning.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import naive
import numpy as np
import pandas as pd


def moments(x: np.ndarray, ddof: int = 1, min_periods: int = 2) -> tuple[int, float, float]:
    """``(n, mean, std)`` of the non-NaN values of ``x``; NaN below ``max(min_periods, 1)`` values."""
    v = np.asarray(x, dtype=np.float64)
    v = v[~np.isnan(v)]
    n = len(v)
    if n < max(min_periods, 1):
        return n, math.nan, math.nan
    mean = v[0] + math.fsum(v - v[0]) / n
    c = naive.centred(v)
    m2 = math.fsum(c * c)
    std = math.sqrt(m2 / (n - ddof)) if n - ddof > 0 else math.nan
    return n, mean, std


def growth(mean: float, periods: float, mode: str) -> float:
    """Annualised return from a mean per-period return; exact compounding for integer ``periods``."""
    if math.isnan(mean):
        return math.nan
    if mode == "geometric":
        if mean < -1.0:
            return math.nan
        if float(periods).is_integer():
            exact = (1 + Fraction(mean)) ** int(periods) - 1
            return float(exact) if exact < Fraction(2) ** 1024 else math.inf
        with np.errstate(over="ignore"):  # inf, as the compiled kernel gives
            return float(np.float64(1.0 + mean) ** periods - 1.0)
    if mode == "arithmetic":
        return mean * periods
    return mean


def sharpe_column(
    x: np.ndarray,
    periods: float = 12,
    rf: float | np.ndarray = 0.0,
    mode: str = "geometric",
    ddof: int = 1,
    min_periods: int = 2,
) -> float:
    """The Sharpe ratio of one column: ``rf`` is per period (a number or one per row)."""
    e = np.asarray(x, dtype=np.float64) - rf
    _, mean, std = moments(e, ddof, min_periods)
    if not std > 0:
        return math.nan
    scale = 1.0 if mode == "none" else math.sqrt(periods)
    return growth(mean, periods, mode) / (std * scale)


def rf_per_period(rf: float, periods: float) -> float:
    """An annual rate as a rate per period, ``(1 + rf) ** (1 / periods) - 1``."""
    return (1.0 + rf) ** (1.0 / periods) - 1.0


def rolling_sharpe(
    x: np.ndarray, window: int, min_periods: int | None, periods: float, mode: str, ddof: int = 1
) -> np.ndarray:
    """:func:`sharpe_column` of every window of the last ``window`` rows."""
    x = np.asarray(x, dtype=np.float64)
    need = window if min_periods is None else min_periods
    out = np.full(len(x), math.nan)
    for i in range(len(x)):
        w = x[max(0, i - window + 1) : i + 1]
        out[i] = sharpe_column(w, periods, 0.0, mode, ddof, max(need, 1))
    return out


def _groups(s: pd.Series, freq: Any) -> list[tuple[pd.Timestamp, pd.Series]]:
    return list(s.resample(freq))


def _last(g: pd.Series) -> float:
    v = g.to_numpy(dtype=np.float64)
    v = v[~np.isnan(v)]
    return float(v[-1]) if len(v) else math.nan


def period_returns(prices: pd.DataFrame, freq: Any = "ME", method: str = "simple") -> pd.DataFrame:
    """Period returns column by column: last non-NaN price per period, exact ratio rounded once."""
    cols = {}
    labels = None
    for c in prices.columns:
        groups = _groups(prices[c], freq)
        labels = [lab for lab, _ in groups]
        last = [_last(g) for _, g in groups]
        out = []
        for k, cur in enumerate(last):
            prev = last[k - 1] if k else math.nan
            if math.isnan(prev) or math.isnan(cur):
                out.append(math.nan)
                continue
            r = float((Fraction(cur) - Fraction(prev)) / Fraction(prev))
            out.append(math.log1p(r) if method == "log" else r)
        cols[c] = out
    return pd.DataFrame(cols, index=pd.DatetimeIndex(labels), columns=prices.columns)


def turnover(
    value: pd.DataFrame, size: pd.DataFrame, freq: Any, method: str, size_basis: str = "end", days: float = 22
) -> pd.DataFrame:
    """Turnover by method ``ratio``, ``annual`` or ``daily_average``, column by column with ``math.fsum``."""
    cols = {}
    labels = None
    for c in value.columns:
        gv = _groups(value[c], freq)
        gs = _groups(size[c].reindex(value.index), freq)
        labels = [lab for lab, _ in gv]
        out = []
        for (_, a), (_, b) in zip(gv, gs, strict=True):
            va = a.to_numpy(dtype=np.float64)
            vb = b.to_numpy(dtype=np.float64)
            if method == "daily_average":
                ok = ~np.isnan(va) & ~np.isnan(vb)
                out.append(math.fsum(va[ok] / vb[ok]) / ok.sum() * days if ok.any() else math.nan)
                continue
            present = va[~np.isnan(va)]
            traded = math.fsum(present) if len(present) else math.nan
            sizes = vb[~np.isnan(vb)]
            if not len(sizes):
                out.append(math.nan)
                continue
            sz = math.fsum(sizes) / len(sizes) if size_basis == "mean" else sizes[-1]
            ratio = traded / sz
            out.append(ratio / 12.0 if method == "annual" else ratio)
        cols[c] = out
    return pd.DataFrame(cols, index=pd.DatetimeIndex(labels), columns=value.columns)


def weighted_turnover(
    value: pd.DataFrame, oi: pd.DataFrame, freq: Any, weights: dict[Any, float], groups: dict[Any, Any] | None
) -> pd.DataFrame:
    """``sum_i w_i V_i / sum_i w_i OI_i`` per group and period, contracts with both values present."""
    groups = groups or {c: "all" for c in value.columns}
    names = list(dict.fromkeys(groups[c] for c in value.columns))
    per = {}
    labels = None
    for c in value.columns:
        gv = _groups(value[c], freq)
        go = _groups(oi[c].reindex(value.index), freq)
        labels = [lab for lab, _ in gv]
        vs = []
        for _, a in gv:
            present = a.to_numpy(dtype=np.float64)
            present = present[~np.isnan(present)]
            vs.append(math.fsum(present) if len(present) else math.nan)
        per[c] = (vs, [_last(b) for _, b in go])
    out = {}
    for g in names:
        members = [c for c in value.columns if groups[c] == g]
        col = []
        for k in range(len(labels)):
            num = [
                weights[c] * per[c][0][k] for c in members if not (math.isnan(per[c][0][k]) or math.isnan(per[c][1][k]))
            ]
            den = [
                weights[c] * per[c][1][k] for c in members if not (math.isnan(per[c][0][k]) or math.isnan(per[c][1][k]))
            ]
            d = math.fsum(den)
            col.append(math.fsum(num) / d if d > 0 else math.nan)
        out[g] = col
    return pd.DataFrame(out, index=pd.DatetimeIndex(labels), columns=pd.Index(names))


def composite(levels: np.ndarray, weights: np.ndarray, base: float = 100.0) -> np.ndarray:
    """The chain-linked composite, row by row (``levels``, ``weights``: ``(T, N)``)."""
    lv = np.asarray(levels, dtype=np.float64)
    wv = np.asarray(weights, dtype=np.float64)
    t_rows, nser = lv.shape
    out = np.full(t_rows, math.nan)
    p = -1
    for t in range(t_rows):
        if p < 0:
            if any(not math.isnan(lv[t, i]) and wv[t, i] > 0 for i in range(nser)):
                out[t] = base
                p = t
            continue
        num, den = [], []
        for i in range(nser):
            lp, lt, wp = lv[p, i], lv[t, i], wv[p, i]
            if not math.isnan(lp) and not math.isnan(lt) and wp > 0:
                num.append(wp * ((lt - lp) / lp))
                den.append(wp)
        d = math.fsum(den)
        if d > 0:
            out[t] = out[p] * (1.0 + math.fsum(num) / d)
            p = t
    return out
