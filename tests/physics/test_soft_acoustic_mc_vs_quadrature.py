"""Soft-potential acoustic response: MC against the independent quadrature (PHYSICS §3, §10).

* Every attenuation/Q⁻¹ part (resonant, relaxation, total) and the relaxation Δv/v of the
  MC (D and M from the MC solver's wavefunctions, shell estimator of
  :mod:`tlsmc.measurements.acoustic_soft`) against
  :mod:`tlsmc.analytic.quadrature.soft_acoustics` (own solver): |z| < 4.
* The shell estimator is unbiased: its mean over stratified variates equals the quadrature's
  ñ(ħω) to 1e-5, and a brute-force estimate from the sampled population — weighted M² binned in
  E ∈ [ħω/2, 2ħω], no δ handling — agrees with the shell density averaged over the bin.
* Mutations: M ×√2 or D ×√2 in the Monte Carlo's spectrum make the comparison fail.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.analytic.quadrature.soft_acoustics import SoftAcousticQuad
from tlsmc.comparison import comparison_table
from tlsmc.measurements import acoustic_soft
from tlsmc.spectrum import SPECTRUM_SOLVERS, solve_spectrum
from tlsmc.units import HBAR, K_B, PI

TABLE = {
    "run": {"name": "z_soft_acoustic", "n_tls": 32768, "seed": 11, "chunk_size": 65536},
    "material": {"preset": "soft_glass"},
    "population": {"model": "soft", "E_max_K": 2.0, "depth_max": 14.0, "energy_knee_K": 0.01},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [{"kind": "acoustic", "frequencies_Hz": [1e8, 1e9],
                     "temperatures_K": [0.05, 0.3], "T_ref_K": 0.3, "polarizations": ["l"]}],
    "comparison": {"analytic": False},   # compared below with a coarse quadrature grid
}
SHELL = 1024          # shell samples of the test runs (the module default is larger)


@pytest.fixture(scope="module")
def setup():
    sc = tlsmc.parse_scenario(TABLE)
    quad = SoftQuadrature(sc.population, sc.material, tuple(sc.rates), h_panel=1.0, nodes=4,
                          u_decades=6, u_per_decade=1)
    return sc, quad


def _compare(sc, quad, n_tls=None):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(acoustic_soft, "SHELL_SAMPLES", SHELL)
        res = tlsmc.run(sc, n_tls=n_tls)
    return comparison_table(sc, res.observables, soft_quadrature=quad)[0]


@pytest.fixture(scope="module")
def comparison(setup):
    return _compare(*setup)


def test_every_part_within_4_sigma(comparison):
    c = comparison
    att = c[c.observable != "dv_over_v"]
    assert len(att) == 2 * 3 * 2 * 2 and set(att.part) == {"resonant", "relaxation", "total"}
    vel = c[c.observable == "dv_over_v"]
    assert set(vel.part) == {"relaxation"} and len(vel) == 4
    live = c[c.mc_stderr > 0]           # Δv/v at T_ref is 0 by definition
    assert len(live) == len(c) - 2 and live.exact.notna().all()
    assert (live.mc_stderr < 0.05 * live.exact.abs()).all()
    assert (live.z.abs() < 4).all(), live[live.z.abs() >= 4]


def test_shell_estimator_unbiased(setup):
    """Mean of x over stratified variates (error ~1/N²) = the quadrature's ñ(ħω)."""
    sc, quad = setup
    n = 1000
    shell = dataclasses.replace(acoustic_soft.soft_shell(sc.measurement[0], sc, n), p=1.0)
    x = acoustic_soft.shell_terms(shell, (np.arange(n) + 0.5) / n, n)
    q = SoftAcousticQuad(quad)
    for k, w in enumerate(shell.w):
        assert x[:, k].sum() == pytest.approx(q.shell_density(float(w)), rel=1e-5)


def test_shell_density_against_binned_population(setup):
    """Brute force: Σ w M² over sampled TLSs with E in [ħω/2, 2ħω], divided by the bin width
    (J), against the shell density averaged over the same bin (3-point Gauss in E)."""
    sc, quad = setup
    model, mat = sc.population, sc.material
    pop = model.sample(mat, np.random.default_rng(5), 32768, 32768)
    spec = solve_spectrum(pop, mat)
    wK = HBAR * 2 * PI * 1e9 / K_B
    lo, hi = 0.5 * wK, 2.0 * wK
    terms = pop.weight * pop.M_over_c ** 2 * ((spec.E_K > lo) & (spec.E_K < hi))
    terms = np.where(np.isfinite(terms), terms, 0.0) / (K_B * (hi - lo))
    est, se = terms.sum(), math.sqrt(terms.size) * terms.std(ddof=1)
    q = SoftAcousticQuad(quad)
    x, wx = np.polynomial.legendre.leggauss(3)
    E = 0.5 * (lo + hi) + 0.5 * (hi - lo) * x
    mean = 0.5 * sum(wi * q.ntilde(float(e)) for wi, e in zip(wx, E))
    assert se < 0.05 * est
    assert abs(est - mean) < 4 * se, (est, se, mean)


def test_m_mutation_is_caught(setup, monkeypatch):
    """M ×√2 in the Monte Carlo's solver (population and shell alike) breaks the resonant
    and relaxation comparison (the quadrature has its own solver)."""
    from tlsmc.population import soft as soft_pop
    for name in ("solve_soft", "solve_soft_pairs"):     # the population solves by pairs
        real = getattr(soft_pop, name)
        monkeypatch.setattr(soft_pop, name, lambda *a, _real=real, **k: dataclasses.replace(
            sp := _real(*a, **k), M_over_c=math.sqrt(2.0) * sp.M_over_c))
    c = _compare(*setup, n_tls=16384)
    att = c[c.observable == "attenuation"]
    assert att[att.part == "resonant"].z.abs().min() > 4
    assert att[att.part == "relaxation"].z.abs().max() > 4


def test_d_mutation_is_caught(setup, monkeypatch):
    """D ×√2 in the Monte Carlo's spectrum breaks the relaxation comparison only."""
    solver = SPECTRUM_SOLVERS["soft"]

    def mutated(pop, mat):
        s = solver(pop, mat)
        return dataclasses.replace(s, D_unit=math.sqrt(2.0) * s.D_unit)
    monkeypatch.setitem(SPECTRUM_SOLVERS, "soft", mutated)
    c = _compare(*setup, n_tls=16384)
    att = c[c.observable == "attenuation"]
    assert att[att.part == "relaxation"].z.abs().min() > 4
    assert att[att.part == "resonant"].z.abs().max() < 4
