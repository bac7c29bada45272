"""Thermal conductivity (PHYSICS §11): validation, kernel, closed forms, quadrature, MC, bias."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tlsmc
from tlsmc._kernels.conduction import conduction_sums, conduction_sums_numpy
from tlsmc.analytic.closed_forms import conduction as cf
from tlsmc.analytic.quadrature.conduction import kappa_quadrature
from tlsmc.comparison import comparison_table
from tlsmc.config import ConfigError
from tlsmc.materials import load_material
from tlsmc.measurements.acoustic import shell_density, shell_model, shell_variates
from tlsmc.measurements.acoustic_base import shell_window
from tlsmc.measurements.conduction import branch_constants, kappa_from_sums
from tlsmc.population import sample_population
from tlsmc.rates import build_rates
from tlsmc.seeding import plan_chunks, seed_entropy
from tlsmc.spectrum import solve_spectrum
from tlsmc.units import HBAR, K_B

KAPPA = {"kind": "thermal_conductivity", "temperatures_K": [0.1, 1.0]}
MAT = load_material({"preset": "vitreous_silica"})
BR = branch_constants(MAT)


def _table(base_table, n=65536, **changes):
    t = copy.deepcopy(base_table)
    t["run"]["n_tls"] = n
    t["population"]["J0"]["J_min"] = 0.0
    t["population"]["delta_max_K"] = 400.0
    t["measurement"] = [dict(KAPPA, **changes)]
    return t


@pytest.mark.parametrize("changes, message", [
    ({"boundary_length_m": -1}, "scenario.measurement[0].boundary_length_m must be > 0 m (got -1)"),
    ({"boundary_length_m": 1e-3, "rayleigh_A_s4_per_m": -1e-44},
     "scenario.measurement[0].rayleigh_A_s4_per_m must be > 0 m^-1 s^4 (got -1e-44)"),
    ({"rayleigh_A_s4_per_m": 1e-44}, "scenario.measurement[0].boundary_length_m is required"),
    ({"x_max": 5.0}, "scenario.measurement[0].x_max must be >= 10"),
    ({"x_min": 0.0}, "scenario.measurement[0].x_min must be > 0"),
    ({"nodes_per_panel": 1}, "scenario.measurement[0].nodes_per_panel must be >= 2"),
    ({"tls_parts": ["none"]}, "scenario.measurement[0].boundary_length_m is required when"),
    ({"tls_parts": ["resonant", "none"]}, "scenario.measurement[0].tls_parts: 'none' excludes"),
    ({"temperatures_K": [0.1, -1.0]}, "scenario.measurement[0].temperatures_K[1] must be > 0 K"),
])
def test_bad_input_rejected_by_name(base_table, changes, message):
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(_table(base_table, **changes))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_kernel_matches_numpy_and_shell_density(base_table):
    sc = tlsmc.parse_scenario(_table(base_table))
    sh = shell_model(sc)
    rng = np.random.default_rng(5)
    n, nk, B = 4000, 7, 3
    delta = 10 ** rng.uniform(-4, 2.5, n)
    s = shell_variates(sh, delta)
    E, wD2 = rng.random(n) * 3, rng.random(n) * 1e20
    K = 10 ** rng.uniform(-5, 12, n)
    K[:3] = 0.0
    batch = np.sort(rng.integers(0, B, n))
    En = np.geomspace(1e-3, 300.0, nk)
    om = En * 1.3e11
    xk = np.array([sh.P_bar_per_J_m3 * shell_window(sh, e)[1] / n for e in En])
    args = (E, wD2, K, batch, 0.7, xk, om, True)
    S1, Q1, S2, Q2 = np.zeros((B, nk, 2)), np.zeros((nk, 3)), np.zeros((B, nk, 2)), np.zeros((nk, 3))
    conduction_sums(*args, S1, Q1)
    conduction_sums_numpy(*args, S2, Q2)
    np.testing.assert_allclose(S1, S2, rtol=1e-12)
    np.testing.assert_allclose(Q1, Q2, rtol=1e-12)
    ref = np.array([shell_density(sh, s, e).mean() for e in En])   # the acoustic estimator
    np.testing.assert_allclose(S1[:, :, 0].sum(0), ref, rtol=1e-12)


def test_T2_prefactor_from_quadrature():
    """Resonant scattering only, ñ = P̄: κ/T² = ρk³/(6πħ²P̄) Σ v/γ² to 1e-6 (here ~2e-10)."""
    trip = [(m, g, v) for _, m, g, _, v in BR]
    for T in (0.01, 0.3, 7.0):
        q = kappa_quadrature(T, BR, P_bar=MAT.P_bar_per_J_m3)["all"]
        assert q == pytest.approx(cf.kappa_T2(T, MAT.density_kg_m3, MAT.P_bar_per_J_m3, trip),
                                  rel=1e-6, abs=0)
    # break it: a factor 2 in P̄ must show
    assert kappa_quadrature(1.0, BR, P_bar=2 * MAT.P_bar_per_J_m3)["all"] == pytest.approx(
        0.5 * cf.kappa_T2(1.0, MAT.density_kg_m3, MAT.P_bar_per_J_m3, trip), rel=1e-6, abs=0)


def test_boundary_and_rayleigh_limits():
    pairs = [(m, v) for _, m, _, _, v in BR]
    for T in (0.1, 3.0):
        q = kappa_quadrature(T, BR, parts=(), l_b=1e-2)["all"]
        assert q == pytest.approx(cf.kappa_boundary(T, 1e-2, pairs), rel=1e-9, abs=0)
    for T, A in ((1.0, 1e-32), (10.0, 1e-30)):
        assert cf.rayleigh_regime(T, A, 1e-3)
        q = kappa_quadrature(T, BR, parts=(), l_b=1e-3, A=A)["all"]
        assert q == pytest.approx(cf.kappa_rayleigh_boundary(T, A, 1e-3, pairs), rel=3e-6, abs=0)


def test_mc_resonant_and_boundary_against_closed_forms(base_table):
    sc = tlsmc.parse_scenario(_table(base_table, temperatures_K=[0.05, 0.5], tls_parts=["resonant"]))
    obs = tlsmc.run(sc).observables
    k = obs[(obs.observable == "kappa") & (obs.polarization == "all")]
    trip = [(m, g, v) for _, m, g, _, v in BR]
    for T, val in zip(k.T_K, k.value):
        assert val == pytest.approx(cf.kappa_T2(T, MAT.density_kg_m3, MAT.P_bar_per_J_m3, trip),
                                    rel=1e-5, abs=0)
    sc = tlsmc.parse_scenario(_table(base_table, n=1024, tls_parts=["none"], boundary_length_m=1e-3))
    obs = tlsmc.run(sc).observables
    k = obs[(obs.observable == "kappa") & (obs.polarization == "all")]
    for T, val in zip(k.T_K, k.value):
        assert val == pytest.approx(cf.kappa_boundary(T, 1e-3, [(m, v) for _, m, _, _, v in BR]),
                                    rel=1e-5, abs=0)   # the GL grid (NUMERICAL_RTOL)


def test_mc_against_quadrature_z(base_table):
    """Full model (resonant + relaxation + 1 mm boundary), one_phonon rates: |z| < 4."""
    sc = tlsmc.parse_scenario(_table(base_table, n=131072, temperatures_K=[3.0],
                                     boundary_length_m=1e-3))
    res = tlsmc.run(sc)
    tab, _ = comparison_table(sc, res.observables)
    assert len(tab) == 3 and np.all(tab.mc_stderr > 0)
    assert np.all(np.abs(tab.z) < 4), tab


def _accumulate(sc):
    """Drive one accumulator through the run's chunks (as the runner does)."""
    cfg = sc.run
    acc = sc.measurement[0].start(cfg.n_tls, sc)
    ent = seed_entropy(cfg.seed)
    for chunk in plan_chunks(cfg.n_tls, cfg.chunk_size):
        pop = sample_population(sc.population, sc.material, ent, chunk, cfg.n_tls)
        sp = solve_spectrum(pop, sc.material)
        acc.add(sp, pop.weight, lambda T, sp=sp: build_rates(sp, sc.material, sc.rates, T))
    return acc


