"""Argument checks. Every error names the argument, the value and what was expected."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def window(value: Any) -> int:
    """A count window: a positive integer (bool is not accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"window must be a positive integer, got {value!r} of type {type(value).__name__}")
    if value < 1:
        raise ValueError(f"window must be a positive integer, got {value!r}")
    return int(value)


def min_periods(value: Any, window: int) -> int:
    """``None`` means the window; otherwise an integer in ``[0, window]``."""
    if value is None:
        return window
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"min_periods must be None or an integer, got {value!r} of type {type(value).__name__}")
    if not 0 <= value <= window:
        raise ValueError(f"min_periods must be between 0 and window={window}, got {value!r}")
    return int(value)


def ddof(value: Any) -> int:
    """Delta degrees of freedom: a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"ddof must be a non-negative integer, got {value!r} of type {type(value).__name__}")
    if value < 0:
        raise ValueError(f"ddof must be a non-negative integer, got {value!r}")
    return int(value)


def pair_shapes(x_ndim: int, x_shape: tuple[int, int], y_ndim: int, y_shape: tuple[int, int]) -> None:
    """x and y must have the same length; at most one of them may be 2-D."""
    if x_ndim == 2 and y_ndim == 2:
        raise ValueError(
            "x and y are both 2-D: pair columns explicitly with "
            "fastcorr.rolling_corr_pairs(frame, pairs, window) (or rolling_cov_pairs)"
        )
    if x_shape[1] != y_shape[1]:
        raise ValueError(f"x and y must have the same length, got {x_shape[1]} and {y_shape[1]}")


def unique_columns(columns: list[Any]) -> None:
    """A universe's column labels must be unique (pairs are named by them)."""
    seen: set[Any] = set()
    duplicated = [c for c in columns if c in seen or seen.add(c)]
    if duplicated:
        raise ValueError(f"frame has duplicate column labels: {sorted(set(map(repr, duplicated)))}")


def pairs(value: Any, columns: list[Any], by_label: bool) -> tuple[np.ndarray, np.ndarray]:
    """``[(a, b), ...]`` of column labels (or positions) -> two int64 position arrays."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"pairs must be a sequence of (a, b) pairs, got {type(value).__name__}")
    position = {c: i for i, c in enumerate(columns)}
    ia, ib = [], []
    for item in value:
        if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
            raise ValueError(f"pairs must hold (a, b) pairs, got {item!r}")
        for label, sink in zip(item, (ia, ib), strict=True):
            if by_label:
                if label not in position:
                    raise KeyError(f"pairs: {label!r} is not a column of frame")
                sink.append(position[label])
            else:
                if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not 0 <= label < len(columns):
                    raise KeyError(f"pairs: {label!r} is not a column position in [0, {len(columns)})")
                sink.append(int(label))
    return np.array(ia, dtype=np.int64), np.array(ib, dtype=np.int64)


def reducers(value: Any, known: tuple[str, ...]) -> set[str]:
    """Reducer names, each one of ``known``."""
    names = [value] if isinstance(value, str) else list(value)
    unknown = [r for r in names if r not in known]
    if unknown:
        raise ValueError(f"reducers must be among {list(known)}, got {unknown}")
    return set(names)


def sweep_options(quantiles: Any, bins: Any, k: Any) -> None:
    """Quantile levels in [0, 1], a positive number of bins and of top pairs."""
    levels = list(quantiles)
    if not all(isinstance(q, numbers.Real) and 0.0 <= q <= 1.0 for q in levels):
        raise ValueError(f"quantiles must be levels in [0, 1], got {levels!r}")
    for name, number in (("bins", bins), ("k", k)):
        if isinstance(number, bool) or not isinstance(number, numbers.Integral) or number < 1:
            raise ValueError(f"{name} must be a positive integer, got {number!r}")
