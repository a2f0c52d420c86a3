"""The parallel kernel is cached on disk (cache=True) and the cache survives concurrent writers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from strategies import JIT_DISABLED

import fastcorr

pytestmark = pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled or cached with NUMBA_DISABLE_JIT=1")

CHILD = """
import hashlib, json
import numpy as np
import fastcorr
from fastcorr.kernels.rolling import rolling_2d

rng = np.random.default_rng(0)
x = 1e8 + np.cumsum(rng.standard_normal((200_000, 4)), axis=0)
y = 1e8 + np.cumsum(rng.standard_normal(200_000))
out = np.ascontiguousarray(fastcorr.rolling_corr(x, y, 250))
stats = rolling_2d.stats
print(json.dumps({
    "digest": hashlib.sha256(out.tobytes()).hexdigest(),
    "hits": sum(stats.cache_hits.values()),
    "misses": sum(stats.cache_misses.values()),
    "cache_path": stats.cache_path,
}))
"""


def _expected_digest() -> str:
    """The digest of the same computation in this process."""
    rng = np.random.default_rng(0)
    x = 1e8 + np.cumsum(rng.standard_normal((200_000, 4)), axis=0)
    y = 1e8 + np.cumsum(rng.standard_normal(200_000))
    return hashlib.sha256(np.ascontiguousarray(fastcorr.rolling_corr(x, y, 250)).tobytes()).hexdigest()


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(proc: subprocess.Popen[str]) -> dict[str, object]:
    try:
        out, err = proc.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{err}"
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_parallel_kernel_cache_under_concurrent_processes(tmp_path: Path) -> None:
    """3 processes compiling into one fresh NUMBA_CACHE_DIR at once all succeed with equal results;
    a 4th loads rolling_2d from that cache (hits, no misses) and gives the same result."""
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    env["NUMBA_CACHE_DIR"] = str(cache)

    procs = [_start(env) for _ in range(3)]
    first = [_finish(p) for p in procs]
    assert all(Path(str(r["cache_path"])).is_relative_to(cache) for r in first), first
    assert all(r["hits"] + r["misses"] == 1 for r in first), f"rolling_2d (parallel) not used once: {first}"
    assert len({r["digest"] for r in first}) == 1, first
    assert list(cache.rglob("rolling.rolling_2d-*.nbi")), sorted(p.name for p in cache.rglob("*"))

    fourth = _finish(_start(env))
    assert fourth["hits"] > 0 and fourth["misses"] == 0, fourth
    assert fourth["digest"] == first[0]["digest"] == _expected_digest()
