"""The asset periodic table: metrics and cell order against a naive table, the figure, outputs, bad input.

The oracle (``naive_periodic_table``) builds the table one asset at a time
with exact period returns, ``math.fsum`` moments and pandas sorts; hypothesis
draws small universes with ragged starts, ties, single-asset groups, cash and
assets with too little history.
"""

from __future__ import annotations

import math
import re
import runpy
import sys
from pathlib import Path
from typing import Any

import naive_periodic_table as naive
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import JIT_DISABLED

from fastcorr.apps import periodic_table as pt
from fastcorr.demo import TABLE_ASSETS, demo_periodic_table

NAN = math.nan
MAX_MONTHS = 60 if JIT_DISABLED else 150
NUMERIC = ("sharpe", "annualized_return", "annualized_volatility", "mean_turnover", "group_turnover")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "periodic_table_real.py"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def assert_matches_naive(got: pd.DataFrame, ref: pd.DataFrame) -> None:
    """Same cells in the same places, metrics to rounding, same spans and counts."""
    ref = ref.sort_values(["column", "row"], ignore_index=True)
    assert list(got.columns) == list(pt.COLUMNS)
    for col in ("group", "column", "row", "asset", "n_returns"):
        assert got[col].tolist() == ref[col].tolist(), col
    for col in NUMERIC:
        np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-9, atol=0, err_msg=col)
    for col in ("first_date", "last_date"):
        assert pd.Series(got[col]).tolist() == pd.Series(ref[col]).tolist(), col


def _assets(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["asset", "group", "frequency", "turnover_method", "contracts"][: len(rows[0])])


def _walk(rng: np.random.Generator, n: int, vol: float, drift: float = 0.005) -> np.ndarray:
    return 100.0 * np.exp(np.cumsum(drift + vol * rng.standard_normal(n)))


# --- hypothesis: small universes against the naive table ------------------------------------


