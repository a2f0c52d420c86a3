"""The ``fastcorr`` command line.

Each subcommand reads its inputs with :mod:`fastcorr.io`, runs one application
and writes its outputs into ``--out``. A user's mistake (a missing file, an
unknown asset, a bad value) is reported on stderr with exit code 2 and no
traceback; argparse reports bad flags the same way.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the applications are imported by the command that runs them, keeping --help fast
    import pandas as pd

    from fastcorr.apps.comovement_report import Study


class UsageError(Exception):
    """A mistake of the user's: reported on stderr with exit code 2, no traceback."""


def _int_at_least(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer no smaller than ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a {what} integer, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "positive")
_non_negative_int = _int_at_least(0, "non-negative")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value


def _outputs(files: Sequence[Path], out: Path) -> list[str]:
    """Where the outputs went, one line per kind of file."""
    lines = [f"outputs in {out.resolve()}:"]
    for path in files:
        lines.append(f"  {path.relative_to(out).as_posix()}")
    return lines


def _study_lines(study: Study, out: Path) -> list[str]:
    lines = [study.summary(), ""]
    if study.figures_skipped and study.figures_skipped != "not requested":
        lines.append(f"figures skipped: {study.figures_skipped}")
    return lines + _outputs(study.files, out)


def run_comovement(args: argparse.Namespace) -> str:
    """``fastcorr comovement``: the study on the user's price and pairs files."""
    from fastcorr.apps.comovement_report import run_study
    from fastcorr.io import read_pairs, read_prices

    prices = read_prices(args.prices)
    pairs = read_pairs(args.pairs)
    for name, home, overseas in pairs:
        for asset in (home, overseas):
            if asset not in prices.columns:
                known = ", ".join(map(str, prices.columns))
                raise UsageError(
                    f"{args.pairs}: asset {asset!r} of pair {name!r} is not in {args.prices} (its assets: {known})"
                )
    study = run_study(
        prices,
        pairs,
        args.out,
        window=args.window,
        method=args.method,
        min_pairs=args.min_pairs,
        threshold=args.threshold,
        quantile=args.quantile,
        min_days=args.min_days,
        merge_gap=args.merge_gap,
        figures=not args.no_figures,
        title=args.title,
    )
    head = (
        f"fastcorr comovement: {len(prices.columns)} assets from {args.prices}, {len(pairs)} pairs from {args.pairs}, "
        f"{args.window}-day rolling correlation of {args.method} daily returns"
    )
    return "\n".join([head, "", *_study_lines(study, args.out), f"done in {study.seconds:.2f} s"])


