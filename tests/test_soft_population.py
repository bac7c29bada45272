"""Soft-potential populations: unbiased weights, antithetic pairs, spectra, rates, bad input."""
from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.materials import load_material
from tlsmc.population import sample_population
from tlsmc.rates import build_rates
from tlsmc.rates.activated import Activated
from tlsmc.rates.one_phonon import OnePhonon
from tlsmc.seeding import SEED_BLOCK, Chunk, seed_entropy
from tlsmc.population.soft import (GaussianShape, SoftPotentialModel, TableShape, barrier_top,
                                   proposal_table, to_type2_frame)
from tlsmc.spectrum.soft_solver import TYPE1, TYPE2, solve_soft
from tlsmc.spectrum import SoftTwoLevelSpectrum, solve_spectrum
from tlsmc.units import EV, HBAR, K_B, PI

MAT = load_material({"preset": "soft_glass"})
W = MAT.W_K

SOFT = {
    "run": {"name": "soft", "n_tls": 65536, "seed": 11, "chunk_size": 65536},
    "material": {"preset": "soft_glass"},
    "population": {"model": "soft", "E_max_K": 2.0, "depth_max": 10.0, "antithetic": True},
    "rates": [{"kind": "one_phonon"}, {"kind": "activated"}],
    "measurement": [{"kind": "heat_capacity", "temperatures_K": [0.1, 0.3], "step_fraction": 0.01,
                     "observables": ["C", "C_eq"],
                     "times": {"start_s": 1e-8, "stop_s": 1e4, "num": 7}}],
    "comparison": {"analytic": False},
}


# ----------------------------------------------------------------------------- unbiased weights
def _brute_force(model, region, n, rng):
    """Uniform samples of a bounded region of the (η̃, t̃) plane, with weights per m³."""
    kind, a, b, c, d = region
    x, y = rng.uniform(a, b, n), rng.uniform(c, d, n)
    if kind == TYPE1:                                   # box η̃ in [a, b], t̃ in [c, d]
        eta, t = x, y
    else:                                               # band t̃ in [a, b], R̃ = η̃ − t̃²/4 in [c, d]
        t, eta = x, y + 0.25 * x * x
    area = (b - a) * (d - c)                            # (t, R) -> (t, η) has Jacobian 1
    rho = model.relative_density(eta, t, np.full(n, kind))
    pop = model.solve(MAT, eta, t, eta, t, model.density_scale(MAT) * rho * area / n)
    return pop, np.ones(n, dtype=bool)


def _in_region(pop, region):
    kind, a, b, c, d = region
    if kind == TYPE1:
        return (pop.eta >= a) & (pop.eta <= b) & (pop.t >= c) & (pop.t <= d)
    R = pop.eta - 0.25 * pop.t ** 2
    return (pop.t >= a) & (pop.t <= b) & (R >= c) & (R <= d) & (pop.eta > 0)


def _binned(pop, mask, edges, pairs=False):
    """Per-bin estimates Σ w and their standard errors (second moment of the independent
    units: samples, or antithetic pairs when ``pairs``)."""
    est, se = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        terms = pop.weight * mask * (pop.E * W >= lo) * (pop.E * W < hi)
        units = terms[0::2] + terms[1::2] if pairs else terms
        est.append(terms.sum())
        se.append(math.sqrt(units.size) * units.std(ddof=1))
    return np.array(est), np.array(se)


@pytest.mark.parametrize("region", [(TYPE1, -11.0, -5.0, -0.02, 0.02),
                                    (TYPE2, 6.3, 9.4, -0.012, 0.012)])
def test_weights_unbiased_against_uniform_plane(region):
    """Weighted DOS (TLSs per m³ per E bin) of the importance-sampled population equals
    that of brute-force uniform sampling of a bounded region of the plane (z-scores),
    with non-constant Φ, F and ψ2/ψ1 = 0.5."""
    model = SoftPotentialModel(E_max_K=3.0, depth_max=12.0, type2_ratio=0.5,
                               Phi=TableShape(x=(-15.0, 0.0, 25.0), y=(1.5, 1.0, 0.6)),
                               F=GaussianShape(width=20.0))
    rng = np.random.default_rng(2024)
    n = 40_000
    mc = model.sample(MAT, rng, n, n)
    uni, _ = _brute_force(model, region, 40_000, np.random.default_rng(7))
    edges = np.array([1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0])
    e1, s1 = _binned(mc, _in_region(mc, region), edges, pairs=True)
    e2, s2 = _binned(uni, np.ones(len(uni), dtype=bool), edges)
    z = (e1 - e2) / np.hypot(s1, s2)
    assert np.all(s1 > 0) and np.all(s2 > 0)
    assert np.all(np.abs(z) < 4.0), z
    assert np.sum(z * z) < 22.5                          # chi² with 6 dof: p = 1e-3
    assert abs(e1.sum() - e2.sum()) < 4.0 * math.hypot(np.sqrt((s1 ** 2).sum()), np.sqrt((s2 ** 2).sum()))


