"""Rolling mean, var, std, cov and corr over count windows and time windows.

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
``fastcorr.kernels.rolling`` (trailing count windows) and
``fastcorr.kernels.time_windows`` (time windows, ``closed``, ``center``) for
the methods.

``window`` is a number of rows or, for pandas objects with a monotonic
DatetimeIndex, TimedeltaIndex or PeriodIndex, a time offset (``"90D"``, a Timedelta or a
fixed DateOffset), with pandas' ``closed`` and ``center`` rules.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.tseries.offsets import BaseOffset

from fastcorr.bindings import coerce, relabel, validate, windows
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR

T = TypeVar("T")

#: A count of rows, or a time offset over a DatetimeIndex: "90D", a Timedelta, a fixed DateOffset.
WindowArg = int | str | timedelta | np.timedelta64 | BaseOffset


def _one(
    stat: int, x: T, window: WindowArg, min_periods: int | None, ddof: int, closed: str | None, center: bool, on: Any
) -> T:
    spec = windows.parse(window, min_periods, closed, center)
    ddof = validate.ddof(ddof)
    if on is not None:
        data, own = _split_on(x, on)
        result = _one(stat, data, window, min_periods, ddof, closed, center, None)
        result.index = own
        # pandas hands the column back unchanged, in its place.
        result.insert(x.columns.get_loc(on), on, x[on])
        return result
    values, labels = coerce.coerce(x, "x")
    spec = windows.resolve(spec, labels.index, "x")
    out = windows.rolling(stat, values, values, labels.index, spec, ddof)
    return relabel.relabel(out, labels, name=labels.name)


def _split_on(x: Any, on: Any) -> tuple[pd.DataFrame, pd.Index]:
    """``x`` without its column ``on``, indexed by that column's times, and ``x``'s own index."""
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"on={on!r} names a column of x: x must be a DataFrame, got {type(x).__name__}")
    if on not in x.columns:
        raise ValueError(f"on={on!r} is not a column of x; its columns are {list(x.columns)}")
    column = x[on]
    if isinstance(column, pd.DataFrame):
        raise ValueError(f"on={on!r} names {column.shape[1]} columns of x; it must name one")
    times = pd.Index(column)
    if not isinstance(times, (pd.DatetimeIndex, pd.TimedeltaIndex, pd.PeriodIndex)):
        raise TypeError(f"on={on!r}: the column must hold datetimes, timedeltas or periods, got dtype {column.dtype}")
    return x.drop(columns=on).set_axis(times, axis=0), x.index


def _two(
    stat: int,
    x: Any,
    y: Any,
    window: WindowArg,
    min_periods: int | None,
    ddof: int,
    closed: str | None,
    center: bool,
    on: Any,
) -> Any:
    spec = windows.parse(window, min_periods, closed, center)
    ddof = validate.ddof(ddof)
    if on is not None:
        data, own = _split_on(x, on)
        if isinstance(y, (pd.Series, pd.DataFrame)):
            # Aligned on x's own index (the times are a column of x), then labelled by the times.
            y = (y if y.index.equals(own) else y.reindex(own)).set_axis(data.index, axis=0)
        result = _two(stat, data, y, window, min_periods, ddof, closed, center, None)
        result.index = own
        return result
    x, y, keep = coerce.align(x, y)
    xv, xl = coerce.coerce(x, "x")
    yv, yl = coerce.coerce(y, "y")
    validate.pair_shapes(xl.ndim, xv.shape, yl.ndim, yv.shape)
    swapped = yl.ndim == 2
    if swapped:
        # Both statistics are symmetric: put the 2-D argument first.
        xv, xl, yv, yl = yv, yl, xv, xl
    argname = "y" if swapped else "x"
    spec = windows.resolve(spec, xl.index, argname)
    out = windows.rolling(stat, xv, yv, xl.index, spec, ddof, argname=argname)
    name = xl.name if xl.name == yl.name else None
    result = relabel.relabel(out, xl, name=name)
    return result if keep is None else result.reindex(keep)


def rolling_mean(
    x: T,
    window: WindowArg,
    *,
    min_periods: int | None = None,
    closed: str | None = None,
    center: bool = False,
    on: Any = None,
) -> T:
    """Rolling mean over the last ``window`` rows, or the last ``window`` of time.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int or time offset
        Rows in each window (a positive integer), or its length in time over
        a DatetimeIndex: an offset string (``"90D"``, ``"6h"``), a Timedelta
        or a fixed DateOffset. A time window holds the rows with time in
        ``(t - window, t]``.
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window`` for a count window and
        to 1 for a time window.
    closed : {None, "right", "left", "both", "neither"}, optional
        Which ends of the window are included; None is ``"right"``.
    center : bool, default False
        Centre the window on each row instead of ending it there.
    on : label, optional
        A column of the DataFrame ``x`` holding the times (datetimes,
        timedeltas or periods) of its rows, used instead of its index as in
        pandas' ``rolling(..., on=...)``; it comes back unchanged, in its place.

    Returns
    -------
    Same family as ``x``, with its index and labels.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.rolling_mean(pd.Series([1.0, 2.0, 3.0, 4.0]), 2).tolist()
    [nan, 1.5, 2.5, 3.5]
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06"])
    >>> s = pd.Series([1.0, 2.0, 3.0, 4.0], index=days)
    >>> fastcorr.rolling_mean(s, "2D").tolist()
    [1.0, 1.5, 3.0, 3.5]
    >>> frame = pd.DataFrame({"t": days, "v": [1.0, 2.0, 3.0, 4.0]})
    >>> fastcorr.rolling_mean(frame, "2D", on="t")["v"].tolist()
    [1.0, 1.5, 3.0, 3.5]
    >>> fastcorr.rolling_mean(pd.Series([1.0, 2.0, 3.0, 4.0]), 3, min_periods=1, center=True).tolist()
    [1.5, 2.0, 3.0, 3.5]
    """
    return _one(MEAN, x, window, min_periods, 1, closed, center, on)


def rolling_var(
    x: T,
    window: WindowArg,
    *,
    min_periods: int | None = None,
    ddof: int = 1,
    closed: str | None = None,
    center: bool = False,
    on: Any = None,
) -> T:
    """Rolling variance over the last ``window`` rows, or the last ``window`` of time.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int or time offset
        Rows in each window (a positive integer), or its length in time over
        a DatetimeIndex: an offset string (``"90D"``, ``"6h"``), a Timedelta
        or a fixed DateOffset. A time window holds the rows with time in
        ``(t - window, t]``.
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window`` for a count window and
        to 1 for a time window.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.
    closed : {None, "right", "left", "both", "neither"}, optional
        Which ends of the window are included; None is ``"right"``.
    center : bool, default False
        Centre the window on each row instead of ending it there.
    on : label, optional
        A column of the DataFrame ``x`` holding the times (datetimes,
        timedeltas or periods) of its rows, used instead of its index as in
        pandas' ``rolling(..., on=...)``; it comes back unchanged, in its place.

    Returns
    -------
    Same family as ``x``. A window whose values are all equal gives exactly 0.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fastcorr
    >>> fastcorr.rolling_var(np.array([1.0, 2.0, 4.0, 4.0]), 2)
    array([nan, 0.5, 2. , 0. ])
    >>> s = pd.Series([1.0, 2.0, 4.0, 4.0], index=pd.date_range("2024-01-01", periods=4, freq="h"))
    >>> fastcorr.rolling_var(s, "2h").tolist()
    [nan, 0.5, 2.0, 0.0]
    """
    return _one(VAR, x, window, min_periods, ddof, closed, center, on)


def rolling_std(
    x: T,
    window: WindowArg,
    *,
    min_periods: int | None = None,
    ddof: int = 1,
    closed: str | None = None,
    center: bool = False,
    on: Any = None,
) -> T:
    """Rolling standard deviation over the last ``window`` rows, or the last ``window`` of time.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    window : int or time offset
        Rows in each window (a positive integer), or its length in time over
        a DatetimeIndex: an offset string (``"90D"``, ``"6h"``), a Timedelta
        or a fixed DateOffset. A time window holds the rows with time in
        ``(t - window, t]``.
    min_periods : int, optional
        Finite values needed for a result; defaults to ``window`` for a count window and
        to 1 for a time window.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.
    closed : {None, "right", "left", "both", "neither"}, optional
        Which ends of the window are included; None is ``"right"``.
    center : bool, default False
        Centre the window on each row instead of ending it there.
    on : label, optional
        A column of the DataFrame ``x`` holding the times (datetimes,
        timedeltas or periods) of its rows, used instead of its index as in
        pandas' ``rolling(..., on=...)``; it comes back unchanged, in its place.

    Returns
    -------
    Same family as ``x``. A window whose values are all equal gives exactly 0.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.rolling_std(pd.Series([1.0, 3.0, 5.0]), 2).tolist()
    [nan, 1.4142135623730951, 1.4142135623730951]
    >>> s = pd.Series([1.0, 3.0, 5.0], index=pd.date_range("2024-01-01", periods=3, freq="D"))
    >>> fastcorr.rolling_std(s, "2D", closed="both").tolist()
    [nan, 1.4142135623730951, 2.0]
    """
    return _one(STD, x, window, min_periods, ddof, closed, center, on)


def rolling_cov(
    x: Any,
    y: Any,
    window: WindowArg,
    *,
    min_periods: int | None = None,
    ddof: int = 1,
    closed: str | None = None,
    center: bool = False,
    on: Any = None,
) -> Any:
    """Rolling covariance of ``x`` and ``y`` over the last ``window`` rows or the last ``window`` of time.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument, as ``df.rolling(w).cov(s)`` does. Two pandas objects are
        aligned on their index (outer join), as pandas does.
    window : int or time offset
        Rows in each window (a positive integer), or its length in time over
        a DatetimeIndex: an offset string (``"90D"``, ``"6h"``), a Timedelta
        or a fixed DateOffset. A time window holds the rows with time in
        ``(t - window, t]``.
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window`` for a count window and
        to 1 for a time window.
    ddof : int, default 1
        Divisor is ``n - ddof``; NaN where that is not positive.
    closed : {None, "right", "left", "both", "neither"}, optional
        Which ends of the window are included; None is ``"right"``.
    center : bool, default False
        Centre the window on each row instead of ending it there.
    on : label, optional
        A column of the DataFrame ``x`` holding the times (datetimes,
        timedeltas or periods) of its rows, used instead of its index as in
        pandas' ``rolling(..., on=...)``; ``y`` is aligned on ``x``'s index,
        and the result leaves the column out.

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
    >>> x.index = pd.date_range("2024-01-01", periods=4, freq="min")
    >>> fastcorr.rolling_cov(x, 2 * x, "3min").round(6).tolist()
    [nan, 1.0, 2.0, 4.666667]
    """
    return _two(COV, x, y, window, min_periods, ddof, closed, center, on)


def rolling_corr(
    x: Any,
    y: Any,
    window: WindowArg,
    *,
    min_periods: int | None = None,
    closed: str | None = None,
    center: bool = False,
    on: Any = None,
) -> Any:
    """Rolling Pearson correlation of ``x`` and ``y`` over the last ``window`` rows or the last ``window`` of time.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument, as ``df.rolling(w).corr(s)`` does. Two pandas objects are
        aligned on their index (outer join), as pandas does.
    window : int or time offset
        Rows in each window (a positive integer), or its length in time over
        a DatetimeIndex: an offset string (``"90D"``, ``"6h"``), a Timedelta
        or a fixed DateOffset. A time window holds the rows with time in
        ``(t - window, t]``.
    min_periods : int, optional
        Rows where both values are finite needed for a result; defaults to ``window`` for a count window and
        to 1 for a time window.
    closed : {None, "right", "left", "both", "neither"}, optional
        Which ends of the window are included; None is ``"right"``.
    center : bool, default False
        Centre the window on each row instead of ending it there.
    on : label, optional
        A column of the DataFrame ``x`` holding the times (datetimes,
        timedeltas or periods) of its rows, used instead of its index as in
        pandas' ``rolling(..., on=...)``; ``y`` is aligned on ``x``'s index,
        and the result leaves the column out.

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
    >>> x.index = pd.date_range("2024-01-01", periods=5, freq="D")
    >>> fastcorr.rolling_corr(x, x ** 2, "3D", center=True).round(6).tolist()
    [1.0, 0.989743, 0.994643, 0.997406, 1.0]
    """
    return _two(CORR, x, y, window, min_periods, 0, closed, center, on)
