"""Same seed -> same numbers; chunk size and thread count do not matter; Parquet round trip."""
from __future__ import annotations

import json

import numba
import numpy as np
import pandas as pd

import tlsmc
from tlsmc.results import Results


def _run(table, **kw):
    return tlsmc.run(tlsmc.parse_scenario(table), **kw).to_dataframe()


def _run_single_threaded(table):
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        return _run(table)
    finally:
        numba.set_num_threads(old)


def test_same_seed_same_numbers_other_seed_other_numbers(base_table):
    a, b = _run(base_table), _run(base_table)
    pd.testing.assert_frame_equal(a, b)
    c = _run(base_table, seed=8)
    assert not np.allclose(a["value"], c["value"], rtol=1e-6)


def test_chunk_size_and_threads_do_not_change_results(base_table):
    base_table["run"]["n_tls"] = 3 * 65536 + 17
    ref = _run(base_table)
    base_table["run"]["chunk_size"] = 2 * 65536
    other_chunks = _run(base_table)
    np.testing.assert_allclose(other_chunks["value"], ref["value"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(other_chunks["stderr"], ref["stderr"], rtol=1e-9, atol=0)
    single = _run_single_threaded(base_table)
    pd.testing.assert_frame_equal(single, other_chunks)


def test_parquet_round_trip_and_run_json(base_table, tmp_path):
    res = tlsmc.run(tlsmc.parse_scenario(base_table))
    out = res.write(tmp_path / "run")
    back = Results.read(out)
    pd.testing.assert_frame_equal(back.observables, res.observables)
    meta = json.loads((out / "run.json").read_text())
    for key in ("scenario", "tlsmc_version", "seed_entropy", "n_tls", "n_chunks", "wall_time_s"):
        assert key in meta
    assert tlsmc.parse_scenario(meta["scenario"]) == tlsmc.parse_scenario(base_table)
    import pyarrow.parquet as pq
    schema_meta = json.loads(pq.read_schema(out / "observables.parquet").metadata[b"tlsmc"])
    assert schema_meta["seed_entropy"] == meta["seed_entropy"]
    # rewriting into an existing directory replaces the files, leaves no temporaries
    res.write(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert sorted(p.name for p in out.iterdir()) == ["observables.parquet", "run.json"]


def test_observables_table_has_the_documented_columns(base_table):
    df = _run(base_table)
    for col, kind in (("observable", "O"), ("T_K", "f"), ("t_s", "f"), ("value", "f"),
                      ("stderr", "f"), ("unit", "O")):
        assert df[col].dtype.kind == kind
    assert set(df["observable"]) == {"C", "C_step", "C_eq", "U"}
    assert np.all(np.isfinite(df["value"])) and np.all(df["stderr"] >= 0)


def test_interrupted_write_leaves_no_partial_files(base_table, tmp_path, monkeypatch):
    import tlsmc.results as results_mod
    base_table["comparison"]["analytic"] = True
    res = tlsmc.run(tlsmc.parse_scenario(base_table))
    calls = []
    real = results_mod._write_parquet

    def failing(df, path, meta):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(df, path, meta)

    monkeypatch.setattr(results_mod, "_write_parquet", failing)
    try:
        res.write(tmp_path / "run")
    except KeyboardInterrupt:
        pass
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []


def test_history_evolution_is_thread_count_independent(base_table):
    base_table["measurement"] = [{"kind": "temperature_history", "T_initial_K": 0.2,
                                  "starts_s": [0.0, 1e-3, 10.0], "temperatures_K": [1.0, 0.1, 0.5],
                                  "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 13}}]
    base_table["run"]["n_tls"] = 2 * 65536 + 5
    ref = _run(base_table)
    single = _run_single_threaded(base_table)
    pd.testing.assert_frame_equal(single, ref)
    assert set(ref["observable"]) == {"U", "Qdot"}
