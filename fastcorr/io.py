"""Read price files (CSV, Parquet, Excel) into a wide date x asset DataFrame.

Every reader returns prices on a sorted, duplicate-free ``DatetimeIndex`` named
``"date"`` with float64 values; missing prices are NaN. Two layouts are read:

* **wide**: one date column and one column per asset;
* **long**: three columns ``date, asset, price`` (one row per asset and day),
  pivoted to wide.

The quirks of common exports are handled here once, so the applications never
see them: the Yahoo literal ``null`` and the Investing.com ``-`` are missing
values, thousands separators (``"3,714.24"``) are dropped, a UTF-8 byte-order
mark is ignored and newest-first files are sorted ascending.
"""

from __future__ import annotations

import tomllib
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["read_chinabond", "read_investing", "read_pairs", "read_prices", "read_yahoo"]

# Strings that mean "no value" in the exports we meet: Yahoo writes ``null`` on exchange
# holidays, Investing.com and Nasdaq.com write ``-`` / ``--`` for an unknown volume.
NA_STRINGS = ("null", "NULL", "-", "--", "", "NaN", "nan", "N/A", "n/a")

DATE_NAMES = ("date", "tradingday", "trading_day", "datetime", "timestamp", "time", "day")
ASSET_NAMES = ("asset", "symbol", "ticker", "name", "code", "series", "id")
VALUE_NAMES = ("price", "value", "close", "adj close", "adj_close", "px", "px_last", "level")

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _read_table(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """The raw table of ``path`` with its index (if any) moved back into the columns."""
    if not path.exists():
        raise FileNotFoundError(f"price file not found: {path}")
    if not path.is_file():
        raise ValueError(f"cannot read {path}: not a file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f"reading the Excel file {path} needs the 'openpyxl' package (pip install openpyxl)"
            ) from exc
    elif suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise ValueError(
            f"cannot read {path}: unknown file type {suffix!r} "
            f"(expected one of {', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES + EXCEL_SUFFIXES)})"
        )
    try:
        if suffix in CSV_SUFFIXES:
            frame = pd.read_csv(
                path,
                sep="\t" if suffix == ".tsv" else ",",
                na_values=list(NA_STRINGS),
                keep_default_na=True,
                thousands=",",
                encoding="utf-8-sig",  # Investing.com exports start with a byte-order mark
                skipinitialspace=True,
            )
        elif suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, na_values=list(NA_STRINGS))
    except Exception as exc:  # parser errors come in many types: report them all with the file name
        raise ValueError(f"cannot read {path}: {exc}") from exc
    if not isinstance(frame.index, pd.RangeIndex):
        # A Parquet file written from an indexed frame brings its date index back as the index.
        frame = frame.reset_index()
    # Trailing commas (ChinaBond exports) give empty "Unnamed: k" columns: they carry nothing.
    unnamed = [c for c in frame.columns if str(c).startswith("Unnamed:") and frame[c].isna().all()]
    return frame.drop(columns=unnamed)


def _find(
    columns: list[Hashable], wanted: str | None, names: tuple[str, ...], what: str, path: Path
) -> Hashable | None:
    """The column called ``wanted`` or, when it is None, the first whose lower-cased name is in ``names``."""
    if wanted is not None:
        if wanted not in columns:
            raise ValueError(f"{what} column {wanted!r} not found in {path} (columns: {list(map(str, columns))})")
        return wanted
    for col in columns:
        if str(col).strip().lower() in names:
            return col
    return None