def test_proposal_strip_covers_every_counted_point():
    """Beyond the tabulated strip |t̃_b| > τ(h) no potential is a TLS with E <= E_max."""
    model = SoftPotentialModel(E_max_K=6.0, depth_max=14.0)
    tab = model.table(MAT)
    h = np.linspace(tab.h_lo[0], 14.0, 400)
    c = np.clip(np.searchsorted(tab.h_hi, h), 0, tab.tau.size - 1)
    for f in (1.0, 1.2, 2.0):
        tb = f * tab.tau[c]
        pop = model.solve(MAT, -h, tb, -h, tb, np.ones_like(h))
        assert not pop.counted.any()
    inside = model.solve(MAT, -h, 0.5 * tab.tau[c], -h, 0.5 * tab.tau[c], np.ones_like(h))
    assert inside.counted.mean() > 0.9                      # and the strip is tight
    assert proposal_table(model.eps_max(MAT), 10.0, 14.0) is tab   # cached


def test_type2_frame_is_the_same_potential():
    eta_b, t_b = np.array([-6.0, -9.0]), np.array([0.01, -0.003])
    for sigma in (1.0, -1.0):
        e2, t2, jac = to_type2_frame(eta_b, t_b, sigma)
        a, b = solve_soft(eta_b, t_b), solve_soft(e2, t2)
        np.testing.assert_allclose(b.E, a.E, rtol=1e-9)
        assert (b.kind == TYPE2).all()
        np.testing.assert_allclose(barrier_top(e2, t2) - b.eps1, -a.eps1, rtol=1e-9)
    j = to_type2_frame(eta_b, t_b, 1.0)[2] + to_type2_frame(eta_b, t_b, -1.0)[2]
    np.testing.assert_allclose(j, 1.0, rtol=1e-14)


# ----------------------------------------------------------------------------- pairs, chunks
@pytest.fixture(scope="module")
def small_run():
    sc = tlsmc.parse_scenario(copy.deepcopy(SOFT))
    chunk = Chunk(0, 0, SEED_BLOCK)
    pop = sample_population(sc.population, sc.material, seed_entropy(5), chunk, SEED_BLOCK)
    return sc, pop


def test_antithetic_pairs_and_counts(small_run):
    sc, pop = small_run
    a, b = slice(0, None, 2), slice(1, None, 2)
    np.testing.assert_array_equal(pop.eta[a], pop.eta[b])
    np.testing.assert_array_equal(pop.t[a], -pop.t[b])
    np.testing.assert_allclose(pop.E[a], pop.E[b], rtol=1e-10, atol=1e-15)
    both = pop.counted[a] & pop.counted[b]
    assert both.mean() > 0.95
    np.testing.assert_allclose(pop.weight[a][both], pop.weight[b][both], rtol=1e-12)
    # type 1: the large odd-in-t part of D (GGP eq. 4.5, first term) cancels pair by pair
    # (for type 2 the large term is odd in R = η − t²/4, even in t: eq. 4.11)
    D = pop.D_over_c
    one = both & (pop.kind[a] == TYPE1)
    odd = np.abs(D[a] - D[b])[one]
    even = np.abs(D[a] + D[b])[one]
    assert np.median(even / odd) < 0.2
    s = pop.stats()
    assert s["n"] == SEED_BLOCK and s["counted_fraction"] > 0.95
    assert (pop.weight[~pop.counted] == 0).all() and (pop.weight[pop.counted] > 0).all()
    assert set(np.unique(pop.kind[pop.counted])) == {TYPE1, TYPE2}
    assert (pop.E[pop.counted] * W <= sc.population.E_max_K).all()


