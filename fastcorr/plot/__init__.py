"""Figures (the ``plot`` extra: matplotlib, drawn with the non-interactive Agg backend).

Each application has its own module (``fastcorr.plot.comovement``,
``fastcorr.plot.periodic_table``); this one holds what they share: loading
matplotlib without a display, and saving one figure as PNG and SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend, or an ImportError that names the extra to install."""
    try:
        import matplotlib
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("figures need matplotlib: pip install 'fastcorr[plot]'") from err
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, stem: Path, *, dpi: int = 150) -> list[Path]:
    """Write ``fig`` to ``stem.png`` and ``stem.svg``, close it, and return both paths."""
    plt = pyplot()
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    try:
        for path in paths:
            fig.savefig(path, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return paths
