"""Thermal expansion of soft potentials: MC against the quadrature of the same model, the
depth tail, and the GGP closed forms with τ_expt (issue 5, items 2, 3, 6).

* MC α, Γ, ε against :mod:`tlsmc.analytic.quadrature.expansion` by z-score: |z| < 4 at
  3 temperatures × 6 times (+ t -> ∞), seeds fixed.
* χ = 0: the χ-independent D is a uniform shift of η̃, so the equilibrium expansion of the
  glass without a depth cut vanishes (GGP §V); the cut population's α_eq plus the analytic
  tail (:func:`depth_tail_alpha`) is 0 to the quadrature's accuracy.
* ggp1985 additions: eq. 1.5 on a population, α and Γ at τ_expt (eqs. 6.1–6.4, 5.4).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from tlsmc.analytic.quadrature.expansion import (H_integral, depth_tail_alpha, mirror_partners,
                                                 soft_expansion_quadrature)
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.comparison.expansion import expansion_comparison_table
from tlsmc.materials import load_material, with_fields
from tlsmc.rates.one_phonon import OnePhonon
from tlsmc.population.soft import SoftPotentialModel

GRID = dict(h_panel=1.0, nodes=6, u_decades=6, u_per_decade=1)    # coarse; ~1e-3 of α


def _scenario(n: int, **population) -> dict:
    table = {
        "run": {"name": "te_soft", "n_tls": n, "seed": 4242, "chunk_size": 65536},
        "material": {"preset": "soft_glass", "soft_chi": 4.0, "soft_c": 6.0},
        "population": {"model": "soft", "antithetic": True, "E_max_K": 5.0, "depth_max": 16.0, "type2_ratio": 0.0,
                       "energy_knee_K": 0.01},
        "rates": [{"kind": "one_phonon"}, {"kind": "activated"}],
        "measurement": [{"kind": "thermal_expansion", "temperatures_K": [0.1, 0.3, 1.0],
                         "times": {"start_s": 1e-8, "stop_s": 1e2, "num": 6}}],
        "comparison": {"analytic": False},
    }
    table["population"].update(population)
    return table


def _compare(table):
    sc = tlsmc.parse_scenario(table)
    res = tlsmc.run(sc)
    quad = SoftQuadrature(sc.population, sc.material, sc.rates, **GRID)
    table, _ = expansion_comparison_table(sc, res.to_dataframe(), quadrature=quad)
    return sc, table, quad


@pytest.fixture(scope="module")
def compared():
    return _compare(_scenario(32768))


def test_mc_against_quadrature_ggp_rates_with_type2():
    """GGP's rates (partner mean) and type-2 TLSs (sampled as quartets): MC vs quadrature of
    the same model, |z| < 4 at 18 (T, t) points of α (+ Γ, ε, t -> ∞), and α < 0 (c > 0) at
    every finite t — GGP's contraction."""
    _, table, _ = _compare(_scenario(32768, type2_ratio=0.3, rate_coupling="partner_mean"))
    z = table.dropna(subset=["z"])
    alpha = z[(z.observable == "alpha")]
    assert len(alpha) == 18 and len(z) >= 18 * 3 + 6
    assert np.all(np.abs(z.z) < 4.0), z[np.abs(z.z) >= 4.0]
    assert np.all(alpha.exact < 0)
    assert np.all(alpha.mc_stderr < 0.25 * np.abs(alpha.exact))    # the sign is resolved (4σ)


def test_mc_against_quadrature(compared):
    _, table, _ = compared
    z = table.dropna(subset=["z"])
    alpha = z[z.observable == "alpha"]
    assert len(alpha) == 18 and len(z) >= 18 * 3 + 6
    assert np.all(np.abs(z.z) < 4.0), z[np.abs(z.z) >= 4.0]
    # the expansion is a positive remainder here (c > 0); the quadrature resolves it
    assert np.all(alpha.exact > 0)


def test_decomposition_adds_up(compared):
    """α = α_even + α_rate on mirror node pairs; α_rate = 0 at t -> ∞ and α_rate > 0 (c > 0)."""
    sc, _, quad = compared
    q = soft_expansion_quadrature(sc.population, sc.material, sc.rates, quadrature=quad)
    mate = mirror_partners(q.eta, q.t)
    assert np.all(mate >= 0) and np.array_equal(mate[mate], np.arange(mate.size))
    t = np.array([1e-6, 1.0, np.inf])
    even, rate = q.decomposition(0.3, t)
    np.testing.assert_allclose(even + rate, q.alpha(0.3, t), rtol=1e-9)
    assert rate[-1] == 0.0 and np.all(rate[:-1] > 0) and np.all(even[:-1] < 0)