def test_chunking_does_not_change_samples(monkeypatch):
    import tlsmc.seeding
    block = 1024                                            # small blocks: a fast test
    monkeypatch.setattr(tlsmc.seeding, "SEED_BLOCK", block)
    sc = tlsmc.parse_scenario(copy.deepcopy(SOFT))
    n = 2 * block + 101                                     # odd last block
    whole = sample_population(sc.population, sc.material, 3, Chunk(0, 0, n), n)
    first = sample_population(sc.population, sc.material, 3, Chunk(0, 0, 2 * block), n)
    last = sample_population(sc.population, sc.material, 3, Chunk(1, 2 * block, n), n)
    assert len(last) == 101 and last.t[99] == -last.t[98]
    for f in ("weight", "eta", "t", "E", "M_over_c"):
        np.testing.assert_array_equal(getattr(whole, f),
                                      np.concatenate([getattr(first, f), getattr(last, f)]))


# ----------------------------------------------------------------------------- spectrum, rates
def test_soft_spectrum_units_and_one_phonon_rate(small_run):
    """K of the generic one_phonon channel is Σ_α M_α² E³ coth(E/2T)/(2πρħ⁴v_α⁵) with
    M_α = (W c_α/η_L) <0|(y+δ)²|1> (PHYSICS §3, §4.1), c_l = 4, c_t = 2.5 (preset)."""
    sc, pop = small_run
    spec = solve_spectrum(pop, sc.material)
    assert isinstance(spec, SoftTwoLevelSpectrum)
    c = pop.counted
    np.testing.assert_allclose(spec.E_K, W * pop.E)
    np.testing.assert_allclose(spec.delta0_K, W * pop.delta0)
    T = 0.3
    K = build_rates(spec, MAT, [OnePhonon()], T).K
    E = spec.E_K[c] * K_B
    total = 0.0
    for c_a, v, mult in ((4.0, MAT.v_l_m_s, 1.0), (2.5, MAT.v_t_m_s, 2.0)):
        M = W * K_B * c_a / MAT.eta_L * pop.M_over_c[c]               # J per unit strain
        total = total + mult * M ** 2 * E ** 3 / (2 * PI * MAT.density_kg_m3 * HBAR ** 4 * v ** 5)
    expect = total / np.tanh(spec.E_K[c] / (2 * T))
    np.testing.assert_allclose(K[c], expect, rtol=1e-6)              # preset γ = W c/η_L to 1e-16
    assert MAT.gamma_l_eV == pytest.approx(W * K_B * 4.0 / MAT.eta_L / EV, rel=1e-12)


def test_activated_channel_detailed_balance_and_form(small_run):
    sc, pop = small_run
    spec = solve_spectrum(pop, sc.material)
    c = pop.counted
    for T in (0.5, 5.0):
        rs = build_rates(spec, MAT, [Activated(nu_a_per_s=1e12)], T)
        Vb, E = spec.barrier_K[c], spec.E_K[c]
        np.testing.assert_allclose(rs.k_down[c], 1e12 * np.exp(-Vb / T), rtol=1e-12)
        with np.errstate(divide="ignore"):                      # K underflows to 0 at low T
            up, down = rs.log_k_up[c], rs.log_k_down[c]
        ok = np.isfinite(up)
        assert ok.sum() > 100
        np.testing.assert_allclose(up[ok] - down[ok], -E[ok] / T, rtol=1e-12, atol=1e-12)
    nu = spec.well_K * K_B / (2 * PI * HBAR)                         # default ν_a = ω/2π
    rs = build_rates(spec, MAT, [Activated()], 5.0)
    np.testing.assert_allclose(rs.k_down[c], nu[c] * np.exp(-spec.barrier_K[c] / 5.0), rtol=1e-12)
    # barrier of the symmetric double well: η²/4 − ε1 (type 1 frame, barrier top at 0)
    assert (spec.barrier_K[c] > 0).all()
    i = np.flatnonzero(c & (pop.kind == TYPE1))[0]
    assert pop.barrier[i] == pytest.approx(-float(solve_soft(pop.eta[i], pop.t[i]).eps1), rel=1e-12)


def test_activated_needs_a_soft_population(base_table):
    # rejected at load time now (issue 11 item 4); a scenario changed in code is checked by run()
    sc = tlsmc.parse_scenario(base_table)
    sc = dataclasses.replace(sc, rates=(Activated(),))
    with pytest.raises(ConfigError, match="activated"):
        tlsmc.run(sc)
    base_table["rates"] = [{"kind": "activated"}]
    with pytest.raises(ConfigError, match="activated"):
        tlsmc.parse_scenario(base_table)


