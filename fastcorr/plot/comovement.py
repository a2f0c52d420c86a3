"""Figures of the co-movement study: the index with its pairs, and cumulative paths around an episode."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from fastcorr.plot import pyplot

__all__ = ["index_figure", "paths_figure"]

# One colour per pair, shared by the index figure and the paths figures.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
SHADE = "#f2b134"


def _finish(ax: Any, ylabel: str, title: str) -> None:
    """Labels, a zero line, percent ticks on y, and concise date ticks on x (years on long spans, months on short)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import PercentFormatter

    ax.axhline(0.0, color="grey", lw=0.6)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(ylabel)
    ax.set_xlabel("date")
    ax.set_title(title)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def index_figure(
    index: pd.DataFrame,
    pair_names: Sequence[Hashable],
    episodes: pd.DataFrame | None = None,
    *,
    title: str = "Cross-market co-movement index",
    window: int | None = None,
) -> Any:
    """The co-movement index over its pairs' rolling correlations, episodes shaded.

    Parameters
    ----------
    index : DataFrame
        The output of :func:`fastcorr.apps.comovement.comovement_index`.
    pair_names : sequence
        The pair columns to draw (thin lines); ``index`` is drawn thick.
    episodes : DataFrame, optional
        The output of :func:`fastcorr.apps.comovement.episodes`: each row is shaded
        from ``start`` to ``end``, and its threshold (``attrs["threshold"]``) drawn dashed.
    title : str
        Figure title.
    window : int, optional
        The window, for the y-axis label.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.plot.comovement import index_figure
    >>> days = pd.bdate_range("2024-01-01", periods=5)
    >>> frame = pd.DataFrame({"a": [0.1, 0.2, 0.3, 0.2, 0.1], "index": [0.1, 0.2, 0.3, 0.2, 0.1]}, index=days)
    >>> len(index_figure(frame, ["a"]).axes)
    1
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.2), layout="constrained")
    for k, name in enumerate(pair_names):
        ax.plot(index.index, index[name], lw=0.8, alpha=0.7, color=PALETTE[k % len(PALETTE)], label=str(name))
    ax.plot(index.index, index["index"], lw=2.0, color="black", label="index (mean of pairs)")
    if episodes is not None and len(episodes):
        for k, row in enumerate(episodes.itertuples()):
            ax.axvspan(row.start, row.end, color=SHADE, alpha=0.25, lw=0, label="episode" if k == 0 else None)
            ax.annotate(
                f"{row.peak_value:.0%}",
                (row.peak_date, row.peak_value),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    if episodes is not None and "threshold" in episodes.attrs:
        ax.axhline(episodes.attrs["threshold"], color="grey", ls="--", lw=0.9, label="episode threshold")
    days = f"{window}-day " if window else ""
    _finish(ax, f"{days}rolling correlation of daily returns (%)", title)
    ax.legend(loc="upper left", fontsize=8, ncol=2, frameon=False)
    return fig


def paths_figure(
    paths: pd.DataFrame,
    pairs: Sequence[tuple[Hashable, Hashable, Hashable]],
    start: Any,
    end: Any,
    *,
    title: str,
    home_label: str = "home",
    overseas_label: str = "overseas",
) -> Any:
    """Cumulative return paths of each pair's two assets around one episode.

    Home assets are drawn solid, overseas assets dashed, in the pair's colour;
    the episode itself is shaded.

    Parameters
    ----------
    paths : DataFrame
        The output of :func:`fastcorr.apps.comovement.cumulative_paths` (one column per asset).
    pairs : sequence of (name, home, overseas)
        The pairs whose assets are drawn.
    start, end : date-like
        The episode, shaded.
    title : str
        Figure title.
    home_label, overseas_label : str
        How the legend calls the two sides (e.g. "RMB" and "USD").

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from fastcorr.plot.comovement import paths_figure
    >>> days = pd.bdate_range("2024-01-01", periods=3)
    >>> paths = pd.DataFrame({"A": [0.0, 0.1, 0.2], "B": [0.0, -0.1, 0.0]}, index=days)
    >>> fig = paths_figure(paths, [("x", "A", "B")], days[0], days[-1], title="t")
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['episode', 'A (x, home)', 'B (x, overseas)']
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.2), layout="constrained")
    ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=SHADE, alpha=0.2, lw=0, label="episode")
    for k, (name, home, overseas) in enumerate(pairs):
        colour = PALETTE[k % len(PALETTE)]
        for asset, style, side in ((home, "-", home_label), (overseas, "--", overseas_label)):
            if asset in paths.columns:
                line = paths[asset].dropna()
                ax.plot(line.index, line, ls=style, lw=1.4, color=colour, label=f"{asset} ({name}, {side})")
    _finish(ax, "cumulative return since episode start (%)", title)
    # Below the axes: six or more lines would hide the paths wherever the legend sat inside.
    fig.legend(loc="outside lower center", fontsize=8, ncol=3, frameon=False)
    return fig
