"""Window shapes beyond the trailing count window: time offsets, ``closed`` and ``center``.

A window is parsed once (:func:`parse`, before any data is touched) into a
:class:`Window`. A trailing count window with the default ``closed`` runs on
the block kernel of ``fastcorr.kernels.rolling``; every other shape becomes
per-row bounds ``[start[i], end[i])`` (:func:`bounds`, pandas' rules) and runs
on the variable-window kernel of ``fastcorr.kernels.time_windows``.

Time windows follow pandas ``rolling("90D")``: they need a monotonic
DatetimeIndex, TimedeltaIndex or PeriodIndex of a fixed frequency (increasing
or decreasing, duplicates allowed), count time in the index's own unit (a
period for a PeriodIndex), default to ``closed="right"`` (rows with
time in ``(t - 90D, t]``) and to ``min_periods=1``. Over an evenly spaced
index a trailing time window is a count window (:func:`resolve`) and runs as one.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from fastcorr.bindings import dispatch, plan, validate
from fastcorr.kernels.time_windows import (
    bounded_2d,
    bounded_2d_serial,
    offset_2d,
    offset_bounds,
    offset_bounds_2d,
    uneven,
    uneven_2d,
)

CLOSED = ("right", "left", "both", "neither")

_WINDOW_KINDS = "or a time offset ('90D', a Timedelta or timedelta, a fixed DateOffset such as Hour(6))"


@dataclass(frozen=True)
class Window:
    """A parsed window: ``rows`` for a count window, else ``nanos`` of a time offset."""

    rows: int | None
    nanos: int | None
    text: str
    min_periods: int
    closed: str | None
    center: bool

    @property
    def trailing_count(self) -> bool:
        """A plain count window: the last ``rows`` rows, up to and including the current one."""
        return self.rows is not None and not self.center and self.closed in (None, "right")


def _offset_nanos(value: Any) -> int:
    """Nanoseconds of a time offset; errors name the window and say what was expected."""
    shown = f"window must be a positive integer, got {value!r} of type {type(value).__name__}, {_WINDOW_KINDS}"
    try:
        offset = to_offset(pd.Timedelta(value) if isinstance(value, np.timedelta64) else value)
    except (TypeError, ValueError) as err:
        raise (ValueError if isinstance(value, str) else TypeError)(f"{shown}: {err}") from None
    try:
        nanos = int(offset.nanos)
    except ValueError:
        raise ValueError(
            f"window must be a fixed time offset (days, hours, minutes ...), got {value!r}, "
            "whose length varies (months, business days, weeks anchored on a weekday)"
        ) from None
    if nanos <= 0:
        raise ValueError(f"window must be a positive time offset, got {value!r}")
    return nanos


def parse(window: Any, min_periods: Any, closed: Any, center: Any) -> Window:
    """Check a window and its options; resolve the default ``min_periods``.

    ``window``: a positive integer (rows) or a time offset (an offset string
    such as ``"90D"``, a Timedelta, ``datetime.timedelta`` or
    ``numpy.timedelta64``, or a fixed DateOffset). ``closed``: None or one of
    :data:`CLOSED`. ``center``: a bool. ``min_periods`` defaults to the window
    for count windows and to 1 for time windows, as in pandas.
    """
    if closed is not None and (not isinstance(closed, str) or closed not in CLOSED):
        raise ValueError(f"closed must be None, 'right', 'left', 'both' or 'neither', got {closed!r}")
    if not isinstance(center, (bool, np.bool_)):
        raise TypeError(f"center must be True or False, got {center!r} of type {type(center).__name__}")
    if isinstance(window, (str, timedelta, np.timedelta64, pd.offsets.BaseOffset)):
        nanos = _offset_nanos(window)
        return Window(None, nanos, repr(window), _time_min_periods(min_periods), closed, bool(center))
    if not isinstance(window, numbers.Integral) or isinstance(window, bool):
        raise TypeError(
            f"window must be a positive integer, got {window!r} of type {type(window).__name__}, {_WINDOW_KINDS}"
        )
    rows = validate.window(window)
    return Window(rows, None, repr(rows), validate.min_periods(min_periods, rows), closed, bool(center))


def _time_min_periods(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"min_periods must be None or a non-negative integer for a time window, got {value!r}")
    return int(value)


def index_ticks(index: pd.Index | None, spec: Window, argname: str) -> tuple[np.ndarray, int]:
    """The index as int64 ticks of its own unit, and the window in the same ticks.

    The window is converted to the index's unit as pandas converts it
    (truncating a remainder: "1500ms" over seconds is 1 second). A
    PeriodIndex of a fixed frequency counts in its ordinals, units of the
    frequency's base ("36h" over daily periods is 1 day; over "30min"
    periods, whose ordinals count minutes, "1h" is 60).
    """
    if not isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex, pd.PeriodIndex)):
        kind = "no index" if index is None else f"a {type(index).__name__}"
        raise TypeError(
            f"window={spec.text} is a time window: {argname} must be a pandas Series or DataFrame "
            f"with a DatetimeIndex, TimedeltaIndex or PeriodIndex, got {kind}"
        )
    if index.hasnans:
        raise ValueError(f"window={spec.text}: the index of {argname} holds NaT at row {int(np.argmax(index.isna()))}")
    if not (index.is_monotonic_increasing or index.is_monotonic_decreasing):
        raise ValueError(
            f"window={spec.text}: the index of {argname} must be monotonic (increasing or decreasing), "
            f"got {_first_disorder(index.asi8)}"
        )
    if isinstance(index, pd.PeriodIndex):
        # Ordinals count the frequency's base unit (minutes for "30min" periods), as pandas' window does.
        try:
            unit = int(index.freq.nanos) // index.freq.n
        except ValueError:
            raise ValueError(
                f"window={spec.text}: the PeriodIndex of {argname} has the frequency {index.freqstr}, "
                "whose length varies; a time window needs fixed periods (days, hours, minutes ...)"
            ) from None
        size = spec.nanos // unit
    else:
        size = pd.Timedelta(spec.nanos).as_unit(index.unit).to_timedelta64().astype(np.int64)
    return np.ascontiguousarray(index.asi8, dtype=np.int64), int(size)


def resolve(spec: Window, index: pd.Index | None, argname: str) -> Window:
    """The count window a trailing time window is over an evenly spaced index, else ``spec``.

    Over rows ``step`` apart, ``(t - size, t]`` holds the last ``ceil(size / step)`` rows and
    ``[t - size, t]`` the last ``size // step + 1``, the first rows holding fewer, as a count
    window with the same ``min_periods`` does: the block kernel of count windows then runs,
    for every entry point alike (rolling, pairs, sweeps), so their results keep agreeing.
    An index of one row, or one step that differs, keeps the time window.
    """
    if spec.nanos is None or spec.center or spec.closed not in (None, "right", "both"):
        return spec
    ticks, size = index_ticks(index, spec, argname)
    step = _step(index, ticks)
    if step == 0:
        return spec
    rows = size // step + 1 if spec.closed == "both" else -(-size // step)
    rows = min(rows, len(ticks))
    if rows < 1 or spec.min_periods > rows:
        return spec
    return Window(rows, None, spec.text, spec.min_periods, None, False)


def _step(index: pd.Index, ticks: np.ndarray) -> int:
    """The index's constant step in its own unit, 0 if it has none (from ``freq`` when pandas knows it:
    a DatetimeIndex or TimedeltaIndex keeps one only while evenly spaced; a PeriodIndex's is its periods')."""
    freq = index.freq if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)) else None
    if isinstance(freq, pd.offsets.Tick) and len(ticks) >= 2 and ticks[1] > ticks[0]:
        return int(ticks[1] - ticks[0])
    return even_step(ticks)


def even_step(ticks: np.ndarray) -> int:
    """The step of evenly spaced, strictly increasing int64 ``ticks``; 0 when they are not (or hold under
    two rows). A first run of rows is checked alone, so most uneven indexes answer at once."""
    n = len(ticks)
    if n < 2 or ticks[1] <= ticks[0]:
        return 0
    step = int(ticks[1] - ticks[0])
    head = min(n, plan.ROWS_PER_ITEM)
    if uneven(ticks, step, 1, head):
        return 0
    if head == n:
        return step
    rest = uneven_2d(ticks, step, head, plan.ROWS_PER_ITEM) if plan.parallel(n) else uneven(ticks, step, head, n)
    return 0 if rest else step


def _first_disorder(ticks: np.ndarray) -> str:
    # Compared, not subtracted: a difference of ticks far apart wraps around int64.
    up = np.flatnonzero(ticks[1:] > ticks[:-1])
    down = np.flatnonzero(ticks[1:] < ticks[:-1])
    return f"a rise after row {up[0]} and a fall after row {down[0]}"


def count_bounds(rows: int, length: int, closed: str | None, center: bool) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of a count window of ``rows`` rows, pandas' fixed-window rule."""
    offset = (rows - 1) // 2 if center else 0
    end = np.arange(1 + offset, length + 1 + offset, dtype=np.int64)
    start = end - rows
    if closed in ("left", "both"):
        start -= 1
    if closed in ("left", "neither"):
        end -= 1
    return np.clip(start, 0, length), np.clip(end, 0, length)