def _numeric(values: pd.Series, path: Path, column: Hashable) -> pd.Series:
    """``values`` as float64, with thousands separators and the missing-value strings handled."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    text = text.mask(text.isin(NA_STRINGS))
    out = pd.to_numeric(text, errors="coerce")
    bad = out.isna() & text.notna()
    if bad.any():
        first = values[bad].iloc[0]
        raise ValueError(f"column {column!r} of {path} is not numeric: cannot parse {first!r}")
    return out.astype("float64")


def _dates(values: pd.Series, path: Path, column: Hashable) -> pd.DatetimeIndex:
    """``values`` parsed as dates; a date that does not parse is an error naming the file."""
    try:
        dates = pd.to_datetime(values)
    except (ValueError, TypeError):
        try:
            dates = pd.to_datetime(values, format="mixed")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"date column {column!r} of {path} does not parse as dates: {exc}") from exc
    dates = pd.DatetimeIndex(dates)
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna())[0])
        raise ValueError(f"date column {column!r} of {path} has a missing date (data row {row + 1})")
    return dates


def _check_unique(frame: pd.DataFrame, date: Hashable, asset: Hashable | None, path: Path) -> None:
    """Raise on a date seen twice for one asset (wide: a repeated row date)."""
    if asset is None:
        dup = frame[date].duplicated()
        if dup.any():
            when = pd.Timestamp(frame.loc[dup, date].iloc[0]).date()
            first = [c for c in frame.columns if c != date][:1]
            name = first[0] if first else "?"
            raise ValueError(f"duplicate date {when} for asset {name!r} in {path}")
        return
    dup = frame.duplicated(subset=[date, asset])
    if dup.any():
        row = frame.loc[dup].iloc[0]
        raise ValueError(f"duplicate date {pd.Timestamp(row[date]).date()} for asset {row[asset]!r} in {path}")


def read_prices(
    path: str | Path,
    *,
    date_col: str | None = None,
    asset_col: str | None = None,
    value_col: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel price file into a wide date x asset DataFrame.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (also ``.txt``; ``.tsv`` is tab-separated), ``.parquet`` / ``.pq``
        or ``.xlsx`` (Excel needs ``openpyxl``).
    date_col : str, optional
        The date column; by default the first column called ``date``, ``TradingDay``,
        ``datetime``, ``timestamp``, ``time`` or ``day`` (any case), else the first column.
    asset_col : str, optional
        Read a long file with this asset column (one row per asset and day).
        Without it the file is long when, besides the date, it has exactly two
        columns: one asset-like (``asset``, ``symbol``, ``ticker``, ``name``, ``code``...)
        and one value-like (``price``, ``value``, ``close``...); otherwise it is wide.
    value_col : str, optional
        Long layout: the price column (default: the value-like or the only other
        column). Wide layout: keep only this column (e.g. ``"Adj Close"`` of a Yahoo file).
    sheet : str or int, optional
        Excel sheet name or position (default the first sheet).

    Returns
    -------
    DataFrame
        float64 prices, one column per asset, on a sorted ``DatetimeIndex`` named ``"date"``.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        The file cannot be parsed, a named column is missing, a value is not numeric,
        or one asset has the same date twice (the message names the file, asset and date).
    ImportError
        An Excel file without ``openpyxl`` installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.io import read_prices
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.csv").write_text('Date,SPX\\n2021-01-29,"3,714.24"\\n2021-01-28,null\\n')
    >>> frame = read_prices(folder / "p.csv")
    >>> frame.index.name, [str(d.date()) for d in frame.index], frame["SPX"].tolist()
    ('date', ['2021-01-28', '2021-01-29'], [nan, 3714.24])
    """
    path = Path(path)
    raw = _read_table(path, sheet)
    if raw.shape[1] == 0 or raw.empty:
        raise ValueError(f"cannot read {path}: no data rows")
    columns = list(raw.columns)
    date = _find(columns, date_col, DATE_NAMES, "date", path)
    if date is None:
        date = columns[0]
    others = [c for c in columns if c != date]

    long_asset = _find(others, asset_col, ASSET_NAMES, "asset", path) if asset_col is not None else None
    if asset_col is None and len(others) == 2:
        # Detect the long layout only from unambiguous names: a wide file with two assets
        # called e.g. "SPX" and "GOLD" must stay wide.
        a = _find(others, None, ASSET_NAMES, "asset", path)
        v = _find([c for c in others if c != a], None, VALUE_NAMES, "value", path)
        if a is not None and v is not None:
            long_asset = a
            value_col = value_col if value_col is not None else v

    raw = raw.copy()
    raw[date] = _dates(raw[date], path, date)
    if long_asset is not None:
        rest = [c for c in others if c != long_asset]
        value = _find(rest, value_col, VALUE_NAMES, "value", path) if value_col is not None else None
        if value is None:
            value = _find(rest, None, VALUE_NAMES, "value", path)
        if value is None and len(rest) == 1:
            value = rest[0]
        if value is None:
            raise ValueError(
                f"cannot tell the value column of the long file {path}: "
                f"pass value_col= (columns: {list(map(str, rest))})"
            )
        raw = raw[raw[long_asset].notna()]
        _check_unique(raw, date, long_asset, path)
        raw[value] = _numeric(raw[value], path, value)
        wide = raw.pivot(index=date, columns=long_asset, values=value)
        wide.columns = pd.Index([str(c) if not isinstance(c, str) else c for c in wide.columns])
    else:
        keep = others
        if value_col is not None:
            keep = [_find(others, value_col, VALUE_NAMES, "value", path)]
        if not keep:
            raise ValueError(f"cannot read {path}: no price columns besides the date column {date!r}")
        _check_unique(raw[[date, *keep]], date, None, path)
        wide = pd.DataFrame({c: _numeric(raw[c], path, c).to_numpy() for c in keep}, index=raw[date].to_numpy())
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    wide.columns.name = None
    # Newest-first exports (Investing.com, Nasdaq.com) come back oldest first.
    return wide.sort_index().astype("float64")


def _series(path: str | Path, column: str, date_col: str | None = None) -> pd.Series:
    """One price column of a single-asset export, missing rows dropped, named after the file."""
    frame = read_prices(path, date_col=date_col, value_col=column)
    series = frame.iloc[:, 0].dropna()
    series.name = Path(path).stem
    return series


