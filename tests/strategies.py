"""hypothesis strategies for rolling-statistics inputs.

Values are generated with numpy from a drawn seed and a handful of drawn
parameters (shape of the data, offset, scale, missing values, stale stretches,
dtype): hypothesis explores the parameters, numpy makes 500 values cheaply.

Profiles (registered in ``conftest.py``): ``ci`` (default, fast), ``thorough``
(``FASTCORR_HYPOTHESIS_PROFILE=thorough``) and ``nojit`` (default when
``NUMBA_DISABLE_JIT=1``, where every kernel call is plain Python).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from numba import config

#: True when numba runs kernels as plain Python (``NUMBA_DISABLE_JIT=1``).
JIT_DISABLED: bool = bool(config.DISABLE_JIT)

#: Longest series drawn (kept shorter without the JIT, where kernels are slow).
MAX_LEN: int = 200 if JIT_DISABLED else 500

OFFSETS = (1e4, 1e8, 1e12)
KINDS = ("normal", "walk", "levels")
SCALES = (1.0, 1.0, 1e-10, 1e140, 1e-140)


@dataclass(frozen=True)
class Case:
    """One rolling problem: data, window and parameters."""

    x: np.ndarray
    y: np.ndarray
    window: int
    min_periods: int | None
    ddof: int


@st.composite
def values(
    draw: st.DrawFn,
    n: int,
    *,
    kinds: tuple[str, ...] = KINDS,
    offsets: bool = True,
    scales: tuple[float, ...] = SCALES,
    stale: bool = True,
    missing: bool = True,
    inf: bool = True,
) -> np.ndarray:
    """A float64 series of length ``n``.

    ``kinds``: N(0,1) draws, a unit random walk, or small integer levels (many
    ties and constant windows), multiplied by one of ``scales`` (1e-10 is tiny;
    at 1e+-140 a product of two sums of squares leaves the float range). Then
    optionally a large offset (1e4..1e12) added, constant (stale) stretches,
    NaN and +-inf sprinkled.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(kinds))
    if kind == "normal":
        a = rng.standard_normal(n)
    elif kind == "walk":
        a = np.cumsum(rng.standard_normal(n))
    else:
        a = rng.integers(0, draw(st.integers(1, 3)), n, endpoint=True).astype(np.float64)
    a *= draw(st.sampled_from(scales))
    if offsets and draw(st.booleans()):
        a += draw(st.one_of(st.sampled_from(OFFSETS), st.floats(1e4, 1e12)))
    if stale and n > 0:
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, n - 1))
            length = draw(st.integers(1, n))
            a[start : start + length] = a[start]
    if missing and n > 0:
        frac = draw(st.sampled_from([0.0, 0.02, 0.1, 0.5]))
        a[rng.random(n) < frac] = np.nan
    if inf and n > 0:
        frac = draw(st.sampled_from([0.0, 0.02, 0.1]))
        hit = rng.random(n) < frac
        a[hit] = np.where(rng.random(n) < 0.5, np.inf, -np.inf)[hit]
    return a


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    dtype: type[np.floating] = np.float64,
    max_len: int = MAX_LEN,
    **value_options: object,
) -> Case:
    """A :class:`Case`: length 0..max_len, window 1..n+2, min_periods None or 0..window, ddof 0..2.

    ``y`` is drawn independently, or as ``x`` plus an independent draw, or as
    an affine function of ``x`` (correlations +-1 up to rounding), or equal to
    ``x`` (correlation exactly 1).
    ``value_options`` go to :func:`values`.
    """
    n = draw(st.integers(0, max_len))
    window = draw(st.integers(1, n + 2))
    min_periods = draw(st.one_of(st.none(), st.integers(0, window)))
    ddof = draw(st.integers(0, 2))
    x = draw(values(n, **value_options))
    mode = draw(st.sampled_from(["independent", "mixed", "affine", "same"]))
    if mode == "independent":
        y = draw(values(n, **value_options))
    elif mode == "mixed":
        with np.errstate(invalid="ignore"):  # inf + -inf is NaN: missing either way
            y = x + draw(values(n, **value_options))
    elif mode == "affine":
        y = draw(st.sampled_from([-3.0, -1.0, 0.5, 2.0])) * x + draw(st.sampled_from([0.0, 1.0, 1e6]))
    else:
        y = x.copy()
    with np.errstate(over="ignore"):  # 1e140 overflows float32 to inf: missing
        return Case(x.astype(dtype), y.astype(dtype), window, min_periods, ddof)


def normal_cases(**options: object) -> st.SearchStrategy[Case]:
    """N(0,1) data with NaN sprinkled, no inf, offsets or stale stretches: where pandas is accurate."""
    return cases(kinds=("normal",), offsets=False, scales=(1.0,), stale=False, inf=False, **options)
