"""Soft-potential dielectric response: MC against the independent quadrature (PHYSICS §3, §10).

* Every tan δ part (resonant at every field, relaxation, total) and every Δε/ε part of the
  MC (:mod:`tlsmc.measurements.dielectric_soft`) against
  :mod:`tlsmc.analytic.quadrature.soft_dielectric` (own solver, rates, orientation average):
  |z| < 4.
* The saturated shell estimator is unbiased at every F (stratified mean = quadrature to 1e-5);
  at F = 0 it is the acoustic soft shell estimator with M → x01; a brute-force binned estimate
  of ñ from the sampled population agrees with the shell density.
* Limits: F ≫ F_c gives tan δ ∝ 1/F; the double-well limit p = p0 L/2 → p0 y0; the textbook
  tanh/√(1 + (F/F_c)²) with F_c at the half-power point departs from F ≈ F_c on, ×6.9–8.2 at
  F ≫ F_c (numbers in :func:`test_textbook_departure`).
* Mutations p0 ×√2, x01 → x11 − x00, T1 ×2 and M² for x01² in the principal value break the
  comparison.
"""
from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.quadrature.soft import SoftQuadrature
from tlsmc.analytic.quadrature.soft_dielectric import dielectric_quad
from tlsmc.comparison import comparison_table
from tlsmc.config import ConfigError
from tlsmc.measurements import acoustic_soft, acoustic_soft_velocity, dielectric_soft
from tlsmc.spectrum import solve_spectrum
from tlsmc.spectrum.soft_solver import solve_soft
from tlsmc.units import DEBYE, HBAR, K_B, PI

FIELDS = [0.0, 10.0, 1e4, 1e5]
TABLE = {
    "run": {"name": "z_soft_dielectric", "n_tls": 16384, "seed": 11, "chunk_size": 65536},
    "material": {"preset": "soft_glass", "soft_dipole_debye": 1.0, "eps_r": 3.8, "T2_s": 1e-6},
    "population": {"model": "soft", "E_max_K": 2.0, "depth_max": 14.0, "energy_knee_K": 0.01},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [{"kind": "dielectric", "frequencies_Hz": [1e9, 5e9],
                     "temperatures_K": [0.02, 0.3], "T_ref_K": 0.3, "fields_V_m": FIELDS}],
    "comparison": {"analytic": False},   # compared below with a coarse quadrature grid
}
SHELL = 1024


@pytest.fixture(scope="module")
def setup():
    sc = tlsmc.parse_scenario(TABLE)
    quad = SoftQuadrature(sc.population, sc.material, tuple(sc.rates), h_panel=1.0, nodes=4,
                          u_decades=6, u_per_decade=1)
    return sc, quad, dielectric_quad(quad)


