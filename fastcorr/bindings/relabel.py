"""Kernel output back into the family the input came from."""

from __future__ import annotations

import os
from pathlib import Path
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


class ParquetPairs:
    """Stream (date, a, b, corr) rows to a Parquet file, one row group per stripe.

    Rows go to ``<path>.partial`` and the file is renamed to ``path`` only by
    ``close``: an interrupted sweep leaves no file that looks complete.
    """

    def __init__(self, path: Any, index: pd.Index, names: tuple[np.ndarray, np.ndarray], float32: bool) -> None:
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.index = index
        self.dtype = np.float32 if float32 else np.float64
        # Labels as a dictionary: each row stores two small integer codes.
        self.a = pa.array(pd.Categorical(names[0].astype(str)))
        self.b = pa.array(pd.Categorical(names[1].astype(str)))
        dates = pa.array(index[:0])
        self.schema = pa.schema([("date", dates.type), ("a", self.a.type), ("b", self.b.type),
                                 ("corr", pa.from_numpy_dtype(self.dtype))])  # fmt: skip
        self.partial.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(self.partial, self.schema)

    def write(self, lo: int, hi: int, p0: int, p1: int, values: np.ndarray) -> None:
        """Rows ``lo .. hi - 1`` of pairs ``p0 .. p1 - 1`` (``values`` of shape (hi - lo, p1 - p0))."""
        width = p1 - p0
        pair = np.tile(np.arange(p0, p1), hi - lo)
        table = pa.table(
            [
                pa.array(np.repeat(self.index[lo:hi], width)),
                self.a.take(pair),
                self.b.take(pair),
                pa.array(values.astype(self.dtype, copy=False).ravel(), from_pandas=True),
            ],
            schema=self.schema,
        )
        self.writer.write_table(table)

    def close(self) -> Path:
        """Finish the file and give it its final name."""
        self.writer.close()
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        """Drop the partial file."""
        self.writer.close()
        self.partial.unlink(missing_ok=True)
