"""``run()``/``iter_run()``: the straight line Scenario -> Population -> Spectrum -> rates -> reductions -> Results.

No physics here: each chunk of the population (own seed blocks, bounded size) goes through
the stages (:class:`ChunkWork`, wherever the executor runs it) and comes back as every
measurement's partial sums per seed block, combined in a fixed block tree on the client;
memory is O(chunk + output points) per worker and O(log blocks × output points) on the
client, never O(N × n_times).
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
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
from .config import ConfigError, registry_name
from .executors import Executor, make_executor
from .executors.heap import retain_heap
from .executors.reduction import BlockTree, chunk_nodes
from .measurements import MEASUREMENTS, combine_sums
from .population import POPULATION_MODELS, sample_population
from .rates import RATE_CHANNELS, RateSet, build_rates
from .rates.tf import tf_parameters
from .results import Results
from .scenario import Scenario, load_scenario, validate_scenario
from .seeding import SEED_BLOCK, Chunk, plan_chunks, seed_entropy
from .spectrum import solve_spectrum

__all__ = ["run", "iter_run", "check_executor", "ChunkDone", "ChunkPartial", "ChunkWork"]

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


@dataclass(frozen=True, slots=True)
class ChunkPartial:
    """What a chunk's work returns to the client: partial sums, never samples.

    Attributes
    ----------
    index, n : chunk index and its number of samples
    nodes : (first block, level, [state per measurement]) — the chunk's aligned nodes of the
        block tree (:func:`tlsmc.executors.reduction.chunk_nodes`)
    seconds : wall time per stage spent on this chunk (in its worker), s
    counts : integer population statistics of the chunk (``pop.stats()``)
    """

    index: int
    n: int
    nodes: list
    seconds: dict
    counts: dict


def _take(container, sel: slice):
    """A view of samples ``sel`` of a structure-of-arrays dataclass (TLS axis first)."""
    n = len(container)
    return type(container)(**{
        f.name: (value[sel] if isinstance(value, np.ndarray) and value.ndim and
                 value.shape[0] == n else value)
        for f in dataclasses.fields(container) for value in (getattr(container, f.name),)})


@dataclass(frozen=True)
class ChunkWork:
    """The work of one chunk (picklable: an executor ships it to its workers).

    Samples the chunk, solves its spectrum, and returns every measurement's partial sums
    per seed block, combined into the chunk's nodes of the block tree.  Rates are built once
    per temperature for the whole chunk and sliced per block.
    """

    scenario: Scenario
    entropy: int
    n_tls: int
    run_id: str

    def __call__(self, chunk: Chunk) -> ChunkPartial:
        retain_heap()                  # in the worker's process (tlsmc.executors.heap)
        sc = self.scenario
        timer = _StageTimer()
        counts: dict[str, int] = {}
        with timer("sample"):
            pop = sample_population(sc.population, sc.material, self.entropy, chunk, self.n_tls)
        _add_counts(counts, pop)
        with timer("spectrum"):
            spectrum = solve_spectrum(pop, sc.material)
        cache: dict[float, RateSet] = {}

        def rates_at(T_K: float) -> RateSet:
            if T_K not in cache:
                with timer("rates"):
                    cache[T_K] = build_rates(spectrum, sc.material, sc.rates, T_K)
            return cache[T_K]

        accumulators = [m.start(self.n_tls, sc) for m in sc.measurement]
        states = []
        with timer("reduce"):
            for lo in range(chunk.start, chunk.stop, SEED_BLOCK):
                sel = slice(lo - chunk.start, min(lo + SEED_BLOCK, chunk.stop) - chunk.start)
                block = _take(spectrum, sel)

                def block_rates(T_K: float, sel=sel) -> RateSet:
                    full = rates_at(T_K)
                    return RateSet(K=full.K[sel], x=full.x[sel], T_K=full.T_K)

                states.append([acc.partial(block, pop.weight[sel], block_rates)
                               for acc in accumulators])
            nodes = chunk_nodes(chunk.start // SEED_BLOCK, states, combine_sums)
        return ChunkPartial(chunk.index, len(pop), nodes, timer.seconds, counts)


def _run_id(scenario: Scenario, entropy: int) -> str:
    """Deterministic id of a run (task keys): hash of the scenario table and seed entropy."""
    text = json.dumps([scenario.to_table(), str(entropy)], sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def check_executor(scenario: Scenario, executor: Executor) -> None:
    """Raise a ConfigError when a measurement of ``scenario`` cannot run on ``executor``
    (the self-consistent heat pulse couples every TLS and needs all of them in one process).
    """
    if executor.name == "serial":
        return
    for i, m in enumerate(scenario.measurement):
        if not getattr(m.start(scenario.run.n_tls, scenario), "distributes", True):
            kind = registry_name(MEASUREMENTS, m)
            raise ConfigError(f"measurement[{i}] {kind} couples every TLS at every step and "
                              f"runs only with executor serial (got {executor.name})")


def iter_run(scenario: Scenario, *, n_tls: int | None = None, seed: int | None = None,
             executor: Executor | None = None) -> Generator[ChunkDone, None, Results]:
    """Run a scenario chunk by chunk: yields a :class:`ChunkDone` after each chunk and returns
    the :class:`~tlsmc.results.Results` (``results = yield from iter_run(...)``, or the
    ``value`` of the final ``StopIteration``; :func:`run` does this for you).

    Chunks run where ``executor`` puts them; each returns per-block partial sums combined in
    the fixed block tree (:mod:`tlsmc.executors.reduction`), so chunk size, thread count and
    executor give bit-identical results.  Stage times in run.json are summed over workers.

    Parameters
    ----------
    scenario : a validated scenario (:func:`tlsmc.load_scenario`)
    n_tls, seed : override ``run.n_tls`` / ``run.seed``
    executor : where the chunks run (default: the scenario's ``[run] executor`` via
        :func:`tlsmc.executors.make_executor`, started for this run and closed after)

    Raises
    ------
    ConfigError : a measurement that does not distribute (heat_pulse) on another executor
        than serial, or a scheduler that cannot be reached
    """
    scenario = validate_scenario(scenario)
    overrides = {k: v for k, v in (("n_tls", n_tls), ("seed", seed)) if v is not None}
    if overrides:
        scenario = scenario.with_run(**overrides)
    owned = executor is None
    if owned:
        executor = make_executor(scenario_choice=scenario.run.executor)
    try:
        return (yield from _iter_chunks(scenario, executor))
    finally:
        if owned:
            executor.close()


def rate_validity(scenario: Scenario) -> list[dict]:
    """run.json's ``rate_validity``: per rate channel that can say (TF's, ``golden_rule_T_K``),
    the T (K) above which ħK/k_BT of a thermal TLS with the population's largest V (smallest J0)
    exceeds 1 — its golden-rule rate is then outside its domain — beside the highest
    measurement temperature.  ``T_golden_rule_K`` is None when the ratio stays below 1."""
    J0 = getattr(scenario.population, "J0", None)
    T_top = max((max(getattr(m, "temperatures_K", None) or (0.0,)) for m in scenario.measurement),
                default=0.0)
    out = []
    for channel in scenario.rates:
        limit = getattr(channel, "golden_rule_T_K", None)
        if limit is None or J0 is None:
            continue
        J0_min = float(J0.support[0])
        V = float(tf_parameters(scenario.material, "rate_validity").V_K(J0_min))
        T_gr = limit(scenario.material, V)
        out.append({"channel": registry_name(RATE_CHANNELS, channel), "J0_min": J0_min,
                    "V_max_K": V, "T_golden_rule_K": T_gr if math.isfinite(T_gr) else None,
                    "T_max_measured_K": float(T_top),
                    "exceeded": bool(math.isfinite(T_gr) and T_top > T_gr)})
    return out


def _iter_chunks(scenario: Scenario, executor: Executor):
    cfg = scenario.run
    retain_heap()                      # in the client's process (tlsmc.executors.heap)
    entropy = seed_entropy(cfg.seed)
    chunks = plan_chunks(cfg.n_tls, cfg.chunk_size)
    accumulators = [m.start(cfg.n_tls, scenario) for m in scenario.measurement]
    check_executor(scenario, executor)
    timer = _StageTimer()
    pop_stats: dict[str, int] = {}
    tree = BlockTree(combine_sums)
    wall, cpu = time.perf_counter(), time.process_time()
    work = ChunkWork(scenario, entropy, cfg.n_tls, _run_id(scenario, entropy))
    n_done = 0
    for part in executor.map_chunks(work, chunks):
        with timer("merge"):
            for first, level, states in part.nodes:
                tree.push(first, level, states)
        for stage, seconds in part.seconds.items():
            timer.seconds[stage] = timer.seconds.get(stage, 0.0) + seconds
        for key, value in part.counts.items():
            pop_stats[key] = pop_stats.get(key, 0) + value
        n_done += part.n
        yield ChunkDone(part.index, len(chunks), n_done, cfg.n_tls, time.perf_counter() - wall)
    n_workers = executor.n_workers
    with timer("observables"):
        for acc, total in zip(accumulators, tree.total()):
            acc.merge(total)
        rows = [dict(row, measurement=i) for i, acc in enumerate(accumulators)
                for row in acc.rows()]
        table = pd.DataFrame(rows)
        table["model"] = registry_name(POPULATION_MODELS, scenario.population)
    metadata = {"scenario": scenario.to_table(), "tlsmc_version": __version__,
                "seed_entropy": str(entropy), "n_tls": cfg.n_tls, "n_chunks": len(chunks),
                "chunk_size": cfg.chunk_size, "executor": executor.name,
                "n_workers": n_workers,
                "material_sources": list(scenario.material.sources),
                "provenance": _provenance()}
    if pop_stats:
        metadata["population_stats"] = pop_stats
    validity = rate_validity(scenario)
    if validity:
        metadata["rate_validity"] = validity
    comparison = None
    if scenario.comparison.analytic:
        from .comparison import comparison_table
        with timer("analytic"):
            comparison, note = comparison_table(scenario, table)
        metadata["comparison_note"] = note
    metadata["wall_time_s"] = {**timer.seconds, "total": time.perf_counter() - wall}
    metadata["wall_time_note"] = ("sample, spectrum, rates, reduce: summed over workers; "
                                  "merge, observables, analytic, total: client wall time")
    metadata["client_cpu_time_s"] = time.process_time() - cpu   # all threads of this process
    return Results(table, comparison, metadata)


def run(scenario: Scenario | str | Path, *, n_tls: int | None = None, seed: int | None = None,
        progress: bool = False, executor: Executor | None = None) -> Results:
    """Run a scenario and return its :class:`~tlsmc.results.Results`.

    Parameters
    ----------
    scenario : a validated scenario (:func:`tlsmc.load_scenario`) or the path of its TOML file
    n_tls, seed : override ``run.n_tls`` / ``run.seed``
    progress : show a tqdm progress bar over completed chunks (any executor)
    executor : where the chunks run (default: the scenario's ``[run] executor``, else
        serial; see :func:`tlsmc.executors.make_executor`); the caller closes an executor it
        passes, one chosen here is closed after the run
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
        steps.close()   # an owned executor (pool, LocalCluster) is closed even on error
        if bar is not None:
            bar.close()