def _compare(sc, quad, n_tls=None, velocity=None):
    """MC (shell SHELL samples) against ``quad``; ``velocity``: Δε/ε's principal-value depths
    (default VELOCITY_SAMPLES).  tan δ rows do not use those depths (bit-identical value and
    stderr with 64 or 1024), so the tan δ mutation tests take 64: 3.7 -> 0.6 s a run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(acoustic_soft, "SHELL_SAMPLES", SHELL)
        if velocity is not None:
            mp.setattr(acoustic_soft_velocity, "VELOCITY_SAMPLES", velocity)
        res = tlsmc.run(sc, n_tls=n_tls)
    return comparison_table(sc, res.observables, soft_quadrature=quad)[0]


@pytest.fixture(scope="module")
def comparison(setup):
    return _compare(*setup[:2])


def test_every_part_within_4_sigma(comparison):
    c = comparison
    tan = c[c.observable == "tan_delta"]
    assert len(tan) == 2 * 2 * len(FIELDS) * 3
    dv = c[c.observable == "deps_over_eps"]
    assert set(dv.part) == {"resonant", "relaxation", "total"} and len(dv) == 12
    live = c[c.mc_stderr > 0]                # Δε/ε at T_ref is 0 by definition
    assert len(live) == len(c) - 6 and live.exact.notna().all()
    pv = (live.observable == "deps_over_eps") & (live.part != "relaxation")
    assert (live[~pv].mc_stderr < 0.06 * live[~pv].exact.abs()).all()
    assert (live[pv].mc_stderr < 0.35 * live[pv].exact.abs()).all()   # 1024 PV depths
    assert (live.z.abs() < 4).all(), live[live.z.abs() >= 4]


def test_large_field_is_inverse_F(comparison):
    """F ≫ F_c: every TLS has g → 3/(2√a) ∝ 1/F, so tan δ_res(1e5)/tan δ_res(1e4) = 0.1."""
    r = comparison[(comparison.observable == "tan_delta") & (comparison.part == "resonant")]
    for (f, T), g in r.groupby(["f_Hz", "T_K"]):
        v = g.set_index("field_V_m").mc
        assert v[1e5] / v[1e4] == pytest.approx(0.1, rel=2e-3), (f, T)
        assert v[0.0] > v[10.0] > v[1e4]


def _stratified(sc, n=600):
    shell = dataclasses.replace(acoustic_soft.soft_shell(sc.measurement[0], sc, n), p=1.0)
    acc = dielectric_soft.SoftDielectricAcc(sc.measurement[0], n, sc)
    acc.shell = shell
    v = (np.arange(n) + 0.5) / n
    sel, draws = acoustic_soft.shell_draws(shell, v)
    pts = [dielectric_soft._ShellPoints(shell, sel, h, iq, float(w))
           for w, (h, iq) in zip(shell.w, draws)]
    return shell, acc, v, pts


def test_shell_estimator_unbiased_at_every_field(setup):
    """Mean of x_F over stratified variates (error ~1/N²) = the quadrature's ñ_F(ħω), with
    T1 of every frame point from the independent rates and the numerical c-average."""
    sc, _, q = setup
    shell, acc, v, pts = _stratified(sc)
    p = DEBYE
    for T in (0.02, 0.3):
        x = acc._terms(pts, T, v.size) * v.size          # (F, N, f), per unit N
        for j, F in enumerate(FIELDS):
            for k, w in enumerate(shell.w):
                ref = q.saturated_ntilde(float(w), T, p, F, 1e-6)
                assert x[j, :, k].sum() / v.size == pytest.approx(ref, rel=2e-5), (T, F, k)


def test_zero_field_is_the_unsaturated_shell_estimate(setup, monkeypatch):
    """At F = 0 the saturated terms equal the acoustic soft shell terms with M → x01."""
    sc, _, _ = setup
    shell, acc, v, pts = _stratified(sc)
    x0 = acc._terms(pts, 0.3, v.size)[0]
    real = acoustic_soft.frame_points
    monkeypatch.setattr(acoustic_soft, "frame_points", lambda *a: (lambda pop, n: (
        dataclasses.replace(pop, M_over_c=pop.x01), n))(*real(*a)))
    ref = acoustic_soft.shell_terms(shell, v, v.size)
    np.testing.assert_allclose(x0, ref, rtol=1e-12, atol=0)
    assert (ref > 0).sum() > 0.9 * ref.size


def test_shell_density_against_binned_population(setup):
    """Brute force: Σ w x01² over sampled TLSs with E in [ħω/2, 2ħω], divided by the bin width
    (J), against the quadrature's ñ_0 averaged over the same bin (3-point Gauss in E)."""
    sc, _, q = setup
    model, mat = sc.population, sc.material
    pop = model.sample(mat, np.random.default_rng(5), 16384, 16384)
    spec = solve_spectrum(pop, mat)
    wK = HBAR * 2 * PI * 1e9 / K_B
    lo, hi = 0.5 * wK, 2.0 * wK
    terms = pop.weight * pop.x01 ** 2 * ((spec.E_K > lo) & (spec.E_K < hi)) / (K_B * (hi - lo))
    est, se = terms.sum(), math.sqrt(terms.size) * terms.std(ddof=1)
    x, wx = np.polynomial.legendre.leggauss(3)
    E = 0.5 * (lo + hi) + 0.5 * (hi - lo) * x
    mean = 0.5 * sum(wi * q.saturated_ntilde(float(e) / q.W, 0.3, DEBYE, 0.0, None)
                     for wi, e in zip(wx, E))
    assert se < 0.08 * est
    assert abs(est - mean) < 4 * se, (est, se, mean)


