"""``run()``/``iter_run()``: the straight line Scenario -> Population -> Spectrum -> rates -> reductions -> Results.

No physics here: each chunk of the population (own seed blocks, bounded size)
goes through the stages and into every measurement's accumulator; memory is
O(chunk + output points), never O(N × n_times).
"""
from __future__ import annotations

import datetime
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generator

import numpy as np
import pandas as pd

from . import __version__
from .config import registry_name
from .population import POPULATION_MODELS, sample_population
from .rates import build_rates
from .results import Results
from .executors import Executor, SerialExecutor
from .scenario import Scenario, load_scenario, validate_scenario
from .seeding import Chunk, plan_chunks, seed_entropy
from .spectrum import solve_spectrum

__all__ = ["run", "iter_run", "ChunkDone"]

try:
    from tqdm.auto import tqdm
except ImportError:  # progress bars are optional
    class tqdm:  # noqa: N801  a no-op stand-in with the calls used here
        def __init__(self, *args, **kwargs):
            pass

        def update(self, n=1):
            pass

        def close(self):
            pass


class _StageTimer:
    """Wall time per stage; time spent in a nested stage is not counted twice."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stack: list[list] = []

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        self._stack.append([stage, 0.0])
        try:
            yield
        finally:
            _, inner = self._stack.pop()
            elapsed = time.perf_counter() - start
            self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed - inner
            if self._stack:
                self._stack[-1][1] += elapsed


def _provenance() -> dict:
    import numba
    import scipy
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
            "numba": numba.__version__, "pandas": pd.__version__, "platform": platform.platform(),
            "host": platform.node(), "utc": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "argv": sys.argv}


def _add_counts(total: dict[str, int], pop) -> None:
    """Sum the integer counts of ``pop.stats()`` (models that report them) into ``total``."""
    stats = getattr(pop, "stats", None)
    if stats is None:
        return
    for key, value in stats().items():
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value


@dataclass(frozen=True, slots=True)
class ChunkDone:
    """What :func:`iter_run` yields after each chunk.

    Attributes
    ----------
    index : 0-based index of the chunk just reduced
    n_chunks : number of chunks of the run
    n_done : samples reduced so far
    n_tls : samples of the run
    wall_s : wall time since the run started, s
    """

    index: int
    n_chunks: int
    n_done: int
    n_tls: int
    wall_s: float


def iter_run(scenario: Scenario, *, n_tls: int | None = None, seed: int | None = None,
             executor: Executor | None = None) -> Generator[ChunkDone, None, Results]:
    """Run a scenario chunk by chunk: yields a :class:`ChunkDone` after each chunk and returns
    the :class:`~tlsmc.results.Results` (``results = yield from iter_run(...)``, or the
    ``value`` of the final ``StopIteration``; :func:`run` does this for you).

    Parameters
    ----------
    scenario : a validated scenario (:func:`tlsmc.load_scenario`)
    n_tls, seed : override ``run.n_tls`` / ``run.seed``
    executor : where the chunks run (default: :class:`~tlsmc.executors.SerialExecutor`)
    """
    scenario = validate_scenario(scenario)
    overrides = {k: v for k, v in (("n_tls", n_tls), ("seed", seed)) if v is not None}
    if overrides:
        scenario = scenario.with_run(**overrides)
    executor = executor or SerialExecutor()
    cfg = scenario.run
    entropy = seed_entropy(cfg.seed)
    chunks = plan_chunks(cfg.n_tls, cfg.chunk_size)
    accumulators = [m.start(cfg.n_tls, scenario) for m in scenario.measurement]
    timer = _StageTimer()
    pop_stats: dict[str, int] = {}
    wall = time.perf_counter()

    def reduce_chunk(chunk: Chunk) -> int:
        with timer("sample"):
            pop = sample_population(scenario.population, scenario.material, entropy, chunk,
                                    cfg.n_tls)
        _add_counts(pop_stats, pop)
        with timer("spectrum"):
            spectrum = solve_spectrum(pop, scenario.material)
        cache: dict[float, object] = {}

        def rates_at(T_K: float):
            if T_K not in cache:
                with timer("rates"):
                    cache[T_K] = build_rates(spectrum, scenario.material, scenario.rates, T_K)
            return cache[T_K]

        with timer("reduce"):
            for acc in accumulators:
                acc.add(spectrum, pop.weight, rates_at)
        return len(pop)

    n_done = 0
    for index, n in enumerate(executor.map_chunks(reduce_chunk, chunks)):
        n_done += n
        yield ChunkDone(index, len(chunks), n_done, cfg.n_tls, time.perf_counter() - wall)
    with timer("observables"):
        rows = [dict(row, measurement=i) for i, acc in enumerate(accumulators)
                for row in acc.rows()]
        table = pd.DataFrame(rows)
        table["model"] = registry_name(POPULATION_MODELS, scenario.population)
    metadata = {"scenario": scenario.to_table(), "tlsmc_version": __version__,
                "seed_entropy": str(entropy), "n_tls": cfg.n_tls, "n_chunks": len(chunks),
                "chunk_size": cfg.chunk_size, "executor": executor.name,
                "material_sources": list(scenario.material.sources),
                "provenance": _provenance()}
    if pop_stats:
        metadata["population_stats"] = pop_stats
    comparison = None
    if scenario.comparison.analytic:
        from .comparison import comparison_table
        with timer("analytic"):
            comparison, note = comparison_table(scenario, table)
        metadata["comparison_note"] = note
    metadata["wall_time_s"] = {**timer.seconds, "total": time.perf_counter() - wall}
    return Results(table, comparison, metadata)


def run(scenario: Scenario | str | Path, *, n_tls: int | None = None, seed: int | None = None,
        progress: bool = False, executor: Executor | None = None) -> Results:
    """Run a scenario and return its :class:`~tlsmc.results.Results`.

    Parameters
    ----------
    scenario : a validated scenario (:func:`tlsmc.load_scenario`) or the path of its TOML file
    n_tls, seed : override ``run.n_tls`` / ``run.seed``
    progress : show a tqdm progress bar over chunks
    executor : where the chunks run (default: serial, in this process)
    """
    if isinstance(scenario, (str, Path)):
        scenario = load_scenario(scenario)
    steps = iter_run(scenario, n_tls=n_tls, seed=seed, executor=executor)
    bar = None
    try:
        while True:
            done = next(steps)
            if progress and bar is None:
                bar = tqdm(total=done.n_chunks, desc=scenario.run.name, unit="chunk")
            if bar is not None:
                bar.update(1)
    except StopIteration as stop:
        return stop.value
    finally:
        if bar is not None:
            bar.close()
