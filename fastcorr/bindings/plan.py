"""Choices that do not change results: the compute dtype and the work split."""

from __future__ import annotations

import numpy as np

# Rows per parallel work item: long enough to amortise a scratch allocation,
# short enough that one long series still splits over every thread.
ROWS_PER_ITEM = 1 << 16

# Below this many values a thread pool costs more than it saves (and its
# wake-up makes timings jump by milliseconds).
PARALLEL_MIN_VALUES = 1 << 18


def compute_dtype(*arrays: np.ndarray) -> np.dtype:
    """float32 only when every input is float32 (accumulation is float64 anyway)."""
    if all(a.dtype == np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def blocks_per_item(window: int) -> int:
    """Blocks of ``window`` rows handed to one work item.

    Any value gives bitwise the same result: each block depends only on itself
    and the block before it.
    """
    return max(1, ROWS_PER_ITEM // window)


def parallel(values: int) -> bool:
    """Whether a call over ``values`` points runs on the thread pool."""
    return values >= PARALLEL_MIN_VALUES
