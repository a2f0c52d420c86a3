"""Options, time decay and kernel runs of the exponentially weighted and expanding statistics.

pandas vocabulary and pandas' own arithmetic for the decay: ``com``, ``span``,
``halflife`` and ``alpha`` all become a centre of mass first, then
``alpha = 1 / (1 + com)``, so the weights are pandas' to the last bit.
"""

from __future__ import annotations

import datetime
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fastcorr.bindings import coerce, plan, relabel, validate
from fastcorr.bindings.periods import count
from fastcorr.kernels._moments import MEAN
from fastcorr.kernels.ewm import ADJUST, IRREGULAR, NSTATE, RECURSIVE, ewm_2d, ewm_2d_serial
from fastcorr.kernels.expanding import expanding_2d, expanding_2d_serial

# Rows per expanding block: the carry chain has T / EXPANDING_BLOCK links, and
# each block is a parallel work item.
EXPANDING_BLOCK = 4096

_DURATION = (str, datetime.timedelta, np.timedelta64)


@dataclass(frozen=True)
class Decay:
    """How weights decay: per row by ``decay``, or by ``decay ** (dt / halflife_ns)`` with times."""

    decay: float
    new_weight: float
    adjust: bool
    unit_com: bool
    halflife_ns: float | None
    ignore_na: bool
    min_periods: int


def _real(value: Any, argname: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argname} must be a number, got {value!r} of type {type(value).__name__}")
    return float(value)


def flag(value: Any, argname: str) -> bool:
    """A bool (numpy bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argname} must be True or False, got {value!r} of type {type(value).__name__}")
    return bool(value)


def _center_of_mass(com: Any, span: Any, halflife: Any, alpha: Any) -> float:
    given = {k: v for k, v in (("com", com), ("span", span), ("halflife", halflife), ("alpha", alpha)) if v is not None}
    if len(given) > 1:
        shown = ", ".join(f"{k}={v!r}" for k, v in given.items())
        raise ValueError(f"com, span, halflife and alpha are mutually exclusive, got {shown}")
    if com is not None:
        value = _real(com, "com")
        if not value >= 0:
            raise ValueError(f"com must be >= 0, got {com!r}")
        return value
    if span is not None:
        value = _real(span, "span")
        if not value >= 1:
            raise ValueError(f"span must be >= 1, got {span!r}")
        return (value - 1) / 2
    if halflife is not None:
        if isinstance(halflife, _DURATION):
            raise TypeError(f"halflife must be a number when times is not given, got {halflife!r}")
        value = _real(halflife, "halflife")
        if not value > 0:
            raise ValueError(f"halflife must be > 0, got {halflife!r}")
        return 1 / (1 - np.exp(np.log(0.5) / value)) - 1
    if alpha is not None:
        value = _real(alpha, "alpha")
        if not 0 < value <= 1:
            raise ValueError(f"alpha must satisfy 0 < alpha <= 1, got {alpha!r}")
        return (1 - value) / value
    raise ValueError("one of com, span, halflife or alpha is required")


def _halflife_ns(halflife: Any) -> float:
    if not isinstance(halflife, _DURATION):
        raise TypeError(
            f"halflife must be a duration (such as '2D' or pd.Timedelta) when times is given, "
            f"got {halflife!r} of type {type(halflife).__name__}"
        )
    try:
        ns = pd.Timedelta(halflife).as_unit("ns").value
    except ValueError as err:
        raise ValueError(f"halflife must be a duration such as '2D', got {halflife!r}") from err
    if not ns > 0:
        raise ValueError(f"halflife must be a positive duration, got {halflife!r}")
    return float(ns)


def options(
    com: Any, span: Any, halflife: Any, alpha: Any, timed: bool, min_periods: Any, adjust: Any, ignore_na: Any
) -> Decay:
    """Validate the decay options (``timed``: times are given) as pandas' ``ewm`` does."""
    adjust = flag(adjust, "adjust")
    ignore_na = flag(ignore_na, "ignore_na")
    min_periods = count(min_periods, "min_periods")
    halflife_ns = None
    if timed:
        if halflife is None:
            raise ValueError("halflife (a duration such as '2D') is required when times is given")
        halflife_ns = _halflife_ns(halflife)
        if (com, span, alpha) != (None, None, None) and not adjust:
            raise ValueError("com, span and alpha cannot be combined with times when adjust=False")
        com = 1.0 if (com, span, alpha) == (None, None, None) else _center_of_mass(com, span, None, alpha)
    else:
        com = _center_of_mass(com, span, halflife, alpha)
    alpha = 1.0 / (1.0 + com)
    return Decay(1.0 - alpha, 1.0 if adjust else alpha, adjust, com == 1.0, halflife_ns, ignore_na, max(min_periods, 1))