@st.composite
def universes(draw: st.DrawFn) -> dict[str, Any]:
    """Monthly levels, traded values and sizes for 1-4 groups of 1-4 assets, ties and short histories included."""
    n = draw(st.integers(6, MAX_MONTHS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    index = pd.date_range("2000-01-31", periods=n, freq="ME")
    groups = draw(st.lists(st.sampled_from(pt.GROUPS), min_size=1, max_size=4, unique=True))
    rows, levels, traded, size = [], {}, {}, {}
    shared = _walk(rng, n, 0.04)
    for g in groups:
        cash = draw(st.booleans()) and draw(st.booleans())
        for k in range(draw(st.integers(1, 4))):
            name = f"{g[:3]}{k}"
            kind = draw(st.sampled_from(["walk", "walk", "twin", "flat"]))
            # "twin" repeats one path in several assets: equal Sharpe ratios, ties broken by turnover then name.
            level = shared.copy() if kind == "twin" else _walk(rng, n, draw(st.sampled_from([0.001, 0.03, 0.1])))
            if kind == "flat":
                level = np.full(n, 100.0)
            first = draw(st.integers(0, n - 1))
            level[:first] = NAN
            levels[name] = level
            method = "" if cash else draw(st.sampled_from(["ratio", "ratio", "daily_average", ""]))
            # Powers of two: value / size is exact, so equal turnovers tie exactly in any implementation.
            ratio = draw(st.sampled_from([0.125, 0.125, 0.5, 2.0]))
            sz = np.where(np.isnan(level), NAN, 1000.0 * (1 + rng.random(n)))
            traded[name] = sz * ratio * draw(st.sampled_from([1.0, 1.0, 0.5]))
            size[name] = sz
            rows.append((name, g, "monthly", method))
    frame = dict(index=index)
    return {
        "assets": _assets(rows).sample(frac=1.0, random_state=draw(st.integers(0, 99))),
        "levels": pd.DataFrame(levels, **frame),
        "traded": pd.DataFrame(traded, **frame),
        "size": pd.DataFrame(size, **frame),
        "min_years": draw(st.sampled_from([0.5, 1.0, 3.0])),
    }


@given(universes())
def test_build_matches_naive_table(u: dict[str, Any]) -> None:
    """Every metric, position, span and count equals the naive table's, for any order of the assets' rows."""
    got = pt.build(u["assets"], u["levels"], traded_value=u["traded"], size=u["size"], min_years=u["min_years"])
    ref = naive.table(u["assets"], u["levels"], u["traded"], u["size"], min_years=u["min_years"])
    assert_matches_naive(got, ref)
    shuffled = pt.build(
        u["assets"].iloc[::-1], u["levels"], traded_value=u["traded"], size=u["size"], min_years=u["min_years"]
    )
    pd.testing.assert_frame_equal(got, shuffled)


def test_demo_table_matches_naive_with_range() -> None:
    """The demo (weighted futures, annual art, daily-average equities) in a date range equals the naive table."""
    d = demo_periodic_table()
    got = pt.build(d.assets, d.levels, traded_value=d.traded_value, size=d.size, start="2003-03-15", end="2021-06-30")
    ref = naive.table(d.assets, d.levels, d.traded_value, d.size, start="2003-03-15", end="2021-06-30")
    assert_matches_naive(got, ref)
    assert got["first_date"].min() >= pd.Timestamp("2003-03-15")
    assert got["last_date"].max() <= pd.Timestamp("2021-06-30")
    # Both start in 2019: too little history by mid-2021. Cash has no turnover.
    assert got.loc[got["sharpe"].isna(), "asset"].tolist() == ["US IG corporates", "Private equity"]
    assert got.loc[got["mean_turnover"].isna(), "group"].tolist() == ["cash"] * 3


# --- ordering rules by hand -------------------------------------------------------------------


def _universe(n: int = 60, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cash, two bond funds on one path (a Sharpe tie), one equity, two futures-free groups with equal turnover."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2010-01-31", periods=n, freq="ME")
    path = _walk(rng, n, 0.01)
    levels = pd.DataFrame(
        {
            "mmf": 100.0 * np.cumprod(np.full(n, 1.002) + 1e-4 * rng.standard_normal(n)),
            "bond_b": path,
            "bond_a": path,
            "bond_c": path,
            "stock": _walk(rng, n, 0.05),
            "gold": _walk(rng, n, 0.04),
            "oil": _walk(rng, n, 0.08),
        },
        index=index,
    )
    size = pd.DataFrame(1000.0, index=index, columns=levels.columns)
    ratio = {"mmf": 0.0, "bond_b": 0.1, "bond_a": 0.1, "bond_c": 0.2, "stock": 0.3, "gold": 0.5, "oil": 0.5}
    traded = size * pd.Series(ratio)
    assets = _assets(
        [
            ("stock", "equities", "monthly", "ratio"),
            ("bond_b", "bonds", "monthly", "ratio"),
            ("mmf", "cash", "monthly", ""),
            ("bond_a", "bonds", "monthly", "ratio"),
            ("bond_c", "bonds", "monthly", "ratio"),
            ("gold", "commodities", "monthly", "ratio"),
            ("oil", "derivatives", "monthly", "ratio"),
        ]
    )
    return assets, levels, traded, size


def _cells(table: pd.DataFrame) -> list[tuple[str, int, int]]:
    return list(zip(table["asset"], table["column"], table["row"], strict=True))


def test_ordering_rules_ties_cash_and_single_asset_groups() -> None:
    """Cash first; equal group turnover by group name; Sharpe ties by turnover, then by asset name."""
    assets, levels, traded, size = _universe()
    got = pt.build(assets, levels, traded_value=traded, size=size)
    # commodities and derivatives tie at 0.5: by name, "commodities" < "derivatives".
    assert _cells(got) == [
        ("mmf", 1, 1),
        ("gold", 2, 1),
        ("oil", 3, 1),
        ("stock", 4, 1),
        ("bond_c", 5, 1),  # same Sharpe as a and b, more turnover
        ("bond_a", 5, 2),  # a and b tie on both: by name
        ("bond_b", 5, 3),
    ]
    assert got["sharpe"].iloc[4] == got["sharpe"].iloc[5] == got["sharpe"].iloc[6]
    assert math.isnan(got.loc[got["asset"] == "mmf", "mean_turnover"].iloc[0])
    np.testing.assert_allclose(got.loc[got["group"] == "bonds", "group_turnover"], (0.1 + 0.1 + 0.2) / 3)


def test_cash_goes_first_even_when_less_liquid_groups_lack_turnover_data() -> None:
    """A group with turnover methods but no turnover values goes last, not first like cash."""
    assets, levels, traded, size = _universe()
    traded = traded.copy()
    traded["stock"] = NAN
    got = pt.build(assets, levels, traded_value=traded, size=size)
    assert got.drop_duplicates("group")["group"].tolist() == ["cash", "commodities", "derivatives", "bonds", "equities"]


def test_asset_with_too_little_history_goes_last_in_its_group() -> None:
    """Below min_years of returns the Sharpe ratio is NaN and the asset sits at the bottom of its column."""
    assets, levels, traded, size = _universe()
    levels = levels.copy()
    levels.loc[: levels.index[-30], "bond_a"] = NAN  # 29 levels, 28 returns: fewer than 36
    got = pt.build(assets, levels, traded_value=traded, size=size)
    bonds = got[got["group"] == "bonds"]
    assert bonds["asset"].tolist() == ["bond_c", "bond_b", "bond_a"]
    short = bonds.iloc[-1]
    assert short["n_returns"] == 28 and math.isnan(short["sharpe"]) and math.isnan(short["annualized_volatility"])
    assert short["first_date"] == levels.index[-29]
    relaxed = pt.build(assets, levels, traded_value=traded, size=size, min_years=2)
    assert relaxed.loc[relaxed["asset"] == "bond_a", "sharpe"].notna().all()


def test_annual_series_uses_annual_figures() -> None:
    """An annual-only series: Sharpe of its yearly returns with one period a year, turnover by 'annual'."""
    rng = np.random.default_rng(7)
    years = pd.date_range("2000-12-31", periods=12, freq="YE")
    art = pd.DataFrame({"art": _walk(rng, 12, 0.2, 0.05)}, index=years)
    stock = pd.DataFrame(1000.0 + 10 * np.arange(12), index=years, columns=["art"])
    value = stock * 0.024  # 2.4 % a year: 0.2 % a month
    assets = _assets([("art", "alternatives", "annual", "annual")])
    got = pt.build(assets, art, traded_value=value, size=stock)
    r = art["art"].pct_change().dropna().to_numpy()
    assert got["annualized_return"].iloc[0] == pytest.approx(r.mean(), rel=1e-12)
    assert got["annualized_volatility"].iloc[0] == pytest.approx(r.std(ddof=1), rel=1e-12)
    assert got["sharpe"].iloc[0] == pytest.approx(r.mean() / r.std(ddof=1), rel=1e-12)
    assert got["mean_turnover"].iloc[0] == pytest.approx(0.002, rel=1e-12)
    assert got["n_returns"].iloc[0] == 11


def test_weighted_futures_turnover() -> None:
    """A futures sector's turnover is sum w value / sum w open interest over its contracts."""
    index = pd.date_range("2020-01-31", periods=40, freq="ME")
    rng = np.random.default_rng(3)
    levels = pd.DataFrame({"metals": _walk(rng, 40, 0.05)}, index=index)
    oi = pd.DataFrame({"CU": 100.0, "AL": 50.0}, index=index)
    value = pd.DataFrame({"CU": 800.0, "AL": 100.0}, index=index)
    assets = _assets([("metals", "derivatives", "monthly", "weighted", "CU=0.75; AL=0.25")])
    got = pt.build(assets, levels, traded_value=value, size=oi)
    assert got["mean_turnover"].iloc[0] == pytest.approx((0.75 * 800 + 0.25 * 100) / (0.75 * 100 + 0.25 * 50))
    mapping = assets.assign(contracts=[{"CU": 0.75, "AL": 0.25}])
    assert pt.build(mapping, levels, traded_value=value, size=oi).equals(got)
    sizes = pt.asset_sizes(assets, oi)
    assert sizes["metals"].tolist() == [150.0] * 40


def test_group_names_match_ignoring_case_and_any_group_when_allowed() -> None:
    """'Bonds' is the study's 'bonds'; with groups=None any name is a group of its own."""
    assets, levels, traded, size = _universe()
    upper = assets.assign(group=assets["group"].str.upper().where(assets["group"] != "USD assets", "usd ASSETS"))
    got = pt.build(upper, levels, traded_value=traded, size=size)
    assert set(got["group"]) <= set(pt.GROUPS)
    free = assets.assign(group=["g1", "g2", "g0", "g2", "g2", "g3", "g3"])
    loose = pt.build(free, levels, traded_value=traded, size=size, groups=None)
    assert loose.drop_duplicates("group")["group"].tolist() == ["g0", "g3", "g1", "g2"]


# --- bad input ----------------------------------------------------------------------------------


def _bad(**change: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    assets, levels, traded, size = _universe()
    assets = assets.copy()
    for key, value in change.items():
        if key in ("levels", "traded", "size"):
            continue
        column, row = key.rsplit("_at_", 1) if "_at_" in key else (key, "0")
        assets.loc[int(row), column] = value
    return assets, change.get("levels", levels), change.get("traded", traded), change.get("size", size)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": "crypto"}, "asset 'stock' has unknown group 'crypto' (expected one of 'cash', 'derivatives'"),
        ({"group": ""}, "asset 'stock' has unknown group ''"),
        ({"asset": "missing"}, "asset 'missing' listed in assets has no data: it is not a column of levels"),
        ({"turnover_method": "velocity"}, "asset 'stock' has unknown turnover_method 'velocity' (expected one of"),
        ({"frequency": "weekly"}, "asset 'stock' has unknown frequency 'weekly' (expected 'monthly' or 'annual')"),
        ({"frequency": "annual"}, "asset 'stock' is an annual series: its turnover_method must be 'annual' or empty"),
        ({"asset": "gold"}, "asset(s) 'gold' listed more than once in assets"),
        ({"asset": ""}, "row 1 of assets has an empty asset name"),
        ({"turnover_method": "weighted"}, "asset 'stock' uses turnover_method 'weighted' but lists no contracts"),
        ({"traded": None}, "asset 'stock' has a turnover_method, so traded_value is required"),
        ({"size": None}, "so size is required"),
    ],
)
def test_bad_input_messages(change: dict[str, Any], message: str) -> None:
    """Each mistake raises a ValueError naming the asset, the value and what was expected."""
    assets, levels, traded, size = _bad(**change)
    with pytest.raises(ValueError, match=re.escape(message)):
        pt.build(assets, levels, traded_value=traded, size=size)


def test_bad_input_messages_data_and_contracts() -> None:
    """Data without values or columns, malformed contracts and shared contracts name what is wrong."""
    assets, levels, traded, size = _universe()
    with pytest.raises(
        ValueError, match=re.escape("asset 'oil' listed in assets has no data: its levels have no value")
    ):
        pt.build(assets, levels.assign(oil=NAN), traded_value=traded, size=size)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "asset 'stock' listed in assets has no data: its levels have no value in start=2030-01-01..end=None"
        ),
    ):
        pt.build(assets, levels, traded_value=traded, size=size, start="2030-01-01")
    with pytest.raises(ValueError, match=re.escape("asset 'gold' has no traded_value data: it is not a column")):
        pt.build(assets, levels, traded_value=traded.drop(columns="gold"), size=size)
    with pytest.raises(ValueError, match=re.escape("assets lacks column(s) turnover_method")):
        pt.build(assets.drop(columns="turnover_method"), levels)
    with pytest.raises(ValueError, match="assets is empty"):
        pt.build(assets.iloc[:0], levels)
    with pytest.raises(TypeError, match="levels must have a DatetimeIndex"):
        pt.build(assets, levels.reset_index(drop=True), traded_value=traded, size=size)
    with pytest.raises(ValueError, match=re.escape(f"levels has duplicate dates (first: {levels.index[1].date()})")):
        pt.build(assets, levels.iloc[[0, 1, 1, 2]], traded_value=traded, size=size)
    with pytest.raises(ValueError, match=re.escape("size dates are not sorted ascending")):
        pt.build(assets, levels, traded_value=traded, size=size.iloc[::-1])
    with pytest.raises(TypeError, match="assets must be a pandas DataFrame, got dict"):
        pt.build({"asset": ["x"]}, levels)  # type: ignore[arg-type]
    fut = pd.concat(
        [
            assets.assign(contracts=""),
            _assets([("f1", "derivatives", "monthly", "weighted", "CU=0.5; AL=x")]),
        ],
        ignore_index=True,
    )
    levels = levels.assign(f1=levels["oil"], f2=levels["oil"])
    traded = traded.assign(CU=1.0, AL=1.0)
    size = size.assign(CU=1.0, AL=1.0)
    with pytest.raises(ValueError, match=re.escape("asset 'f1': weight of contract 'AL' must be a finite number >= 0")):
        pt.build(fut, levels, traded_value=traded, size=size)
    with pytest.raises(ValueError, match=re.escape("asset 'f1' has a malformed contracts entry 'CU'")):
        pt.build(
            fut.assign(contracts=fut["contracts"].replace("CU=0.5; AL=x", "CU")), levels, traded_value=traded, size=size
        )
    two = pd.concat(
        [
            fut.iloc[:-1],
            _assets(
                [
                    ("f1", "derivatives", "monthly", "weighted", "CU=1"),
                    ("f2", "derivatives", "monthly", "weighted", "CU=1; AL=1"),
                ]
            ),
        ]
    )
    with pytest.raises(ValueError, match=re.escape("contract 'CU' is listed by two assets, 'f1' and 'f2'")):
        pt.build(two, levels, traded_value=traded, size=size)
    with pytest.raises(ValueError, match=re.escape("asset 'f2' has no size data: its contract 'AL' is not a column")):
        pt.build(two, levels, traded_value=traded, size=size.drop(columns="AL"))