def _offset_args(spec: Window, index: pd.Index | None, argname: str) -> tuple[np.ndarray, int, bool, bool, bool]:
    """``offset_bounds``' arguments for a time window: increasing ticks, size and the three flags."""
    ticks, size = index_ticks(index, spec, argname)
    if len(ticks) and ticks[-1] < ticks[0]:
        ticks = -ticks  # decreasing time is increasing negated time
    closed = spec.closed or "right"
    return ticks, size, spec.center, closed in ("left", "both"), closed in ("right", "both")


def bounds(spec: Window, length: int, index: pd.Index | None, argname: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-row window bounds ``[start[i], end[i])`` (int64, never decreasing) for ``length`` rows."""
    if spec.rows is not None:
        return count_bounds(spec.rows, length, spec.closed, spec.center)
    start = np.empty(length, dtype=np.int64)
    end = np.empty(length, dtype=np.int64)
    if length == 0:
        return start, end
    args = _offset_args(spec, index, argname)
    if plan.parallel(length):
        offset_bounds_2d(*args, plan.ROWS_PER_ITEM, start, end)
    else:
        offset_bounds(*args, 0, length, start, end)
    return start, end


def run_bounded(
    stat: int,
    x: np.ndarray,
    y: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    min_periods: int,
    ddof: int,
    ix: np.ndarray | None = None,
    iy: np.ndarray | None = None,
) -> np.ndarray:
    """The variable-window kernel on ``(N, T)`` arrays; returns ``(P, T)`` (pairs as in ``dispatch.rolling``)."""
    x, y, ix, iy, out = dispatch.prepare(x, y, ix, iy)
    if out.size == 0:
        return out
    min_periods = min(min_periods, out.shape[1] + 1)
    if plan.parallel(out.size):
        bounded_2d(x, ix, y, iy, start, end, min_periods, ddof, stat, out)
    else:
        bounded_2d_serial(x, ix, y, iy, start, end, min_periods, ddof, stat, out)
    return out


def rolling(
    stat: int,
    x: np.ndarray,
    y: np.ndarray,
    index: pd.Index | None,
    spec: Window,
    ddof: int,
    ix: np.ndarray | None = None,
    iy: np.ndarray | None = None,
    argname: str = "x",
) -> np.ndarray:
    """``dispatch.rolling`` for any window shape: ``(N, T)`` arrays in, ``(P, T)`` out.

    ``index`` labels the rows (needed by time windows only); ``argname``
    names the argument it came from in error messages.
    """
    if spec.trailing_count:
        return dispatch.rolling(stat, x, y, spec.rows, spec.min_periods, ddof, ix, iy)
    npairs = x.shape[0] if ix is None else len(ix)
    if spec.nanos is not None and npairs == 1 and plan.parallel(x.shape[1]):
        # One long series: each work item finds its own bounds (same bits, no bounds arrays).
        args = _offset_args(spec, index, argname)
        x, y, ix, iy, out = dispatch.prepare(x, y, ix, iy)
        offset_2d(x, ix, y, iy, *args, min(spec.min_periods, out.shape[1] + 1), ddof, stat, out)
        return out
    start, end = bounds(spec, x.shape[1], index, argname)
    return run_bounded(stat, x, y, start, end, spec.min_periods, ddof, ix, iy)
