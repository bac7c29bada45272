"""Monte Carlo against the exact quadrature of the same model, by z-score (issue item 11).

Each MC point is compared with tlsmc.analytic.quadrature.stm (deterministic, ~1e-9
accurate) as z = (mc − exact)/stderr; every |z| must be < 4.  Seeds are fixed,
so the test is deterministic; the statistics are what a fresh seed would give.
"""
from __future__ import annotations

import numpy as np
import pytest

import tlsmc


@pytest.fixture(scope="module")
def heat_capacity_run():
    table = {
        "run": {"name": "z_heat_capacity", "n_tls": 4 * 65536, "seed": 101, "chunk_size": 2 * 65536},
        "material": {"preset": "vitreous_silica"},
        "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
                       "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 50.0}},
        "rates": [{"kind": "one_phonon"}],
        "measurement": [{"kind": "heat_capacity", "temperatures_K": [0.1, 0.3, 1.0],
                         "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 6}}],
        "comparison": {"analytic": True},
    }
    return tlsmc.run(tlsmc.parse_scenario(table)).comparison


@pytest.fixture(scope="module")
def heat_release_run():
    table = {
        "run": {"name": "z_heat_release", "n_tls": 4 * 65536, "seed": 202, "chunk_size": 2 * 65536},
        "material": {"preset": "vitreous_silica"},
        "population": {"model": "tunneling", "delta_max_K": 80.0, "delta_knee_K": 1e-2,
                       "J0": {"distribution": "structural", "J_str": 2.0, "J_max": 60.0,
                              "shape": "peaked", "peak_amplitude": 3.0, "peak_width": 2.0}},
        "rates": [{"kind": "one_phonon"}],
        "measurement": [{"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0, 4.0],
                         "times": {"start_s": 10.0, "stop_s": 1e5, "num": 5}}],
        "comparison": {"analytic": True},
    }
    return tlsmc.run(tlsmc.parse_scenario(table)).comparison


@pytest.mark.parametrize("observable", ["C", "C_step", "U", "C_eq"])
def test_heat_capacity_z_scores(heat_capacity_run, observable):
    rows = heat_capacity_run[heat_capacity_run["observable"] == observable]
    assert len(rows) >= (3 if observable == "C_eq" else 12)
    assert np.all(rows["mc_stderr"] > 0)
    assert np.max(np.abs(rows["z"])) < 4.0, rows[["T_K", "t_s", "mc", "exact", "z"]]


@pytest.mark.parametrize("observable", ["Qdot", "U"])
def test_heat_release_z_scores(heat_release_run, observable):
    rows = heat_release_run[heat_release_run["observable"] == observable]
    assert len(rows) >= 6
    assert np.max(np.abs(rows["z"])) < 4.0, rows[["T1_K", "t_s", "mc", "exact", "z"]]


def test_z_scores_would_catch_a_factor_of_two(heat_capacity_run):
    """The test has teeth: the P̄-counts-Δ>=0 pitfall (a factor 2) gives |z| >> 4."""
    rows = heat_capacity_run[heat_capacity_run["observable"] == "C"]
    z_wrong = (2 * rows["mc"] - rows["exact"]) / (2 * rows["mc_stderr"])
    assert np.min(np.abs(z_wrong)) > 20
