"""Soft-potential acoustic response: MC against the independent quadrature (PHYSICS §3, §10).

* Every attenuation/Q⁻¹ part (resonant, relaxation, total) and the relaxation Δv/v of the
  MC (D and M from the MC solver's wavefunctions, shell estimator of
  :mod:`tlsmc.measurements.acoustic_soft`) against
  :mod:`tlsmc.analytic.quadrature.soft_acoustics` (own solver): |z| < 4.
* The shell estimator is unbiased: its mean over stratified variates equals the quadrature's
  ñ(ħω) to 1e-5, and a brute-force estimate from the sampled population — weighted M² binned in
  E ∈ [ħω/2, 2ħω], no δ handling — agrees with the shell density averaged over the bin.
* Mutations: M ×√2 or D ×√2 in the Monte Carlo's spectrum make the comparison fail.
* Resonant Δv/v (:mod:`tlsmc.measurements.acoustic_soft_velocity`): the per-depth principal
  value I(h) (λ-Gauss panels, poles subtracted) against scipy's adaptive quadrature of the same
  integrand with a Cauchy weight at the root t* (brute force, no subtraction), with and
  without a pole in the counted interval; its ħω ≪ kT limit (the integral of φ [tanh diff]/E,
  no pole); and unbiasedness: ∫dh I(h) (Gauss in the depth, √ edge at h* resolved) equals the
  independent quadrature's energy-space P∫ñF dE.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import integrate

import tlsmc
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.analytic.quadrature.soft_acoustics import SoftAcousticQuad
from tlsmc.comparison import comparison_table
from tlsmc.measurements import acoustic_soft
from tlsmc.measurements import acoustic_soft_velocity as vel
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
VELOCITY = 512        # resonant-velocity samples of the test runs (default 1024)


@pytest.fixture(scope="module")
def setup():
    sc = tlsmc.parse_scenario(TABLE)
    quad = SoftQuadrature(sc.population, sc.material, tuple(sc.rates), h_panel=1.0, nodes=4,
                          u_decades=6, u_per_decade=1)
    return sc, quad


def _compare(sc, quad, n_tls=None, velocity=VELOCITY):
    """MC against ``quad``; ``velocity`` resonant-Δv/v depths.  Attenuation rows do not use
    them (bit-identical value and stderr with 64 or 512), so the D mutation takes 64."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(acoustic_soft, "SHELL_SAMPLES", SHELL)
        mp.setattr(vel, "VELOCITY_SAMPLES", velocity)
        res = tlsmc.run(sc, n_tls=n_tls)
    return comparison_table(sc, res.observables, soft_quadrature=quad)[0]


@pytest.fixture(scope="module")
def comparison(setup):
    return _compare(*setup)


def test_every_part_within_4_sigma(comparison):
    c = comparison
    att = c[c.observable != "dv_over_v"]
    assert len(att) == 2 * 3 * 2 * 2 and set(att.part) == {"resonant", "relaxation", "total"}
    dv = c[c.observable == "dv_over_v"]
    assert set(dv.part) == {"resonant", "relaxation", "total"} and len(dv) == 3 * 2 * 2
    live = c[c.mc_stderr > 0]           # Δv/v at T_ref is 0 by definition
    assert len(live) == len(c) - 3 * 2 and live.exact.notna().all()
    res_v = (live.observable == "dv_over_v") & (live.part != "relaxation")
    assert (live.mc_stderr < 0.05 * live.exact.abs())[~res_v].all()
    assert (live.mc_stderr < 0.12 * live.exact.abs())[res_v].all()    # 512 velocity samples
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
    dv = c[(c.observable == "dv_over_v") & (c.part == "resonant") & (c.mc_stderr > 0)]
    assert dv.z.abs().min() > 4