def test_depth_tail_cancels_the_chi_independent_equilibrium():
    """χ = 0: α_eq of the depth-cut model + the analytic tail = 0 (uniform η̃ shift)."""
    mat = with_fields(load_material({"preset": "soft_glass"}), soft_chi=0.0, soft_c=6.0)
    for depth in (8.0,):
        model = SoftPotentialModel(E_max_K=3.0, depth_max=depth, type2_ratio=0.0,
                                   energy_knee_K=0.01)
        quad = SoftQuadrature(model, mat, (OnePhonon(),), **GRID)
        q = soft_expansion_quadrature(model, mat, (OnePhonon(),), quadrature=quad)
        for T in (0.3,):
            a_eq = q.alpha(T, [np.inf])[0]
            tail = depth_tail_alpha(model, mat, T)
            assert tail > 0 and a_eq < 0
            assert abs(a_eq + tail) < 1e-3 * abs(a_eq)


def test_H_integral():
    E = np.linspace(0.0, 30.0, 30001)
    T = 0.7
    from tlsmc.dynamics.occupations import occupation_and_derivative
    _, dndT = occupation_and_derivative(E, T)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (dndT[1:] + dndT[:-1]) * np.diff(E))])
    np.testing.assert_allclose(H_integral(E, T), cum, atol=1e-7)
    assert H_integral(1e5, 1e-3) == pytest.approx(math.log(2.0))


# ----------------------------------------------------------------------------- closed forms
KW = dict(c=6.0, chi=4.0, eta_L=0.01, W_K=30.0)


def test_eq_1_5_on_a_population():
    E, D, w = np.array([0.1, 1.0, 1e5]), np.array([2.0, -3.0, 5.0]), np.array([1e20, 2e20, 1e30])
    T, B = 0.3, 3e10
    direct = -1.380649e-23 / B * sum(wi * Di * Ei / (4 * T * T * math.cosh(Ei / (2 * T)) ** 2)
                                      for Ei, Di, wi in zip(E[:2], D[:2], w[:2]))
    assert ggp_thermo.thermal_expansion_eq15(E, D, w, T, B) == pytest.approx(direct, rel=1e-13)


def test_alpha_and_gamma_with_tau_expt():
    T, tmin = 0.3, 1e-8
    te = np.array([1.0, 60.0, 86400.0, np.inf])
    psi, B = 3e26, 3e10
    a = ggp_thermo.thermal_expansion_tau_expt(T, te, tmin, psi_per_m3=psi, psi_ratio=0.2, B_Pa=B, **KW)
    p0 = np.array([1e-8, 1e-8 / 60, 1e-8 / 86400, 0.0])
    ref = (ggp_thermo.thermal_expansion_type1(T, psi_per_m3=psi, B_Pa=B, p0=p0, **KW)
           + ggp_thermo.thermal_expansion_type2(T, psi_per_m3=0.2 * psi, B_Pa=B, **KW))
    np.testing.assert_allclose(a, ref, rtol=1e-14)
    # Γ without the cut in C is eq. 6.4 (ratio form); with it, B α / C(τ_expt)
    np.testing.assert_allclose(
        ggp_thermo.gruneisen_tau_expt(T, te, tmin, psi_ratio=0.2, heat_capacity_cutoff=False, **KW),
        ggp_thermo.gruneisen(T, psi_ratio=0.2, p0=p0, **KW), rtol=1e-14)
    C = ggp_thermo.heat_capacity_tau_expt(T, te, tmin, psi_per_m3=psi, psi_ratio=0.2, eta_L=0.01, W_K=30.0)
    np.testing.assert_allclose(ggp_thermo.gruneisen_tau_expt(T, te, tmin, psi_ratio=0.2, **KW),
                               B * a / C, rtol=1e-12)
    # GGP §VI: |Γ| falls with τ_expt at c > 0 (dominant first term), ~20 % from 1 s to 1 min
    G = ggp_thermo.gruneisen_tau_expt(T, te, tmin, psi_ratio=0.0, heat_capacity_cutoff=False, **KW)
    assert np.all(G[:3] < 0) and 0.75 < G[1] / G[0] < 0.9
    assert math.isnan(ggp_thermo.gruneisen_tau_expt(T, 1e-9, tmin, psi_ratio=0.0, **KW))
