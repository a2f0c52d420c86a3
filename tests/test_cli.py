"""The ``fastcorr`` command line (demo and comovement, end to end) and the built-in demo universe."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from naive_comovement import RANDOM_PAIRS, naive_index, random_prices

from fastcorr.cli import main
from fastcorr.demo import ASSETS, PAIRS, STRESS, demo_prices

mpimg = pytest.importorskip("matplotlib.image")


def test_demo_prices_are_deterministic_and_positive() -> None:
    """The same seed gives the same prices; every price is positive and finite; columns are the assets."""
    a, b = demo_prices(), demo_prices()
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == [asset.name for asset in ASSETS]
    assert np.isfinite(a.to_numpy()).all() and (a.to_numpy() > 0).all()
    assert not demo_prices(seed=1).equals(a)


def test_demo_stress_regimes_raise_correlation() -> None:
    """Each pair's daily-return correlation is higher inside the stress regimes than outside."""
    returns = demo_prices().pct_change().iloc[1:]
    stress = np.zeros(len(returns), dtype=bool)
    for lo, hi, _ in STRESS:
        stress |= (returns.index >= lo) & (returns.index <= hi)
    for _, home, abroad in PAIRS:
        inside = returns.loc[stress, home].corr(returns.loc[stress, abroad])
        outside = returns.loc[~stress, home].corr(returns.loc[~stress, abroad])
        assert inside > outside + 0.1, (home, abroad, inside, outside)


