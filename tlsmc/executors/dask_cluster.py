"""Dask executor: chunks as tasks of a ``distributed.Client`` (a scheduler, or a LocalCluster).

Each chunk is one pure task with a deterministic key ``tlsmc-chunk-<run id>-<index>`` (the
run id hashes the scenario, seed entropy and N), so a chunk whose worker dies is recomputed
elsewhere by the scheduler and gives the same bits.  Workers return partial sums only; the
client keeps a bounded window of chunks in flight and reduces their results in block order
(:mod:`tlsmc.executors.reduction`).
"""
from __future__ import annotations

import os
import uuid
from typing import Callable, Iterable, Iterator, TypeVar

from ..config import ConfigError
from ..seeding import Chunk
from .pool import ordered_results

__all__ = ["DaskExecutor", "ENV_ADDRESS"]

T = TypeVar("T")
ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"


class DaskExecutor:
    """Chunks on a dask cluster.

    Parameters
    ----------
    address : scheduler address ``tcp://HOST:PORT`` (default: $DASK_SCHEDULER_ADDRESS)
    scheduler_file : JSON file written by ``dask scheduler --scheduler-file``
    workers : workers of the LocalCluster started when there is no address (default 2)
    timeout_s : how long to try to reach the scheduler before a ConfigError, s

    Without an address or scheduler file a ``LocalCluster(host="127.0.0.1",
    processes=True, dashboard_address=None)`` is started on first use and closed by
    :meth:`close`.
    """

    name = "dask"

    def __init__(self, address: str | None = None, scheduler_file: str | None = None,
                 workers: int | None = None, timeout_s: float = 10.0):
        if address is None and scheduler_file is None:
            address = os.environ.get(ENV_ADDRESS) or None
        self.address, self.scheduler_file = address, scheduler_file
        self.workers, self.timeout_s = workers, float(timeout_s)
        self.client = None
        self._cluster = None

    @property
    def n_workers(self) -> int:
        """Workers connected to the scheduler (0 before the client starts)."""
        if self.client is None:
            return 0
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def start(self):
        """Connect (or start the LocalCluster); returns the ``distributed.Client``."""
        if self.client is not None:
            return self.client
        from distributed import Client, LocalCluster
        if self.address is None and self.scheduler_file is None:
            self._cluster = LocalCluster(n_workers=self.workers or 2, threads_per_worker=1,
                                         processes=True, host="127.0.0.1",
                                         dashboard_address=None)
            self.client = Client(self._cluster)
            return self.client
        where = self.address or f"in scheduler file {self.scheduler_file}"
        try:
            self.client = Client(self.address, scheduler_file=self.scheduler_file,
                                 timeout=self.timeout_s)
        except (OSError, TimeoutError, ValueError):
            raise ConfigError(f"cannot reach scheduler {where} "
                              f"(timeout {self.timeout_s:g} s)") from None
        return self.client

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]:
        client = self.start()
        run_id = getattr(work, "run_id", None) or uuid.uuid4().hex
        window = 3 * max(self.n_workers, 1) + 1
        yield from ordered_results(
            lambda c: client.submit(work, c, key=f"tlsmc-chunk-{run_id}-{c.index}", pure=True,
                                    retries=0),
            lambda f: f.result(), client.cancel, chunks, window)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __repr__(self) -> str:
        where = self.address or self.scheduler_file or "LocalCluster"
        return f"DaskExecutor({where!r})"
