"""The co-movement application: index against a naive pandas pipeline, episodes, cumulative paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from naive_comovement import RANDOM_PAIRS, naive_index, random_prices

from fastcorr.apps.comovement import comovement_index, cumulative_paths, episodes
from fastcorr.demo import PAIRS, STRESS, demo_prices

TOL = 1e-10


# -- helpers --------------------------------------------------------------------


def ffill_index(prices: pd.DataFrame, pairs: Sequence[tuple[str, str, str]], window: int) -> pd.DataFrame:
    """The wrong way: fill holidays forward, so every holiday becomes a zero return."""
    filled = prices.ffill()
    return naive_index(filled, pairs, window)


def _assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_index_equal(got.index, want.index)
    for col in want.columns:
        g, w = got[col].to_numpy(dtype=float), want[col].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=col)
        np.testing.assert_allclose(g[~np.isnan(g)], w[~np.isnan(w)], rtol=0, atol=TOL, err_msg=col)


# -- comovement_index ------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["simple", "log"])
def test_index_matches_naive_pipeline(seed: int, method: str) -> None:
    """Generated prices with per-asset holidays: every column equals the naive pandas pipeline."""
    prices = random_prices(seed=seed)
    got = comovement_index(prices, RANDOM_PAIRS, window=40, method=method)
    _assert_same(got, naive_index(prices, RANDOM_PAIRS, 40, method))
    assert got["n_pairs"].dtype == np.int64
    assert got["n_pairs"].max() == 3


@pytest.mark.parametrize("min_pairs", [1, 2, 3])
def test_min_pairs_leaves_index_nan_on_partial_days(min_pairs: int) -> None:
    """With min_pairs=k the index is the naive mean where at least k pairs have a value, NaN elsewhere."""
    prices = random_prices(seed=5, holiday_rate=0.08)
    got = comovement_index(prices, RANDOM_PAIRS, window=40, min_pairs=min_pairs)
    want = naive_index(prices, RANDOM_PAIRS, 40, min_pairs=min_pairs)
    _assert_same(got, want)
    partial = (got["n_pairs"] > 0) & (got["n_pairs"] < 3)
    assert partial.sum() > 5
    assert got.loc[partial, "index"].isna().all() == (min_pairs == 3)


@pytest.mark.parametrize("bad", [0, 4, 1.5, True])
def test_min_pairs_must_be_a_count_of_pairs(bad: object) -> None:
    with pytest.raises(ValueError, match=r"min_pairs must be an integer from 1 to the number of pairs \(3\)"):
        comovement_index(random_prices(), RANDOM_PAIRS, window=40, min_pairs=bad)


def test_min_periods_counts_common_days() -> None:
    """min_periods below the window gives values earlier, as pandas rolling(min_periods=...) does."""
    prices = random_prices(n=120, seed=3)
    got = comovement_index(prices, RANDOM_PAIRS[:1], window=50, min_periods=10)
    r = {a: prices[a].dropna().pct_change() for a in "AB"}
    both = pd.concat([r["A"], r["B"]], axis=1, sort=True).dropna()
    want = both.iloc[:, 0].rolling(50, min_periods=10).corr(both.iloc[:, 1]).reindex(prices.index)
    np.testing.assert_allclose(got["ab"].to_numpy(), want.to_numpy(), rtol=0, atol=TOL)


def test_holiday_gives_no_zero_return() -> None:
    """A market holiday spans into the next return: it never becomes a fake 0 that ffill would create."""
    prices = random_prices(n=200, seed=4, holiday_rate=0.0)
    # Close market A on every tenth day (its own holidays); B trades every day.
    prices.iloc[5::10, prices.columns.get_loc("A")] = np.nan
    got = comovement_index(prices, RANDOM_PAIRS[:1], window=30)
    _assert_same(got, naive_index(prices, RANDOM_PAIRS[:1], 30))
    wrong = ffill_index(prices, RANDOM_PAIRS[:1], 30)
    valid = got["ab"].notna() & wrong["ab"].notna()
    assert valid.sum() > 100
    assert np.abs(got.loc[valid, "ab"] - wrong.loc[valid, "ab"]).max() > 1e-3
    # The holiday itself is missing for the pair, not a value built from a zero return.
    assert got["ab"].iloc[5::10].iloc[3:].isna().all()


def test_demo_index_rises_in_stress() -> None:
    """On the demo universe the index is higher after the stress regimes than before them."""
    prices = demo_prices("2011-01-01", "2021-06-30")
    out = comovement_index(prices, PAIRS, window=120)
    assert list(out.columns) == [p[0] for p in PAIRS] + ["index", "n_pairs"]
    for start, end, _ in STRESS:
        before = out["index"].loc[: pd.Timestamp(start) - pd.Timedelta(days=200)].iloc[-60:].mean()
        assert out["index"].loc[end] > before + 0.1
    found = episodes(out, quantile=0.9, min_days=20)
    assert any((row.start <= pd.Timestamp("2013-09-30") <= row.end) for row in found.itertuples())


def test_index_errors() -> None:
    """Every validation error names what is wrong."""
    prices = random_prices(n=100)
    with pytest.raises(KeyError, match="asset 'Z' of pair 'az' is not a column"):
        comovement_index(prices, [("az", "A", "Z")], window=10)
    with pytest.raises(ValueError, match=r"duplicate dates \(first: 2015-01-07\)"):
        comovement_index(pd.concat([prices.iloc[:5], prices.iloc[4:]]), RANDOM_PAIRS, window=10)
    with pytest.raises(ValueError, match="not sorted ascending"):
        comovement_index(prices.iloc[::-1], RANDOM_PAIRS, window=10)
    bad = prices.copy()
    bad.iloc[7, 1] = -1.0
    with pytest.raises(ValueError, match=r"asset 'B' has a non-positive price -1.0 on 2015-01-12"):
        comovement_index(bad, RANDOM_PAIRS, window=10, method="log")
    comovement_index(bad, RANDOM_PAIRS, window=10, method="simple")  # simple returns are defined
    with pytest.raises(ValueError, match="history too short: every pair has fewer than 200 common return days"):
        comovement_index(prices, RANDOM_PAIRS, window=200)
    with pytest.raises(ValueError, match="method must be one of"):
        comovement_index(prices, RANDOM_PAIRS, method="arith")
    with pytest.raises(ValueError, match="pair names must be unique; repeated: ab"):
        comovement_index(prices, [("ab", "A", "B"), ("ab", "C", "D")], window=10)
    with pytest.raises(ValueError, match="clashes with an output column"):
        comovement_index(prices, [("index", "A", "B")], window=10)
    with pytest.raises(ValueError, match="window must be a positive integer"):
        comovement_index(prices, RANDOM_PAIRS, window=0)
    with pytest.raises(ValueError, match="pairs is empty"):
        comovement_index(prices, [], window=10)
    with pytest.raises(TypeError, match="prices must be a pandas DataFrame"):
        comovement_index(prices["A"], RANDOM_PAIRS, window=10)  # type: ignore[arg-type]


# -- episodes --------------------------------------------------------------------


def _series(values: Sequence[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.bdate_range(start, periods=len(values), name="date"))


def _spans(found: pd.DataFrame, index: pd.Index) -> list[tuple[int, int]]:
    return [(index.get_loc(r.start), index.get_loc(r.end)) for r in found.itertuples()]


def test_episodes_threshold_and_min_days() -> None:
    """Absolute threshold: runs of 3 and 10 rows; min_days=5 keeps only the long one."""
    v = np.zeros(40)
    v[5:8] = 1.0
    v[20:30] = 1.0
    v[24] = 2.0
    s = _series(v)
    found = episodes(s, threshold=0.5, min_days=5, merge_gap=0)
    assert _spans(found, s.index) == [(20, 29)]
    row = found.iloc[0]
    assert row.peak_date == s.index[24] and row.peak_value == 2.0
    assert row.rows == 10
    # Ten business days starting on a Monday end on the second Friday: 12 calendar days.
    assert row.duration_days == (s.index[29] - s.index[20]).days + 1 == 12
    assert found.attrs["threshold"] == 0.5
    assert _spans(episodes(s, threshold=0.5, min_days=1, merge_gap=0), s.index) == [(5, 7), (20, 29)]
    # strictly above: values equal to the threshold are not in an episode
    assert episodes(s, threshold=1.0, min_days=1).shape[0] == 1


def test_episodes_quantile() -> None:
    """Without a threshold, the quantile of the series' own non-NaN values is used."""
    s = _series(np.arange(100.0))
    s.iloc[0] = np.nan
    found = episodes(s, quantile=0.9, min_days=5)
    want = float(np.quantile(np.arange(1.0, 100.0), 0.9))
    assert found.attrs["threshold"] == pytest.approx(want)
    first = int(np.floor(want)) + 1
    assert _spans(found, s.index) == [(first, 99)]