def test_ratio_estimator_bias(base_table):
    """κ over B = 400 independent small runs (the batches, n = 1024 each) against κ from their
    pooled sums: the empirical bias matches the second-order delta-method estimate and, at the
    small-run size, is below 0.1 standard error of a small run; at the full size the reported
    kappa_bias is below 0.1 of the reported stderr."""
    B, n_small, T = 400, 1024, 5.0
    sc = tlsmc.parse_scenario(_table(base_table, n=B * n_small, temperatures_K=[T],
                                     boundary_length_m=1e-3, batches=B))
    sc = sc.with_run(chunk_size=65536)
    acc = _accumulate(sc)
    pooled = acc.S[0].sum(0)
    k_pool = acc._kappa(T, pooled)[0]
    k_pool = sum(k_pool.values())
    small = np.array([sum(acc._kappa(T, acc.S[0][b] * B)[0].values()) for b in range(B)])
    bias_emp = small.mean() - k_pool
    sigma_small = small.std(ddof=1)
    rows = acc.rows()
    kap = next(r for r in rows if r["observable"] == "kappa" and r["polarization"] == "all")
    bias_N = next(r for r in rows if r["observable"] == "kappa_bias")["value"]
    bias_small_pred = bias_N * B              # O(1/n)
    print(f"bias_emp={bias_emp:.3e} pred={bias_small_pred:.3e} sigma_small={sigma_small:.3e} "
          f"sigma_mean={sigma_small / math.sqrt(B):.3e} N: bias={bias_N:.3e} "
          f"stderr={kap['stderr']:.3e}")
    assert abs(bias_emp) < 0.1 * sigma_small
    assert abs(bias_emp - bias_small_pred) < 4 * sigma_small / math.sqrt(B)
    assert abs(bias_N) < 0.1 * kap["stderr"]
    # the jackknife error agrees with the spread of the small runs, scaled to N
    assert kap["stderr"] == pytest.approx(sigma_small / math.sqrt(B), rel=0.25, abs=0)


