"""The asset periodic table on real data: ChinaBond treasury indices, ETFs and the Shanghai Composite.

Usage::

    python examples/periodic_table_real.py [DATA_DIR] [--out DIR]

``DATA_DIR`` defaults to ``../shared/data/real`` next to the repository (see
its README for the sources). What the files allow:

* **bonds**: five ChinaBond treasury sub-indices (1-3y .. 10y+). The
  total-return index ``ClosePrice`` gives the Sharpe ratio; the settlement
  volume ``SpotSettVol`` over the constituents' market value
  ``TotalMarketValue`` gives a monthly turnover (``"ratio"``), assuming both
  are in the same unit. Settlement volume is recorded from 2009-12-14 on, so
  turnover is measured from then.
* **USD assets** (SPY, QQQ, TLT), **commodities** (GLD, GSG, DBC) and
  **equities** (Shanghai Composite): adjusted closes give Sharpe ratios. Their
  files hold share volume but no outstanding size, so they have no turnover,
  and by the ordering rules groups without turnover come first (by name).

Each asset is measured over its own span. Everything is read with the
library's readers (``fastcorr.io``) and built with
``fastcorr.apps.periodic_table``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from fastcorr import io
from fastcorr.apps import periodic_table as pt

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
BONDS = {"Y40001": "CGB 1-3y", "Y40003": "CGB 3-5y", "Y40005": "CGB 5-7y", "Y40007": "CGB 7-10y", "Y40010": "CGB 10y+"}
ETFS = {
    "SPY": "USD assets",
    "QQQ": "USD assets",
    "TLT": "USD assets",
    "GLD": "commodities",
    "GSG": "commodities",
    "DBC": "commodities",
}


def load(folder: Path) -> pt.Inputs:
    """Levels, traded value and size of the real assets, with the assets table."""
    levels, traded, size, rows = {}, {}, {}, []
    for code, name in BONDS.items():
        path = folder / "chinabond_cbtbi" / f"{code}.csv"
        levels[name] = io.read_chinabond(path, "ClosePrice")
        traded[name] = io.read_chinabond(path, "SpotSettVol")
        # Market value on the days settlement volume is recorded: turnover is measured over that span only.
        size[name] = io.read_chinabond(path, "TotalMarketValue").loc[traded[name].index[0] :]
        rows.append((name, "bonds", "monthly", "ratio"))
    for ticker, group in ETFS.items():
        levels[ticker] = io.read_yahoo(folder / "alitalbi_storage_data_fy" / f"{ticker}.csv", "Close")
        rows.append((ticker, group, "monthly", ""))
    levels["SSEC"] = io.read_yahoo(folder / "allikami_kulyebyaka" / "SSEC_000001.SS_yahoo.csv")
    rows.append(("SSEC", "equities", "monthly", ""))
    assets = pd.DataFrame(rows, columns=["asset", "group", "frequency", "turnover_method"])
    return pt.Inputs(assets, pd.DataFrame(levels), pd.DataFrame(traded), pd.DataFrame(size))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The asset periodic table on the real data files.")
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT, help=f"data folder (default {DEFAULT})")
    parser.add_argument("--out", type=Path, default=None, help="folder for the table, figure, HTML and report")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"real data folder not found: {args.data}; nothing to do (pass the folder as the first argument)")
        return 0
    data = load(args.data)
    table = pt.build(data.assets, data.levels, traded_value=data.traded_value, size=data.size)
    print("Asset periodic table, real data (bond turnover: ChinaBond settlement volume / market value)")
    print(pt.format_table(table))
    if args.out is not None:
        try:
            import matplotlib  # noqa: F401

            figure = True
        except ImportError:
            figure = False
        sizes = pt.asset_sizes(data.assets, data.size)
        title = "Asset periodic table: ChinaBond treasury indices, ETFs, Shanghai Composite"
        paths = pt.write_outputs(table, args.out, sizes=sizes, title=title, figure=figure, stem="periodic_table_real")
        for kind, path in paths.items():
            print(f"{kind:>8}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
