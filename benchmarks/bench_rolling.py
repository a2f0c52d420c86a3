"""asv suite: rolling corr/cov/var/mean on the shared cases, peak memory, import and first-call time.

Cases come from ``benchmarks/_cases.py``; ``FASTCORR_BENCH_SIZE=quick`` limits
them to the small tier (CI smoke runs), the default here is ``full``.
Data is generated once per benchmark process (asv re-runs ``setup`` before
every sample; the memo keeps samples back to back) and the JIT is warmed in
``setup``, so ``time_*`` measures steady-state calls. Compilation is measured
on its own by the ``timeraw_*`` benchmarks, each sample in a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from typing import Any, ClassVar

import fastcorr

from ._cases import BY_NAME, Case, headline, pandas_inputs, select

_DEFAULT_SIZE = "full"
_CASE_NAMES = [c.name for c in select(default=_DEFAULT_SIZE)]
_HEADLINE = headline(default=_DEFAULT_SIZE).name

_memo: dict[str, tuple[Any, Any]] = {}


def _inputs(case: Case) -> tuple[Any, Any]:
    """pandas inputs of ``case``, built once per process (only the current case is kept)."""
    if case.name not in _memo:
        _memo.clear()
        _memo[case.name] = pandas_inputs(case)
    return _memo[case.name]


def _warm(case: Case, x: Any, y: Any) -> None:
    """Compile (or load from cache) every kernel signature the timed calls use."""
    head = slice(0, min(case.n, 2 * case.window + 1))
    xs, ys = x.iloc[head], y.iloc[head]
    fastcorr.rolling_corr(xs, ys, case.window)
    fastcorr.rolling_cov(xs, ys, case.window)
    fastcorr.rolling_var(xs, case.window)
    fastcorr.rolling_mean(xs, case.window)


class _OnCase:
    """Inputs of one case, JIT warmed."""

    param_names: ClassVar[list[str]] = ["case"]
    timeout = 300.0

    def setup(self, name: str) -> None:
        self.case = BY_NAME[name]
        self.x, self.y = _inputs(self.case)
        _warm(self.case, self.x, self.y)


class Rolling(_OnCase):
    """Steady-state time of one call on a case (pair: two Series; frame: DataFrame against a Series)."""

    params: ClassVar[list[str]] = _CASE_NAMES

    def time_corr(self, name: str) -> None:
        fastcorr.rolling_corr(self.x, self.y, self.case.window)

    def time_cov(self, name: str) -> None:
        fastcorr.rolling_cov(self.x, self.y, self.case.window)

    def time_var(self, name: str) -> None:
        fastcorr.rolling_var(self.x, self.case.window)

    def time_mean(self, name: str) -> None:
        fastcorr.rolling_mean(self.x, self.case.window)


class PeakMem(_OnCase):
    """Peak RSS of the whole process for the headline case: compare ``corr`` with ``inputs_only``."""

    params: ClassVar[list[str]] = [_HEADLINE]

    def peakmem_inputs_only(self, name: str) -> None:
        """Baseline: interpreter, imports, JIT and the input data, no call."""

    def peakmem_corr(self, name: str) -> None:
        fastcorr.rolling_corr(self.x, self.y, self.case.window)


# --- time to first result ------------------------------------------------------------------

_FIRST_CALL_SETUP = """
import numpy as np
import fastcorr
_rng = np.random.default_rng(0)
x = _rng.standard_normal(1_000)
y = _rng.standard_normal(1_000)
"""
_FIRST_CALL = "fastcorr.rolling_corr(x, y, 250)"


def _with_cache_dir(cache_dir_expr: str, code: str) -> str:
    """``code`` preceded by pointing numba's cache at ``cache_dir_expr`` (before numba is imported)."""
    head = f"import os\nos.environ['NUMBA_CACHE_DIR'] = {cache_dir_expr}\n"
    return head + textwrap.dedent(code)


def timeraw_import_fastcorr() -> str:
    """``import fastcorr`` in a fresh interpreter, dependencies included (compiles nothing)."""
    return "import fastcorr"


def timeraw_import_fastcorr_own() -> tuple[str, str]:
    """``import fastcorr`` with numpy, pandas, pyarrow and numba already imported: fastcorr's own cost."""
    return "import fastcorr", "import numpy, pandas, pyarrow, numba"


class FirstCallCold:
    """First ``rolling_corr`` with an empty numba cache: the full JIT compile."""

    timeout = 300.0
    repeat = (1, 3, 30.0)

    def timeraw_first_call_cold(self) -> tuple[str, str]:
        setup = _with_cache_dir(
            "__import__('tempfile').mkdtemp(prefix='fastcorr-asv-cold-')",
            "import atexit, shutil\n"
            "atexit.register(shutil.rmtree, os.environ['NUMBA_CACHE_DIR'], True)\n" + _FIRST_CALL_SETUP,
        )
        return _FIRST_CALL, setup


class FirstCallWarmCache:
    """First ``rolling_corr`` in a new process whose numba cache is already filled (the usual case)."""

    timeout = 300.0

    def setup(self) -> None:
        self.cache_dir = tempfile.mkdtemp(prefix="fastcorr-asv-warm-")
        code = _with_cache_dir(repr(self.cache_dir), _FIRST_CALL_SETUP + _FIRST_CALL)
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ})

    def teardown(self) -> None:
        shutil.rmtree(self.cache_dir, ignore_errors=True)

    def timeraw_first_call_warm_cache(self) -> tuple[str, str]:
        return _FIRST_CALL, _with_cache_dir(repr(self.cache_dir), _FIRST_CALL_SETUP)
