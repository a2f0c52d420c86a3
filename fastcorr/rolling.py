"""Rolling mean, var, std, cov and corr over count windows.

All functions take a pandas Series or DataFrame, a numpy 1-D or 2-D array
(columns are series) or a pyarrow Array or ChunkedArray, and return the same
family of object with its labels restored. Arrow nulls, NaN and +-inf are
missing values: a row counts only when every value it needs is finite (for
``cov`` and ``corr``: both ``x`` and ``y``, "pairwise complete"), and
``min_periods`` counts such rows. float32 input gives float32 output computed
with float64 accumulators; every other numeric dtype gives float64.

Results are exact to a few units in the last place of the window's own scale,
whatever the offset of the data (prices at 1e12 included) and the length of the
series, and bitwise identical for any thread count. See
``fastcorr.kernels.rolling`` for the method.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastcorr.bindings import coerce, dispatch, relabel, validate
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR

T = TypeVar("T")


def _one(stat: int, x: T, window: int, min_periods: int | None, ddof: int) -> T:
    window = validate.window(window)
    min_periods = validate.min_periods(min_periods, window)
    ddof = validate.ddof(ddof)
    values, labels = coerce.coerce(x, "x")
    out = dispatch.rolling(stat, values, values, window, min_periods, ddof)
    return relabel.relabel(out, labels, name=labels.name)


def _two(stat: int, x: Any, y: Any, window: int, min_periods: int | None, ddof: int) -> Any:
    window = validate.window(window)
    min_periods = validate.min_periods(min_periods, window)
    ddof = validate.ddof(ddof)
    x, y, keep = coerce.align(x, y)
    xv, xl = coerce.coerce(x, "x")
    yv, yl = coerce.coerce(y, "y")
    validate.pair_shapes(xl.ndim, xv.shape, yl.ndim, yv.shape)
    if yl.ndim == 2:
        # Both statistics are symmetric: put the 2-D argument first.
        xv, xl, yv, yl = yv, yl, xv, xl
    out = dispatch.rolling(stat, xv, yv, window, min_periods, ddof)
    name = xl.name if xl.name == yl.name else None
    result = relabel.relabel(out, xl, name=name)
    return result if keep is None else result.reindex(keep)


def rolling_mean(x: T, window: int, *, min_periods: int | None = None) -> T:
    """Rolling mean over the last ``window`` rows.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.

    Returns
    -------
    Same family as ``x``, with its index and labels.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.rolling_mean(pd.Series([1.0, 2.0, 3.0, 4.0]), 2).tolist()
    [nan, 1.5, 2.5, 3.5]
    """
    return _one(MEAN, x, window, min_periods, 1)


def rolling_var(x: T, window: int, *, min_periods: int | None = None, ddof: int = 1) -> T:
    """Rolling variance over the last ``window`` rows.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    Same family as ``x``. A window whose values are all equal gives exactly 0.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> fastcorr.rolling_var(np.array([1.0, 2.0, 4.0, 4.0]), 2)
    array([nan, 0.5, 2. , 0. ])
    """
    return _one(VAR, x, window, min_periods, ddof)


def rolling_std(x: T, window: int, *, min_periods: int | None = None, ddof: int = 1) -> T:
    """Rolling standard deviation over the last ``window`` rows.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    Same family as ``x``. A window whose values are all equal gives exactly 0.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.rolling_std(pd.Series([1.0, 3.0, 5.0]), 2).tolist()
    [nan, 1.4142135623730951, 1.4142135623730951]
    """
    return _one(STD, x, window, min_periods, ddof)


def rolling_cov(x: Any, y: Any, window: int, *, min_periods: int | None = None, ddof: int = 1) -> Any:
    """Rolling covariance of ``x`` and ``y`` over the last ``window`` rows.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument, as ``df.rolling(w).cov(s)`` does. Two pandas objects are
        aligned on their index (outer join), as pandas does.
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to
        ``window``.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``. A Series
    keeps the common name of ``x`` and ``y`` (None if they differ).

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0])
    >>> fastcorr.rolling_cov(x, 2 * x, 3).round(6).tolist()
    [nan, nan, 2.0, 4.666667]
    """
    return _two(COV, x, y, window, min_periods, ddof)


def rolling_corr(x: Any, y: Any, window: int, *, min_periods: int | None = None) -> Any:
    """Rolling Pearson correlation of ``x`` and ``y`` over the last ``window`` rows.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument, as ``df.rolling(w).corr(s)`` does. Two pandas objects are
        aligned on their index (outer join), as pandas does.
    window : int
        Number of rows in each window (a positive integer).
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to
        ``window``.

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``. Values lie
    in [-1, 1]; a window where either series is constant gives NaN.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0, 4.0])
    >>> fastcorr.rolling_corr(x, x ** 2, 3).round(6).tolist()
    [nan, nan, 0.989743, 0.994643, 0.997406]
    """
    return _two(CORR, x, y, window, min_periods, 0)