def test_inverse_mfp_rows(base_table):
    """inverse_mfp rows: total = resonant + relaxation + 1/l_b; resonant = πωγ²P̄ tanh/(ρv³)."""
    sc = tlsmc.parse_scenario(_table(base_table, n=65536, temperatures_K=[0.5],
                                     boundary_length_m=1e-3, mfp_rows=True))
    o = tlsmc.run(sc).observables
    d = o[o.observable == "inverse_mfp"].pivot_table(index=["polarization", "f_Hz"],
                                                     columns="part", values="value")
    np.testing.assert_allclose(d.total, d.resonant + d.relaxation + 1e3, rtol=1e-12)
    g, rho, v = BR[0][2], BR[0][3], BR[0][4]
    dl = d.loc["l"]
    om = 2 * np.pi * dl.index.values
    x = HBAR * om / (K_B * 0.5)
    ref = np.pi * om * g * g / (rho * v**3) * MAT.P_bar_per_J_m3 * np.tanh(x / 2)
    np.testing.assert_allclose(dl.resonant.values, ref, rtol=1e-6)


def test_debye_cutoff_boundary_limits(base_table):
    """Boundary-only κ with a Debye cut-off: MC (deterministic here) = quadrature = closed form
    (Debye function D₄) at every T; T ≪ Θ_D gives the uncut law, T ≫ Θ_D the equipartition law
    κ → (1/3) Σ m n k_B v l_b with n = k_D³/(6π²) per branch ('common_k': one k_D for all)."""
    theta, l_b = MAT.theta_D_K, 1e-3
    Ts = [0.5, 0.3 * theta, theta, 25 * theta]
    v_d = (3 / sum(m / v**3 for _, m, _, _, v in BR)) ** (1 / 3)       # Debye mean velocity
    k_d = K_B * theta / (HBAR * v_d)
    for mode, cuts in (("common_k", {p: v * k_d for p, _, _, _, v in BR}),
                       ("common_omega", {p: K_B * theta / HBAR for p, *_ in BR})):
        sc = tlsmc.parse_scenario(_table(base_table, n=256, tls_parts=["none"], temperatures_K=Ts,
                                         boundary_length_m=l_b, debye_cutoff=mode))
        res = tlsmc.run(sc)
        tab, _ = comparison_table(sc, res.observables)
        tab = tab[tab.polarization == "all"].sort_values("T_K")
        closed = [cf.kappa_boundary_debye(T, l_b, [(m, v, cuts[p]) for p, m, _, _, v in BR])
                  for T in Ts]
        np.testing.assert_allclose(tab.closed_form, closed, rtol=1e-12)
        np.testing.assert_allclose(tab.mc, closed, rtol=1e-5)       # the GL grid
        np.testing.assert_allclose(tab.exact, closed, rtol=1e-8)
        # T ≪ Θ_D: no cut-off visible
        assert closed[0] == pytest.approx(cf.kappa_boundary(Ts[0], l_b, [(m, v) for _, m, _, _, v
                                                                        in BR]), rel=1e-12)
        # T ≫ Θ_D: equipartition, C_α = k_B k_D,α³/(6π²) (1 − y²/20 + ...)
        classical = sum(m * K_B * (cuts[p] / v) ** 3 / (6 * np.pi**2) * v * l_b / 3
                        for p, m, _, _, v in BR)
        assert closed[-1] == pytest.approx(classical, rel=1e-3)
        if mode == "common_k":            # 3 n k_B in all: the Debye heat capacity's limit
            n = k_d**3 / (6 * np.pi**2)
            assert classical == pytest.approx(n * K_B * l_b / 3 * sum(m * v for _, m, _, _, v in BR))
    # mutation guard: without the cut-off the high-T κ is far off
    sc = tlsmc.parse_scenario(_table(base_table, n=256, tls_parts=["none"], temperatures_K=Ts,
                                     boundary_length_m=l_b))
    k = tlsmc.run(sc).observables
    k = k[(k.observable == "kappa") & (k.polarization == "all")].sort_values("T_K").value.values
    assert k[-1] > 100 * closed[-1]


def test_debye_cutoff_rejected_by_name(base_table):
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(_table(base_table, debye_cutoff="per_atom"))
    assert "scenario.measurement[0].debye_cutoff" in str(exc.value)