def time_values(times: Any, length: int) -> np.ndarray:
    """``times`` as float64 nanoseconds (pandas' arithmetic), checked: one per row, no NaT, non-decreasing."""
    dtype = getattr(times, "dtype", None)
    if dtype is None:
        times = np.asarray(times)
        dtype = times.dtype
    if not (np.issubdtype(dtype, np.datetime64) or isinstance(dtype, pd.DatetimeTZDtype)):
        raise TypeError(f"times must hold datetime64 values (a DatetimeIndex, Series or array), got dtype {dtype}")
    index = pd.DatetimeIndex(times)
    if len(index) != length:
        raise ValueError(f"times must have one entry per row: got {len(index)} times for {length} rows")
    if index.hasnans:
        raise ValueError(f"times must not hold NaT, found at position {int(np.flatnonzero(index.isna())[0])}")
    ns = index.as_unit("ns").asi8
    back = np.flatnonzero(np.diff(ns) < 0)
    if len(back):
        i = int(back[0]) + 1
        raise ValueError(f"times must be non-decreasing, got times[{i}]={index[i]} after {index[i - 1]}")
    return ns.astype(np.float64)


def deltas(opts: Decay, times_ns: np.ndarray | None, previous_ns: float | None = None) -> np.ndarray:
    """Per-row time since the previous row over the half-life (empty without times)."""
    if opts.halflife_ns is None or times_ns is None or len(times_ns) == 0:
        return np.empty(0)
    before = times_ns[:1] if previous_ns is None else np.array([previous_ns])
    return np.diff(times_ns, prepend=before) / opts.halflife_ns


def pair(x: Any, y: Any) -> tuple[np.ndarray, coerce.Labels, np.ndarray, coerce.Labels, pd.Index | None, Any]:
    """Coerce two arguments as the rolling functions do: aligned, the 2-D one (if any) first.

    Returns ``(xv, xl, yv, yl, keep, name)``: ``keep`` is what ``coerce.align``
    says to reindex to, ``name`` the common name of two Series.
    """
    x, y, keep = coerce.align(x, y)
    xv, xl = coerce.coerce(x, "x")
    yv, yl = coerce.coerce(y, "y")
    validate.pair_shapes(xl.ndim, xv.shape, yl.ndim, yv.shape)
    if yl.ndim == 2:
        # Every statistic of a pair is symmetric: put the 2-D argument first.
        xv, xl, yv, yl = yv, yl, xv, xl
    return xv, xl, yv, yl, keep, xl.name if xl.name == yl.name else None


def unpair(out: np.ndarray, labels: coerce.Labels, name: Any, keep: pd.Index | None) -> Any:
    """The result of a pair in the family of its first (2-D) argument."""
    result = relabel.relabel(out, labels, name=name)
    return result if keep is None else result.reindex(keep)


def _indices(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(x.shape[0], dtype=np.int64)
    return rows, (np.zeros_like(rows) if y.shape[0] == 1 else rows)


def _mode(opts: Decay, stat: int) -> int:
    """How observations join; pandas' mean (only) steps irregularly when ``adjust=False`` and ``com == 1``.

    With times that is every statistic's rule: ``adjust=False`` then implies ``com == 1``.
    """
    if opts.adjust:
        return ADJUST
    if opts.unit_com and (stat == MEAN or opts.halflife_ns is not None):
        return IRREGULAR
    return RECURSIVE


def run_ewm(
    stat: int,
    x: np.ndarray,
    y: np.ndarray,
    opts: Decay,
    row_deltas: np.ndarray,
    bias: bool,
    state: np.ndarray | None = None,
    pos0: int = 0,
) -> np.ndarray:
    """Run the EWM kernel on ``(N, T)`` arrays (``y`` with one row: against every row of ``x``).

    ``state`` (``(N, NSTATE)``, zeros for a fresh start) is updated in place;
    ``pos0`` is the absolute position of column 0. Returns ``(N, T)``.
    """
    ix, iy = _indices(x, y)
    dtype = plan.compute_dtype(x, y)
    x = np.ascontiguousarray(x, dtype=dtype)
    y = np.ascontiguousarray(y, dtype=dtype)
    mode = _mode(opts, stat)
    state = np.zeros((x.shape[0], NSTATE)) if state is None else state
    out = np.empty(x.shape, dtype=dtype)
    kernel = ewm_2d if x.shape[0] > 1 and plan.parallel(out.size) else ewm_2d_serial
    kernel(x, ix, y, iy, np.ascontiguousarray(row_deltas, dtype=np.float64), opts.decay, opts.new_weight, mode,
           opts.ignore_na, opts.min_periods, stat, bias, pos0, state, out)  # fmt: skip
    return out


def run_expanding(stat: int, x: np.ndarray, y: np.ndarray, min_periods: int, ddof: int) -> np.ndarray:
    """Run the expanding kernel on ``(N, T)`` arrays; returns ``(N, T)``."""
    ix, iy = _indices(x, y)
    dtype = plan.compute_dtype(x, y)
    x = np.ascontiguousarray(x, dtype=dtype)
    y = np.ascontiguousarray(y, dtype=dtype)
    out = np.empty(x.shape, dtype=dtype)
    min_periods = min(min_periods, x.shape[1] + 1)
    kernel = expanding_2d if plan.parallel(out.size) else expanding_2d_serial
    kernel(x, ix, y, iy, stat, min_periods, ddof, EXPANDING_BLOCK, out)
    return out