# --- the demo data ----------------------------------------------------------------------------------


def test_demo_covers_the_study() -> None:
    """Seven groups, 20-35 assets, the study's start years, one annual series, weighted futures, plausible sizes."""
    d = demo_periodic_table()
    assert set(d.assets["group"]) == set(pt.GROUPS) and 20 <= len(d.assets) <= 35
    starts = {a.name: d.levels[a.name].first_valid_index().year for a in TABLE_ASSETS}
    assert set(starts.values()) == {2000, 2006, 2012, 2015, 2018, 2019}
    assert d.assets["frequency"].tolist().count("annual") == 1
    assert set(d.assets.loc[d.assets["group"] == "derivatives", "turnover_method"]) == {"weighted"}
    got = pt.build(d.assets, d.levels, traded_value=d.traded_value, size=d.size)
    assert got.drop_duplicates("group")["group"].tolist() == list(pt.GROUPS)
    vol = got.set_index("asset")["annualized_volatility"]
    by_group = got.groupby("group")["annualized_volatility"]
    assert by_group.max()["cash"] < 0.01 and by_group.max()["bonds"] < 0.06
    assert 0.15 <= by_group.min()["equities"] and by_group.max()["commodities"] < 0.45
    assert 0.015 < got.set_index("asset")["annualized_return"]["Bank deposits 1Y"] < 0.05 and vol.notna().all()
    pd.testing.assert_frame_equal(demo_periodic_table().levels, d.levels)


