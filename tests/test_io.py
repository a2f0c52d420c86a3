"""Price and pair readers: round trips, export quirks, errors, and the real data files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fastcorr.demo import demo_prices
from fastcorr.io import read_chinabond, read_investing, read_pairs, read_prices, read_yahoo

HAS_OPENPYXL = importlib.util.find_spec("openpyxl") is not None


@pytest.fixture
def wide() -> pd.DataFrame:
    """Demo prices with a few missing values (not whole rows, so the long layout keeps every date)."""
    prices = demo_prices("2020-01-01", "2020-03-31")
    prices.iloc[3, 0] = np.nan
    prices.iloc[10, 4] = np.nan
    return prices


def _long(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.stack().rename("price").rename_axis(["date", "asset"]).reset_index()


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_freq=False, check_index_type=False, rtol=1e-14)
    assert got.index.name == "date"
    assert isinstance(got.index, pd.DatetimeIndex)


# -- round trips ---------------------------------------------------------------------


def test_wide_csv_round_trip(tmp_path: Path, wide: pd.DataFrame) -> None:
    path = tmp_path / "wide.csv"
    wide.to_csv(path, float_format="%.17g")
    _same(read_prices(path), wide)


def test_wide_parquet_round_trip(tmp_path: Path, wide: pd.DataFrame) -> None:
    """Both with the dates as the index and as a plain column."""
    wide.to_parquet(tmp_path / "indexed.parquet")
    _same(read_prices(tmp_path / "indexed.parquet"), wide)
    wide.reset_index().to_parquet(tmp_path / "plain.parquet", index=False)
    _same(read_prices(tmp_path / "plain.parquet"), wide)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_long_round_trip(tmp_path: Path, wide: pd.DataFrame, suffix: str) -> None:
    """date, asset, price rows are detected as long and pivoted back (columns sorted by the pivot)."""
    path = tmp_path / f"long.{suffix}"
    frame = _long(wide)
    if suffix == "csv":
        frame.to_csv(path, index=False, float_format="%.17g")
    else:
        frame.to_parquet(path, index=False)
    _same(read_prices(path), wide[sorted(wide.columns)])


def test_long_with_named_columns(tmp_path: Path, wide: pd.DataFrame) -> None:
    """Unusual names: asset_col/value_col/date_col say which is which; rows in any order."""
    frame = _long(wide).rename(columns={"date": "when", "asset": "instrument", "price": "last"}).iloc[::-1]
    frame["extra"] = 1.0
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    got = read_prices(path, date_col="when", asset_col="instrument", value_col="last")
    _same(got, wide[sorted(wide.columns)])
    with pytest.raises(ValueError, match="cannot tell the value column of the long file"):
        read_prices(path, date_col="when", asset_col="instrument")


def test_two_asset_wide_file_stays_wide(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("date,SPX,GOLD\n2020-01-02,1,2\n2020-01-03,3,4\n")
    assert list(read_prices(path).columns) == ["SPX", "GOLD"]


@pytest.mark.skipif(not HAS_OPENPYXL, reason="openpyxl not installed")
def test_excel_round_trip(tmp_path: Path, wide: pd.DataFrame) -> None:
    path = tmp_path / "wide.xlsx"
    wide.to_excel(path, sheet_name="prices")
    _same(read_prices(path, sheet="prices"), wide)


@pytest.mark.skipif(HAS_OPENPYXL, reason="openpyxl installed")
def test_excel_without_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(ImportError, match=r"wide\.xlsx needs the 'openpyxl' package"):
        read_prices(path)


# -- quirks ------------------------------------------------------------------------------


def test_thousands_null_newest_first(tmp_path: Path) -> None:
    """Quoted thousands separators, Yahoo ``null``, ``-`` and a newest-first file with a BOM."""
    path = tmp_path / "export.csv"
    text = (
        '"Date","Price","Vol."\n"Jan 29, 2021","3,714.24","-"\n'
        '"Jan 28, 2021","null","-"\n"Jan 27, 2021","12,345,678.5","1"\n'
    )
    path.write_bytes("\ufeff".encode() + text.encode())
    got = read_prices(path)
    assert list(got.columns) == ["Price", "Vol."]
    assert [str(d.date()) for d in got.index] == ["2021-01-27", "2021-01-28", "2021-01-29"]
    np.testing.assert_array_equal(got["Price"].to_numpy(), [12345678.5, np.nan, 3714.24])
    np.testing.assert_array_equal(got["Vol."].to_numpy(), [1.0, np.nan, np.nan])


def test_single_asset_wrappers(tmp_path: Path) -> None:
    yahoo = tmp_path / "000001.SS.csv"
    yahoo.write_text(
        "Date,Open,Close,Adj Close\n2020-01-02,1,10,9.5\n2020-01-03,null,null,null\n2020-01-06,1,11,10.5\n"
    )
    s = read_yahoo(yahoo)
    assert s.name == "000001.SS" and s.index.name == "date"
    assert s.tolist() == [9.5, 10.5]
    assert read_yahoo(yahoo, column="Close").tolist() == [10.0, 11.0]
    investing = tmp_path / "SPX.csv"
    investing.write_text('"Date","Price"\n"Feb 03, 2020","1,001.5"\n"Jan 31, 2020","1,000.0"\n')
    assert read_investing(investing).tolist() == [1000.0, 1001.5]
    chinabond = tmp_path / "Y40007.csv"
    chinabond.write_text(
        "ID,TradingDay,ClosePrice,TotalMarketValue,SpotSettVol,UpdateTime,\n"
        "1,2010-01-04,120.5,300000.0,,2018-12-15 18:20:20.120,\n"
        "2,2010-01-05,120.7,300100.0,1500.5,2018-12-15 18:20:20.120,\n"
    )
    assert read_chinabond(chinabond).tolist() == [120.5, 120.7]
    assert read_chinabond(chinabond, "SpotSettVol").tolist() == [1500.5]
    with pytest.raises(ValueError, match=r"value column 'Adj Close' not found in .*Y40007\.csv"):
        read_yahoo(chinabond)


# -- errors --------------------------------------------------------------------------------


def test_duplicate_dates(tmp_path: Path, wide: pd.DataFrame) -> None:
    frame = _long(wide)
    frame = pd.concat([frame, frame.iloc[[7]]])
    path = tmp_path / "dup_long.csv"
    frame.to_csv(path, index=False)
    row = frame.iloc[7]
    when = str(pd.Timestamp(row["date"]).date())
    with pytest.raises(ValueError, match=rf"duplicate date {when} for asset '{row['asset']}' in .*dup_long\.csv"):
        read_prices(path)
    path = tmp_path / "dup_wide.csv"
    path.write_text("date,A,B\n2020-01-02,1,2\n2020-01-03,3,4\n2020-01-02,5,6\n")
    with pytest.raises(ValueError, match=r"duplicate date 2020-01-02 for asset 'A' in .*dup_wide\.csv"):
        read_prices(path)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"price file not found: .*nope\.csv"):
        read_prices(tmp_path / "nope.csv")
    odd = tmp_path / "prices.json"
    odd.write_text("{}")
    with pytest.raises(ValueError, match=r"cannot read .*prices\.json: unknown file type '\.json'"):
        read_prices(odd)
    text = tmp_path / "text.csv"
    text.write_text("date,A\n2020-01-02,abc\n")
    with pytest.raises(ValueError, match=r"column 'A' of .*text\.csv is not numeric: cannot parse 'abc'"):
        read_prices(text)
    baddate = tmp_path / "baddate.csv"
    baddate.write_text("date,A\nnot a date,1\n")
    with pytest.raises(ValueError, match=r"date column 'date' of .*baddate\.csv does not parse as dates"):
        read_prices(baddate)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match=r"cannot read .*empty\.csv"):
        read_prices(empty)
    header = tmp_path / "header.csv"
    header.write_text("date,A\n")
    with pytest.raises(ValueError, match=r"cannot read .*header\.csv: no data rows"):
        read_prices(header)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(ValueError, match=r"cannot read .*broken\.parquet"):
        read_prices(broken)
    with pytest.raises(ValueError, match=r"date column 'when' not found in .*text\.csv"):
        read_prices(text, date_col="when")
    with pytest.raises(ValueError, match=r"asset column 'ticker' not found"):
        read_prices(text, asset_col="ticker")
    with pytest.raises(ValueError, match=r"cannot read .*: not a file"):
        read_prices(tmp_path)


# -- pairs -----------------------------------------------------------------------------------


def test_read_pairs_csv_and_toml(tmp_path: Path) -> None:
    want = [("equities", "CSI300", "SPX"), ("government bonds", "CGB10", "UST10")]
    csv = tmp_path / "pairs.csv"
    csv.write_text("name,home,overseas\nequities, CSI300, SPX\ngovernment bonds,CGB10,UST10\n")
    assert read_pairs(csv) == want
    toml = tmp_path / "pairs.toml"
    toml.write_text(
        '[[pair]]\nname = "equities"\nhome = "CSI300"\noverseas = "SPX"\n\n'
        '[[pair]]\nname = "government bonds"\nhome = "CGB10"\noverseas = "UST10"\n'
    )
    assert read_pairs(toml) == want


def test_read_pairs_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"pairs file not found: .*none\.toml"):
        read_pairs(tmp_path / "none.toml")
    csv = tmp_path / "bad.csv"
    csv.write_text("name,home\neq,A\n")
    with pytest.raises(ValueError, match=r"bad\.csv lacks column\(s\) overseas"):
        read_pairs(csv)
    csv.write_text("name,home,overseas\n")
    with pytest.raises(ValueError, match=r"no pairs in .*bad\.csv"):
        read_pairs(csv)
    csv.write_text("name,home,overseas\neq,A,\n")
    with pytest.raises(ValueError, match=r"pair 1 in .*bad\.csv has an empty overseas"):
        read_pairs(csv)
    csv.write_text("name,home,overseas\neq,A,B\neq,C,D\n")
    with pytest.raises(ValueError, match=r"pair name\(s\) 'eq' repeated"):
        read_pairs(csv)
    toml = tmp_path / "bad.toml"
    toml.write_text('[[pair]]\nname = "eq"\nhome = "A"\noverseas = "B"\n[[pair]]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"pair 2 in .*bad\.toml lacks key\(s\) home, overseas"):
        read_pairs(toml)
    toml.write_text('title = "no pairs"\n')
    with pytest.raises(ValueError, match=r"no \[\[pair\]\] tables in .*bad\.toml"):
        read_pairs(toml)
    toml.write_text("[[pair]\n")
    with pytest.raises(ValueError, match=r"cannot read .*bad\.toml"):
        read_pairs(toml)
    other = tmp_path / "pairs.yaml"
    other.write_text("x")
    with pytest.raises(ValueError, match=r"unknown file type '\.yaml' \(expected \.csv or \.toml\)"):
        read_pairs(other)


# -- real data ----------------------------------------------------------------------------------


def _check_real(series: pd.Series) -> None:
    assert isinstance(series.index, pd.DatetimeIndex)
    assert series.index.is_monotonic_increasing and series.index.is_unique
    assert series.notna().all() and (series > 0).all()


def test_real_shanghai_and_spx(real_data: Path) -> None:
    """Shanghai Composite (Yahoo, 3 null rows) and S&P 500 (Investing.com, newest first, thousands separators)."""
    folder = real_data / "allikami_kulyebyaka"
    ssec = read_yahoo(folder / "SSEC_000001.SS_yahoo.csv")
    spx = read_investing(folder / "SPX_investing.csv")
    for series in (ssec, spx):
        _check_real(series)
        assert str(series.index[0].date()) == "2010-01-04" and str(series.index[-1].date()) == "2021-01-29"
    assert len(ssec) == 2693 - 3
    assert len(spx) == 2788
    assert spx.loc["2021-01-29"] == pytest.approx(3714.24)


def test_real_chinabond(real_data: Path) -> None:
    series = read_chinabond(real_data / "chinabond_cbtbi" / "Y40007.csv")
    _check_real(series)
    assert len(series) == 4667
