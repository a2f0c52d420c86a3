"""Streaming rolling statistics: feed rows as they arrive, get the latest windows.

``RollingCorr``, ``RollingCov``, ``RollingVar``, ``RollingStd`` and
``RollingMean`` follow one pair (or one series), or a vector of them, row by
row. Each result is bitwise the value ``fastcorr.rolling_corr`` (etc.) gives
for that row on the whole history, whatever the split of the rows into
updates: the stream runs the batch kernel's own arithmetic on the same blocks
of ``window`` rows (see ``fastcorr.kernels.streaming``). An update costs O(1)
per row and pair, plus O(window) once per completed block of ``window`` rows.

A stream is a plain object of numpy arrays: ``pickle`` it and resume later.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fastcorr.bindings import validate
from fastcorr.kernels import streaming as kernel
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR


class _Stream:
    """Shared machinery: validated settings, state arrays, one kernel call per update."""

    _stat = CORR
    _two = True

    def __init__(self, window: int, *, min_periods: int | None = None, ddof: int = 1) -> None:
        self.window = validate.window(window)
        self.min_periods = validate.min_periods(min_periods, self.window)
        self.ddof = validate.ddof(ddof)
        self.rows = 0
        self.npairs: int | None = None  # fixed by the first update; None: not yet known
        self._scalar = True
        self._state: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # One row of one pair given as Python floats skips the array coercion (most of an update's cost).
        self._row = (np.empty((1, 1)), np.empty((1, 1)), np.empty((1, 1)))

    def __repr__(self) -> str:
        pairs = "unset" if self.npairs is None else ("scalar" if self._scalar else self.npairs)
        return (
            f"{type(self).__name__}(window={self.window}, min_periods={self.min_periods}, ddof={self.ddof}; "
            f"rows={self.rows}, pairs={pairs})"
        )

    def _coerce(self, value: Any, name: str, block: bool) -> np.ndarray:
        """``value`` as a 2-D (rows, pairs) array of float32 or float64; fixes the pair count once."""
        a = np.asarray(value)
        if a.dtype.kind not in "fiub" or a.dtype.kind == "b":
            raise TypeError(f"{name} must be numeric, got dtype {a.dtype}")
        if a.dtype != np.float32:
            a = a.astype(np.float64)
        per_row = a.ndim - 1 if block else a.ndim
        if per_row not in (0, 1):
            expected = "1-D (rows) or 2-D (rows, pairs)" if block else "a scalar or a 1-D array (one value per pair)"
            raise ValueError(f"{name} must be {expected}, got shape {a.shape}")
        scalar = per_row == 0
        npairs = 1 if scalar else a.shape[-1]
        if self.npairs is None:
            self.npairs, self._scalar = npairs, scalar
            self._state = kernel.new_state(npairs, self.window)
        elif scalar != self._scalar or npairs != self.npairs:
            held = "one series (scalar values)" if self._scalar else f"{self.npairs} pairs (1-D values)"
            got = "a scalar per row" if scalar else f"{npairs} values per row"
            raise ValueError(f"{name} has {got}, but this {type(self).__name__} follows {held} since its first update")
        return a.reshape(-1, npairs) if block else a.reshape(1, npairs)

    def _run(self, x: Any, y: Any, block: bool) -> np.ndarray:
        names = ("xs", "ys") if block else ("x", "y")
        xs = self._coerce(x, names[0], block)
        ys = xs if y is None else self._coerce(y, names[1], block)
        if xs.shape != ys.shape:
            raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {xs.shape} and {ys.shape}")
        dtype = np.float32 if xs.dtype == np.float32 and ys.dtype == np.float32 else np.float64
        xs = np.ascontiguousarray(xs, dtype=dtype)
        ys = np.ascontiguousarray(ys, dtype=dtype)
        out = np.empty(xs.shape, dtype=dtype)
        vals, suf, acc = self._state  # type: ignore[misc]
        kernel.update_rows(xs, ys, self.rows, self.min_periods, self.ddof, self._stat, vals, suf, acc, out)
        self.rows += xs.shape[0]
        return out

    def _one_row(self, x: Any, y: Any) -> Any:
        if self.npairs == 1 and self._scalar and isinstance(x, float) and (y is None or isinstance(y, float)):
            xs, ys, out = self._row
            xs[0, 0] = x
            ys[0, 0] = x if y is None else y
            vals, suf, acc = self._state  # type: ignore[misc]
            kernel.update_rows(xs, ys, self.rows, self.min_periods, self.ddof, self._stat, vals, suf, acc, out)
            self.rows += 1
            return float(out[0, 0])
        out = self._run(x, y, block=False)[0]
        return out[0].item() if self._scalar and out.dtype == np.float64 else (out[0] if self._scalar else out)

    def _many_rows(self, xs: Any, ys: Any) -> np.ndarray:
        out = self._run(xs, ys, block=True)
        return out[:, 0] if self._scalar else out


class _PairStream(_Stream):
    def update(self, x: Any, y: Any) -> Any:
        """Append one row; returns the statistic of the window ending there.

        ``x``, ``y``: scalars (one pair) or 1-D arrays with one value per pair.
        Returns a float (a numpy float32 for float32 input) or a 1-D array.
        """
        return self._one_row(x, y)

    def update_many(self, xs: Any, ys: Any) -> np.ndarray:
        """Append rows ``xs``, ``ys`` (shape ``(rows,)`` for one pair, ``(rows, pairs)``
        for a vector of pairs); returns the statistic of every new row, same shape."""
        return self._many_rows(xs, ys)


class _SeriesStream(_Stream):
    _two = False

    def update(self, x: Any) -> Any:
        """Append one row; returns the statistic of the window ending there.

        ``x``: a scalar (one series) or a 1-D array with one value per series.
        Returns a float (a numpy float32 for float32 input) or a 1-D array.
        """
        return self._one_row(x, None)

    def update_many(self, xs: Any) -> np.ndarray:
        """Append rows ``xs`` (shape ``(rows,)`` for one series, ``(rows, series)``
        for several); returns the statistic of every new row, same shape."""
        return self._many_rows(xs, None)


class RollingCorr(_PairStream):
    """Streaming rolling Pearson correlation of ``x`` and ``y``: ``fastcorr.rolling_corr``, row by row.

    Parameters
    ----------
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window``.

    Examples
    --------
    >>> import fastcorr
    >>> s = fastcorr.RollingCorr(3)
    >>> [round(s.update(x, x * x), 6) for x in [1.0, 2.0, 3.0, 5.0]]
    [nan, nan, 0.989743, 0.994643]
    >>> s.update_many([4.0, 6.0], [16.0, 36.0]).round(6).tolist()
    [0.997406, 0.998337]
    """

    _stat = CORR

    def __init__(self, window: int, *, min_periods: int | None = None) -> None:
        super().__init__(window, min_periods=min_periods, ddof=0)


class RollingCov(_PairStream):
    """Streaming rolling covariance of ``x`` and ``y``: ``fastcorr.rolling_cov``, row by row.

    Parameters
    ----------
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> s = fastcorr.RollingCov(2)
    >>> s.update_many([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]).tolist()
    [nan, 1.0, -1.0]
    >>> s.update(np.float64(5.0), np.float64(2.0))
    0.0
    """

    _stat = COV


class RollingVar(_SeriesStream):
    """Streaming rolling variance: ``fastcorr.rolling_var``, row by row.

    Parameters
    ----------
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> s = fastcorr.RollingVar(2)
    >>> s.update(np.array([1.0, 10.0])), s.update(np.array([2.0, 10.0]))
    (array([nan, nan]), array([0.5, 0. ]))
    """

    _stat = VAR


class RollingStd(_SeriesStream):
    """Streaming rolling standard deviation: ``fastcorr.rolling_std``, row by row.

    Parameters
    ----------
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Examples
    --------
    >>> import fastcorr
    >>> fastcorr.RollingStd(2).update_many([1.0, 3.0, 5.0]).tolist()
    [nan, 1.4142135623730951, 1.4142135623730951]
    """

    _stat = STD


class RollingMean(_SeriesStream):
    """Streaming rolling mean: ``fastcorr.rolling_mean``, row by row.

    Parameters
    ----------
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.

    Examples
    --------
    >>> import fastcorr
    >>> s = fastcorr.RollingMean(2, min_periods=1)
    >>> s.update(1.0), s.update(float("nan")), s.update(3.0)
    (1.0, 1.0, 3.0)
    """

    _stat = MEAN

    def __init__(self, window: int, *, min_periods: int | None = None) -> None:
        super().__init__(window, min_periods=min_periods, ddof=1)
