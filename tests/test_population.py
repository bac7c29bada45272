"""Population sampling: weights are unbiased, J0 distributions sample their pdf."""
from __future__ import annotations

import numpy as np
import pytest

import tlsmc
from tlsmc.population.j0 import StructuralJ0, UniformJ0
from tlsmc.population import sample_population
from tlsmc.seeding import SEED_BLOCK, plan_chunks, seed_entropy
from tlsmc.units import K_B


def _population(base_table, sampling):
    base_table["population"]["delta_sampling"] = sampling
    sc = tlsmc.parse_scenario(base_table)
    n = sc.run.n_tls
    chunk, = plan_chunks(n, 2 * SEED_BLOCK)
    return sc, sample_population(sc.population, sc.material, seed_entropy(3), chunk, n)


@pytest.mark.parametrize("sampling", ["uniform", "loguniform"])
def test_weights_are_unbiased(base_table, sampling):
    """Σw estimates the number of TLSs per m³; Σw·1[Δ<x] estimates its Δ cumulative."""
    sc, pop = _population(base_table, sampling)
    n = len(pop)
    density = 0.5 * 8e44 * K_B * (50.0 - 4.0)          # per K of Δ per m³
    for x in (1e-4, 0.01, 0.3, 5.0, 20.0):
        terms = pop.weight * (pop.delta_K < x)
        if np.count_nonzero(terms) < 30:       # too few samples for a z-test
            continue
        est, se = terms.sum(), np.sqrt(n) * terms.std(ddof=1)
        expect = density * x
        if x == 20.0 and sampling == "uniform":  # equal weights: the sum is exact
            assert est == pytest.approx(expect, rel=1e-12)
        else:
            assert abs(est - expect) / se < 4.0


def test_loguniform_puts_samples_in_every_decade(base_table):
    _, pop = _population(base_table, "loguniform")
    counts = np.histogram(np.log10(pop.delta_K), bins=[-3, -2, -1, 0, 1])[0]
    frac = counts / len(pop)
    np.testing.assert_allclose(frac, np.log(10) / (1 + np.log(2e4)), rtol=0.05)


@pytest.mark.parametrize("dist", [UniformJ0(J_min=4.0, J_max=50.0),
                                  StructuralJ0(J_str=15.0, J_max=40.0),
                                  StructuralJ0(J_str=15.0, J_max=40.0, shape="peaked",
                                               peak_amplitude=20.0, peak_width=0.7)])
def test_J0_samples_follow_pdf(dist):
    rng = np.random.default_rng(5)
    n = 200_000
    J = dist.sample(rng, n)
    lo, hi = dist.support
    assert J.min() >= lo and J.max() <= hi
    edges = np.linspace(lo, hi, 41)
    counts = np.histogram(J, bins=edges)[0]
    from scipy.integrate import quad
    p = np.array([quad(dist.pdf, a, b)[0] for a, b in zip(edges[:-1], edges[1:])]) / dist.norm
    z = (counts - n * p) / np.sqrt(n * p * (1 - p))
    assert np.max(np.abs(z)) < 4.5
    assert quad(dist.pdf, lo, hi, points=[lo + 0.5, lo + 2])[0] == pytest.approx(dist.norm, rel=1e-9)


def test_samples_do_not_depend_on_chunking(base_table):
    sc = tlsmc.parse_scenario(base_table)
    n = 3 * SEED_BLOCK + 123
    ent = seed_entropy(11)
    whole, = plan_chunks(n, 4 * SEED_BLOCK)
    a = sample_population(sc.population, sc.material, ent, whole, n)
    parts = [sample_population(sc.population, sc.material, ent, c, n)
             for c in plan_chunks(n, SEED_BLOCK)]
    assert np.array_equal(a.delta_K, np.concatenate([p.delta_K for p in parts]))
    assert np.array_equal(a.J0, np.concatenate([p.J0 for p in parts]))
