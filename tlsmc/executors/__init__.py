"""Executors: where the chunks of a run are computed.

Receives the per-chunk work of :func:`tlsmc.runner.iter_run` (a function of one
:class:`~tlsmc.seeding.Chunk`) and the run's chunks; returns the work's results **in chunk
order**, whatever order they complete in (the reduction must not depend on completion order:
float addition is not associative).  Seeds belong to the chunks, so the executor never changes
a number.  :class:`SerialExecutor` (in this process, one chunk after another) is the embedded
default.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol, TypeVar, runtime_checkable

from ..seeding import Chunk

__all__ = ["Executor", "SerialExecutor", "EXECUTORS"]

T = TypeVar("T")


@runtime_checkable
class Executor(Protocol):
    """Contract of an executor: ``name`` (recorded in run.json) and ``map_chunks``, which
    yields ``work(chunk)`` for every chunk, in the order of ``chunks``."""

    name: str

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]: ...


class SerialExecutor:
    """Every chunk in this process, in order (no parallelism beyond numba's threads)."""

    name = "serial"

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]:
        for chunk in chunks:
            yield work(chunk)

    def __repr__(self) -> str:
        return "SerialExecutor()"


EXECUTORS: dict[str, Callable[[], Executor]] = {"serial": SerialExecutor}
"""Executor name (``tlsmc run --executor``) -> factory."""
