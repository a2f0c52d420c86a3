"""hypothesis profiles: ``ci`` (default), ``thorough`` and ``nojit``.

Choose one with ``FASTCORR_HYPOTHESIS_PROFILE=thorough`` (or ``ci``, ``nojit``). Without that variable
the profile is ``ci``, or ``nojit`` when ``NUMBA_DISABLE_JIT=1`` (kernels are
plain Python then, so fewer examples keep the run short).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numba
import pytest
from hypothesis import HealthCheck, settings
from strategies import JIT_DISABLED

_COMMON = {
    "deadline": None,  # the first call of a kernel compiles it
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

settings.register_profile("ci", max_examples=60, **_COMMON)
settings.register_profile("thorough", max_examples=1000, **_COMMON)
settings.register_profile("nojit", max_examples=10, **_COMMON)

settings.load_profile(os.environ.get("FASTCORR_HYPOTHESIS_PROFILE", "nojit" if JIT_DISABLED else "ci"))


def pytest_configure(config: pytest.Config) -> None:
    """Without the JIT, kernel arithmetic on numpy scalars warns where compiled code is silent
    (inf - inf on a missing value, an overflowing product that is then recomputed): ignore that."""
    if JIT_DISABLED:
        config.addinivalue_line("filterwarnings", "ignore::RuntimeWarning:fastcorr.kernels")


@pytest.fixture
def restore_threads() -> Iterator[None]:
    """Restore numba's thread count after the test."""
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


@pytest.fixture
def real_data() -> Path:
    """The shared real-data folder next to the repository; tests using it skip when it is absent."""
    folder = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
    if not folder.is_dir():
        pytest.skip(f"real data folder not found: {folder}")
    return folder