def test_double_well_limit():
    """p = p0 L/2 with L = √((x11 − x00)² + 4x01²) (= 2|x01|E/Δ0 = |x11 − x00|E/Δ): tends to
    the half-distance y0 of the minima as h^{−3/2} (zero-point spread): −4.3 % at h = 9,
    −2.7 % at 12, −1.7 % at 16."""
    rel = []
    for h in (9.0, 12.0, 16.0):
        sp = solve_soft(np.array([-h]), np.array([0.05]))
        r = np.sort(np.roots([4.0, 0.15, -2 * h, 0.0]).real)
        y0 = 0.5 * (r[2] - r[0])
        half_L = float(np.hypot(sp.x11 - sp.x00, 2 * sp.x01)[0]) / 2
        # exact identities of the solver, to its Δ0 accuracy (1e-6 at h = 16, t = 0.05)
        assert abs(sp.x01[0]) * sp.E[0] / sp.delta0[0] == pytest.approx(half_L, rel=1e-5)
        assert abs(sp.x11 - sp.x00)[0] * sp.E[0] / (2 * sp.delta[0]) == pytest.approx(half_L,
                                                                                     rel=1e-5)
        rel.append((half_L / y0 - 1.0) * h ** 1.5)
    assert abs(rel[0]) < 0.05 * 9 ** 1.5 and abs(rel[2]) < 0.02 * 16 ** 1.5
    assert rel[0] == pytest.approx(rel[2], rel=0.1)


def test_textbook_departure(setup):
    """F_c fixed where the ensemble's tan δ_res has fallen to 1/√2; the textbook
    tanh/√(1 + (F/F_c)²) then agrees to 1 % below F_c/10, and departs above F_c: measured
    ensemble/textbook (T2 = 1 µs, one-phonon T1): 1 GHz, 20 mK (F_c = 0.99 V/m): 1.20 at
    1.6 F_c, 3.2 at 6.4 F_c, 8.2 at ≥ 400 F_c; 5 GHz, 20 mK (F_c = 11 V/m): 6.9 at F ≫ F_c.
    Cause: T1 = 1/K ∝ 1/M² but Ω_R ∝ x01, and M/x01 spans decades on the shell (nearly
    symmetric shell wells have M = 2δx01 only), so a = Ω_R²T1T2 is broadly distributed and
    the ensemble saturates over many decades of F."""
    _, _, q = setup
    w = HBAR * 2 * PI * 1e9 / (K_B * q.W)
    n0 = q.saturated_ntilde(w, 0.02, DEBYE, 0.0, 1e-6)
    F = np.geomspace(0.1, 1e4, 21)
    r = np.array([q.saturated_ntilde(w, 0.02, DEBYE, x, 1e-6) for x in F]) / n0
    Fc = math.exp(np.interp(0.5 * math.log(2.0), -np.log(r), np.log(F)))
    assert 0.9 < Fc < 1.1
    ratio = r * np.sqrt(1.0 + (F / Fc) ** 2)
    assert np.all(np.abs(ratio[F < 0.1 * Fc] - 1) < 0.01)
    assert ratio[-1] == pytest.approx(8.2, rel=0.02)
    assert np.all(np.diff(ratio[F > 2 * Fc]) > 0)


