"""Co-movement of China and US assets on real market data, read with fastcorr's own readers.

Pairs (home = China, overseas = US):

* equities: Shanghai Composite (Yahoo export, ``null`` holiday rows) vs S&P 500
  (Investing.com export: newest first, thousands separators, byte-order mark);
* government bonds: ChinaBond 7-10y treasury total-return index (Y40007) vs TLT;
* commodities vs gold: the S&P GSCI commodity-index ETF (GSG) vs the gold ETF (GLD).

The data folder is ``shared/data/real`` beside the repository (its README lists the
files and their quirks); it is not part of the repository. Usage::

    python examples/comovement_real.py [--data DIR] [--out DIR] [--window 250]

Writes the index, the episodes, the figures and a Markdown report into ``--out``
and prints the episodes. Exits with code 2 and a message when the folder is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from fastcorr.apps.comovement_report import run_study
from fastcorr.io import read_chinabond, read_investing, read_yahoo

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"

PAIRS = [
    ("equities", "SSEC", "SPX"),
    ("government bonds", "CGB7-10y", "TLT"),
    ("commodities vs gold", "GSCI", "GOLD"),
]

# The span every pair covers: the equity files start on 2010-01-04, the ChinaBond file ends on 2020-08-25.
SPAN = ("2010-01-04", "2020-08-25")


def load_prices(data: Path) -> pd.DataFrame:
    """The six price series side by side on the union of their trading days (NaN where a market was shut)."""
    us = data / "alitalbi_storage_data_fy"
    series = {
        "SSEC": read_yahoo(data / "allikami_kulyebyaka" / "SSEC_000001.SS_yahoo.csv"),
        "SPX": read_investing(data / "allikami_kulyebyaka" / "SPX_investing.csv"),
        "CGB7-10y": read_chinabond(data / "chinabond_cbtbi" / "Y40007.csv"),
        "TLT": read_yahoo(us / "TLT.csv", column="Close"),
        "GSCI": read_yahoo(us / "GSG.csv", column="Close"),
        "GOLD": read_yahoo(us / "GLD.csv", column="Close"),
    }
    prices = pd.DataFrame(series).sort_index()
    prices.index.name = "date"
    return prices.loc[SPAN[0] : SPAN[1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"real-data folder (default {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, default=Path("comovement-real"), help="output directory")
    parser.add_argument("--window", type=int, default=250, help="rolling window in common trading days")
    parser.add_argument("--no-figures", action="store_true", help="skip the figures")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"real-data folder not found: {args.data} (pass --data DIR)", file=sys.stderr)
        return 2
    prices = load_prices(args.data)
    study = run_study(
        prices,
        PAIRS,
        args.out,
        window=args.window,
        figures=not args.no_figures,
        title="China-US co-movement (real data)",
        note="Real daily closes: Yahoo Finance, Investing.com and ChinaBond exports (see shared/data/real/README.md).",
    )
    print(f"{len(prices):,} dates {SPAN[0]} .. {SPAN[1]}, {args.window}-day window\n")
    print(study.summary())
    print(f"\noutputs in {args.out.resolve()} ({len(study.files)} files), {study.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