def _check_png(path: Path) -> tuple[int, int]:
    """A PNG signature, an IHDR chunk and a decodable image; returns (width, height)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    image = mpimg.imread(path)
    assert image.shape[:2] == (height, width)
    assert image.std() > 0.01, f"{path} is blank"
    return width, height


def _check_outputs(out: Path, stdout: str, n_pairs: int) -> list[Path]:
    """Every file the command lists exists and parses; returns them."""
    listed = [out / line.strip() for line in stdout.split("outputs in", 1)[1].splitlines()[1:] if line.startswith("  ")]
    names = {p.relative_to(out).as_posix() for p in listed}
    assert {"comovement_index.csv", "comovement_index.parquet", "episodes.csv", "report.md"} <= names
    assert "figures/comovement_index.png" in names and "figures/comovement_index.svg" in names
    for path in listed:
        assert path.is_file() and path.stat().st_size > 0, path
        if path.suffix == ".png":
            width, height = _check_png(path)
            assert 1000 <= width <= 3000 and 500 <= height <= 2000, (path, width, height)
        elif path.suffix == ".svg":
            assert ElementTree.parse(path).getroot().tag.endswith("svg")
    index = pd.read_csv(out / "comovement_index.csv", index_col=0, parse_dates=True)
    assert list(index.columns)[-2:] == ["index", "n_pairs"] and index.shape[1] == n_pairs + 2
    pd.testing.assert_frame_equal(pd.read_parquet(out / "comovement_index.parquet"), index, check_freq=False)
    found = pd.read_csv(out / "episodes.csv", parse_dates=["start", "peak_date", "end"])
    assert list(found.columns) == ["start", "peak_date", "peak_value", "end", "duration_days", "rows"]
    episode_figures = sorted(n for n in names if n.startswith("figures/episode_") and n.endswith(".png"))
    assert len(episode_figures) == len(found)
    report = (out / "report.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", report)
    assert len(links) == 1 + len(found)
    assert all((out / link).is_file() for link in links)
    return listed


def _assert_index(got: pd.DataFrame, want: pd.DataFrame) -> None:
    for col in want.columns:
        g, w = got[col].to_numpy(dtype=float), want[col].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=col)
        np.testing.assert_allclose(g[~np.isnan(g)], w[~np.isnan(w)], rtol=0, atol=1e-10, err_msg=col)


def test_demo_runs_the_study_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`fastcorr demo` says the data are synthetic, writes every output, and the index equals naive pandas."""
    assert main(["demo", "--window", "120", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and str(tmp_path.resolve()) in out
    assert re.search(r"done in \d+\.\d\d s", out)
    _check_outputs(tmp_path, out, len(PAIRS))
    got = pd.read_parquet(tmp_path / "comovement_index.parquet")
    _assert_index(got, naive_index(demo_prices(), PAIRS, 120, min_pairs=len(PAIRS)))
    assert "SYNTHETIC" in (tmp_path / "report.md").read_text()
    # The printed last/mean/max of the index are those of the written file.
    index = got["index"].dropna()
    line = next(line for line in out.splitlines() if line.startswith("index (mean of pairs)"))
    printed = [float(v) for v in re.findall(r"-?\d+\.\d{3}", line)]
    np.testing.assert_allclose(printed, [index.iloc[-1], index.mean(), index.max()], atol=6e-4)


def _write_inputs(folder: Path, layout: str, prices: pd.DataFrame) -> tuple[Path, Path]:
    """The test universe as a price file in the given layout, and its pairs as a TOML file."""
    long = prices.stack().rename("price").rename_axis(["date", "asset"]).reset_index()
    if layout == "wide.csv":
        path = folder / "prices.csv"
        prices.iloc[::-1].to_csv(path)  # newest first, as some exports are
    elif layout == "long.parquet":
        path = folder / "prices.parquet"
        long.to_parquet(path)
    else:
        path = folder / "prices.xlsx"
        prices.to_excel(path)
    pairs = folder / "pairs.toml"
    pairs.write_text("".join(f'[[pair]]\nname = "{n}"\nhome = "{h}"\noverseas = "{o}"\n' for n, h, o in RANDOM_PAIRS))
    return path, pairs


@pytest.mark.parametrize("layout", ["wide.csv", "long.parquet", "wide.xlsx"])
def test_comovement_command_end_to_end(layout: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`fastcorr comovement` on files with per-asset holidays: outputs exist, parse and equal naive pandas."""
    prices = random_prices(n=500, seed=7)
    price_file, pairs_file = _write_inputs(tmp_path, layout, prices)
    out = tmp_path / "out"
    argv = ["comovement", "--prices", str(price_file), "--pairs", str(pairs_file), "--window", "60"]
    assert main([*argv, "--out", str(out), "--min-days", "5", "--merge-gap", "3"]) == 0
    stdout = capsys.readouterr().out
    _check_outputs(out, stdout, len(RANDOM_PAIRS))
    got = pd.read_parquet(out / "comovement_index.parquet")
    want = naive_index(prices.dropna(how="all"), RANDOM_PAIRS, 60, min_pairs=len(RANDOM_PAIRS))
    _assert_index(got, want)


def test_comovement_min_pairs_and_no_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    prices = random_prices(n=300, seed=8)
    price_file, pairs_file = _write_inputs(tmp_path, "wide.csv", prices)
    argv = ["comovement", "--prices", str(price_file), "--pairs", str(pairs_file), "--window", "40"]
    assert main([*argv, "--out", str(tmp_path / "o"), "--min-pairs", "1", "--no-figures", "--threshold", "0.2"]) == 0
    capsys.readouterr()
    assert not (tmp_path / "o" / "figures").exists()
    got = pd.read_parquet(tmp_path / "o" / "comovement_index.parquet")
    _assert_index(got, naive_index(prices.dropna(how="all"), RANDOM_PAIRS, 40, min_pairs=1))
    assert "above 0.200" in (tmp_path / "o" / "report.md").read_text()


def test_figures_skipped_without_matplotlib(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without the plot extra the study still writes its tables and says the figures were skipped."""
    import fastcorr.plot

    def missing() -> None:
        raise ImportError("figures need matplotlib: pip install 'fastcorr[plot]'")

    monkeypatch.setattr(fastcorr.plot, "pyplot", missing)
    monkeypatch.setattr("fastcorr.plot.comovement.pyplot", missing)
    assert main(["demo", "--window", "120", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "figures skipped: figures need matplotlib: pip install 'fastcorr[plot]'" in out
    assert not (tmp_path / "figures").exists()
    assert "Figures skipped" in (tmp_path / "report.md").read_text()


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"fastcorr {argv[0]}: error:") and "Traceback" not in err
    return err


def test_comovement_bad_input_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Each user mistake is one line on stderr naming the file, column, asset or date, with exit code 2."""
    prices = random_prices(n=300, seed=9)
    price_file, pairs_file = _write_inputs(tmp_path, "wide.csv", prices)
    base = ["comovement", "--out", str(tmp_path / "o"), "--window", "40"]

    bad_pairs = tmp_path / "bad_pairs.csv"
    bad_pairs.write_text("name,home,overseas\nab,A,ZZZ\n")
    err = _fails([*base, "--prices", str(price_file), "--pairs", str(bad_pairs)], capsys)
    assert f"{bad_pairs}: asset 'ZZZ' of pair 'ab' is not in {price_file}" in err

    err = _fails([*base, "--prices", str(tmp_path / "missing.csv"), "--pairs", str(pairs_file)], capsys)
    assert "missing.csv" in err

    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not a parquet file")
    err = _fails([*base, "--prices", str(garbage), "--pairs", str(pairs_file)], capsys)
    assert "garbage.parquet" in err

    duplicated = tmp_path / "dup.csv"
    pd.concat([prices.iloc[:5], prices.iloc[4:5]]).to_csv(duplicated)
    err = _fails([*base, "--prices", str(duplicated), "--pairs", str(pairs_file)], capsys)
    assert "dup.csv" in err and "duplicate" in err

    negative = prices.copy()
    negative.iloc[100, 1] = -1.0
    negative_file = tmp_path / "negative.csv"
    negative.to_csv(negative_file)
    err = _fails([*base, "--prices", str(negative_file), "--pairs", str(pairs_file), "--method", "log"], capsys)
    when = negative.index[100].date()
    assert f"asset 'B' has a non-positive price -1.0 on {when}" in err

    short = tmp_path / "short.csv"
    prices.iloc[:30].to_csv(short)
    err = _fails([*base, "--prices", str(short), "--pairs", str(pairs_file)], capsys)
    assert "history too short" in err and "window=40" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--window", "0"],
        ["demo", "--window", "x"],
        [],
        ["nonsense"],
        ["comovement", "--prices", "p.csv"],
        ["comovement", "--prices", "p.csv", "--pairs", "q.csv", "--threshold", "0.3", "--quantile", "0.9"],
        ["comovement", "--prices", "p.csv", "--pairs", "q.csv", "--quantile", "1.5"],
        ["comovement", "--prices", "p.csv", "--pairs", "q.csv", "--method", "cubic"],
    ],
)
def test_bad_arguments_exit_2_with_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Usage mistakes exit with code 2 and say what is wrong on stderr, with no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: fastcorr" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [([], ["demo", "comovement"]), (["demo"], ["--window", "--out"]), (["comovement"], ["--prices", "--pairs"])],
)
def test_help_everywhere(argv: list[str], words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` works for the command and each subcommand and names their options."""
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert all(word in text for word in words)


def test_unwritable_out_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An --out path that is a file (not a directory) is reported on stderr with exit code 2."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["demo", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fastcorr demo: error:") and "Traceback" not in err