def _date(text: str) -> str:
    """An argparse type: a date pandas can parse, kept as given."""
    import pandas as pd

    try:
        pd.Timestamp(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2015-06-30, got {text!r}") from None
    return text


def _table_lines(table: pd.DataFrame, files: dict[str, Path], out: Path, figures: bool) -> list[str]:
    """The periodic table as printed, and where its outputs went."""
    from fastcorr.apps.periodic_table import format_table

    lines = [format_table(table), ""]
    if figures and "png" not in files:
        lines.append("figure skipped: matplotlib is not installed (pip install 'fastcorr[plot]')")
    return lines + _outputs(list(files.values()), out)


def run_periodic_table(args: argparse.Namespace) -> str:
    """``fastcorr periodic-table``: the asset periodic table from the user's assets and data files."""
    from fastcorr.apps import periodic_table as pt

    t0 = time.perf_counter()
    inputs = pt.read_inputs(args.assets, args.data)
    for asset in inputs.assets.get("asset", []):
        if asset and asset not in inputs.levels.columns:
            raise UsageError(f"{args.assets}: asset {asset!r} has no data in {args.data} (no level for it)")
    span = {"start": args.start, "end": args.end}
    table = pt.build(inputs.assets, inputs.levels, traded_value=inputs.traded_value, size=inputs.size, **span)
    sizes = pt.asset_sizes(inputs.assets, inputs.size, **span)
    files = pt.write_outputs(table, args.out, sizes=sizes, title=args.title, figure=not args.no_figures)
    head = (
        f"fastcorr periodic-table: {len(table)} assets in {table['group'].nunique()} groups from {args.assets}, "
        f"data from {args.data}"
    )
    lines = [head, "", *_table_lines(table, files, args.out, not args.no_figures)]
    return "\n".join([*lines, f"done in {time.perf_counter() - t0:.2f} s"])


def run_demo(args: argparse.Namespace) -> str:
    """``fastcorr demo``: the co-movement study and the asset periodic table on built-in synthetic data."""
    from fastcorr.apps import periodic_table as pt
    from fastcorr.apps.comovement_report import run_study
    from fastcorr.demo import PAIRS, demo_prices

    t0 = time.perf_counter()
    # The two studies are independent: the table runs in a second process while this one
    # computes the co-movement study, so on a cold cache their kernels compile side by side.
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    table_job = pool.submit(pt.run_demo, args.out / "periodic_table", figure=not args.no_figures)
    prices = demo_prices()
    note = (
        "**The data are SYNTHETIC**: a deterministic simulated market (fastcorr.demo) with two stress "
        "regimes, mid-2013 and Q1 2020; asset names say what each series imitates."
    )
    try:
        study = run_study(
            prices,
            PAIRS,
            args.out,
            window=args.window,
            figures=not args.no_figures,
            title="Cross-market co-movement (synthetic demo)",
            note=note,
        )
        table, files = table_job.result()
    finally:
        pool.shutdown(cancel_futures=True)
    lines = [
        f"fastcorr demo: SYNTHETIC market, {len(prices.columns)} assets, {len(prices):,} business days "
        f"({prices.index[0]:%Y-%m-%d} .. {prices.index[-1]:%Y-%m-%d}), "
        f"{args.window}-day rolling correlation of daily returns",
        "",
        *_study_lines(study, args.out),
    ]
    lines += ["", f"asset periodic table: SYNTHETIC data, {len(table)} assets in {table['group'].nunique()} groups"]
    lines += [*_table_lines(table, files, args.out, not args.no_figures), f"done in {time.perf_counter() - t0:.2f} s"]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fastcorr`` command."""
    parser = argparse.ArgumentParser(
        prog="fastcorr", description="Exact, fast rolling correlations for cross-asset research."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run the main job on the built-in synthetic demo universe",
        description="The co-movement study on the built-in synthetic demo universe, end to end: index, episodes, "
        "figures and a Markdown report.",
    )
    demo.add_argument("--window", type=_positive_int, default=250, help="rolling window in trading days (default 250)")
    demo.add_argument(
        "--out", type=Path, default=Path("fastcorr-demo"), help="output directory (default fastcorr-demo)"
    )
    demo.add_argument("--no-figures", action="store_true", help="skip the figures")
    demo.set_defaults(run=run_demo)

    como = sub.add_parser(
        "comovement",
        help="co-movement index of home/overseas pairs, its episodes, figures and report",
        description="Rolling correlation of each home/overseas pair of daily returns, their mean (the co-movement "
        "index), the episodes when it is high and the assets' cumulative paths over each episode. PRICES: CSV, "
        "Parquet or Excel, wide (a date column, one column per asset) or long (date, asset, price). PAIRS: CSV with "
        "header name,home,overseas or TOML with [[pair]] tables.",
    )
    como.add_argument("--prices", type=Path, required=True, metavar="FILE", help="price file (CSV, Parquet or Excel)")
    como.add_argument("--pairs", type=Path, required=True, metavar="FILE", help="pairs file (CSV or TOML)")
    como.add_argument("--window", type=_positive_int, default=250, help="rolling window in common trading days (250)")
    como.add_argument("--out", type=Path, default=Path("fastcorr-comovement"), help="output directory")
    como.add_argument("--method", choices=("simple", "log"), default="simple", help="return definition (simple)")
    como.add_argument(
        "--min-pairs", type=_positive_int, default=None, help="pairs needed for an index value (default: all)"
    )
    level = como.add_mutually_exclusive_group()
    level.add_argument("--threshold", type=float, default=None, help="episode threshold on the index (absolute)")
    level.add_argument("--quantile", type=_fraction, default=0.9, help="episode threshold as a quantile (0.9)")
    como.add_argument("--min-days", type=_positive_int, default=20, help="fewest trading days in an episode (20)")
    como.add_argument("--merge-gap", type=_non_negative_int, default=10, help="days below threshold merged (10)")
    como.add_argument("--no-figures", action="store_true", help="skip the figures")
    como.add_argument("--title", default="Cross-market co-movement", help="title of the report and figure")
    como.set_defaults(run=run_comovement)

    table = sub.add_parser(
        "periodic-table",
        help="Sharpe x liquidity table of asset classes, its figure, HTML table and report",
        description="The asset periodic table: one column per group, ordered by mean monthly turnover (high to "
        "low; groups without turnover, such as cash, first), one cell per asset, ordered by Sharpe ratio (high to "
        "low). ASSETS: CSV, Parquet or Excel with the columns asset, group, frequency (monthly or annual), "
        "turnover_method (ratio, annual, daily_average, weighted; empty for cash) and, for weighted futures "
        "sectors, contracts ('CU=0.5; AL=0.5'). DATA: CSV, Parquet or Excel, long, one row per asset and date "
        "with the columns date, asset, level and optionally traded_value and size (a futures contract has "
        "traded_value and size only).",
    )
    table.add_argument("--assets", type=Path, required=True, metavar="FILE", help="assets table (CSV, Parquet, Excel)")
    table.add_argument("--data", type=Path, required=True, metavar="FILE", help="long data file (CSV, Parquet, Excel)")
    table.add_argument("--out", type=Path, default=Path("fastcorr-periodic-table"), help="output directory")
    table.add_argument("--start", type=_date, default=None, help="first date used (default: all data)")
    table.add_argument("--end", type=_date, default=None, help="last date used (default: all data)")
    table.add_argument("--no-figures", action="store_true", help="skip the figure")
    table.add_argument("--title", default="Asset periodic table", help="title of the figure, HTML and report")
    table.set_defaults(run=run_periodic_table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fastcorr`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        print(args.run(args))
    except KeyError as err:
        # A KeyError's str() is its repr; its first argument is the message.
        print(f"fastcorr {args.command}: error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    except (UsageError, OSError, ValueError, TypeError, ImportError) as err:
        print(f"fastcorr {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
