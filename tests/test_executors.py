"""Executors give bit-identical numbers: chunk size, process pool, failures, refusals.

The dask LocalCluster tests are in test_executors_dask.py.  Every comparison is exact
(``check_exact=True``): the reduction over seed blocks is a fixed tree (executors.reduction).
"""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.executors import ProcessExecutor, SerialExecutor, make_executor
from tlsmc.executors.reduction import BlockTree, chunk_nodes
from tlsmc.seeding import SEED_BLOCK, plan_chunks

from conftest import BASE

N_TUNNELING = 5 * SEED_BLOCK + 100     # 6 seed blocks, the last one short
TIMES = {"start_s": 1e-6, "stop_s": 1e4, "num": 9}

TUNNELING = copy.deepcopy(BASE)
TUNNELING["run"].update(n_tls=N_TUNNELING, chunk_size=SEED_BLOCK)
TUNNELING["measurement"] = [
    {"kind": "heat_capacity", "temperatures_K": [0.1, 1.0], "times": TIMES,
     "observables": ["C", "C_step", "C_eq", "U", "C_tf"]},
    {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0], "times": TIMES},
    {"kind": "temperature_history", "T_initial_K": 0.5, "starts_s": [0.0, 10.0],
     "temperatures_K": [0.1, 0.3], "times": TIMES},
    {"kind": "thermal_expansion", "temperatures_K": [0.3], "times": TIMES,
     "extra_times_s": [60.0]},
]
KINDS = ("heat_capacity", "heat_release", "temperature_history", "thermal_expansion")

SOFT = {
    "run": {"name": "soft", "n_tls": 2 * SEED_BLOCK, "seed": 3, "chunk_size": SEED_BLOCK},
    "material": {"preset": "soft_glass", "soft_c": 6.0},
    "population": {"model": "soft", "E_max_K": 10.0, "depth_max": 18.0, "type2_ratio": 0.1,
                   "energy_sampling": "loguniform", "energy_knee_K": 0.01,
                   "antithetic": True},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [{"kind": "thermal_expansion", "temperatures_K": [0.3], "times": TIMES}],
    "comparison": {"analytic": False},
}

PULSE = copy.deepcopy(BASE)
PULSE["run"].update(n_tls=2 * SEED_BLOCK, chunk_size=SEED_BLOCK)
PULSE["population"]["delta_max_K"] = 6.0
PULSE["measurement"] = [{
    "kind": "heat_pulse", "T_bath_K": 0.1, "times": {"start_s": 1e-6, "stop_s": 1.0, "num": 7},
    "thermal": {"phonons": "debye", "G0_W_m3_K": 0.1, "G_exponent": 1.0},
    "heater": {"shape": "rect_pulse", "peak": 190.0, "start_s": 0.0, "duration_s": 1e-7},
    "batches": 2, "without_tls": False}]


def run_table(table, *, chunk_size=None, executor=None, **run_changes):
    table = copy.deepcopy(table)
    if chunk_size is not None:
        table["run"]["chunk_size"] = chunk_size
    table["run"].update(run_changes)
    return tlsmc.run(tlsmc.parse_scenario(table), executor=executor)


def assert_same(a, b):
    pd.testing.assert_frame_equal(a.observables, b.observables, check_exact=True)
    if a.comparison is not None or b.comparison is not None:
        pd.testing.assert_frame_equal(a.comparison, b.comparison, check_exact=True)


@pytest.fixture(scope="module")
def tunneling_ref():
    return run_table(TUNNELING)


@pytest.fixture(scope="module")
def soft_ref():
    return run_table(SOFT)


def test_the_tunneling_scenario_covers_every_distributed_kind(tunneling_ref):
    kinds = set(tunneling_ref.metadata["scenario"]["measurement"][i]["kind"]
                for i in tunneling_ref.observables["measurement"].unique())
    assert kinds == set(KINDS)
    assert tunneling_ref.metadata["n_chunks"] == 6


@pytest.mark.parametrize("chunk_size", [3 * SEED_BLOCK, 4 * SEED_BLOCK])
def test_chunk_size_is_bit_identical_every_kind(tunneling_ref, chunk_size):
    assert_same(run_table(TUNNELING, chunk_size=chunk_size), tunneling_ref)


def test_chunk_size_is_bit_identical_soft_expansion(soft_ref):
    assert_same(run_table(SOFT, chunk_size=2 * SEED_BLOCK), soft_ref)


def test_chunk_size_is_bit_identical_with_the_analytic_comparison():
    table = copy.deepcopy(BASE)
    table["comparison"]["analytic"] = True
    table["run"]["n_tls"] = 4 * SEED_BLOCK
    assert_same(run_table(table, chunk_size=4 * SEED_BLOCK), run_table(table))


def test_chunk_size_is_bit_identical_heat_pulse():
    assert_same(run_table(PULSE, chunk_size=2 * SEED_BLOCK), run_table(PULSE))


def test_process_pool_is_bit_identical(tunneling_ref, soft_ref):
    pool = ProcessExecutor(2)
    try:
        res = run_table(TUNNELING, executor=pool, chunk_size=2 * SEED_BLOCK)
        assert_same(res, tunneling_ref)
        assert_same(run_table(SOFT, executor=pool), soft_ref)
    finally:
        pool.close()
    assert res.metadata["executor"] == "processes" and res.metadata["n_workers"] == 2
    wall = res.metadata["wall_time_s"]
    assert {"sample", "spectrum", "rates", "reduce", "merge", "total"} <= set(wall)


