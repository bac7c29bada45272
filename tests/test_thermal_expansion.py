"""Thermal expansion measurement: kernel, limits, antithetic units, symmetries, bad input.

Physics checks (GGP 1985, PHYSICS §3, §6, §9): the single-TLS limit is d/dT of −D n_eq/B;
t -> ∞ is GGP eq. 1.5 on the same population; the tunneling model with γ of random sign
gives α = 0; α flips with c; flipping every t̃ of a soft population leaves α unchanged
(mirror pairs), the pair-odd part of D drops out at t -> ∞ and whenever partners relax
alike — and mirror partners do *not* relax alike (finite-difference check of the rates).
"""
from __future__ import annotations

import dataclasses
import math

import numba
import numpy as np
import pytest

import tlsmc
from tlsmc._kernels.expansion import unit_moments
from tlsmc.analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from tlsmc.config import ConfigError
from tlsmc.materials import load_material, with_fields
from tlsmc.measurements.expansion import ThermalExpansion, dilatation_coupling_K
from tlsmc.rates import build_rates
from tlsmc.rates.activated import Activated
from tlsmc.rates.one_phonon import OnePhonon
from tlsmc.population.soft import SoftPotentialModel
from tlsmc.spectrum.soft_solver import solve_soft
from tlsmc.spectrum import TwoLevelSpectrum, solve_spectrum
from tlsmc.dynamics.occupations import n_eq, occupation_and_derivative
from tlsmc.units import K_B

SOFT_MAT = with_fields(load_material({"preset": "soft_glass"}), soft_chi=4.0, soft_c=6.0)
SOFT_MODEL = SoftPotentialModel(E_max_K=3.0, depth_max=16.0, type2_ratio=0.0, antithetic=True,
                                energy_knee_K=0.01)
CHANNELS = (OnePhonon(), Activated())
N_SOFT = 16384


