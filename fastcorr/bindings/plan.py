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


# Values per stripe handed to a sink (e.g. a Parquet row group): bounds memory.
STRIPE_VALUES = 1 << 22


def pair_tile(n_assets: int) -> int:
    """Columns of one all-pairs tile: wide enough to vectorise, small enough that
    a tile's per-asset tables stay in a core's L2 cache."""
    return max(8, min(128, n_assets))


def row_stripes(n_assets: int, rows: int, bounded: bool) -> list[tuple[int, int]]:
    """Runs of triangle rows ``[i0, i1)`` per kernel call: all rows at once unless
    each stripe's values must fit ``STRIPE_VALUES`` (``bounded``)."""
    if not bounded:
        return [(0, n_assets - 1)] if n_assets > 1 else []
    stripes, i0, size = [], 0, 0
    for i in range(n_assets - 1):
        size += (n_assets - 1 - i) * rows
        if size >= STRIPE_VALUES:
            stripes.append((i0, i + 1))
            i0, size = i + 1, 0
    if i0 < n_assets - 1:
        stripes.append((i0, n_assets - 1))
    return stripes


def pair_stripes(n_pairs: int, rows: int, bounded: bool) -> list[tuple[int, int]]:
    """Runs of an explicit pair list ``[p0, p1)`` per kernel call (see ``row_stripes``)."""
    step = max(1, STRIPE_VALUES // max(rows, 1)) if bounded else max(n_pairs, 1)
    return [(p0, min(p0 + step, n_pairs)) for p0 in range(0, n_pairs, step)]