def test_the_scenario_field_chooses_the_executor(tunneling_ref):
    table = copy.deepcopy(TUNNELING)
    table["run"]["executor"] = "processes"
    res = tlsmc.run(tlsmc.parse_scenario(table))
    assert res.metadata["executor"] == "processes"
    pd.testing.assert_frame_equal(res.observables, tunneling_ref.observables, check_exact=True)


def test_reduction_in_completion_order_would_not_be_bit_identical(tunneling_ref, monkeypatch):
    """The check of the checks: reducing chunk results as running sums (what chunk-sized
    pieces did before) changes the last bits, so the tests above can fail."""
    import tlsmc.runner as runner

    class RunningSum(BlockTree):
        def push(self, first_block, level, state):
            self._stack = [(0, state if not self._stack else
                            self.combine(self._stack[0][1], state))]

    monkeypatch.setattr(runner, "BlockTree", RunningSum)
    a = run_table(TUNNELING, chunk_size=SEED_BLOCK)
    b = run_table(TUNNELING, chunk_size=3 * SEED_BLOCK)
    assert not a.observables["value"].equals(b.observables["value"])


def test_block_tree_matches_block_by_block_reduction():
    rng = np.random.default_rng(1)
    blocks = [rng.normal(size=5) * 10.0 ** rng.integers(-8, 8) for _ in range(23)]
    ref = BlockTree(np.add)
    for b, x in enumerate(blocks):
        ref.push(b, 0, x)
    for size in (1, 2, 3, 4, 5, 8, 23):
        tree = BlockTree(np.add)
        for chunk in plan_chunks(23 * SEED_BLOCK, size * SEED_BLOCK):
            first = chunk.start // SEED_BLOCK
            n = -(-chunk.size // SEED_BLOCK)
            for node in chunk_nodes(first, blocks[first:first + n], np.add):
                tree.push(*node)
        assert np.array_equal(tree.total(), ref.total()), size
    with pytest.raises(ValueError, match="out of order"):
        BlockTree(np.add).push(1, 0, blocks[0])


def test_heat_pulse_is_refused_off_serial():
    sc = tlsmc.parse_scenario(PULSE)
    with pytest.raises(ConfigError, match=r"measurement\[0\] heat_pulse .* serial \(got processes\)"):
        tlsmc.run(sc, executor=ProcessExecutor(2))


class FailingWork:
    """Picklable work whose chunk 1 raises."""

    def __call__(self, chunk):
        if chunk.index == 1:
            raise RuntimeError("boom in chunk 1")
        return chunk.index


class SlowFirstWork:
    """Picklable work whose chunk 0 finishes last."""

    def __call__(self, chunk):
        import time
        time.sleep(1.0 if chunk.index == 0 else 0.0)
        return chunk.index


def test_results_come_in_chunk_order_not_completion_order():
    ex = ProcessExecutor(2)
    try:
        got = list(ex.map_chunks(SlowFirstWork(), plan_chunks(6 * SEED_BLOCK, SEED_BLOCK)))
    finally:
        ex.close()
    assert got == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("executor", [SerialExecutor, lambda: ProcessExecutor(2)],
                         ids=["serial", "processes"])
def test_a_chunk_that_raises_fails_the_map(executor):
    ex = executor()
    try:
        with pytest.raises(RuntimeError, match="boom in chunk 1") as info:
            list(ex.map_chunks(FailingWork(), plan_chunks(5 * SEED_BLOCK, SEED_BLOCK)))
    finally:
        ex.close()
    if ex.name != "serial":
        assert any("chunk 1" in note for note in info.value.__notes__)


def test_a_chunk_that_raises_writes_nothing(write_toml, tmp_path, monkeypatch, capsys):
    import tlsmc.runner as runner
    from tlsmc.cli import main

    real = runner.ChunkWork.__call__

    def failing(self, chunk):
        if chunk.index == 1:
            raise RuntimeError("boom in chunk 1")
        return real(self, chunk)

    monkeypatch.setattr(runner.ChunkWork, "__call__", failing)
    path = write_toml(TUNNELING)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "boom in chunk 1" in capsys.readouterr().err     # one line, the chunk's error
    assert not (tmp_path / "out").exists()


def test_executor_choice_and_bad_options(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    assert make_executor().name == "serial"
    assert make_executor(scenario_choice="processes").name == "processes"
    assert make_executor("serial", scenario_choice="processes").name == "serial"
    assert make_executor(scheduler="tcp://127.0.0.1:8786").name == "dask"
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8786")
    ex = make_executor()
    assert ex.name == "dask" and ex.address == "tcp://127.0.0.1:8786"
    with pytest.raises(ConfigError, match="--scheduler/--scheduler-file need --executor dask"):
        make_executor("processes", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ConfigError, match="--workers must be >= 1"):
        make_executor("processes", workers=0)
    with pytest.raises(ConfigError, match=r"scenario.run.executor must be one of"):
        tlsmc.parse_scenario({**BASE, "run": {**BASE["run"], "executor": "mpi"}})


def test_cli_refuses_heat_pulse_on_processes(write_toml, tmp_path, capsys):
    from tlsmc.cli import main

    code = main(["run", str(write_toml(PULSE)), "--out", str(tmp_path / "out"),
                 "--executor", "processes", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "heat_pulse" in err
    assert not (tmp_path / "out").exists()