def read_yahoo(path: str | Path, column: str = "Adj Close") -> pd.Series:
    """Read one column of a Yahoo Finance daily CSV (``Date,Open,High,Low,Close,Adj Close,Volume``).

    Rows holding the literal ``null`` (exchange holidays) are dropped, so the
    series has the asset's own trading days only.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    column : str, default "Adj Close"
        The price column (``"Close"`` for the yfinance layout without ``Adj Close``).

    Returns
    -------
    Series
        float64 prices on a sorted ``DatetimeIndex`` named ``"date"``, named after the file stem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.io import read_yahoo
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "SSEC.csv"
    >>> _ = f.write_text("Date,Close,Adj Close\\n2020-01-02,10,10\\n2020-01-03,null,null\\n2020-01-06,11,11\\n")
    >>> read_yahoo(f).tolist(), read_yahoo(f).name
    ([10.0, 11.0], 'SSEC')
    """
    return _series(path, column)


def read_investing(path: str | Path) -> pd.Series:
    """Read the ``Price`` column of an Investing.com historical-data CSV export.

    These files start with a byte-order mark, list the newest day first, write
    dates as ``"Jan 29, 2021"`` and numbers with thousands separators; the series
    comes back oldest first as float64.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    Series
        float64 prices on a sorted ``DatetimeIndex`` named ``"date"``, named after the file stem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.io import read_investing
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "SPX.csv"
    >>> _ = f.write_text('"Date","Price","Vol."\\n"Jan 29, 2021","3,714.24","-"\\n"Jan 28, 2021","3,787.38","-"\\n')
    >>> read_investing(f).tolist()
    [3787.38, 3714.24]
    """
    return _series(path, "Price")


def read_chinabond(path: str | Path, column: str = "ClosePrice") -> pd.Series:
    """Read one column of a ChinaBond (Gildata-style) index CSV, dated by ``TradingDay``.

    Parameters
    ----------
    path : str or Path
        The CSV file (columns such as ``TradingDay, ClosePrice, YTM, TotalMarketValue, SpotSettVol``).
    column : str, default "ClosePrice"
        The column to read (the total-return index by default).

    Returns
    -------
    Series
        float64 values on a sorted ``DatetimeIndex`` named ``"date"``, named after the file stem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.io import read_chinabond
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "Y40007.csv"
    >>> _ = f.write_text("ID,TradingDay,ClosePrice,YTM,\\n1,2002-01-04,99.9632,2.65,\\n2,2002-01-07,99.9365,2.65,\\n")
    >>> read_chinabond(f).tolist()
    [99.9632, 99.9365]
    """
    return _series(path, column, date_col="TradingDay")


PAIR_KEYS = ("name", "home", "overseas")


def read_pairs(path: str | Path) -> list[tuple[str, str, str]]:
    """Read the pairs of a co-movement study as ``(name, home, overseas)`` tuples.

    Parameters
    ----------
    path : str or Path
        A CSV file with header ``name,home,overseas`` or a TOML file with one
        ``[[pair]]`` table per pair holding the keys ``name``, ``home`` and ``overseas``.

    Returns
    -------
    list of (str, str, str)

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        Unknown file type, a missing column or key, an empty value, no pairs or a repeated pair name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.io import read_pairs
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pairs.toml"
    >>> _ = f.write_text('[[pair]]\\nname = "equities"\\nhome = "CSI300"\\noverseas = "SPX"\\n')
    >>> read_pairs(f)
    [('equities', 'CSI300', 'SPX')]
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"pairs file not found: {path}")
    suffix = path.suffix.lower()
    rows: list[dict[str, Any]]
    if suffix == ".toml":
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"cannot read {path}: {exc}") from exc
        tables = doc.get("pair")
        if not isinstance(tables, list) or not tables:
            raise ValueError(f"no [[pair]] tables in {path} (expected [[pair]] with name, home, overseas)")
        rows = tables
        for i, row in enumerate(rows, start=1):
            missing = [k for k in PAIR_KEYS if k not in row]
            if missing:
                raise ValueError(f"pair {i} in {path} lacks key(s) {', '.join(missing)}")
    elif suffix in CSV_SUFFIXES:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig")
        except Exception as exc:  # empty file, bad quoting...
            raise ValueError(f"cannot read {path}: {exc}") from exc
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = [k for k in PAIR_KEYS if k not in frame.columns]
        if missing:
            raise ValueError(
                f"pairs file {path} lacks column(s) {', '.join(missing)} (header must be name,home,overseas)"
            )
        rows = frame[list(PAIR_KEYS)].to_dict("records")
        if not rows:
            raise ValueError(f"no pairs in {path}")
    else:
        raise ValueError(f"cannot read pairs from {path}: unknown file type {suffix!r} (expected .csv or .toml)")
    pairs: list[tuple[str, str, str]] = []
    for i, row in enumerate(rows, start=1):
        name, home, overseas = (str(row[k]).strip() for k in PAIR_KEYS)
        for key, value in zip(PAIR_KEYS, (name, home, overseas), strict=True):
            if not value:
                raise ValueError(f"pair {i} in {path} has an empty {key}")
        pairs.append((name, home, overseas))
    names = [p[0] for p in pairs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"pair name(s) {', '.join(map(repr, repeated))} repeated in {path}")
    return pairs
