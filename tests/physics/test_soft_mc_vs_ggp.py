"""Soft-potential population against GGP 1985 (eqs. 4.4–4.11, 5.1, 6.3) and the quadrature.

Measured agreement (stated in the assertions; GGP's (E, p) forms go through the leading
WKB formula 2.8, so order-unity factors are physics, PHYSICS §9):

* DOS, eq. 5.1 (E = 0.03–0.3 K, L = ln(W/E√p) = 5–15): MC/eq. 5.1 = 0.55–0.77, rising
  with L (0.57 ± 0.01 at L ≈ 6, 0.69–0.77 at L ≈ 13–14).
* C(T,t), eq. 6.3 with p0 = τ_min(T)/t (eq. 5.4), T = 0.05 K: MC/eq. 6.3 = 1.31, 1.04,
  0.96, 0.92 at t = 1e-2, 1, 1e2, 1e4 s (ln(t/τ_min) = 2, 6.7, 11, 16 for type 1 and
  6.9 more for type 2): within 10 % once ln(t/τ_min,1) >~ 7; C_eq of the depth-cut
  model against eq. 6.3 cut at the same depth: 0.87.
* MC against the quadrature of the same model: |z| < 4 at every (T, t).
* D and M against eqs. 4.4–4.5 (type 1) and 4.9/4.11 (type 2) at p ≈ 0.5: exact/asymptotic
  = 0.86, 0.89, 0.91, 0.92, 0.94 at L = 10, 15, 20, 25, 31 (type 1), 1.34, 1.23, 1.17 at
  L = 6.5, 11, 16 (type 2): the difference falls like L^{-2/3}.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from tlsmc.analytic.closed_forms import ggp1985 as g
from tlsmc.analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.materials import load_material
from tlsmc.rates import build_rates
from tlsmc.rates.one_phonon import OnePhonon
from tlsmc.comparison.soft import closed_form_heat_capacity
from tlsmc.spectrum.soft_solver import depth_delta0
from tlsmc.rates.reference import tau_min
from tlsmc.population.soft import SoftPotentialModel
from tlsmc.spectrum.soft_solver import solve_soft
from tlsmc.spectrum import solve_spectrum
from tlsmc.dynamics.occupations import occupation_and_derivative
from tlsmc.units import K_B

MAT = load_material({"preset": "soft_glass"})
W, ETA_L, PSI, CHI = MAT.W_K, MAT.eta_L, MAT.psi_per_m3, MAT.soft_chi
MODEL = SoftPotentialModel(E_max_K=1.0, depth_max=20.0, energy_knee_K=0.01, antithetic=False)
CHANNELS = (OnePhonon(),)
N = 65536


@pytest.fixture(scope="module")
def population():
    pop = MODEL.sample(MAT, np.random.default_rng(1985), N, N)
    return pop, solve_spectrum(pop, MAT)


def _estimate(terms: np.ndarray) -> tuple[float, float]:
    return float(terms.sum()), float(math.sqrt(terms.size) * terms.std(ddof=1))


def test_dos_against_eq_5_1(population):
    """Weighted DOS in (E, p) bins over eq. 5.1 (both types: ×(1 + ψ2/ψ1))."""
    pop, spec = population
    E, p = spec.E_K, (spec.delta0_K / spec.E_K) ** 2
    ratios, Ls = [], []
    for e_lo, e_hi in [(0.03, 0.1), (0.1, 0.3)]:
        for p_lo, p_hi in [(1e-8, 1e-6), (1e-6, 1e-4), (1e-4, 1e-2), (1e-2, 0.1), (0.1, 0.5),
                           (0.5, 0.9)]:
            est, se = _estimate(pop.weight * (E >= e_lo) * (E < e_hi) * (p >= p_lo) * (p < p_hi))
            cf = 2.0 * integrate.dblquad(
                lambda pp, ee: ggp_thermo.dos_E_p(ee, pp, psi_per_m3=PSI, eta_L=ETA_L, W_K=W),
                e_lo, e_hi, p_lo, p_hi, epsrel=1e-6)[0]
            assert se < 0.05 * est
            ratios.append(est / cf)
            Ls.append(math.log(W / (math.sqrt(e_lo * e_hi) * (p_lo * p_hi) ** 0.25)))
    ratios, Ls = np.array(ratios), np.array(Ls)
    assert np.all((ratios > 0.48) & (ratios < 0.85)), ratios
    assert ratios[Ls > 10].mean() > ratios[Ls < 8].mean() + 0.05      # -> 1 as L grows


def _mc_heat_capacity(pop, spec, T, times):
    _, dndT = occupation_and_derivative(spec.E_K, T)
    gi = K_B * pop.weight * spec.E_K * dndT
    K = build_rates(spec, MAT, CHANNELS, T).K
    out = [_estimate(gi * -np.expm1(-K * t)) for t in times]
    return np.array(out).T


def test_heat_capacity_against_eq_6_3(population):
    """C(T,t) at T = 0.05 K against eq. 6.3 with the τ_expt cut-off p0 = τ_min/t."""
    pop, spec = population
    T, times = 0.05, np.array([1e-2, 1.0, 1e2, 1e4])
    c, se = _mc_heat_capacity(pop, spec, T, times)
    t1, t2 = tau_min(MODEL, MAT, CHANNELS, T)
    cf = closed_form_heat_capacity(MODEL, MAT, T, np.minimum(t1 / times, 1), np.minimum(t2 / times, 1))
    ratio = c / cf
    assert np.all(se < 0.03 * c)
    np.testing.assert_allclose(ratio, [1.31, 1.04, 0.96, 0.92], atol=0.04)
    np.testing.assert_allclose(np.log(times / t1), [2.05, 6.66, 11.26, 15.87], atol=0.1)
    np.testing.assert_allclose(np.log(t1 / t2), 6.9, atol=0.1)     # type 2: 1000x faster
    # t -> ∞ of the depth-cut model against eq. 6.3 cut at the same depth
    ceq, se_eq = _estimate(K_B * pop.weight * spec.E_K * occupation_and_derivative(spec.E_K, T)[1])
    p0 = (depth_delta0(MODEL) * W / T) ** 2
    assert ceq / closed_form_heat_capacity(MODEL, MAT, T, p0, p0) == pytest.approx(0.87, abs=0.05)


def test_mc_against_quadrature_of_the_same_model(population):
    """MC C(T,t) and C_eq against SoftQuadrature: z-scores; the grid is converged."""
    pop, spec = population
    quad = SoftQuadrature(MODEL, MAT, CHANNELS, h_panel=1.0, nodes=6, u_decades=7,
                          u_per_decade=1)
    times = np.geomspace(1e-8, 1e4, 7)
    z = []
    for T in (0.05, 0.1):
        c, se = _mc_heat_capacity(pop, spec, T, times)
        z += list((c - quad.heat_capacity(T, times)) / se)
        ceq, se_eq = _estimate(K_B * pop.weight * spec.E_K
                               * occupation_and_derivative(spec.E_K, T)[1])
        z.append((ceq - quad.heat_capacity_eq(T)) / se_eq)
    z = np.array(z)
    assert np.all(np.abs(z) < 4.0), z
    assert np.mean(z * z) < 4.0


# ----------------------------------------------------------------------------- D and M at large L
def _type1_pair(h, p_target):
    d0 = float(solve_soft(-h, 0.0).delta0)
    t = math.sqrt(2) * d0 * math.sqrt(1 / p_target - 1) / h ** 1.5
    return solve_soft(np.array([-h, -h]), np.array([t, -t]), chi=CHI)


def test_deformation_potential_and_coupling_type1_at_large_L():
    """Odd-in-t part of D and |M| (c = 1) over eqs. 4.5 (first term) and γ1√p (eq. 4.4):
    the ratio rises to 1 as L grows, 1 − ratio ∝ L^{-2/3}."""
    kw = dict(c=1.0, chi=CHI, eta_L=ETA_L, W_K=W)
    Ls, rD, rM = [], [], []
    for h in (10.0, 12.0, 14.0, 16.0, 18.0):
        sp = _type1_pair(h, 0.5)
        assert sp.resolved.all()
        E, p = float(sp.E[0]) * W, float(sp.p[0])
        odd = 0.5 * (sp.D_over_c[0] - sp.D_over_c[1]) * W / ETA_L
        cf = g.deformation_potential_type1(E, p, 1.0, **kw) - g.deformation_potential_type1(E, p, 0.0, **kw)
        M = abs(float(sp.M_over_c[0])) * W / ETA_L
        Ls.append(float(g.log_L(E, p, W_K=W)))
        rD.append(odd / cf)
        rM.append(M / g.offdiagonal_coupling(g.gamma_type1(E, p, 1.0, **kw), p))
    Ls, rD, rM = map(np.array, (Ls, rD, rM))
    np.testing.assert_allclose(rD, [0.856, 0.888, 0.909, 0.924, 0.935], atol=0.01)
    np.testing.assert_allclose(rM, rD, rtol=2e-3)
    slope = np.polyfit(np.log(Ls), np.log(1 - rD), 1)[0]
    assert -0.85 < slope < -0.55                                   # ≈ −2/3


def test_deformation_potential_and_coupling_type2_at_large_L():
    """Type 2 (near the parabola, R = η − t²/4 of both signs): odd-in-R part of D over the
    first term of eq. 4.11, and |M| over γ2√p (eq. 4.9)."""
    kw = dict(c=1.0, eta_L=ETA_L, W_K=W)
    Ls, rD, rM = [], [], []
    for t in (8.0, 9.0, 10.0):
        d0 = float(solve_soft(t * t / 4, t).delta0)
        R = 4 * d0 / t ** 2                                          # p ≈ 0.5
        sp = solve_soft(np.array([t * t / 4 + R, t * t / 4 - R]), np.array([t, t]), chi=CHI)
        E, p = float(sp.E[0]) * W, float(sp.p[0])
        odd = 0.5 * (sp.D_over_c[0] - sp.D_over_c[1]) * W / ETA_L
        cf = (g.deformation_potential_type2(E, p, 1.0, chi=CHI, **kw)
              - g.deformation_potential_type2(E, p, 0.0, chi=CHI, **kw))
        Ls.append(float(g.log_L(E, p, W_K=W)))
        rD.append(odd / cf)
        rM.append(abs(float(sp.M_over_c[0])) * W / ETA_L
                  / g.offdiagonal_coupling(g.gamma_type2(E, p, 1.0, **kw), p))
    rD, rM = np.array(rD), np.array(rM)
    np.testing.assert_allclose(rD, [1.340, 1.233, 1.169], atol=0.01)
    np.testing.assert_allclose(rM, rD, rtol=2e-3)
    assert np.all(np.diff(rD) < 0)