def test_episodes_merge_then_drop() -> None:
    """Two 4-row runs 2 rows apart: merged (10 rows) survive min_days=8; unmerged both fall below it."""
    v = np.zeros(30)
    v[10:14] = 1.0
    v[16:20] = 1.0
    s = _series(v)
    assert _spans(episodes(s, threshold=0.5, min_days=8, merge_gap=2), s.index) == [(10, 19)]
    assert episodes(s, threshold=0.5, min_days=8, merge_gap=1).empty
    assert _spans(episodes(s, threshold=0.5, min_days=4, merge_gap=1), s.index) == [(10, 13), (16, 19)]
    merged = episodes(s, threshold=0.5, min_days=1, merge_gap=2).iloc[0]
    assert merged.rows == 10


def test_episodes_nan_and_empty() -> None:
    """A NaN day inside a run neither breaks nor extends it; no episode gives the right empty columns."""
    v = np.zeros(30)
    v[10:20] = 1.0
    v[15] = np.nan
    s = _series(v)
    found = episodes(s, threshold=0.5, min_days=9, merge_gap=0)
    assert _spans(found, s.index) == [(10, 19)]
    assert found.iloc[0].rows == 9
    none = episodes(s, threshold=5.0)
    assert none.empty
    assert list(none.columns) == ["start", "peak_date", "peak_value", "end", "duration_days", "rows"]


