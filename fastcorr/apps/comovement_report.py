"""The co-movement study end to end: index, episodes, paths, files, figures and a Markdown report.

This is what ``fastcorr comovement`` and ``fastcorr demo`` run. Output files in
``out``:

* ``comovement_index.csv`` and ``comovement_index.parquet``: the index, its pairs and ``n_pairs``;
* ``episodes.csv``: one row per episode (see :func:`fastcorr.apps.comovement.episodes`);
* ``figures/comovement_index.{png,svg}`` and ``figures/episode_<k>_<start>.{png,svg}``
  (with the ``plot`` extra; without it the figures are skipped and the report says so);
* ``report.md``: a short report that embeds the figures.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fastcorr.apps.comovement import _fmt, comovement_index, cumulative_paths, episodes

__all__ = ["Study", "run_study"]

FIGURES = "figures"


@dataclass
class Study:
    """What one run of the co-movement study computed and wrote."""

    index: pd.DataFrame
    episodes: pd.DataFrame
    pairs: list[tuple[str, Hashable, Hashable]]
    window: int
    min_pairs: int
    files: list[Path] = field(default_factory=list)
    figures_skipped: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """A few lines for a terminal: each pair and the index, then the episodes."""
        lines = [f"{'series':<36}{'last':>8}{'mean':>8}{'max':>8}  date of max"]
        for name in [p[0] for p in self.pairs] + ["index"]:
            s = self.index[name].dropna()
            if s.empty:
                lines.append(f"{name!s:<36}{'no value':>8}")
                continue
            label = "index (mean of pairs)" if name == "index" else str(name)
            lines.append(f"{label:<36}{s.iloc[-1]:>8.3f}{s.mean():>8.3f}{s.max():>8.3f}  {_fmt(s.idxmax())}")
        threshold = self.episodes.attrs.get("threshold", float("nan"))
        lines += ["", f"episodes (index above {threshold:.3f}):"]
        if self.episodes.empty:
            lines.append("  none")
        for k, row in enumerate(self.episodes.itertuples(), start=1):
            lines.append(
                f"  {k}. {_fmt(row.start)} .. {_fmt(row.end)} ({row.rows} trading days), "
                f"peak {row.peak_value:.3f} on {_fmt(row.peak_date)}"
            )
        return "\n".join(lines)


def _markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table without the optional ``tabulate`` dependency."""
    cells = [[str(c) for c in frame.columns]]
    for row in frame.itertuples(index=False):
        cells.append(
            [f"{v:.3f}" if isinstance(v, float) else (_fmt(v) if isinstance(v, pd.Timestamp) else str(v)) for v in row]
        )
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return "\n".join(lines)


def _figures(study: Study, prices: pd.DataFrame, out: Path, title: str, context: int) -> list[tuple[str, Path]]:
    """Draw the index figure and one paths figure per episode; returns (caption, PNG path) pairs."""
    from fastcorr.plot import save
    from fastcorr.plot.comovement import index_figure, paths_figure

    names = [p[0] for p in study.pairs]
    folder = out / FIGURES
    shown: list[tuple[str, Path]] = []
    fig = index_figure(study.index, names, study.episodes, title=title, window=study.window)
    paths = save(fig, folder / "comovement_index")
    study.files += paths
    shown.append(("Co-movement index, its pairs and the episodes (shaded)", paths[0]))
    assets = list(dict.fromkeys(a for _, h, o in study.pairs for a in (h, o)))
    for k, row in enumerate(study.episodes.itertuples(), start=1):
        cum = cumulative_paths(prices, row.start, row.end, assets, before=context, after=context)
        caption = f"Episode {k}: cumulative returns from {_fmt(row.start)} (episode to {_fmt(row.end)})"
        fig = paths_figure(cum, study.pairs, row.start, row.end, title=caption)
        paths = save(fig, folder / f"episode_{k}_{_fmt(row.start)}")
        study.files += paths
        shown.append((caption, paths[0]))
    return shown


