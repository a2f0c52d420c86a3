"""Exponentially weighted mean, var, std, cov and corr, in batch and streaming.

Batch functions take what ``fastcorr.rolling`` takes and return the same
family; they match pandas ``ewm(...)`` (``adjust``, ``bias``, ``ignore_na``,
``min_periods``, the ``com``/``span``/``halflife``/``alpha`` rules) except that
+-inf is missing, like NaN, and that a pair's rows count only when both values
are finite.

Decay options (exactly one of ``com``, ``span``, ``halflife``, ``alpha``):
``alpha = 1 / (1 + com)``, ``com = (span - 1) / 2``, and ``halflife`` the rows
(or, with ``times``, the duration) over which a weight halves. With ``times``
(datetime64, one per row, non-decreasing) and a duration ``halflife``, a row
``dt`` after the previous one decays the weights by ``0.5 ** (dt / halflife)``:
pandas' time-decayed mean, extended here to var, std, cov and corr. ``com``,
``span`` or ``alpha`` given as well set the base ``1 - alpha`` in place of 0.5
(``adjust=True`` only), as in pandas.

The streaming classes (:class:`EwmMean`, :class:`EwmVar`, :class:`EwmCov`,
:class:`EwmCorr`) carry the same state from one ``update`` to the next: their
results are bitwise those of the batch function on the concatenated input,
wherever it is split. They pickle, and resume where they stopped.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import pandas as pd

from fastcorr.bindings import coerce, relabel
from fastcorr.bindings import ewm as bind
from fastcorr.kernels._moments import CORR, COV, MEAN, STD, VAR
from fastcorr.kernels.ewm import NSTATE

T = TypeVar("T")
Number = float | None


def _opts(com: Any, span: Any, halflife: Any, alpha: Any, times: Any, mp: Any, adjust: Any, ignore_na: Any) -> Any:
    return bind.options(com, span, halflife, alpha, times is not None, mp, adjust, ignore_na)


def _one(stat: int, x: T, times: Any, opts: bind.Decay, bias: Any) -> T:
    bias = bind.flag(bias, "bias")
    values, labels = coerce.coerce(x, "x")
    times_ns = None if times is None else bind.time_values(times, values.shape[1])
    out = bind.run_ewm(stat, values, values, opts, bind.deltas(opts, times_ns), bias)
    return relabel.relabel(out, labels, name=labels.name)


def _two(stat: int, x: Any, y: Any, times: Any, opts: bind.Decay, bias: Any) -> Any:
    bias = bind.flag(bias, "bias")
    xv, xl, yv, _, keep, name = bind.pair(x, y)
    times_ns = None if times is None else bind.time_values(times, xv.shape[1])
    out = bind.run_ewm(stat, xv, yv, opts, bind.deltas(opts, times_ns), bias)
    return bind.unpair(out, xl, name, keep)


def ewm_mean(
    x: T,
    *,
    com: Number = None,
    span: Number = None,
    halflife: Any = None,
    alpha: Number = None,
    times: Any = None,
    min_periods: int = 0,
    adjust: bool = True,
    ignore_na: bool = False,
) -> T:
    """Exponentially weighted mean, as pandas ``x.ewm(...).mean()``.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    com, span, halflife, alpha : float, optional
        The decay, exactly one of them (see the module docstring); ``halflife``
        is a duration (``"2D"``, ``pd.Timedelta``) when ``times`` is given.
    times : DatetimeIndex, datetime64 Series or array, optional
        One non-decreasing time per row: weights decay with elapsed time.
    min_periods : int, default 0
        Observations needed for a result (at least one is always needed).
    adjust : bool, default True
        Weights ``(1 - alpha) ** age`` for every observation (True), or the
        recursive form ``y = (1 - alpha) y + alpha x`` (False).
    ignore_na : bool, default False
        Missing rows do not age the weights.

    Returns
    -------
    Same family as ``x``, with its index and labels.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.ewm_mean(pd.Series([1.0, 2.0, 3.0, 4.0]), alpha=0.2).round(6).tolist()
    [1.0, 1.555556, 2.147541, 2.775068]
    """
    opts = _opts(com, span, halflife, alpha, times, min_periods, adjust, ignore_na)
    return _one(MEAN, x, times, opts, False)


def ewm_var(
    x: T,
    *,
    com: Number = None,
    span: Number = None,
    halflife: Any = None,
    alpha: Number = None,
    times: Any = None,
    min_periods: int = 0,
    adjust: bool = True,
    ignore_na: bool = False,
    bias: bool = False,
) -> T:
    """Exponentially weighted variance, as pandas ``x.ewm(...).var(bias=bias)``.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    com, span, halflife, alpha, times, min_periods, adjust, ignore_na
        As in :func:`ewm_mean`.
    bias : bool, default False
        False: multiply by pandas' correction ``W^2 / (W^2 - sum w^2)``.

    Returns
    -------
    Same family as ``x``. A series whose values so far are all equal gives exactly 0.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> fastcorr.ewm_var(pd.Series([1.0, 2.0, 4.0, 4.0]), span=3).round(6).tolist()
    [nan, 0.5, 2.5, 1.471429]
    """
    opts = _opts(com, span, halflife, alpha, times, min_periods, adjust, ignore_na)
    return _one(VAR, x, times, opts, bias)


def ewm_std(
    x: T,
    *,
    com: Number = None,
    span: Number = None,
    halflife: Any = None,
    alpha: Number = None,
    times: Any = None,
    min_periods: int = 0,
    adjust: bool = True,
    ignore_na: bool = False,
    bias: bool = False,
) -> T:
    """Exponentially weighted standard deviation: the square root of :func:`ewm_var`.

    Parameters
    ----------
    x : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        The data; columns of 2-D input are separate series.
    com, span, halflife, alpha, times, min_periods, adjust, ignore_na, bias
        As in :func:`ewm_var`.

    Returns
    -------
    Same family as ``x``.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> fastcorr.ewm_std(np.array([1.0, 3.0, 5.0]), com=1.0).round(6)
    array([     nan, 1.414214, 1.927248])
    """
    opts = _opts(com, span, halflife, alpha, times, min_periods, adjust, ignore_na)
    return _one(STD, x, times, opts, bias)


def ewm_cov(
    x: Any,
    y: Any,
    *,
    com: Number = None,
    span: Number = None,
    halflife: Any = None,
    alpha: Number = None,
    times: Any = None,
    min_periods: int = 0,
    adjust: bool = True,
    ignore_na: bool = False,
    bias: bool = False,
) -> Any:
    """Exponentially weighted covariance, as pandas ``x.ewm(...).cov(y, bias=bias)``.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument. Two pandas objects are aligned on their index, as pandas does.
    com, span, halflife, alpha, times, min_periods, adjust, ignore_na, bias
        As in :func:`ewm_var`; ``times`` with a duration ``halflife`` works here
        too (pandas raises).

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0])
    >>> fastcorr.ewm_cov(x, 2 * x, alpha=0.5).round(6).tolist()
    [nan, 1.0, 1.857143, 6.085714]
    """
    opts = _opts(com, span, halflife, alpha, times, min_periods, adjust, ignore_na)
    return _two(COV, x, y, times, opts, bias)


def ewm_corr(
    x: Any,
    y: Any,
    *,
    com: Number = None,
    span: Number = None,
    halflife: Any = None,
    alpha: Number = None,
    times: Any = None,
    min_periods: int = 0,
    adjust: bool = True,
    ignore_na: bool = False,
) -> Any:
    """Exponentially weighted Pearson correlation, as pandas ``x.ewm(...).corr(y)``.

    Parameters
    ----------
    x, y : Series, DataFrame, ndarray (1-D or 2-D), pyarrow Array or ChunkedArray
        At most one of them 2-D: then every column is paired with the 1-D
        argument. Two pandas objects are aligned on their index, as pandas does.
    com, span, halflife, alpha, times, min_periods, adjust, ignore_na
        As in :func:`ewm_mean`; ``times`` with a duration ``halflife`` works here
        too (pandas raises).

    Returns
    -------
    The family of the 2-D argument if there is one, else of ``x``. Values lie
    in [-1, 1]; NaN while either series has been constant.

    Examples
    --------
    >>> import pandas as pd, fastcorr
    >>> x = pd.Series([1.0, 2.0, 3.0, 5.0, 4.0])
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06", "2024-01-07"])
    >>> fastcorr.ewm_corr(x, x ** 2, halflife="2D", times=days).round(6).tolist()
    [nan, 1.0, 0.992301, 0.986241, 0.980702]
    """
    opts = _opts(com, span, halflife, alpha, times, min_periods, adjust, ignore_na)
    return _two(CORR, x, y, times, opts, False)


# -- streaming ---------------------------------------------------------------------------------


def _row(value: Any, argname: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim > 1 or arr.dtype.kind not in "biuf":
        raise ValueError(f"{argname} must be a number or a 1-D array of numbers (one per pair), got {value!r}")
    return arr.reshape(-1)


def _rows(value: Any, argname: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim not in (1, 2) or arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{argname} must be a 1-D array of numbers (rows of one pair) or 2-D (rows x pairs), "
            f"got {arr.ndim}-D of dtype {arr.dtype}"
        )
    return arr


class _Stream:
    """State of exponentially weighted statistics of one or more pairs, updated row by row."""

    _stat = MEAN

    def __init__(
        self,
        *,
        com: Number = None,
        span: Number = None,
        halflife: Any = None,
        alpha: Number = None,
        min_periods: int = 0,
        adjust: bool = True,
        ignore_na: bool = False,
        bias: bool = False,
    ) -> None:
        timed = halflife is not None and not isinstance(halflife, (int, float, np.number))
        self._opts = bind.options(com, span, halflife, alpha, timed, min_periods, adjust, ignore_na)
        self._bias = bind.flag(bias, "bias")
        self._state: np.ndarray | None = None
        self._pos = 0
        self._last_ns: float | None = None

    @property
    def rows(self) -> int:
        """Rows seen so far."""
        return self._pos

    def _times(self, times: Any, length: int) -> np.ndarray:
        if self._opts.halflife_ns is None:
            if times is not None:
                raise ValueError("this stream decays by rows: give time(s) only with a duration halflife")
            return np.empty(0)
        if times is None:
            raise ValueError("this stream decays with time (a duration halflife): give the time of each row")
        times_ns = bind.time_values(times, length)
        if length and self._last_ns is not None and times_ns[0] < self._last_ns:
            raise ValueError(
                f"times must be non-decreasing: {pd.Timestamp(int(times_ns[0]))} is before the last row seen, "
                f"{pd.Timestamp(int(self._last_ns))}"
            )
        row_deltas = bind.deltas(self._opts, times_ns, self._last_ns)
        if length:
            self._last_ns = float(times_ns[-1])
        return row_deltas

    def _push(self, xs: np.ndarray, ys: np.ndarray, times: Any) -> np.ndarray:
        """Rows ``xs``, ``ys`` of shape ``(T, P)``; returns ``(T, P)``."""
        if xs.shape != ys.shape:
            raise ValueError(f"x and y must have the same shape, got {xs.shape} and {ys.shape}")
        npairs = xs.shape[1]
        if self._state is None:
            self._state = np.zeros((npairs, NSTATE))
        elif self._state.shape[0] != npairs:
            raise ValueError(f"this stream holds {self._state.shape[0]} pairs, got values for {npairs}")
        row_deltas = self._times(times, xs.shape[0])
        out = bind.run_ewm(self._stat, xs.T, ys.T, self._opts, row_deltas, self._bias, self._state, self._pos)
        self._pos += xs.shape[0]
        return out.T

    def _update(self, x: Any, y: Any, time: Any) -> Any:
        xr = _row(x, "x")
        yr = xr if y is None else _row(y, "y")
        times = None if time is None else pd.DatetimeIndex([time])
        out = self._push(xr[None, :], yr[None, :], times)[0]
        return float(out[0]) if np.ndim(x) == 0 else out

    def _update_many(self, xs: Any, ys: Any, times: Any) -> np.ndarray:
        xa = _rows(xs, "xs")
        ya = xa if ys is None else _rows(ys, "ys")
        if xa.ndim != ya.ndim:
            raise ValueError(f"xs and ys must both be 1-D or both 2-D, got {xa.ndim}-D and {ya.ndim}-D")
        out = self._push(xa[:, None] if xa.ndim == 1 else xa, ya[:, None] if ya.ndim == 1 else ya, times)
        return out[:, 0] if xa.ndim == 1 else out


class _OneSeries(_Stream):
    def update(self, x: Any, *, time: Any = None) -> Any:
        """Add one row: a number (one series) or one number per series; returns the latest value(s)."""
        return self._update(x, None, time)

    def update_many(self, xs: Any, *, times: Any = None) -> np.ndarray:
        """Add rows: 1-D (one series) or 2-D (rows x series); returns the value after each row."""
        return self._update_many(xs, None, times)


class _TwoSeries(_Stream):
    def update(self, x: Any, y: Any, *, time: Any = None) -> Any:
        """Add one row of each pair: numbers (one pair) or 1-D arrays (one entry per pair);
        returns the latest value(s)."""
        return self._update(x, y, time)

    def update_many(self, xs: Any, ys: Any, *, times: Any = None) -> np.ndarray:
        """Add rows: 1-D (one pair) or 2-D (rows x pairs); returns the value after each row."""
        return self._update_many(xs, ys, times)


class EwmMean(_OneSeries):
    """Streaming :func:`ewm_mean`: same options (``times`` becomes a ``time``/``times`` per update).

    Examples
    --------
    >>> import fastcorr
    >>> s = fastcorr.EwmMean(alpha=0.2)
    >>> s.update_many([1.0, 2.0, 3.0]).round(6).tolist(), round(s.update(4.0), 6)
    ([1.0, 1.555556, 2.147541], 2.775068)
    """

    _stat = MEAN

    def __init__(
        self,
        *,
        com: Number = None,
        span: Number = None,
        halflife: Any = None,
        alpha: Number = None,
        min_periods: int = 0,
        adjust: bool = True,
        ignore_na: bool = False,
    ) -> None:
        super().__init__(com=com, span=span, halflife=halflife, alpha=alpha, min_periods=min_periods,
                         adjust=adjust, ignore_na=ignore_na)  # fmt: skip


class EwmVar(_OneSeries):
    """Streaming :func:`ewm_var` (``bias`` as there); :class:`EwmMean` shows the use.

    Examples
    --------
    >>> import fastcorr
    >>> s = fastcorr.EwmVar(span=3)
    >>> s.update_many([1.0, 2.0, 4.0]).round(6).tolist(), round(s.update(4.0), 6)
    ([nan, 0.5, 2.5], 1.471429)
    """

    _stat = VAR


class EwmStd(_OneSeries):
    """Streaming :func:`ewm_std` (``bias`` as there).

    Examples
    --------
    >>> import fastcorr
    >>> s = fastcorr.EwmStd(com=1.0)
    >>> s.update_many([1.0, 3.0]).round(6).tolist(), round(s.update(5.0), 6)
    ([nan, 1.414214], 1.927248)
    """

    _stat = STD


class EwmCov(_TwoSeries):
    """Streaming :func:`ewm_cov` of one pair or a vector of pairs (``bias`` as there).

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> s = fastcorr.EwmCov(alpha=0.5)
    >>> s.update_many(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])).round(6).tolist()
    [nan, 1.0, 1.857143]
    >>> round(s.update(5.0, 10.0), 6)
    6.085714
    """

    _stat = COV


class EwmCorr(_TwoSeries):
    """Streaming :func:`ewm_corr` of one pair or a vector of pairs.

    Examples
    --------
    >>> import numpy as np, fastcorr
    >>> s = fastcorr.EwmCorr(span=10)
    >>> first = s.update_many(np.array([[1.0, 1.0], [2.0, 3.0]]), np.array([[2.0, 0.0], [3.0, 1.0]]))
    >>> s.update(np.array([3.0, 2.0]), np.array([5.0, 1.5])).round(6).tolist()
    [0.982739, 0.586499]
    """

    _stat = CORR

    def __init__(
        self,
        *,
        com: Number = None,
        span: Number = None,
        halflife: Any = None,
        alpha: Number = None,
        min_periods: int = 0,
        adjust: bool = True,
        ignore_na: bool = False,
    ) -> None:
        super().__init__(com=com, span=span, halflife=halflife, alpha=alpha, min_periods=min_periods,
                         adjust=adjust, ignore_na=ignore_na)  # fmt: skip
