"""Kernel output back into the family the input came from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from fastcorr.bindings.coerce import ARROW, CHUNKED, FRAME, NDARRAY, SERIES, Labels


def relabel(out: np.ndarray, labels: Labels, name: Any = None) -> Any:
    """Wrap an ``(N, T)`` result like the input described by ``labels``.

    Arrow results mark missing values (NaN) as null, the Arrow convention.
    """
    if labels.family == SERIES:
        return pd.Series(out[0], index=labels.index, name=name, copy=False)
    if labels.family == FRAME:
        return pd.DataFrame(out.T, index=labels.index, columns=labels.columns, copy=False)
    if labels.family == NDARRAY:
        return out[0] if labels.ndim == 1 else out.T
    if labels.family in (ARROW, CHUNKED):
        arr = pa.array(out[0], from_pandas=True)
        return pa.chunked_array([arr]) if labels.family == CHUNKED else arr
    raise AssertionError(f"unknown family {labels.family}")
