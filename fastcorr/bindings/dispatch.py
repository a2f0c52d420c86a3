"""Pick the kernel, allocate the output with numpy, run it."""

from __future__ import annotations

import numpy as np

from fastcorr.bindings import plan
from fastcorr.kernels.rolling import rolling_2d, rolling_2d_serial


def rolling(stat: int, x: np.ndarray, y: np.ndarray, window: int, min_periods: int, ddof: int) -> np.ndarray:
    """Run the rolling kernel on ``(N, T)`` arrays; returns an ``(N, T)`` array.

    ``y`` has one row (shared by every row of ``x``) or as many rows as ``x``.
    """
    # A window longer than the series is that series: clamping keeps numba's
    # integers in range for any Python int and changes no result.
    window = min(window, max(x.shape[1], 1))
    min_periods = min(min_periods, x.shape[1] + 1)
    dtype = plan.compute_dtype(x, y)
    x = np.ascontiguousarray(x, dtype=dtype)
    y = np.ascontiguousarray(y, dtype=dtype)
    out = np.empty(x.shape, dtype=dtype)
    if plan.parallel(x.size):
        rolling_2d(x, y, window, min_periods, ddof, stat, plan.blocks_per_item(window), out)
    else:
        rolling_2d_serial(x, y, window, min_periods, ddof, stat, out)
    return out
