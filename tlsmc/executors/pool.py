"""Local process pool executor, and the in-order window shared with the dask executor."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, TypeVar

from ..seeding import Chunk

__all__ = ["ProcessExecutor", "ordered_results"]

T = TypeVar("T")


def ordered_results(submit: Callable[[Chunk], Any], result: Callable[[Any], T],
                    cancel: Callable[[list], None], chunks: Iterable[Chunk], window: int
                    ) -> Iterator[T]:
    """Keep ``window`` chunks in flight and yield their results **in chunk order**.

    The client thus holds at most ``window`` chunk results (partial sums), whatever order the
    workers finish in.  A chunk that raises stops the run: the rest is cancelled and the
    chunk's own exception propagates, with a note naming the chunk.
    """
    pending: deque[tuple[Chunk, Any]] = deque()
    todo = iter(chunks)
    try:
        for chunk in todo:
            pending.append((chunk, submit(chunk)))
            if len(pending) >= window:
                break
        while pending:
            chunk, future = pending.popleft()
            try:
                value = result(future)
            except Exception as exc:
                where = (f"chunk {chunk.index} (samples {chunk.start}..{chunk.stop - 1})"
                         if isinstance(chunk, Chunk) else repr(chunk))
                exc.add_note(f"tlsmc: raised by {where}")
                raise
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt, submit(nxt)))
            yield value
    finally:
        if pending:
            cancel([f for _, f in pending])


class ProcessExecutor:
    """Chunks in a local pool of ``workers`` processes (``spawn``: each imports tlsmc fresh;
    numba's on-disk cache spares the recompilation).

    Parameters
    ----------
    workers : pool size (default: the number of CPUs)
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.n_workers = int(workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.n_workers,
                                             mp_context=multiprocessing.get_context("spawn"))

        def cancel(futures):
            for f in futures:
                f.cancel()

        yield from ordered_results(lambda c: self._pool.submit(work, c), lambda f: f.result(),
                                   cancel, chunks, 2 * self.n_workers + 1)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __repr__(self) -> str:
        return f"ProcessExecutor(workers={self.n_workers})"