def _report(study: Study, out: Path, title: str, note: str | None, shown: list[tuple[str, Path]]) -> Path:
    threshold = study.episodes.attrs.get("threshold", float("nan"))
    index = study.index["index"].dropna()
    first, last = (_fmt(index.index[0]), _fmt(index.index[-1])) if len(index) else ("-", "-")
    lines = [f"# {title}", ""]
    if note:
        lines += [note, ""]
    lines += [
        f"{len(study.pairs)} home/overseas pairs, {study.window}-day rolling correlation of daily returns, "
        f"each asset's returns on its own trading days, each pair on its common dates; "
        f"the index is the mean of the pairs on days when at least {study.min_pairs} of them have a value. "
        f"Index from {first} to {last}; mean {index.mean():.3f}, max {index.max():.3f}.",
        "",
        "## Pairs",
        "",
        _markdown_table(pd.DataFrame(study.pairs, columns=["pair", "home", "overseas"])),
        "",
        f"## Episodes (index above {threshold:.3f})",
        "",
        _markdown_table(study.episodes) if len(study.episodes) else "No episode.",
        "",
    ]
    if study.figures_skipped:
        lines += [f"Figures skipped: {study.figures_skipped}", ""]
    for caption, png in shown:
        lines += [f"## {caption}", "", f"![{caption}]({png.relative_to(out).as_posix()})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_study(
    prices: pd.DataFrame,
    pairs: Sequence[tuple[str, Hashable, Hashable]],
    out: str | Path,
    *,
    window: int = 250,
    method: str = "simple",
    min_pairs: int | None = None,
    threshold: float | None = None,
    quantile: float = 0.9,
    min_days: int = 20,
    merge_gap: int = 10,
    context: int = 20,
    figures: bool = True,
    title: str = "Cross-market co-movement",
    note: str | None = None,
) -> Study:
    """Run the co-movement study on ``prices`` and write every output into ``out``.

    Parameters
    ----------
    prices : DataFrame
        Prices, one column per asset, on unique ascending dates (NaN where an asset did not trade).
    pairs : sequence of (name, home, overseas)
        The pairs (see :func:`fastcorr.io.read_pairs`).
    out : str or Path
        Output directory, created if needed.
    window, method
        As in :func:`fastcorr.apps.comovement.comovement_index`.
    min_pairs : int, optional
        Pairs needed for an index value (see ``comovement_index``); by default all of
        them, so that a holiday of one market gives no index value rather than the mean of fewer pairs.
    threshold, quantile, min_days, merge_gap
        As in :func:`fastcorr.apps.comovement.episodes`.
    context : int, default 20
        Trading days drawn before and after each episode in its paths figure.
    figures : bool, default True
        Draw the figures. Without matplotlib they are skipped and ``Study.figures_skipped`` says why.
    title : str
        Title of the report and the index figure.
    note : str, optional
        A paragraph printed under the report's title (e.g. that the data are synthetic).

    Returns
    -------
    Study
        The index, the episodes, the files written and the time taken.

    Examples
    --------
    >>> import tempfile
    >>> from fastcorr.demo import PAIRS, demo_prices
    >>> from fastcorr.apps.comovement_report import run_study
    >>> study = run_study(demo_prices("2011-01-01", "2015-12-31"), PAIRS, tempfile.mkdtemp(), window=120,
    ...                   figures=False)
    >>> sorted(p.name for p in study.files)
    ['comovement_index.csv', 'comovement_index.parquet', 'episodes.csv', 'report.md']
    """
    t0 = time.perf_counter()
    out = Path(out)
    pairs = [tuple(p) for p in pairs]
    need = len(pairs) if min_pairs is None else min_pairs
    index = comovement_index(prices, pairs, window=window, method=method, min_pairs=need)
    found = episodes(index, threshold=threshold, quantile=quantile, min_days=min_days, merge_gap=merge_gap)
    study = Study(index, found, pairs, window, need)
    out.mkdir(parents=True, exist_ok=True)
    for suffix, write in ((".csv", index.to_csv), (".parquet", index.to_parquet)):
        path = out / f"comovement_index{suffix}"
        write(path)
        study.files.append(path)
    path = out / "episodes.csv"
    found.to_csv(path, index=False, date_format="%Y-%m-%d")
    study.files.append(path)
    shown: list[tuple[str, Path]] = []
    if figures:
        try:
            shown = _figures(study, prices, out, title, context)
        except ImportError as err:
            study.figures_skipped = str(err)
    else:
        study.figures_skipped = "not requested"
    study.files.append(_report(study, out, title, note, shown))
    study.seconds = time.perf_counter() - t0
    return study
