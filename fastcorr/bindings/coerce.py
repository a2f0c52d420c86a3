"""Turn pandas, numpy and pyarrow inputs into float arrays plus the labels to restore.

Every supported input becomes a C-contiguous ``(N, T)`` float array (one row per
series, time along the row) and a :class:`Labels` record of where it came from.
Missing values (NaN, pandas NA, Arrow nulls) become NaN.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

SERIES, FRAME, NDARRAY, ARROW, CHUNKED = "series", "frame", "ndarray", "arrow", "chunked"


@dataclass(frozen=True)
class Labels:
    """What a result needs to look like its input."""

    family: str
    ndim: int
    index: pd.Index | None = None
    name: Hashable | None = None
    columns: pd.Index | None = None


def _float_dtype(dtype: np.dtype, argname: str, shown: Any) -> np.dtype:
    if dtype.kind in "biuf":
        return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)
    raise TypeError(f"{argname} must hold numbers (bool, integer or float), got dtype {shown!s}")


def _pandas_values(obj: pd.Series | pd.DataFrame, argname: str) -> np.ndarray:
    dtypes = [obj.dtype] if isinstance(obj, pd.Series) else list(obj.dtypes)
    kinds = set()
    for dtype in dtypes:
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(f"{argname} must hold numbers (bool, integer or float), got dtype {dtype}")
        numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
        kinds.add(_float_dtype(np.dtype(numpy_dtype), argname, dtype))
    target = kinds.pop() if len(kinds) == 1 else np.dtype(np.float64)
    if all(isinstance(d, np.dtype) and d == target for d in dtypes):
        # Plain numpy floats already hold NaN for missing: no copy (na_value would force one).
        return obj.to_numpy(dtype=target, copy=False)
    return obj.to_numpy(dtype=target, na_value=np.nan)


def _arrow_values(obj: pa.Array | pa.ChunkedArray, argname: str) -> np.ndarray:
    kind = obj.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
        raise TypeError(f"{argname} must hold numbers (bool, integer or float), got Arrow type {kind}")
    target = pa.float32() if kind == pa.float32() else pa.float64()
    # Casting to float first makes nulls come out as NaN.
    return obj.cast(target).to_numpy(zero_copy_only=False)


def coerce(obj: Any, argname: str) -> tuple[np.ndarray, Labels]:
    """Return ``(values, labels)`` with ``values`` a C-contiguous ``(N, T)`` float array.

    Raises ``TypeError`` for unsupported containers and non-numeric dtypes, and
    ``ValueError`` for arrays that are not 1-D or 2-D.
    """
    if isinstance(obj, pd.Series):
        values = _pandas_values(obj, argname)[None, :]
        labels = Labels(SERIES, 1, index=obj.index, name=obj.name)
    elif isinstance(obj, pd.DataFrame):
        values = _pandas_values(obj, argname).T
        labels = Labels(FRAME, 2, index=obj.index, columns=obj.columns)
    elif isinstance(obj, (pa.Array, pa.ChunkedArray)):
        values = _arrow_values(obj, argname)[None, :]
        labels = Labels(CHUNKED if isinstance(obj, pa.ChunkedArray) else ARROW, 1)
    elif isinstance(obj, (np.ndarray, list, tuple)):
        arr = np.asarray(obj)
        if arr.ndim not in (1, 2):
            raise ValueError(
                f"{argname} must be 1-D or 2-D (columns are series), got {arr.ndim}-D with shape {arr.shape}"
            )
        dtype = _float_dtype(arr.dtype, argname, arr.dtype)
        values = arr.astype(dtype, copy=False)
        values = values[None, :] if arr.ndim == 1 else values.T
        labels = Labels(NDARRAY, arr.ndim)
    else:
        raise TypeError(
            f"{argname} must be a pandas Series or DataFrame, a numpy array or a pyarrow "
            f"Array or ChunkedArray, got {type(obj).__name__}"
        )
    return np.ascontiguousarray(values), labels


def align(x: Any, y: Any) -> tuple[Any, Any, pd.Index | None]:
    """Align two pandas objects on their index as pandas' rolling ``corr`` does.

    Returns ``(x, y, keep)``. Rows present in only one of them are kept (outer
    join) and are missing in the other; when one of them is a DataFrame, pandas
    then reports only that frame's rows, so ``keep`` is its index (else None).
    Objects that are not both pandas are returned unchanged; their lengths are
    checked by validation.
    """
    pandas_types = (pd.Series, pd.DataFrame)
    if not (isinstance(x, pandas_types) and isinstance(y, pandas_types)) or x.index.equals(y.index):
        return x, y, None
    keep = next((obj.index for obj in (x, y) if isinstance(obj, pd.DataFrame)), None)
    try:
        x, y = x.align(y, join="outer", axis=0)
    except ValueError as err:
        raise ValueError(f"x and y cannot be aligned on their index: {err}") from err
    return x, y, keep
