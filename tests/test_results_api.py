"""Results.__repr__, Results.merge and iter_run (the loop run() consumes)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import tlsmc
from tlsmc.runner import ChunkDone, iter_run

SCENARIOS = Path(__file__).parents[1] / "scenarios"


@pytest.fixture(scope="module")
def scenario():
    return tlsmc.load_scenario(SCENARIOS / "silica_heat_capacity.toml")


def _run(sc, seed, n=131072):
    return tlsmc.run(sc, n_tls=n, seed=seed)


def test_iter_run_yields_after_each_chunk_and_returns_what_run_returns(scenario):
    sc = scenario.with_run(chunk_size=65536)
    steps = iter_run(sc, n_tls=196608, seed=3)
    seen = []
    try:
        while True:
            seen.append(next(steps))
    except StopIteration as stop:
        res = stop.value
    assert [s.index for s in seen] == [0, 1, 2]
    assert all(isinstance(s, ChunkDone) and s.n_chunks == 3 for s in seen)
    assert seen[-1].n_done == 196608
    ref = tlsmc.run(sc, n_tls=196608, seed=3)
    assert res.observables.equals(ref.observables)


def test_run_accepts_a_path():
    res = tlsmc.run(SCENARIOS / "silica_heat_capacity.toml", n_tls=65536, seed=1)
    assert res.metadata["n_tls"] == 65536


def test_repr_names_scenario_n_seed_observables(scenario):
    res = _run(scenario, 5, 65536)
    text = repr(res)
    for part in ("silica_heat_capacity", "n_tls=65536", res.metadata["seed_entropy"], "C_eq",
                 "wall="):
        assert part in text, (part, text)
    assert len(text) < 400


def test_merge_is_the_n_weighted_mean_with_combined_errors(scenario):
    a, b = _run(scenario, 1), _run(scenario, 2, 65536)
    m = a.merge(b)
    va, vb, vm = (r.observables["value"].to_numpy() for r in (a, b, m))
    ea, eb, em = (r.observables["stderr"].to_numpy() for r in (a, b, m))
    np.testing.assert_allclose(vm, (2 * va + vb) / 3, rtol=1e-14)
    np.testing.assert_allclose(em, np.hypot(2 * ea, eb) / 3, rtol=1e-14)
    assert m.metadata["n_tls"] == 131072 + 65536
    assert m.metadata["seed_entropies"] == [a.metadata["seed_entropy"], b.metadata["seed_entropy"]]
    z = (m.comparison["mc"] - m.comparison["exact"]) / m.comparison["mc_stderr"]
    np.testing.assert_allclose(m.comparison["z"], z)
    assert (np.abs(m.comparison["z"].dropna()) < 5).all()
    # merged errors shrink like 1/sqrt(N): on average by sqrt(3/2) from run a
    ratio = np.nanmedian(ea / em)
    assert 1.1 < ratio < 1.35, ratio


def test_merge_refuses_other_scenarios_and_equal_seeds(scenario):
    """The refusals come before any comparison is merged: runs without the quadrature (1.1 of
    its 1.2 s per run) suffice."""
    scenario = dataclasses.replace(scenario, comparison=dataclasses.replace(
        scenario.comparison, analytic=False))
    a = _run(scenario, 1, 65536)
    other = tlsmc.run(scenario.with_run(name="other"), n_tls=65536, seed=2)
    with pytest.raises(ValueError, match="different scenarios.*'silica_heat_capacity'.*'other'"):
        a.merge(other)
    with pytest.raises(ValueError, match="same seed"):
        a.merge(_run(scenario, 1, 65536))
