"""Argument checks. Every error names the argument, the value and what was expected."""

from __future__ import annotations

import numbers
from typing import Any


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