def test_d_mutation_is_caught(setup, monkeypatch):
    """D ×√2 in the Monte Carlo's spectrum breaks the relaxation comparison only."""
    solver = SPECTRUM_SOLVERS["soft"]

    def mutated(pop, mat):
        s = solver(pop, mat)
        return dataclasses.replace(s, D_unit=math.sqrt(2.0) * s.D_unit)
    monkeypatch.setitem(SPECTRUM_SOLVERS, "soft", mutated)
    c = _compare(*setup, n_tls=16384, velocity=64)
    att = c[c.observable == "attenuation"]
    assert att[att.part == "relaxation"].z.abs().min() > 4
    assert att[att.part == "resonant"].z.abs().max() < 4


T_LO, T_REF = 0.05, 0.3          # K, as in TABLE


@pytest.fixture(scope="module")
def shell():
    sc = tlsmc.parse_scenario(TABLE)
    return sc, acoustic_soft.soft_shell(sc.measurement[0], sc, 1000)


def _brute(sh, h, w, theta, theta_ref):
    """I(h) by brute force: scipy's adaptive quadrature in ln t outside [t*(1 − d), t*(1 + d)],
    inside it the exact symmetric pairing PV∫ G = ∫_0^{d t*} [G(t* + s) + G(t* − s)] ds by
    80-point Gauss (d = 0.1: the pair sum is smooth); no pole subtraction."""
    t_e = float(vel.edge(sh, np.array([h]))[0][0])
    k = int(np.flatnonzero(sh.w == w)[0])
    ts = math.inf
    if h > sh.h_star[k]:
        ts = float(acoustic_soft.shell_point(sh, np.array([h]), w)[0][0])

    def G(t):
        t = np.atleast_1d(np.asarray(t, dtype=float))
        pop, nfr = acoustic_soft.frame_points(sh, np.full(t.size, h), t)
        phi = (pop.weight * vel.strain_coupling(pop)).reshape(nfr, -1).sum(axis=0)
        e = pop.E[:t.size]
        return phi * vel._A(e, w, theta, theta_ref) / (e - w)

    def in_log(u):
        return float(G(math.exp(u))[0]) * math.exp(u)
    opts = dict(limit=300, epsabs=0.0, epsrel=1e-10)
    lo = math.log(1e-20 * t_e)
    d = 0.1
    if ts * (1 + d) < t_e:
        r = integrate.quad(in_log, lo, math.log((1 - d) * ts), **opts)[0]
        r += integrate.quad(in_log, math.log((1 + d) * ts), math.log(t_e), **opts)[0]
        x, wx = np.polynomial.legendre.leggauss(80)
        s = 0.5 * d * ts * (x + 1.0)
        r += float(np.sum(0.5 * d * ts * wx * (G(ts + s) + G(ts - s))))
    else:
        r = integrate.quad(in_log, lo, math.log(t_e), **opts)[0]
    return r / (K_B * sh.W_K)


@pytest.mark.parametrize("h, k", [(7.0, 1), (9.0, 1), (9.0, 0), (10.0, 0)])
def test_pv_per_depth_against_cauchy_quadrature(shell, h, k):
    sc, sh = shell
    W = sh.W_K
    I = vel.pv_per_depth(sh, np.array([h]), [T_LO / W], T_REF / W)[0, k, 0]
    b = _brute(sh, h, float(sh.w[k]), T_LO / W, T_REF / W)
    assert I == pytest.approx(b, rel=1e-4)     # brute force: ~4e-5 (h = 10, pair cancellation)


