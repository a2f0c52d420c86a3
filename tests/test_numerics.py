"""The acceptance bar: rolling corr/cov/var against the oracle on hard data, window 250.

float64: ``|corr error| <= 2e-11``, ``|cov error| <= 2e-11 * sx * sy``, ``|var
error| <= 2e-11 * var``; float32 input: the same within 1e-6. The reference is the
fsum oracle of ``naive.py`` (itself checked against exact rational arithmetic by
``test_fsum_oracle_matches_exact_oracle``), and on the worst windows of every
case the exact ``Fraction`` oracle as well. Constant windows must give exactly
0.0 for var/cov and NaN for corr; no ``|corr| > 1`` and no ``var < 0`` anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import naive
import numpy as np
import pytest
from checks import assert_bounds, assert_close, cov_scale
from strategies import JIT_DISABLED

import fastcorr

W = 250
BAR = 2e-11
BAR32 = 1e-6
N = 3000


def _walks(n: int, offset: float, rho: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two correlated unit random walks around ``offset``."""
    rng = np.random.default_rng(seed)
    dx = rng.standard_normal(n)
    dy = rho * dx + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return offset + np.cumsum(dx), offset + np.cumsum(dy)


def _returns(n: int, rho: float = 0.6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two correlated N(0,1) series."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, rho * x + np.sqrt(1 - rho**2) * rng.standard_normal(n)


def check_acceptance(
    x: np.ndarray,
    y: np.ndarray,
    *,
    window: int = W,
    min_periods: int | None = None,
    ends: Sequence[int] | None = None,
    bar: float = BAR,
    n_exact: int = 3,
) -> dict[str, np.ndarray]:
    """Check corr, cov, var(x), var(y) against the oracle (rows ``ends`` only, if given).

    Also checks the ``n_exact`` windows where corr is furthest from the fsum
    oracle against the exact oracle. Returns the fastcorr results (at ``ends``).
    """
    rows = np.arange(len(x)) if ends is None else np.asarray(ends)
    got = {
        "corr": fastcorr.rolling_corr(x, y, window, min_periods=min_periods)[rows],
        "cov": fastcorr.rolling_cov(x, y, window, min_periods=min_periods)[rows],
        "var_x": fastcorr.rolling_var(x, window, min_periods=min_periods)[rows],
        "var_y": fastcorr.rolling_var(y, window, min_periods=min_periods)[rows],
    }
    ends_list = rows.tolist()
    want_corr = naive.corr(x, y, window, min_periods, ends=ends_list)
    assert_close(got["corr"], want_corr, bar, "corr")
    want_cov = naive.cov(x, y, window, min_periods, ends=ends_list)
    assert_close(got["cov"], want_cov, bar * cov_scale(x, y, window, min_periods, 1, ends_list), "cov / (sx*sy)")
    for key, data in (("var_x", x), ("var_y", y)):
        want = naive.var(data, window, min_periods, ends=ends_list)
        assert_close(got[key], want, bar * np.nan_to_num(want), key)
        assert_bounds(var=got[key])
    assert_bounds(corr=got["corr"])

    err = np.nan_to_num(np.abs(got["corr"].astype(np.float64) - want_corr), nan=-1.0)
    worst = np.argsort(err)[::-1][:n_exact]
    worst = worst[err[worst] >= 0]
    if len(worst):
        exact = naive.exact_corr(x, y, window, min_periods, ends=rows[worst].tolist())
        assert_close(got["corr"][worst], exact, bar, "corr vs exact oracle")
    return got


# -- the oracle itself --------------------------------------------------------


@pytest.mark.parametrize("case", ["offset-1e12", "outlier-1e10", "tiny-1e-10", "huge-1e140", "stale-two-values"])
def test_fsum_oracle_matches_exact_oracle(case: str) -> None:
    """The fsum oracle agrees with exact rational arithmetic to ~1e-15 on a few windows of hard data."""
    if case == "offset-1e12":
        x, y = _walks(700, 1e12)
    elif case == "outlier-1e10":
        x, y = _returns(700)
        x[400] = 1e10
    elif case in ("tiny-1e-10", "huge-1e140"):
        x, y = _returns(700)
        scale = 1e-10 if case == "tiny-1e-10" else 1e140
        x, y = scale * x, scale * y
    else:
        x, y = _walks(700, 1e4)
        x[:] = 1234.56
        x[500] = 1234.57
    ends = [249, 250, 450, 520, 699]
    assert_close(naive.corr(x, y, W, ends=ends), naive.exact_corr(x, y, W, ends=ends), 4e-16, "corr")
    for a in (x, y):
        exact_var = naive.exact_var(a, W, ends=ends)
        assert_close(naive.var(a, W, ends=ends), exact_var, 4e-16 * exact_var, "var")
        exact_mean = naive.exact_mean(a, W, ends=ends)
        assert_close(naive.mean(a, W, ends=ends), exact_mean, 2.3e-16 * np.abs(exact_mean), "mean")
    exact_cov = naive.exact_cov(x, y, W, ends=ends)
    scale = np.sqrt(naive.exact_var(x, W, ends=ends)) * np.sqrt(naive.exact_var(y, W, ends=ends))
    assert_close(naive.cov(x, y, W, ends=ends), exact_cov, 4e-16 * scale, "cov")


# -- acceptance cases ---------------------------------------------------------


def test_normal_returns() -> None:
    """N(0,1) returns with correlation 0.6."""
    check_acceptance(*_returns(N))


@pytest.mark.parametrize("offset", [1e4, 1e8, 1e12])
def test_price_levels(offset: float) -> None:
    """Price levels: a large offset plus unit random-walk noise."""
    check_acceptance(*_walks(N, offset))


@pytest.mark.parametrize("pos", [1000, 1130, 1249], ids=["block-start", "mid-block", "block-end"])
def test_outlier_enters_and_leaves(pos: int) -> None:
    """A 1e10 outlier in x: every window while it is in, and every window after it has left."""
    x, y = _returns(2000)
    x[pos] = 1e10
    check_acceptance(x, y)
    after = np.arange(pos + W, len(x))
    check_acceptance(x, y, ends=after, n_exact=2)


@pytest.mark.parametrize("pos", [1000, 1130, 1249], ids=["block-start", "mid-block", "block-end"])
def test_outlier_leaves_no_trace(pos: int) -> None:
    """Windows before a 1e10 outlier enters and after it leaves equal those of the clean data bit for bit."""
    x, y = _returns(2000)
    dirty = x.copy()
    dirty[pos] = 1e10
    outside = np.r_[0:pos, pos + W : len(x)]
    for fn in (fastcorr.rolling_corr, fastcorr.rolling_cov):
        np.testing.assert_array_equal(fn(dirty, y, W)[outside], fn(x, y, W)[outside])
    np.testing.assert_array_equal(fastcorr.rolling_var(dirty, W)[outside], fastcorr.rolling_var(x, W)[outside])


@pytest.mark.slow
@pytest.mark.skipif(JIT_DISABLED, reason="2,000,000 rows in plain Python take minutes")
def test_two_million_points_offset_1e8() -> None:
    """A 2,000,000-point random walk at 1e8: ~2,000 windows over the whole series, the last ones included."""
    n = 2_000_000
    x, y = _walks(n, 1e8, seed=7)
    rng = np.random.default_rng(8)
    ends = np.unique(
        np.r_[
            rng.integers(W - 1, n, 1900),
            np.arange(W - 1, W + 20),  # first full windows
            np.arange(n - 40, n),  # the last ones
            (np.arange(1, 20) * (n // 20 // W) * W + np.arange(-1, 1)[:, None]).ravel(),  # around block boundaries
        ]
    )
    assert len(ends) > 1900 and ends[-1] == n - 1
    check_acceptance(x, y, ends=ends.tolist())


def test_stale_stretches() -> None:
    """Stale (constant) stretches in x and in y, then windows where x takes only two distinct values."""
    x, y = _walks(2600, 1e4, seed=3)
    c = x[499]
    x[500:1300] = c  # constant windows 749..1299
    x[1300] = c + 0.01  # one tick, then stale again: windows with two distinct values
    x[1301:1700] = c
    rng = np.random.default_rng(4)
    x[1700:2100] = np.where(rng.random(400) < 0.5, c, c + 0.01)  # two values, many of each
    y[2300:] = y[2300]  # y stale: corr NaN, cov exactly 0
    got = check_acceptance(x, y)
    const_x = np.arange(749, 1300)
    assert (got["var_x"][const_x] == 0.0).all()
    assert (got["cov"][const_x] == 0.0).all()
    assert np.isnan(got["corr"][const_x]).all()
    assert (got["var_y"][2549:] == 0.0).all() and (got["cov"][2549:] == 0.0).all()
    assert np.isnan(got["corr"][2549:]).all()
    assert np.isfinite(got["corr"][1300:1550]).all()  # the tick is in the window
    assert np.isnan(got["corr"][1550:1700]).all()  # ... and has left it
    assert np.isfinite(got["corr"][1700:2300]).all()


@pytest.mark.parametrize("offset", [0.0, 1.0], ids=["tiny", "tiny-on-1"])
def test_tiny_scale(offset: float) -> None:
    """Data of scale 1e-10 (alone, and on top of 1.0)."""
    x, y = _returns(N)
    check_acceptance(offset + 1e-10 * x, offset + 1e-10 * y)


@pytest.mark.parametrize(
    ("sx", "sy"), [(1e140, 1e140), (1e-140, 1e-140), (1e150, 1e10)], ids=["huge", "tiny", "huge-and-large"]
)
def test_extreme_scales(sx: float, sy: float) -> None:
    """Scales where Sxx * Syy overflows or underflows float64 (though Sxx, Syy do not), with a 1000-sigma outlier."""
    x, y = _returns(N)
    y[1500] = 1e3
    check_acceptance(sx * x, sy * y)


@pytest.mark.parametrize("pos", [1000, 1249], ids=["block-start", "block-end"])
def test_outlier_near_overflow(pos: int) -> None:
    """Data at 1e150 with a 1e153 outlier: every centred sum (<= 1e307) is representable, so results are finite.

    Sums of squares taken about the outlier instead of the mean reach n * 1e306 and overflow.
    """
    x, y = _returns(2000)
    x *= 1e150
    x[pos] = 1e153
    check_acceptance(x, y)


@pytest.mark.parametrize("pos", [20, 120, 149], ids=["first-block", "block-middle", "block-end"])
def test_huge_value_leaves_other_windows_alone(pos: int) -> None:
    """A 1e200 value (its square overflows) changes no window it is not in, in its block or the next;
    the windows that hold it are computed on data scaled by a power of two, where nothing overflows."""
    w = 50
    x, y = _returns(400, seed=4)
    x[pos] = 1e200
    holds = np.array([i - w + 1 <= pos <= i for i in range(len(x))])
    got = {
        "corr": fastcorr.rolling_corr(x, y, w),
        "cov": fastcorr.rolling_cov(x, y, w),
        "var": fastcorr.rolling_var(x, w),
        "mean": fastcorr.rolling_mean(x, w),
    }
    clean = ~holds & (np.arange(len(x)) >= w - 1)
    with np.errstate(over="ignore", invalid="ignore"):
        want = {"corr": naive.corr(x, y, w), "cov": naive.cov(x, y, w), "var": naive.var(x, w),
                "mean": naive.mean(x, w)}  # fmt: skip
    for stat, values in got.items():
        assert_close(values[clean], want[stat][clean], BAR * np.maximum(1.0, np.abs(want[stat][clean])), stat)
    down = 2.0**-700
    assert_close(got["corr"][holds], naive.corr(x * down, y, w)[holds], BAR, "corr holding 1e200")
    cov_down = naive.cov(x * down, y, w)[holds]
    assert_close(got["cov"][holds] * down, cov_down, 1e-12 * np.abs(cov_down), "cov holding 1e200")
    std_down = naive.std(x * down, w)[holds]
    assert_close(fastcorr.rolling_std(x, w)[holds] * down, std_down, 1e-12 * std_down, "std holding 1e200")


def test_nan_5pct_min_periods() -> None:
    """5% NaN in each series (independently), min_periods=200 < window."""
    x, y = _walks(N, 1e8, seed=5)
    rng = np.random.default_rng(6)
    x[rng.random(N) < 0.05] = np.nan
    y[rng.random(N) < 0.05] = np.nan
    got = check_acceptance(x, y, min_periods=200)
    assert np.isfinite(got["corr"][199:]).any() and np.isnan(got["corr"][:199]).all()


@pytest.mark.parametrize("offset", [0.0, 1e4], ids=["returns", "price-1e4"])
def test_float32(offset: float) -> None:
    """float32 input gives float32 output within 1e-6 of the exact result on the float32 values."""
    x, y = _walks(N, offset) if offset else _returns(N)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    got = check_acceptance(x32, y32, bar=BAR32)
    assert all(v.dtype == np.float32 for v in got.values())


@pytest.mark.parametrize("value", [0.1, -3.3e-10, 1e12 + 0.5, 0.0])
def test_zero_variance_windows_exact(value: float) -> None:
    """Constant windows (across block boundaries, with NaN inside): var/std/cov exactly 0.0, corr NaN."""
    x, y = _walks(1500, 1e4, seed=9)
    x[300:1200] = value
    x[[400, 777, 1000]] = np.nan
    const = np.arange(300 + W - 1, 1200)
    for data, other in ((x, y), (x, x), (y, x)):
        cov = fastcorr.rolling_cov(data, other, W, min_periods=200)[const]
        corr = fastcorr.rolling_corr(data, other, W, min_periods=200)[const]
        assert (cov == 0.0).all() and not np.signbit(cov).any()
        assert np.isnan(corr).all()
    assert (fastcorr.rolling_var(x, W, min_periods=200)[const] == 0.0).all()
    assert (fastcorr.rolling_std(x, W, min_periods=200, ddof=0)[const] == 0.0).all()
    np.testing.assert_array_equal(fastcorr.rolling_mean(x, W, min_periods=200)[const], value)


@pytest.mark.parametrize("offset", [0.0, 1e8, 1e12])
@pytest.mark.parametrize("a", [1.0, -1.0, 2.0, -0.5])
def test_perfect_correlation_within_bounds(offset: float, a: float) -> None:
    """y = a*x + 5 (exact in floating point for these a): corr is sign(a) to the bar, never beyond +-1."""
    x, _ = _walks(1000, offset, seed=10)
    y = a * x + 5.0
    got = check_acceptance(x, y, n_exact=1)
    assert_close(got["corr"][W - 1 :], np.full(len(x) - W + 1, np.sign(a)), BAR, "corr of y = a*x + b")