def test_run_end_to_end():
    res = tlsmc.run(tlsmc.parse_scenario(copy.deepcopy(SOFT)))
    df = res.to_dataframe()
    c = df[df.observable == "C"]
    assert (np.diff(c[c.T_K == 0.1].value.to_numpy()) >= 0).all()       # C grows with t
    assert (df.model == "soft").all() and np.isfinite(df.value).all()


def test_scenario_file_loads():
    sc = tlsmc.load_scenario(tlsmc.scenario.Path(__file__).resolve().parents[1]
                             / "scenarios" / "soft_heat_capacity.toml")
    assert isinstance(sc.population, SoftPotentialModel)
    assert sc.population.E_max_K <= 2 * sc.material.W_K


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("where, key, value, message", [
    ("population", "E_max_K", 0.0, "scenario.population.E_max_K must be > 0"),
    ("population", "E_max_K", -2.0, "scenario.population.E_max_K must be > 0"),
    ("population", "type2_ratio", -1.0, "scenario.population.type2_ratio must be >= 0"),
    ("population", "depth_max", 3.0, "scenario.population.depth_max must be > 4"),
    ("population", "ratio_cut", 1.0, "scenario.population.ratio_cut must be >= 2.5"),
    ("population", "energy_knee_K", 5.0, "energy_knee_K must be < scenario.population.E_max_K"),
    ("material", "W_K", -30.0, "scenario.material.W_K must be > 0"),
    ("material", "eta_L", -0.01, "scenario.material.eta_L must be > 0"),
    ("material", "eta_L", float("nan"), "scenario.material.eta_L must be finite"),
    ("material", "psi_per_m3", 0.0, "scenario.material.psi_per_m3 must be > 0"),
])
def test_bad_input_names_the_field(where, key, value, message):
    table = copy.deepcopy(SOFT)
    table[where][key] = value
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(table)
    assert message in str(err.value)


def test_bad_input_against_the_material():
    table = copy.deepcopy(SOFT)
    table["population"]["E_max_K"] = 100.0                      # > 2 W
    with pytest.raises(ConfigError, match="population.E_max_K must be <= 2 W"):
        tlsmc.parse_scenario(table)
    with pytest.raises(ConfigError, match="material.W_K is required"):
        tlsmc.parse_scenario({**copy.deepcopy(SOFT), "material": {"preset": "vitreous_silica"}})
    model = SoftPotentialModel(E_max_K=100.0)
    with pytest.raises(ConfigError, match="population.E_max_K must be <= 2 W"):
        model.sample(MAT, np.random.default_rng(0), 4, 4)
    for eta, t, name in ((np.nan, 0.0, "eta"), (-5.0, np.inf, "t")):
        with pytest.raises(ValueError, match=name):
            tlsmc.spectrum.solve_soft(eta, t)
    with pytest.raises(ConfigError, match="shape"):
        t2 = copy.deepcopy(SOFT)
        t2["population"]["F"] = {"shape": "lorentzian"}
        tlsmc.parse_scenario(t2)


def test_both_lowest_states_in_one_well_is_not_a_tls():
    """Strongly asymmetric deep wells (both lowest states on one side of the barrier top)
    used to raise ZeroDivisionError in the solver; now they are NOT_TLS with finite values."""
    sp = solve_soft([-16.70219210191934, -33.32549304732447], [-0.5729049895507821, -0.6723580169848216])
    assert np.all(np.isfinite(sp.E)) and np.all(np.isfinite(sp.delta0)) and np.all(sp.ratio < 2)
    assert (sp.kind == 3).all()


def test_soft_scenario_round_trip():
    table = copy.deepcopy(SOFT)
    table["population"]["Phi"] = {"shape": "table", "x": [-10.0, 10.0], "y": [1.0, 0.5]}
    table["population"]["F"] = {"shape": "gaussian", "width": 12.0}
    sc = tlsmc.parse_scenario(table)
    assert tlsmc.parse_scenario(sc.to_table()) == sc
    assert sc.to_table()["population"]["model"] == "soft"


def test_independent_sampling_option():
    model = SoftPotentialModel(E_max_K=2.0, depth_max=8.0, antithetic=False)
    pop = model.sample(MAT, np.random.default_rng(4), 2000, 2000)
    assert not np.array_equal(pop.eta[0::2], pop.eta[1::2])
    assert pop.counted.mean() > 0.9