# --- outputs, figure, files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    d = demo_periodic_table()
    return pt.build(d.assets, d.levels, traded_value=d.traded_value, size=d.size), pt.asset_sizes(d.assets, d.size)


def test_figure_has_one_cell_per_asset(demo_table: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """One coloured cell and one sparkline per asset, a header per group; a cell without size gets no sparkline."""
    pytest.importorskip("matplotlib")
    from fastcorr.plot import pyplot
    from fastcorr.plot.periodic_table import plot_periodic_table

    table, sizes = demo_table
    fig = plot_periodic_table(table, sizes=sizes.drop(columns="Art"))
    try:
        assert fig.fastcorr_cells == table["asset"].tolist()
        assert "Art" not in fig.fastcorr_sparklines and len(fig.fastcorr_sparklines) == len(table) - 1
        ax = fig.axes[0]
        assert len(ax.patches) == len(table) + table["group"].nunique()
        assert len(ax.lines) == len(table) - 1
        texts = [t.get_text() for t in ax.texts]
        assert all(name in texts for name in table["asset"])
        assert fig.get_size_inches()[0] * fig.dpi == 1600
    finally:
        pyplot().close(fig)


def test_write_outputs(demo_table: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path) -> None:
    """CSV and Parquet round-trip; PNG about 1,600 px wide; SVG and HTML hold every asset; report embeds the PNG."""
    pytest.importorskip("matplotlib")
    table, sizes = demo_table
    paths = pt.write_outputs(table, tmp_path, sizes=sizes)
    assert sorted(paths) == ["csv", "html", "markdown", "parquet", "png", "svg"]
    back = pd.read_csv(paths["csv"], parse_dates=["first_date", "last_date"]).fillna({"turnover_method": ""})
    pd.testing.assert_frame_equal(back, table, check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_parquet(paths["parquet"]), table, check_dtype=False)
    png = paths["png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 1400 <= width <= 1700 and 500 <= height <= 1600
    svg = paths["svg"].read_text()
    page = paths["html"].read_text()
    assert page.count('class="cell"') == len(table)
    for name in table["asset"]:
        assert name.replace("&", "&amp;") in page
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    report = paths["markdown"].read_text()
    assert f"]({paths['png'].name})" in report and report.count("\n| ") == len(table) + 1


def test_read_inputs_round_trip(tmp_path: Path) -> None:
    """The long data file written by to_long and read back builds the same table; CSV and Parquet alike."""
    d = demo_periodic_table(end="2021-12-31")
    ref = pt.build(d.assets, d.levels, traded_value=d.traded_value, size=d.size)
    d.assets.to_csv(tmp_path / "assets.csv", index=False)
    long = pt.to_long(d.levels, d.traded_value, d.size)
    for name, write in (("data.csv", long.to_csv), ("data.parquet", long.to_parquet)):
        write(tmp_path / name, index=False)
        got = pt.read_inputs(tmp_path / "assets.csv", tmp_path / name)
        table = pt.build(got.assets, got.levels, traded_value=got.traded_value, size=got.size)
        pd.testing.assert_frame_equal(table, ref, check_exact=False, rtol=1e-12)
    long[["date", "asset", "level"]].to_csv(tmp_path / "levels.csv", index=False)
    only = pt.read_inputs(tmp_path / "assets.csv", tmp_path / "levels.csv")
    assert only.traded_value is None and only.size is None
    with pytest.raises(FileNotFoundError, match="assets file not found"):
        pt.read_assets(tmp_path / "nope.csv")
    (tmp_path / "assets.json").write_text("{}")
    with pytest.raises(ValueError, match=r"cannot read .*assets.json: unknown file type '.json'"):
        pt.read_assets(tmp_path / "assets.json")


def test_format_table(demo_table: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """One line per cell plus the header, each with the asset's position and Sharpe ratio to 2 decimals."""
    table, _ = demo_table
    lines = pt.format_table(table).splitlines()
    assert len(lines) == len(table) + 1
    for line, rec in zip(lines[1:], table.itertuples(), strict=True):
        assert line.startswith(rec.group) and f" {rec.column:>3} {rec.row:>3}  {rec.asset}" in line
        assert f"{rec.sharpe:.2f}" in line


# --- the real-data example ------------------------------------------------------------------------


@pytest.mark.skipif(not REAL.is_dir(), reason="real data folder ../shared/data/real is absent")
def test_real_data_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The example builds a table from the real files: a bond turnover from ChinaBond, ETF Sharpe ratios."""
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), str(REAL), "--out", str(tmp_path)])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "periodic_table_real.csv")
    assert {"bonds", "equities", "commodities"} <= set(table["group"])
    bonds = table[table["group"] == "bonds"]
    assert bonds["mean_turnover"].notna().all() and (bonds["mean_turnover"] > 0).all()
    assert table["sharpe"].notna().all() and "periodic_table_real.csv" in out


def test_real_data_example_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the data folder the example says so and exits cleanly (code 0), with no traceback."""
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), str(tmp_path / "absent")])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert done.value.code == 0
    assert f"real data folder not found: {tmp_path / 'absent'}" in capsys.readouterr().out
