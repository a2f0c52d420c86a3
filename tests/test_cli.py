"""The ``fastcorr`` command line and the built-in demo universe."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fastcorr.cli import main
from fastcorr.demo import ASSETS, PAIRS, STRESS, demo_prices


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


def _row(text: str, label: str) -> list[float]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return [float(v) for v in re.findall(r"-?\d+\.\d{3}", line[len(label) :])]


def test_demo_prints_summary_matching_pandas(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`fastcorr demo` prints last/mean/max per pair equal (to the printed 3 decimals) to pandas' rolling corr."""
    assert main(["demo", "--window", "120", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out
    returns = demo_prices().pct_change().iloc[1:]
    for label, home, abroad in PAIRS:
        ref = returns[home].rolling(120).corr(returns[abroad])
        got = _row(out, f"{label} ({home}/{abroad})")
        np.testing.assert_allclose(got, [ref.iloc[-1], ref.mean(), ref.max()], atol=6e-4)
    written = pd.read_csv(tmp_path / "demo_rolling_corr.csv", index_col=0, parse_dates=True)
    assert list(written.columns) == [label for label, _, _ in PAIRS] + ["index"]
    ref = returns[PAIRS[0][1]].rolling(120).corr(returns[PAIRS[0][2]])
    np.testing.assert_allclose(written[PAIRS[0][0]].to_numpy(), ref.to_numpy(), atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("argv", [["demo", "--window", "0"], ["demo", "--window", "x"], [], ["nonsense"]])
def test_bad_arguments_exit_2_with_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Usage mistakes exit with code 2 and say what is wrong on stderr, with no traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: fastcorr" in err and "Traceback" not in err


def test_help_lists_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """`fastcorr --help` names the demo command."""
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "demo" in capsys.readouterr().out


def test_unwritable_out_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An --out path that is a file (not a directory) is reported on stderr with exit code 2."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["demo", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fastcorr demo: error:") and "Traceback" not in err
