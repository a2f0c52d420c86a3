"""Bindings for the metrics: period bins of a DatetimeIndex, argument checks, error messages, relabelling.

Every check names the argument, the value and what was expected. Nothing here
loops over data: values are handed to ``fastcorr.kernels.reducers`` once, and
the kernels report the first value they reject (``bad`` arrays), which
:func:`raise_first_bad` turns into a message naming the column and the date.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fastcorr.bindings import coerce
from fastcorr.kernels.reducers import ARITHMETIC, GEOMETRIC, NONE

ANNUALIZE = {"geometric": GEOMETRIC, "arithmetic": ARITHMETIC, "none": NONE}

# Offsets whose resample bins are calendar periods: binned with Period codes,
# about ten times faster than a resample of the index (which costs ~2.5 ms).
_PERIOD_OFFSETS = (pd.offsets.MonthEnd, pd.offsets.QuarterEnd, pd.offsets.YearEnd, pd.offsets.Week, pd.offsets.Day)


# The moments kernel runs at about 0.6 ns a value (vectorised, cache-resident): below ~8 M
# values (5 ms) a parallel region gains under a millisecond on an idle machine, and on a busy one
# its barrier can wait a whole scheduler time slice for a descheduled thread (measured: 5 ms
# instead of 0.7 ms for 5,000 x 240 with another process on one of two cores). Either driver
# gives the same bits, so this only moves time.
MOMENTS_PARALLEL_MIN_VALUES = 1 << 23


def moments_parallel(values: int) -> bool:
    """Whether ``column_moments`` over ``values`` points runs on the thread pool."""
    return values >= MOMENTS_PARALLEL_MIN_VALUES


# --- values and labels ----------------------------------------------------------------------


def values(obj: Any, argname: str) -> tuple[np.ndarray, coerce.Labels]:
    """``coerce.coerce`` with a fast path for pandas objects whose values are already float.

    ``coerce`` inspects every column's dtype and asks pandas for
    ``na_value=nan``, which scans every value for pandas NA: 0.6 ms and 5 ms
    on a 5,000-column frame, more than the kernels take. A float numpy array
    cannot hold pandas NA, so when pandas hands one back it is used as is.
    """
    if isinstance(obj, pd.DataFrame) and obj.shape[1] > 0:
        arr = obj.to_numpy()
        if arr.dtype in (np.float64, np.float32):
            return np.ascontiguousarray(arr.T), coerce.Labels(coerce.FRAME, 2, index=obj.index, columns=obj.columns)
    elif isinstance(obj, pd.Series):
        arr = obj.to_numpy()
        if arr.dtype in (np.float64, np.float32):
            return np.ascontiguousarray(arr[None, :]), coerce.Labels(coerce.SERIES, 1, index=obj.index, name=obj.name)
    return coerce.coerce(obj, argname)


def column_labels(labels: coerce.Labels, nser: int) -> pd.Index:
    """Names of the series: a frame's columns, a Series' name, else positions."""
    if labels.columns is not None:
        return labels.columns
    if labels.family == coerce.SERIES:
        return pd.Index([labels.name])
    return pd.RangeIndex(nser)


def row_label(labels: coerce.Labels, row: int) -> Any:
    """The index label of a row (its position when there is no index)."""
    return labels.index[row] if labels.index is not None else row


def per_series(out: np.ndarray, labels: coerce.Labels, name: str) -> Any:
    """A reduction (one value per series) back to the input's family.

    DataFrame: Series indexed by the columns; Series, Arrow array or 1-D
    array: a float; 2-D array: a 1-D array.
    """
    if labels.family == coerce.FRAME:
        return pd.Series(out, index=labels.columns, name=name)
    if labels.family == coerce.NDARRAY and labels.ndim == 2:
        return out
    return float(out[0])


def per_period(out: np.ndarray, labels: coerce.Labels, index: pd.Index) -> pd.Series | pd.DataFrame:
    """An ``(N, K)`` kernel output as a DataFrame (Series for Series input) on the period labels."""
    if labels.family == coerce.SERIES:
        return pd.Series(out[0], index=index, name=labels.name, copy=False)
    return pd.DataFrame(out.T, index=index, columns=labels.columns, copy=False)


def raise_first_bad(
    bad: np.ndarray,
    data: np.ndarray,
    labels: coerce.Labels,
    argname: str,
    expected: str,
    rows: np.ndarray | None = None,
) -> None:
    """Raise ``ValueError`` for the first series whose ``bad`` entry is not -1.

    ``bad[i]`` is a position in row ``i`` of ``data`` (``(N, T)``, the input's
    values), reported with the column label and the row's index label.
    """
    hit = np.flatnonzero(bad >= 0)
    if hit.size == 0:
        return
    i = int(hit[0])
    j = int(bad[i])
    where = row_label(labels, j)
    column = column_labels(labels, data.shape[0])[i]
    raise ValueError(
        f"{argname} must be {expected}; got {float(data[i, j])!r} in column {column!r} at {where!r}"
        f" ({hit.size} column(s) affected)"
    )


# --- periods --------------------------------------------------------------------------------


def datetime_index(obj: Any, argname: str) -> pd.DatetimeIndex:
    """The index of a pandas object: a sorted DatetimeIndex without NaT or duplicates."""
    if not isinstance(obj, (pd.Series, pd.DataFrame)):
        raise TypeError(
            f"{argname} must be a pandas Series or DataFrame with a DatetimeIndex, got {type(obj).__name__}"
        )
    index = obj.index
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"{argname} must have a DatetimeIndex, got {type(index).__name__}")
    if index.hasnans:
        raise ValueError(f"{argname} has NaT in its index at position {int(np.flatnonzero(index.isna())[0])}")
    if not index.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(index.asi8) < 0)[0]) + 1
        raise ValueError(
            f"{argname} must have a sorted DatetimeIndex, got {index[pos]!r} after {index[pos - 1]!r} "
            "(sort it with .sort_index())"
        )
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise ValueError(f"{argname} must have unique dates, got {dup!r} more than once")
    return index


def offset(freq: Any, argname: str = "freq") -> pd.DateOffset:
    """A pandas frequency (``"ME"``, ``"QE"``, ``"W-FRI"``, an offset object, ...)."""
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{argname} must be a pandas frequency such as 'ME', 'QE', 'YE' or 'W', got {freq!r}") from err


def bins(index: pd.DatetimeIndex, freq: pd.DateOffset) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """``(labels, bounds)`` of the periods of ``freq`` spanned by a sorted ``index``.

    Period ``k`` (label ``labels[k]``) holds rows ``bounds[k] .. bounds[k+1] - 1``;
    labels and membership are those of ``Series.resample(freq)``, empty
    periods included.
    """
    n = len(index)
    if n == 0:
        return pd.DatetimeIndex([], dtype=index.dtype, freq=None), np.zeros(1, dtype=np.int64)
    if (
        isinstance(freq, _PERIOD_OFFSETS)
        and freq.n == 1
        and index.tz is None
        and not (isinstance(freq, pd.offsets.Week) and freq.weekday is None)
    ):
        codes = index.to_period(freq).asi8
        ordinals = np.arange(codes[0], codes[-1] + 1)
        bounds = np.empty(len(ordinals) + 1, dtype=np.int64)
        bounds[:-1] = np.searchsorted(codes, ordinals, side="left")
        bounds[-1] = n
        periods = pd.PeriodIndex.from_ordinals(ordinals, freq=index[:1].to_period(freq).freq)
        stamps = periods.to_timestamp(how="end").normalize().as_unit(index.unit)
        return pd.DatetimeIndex(stamps, freq=freq), bounds
    counts = pd.Series(np.zeros(n, dtype=np.int8), index=index).resample(freq).size()
    bounds = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts.to_numpy(), out=bounds[1:])
    return pd.DatetimeIndex(counts.index), bounds


# --- argument checks ------------------------------------------------------------------------


def choice(value: Any, argname: str, options: Mapping[str, Any] | tuple[str, ...]) -> str:
    """One of ``options`` (strings)."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{argname} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def positive_number(value: Any, argname: str) -> float:
    """A finite positive real number (bool is not accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argname} must be a positive number, got {value!r} of type {type(value).__name__}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{argname} must be a finite positive number, got {value!r}")
    return float(value)


def count(value: Any, argname: str) -> int:
    """A non-negative integer (bool is not accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argname} must be a non-negative integer, got {value!r} of type {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{argname} must be a non-negative integer, got {value!r}")
    return int(value)


def risk_free(rf: Any, periods: float, labels: coerce.Labels, length: int) -> float | np.ndarray:
    """The risk-free rate per period: a float, or a float64 array of length ``length``.

    A number is an annual rate (above -100 %, negative rates allowed),
    converted to ``(1 + rf) ** (1 / periods) - 1`` (returned as a float). A
    Series is a rate per period, taken at the returns' dates (every date must
    be there); a 1-D array is a rate per period, one per row.
    """
    if isinstance(rf, numbers.Real) and not isinstance(rf, bool):
        if not (math.isfinite(rf) and rf > -1.0):
            raise ValueError(f"rf must be a finite annual rate above -1 (-100 %), got {rf!r}")
        return math.expm1(math.log1p(float(rf)) / periods)
    if isinstance(rf, pd.Series):
        if labels.index is None:
            raise TypeError("rf can be a Series only when returns is a pandas object; pass a 1-D array")
        missing = labels.index.difference(rf.index)
        if len(missing):
            raise ValueError(
                f"rf must have a rate for every date of returns; {len(missing)} missing, first {missing[0]!r}"
            )
        if not rf.index.is_unique:
            raise ValueError("rf must have unique dates")
        arr = np.asarray(rf.reindex(labels.index).to_numpy(dtype=np.float64, na_value=np.nan))
    elif isinstance(rf, (np.ndarray, list, tuple)):
        arr = np.asarray(rf, dtype=np.float64)
        if arr.shape != (length,):
            raise ValueError(f"rf as an array must have shape ({length},) (one rate per row), got {arr.shape}")
    else:
        raise TypeError(f"rf must be a number (annual rate), a Series or a 1-D array, got {type(rf).__name__}")
    bad = np.flatnonzero(~(np.isfinite(arr) & (arr > -1.0)))
    if bad.size:
        where = row_label(labels, int(bad[0]))
        raise ValueError(f"rf must be finite and above -1 at every row; got {float(arr[bad[0]])!r} at {where!r}")
    return np.ascontiguousarray(arr)


def same_labels(a: Any, b: Any, aname: str, bname: str) -> Any:
    """``b`` with the columns in ``a``'s order; index and column sets must match exactly."""
    if isinstance(a, pd.DataFrame) != isinstance(b, pd.DataFrame):
        raise TypeError(
            f"{aname} and {bname} must both be DataFrames or both be Series, "
            f"got {type(a).__name__} and {type(b).__name__}"
        )
    if not a.index.equals(b.index):
        extra = b.index.difference(a.index)
        lacking = a.index.difference(b.index)
        detail = f"first date only in {bname}: {extra[0]!r}" if len(extra) else ""
        if len(lacking):
            detail = f"first date only in {aname}: {lacking[0]!r}"
        if not detail:
            detail = "same dates in a different order"
        raise ValueError(
            f"{aname} and {bname} must have the same index ({len(a.index)} and {len(b.index)} rows; {detail}); "
            f"align them first, e.g. {bname}.reindex({aname}.index).ffill()"
        )
    if isinstance(a, pd.DataFrame):
        if not a.columns.is_unique:
            raise ValueError(f"{aname} must have unique column labels")
        if set(a.columns) != set(b.columns) or len(a.columns) != len(b.columns):
            only_a = [c for c in a.columns if c not in b.columns]
            only_b = [c for c in b.columns if c not in a.columns]
            raise ValueError(
                f"{aname} and {bname} must have the same columns; only in {aname}: {only_a[:5]!r}, "
                f"only in {bname}: {only_b[:5]!r}"
            )
        if not a.columns.equals(b.columns):
            b = b[a.columns]
    return b


def weight_vector(weights: Any, columns: pd.Index) -> np.ndarray:
    """Static weights per column: finite, non-negative, one per column (a Series, dict or 1-D array)."""
    if isinstance(weights, Mapping):
        weights = pd.Series(weights, dtype=np.float64)
    if isinstance(weights, pd.Series):
        missing = [c for c in columns if c not in weights.index]
        if missing:
            raise ValueError(f"weights must have a weight for every column; missing {missing[:5]!r}")
        extra = [c for c in weights.index if c not in columns]
        if extra:
            raise ValueError(f"weights has labels that are not columns of traded_value: {extra[:5]!r}")
        arr = weights.reindex(columns).to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(weights, (np.ndarray, list, tuple)):
        arr = np.asarray(weights, dtype=np.float64)
        if arr.shape != (len(columns),):
            raise ValueError(f"weights must have one weight per column, shape ({len(columns)},), got {arr.shape}")
    else:
        raise TypeError(f"weights must be a Series, a dict or a 1-D array, got {type(weights).__name__}")
    bad = np.flatnonzero(~(np.isfinite(arr) & (arr >= 0.0)))
    if bad.size:
        raise ValueError(
            f"weights must be finite and non-negative; got {float(arr[bad[0]])!r} for column {columns[bad[0]]!r}"
        )
    return np.ascontiguousarray(arr)


def group_codes(
    groups: Mapping[Hashable, Hashable] | pd.Series | None, columns: pd.Index
) -> tuple[np.ndarray, pd.Index]:
    """``(codes, names)``: the group of each column as an integer, and the group names in first-seen order.

    ``groups`` maps every column to a group (a dict or a Series indexed by
    column); ``None`` puts every column in one group named ``"all"``.
    """
    if groups is None:
        return np.zeros(len(columns), dtype=np.int64), pd.Index(["all"])
    if isinstance(groups, pd.Series):
        groups = groups.to_dict()
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a mapping column -> group (dict or Series), got {type(groups).__name__}")
    missing = [c for c in columns if c not in groups]
    if missing:
        raise ValueError(f"groups must map every column to a group; missing {missing[:5]!r}")
    extra = [c for c in groups if c not in set(columns)]
    if extra:
        raise ValueError(f"groups has labels that are not columns: {extra[:5]!r}")
    codes, names = pd.factorize(pd.Series([groups[c] for c in columns], dtype=object), sort=False)
    if (codes < 0).any():
        raise ValueError(f"groups must not map a column to a missing group; column {columns[int(np.argmin(codes))]!r}")
    return codes.astype(np.int64), pd.Index(names)
