"""asv suite for the co-movement study (issue #5): the index of the demo universe, and the whole study.

The demo universe is the built-in synthetic market (6 assets, 3 pairs, 5,479 business
days). ``time_index`` is the computation alone; ``time_study`` adds the files and the
Markdown report (figures off, so the case measures fastcorr rather than matplotlib);
``timeraw_demo_command`` is ``fastcorr demo --no-figures`` in a fresh interpreter with
the kernels cached on disk, the time a user waits.
"""

from __future__ import annotations

import tempfile

from fastcorr.apps.comovement import comovement_index
from fastcorr.apps.comovement_report import run_study
from fastcorr.demo import PAIRS, demo_prices


class Comovement:
    """The co-movement index and study on the demo universe, 250-day window."""

    def setup(self) -> None:
        self.prices = demo_prices()
        self.out = tempfile.mkdtemp()
        comovement_index(self.prices, PAIRS)  # compile outside the timing

    def time_index(self) -> None:
        comovement_index(self.prices, PAIRS)

    def time_study(self) -> None:
        run_study(self.prices, PAIRS, self.out, figures=False)


def timeraw_demo_command() -> str:
    """Import, read nothing, run the demo study without figures (kernels from the disk cache)."""
    # asv reads the timing from this script's stdout: the demo's report goes elsewhere.
    return """
import contextlib, io, tempfile
from fastcorr.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["demo", "--no-figures", "--out", tempfile.mkdtemp()])
"""
