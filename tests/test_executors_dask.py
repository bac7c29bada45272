"""The dask executor on a real LocalCluster (2 worker processes on 127.0.0.1): bit-identical
numbers for every measurement kind, a worker killed mid-run, an unreachable scheduler.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import time

import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

import tlsmc  # noqa: E402
from tlsmc.config import ConfigError  # noqa: E402
from tlsmc.executors import DaskExecutor  # noqa: E402
from tlsmc.runner import iter_run  # noqa: E402

from test_executors import (PULSE, SOFT, TUNNELING, assert_same, run_table,  # noqa: E402,F401
                            soft_ref, tunneling_ref)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as lc:
        yield lc


@pytest.fixture
def dask_executor(cluster):
    ex = DaskExecutor(cluster.scheduler_address)
    yield ex
    ex.close()


def test_dask_is_bit_identical_every_kind(dask_executor, tunneling_ref, soft_ref):
    res = run_table(TUNNELING, executor=dask_executor)
    assert_same(res, tunneling_ref)
    assert res.metadata["executor"] == "dask" and res.metadata["n_workers"] == 2
    assert_same(run_table(SOFT, executor=dask_executor), soft_ref)


def test_a_killed_worker_is_recomputed_bit_identical(cluster, dask_executor, tunneling_ref):
    client = dask_executor.start()
    pids = client.run(os.getpid)
    steps = iter_run(tlsmc.parse_scenario(TUNNELING), executor=dask_executor)
    first = next(steps)
    assert first.index == 0 and first.n_chunks == 6
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)          # a worker process dies mid-run
    try:
        while True:
            next(steps)
    except StopIteration as stop:
        res = stop.value
    assert_same(res, tunneling_ref)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it
    assert victim not in client.run(os.getpid).values()


def test_a_chunk_that_raises_fails_the_run_on_dask(dask_executor):
    import cloudpickle

    import test_executors
    from tlsmc.seeding import SEED_BLOCK, plan_chunks

    cloudpickle.register_pickle_by_value(test_executors)   # workers need not import tests/
    try:
        with pytest.raises(RuntimeError, match="boom in chunk 1") as info:
            list(dask_executor.map_chunks(test_executors.FailingWork(),
                                          plan_chunks(5 * SEED_BLOCK, SEED_BLOCK)))
    finally:
        cloudpickle.unregister_pickle_by_value(test_executors)
    assert any("chunk 1" in note for note in info.value.__notes__)


def test_heat_pulse_is_refused_on_dask(dask_executor):
    with pytest.raises(ConfigError, match=r"heat_pulse .* serial \(got dask\)"):
        tlsmc.run(tlsmc.parse_scenario(PULSE), executor=dask_executor)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_a_config_error(write_toml, tmp_path, capsys):
    from tlsmc.cli import main

    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.perf_counter()
    code = main(["run", str(write_toml(TUNNELING)), "--out", str(tmp_path / "out"),
                 "--scheduler", address, "--scheduler-timeout", "2", "--quiet"])
    elapsed = time.perf_counter() - start
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"tlsmc: error: cannot reach scheduler {address} (timeout 2 s)"
    assert elapsed < 30
    assert not (tmp_path / "out").exists()


def test_cli_scheduler_file_and_run_json(cluster, write_toml, tmp_path, tunneling_ref):
    from tlsmc.cli import main

    client = distributed.Client(cluster.scheduler_address)
    try:
        client.write_scheduler_file(str(tmp_path / "scheduler.json"))
    finally:
        client.close()
    code = main(["run", str(write_toml(TUNNELING)), "--out", str(tmp_path / "out"),
                 "--scheduler-file", str(tmp_path / "scheduler.json"), "--quiet"])
    assert code == 0
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["executor"] == "dask" and meta["n_workers"] == 2
    assert meta["wall_time_s"]["sample"] > 0 and meta["wall_time_s"]["reduce"] > 0
    back = pd.read_parquet(tmp_path / "out" / "observables.parquet")
    pd.testing.assert_frame_equal(back, tunneling_ref.observables, check_exact=True)


def test_cli_executor_dask_starts_and_closes_a_local_cluster(write_toml, tmp_path, monkeypatch,
                                                             tunneling_ref):
    from tlsmc.cli import main

    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    code = main(["run", str(write_toml(TUNNELING)), "--out", str(tmp_path / "out"),
                 "--executor", "dask", "--workers", "2", "--quiet"])
    assert code == 0
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["executor"] == "dask" and meta["n_workers"] == 2
    back = pd.read_parquet(tmp_path / "out" / "observables.parquet")
    pd.testing.assert_frame_equal(back, tunneling_ref.observables, check_exact=True)
