"""Bad input: each error type and message, naming the argument, the value and what was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import fastcorr

X = np.arange(10.0)
ONE_ARG = [fastcorr.rolling_mean, fastcorr.rolling_var, fastcorr.rolling_std]
TWO_ARG = [fastcorr.rolling_cov, fastcorr.rolling_corr]
ALL = ONE_ARG + TWO_ARG
WITH_DDOF = [fastcorr.rolling_var, fastcorr.rolling_std, fastcorr.rolling_cov]


def _call(fn: Callable[..., Any], x: Any, window: Any = 3, **kw: Any) -> Any:
    return fn(x, window, **kw) if fn in ONE_ARG else fn(x, X, window, **kw)


def _name(fn: Callable[..., Any]) -> str:
    return fn.__name__


@pytest.mark.parametrize("fn", ALL, ids=_name)
@pytest.mark.parametrize(
    ("window", "exc", "message"),
    [
        (0, ValueError, "window must be a positive integer, got 0"),
        (-1, ValueError, "window must be a positive integer, got -1"),
        (2.5, TypeError, "window must be a positive integer, got 2.5 of type float"),
        (True, TypeError, "window must be a positive integer, got True of type bool"),
        ("3", ValueError, "window must be a positive integer, got '3' of type str"),
        (None, TypeError, "window must be a positive integer, got None of type NoneType"),
    ],
)
def test_bad_window(fn: Callable[..., Any], window: Any, exc: type[Exception], message: str) -> None:
    """window must be a positive integer (not a bool or float) or a time offset (a string that parses as one)."""
    with pytest.raises(exc, match=re.escape(message)):
        _call(fn, X, window)


@pytest.mark.parametrize("fn", ALL, ids=_name)
def test_numpy_integer_window_accepted(fn: Callable[..., Any]) -> None:
    """A numpy integer window is a valid integer."""
    np.testing.assert_array_equal(_call(fn, X, np.int64(3)), _call(fn, X, 3))


@pytest.mark.parametrize("fn", ALL, ids=_name)
@pytest.mark.parametrize(
    ("min_periods", "exc", "message"),
    [
        (-1, ValueError, "min_periods must be between 0 and window=3, got -1"),
        (4, ValueError, "min_periods must be between 0 and window=3, got 4"),
        (True, TypeError, "min_periods must be None or an integer, got True of type bool"),
        (1.5, TypeError, "min_periods must be None or an integer, got 1.5 of type float"),
    ],
)
def test_bad_min_periods(fn: Callable[..., Any], min_periods: Any, exc: type[Exception], message: str) -> None:
    """min_periods must be None or an integer in [0, window], not a bool."""
    with pytest.raises(exc, match=re.escape(message)):
        _call(fn, X, 3, min_periods=min_periods)


@pytest.mark.parametrize("fn", WITH_DDOF, ids=_name)
@pytest.mark.parametrize(
    ("ddof", "exc", "message"),
    [
        (-1, ValueError, "ddof must be a non-negative integer, got -1"),
        (0.5, TypeError, "ddof must be a non-negative integer, got 0.5 of type float"),
        (False, TypeError, "ddof must be a non-negative integer, got False of type bool"),
        ("1", TypeError, "ddof must be a non-negative integer, got '1' of type str"),
    ],
)
def test_bad_ddof(fn: Callable[..., Any], ddof: Any, exc: type[Exception], message: str) -> None:
    """ddof must be a non-negative integer."""
    with pytest.raises(exc, match=re.escape(message)):
        _call(fn, X, 3, ddof=ddof)


NON_NUMERIC = [
    (np.array([1.0, "a", None] * 4, dtype=object), "got dtype object"),
    (np.array(list("abcdefghij")), "got dtype <U1"),
    (np.arange(10).astype("datetime64[D]"), "got dtype datetime64[D]"),
    (np.arange(10) * (1 + 1j), "got dtype complex128"),
    (pd.Series(list("abcdefghij")), "got dtype str"),
    (pd.Series(pd.date_range("2024-01-01", periods=10)), "got dtype datetime64"),
    (pd.DataFrame({"a": X, "b": list("abcdefghij")}), "got dtype str"),
    (pa.array(list("abcdefghij")), "got Arrow type string"),
    (pa.chunked_array([pa.array(list("abcde")), pa.array(list("fghij"))]), "got Arrow type string"),
]


@pytest.mark.parametrize("fn", ALL, ids=_name)
@pytest.mark.parametrize(
    ("bad", "shown"), NON_NUMERIC, ids=lambda v: type(v).__name__ if not isinstance(v, str) else ""
)
def test_non_numeric_x(fn: Callable[..., Any], bad: Any, shown: str) -> None:
    """x holding strings, objects, datetimes or complex numbers is a TypeError naming x and the dtype."""
    with pytest.raises(TypeError, match=re.escape("x must hold numbers (bool, integer or float), " + shown)):
        _call(fn, bad)


@pytest.mark.parametrize("fn", TWO_ARG, ids=_name)
@pytest.mark.parametrize(
    ("bad", "shown"),
    NON_NUMERIC[:3] + NON_NUMERIC[7:8],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else "",
)
def test_non_numeric_y(fn: Callable[..., Any], bad: Any, shown: str) -> None:
    """A non-numeric y is a TypeError naming y."""
    with pytest.raises(TypeError, match=re.escape("y must hold numbers (bool, integer or float), " + shown)):
        fn(X, bad, 3)


@pytest.mark.parametrize("fn", ALL, ids=_name)
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((2, 5, 2)), "x must be 1-D or 2-D (columns are series), got 3-D with shape (2, 5, 2)"),
        (np.array(1.0), "x must be 1-D or 2-D (columns are series), got 0-D with shape ()"),
    ],
    ids=["3-D", "0-D"],
)
def test_bad_ndim(fn: Callable[..., Any], bad: np.ndarray, message: str) -> None:
    """Arrays that are not 1-D or 2-D are a ValueError with the shape."""
    with pytest.raises(ValueError, match=re.escape(message)):
        _call(fn, bad)


@pytest.mark.parametrize("fn", TWO_ARG, ids=_name)
@pytest.mark.parametrize(
    ("x", "y"),
    [
        (np.arange(5.0), np.arange(6.0)),
        (np.zeros((5, 2)), np.arange(6.0)),
        (pa.array(np.arange(5.0)), np.arange(6.0)),
        (pd.Series(np.arange(5.0)), np.arange(6.0)),
    ],
    ids=["1-D", "2-D", "arrow", "series-ndarray"],
)
def test_different_lengths(fn: Callable[..., Any], x: Any, y: Any) -> None:
    """x and y of different lengths (and not both pandas, so nothing to align) is a ValueError."""
    with pytest.raises(ValueError, match=re.escape("x and y must have the same length, got 5 and 6")):
        fn(x, y, 3)


@pytest.mark.parametrize("fn", TWO_ARG, ids=_name)
@pytest.mark.parametrize(
    ("x", "y"),
    [
        (pd.DataFrame({"a": X, "b": X}), pd.DataFrame({"c": X})),
        (np.zeros((10, 2)), np.zeros((10, 3))),
    ],
    ids=["frames", "ndarrays"],
)
def test_two_2d_arguments(fn: Callable[..., Any], x: Any, y: Any) -> None:
    """Two 2-D arguments are a ValueError pointing to rolling_corr_pairs."""
    with pytest.raises(
        ValueError, match=r"x and y are both 2-D: pair columns explicitly with fastcorr\.rolling_corr_pairs"
    ):
        fn(x, y, 3)


@pytest.mark.parametrize("fn", ALL, ids=_name)
@pytest.mark.parametrize(
    ("bad", "type_name"),
    [({"a": [1.0, 2.0]}, "dict"), ({1.0, 2.0}, "set"), (3.0, "float"), ("abc", "str"), (None, "NoneType")],
)
def test_unsupported_container(fn: Callable[..., Any], bad: Any, type_name: str) -> None:
    """An unsupported container type is a TypeError listing the supported ones."""
    message = (
        "x must be a pandas Series or DataFrame, a numpy array or a pyarrow Array or ChunkedArray, got " + type_name
    )
    with pytest.raises(TypeError, match=re.escape(message)):
        _call(fn, bad)


@pytest.mark.parametrize("fn", TWO_ARG, ids=_name)
def test_unsupported_container_y(fn: Callable[..., Any]) -> None:
    """An unsupported y names y."""
    with pytest.raises(TypeError, match=r"^y must be a pandas Series or DataFrame.*got dict$"):
        fn(X, {"a": 1}, 3)


@pytest.mark.parametrize("fn", ALL, ids=_name)
def test_keyword_only(fn: Callable[..., Any]) -> None:
    """min_periods (and ddof) are keyword-only."""
    with pytest.raises(TypeError, match="positional argument"):
        fn(X, 3, 2) if fn in ONE_ARG else fn(X, X, 3, 2)