def test_mutation_p0(setup, monkeypatch):
    """p0 ×√2 in the MC: every tan δ part and Δε/ε ×2: the comparison fails."""
    real = dielectric_soft.dielectric_constants
    monkeypatch.setattr(dielectric_soft, "dielectric_constants", lambda *a, **k: (
        lambda p, e, t: (math.sqrt(2.0) * p, e, t))(*real(*a, **k)))
    c = _compare(*setup[:2], n_tls=4096, velocity=64)
    tan = c[c.observable == "tan_delta"]
    assert tan.z.abs().min() > 4


def test_mutation_x01_to_xdiag(setup, monkeypatch):
    """x01 → x11 − x00 in the shell weights breaks the resonant comparison only."""
    real = dielectric_soft._ShellPoints.__init__

    def mutated(self, *a):
        real(self, *a)
        if self.n:
            self.rho_x2 = np.where(self.pop.counted, self.pop.weight * self.pop.x_diag ** 2, 0.0)
    monkeypatch.setattr(dielectric_soft._ShellPoints, "__init__", mutated)
    c = _compare(*setup[:2], n_tls=4096, velocity=64)
    tan = c[c.observable == "tan_delta"]
    assert tan[tan.part == "resonant"].z.abs().min() > 4
    assert tan[tan.part == "relaxation"].z.abs().max() < 4


def test_mutation_T1(setup, monkeypatch):
    """T1 ×2 at the shell points breaks the strongly saturated resonant rows (F ≥ 1e4 V/m:
    |z| ≈ 14; at 10 V/m, partly saturated, 3–6), not the F = 0 ones."""
    real = dielectric_soft.build_rates
    monkeypatch.setattr(dielectric_soft, "build_rates", lambda *a: dataclasses.replace(
        rs := real(*a), K=0.5 * rs.K))
    c = _compare(*setup[:2], n_tls=4096, velocity=64)
    res = c[(c.observable == "tan_delta") & (c.part == "resonant")]
    assert res[res.field_V_m >= 1e4].z.abs().min() > 4
    assert res[res.field_V_m == 0].z.abs().max() < 4


@pytest.mark.parametrize("material, changes, message", [
    ({"soft_dipole_debye": None}, {},
     "material.soft_dipole_debye is required by the dielectric measurement (soft population)"),
    ({"soft_dipole_debye": -1.0}, {}, "material.soft_dipole_debye must be > 0"),
    ({"T2_s": None}, {}, "material.T2_s is required by the dielectric measurement"),
    ({"T2_s": -1e-6}, {}, "material.T2_s must be > 0"),
    (None, {"fields_V_m": [0.0, -1.0]}, "scenario.measurement[0].fields_V_m[1] must be >= 0"),
    (None, {"frequencies_Hz": [1e13]}, "scenario.measurement[0].frequencies_Hz[0] = 1e+13 Hz"),
])
def test_bad_input_rejected_by_name(material, changes, message):
    t = copy.deepcopy(TABLE)
    t["material"] = {k: v for k, v in dict(t["material"], **(material or {})).items()
                     if v is not None}
    t["measurement"] = [dict(t["measurement"][0], **changes)]
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert message in str(exc.value) and "\n" not in str(exc.value), str(exc.value)


def test_antithetic_population_rejected_naming_the_dielectric():
    t = copy.deepcopy(TABLE)
    t["population"] = dict(t["population"], antithetic=True)
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert ("scenario.population.antithetic must be false for the dielectric measurement"
            in str(exc.value)), str(exc.value)


def test_strain_weight_in_the_principal_value_is_caught(setup):
    """M_over_c² instead of x01² in the resonant Δε/ε's principal value (its integrand and its
    pole residue) breaks the comparison of that part."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dielectric_soft, "dipole_coupling", acoustic_soft_velocity.strain_coupling)
        c = _compare(*setup[:2])
    dv = c[(c.observable == "deps_over_eps") & (c.part == "resonant") & (c.mc_stderr > 0)]
    assert len(dv) == 2 and dv.z.abs().max() > 8, dv[["f_Hz", "mc", "exact", "z"]]   # 12.9 at 1 GHz
