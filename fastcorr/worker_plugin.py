"""The Dask worker plugin of ``fastcorr.distributed.sweep``, in its own module because it imports dask."""

from __future__ import annotations

from typing import Any

import distributed

from fastcorr.distributed import _held


class Keeper(distributed.WorkerPlugin):
    """Keeps a sweep's in-memory input on a worker from the moment a key ``token...`` reaches its memory
    (before Dask's active memory manager can drop that replica) until the sweep unregisters the plugin.

    The tiles then find the input in ``fastcorr.distributed._held`` instead of depending on the scattered
    key, so no worker fetches it a second time.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.worker: Any = None

    def setup(self, worker: Any) -> None:
        self.worker = worker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish == "memory" and isinstance(key, str) and key.startswith(self.token):
            _held[self.token] = self.worker.data[key]

    def teardown(self, worker: Any) -> None:
        _held.pop(self.token, None)
