"""Expanding mean, var, std, cov and corr: each row's statistic over every row up to it.

Inputs and outputs as in ``fastcorr.rolling`` (Series, DataFrame, 1-D or 2-D
ndarray, pyarrow Array or ChunkedArray; a 2-D argument against a 1-D one gives
column-wise results; two pandas objects are aligned on their index). A row
counts only when every value it needs is finite, and ``min_periods`` (default
1, as in pandas) counts such rows. Results match pandas ``expanding()`` and
stay exact on offset data and on long series: see ``fastcorr.kernels.expanding``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastcorr.bindings import coerce, relabel, validate
from fastcorr.bindings import ewm as bind
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR

T = TypeVar("T")


def _one(stat: int, x: T, min_periods: int, ddof: int) -> T:
    min_periods = bind.count(min_periods, "min_periods")
    ddof = validate.ddof(ddof)
    values, labels = coerce.coerce(x, "x")
    out = bind.run_expanding(stat, values, values, min_periods, ddof)
    return relabel.relabel(out, labels, name=labels.name)


def _two(stat: int, x: Any, y: Any, min_periods: int, ddof: int) -> Any:
    min_periods = bind.count(min_periods, "min_periods")
    ddof = validate.ddof(ddof)
    xv, xl, yv, _, keep, name = bind.pair(x, y)
    return bind.unpair(bind.run_expanding(stat, xv, yv, min_periods, ddof), xl, name, keep)


def expanding_mean(x: T, *, min_periods: int = 1) -> T:
    """Mean of every finite value up to each row.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    min_periods : int, default 1
        Finite values needed for a result.

    Returns
    -------
    Same family as ``x``, with its index and labels.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.expanding_mean(pd.Series([1.0, 2.0, None, 6.0])).tolist()
    [1.0, 1.5, 1.5, 3.0]
    """
    return _one(MEAN, x, min_periods, 1)


def expanding_var(x: T, *, min_periods: int = 1, ddof: int = 1) -> T:
    """Variance of every finite value up to each row.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    min_periods : int, default 1
        Finite values needed for a result.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    Same family as ``x``. Rows whose values so far are all equal give exactly 0.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> fastcorr.expanding_var(np.array([1.0, 2.0, 4.0, 5.0]))
    array([       nan, 0.5       , 2.33333333, 3.33333333])
    """
    return _one(VAR, x, min_periods, ddof)


def expanding_std(x: T, *, min_periods: int = 1, ddof: int = 1) -> T:
    """Standard deviation of every finite value up to each row.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    min_periods : int, default 1
        Finite values needed for a result.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    Same family as ``x``.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.expanding_std(pd.Series([1.0, 3.0, 5.0])).tolist()
    [nan, 1.4142135623730951, 2.0]
    """
    return _one(STD, x, min_periods, ddof)


def expanding_cov(x: Any, y: Any, *, min_periods: int = 1, ddof: int = 1) -> Any:
    """Covariance of ``x`` and ``y`` over every pairwise-complete row up to each row.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument. Two pandas objects are aligned on their index, as pandas does.
    min_periods : int, default 1
        Rows where both values are finite needed for a result.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0])
    >>> fastcorr.expanding_cov(x, 2 * x).round(6).tolist()
    [nan, 1.0, 2.0, 5.833333]
    """
    return _two(COV, x, y, min_periods, ddof)


def expanding_corr(x: Any, y: Any, *, min_periods: int = 1) -> Any:
    """Pearson correlation of ``x`` and ``y`` over every pairwise-complete row up to each row.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument. Two pandas objects are aligned on their index, as pandas does.
    min_periods : int, default 1
        Rows where both values are finite needed for a result.

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``. Values lie
    in [-1, 1]; NaN while either series has been constant.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0])
    >>> fastcorr.expanding_corr(x, x ** 2).round(6).tolist()
    [nan, 1.0, 0.989743, 0.98149]
    """
    return _two(CORR, x, y, min_periods, 0)
