"""The real-data co-movement example (examples/comovement_real.py); skipped without the shared data folder."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest
from naive_comovement import naive_index

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "comovement_real.py"


def _example():
    spec = importlib.util.spec_from_file_location("comovement_real", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_finds_the_2013_episode(real_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On real data the index equals the naive pandas pipeline and an episode covers the taper tantrum."""
    example = _example()
    assert example.main(["--data", str(real_data), "--out", str(tmp_path), "--no-figures"]) == 0
    out = capsys.readouterr().out
    got = pd.read_parquet(tmp_path / "comovement_index.parquet")
    want = naive_index(example.load_prices(real_data), example.PAIRS, 250, min_pairs=len(example.PAIRS))
    pd.testing.assert_series_equal(got["n_pairs"], want["n_pairs"], check_names=False, check_freq=False)
    diff = (got["index"] - want["index"]).abs().max()
    assert diff < 1e-10 and got["index"].isna().equals(want["index"].isna())
    found = pd.read_csv(tmp_path / "episodes.csv", parse_dates=["start", "end"])
    taper = pd.Timestamp("2013-06-20")  # SHIBOR overnight at 13.4%
    assert ((found["start"] <= taper) & (found["end"] >= taper)).any(), found
    assert re.search(r"\d+\. 20\d\d-\d\d-\d\d \.\. 20\d\d-\d\d-\d\d", out)


def test_example_without_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _example().main(["--data", str(tmp_path / "absent"), "--out", str(tmp_path / "o")]) == 2
    assert "real-data folder not found" in capsys.readouterr().err