def test_low_frequency_limit(shell):
    """ħω ≪ kT: F -> [tanh(E/2T) − tanh(E/2T_ref)]/E; relative correction O((ħω/E)²)."""
    sc, sh = shell
    W = sh.W_K
    w = 1e-7                                          # ħω = 3e-6 K ≪ T
    sh1 = acoustic_soft.soft_shell(sc.measurement[0], sc, 1000)
    sh1 = dataclasses.replace(sh1, w=np.array([w]), h_star=np.array([20.0]))
    h = 9.0                                           # Δ0(9) ≈ 1e-4 W ≫ ħω: no root, no pole
    I = vel.pv_per_depth(sh1, np.array([h]), [T_LO / W], T_REF / W)[0, 0, 0]
    t_e = float(vel.edge(sh, np.array([h]))[0][0])

    def f(u):
        t = math.exp(u)
        pop, nfr = acoustic_soft.frame_points(sh, np.full(1, h), np.full(1, t))
        phi = float((pop.weight * vel.strain_coupling(pop)).sum())
        e = float(pop.E[0])
        return phi * (math.tanh(e * W / (2 * T_LO)) - math.tanh(e * W / (2 * T_REF))) / e * t
    lim = integrate.quad(f, math.log(1e-20 * t_e), math.log(t_e), limit=300, epsrel=1e-10)[0]
    assert I == pytest.approx(lim / (K_B * W), rel=1e-6)


def test_velocity_estimator_mean_equals_quadrature(setup, shell):
    """E[Σy] = ∫ dh I(h): Gauss–Legendre in z, h = h* ∓ z² on both sides of the pole
    threshold, against the independent energy-space quadrature, at both frequencies of TABLE."""
    sc, sh = shell
    quad = setup[1]
    W = sh.W_K
    q = SoftAcousticQuad(quad)
    x, wx = np.polynomial.legendre.leggauss(8)
    for k, w in enumerate(sh.w):
        h0, hs, h1 = float(sh.h_lo[0]), float(sh.h_star[k]), float(sh.h_max)
        h, wh = [], []
        for sign, zmax in ((-1.0, math.sqrt(hs - h0)), (1.0, math.sqrt(h1 - hs))):
            ez = np.array([e for e in (0.0, 0.1, 0.3, 0.6, 1.0, 1.5) if e < zmax] + [zmax])
            z = (0.5 * (ez[:-1] + ez[1:])[:, None] + 0.5 * np.diff(ez)[:, None] * x).ravel()
            h.append(hs + sign * z * z)            # I ∝ 1/√(h* − h) below h*: dh = 2z dz
            wh.append((0.5 * np.diff(ez)[:, None] * wx).ravel() * 2.0 * z)
        h, wh = np.concatenate(h), np.concatenate(wh)
        one = dataclasses.replace(sh, w=sh.w[k:k + 1], h_star=sh.h_star[k:k + 1])
        mean = float(np.sum(wh * vel.pv_per_depth(one, h, [T_LO / W], T_REF / W)[:, 0, 0]))
        exact = q.pv_velocity(float(w) * W, T_LO, T_REF)
        assert mean == pytest.approx(exact, rel=2e-4), (k, mean, exact)


def test_velocity_depth_proposal_is_its_density(shell):
    """The depth mixture's q is the density of the depths it draws: E_q[f/q] = ∫f dh for a
    constant, a Gaussian and the 1/√(h* − h) edge (stratified u, no solves)."""
    sc, sh = shell
    n = 200_000
    h, q = vel.velocity_depths(sh, (np.arange(n) + 0.5) / n)
    lo, hi = float(sh.h_lo[0]), float(sh.h_max)
    assert ((h >= lo) & (h <= hi)).all() and (q > 0).all()
    assert np.mean(1.0 / q) == pytest.approx(hi - lo, rel=1e-4)
    gauss = 0.5 * math.sqrt(math.pi) * (math.erf(hi - 8.0) - math.erf(lo - 8.0))
    assert np.mean(np.exp(-(h - 8.0) ** 2) / q) == pytest.approx(gauss, rel=1e-4)
    hs = float(sh.h_star[0])
    d = hs - h
    edge = np.where((d > 0) & (d < 0.5), 1.0 / np.sqrt(np.where(d > 0, d, 1.0)), 0.0)
    assert np.mean(edge / q) == pytest.approx(2.0 * math.sqrt(0.5), rel=1e-3)
