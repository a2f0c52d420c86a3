"""``fastcorr periodic-table`` and the periodic-table part of ``fastcorr demo``, end to end."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from xml.etree import ElementTree

import naive_periodic_table as naive
import pandas as pd
import pytest

from fastcorr.apps import periodic_table as pt
from fastcorr.cli import main
from fastcorr.demo import demo_periodic_table

END = "2021-12-31"  # a shorter demo history keeps the files small


def _listed(stdout: str, out: Path) -> dict[str, Path]:
    """The files listed after the periodic table's 'outputs in' line, by suffix."""
    tail = stdout.rsplit("outputs in", 1)[1].splitlines()[1:]
    paths = [out / line.strip() for line in tail if line.startswith("  ")]
    return {p.suffix: p for p in paths}


def _write(folder: Path, data_name: str = "data.csv", assets: pd.DataFrame | None = None) -> tuple[Path, Path]:
    d = demo_periodic_table(end=END)
    assets_file, data_file = folder / "assets.csv", folder / data_name
    (d.assets if assets is None else assets).to_csv(assets_file, index=False)
    long = pt.to_long(d.levels, d.traded_value, d.size)
    if data_file.suffix == ".parquet":
        long.to_parquet(data_file, index=False)
    else:
        long.to_csv(data_file, index=False)
    return assets_file, data_file


@pytest.mark.parametrize("data_name", ["data.csv", "data.parquet"])
def test_periodic_table_command_end_to_end(data_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every listed output exists and parses; the table equals the naive one; the PNG is about 1,600 px wide."""
    assets_file, data_file = _write(tmp_path, data_name)
    out = tmp_path / "out"
    assert main(["periodic-table", "--assets", str(assets_file), "--data", str(data_file), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    files = _listed(stdout, out)
    assert set(files) == {".csv", ".parquet", ".png", ".svg", ".html", ".md"}
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0, path
    d = demo_periodic_table(end=END)
    want = naive.table(d.assets, d.levels, d.traded_value, d.size).sort_values(["column", "row"], ignore_index=True)
    got = pd.read_parquet(files[".parquet"])
    assert got[["group", "column", "row", "asset"]].equals(want[["group", "column", "row", "asset"]])
    pd.testing.assert_series_equal(got["sharpe"], want["sharpe"], check_exact=False, rtol=1e-9)
    back = pd.read_csv(files[".csv"], parse_dates=["first_date", "last_date"]).fillna({"turnover_method": ""})
    pd.testing.assert_frame_equal(back, got, check_dtype=False)
    png = files[".png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert 1400 <= width <= 1700 and 400 <= height <= 1600
    assert ElementTree.parse(files[".svg"]).getroot().tag.endswith("svg")
    assert files[".html"].read_text().count('class="cell"') == len(d.assets)
    assert f"]({files['.png'].name})" in files[".md"].read_text()
    for rec in got.itertuples():
        assert re.search(
            rf"^{re.escape(rec.group)}\s+{rec.column}\s+{rec.row}\s+{re.escape(rec.asset)}\s", stdout, re.M
        )


def test_periodic_table_no_figures_and_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--no-figures writes the tables only; --start/--end restrict every asset's span."""
    assets_file, data_file = _write(tmp_path)
    out = tmp_path / "o"
    argv = ["periodic-table", "--assets", str(assets_file), "--data", str(data_file), "--out", str(out)]
    assert main([*argv, "--no-figures", "--start", "2010-01-01", "--end", "2019-12-31"]) == 0
    capsys.readouterr()
    assert not list(out.glob("*.png")) and not list(out.glob("*.svg"))
    table = pd.read_parquet(out / "periodic_table.parquet")
    assert table["first_date"].min() >= pd.Timestamp("2010-01-01")
    assert table["last_date"].max() <= pd.Timestamp("2019-12-31")


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fastcorr periodic-table: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err


def test_periodic_table_bad_input_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown group, asset without data, unknown turnover method, missing file: one line, exit code 2."""
    d = demo_periodic_table(end=END)
    _, data_file = _write(tmp_path)
    base = ["periodic-table", "--data", str(data_file), "--out", str(tmp_path / "o")]

    def run(assets: pd.DataFrame, name: str) -> str:
        path = tmp_path / name
        assets.to_csv(path, index=False)
        return _fails([*base, "--assets", str(path)], capsys)

    err = run(d.assets.replace({"group": {"bonds": "fixed income"}}), "group.csv")
    assert "asset 'Treasury 1-3y' has unknown group 'fixed income' (expected one of 'cash'" in err
    extra = pd.concat([d.assets, d.assets.iloc[[0]].assign(asset="Bitcoin")], ignore_index=True)
    err = run(extra, "extra.csv")
    assert f"{tmp_path / 'extra.csv'}: asset 'Bitcoin' has no data in {data_file}" in err
    err = run(d.assets.replace({"turnover_method": {"daily_average": "median"}}), "method.csv")
    assert "asset 'S&P 500' has unknown turnover_method 'median' (expected one of 'ratio'" in err
    err = _fails([*base, "--assets", str(tmp_path / "missing.csv")], capsys)
    assert "assets file not found" in err and "missing.csv" in err
    err = _fails(
        ["periodic-table", "--assets", str(tmp_path / "group.csv"), "--data", str(tmp_path / "nope.csv")], capsys
    )
    assert "nope.csv" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["periodic-table"],
        ["periodic-table", "--assets", "a.csv"],
        ["periodic-table", "--data", "d.csv"],
    ],
)
def test_periodic_table_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Missing required options are usage errors: exit code 2 and the usage line, no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: fastcorr periodic-table" in err and "Traceback" not in err


def test_periodic_table_help(capsys: pytest.CaptureFixture[str]) -> None:
    """--help names the options and documents the --data layout and the ordering rules."""
    with pytest.raises(SystemExit) as exc:
        main(["periodic-table", "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines at the terminal width
    for word in ("--assets", "--data", "--out", "date, asset, level", "turnover_method", "Sharpe"):
        assert word in text, word
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "periodic-table" in capsys.readouterr().out


def test_demo_builds_the_periodic_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`fastcorr demo` prints the synthetic periodic table and writes its outputs under periodic_table/."""
    assert main(["demo", "--window", "120", "--out", str(tmp_path)]) == 0
    stdout = capsys.readouterr().out
    d = demo_periodic_table()
    table = pt.build(d.assets, d.levels, traded_value=d.traded_value, size=d.size)
    assert pt.format_table(table) in stdout
    assert "periodic table" in stdout and "SYNTHETIC" in stdout
    folder = tmp_path / "periodic_table"
    for suffix in (".csv", ".parquet", ".png", ".svg", ".html", ".md"):
        path = folder / f"periodic_table{suffix}"
        assert path.is_file() and f"periodic_table/periodic_table{suffix}" in stdout, suffix
    assert stdout.index("periodic_table/periodic_table.csv") < stdout.index("done in")