def _table(population: dict, material: dict, n: int = 131072, **meas) -> dict:
    m = {"kind": "thermal_expansion", "temperatures_K": [0.3],
         "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 5}}
    m.update(meas)
    return {"run": {"name": "te", "n_tls": n, "seed": 5, "chunk_size": 65536},
            "material": material, "population": population,
            "rates": [{"kind": "one_phonon"}], "measurement": [m],
            "comparison": {"analytic": False}}


TUNNELING = {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
             "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 20.0}}


def _reference(G, K, unit, times):
    G = np.atleast_2d(G)
    n_s, n = G.shape
    idx = np.arange(n) // unit
    s1 = np.zeros((n_s, len(times)))
    s2 = np.zeros((n_s, n_s, len(times)))
    for k, t in enumerate(times):
        F = np.ones(n) if np.isinf(t) else -np.expm1(-K * t)
        X = np.stack([np.bincount(idx, weights=g * F) for g in G])
        s1[:, k], s2[:, :, k] = X.sum(axis=1), X @ X.T
    return s1, s2


@pytest.mark.parametrize("unit,n", [(1, 1001), (2, 1000), (2, 1001), (4, 1003)])
def test_unit_moments_against_numpy(unit, n):
    rng = np.random.default_rng(unit + n)
    G = rng.normal(size=(2, n))
    K = 10.0 ** rng.uniform(-8, 8, n)
    K[:5] = 0.0
    times = np.array([1e-9, 1e-3, 1.0, 1e7, np.inf])
    s1, s2 = np.zeros((2, 5)), np.zeros((2, 2, 5))
    unit_moments(G, K, unit, times, s1, s2)
    r1, r2 = _reference(G, K, unit, times)
    np.testing.assert_allclose(s1, r1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s2, r2, rtol=1e-12, atol=1e-12)


def test_unit_moments_thread_count_independent():
    rng = np.random.default_rng(3)
    G, K = rng.normal(size=(2, 5000)), 10.0 ** rng.uniform(-5, 5, 5000)
    times = np.geomspace(1e-6, 1e6, 13)
    out = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        s1, s2 = np.zeros((2, 13)), np.zeros((2, 2, 13))
        unit_moments(G, K, 2, times, s1, s2)
        out.append((s1, s2))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert np.array_equal(out[0][0], out[1][0]) and np.array_equal(out[0][1], out[1][1])


# ----------------------------------------------------------------------------- limits
def _accumulate(cfg: ThermalExpansion, scenario, spectrum, weight, n_total=None):
    acc = cfg.start(n_total or len(weight), scenario)
    cache = {}

    def rates_at(T):
        if T not in cache:
            cache[T] = build_rates(spectrum, scenario.material, scenario.rates, T)
        return cache[T]
    acc.add(spectrum, weight, rates_at)
    return {(r["observable"], r["T_K"], r["t_s"]): (r["value"], r["stderr"]) for r in acc.rows()}


def test_single_tls_limit_is_derivative_of_minus_D_neq_over_B():
    """One TLS (weight w; three of weight 0 make two units): α(T, t) =
    d/dT[−w k_B D n_eq(T)/B] (1 − e^{−Kt}), α_eq the derivative itself, ε(t) the finite
    difference of −w k_B D n_eq/B over the step, Γ = B α/C = −D/E = −∂ln E/∂ε."""
    sc = tlsmc.parse_scenario(_table(TUNNELING, {"preset": "vitreous_silica"}))
    E, delta = np.full(4, 0.5), np.full(4, 0.4)
    d0 = np.sqrt(E**2 - delta**2)
    spec = TwoLevelSpectrum(E_K=E, delta_K=delta, delta0_K=d0, M_unit=d0 / E, D_unit=2 * delta / E)
    w = np.array([3.0e20, 0.0, 0.0, 0.0])
    T, dT = 0.3, 0.003
    cfg = ThermalExpansion(temperatures_K=(T,), times=sc.measurement[0].times, step_fraction=0.01)
    rows = _accumulate(cfg, sc, spec, w)
    B = sc.material.bulk_modulus_Pa
    D = dilatation_coupling_K(sc.population, sc.material) * 2 * 0.4 / 0.5   # 2γΔ/E, K
    f = lambda TT: -w[0] * K_B * D * n_eq(0.5, TT) / B                   # noqa: E731
    h = 1e-5
    deriv = (f(T + h) - f(T - h)) / (2 * h)
    assert rows[("alpha_eq", T, math.inf)][0] == pytest.approx(deriv, rel=1e-8)
    K = build_rates(spec, sc.material, sc.rates, T).K[0]
    Kp = build_rates(spec, sc.material, sc.rates, T + dT).K[0]
    for t in cfg.output_times():
        assert rows[("alpha", T, t)][0] == pytest.approx(deriv * -math.expm1(-K * t), rel=1e-10)
        assert rows[("strain", T, t)][0] == pytest.approx(
            (f(T + dT) - f(T)) * -math.expm1(-Kp * t), rel=1e-10)
        assert rows[("Gamma", T, t)][0] == pytest.approx(-D / 0.5, rel=1e-10)  # −∂ln E/∂ε
    assert deriv < 0            # D > 0: heating populates the level that prefers compression


def test_equilibrium_is_eq_1_5_on_the_same_population():
    """t -> ∞ (alpha_eq) equals GGP eq. 1.5 evaluated directly on the sampled population, and
    α(t) reaches it once every TLS has relaxed (J0 <= 20: all rates > 1e-6 s^-1)."""
    table = _table(TUNNELING, {"preset": "vitreous_silica"}, n=65536,
                   times={"start_s": 1e-6, "stop_s": 1e12, "num": 4})
    sc = tlsmc.parse_scenario(table)
    from tlsmc.population import sample_population
    from tlsmc.seeding import Chunk, seed_entropy
    pop = sample_population(sc.population, sc.material, seed_entropy(5), Chunk(0, 0, 65536), 65536)
    spec = solve_spectrum(pop, sc.material)
    rows = _accumulate(sc.measurement[0], sc, spec, pop.weight)
    D = dilatation_coupling_K(sc.population, sc.material) * spec.D_unit
    eq15 = ggp_thermo.thermal_expansion_eq15(spec.E_K, D, pop.weight, 0.3, sc.material.bulk_modulus_Pa)
    scale = ggp_thermo.thermal_expansion_eq15(spec.E_K, np.abs(D), pop.weight, 0.3,
                                           sc.material.bulk_modulus_Pa)
    assert rows[("alpha_eq", 0.3, math.inf)][0] == pytest.approx(eq15, abs=1e-12 * abs(scale))
    assert rows[("alpha", 0.3, 1e12)][0] == pytest.approx(eq15, abs=1e-12 * abs(scale))
    # same via tlsmc.run (the pipeline path)
    df = tlsmc.run(sc).to_dataframe()
    got = df[(df.observable == "alpha_eq")].value.iloc[0]
    assert got == pytest.approx(eq15, abs=1e-12 * abs(scale))


def test_tunneling_alpha_averages_to_zero():
    """STM with γ = ±|γ| at random: α, ε and Γ are consistent with 0 (|z| < 4); with every
    sign forced to + the same samples give a clearly nonzero α (the test has power)."""
    sc = tlsmc.parse_scenario(_table(TUNNELING, {"preset": "vitreous_silica"}, n=131072))
    df = tlsmc.run(sc).to_dataframe()
    te = df[df.observable.isin(["alpha", "strain", "Gamma", "alpha_eq"])]
    assert len(te) == 16
    assert np.all(np.abs(te.value / te.stderr) < 4.0)
    from tlsmc.population import sample_population
    from tlsmc.seeding import Chunk, seed_entropy
    pop = sample_population(sc.population, sc.material, seed_entropy(5), Chunk(0, 0, 65536), 65536)
    assert abs(pop.gamma_sign.mean()) < 4.0 / math.sqrt(65536)
    assert set(np.unique(pop.gamma_sign)) == {-1.0, 1.0}
    import dataclasses
    plus = dataclasses.replace(pop, gamma_sign=np.ones(65536))
    rows = _accumulate(sc.measurement[0], sc, solve_spectrum(plus, sc.material), plus.weight)
    value, err = rows[("alpha_eq", 0.3, math.inf)]
    assert value < 0 and abs(value / err) > 10


def test_standard_error_matches_replica_scatter():
    """The unit (pair) standard error of α equals the scatter of independent replicas."""
    vals, errs = [], []
    for seed in range(16):
        table = _table(TUNNELING, {"preset": "vitreous_silica"}, n=8192)
        table["run"]["seed"] = 100 + seed
        df = tlsmc.run(tlsmc.parse_scenario(table)).to_dataframe()
        row = df[(df.observable == "alpha") & np.isclose(df.t_s, 0.1)]
        vals.append(row.value.iloc[0])
        errs.append(row.stderr.iloc[0])
    ratio = np.std(vals, ddof=1) / np.sqrt(np.mean(np.square(errs)))
    assert 0.6 < ratio < 1.5


def test_chunk_size_does_not_change_numbers():
    table = _table(TUNNELING, {"preset": "vitreous_silica"}, n=262144)
    a = tlsmc.run(tlsmc.parse_scenario(table)).to_dataframe()
    table["run"]["chunk_size"] = 131072
    b = tlsmc.run(tlsmc.parse_scenario(table)).to_dataframe()
    np.testing.assert_allclose(a.value, b.value, rtol=1e-11, atol=0)
    np.testing.assert_allclose(a.stderr, b.stderr, rtol=1e-9, atol=0)


# ----------------------------------------------------------------------------- soft symmetries
@pytest.fixture(scope="module")
def soft_population():
    pop = SOFT_MODEL.sample(SOFT_MAT, np.random.default_rng(1985), N_SOFT, N_SOFT)
    return pop, solve_spectrum(pop, SOFT_MAT)


def _soft_scenario(material=SOFT_MAT):
    table = {"run": {"name": "soft", "n_tls": N_SOFT, "seed": 1},
             "material": {"preset": "soft_glass", "soft_chi": material.soft_chi,
                          "soft_c": material.soft_c},
             "population": {"model": "soft", "E_max_K": SOFT_MODEL.E_max_K,
                            "depth_max": SOFT_MODEL.depth_max, "type2_ratio": 0.0,
                            "energy_knee_K": SOFT_MODEL.energy_knee_K, "antithetic": True},
             "rates": [{"kind": "one_phonon"}, {"kind": "activated"}],
             "measurement": [{"kind": "thermal_expansion", "temperatures_K": [0.1, 0.3],
                              "times": {"start_s": 1e-8, "stop_s": 1e4, "num": 7}}],
             "comparison": {"analytic": False}}
    return tlsmc.parse_scenario(table)


def test_soft_equilibrium_is_eq_1_5(soft_population):
    pop, spec = soft_population
    sc = _soft_scenario()
    rows = _accumulate(sc.measurement[0], sc, spec, pop.weight)
    D = SOFT_MAT.W_K * SOFT_MAT.soft_c / SOFT_MAT.eta_L * spec.D_unit
    for T in (0.1, 0.3):
        eq15 = ggp_thermo.thermal_expansion_eq15(spec.E_K, D, pop.weight, T, SOFT_MAT.bulk_modulus_Pa)
        scale = ggp_thermo.thermal_expansion_eq15(spec.E_K, np.abs(D), pop.weight, T,
                                               SOFT_MAT.bulk_modulus_Pa)
        assert rows[("alpha_eq", T, math.inf)][0] == pytest.approx(eq15, abs=1e-11 * abs(scale))
        assert abs(eq15) < 1e-3 * abs(scale)     # a small remainder of a large odd sum


def test_pair_errors_match_replica_scatter(soft_population):
    """Soft population: the standard error over mirror pairs agrees with the scatter of 8
    disjoint sub-populations; a per-sample error (unit 1) would be wrong by orders of
    magnitude, because the odd parts of D cancel only inside a pair."""
    pop, spec = soft_population
    sc = _soft_scenario()
    m = 8
    size = N_SOFT // m
    t2 = sc.measurement[0].output_times()[3]            # 1e-2 s
    vals, errs = [], []
    for k in range(m):
        sl = slice(k * size, (k + 1) * size)
        sub = type(spec)(**{f: getattr(spec, f)[sl] for f in spec.__dataclass_fields__})
        rows = _accumulate(sc.measurement[0], sc, sub, pop.weight[sl] * m)
        vals.append(rows[("alpha", 0.3, t2)][0])
        errs.append(rows[("alpha", 0.3, t2)][1])
    ratio = np.std(vals, ddof=1) / np.sqrt(np.mean(np.square(errs)))
    assert 0.45 < ratio < 1.8
    acc = sc.measurement[0].start(N_SOFT, sc)
    acc.unit, acc.n_units = 1, N_SOFT
    acc.add(spec, pop.weight, lambda T: build_rates(spec, SOFT_MAT, CHANNELS, T))
    per_sample = {(r["observable"], r["t_s"]): r["stderr"] for r in acc.rows() if r["T_K"] == 0.3}
    paired = _accumulate(sc.measurement[0], sc, spec, pop.weight)
    assert per_sample[("alpha", t2)] > 10 * paired[("alpha", 0.3, t2)][1]


def test_alpha_flips_with_c(soft_population):
    pop, spec = soft_population
    plus = _accumulate(_soft_scenario().measurement[0], _soft_scenario(), spec, pop.weight)
    neg = _soft_scenario(with_fields(SOFT_MAT, soft_c=-6.0))
    minus = _accumulate(neg.measurement[0], neg, spec, pop.weight)
    for key, (v, e) in plus.items():
        if key[0] in ("alpha", "alpha_eq", "strain", "Gamma", "Gamma_eq"):
            assert minus[key][0] == pytest.approx(-v, rel=1e-12, abs=1e-300)
            assert minus[key][1] == pytest.approx(e, rel=1e-9)


def test_flipping_every_t_leaves_alpha_unchanged(soft_population):
    """Re-solve every potential at −t̃: single-sample α contributions change sign (the odd D),
    the pair-summed α does not (antithetic pairs, PHYSICS §9)."""
    pop, spec = soft_population
    flipped = SOFT_MODEL.solve(SOFT_MAT, pop.eta, -pop.t, pop.eta_b, -pop.t_b,
                               np.where(pop.counted, pop.weight, 0.0))
    fspec = solve_spectrum(flipped, SOFT_MAT)
    sc = _soft_scenario()
    a = _accumulate(sc.measurement[0], sc, spec, pop.weight)
    b = _accumulate(sc.measurement[0], sc, fspec, flipped.weight)
    for key, (v, e) in a.items():
        if key[0] in ("alpha", "alpha_eq"):
            assert b[key][0] == pytest.approx(v, rel=1e-6, abs=1e-3 * e)
    _, dndT = occupation_and_derivative(spec.E_K, 0.3)
    g, gf = pop.weight * spec.D_unit * dndT, flipped.weight * fspec.D_unit * dndT
    counted = pop.weight > 0
    assert np.mean(np.sign(g[counted]) == -np.sign(gf[counted])) > 0.9     # odd per sample
    assert np.median(np.abs(g + gf)[counted] / np.abs(g)[counted]) < 0.05


def test_only_the_pair_even_part_of_D_survives_symmetric_relaxation(soft_population):
    """With D replaced by its pair-even part α is unchanged (a) at t -> ∞ and (b) at every t
    once the partners are given their pair-mean rate; with the true rates it is not."""
    pop, spec = soft_population
    K = build_rates(spec, SOFT_MAT, CHANNELS, 0.3).K
    _, dndT = occupation_and_derivative(spec.E_K, 0.3)
    g = pop.weight * spec.D_unit * dndT
    g_even = np.repeat(0.5 * (g[0::2] + g[1::2]), 2)
    K_mean = np.repeat(0.5 * (K[0::2] + K[1::2]), 2)
    times = np.array([1e-6, 1e-2, 1.0, 1e2, np.inf])

    def alpha(gg, KK):
        s1, s2 = np.zeros((1, 5)), np.zeros((1, 1, 5))
        unit_moments(np.ascontiguousarray(gg[None, :]), KK, 2, times, s1, s2)
        return s1[0]
    scale = np.sum(np.abs(g))
    np.testing.assert_allclose(alpha(g, K)[-1], alpha(g_even, K)[-1], atol=1e-13 * scale)
    np.testing.assert_allclose(alpha(g, K_mean), alpha(g_even, K_mean), atol=1e-13 * scale)
    true, even = alpha(g, K)[:-1], alpha(g_even, K)[:-1]
    assert np.max(np.abs(true - even)) > 0.1 * np.max(np.abs(even))


@pytest.mark.parametrize("eta,t", [(-10.8, 1.3e-3), (-8.0, 1e-2)])
def test_mirror_partners_relax_at_different_rates(eta, t):
    """|M| of both partners (η̃, ±t̃) from the solver equals the 2x2 result
    (Δ0 ∂Δ − Δ ∂Δ0)/2E with ∂Δ, ∂Δ0 by finite differences of the strained bare potential
    (GGP eqs. 3.3–3.4); the partners' |M| differ (interference of the asymmetry and tunnelling
    couplings), and for c > 0 the faster one has D < 0."""
    chi, h = 4.0, 1e-5
    res = []
    for tt in (t, -t):
        sp = solve_soft(eta, tt, chi=chi)
        dl = float(sp.delta_shift)
        eta0, t0 = eta - 3 * tt * dl + 6 * dl * dl, tt - 4 * dl      # bare parameters, eq. 3.4

        def renormalised(e0):
            # follow δ from χ = 0 (V0'(d) = 0 of the bare χy + e0 y² + t0 y³ + y⁴)
            d = 0.0
            for c in np.linspace(0.0, chi, 401)[1:]:
                for _ in range(30):
                    d -= (c + 2 * e0 * d + 3 * t0 * d * d + 4 * d**3) / (2 * e0 + 6 * t0 * d + 12 * d * d)
            return e0 + 3 * t0 * d + 6 * d * d, t0 + 4 * d
        q = [solve_soft(*renormalised(eta0 + s * h), chi=chi) for s in (-1.0, 1.0)]
        dD = (float(q[1].delta) - float(q[0].delta)) / (2 * h)
        dD0 = (float(q[1].delta0) - float(q[0].delta0)) / (2 * h)
        dE = (float(q[1].E) - float(q[0].E)) / (2 * h)
        E, De, D0 = float(sp.E), float(sp.delta), float(sp.delta0)
        assert float(sp.D_over_c) == pytest.approx(dE, rel=1e-5)
        assert abs(float(sp.M_over_c)) == pytest.approx(abs(D0 * dD - De * dD0) / (2 * E), rel=2e-3)
        res.append((abs(float(sp.M_over_c)), float(sp.D_over_c)))
    (m1, d1), (m2, d2) = res
    assert abs(m1 / m2 - 1) > 0.05
    assert (d1 if m1 > m2 else d2) < 0


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("B", [0.0, -3.0e10])
def test_bad_bulk_modulus_rejected_by_name(B):
    table = _table(TUNNELING, {"preset": "vitreous_silica", "bulk_modulus_Pa": B})
    with pytest.raises(ConfigError, match=r"material\.bulk_modulus_Pa must be > 0"):
        tlsmc.parse_scenario(table)
    mat = with_fields(load_material({"preset": "vitreous_silica"}), bulk_modulus_Pa=B)
    sc = tlsmc.parse_scenario(_table(TUNNELING, {"preset": "vitreous_silica"}))
    import dataclasses
    with pytest.raises(ConfigError, match="bulk_modulus_Pa"):
        sc.measurement[0].start(10, dataclasses.replace(sc, material=mat))


def test_missing_bulk_modulus_named_before_anything_runs():
    table = _table(TUNNELING, {"preset": "tf1982", "v_l_m_s": 5800.0, "v_t_m_s": 3750.0,
                               "gamma_l_eV": 1.0, "gamma_t_eV": 0.6, "density_kg_m3": 2200.0})
    with pytest.raises(ConfigError, match=r"material\.bulk_modulus_Pa is required by measurement "
                                          r"thermal_expansion"):
        tlsmc.run(tlsmc.parse_scenario(table))


@pytest.mark.parametrize("field,value,match", [
    ("observables", ["alpha", "beta"], "observables.*must be one of"),
    ("extra_times_s", [60.0, -1.0], r"extra_times_s\[1\] must be > 0"),
    ("temperatures_K", [0.3, 0.0], r"temperatures_K\[1\] must be > 0"),
    ("gamma_eV", 0.0, r"gamma_eV must be > 0"),
])
def test_bad_measurement_fields(field, value, match):
    table = _table(TUNNELING, {"preset": "vitreous_silica"})
    table["measurement"][0][field] = value
    with pytest.raises(ConfigError, match=match):
        tlsmc.parse_scenario(table)


# ----------------------------------------------------------------------------- partners
def test_partner_mean_coupling_is_rms_over_groups_without_nan():
    from tlsmc.population.soft import partner_mean_coupling
    M = np.array([3.0, -4.0, 1.0, np.nan, 2.0, 2.0, np.nan, np.nan])
    groups = np.array([7, 7, 2, 2, 5, 5, 9, 9])
    out = partner_mean_coupling(M, groups)
    np.testing.assert_allclose(out[:6], [np.sqrt(12.5)] * 2 + [1.0] * 2 + [2.0] * 2, rtol=1e-15)
    assert np.all(np.isnan(out[6:]))


def test_partner_mean_needs_antithetic_units():
    table = _table({"model": "soft", "E_max_K": 3.0, "depth_max": 16.0,
                    "rate_coupling": "partner_mean"}, {"preset": "soft_glass"})
    with pytest.raises(ConfigError, match=r"population\.rate_coupling = \"partner_mean\" needs "
                                          r"\S*population\.antithetic = true"):
        tlsmc.parse_scenario(table)
    table["population"]["rate_coupling"] = "fastest"
    with pytest.raises(ConfigError, match=r"population\.rate_coupling must be one of"):
        tlsmc.parse_scenario(table)


QUARTET_MODEL = SoftPotentialModel(E_max_K=3.0, depth_max=16.0, type2_ratio=0.5, antithetic=True,
                                   energy_knee_K=0.01, rate_coupling="partner_mean")


@pytest.fixture(scope="module")
def quartet_population():
    pop = QUARTET_MODEL.sample(SOFT_MAT, np.random.default_rng(2026), N_SOFT, N_SOFT)
    return pop, solve_spectrum(pop, SOFT_MAT)


def test_type2_units_are_quartets_that_cancel_the_R_odd_deformation_potential(quartet_population):
    """Units of 4: a type-2 unit is one double well with the origin in either minimum, each
    with its mirror (same spectrum); its D sums to a small remainder of Σ|D| (the R̃-odd term,
    GGP eq. 4.11, cancels), which a mirror pair alone does not achieve."""
    pop, spec = quartet_population
    assert QUARTET_MODEL.antithetic_unit == 4 and SOFT_MODEL.antithetic_unit == 2
    kind = pop.kind.reshape(-1, 4)
    full = pop.counted.reshape(-1, 4).all(axis=1)
    t2 = full & (kind == 2).all(axis=1)
    t1 = full & (kind == 1).all(axis=1)
    assert t2.sum() > 100 and t1.sum() > 100
    assert not ((kind == 1).any(axis=1) & (kind == 2).any(axis=1)).any()   # one type per unit
    E = pop.E.reshape(-1, 4)[t2]
    np.testing.assert_allclose(E, E[:, :1].repeat(4, axis=1), rtol=1e-8)
    eb, tb = pop.eta_b.reshape(-1, 4)[t2], pop.t_b.reshape(-1, 4)[t2]
    np.testing.assert_array_equal(eb, eb[:, :1].repeat(4, axis=1))
    np.testing.assert_array_equal(tb, tb[:, [0]] * np.array([1.0, -1.0, 1.0, -1.0]))
    assert np.all(pop.eta.reshape(-1, 4)[t2][:, 0] != pop.eta.reshape(-1, 4)[t2][:, 2])
    D = pop.D_over_c.reshape(-1, 4)[t2]
    quartet = np.abs(D.sum(axis=1)) / np.abs(D).sum(axis=1)
    pair = np.abs(D[:, :2].sum(axis=1)) / np.abs(D[:, :2]).sum(axis=1)
    assert np.median(quartet) < 1e-3 < 0.1 < np.median(pair)


def test_partner_mean_rates_leave_only_the_even_part_of_D(quartet_population):
    """GGP's rates (partner mean): every member of a pair/quartet relaxes at one rate, so α
    at every t is unchanged when D is replaced by its mirror-pair mean (the t̃-even part);
    with the exact coupling of the same samples it is not (the partners' rates differ)."""
    pop, spec = quartet_population
    times = np.array([1e-6, 1e-2, 1.0, 1e2, np.inf])
    _, dndT = occupation_and_derivative(spec.E_K, 0.3)
    g = pop.weight * spec.D_unit * dndT
    g_even = np.repeat(0.5 * (g[0::2] + g[1::2]), 2)
    scale = np.sum(np.abs(g))

    def alpha(gg, KK):
        s1, s2 = np.zeros((1, 5)), np.zeros((1, 1, 5))
        unit_moments(np.ascontiguousarray(gg[None, :]), KK, 4, times, s1, s2)
        return s1[0]
    K = build_rates(spec, SOFT_MAT, CHANNELS, 0.3).K
    counted = pop.counted.reshape(-1, 2).all(axis=1)
    Kp = K.reshape(-1, 2)[counted]
    np.testing.assert_allclose(Kp[:, 0], Kp[:, 1], rtol=1e-8)     # E of partners: ~1e-10
    even_scale = np.max(np.abs(alpha(g_even, K)))
    assert even_scale > 1e-4 * scale          # the even part is a small remainder, but resolved
    np.testing.assert_allclose(alpha(g, K), alpha(g_even, K), rtol=0, atol=1e-5 * even_scale)
    exact = dataclasses.replace(pop, M_rate_over_c=pop.M_over_c)
    K_ex = build_rates(solve_spectrum(exact, SOFT_MAT), SOFT_MAT, CHANNELS, 0.3).K
    true, even = alpha(g, K_ex)[:-1], alpha(g_even, K_ex)[:-1]
    assert np.max(np.abs(true - even)) > 0.1 * np.max(np.abs(even))
    assert np.all(alpha(g, K)[:-1] > 0)   # Σ w D ∂n/∂T F > 0: α = −(k_B/B)·that < 0, GGP's sign
