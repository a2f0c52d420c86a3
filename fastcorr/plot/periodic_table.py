"""The asset periodic table as a figure: one column per group, one cell per asset.

Cells are drawn in a single axes in data coordinates (column ``c`` spans
``[c - 1, c]``, row ``r`` spans ``[-r, -r + 1]``), so a table of any size is
one artist list and no nested axes; each sparkline is scaled into the bottom
band of its own cell and so has its own scale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fastcorr.apps.periodic_table import group_colour
from fastcorr.plot import pyplot, save

__all__ = ["plot_periodic_table", "save_periodic_table"]

# Inches: 16 wide at 100 dpi is the 1,600 px the figure is laid out for.
WIDTH_IN = 16.0
CELL_HEIGHT_IN = 1.35
DPI = 100
_PAD = 0.06


def _label(value: float, digits: int) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def _sparkline(ax: Any, series: pd.Series | None, x0: float, y0: float, colour: str) -> bool:
    """Draw ``series`` (its own min-max scale) in the band ``[y0 + 0.08, y0 + 0.36]`` of a cell."""
    if series is None:
        return False
    values = series.dropna()
    if len(values) < 2:
        return False
    v = values.to_numpy(dtype=np.float64)
    lo, hi = float(v.min()), float(v.max())
    scaled = (v - lo) / (hi - lo) if hi > lo else np.full(len(v), 0.5)
    x = x0 + _PAD + (1.0 - 2 * _PAD) * np.linspace(0.0, 1.0, len(v))
    ax.plot(x, y0 + 0.08 + 0.28 * scaled, color=colour, linewidth=1.2, solid_capstyle="round")
    return True


def plot_periodic_table(
    table: pd.DataFrame, *, sizes: pd.DataFrame | None = None, title: str = "Asset periodic table"
) -> Any:
    """Draw the periodic table: group headers, coloured cells with name, Sharpe, turnover and a size sparkline.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`fastcorr.apps.periodic_table.build`.
    sizes : DataFrame, optional
        Outstanding size per asset over time (one column per asset,
        :func:`fastcorr.apps.periodic_table.asset_sizes`); a cell whose asset
        has no column gets no sparkline.
    title : str
        Figure title.

    Returns
    -------
    matplotlib Figure, 16 inches wide (1,600 px at 100 dpi). Its
    ``fastcorr_cells`` attribute lists the assets drawn, in column and row
    order, and ``fastcorr_sparklines`` those with a sparkline.

    Examples
    --------
    >>> from fastcorr.demo import demo_periodic_table
    >>> from fastcorr.apps.periodic_table import asset_sizes, build
    >>> from fastcorr.plot.periodic_table import plot_periodic_table
    >>> d = demo_periodic_table()
    >>> fig = plot_periodic_table(build(d.assets, d.levels, traded_value=d.traded_value, size=d.size),
    ...                           sizes=asset_sizes(d.assets, d.size))
    >>> len(fig.fastcorr_cells) == len(d.assets), len(fig.fastcorr_sparklines) == len(d.assets)
    (True, True)
    """
    plt = pyplot()
    table = table.sort_values(["column", "row"])
    ncols = int(table["column"].max()) if len(table) else 0
    nrows = int(table["row"].max()) if len(table) else 0
    groups = list(table.drop_duplicates("column")["group"])
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.3 + CELL_HEIGHT_IN * (nrows + 0.6)), dpi=DPI)
    ax.set_xlim(-0.02, max(ncols, 1) + 0.02)
    ax.set_ylim(-max(nrows, 1) - 0.02, 0.75)
    ax.axis("off")
    # A name needs fewer points in a wide cell: shrink the fonts only when many groups share 16 inches.
    scale = min(1.0, 7.0 / max(ncols, 1))
    big, small = 12.5 * scale + 1.5, 10.0 * scale + 1.5
    for column, members in table.groupby("column", sort=True):
        group = members["group"].iloc[0]
        colour = group_colour(group, groups)
        x0 = float(column) - 1.0
        ax.add_patch(plt.Rectangle((x0 + 0.02, 0.08), 0.96, 0.6, facecolor=colour, edgecolor="none"))
        ax.text(x0 + 0.5, 0.48, str(group), ha="center", va="center", fontsize=big, fontweight="bold", color="white")
        liquidity = float(members["group_turnover"].iloc[0])
        ax.text(
            x0 + 0.5,
            0.22,
            "no turnover" if liquidity != liquidity else f"turnover {liquidity:.3f}/month",
            ha="center",
            va="center",
            fontsize=small,
            color="white",
        )
    cells, sparklines = [], []
    for rec in table.itertuples():
        colour = group_colour(rec.group, groups)
        x0, y0 = float(rec.column) - 1.0, -float(rec.row)
        ax.add_patch(
            plt.Rectangle((x0 + 0.02, y0 + 0.03), 0.96, 0.94, facecolor=colour, alpha=0.22, edgecolor=colour, lw=1.5)
        )
        # Bold glyphs average about 0.65 em: a long name gets a smaller font rather than spilling over.
        fit = (1.0 - 2 * _PAD) * WIDTH_IN * 72.0 / max(ncols, 1) / (0.65 * max(len(str(rec.asset)), 1))
        name_size = max(min(big, fit), 7.0)
        ax.text(x0 + _PAD, y0 + 0.85, str(rec.asset), ha="left", va="center", fontsize=name_size, fontweight="bold")
        ax.text(x0 + _PAD, y0 + 0.64, f"Sharpe {_label(rec.sharpe, 2)}", ha="left", va="center", fontsize=small)
        ax.text(
            x0 + 1.0 - _PAD,
            y0 + 0.64,
            f"TO {_label(rec.mean_turnover, 3)}",
            ha="right",
            va="center",
            fontsize=small,
            color="#333333",
        )
        series = None if sizes is None or rec.asset not in sizes.columns else sizes[rec.asset]
        if _sparkline(ax, series, x0, y0, colour):
            sparklines.append(rec.asset)
        cells.append(rec.asset)
    fig.suptitle(title, fontsize=16, fontweight="bold", y=0.995)
    fig.text(
        0.5,
        0.005,
        "Columns: groups by mean monthly turnover (TO), high to low; rows: Sharpe ratio, high to low. "
        "Sparklines: outstanding size, each on its own scale.",
        ha="center",
        fontsize=10,
        color="#444444",
    )
    fig.subplots_adjust(left=0.01, right=0.99, top=0.96, bottom=0.03)
    fig.fastcorr_cells = cells
    fig.fastcorr_sparklines = sparklines
    return fig


def save_periodic_table(
    table: pd.DataFrame, stem: Path, *, sizes: pd.DataFrame | None = None, title: str = "Asset periodic table"
) -> list[Path]:
    """Draw the periodic table and write it to ``stem.png`` (about 1,600 px wide) and ``stem.svg``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fastcorr.demo import demo_periodic_table
    >>> from fastcorr.apps.periodic_table import build
    >>> from fastcorr.plot.periodic_table import save_periodic_table
    >>> d = demo_periodic_table()
    >>> t = build(d.assets, d.levels, traded_value=d.traded_value, size=d.size)
    >>> [p.suffix for p in save_periodic_table(t, pathlib.Path(tempfile.mkdtemp()) / "table")]
    ['.png', '.svg']
    """
    return save(plot_periodic_table(table, sizes=sizes, title=title), Path(stem), dpi=DPI)