def test_episodes_errors() -> None:
    s = _series(np.arange(10.0))
    with pytest.raises(ValueError, match=r"quantile must be in \(0, 1\)"):
        episodes(s, quantile=1.5)
    with pytest.raises(ValueError, match="min_days must be a positive integer"):
        episodes(s, min_days=0)
    with pytest.raises(ValueError, match="merge_gap must be a non-negative integer"):
        episodes(s, merge_gap=-1)
    with pytest.raises(TypeError, match="DatetimeIndex"):
        episodes(pd.Series([1.0, 2.0]))
    with pytest.raises(ValueError, match="has no values"):
        episodes(s * np.nan)
    with pytest.raises(ValueError, match="must have an 'index' column"):
        episodes(pd.DataFrame({"x": s}))
    with pytest.raises(ValueError, match="not sorted ascending"):
        episodes(s.iloc[::-1])


# -- cumulative_paths -------------------------------------------------------------


def test_cumulative_paths_by_hand() -> None:
    """Rebased at each asset's first trading day on/after start; holidays stay NaN; before/after in own rows."""
    idx = pd.bdate_range("2024-01-01", periods=6, name="date")  # Mon 1 .. Mon 8
    prices = pd.DataFrame(
        {"A": [100.0, 110.0, 99.0, 121.0, 132.0, 110.0], "B": [50.0, np.nan, 40.0, 60.0, np.nan, 45.0]}, index=idx
    )
    got = cumulative_paths(prices, "2024-01-02", "2024-01-04")
    want = pd.DataFrame(
        {"A": [0.0, -0.1, 0.1], "B": [0.0, 0.5, np.nan]}, index=pd.DatetimeIndex(idx[[1, 2, 3]], name="date")
    )
    # B's base is Jan 3, its first trading day on/after Jan 2 (it was shut on Jan 2).
    want.loc[idx[1], "B"] = np.nan
    want.loc[idx[2], "B"] = 0.0
    want.loc[idx[3], "B"] = 0.5
    pd.testing.assert_frame_equal(got, want, check_freq=False, atol=1e-12)

    got = cumulative_paths(prices, "2024-01-02", "2024-01-04", ["B"], before=1, after=1)
    # B's own rows: Jan 1 (one before its base Jan 3), Jan 3, Jan 4, Jan 8 (one after its last day Jan 4).
    assert [str(d.date()) for d in got.index] == ["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-08"]
    np.testing.assert_allclose(got["B"].to_numpy(), [0.25, 0.0, 0.5, 0.125])
    # before/after are clipped to the data
    assert len(cumulative_paths(prices, "2024-01-01", "2024-01-08", ["A"], before=5, after=5)) == 6


def test_cumulative_paths_errors() -> None:
    prices = pd.DataFrame({"A": [1.0, 2.0, np.nan]}, index=pd.bdate_range("2024-01-01", periods=3))
    with pytest.raises(KeyError, match="asset 'Z' is not a column"):
        cumulative_paths(prices, "2024-01-01", "2024-01-02", ["Z"])
    with pytest.raises(ValueError, match="start 2024-01-03 is after end 2024-01-01"):
        cumulative_paths(prices, "2024-01-03", "2024-01-01")
    with pytest.raises(ValueError, match="asset 'A' has no trading day between 2024-01-03 and 2024-01-05"):
        cumulative_paths(prices, "2024-01-03", "2024-01-05")
    with pytest.raises(ValueError, match="before must be a non-negative integer"):
        cumulative_paths(prices, "2024-01-01", "2024-01-02", before=-1)
