"""Executors: where the chunks of a run are computed.

Receives the per-chunk work of :func:`tlsmc.runner.iter_run` (a picklable callable of one
:class:`~tlsmc.seeding.Chunk` that returns the chunk's partial sums, never samples) and the
run's chunks; returns the work's results **in chunk order**, whatever order they complete in.
The client combines them in the fixed block tree of :mod:`.reduction`, so the executor never
changes a bit.

* ``serial`` — :class:`SerialExecutor`, in this process, one chunk after another (default);
* ``processes`` — :class:`~.pool.ProcessExecutor`, a local pool of spawned processes;
* ``dask`` — :class:`~.dask_cluster.DaskExecutor`, a ``distributed.Client`` (an address, a
  scheduler file, $DASK_SCHEDULER_ADDRESS, or a LocalCluster on 127.0.0.1 for the run).

:func:`make_executor` applies the precedence command line > ``[run] executor`` >
$DASK_SCHEDULER_ADDRESS > serial; :func:`add_executor_options` / :func:`executor_from_args`
are the command-line side (``tlsmc run`` and ``tlsmc sweep``).
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator, Protocol, TypeVar, runtime_checkable

from ..config import ConfigError
from ..seeding import Chunk
from .dask_cluster import ENV_ADDRESS, DaskExecutor
from .pool import ProcessExecutor

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "EXECUTORS",
           "make_executor", "add_executor_options", "executor_from_args"]

T = TypeVar("T")


@runtime_checkable
class Executor(Protocol):
    """Contract of an executor: ``name`` (recorded in run.json), ``n_workers``,
    ``map_chunks`` (yields ``work(chunk)`` for every chunk, in the order of ``chunks``; a chunk
    that raises ends the iteration with that exception) and ``close()`` (frees the pool or
    cluster; the executor may be used again after)."""

    name: str
    n_workers: int

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Every chunk in this process, in order (no parallelism beyond numba's threads)."""

    name = "serial"
    n_workers = 1

    def map_chunks(self, work: Callable[[Chunk], T], chunks: Iterable[Chunk]) -> Iterator[T]:
        for chunk in chunks:
            yield work(chunk)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return "SerialExecutor()"


EXECUTORS: dict[str, Callable[..., Executor]] = {"serial": SerialExecutor,
                                                 "processes": ProcessExecutor,
                                                 "dask": DaskExecutor}
"""Executor name (``tlsmc run --executor``, ``[run] executor``) -> factory."""


def make_executor(name: str | None = None, *, scheduler: str | None = None,
                  scheduler_file: str | None = None, workers: int | None = None,
                  timeout_s: float = 10.0, scenario_choice: str | None = None) -> Executor:
    """Choose an executor: ``name`` (or ``dask`` when a scheduler is given), else the
    scenario's ``[run] executor``, else ``dask`` when $DASK_SCHEDULER_ADDRESS is set, else
    serial.  Nothing is started until the first ``map_chunks``.

    Raises
    ------
    ConfigError : unknown name, a scheduler given for another executor, workers < 1
    """
    if name is None and (scheduler or scheduler_file):
        name = "dask"
    name = name or scenario_choice or ("dask" if os.environ.get(ENV_ADDRESS) else "serial")
    if name not in EXECUTORS:
        raise ConfigError(f"--executor must be one of {', '.join(EXECUTORS)} (got {name!r})")
    if name != "dask" and (scheduler or scheduler_file):
        raise ConfigError(f"--scheduler/--scheduler-file need --executor dask (got {name!r})")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be >= 1 (got {workers})")
    if not timeout_s > 0:
        raise ConfigError(f"--scheduler-timeout must be > 0 s (got {timeout_s:g})")
    if name == "dask":
        return DaskExecutor(scheduler, scheduler_file, workers, timeout_s)
    if name == "processes":
        return ProcessExecutor(workers)
    return SerialExecutor()


def add_executor_options(parser) -> None:
    """Add --executor, --scheduler, --scheduler-file, --workers, --scheduler-timeout."""
    parser.add_argument("--executor", choices=tuple(EXECUTORS),
                        help="where chunks run (default: [run] executor, else dask if "
                             f"${ENV_ADDRESS} is set, else serial)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="dask scheduler tcp://HOST:PORT (implies --executor dask)")
    parser.add_argument("--scheduler-file", metavar="FILE",
                        help="dask scheduler file (implies --executor dask)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes of the pool / workers of the LocalCluster")
    parser.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="S",
                        help="give up reaching the scheduler after S seconds (default 10)")


def executor_from_args(args, scenario) -> Executor:
    """The executor the parsed command line and the scenario ask for."""
    return make_executor(args.executor, scheduler=args.scheduler,
                         scheduler_file=args.scheduler_file, workers=args.workers,
                         timeout_s=args.scheduler_timeout, scenario_choice=scenario.run.executor)
