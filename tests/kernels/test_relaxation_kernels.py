"""The log-rate moment engine against the term-by-term sum; thread-count independence."""
from __future__ import annotations

import numba
import numpy as np
import pytest

from tlsmc.dynamics.relaxation import RelaxationSums, relaxation_sum_direct

KINDS = ["relaxed", "relaxed_sq", "flux", "flux_sq", "relaxed_flux"]


@pytest.fixture(scope="module")
def population():
    rng = np.random.default_rng(11)
    N = 100_000
    K = 10.0 ** rng.uniform(-44.0, 44.0, N)    # beyond both ends of the bin grid
    K[:5] = [0.0, 1e-300, 1e40, 1e-40, 3.7]
    g = rng.normal(size=N) + 0.3               # mixed signs (strain-like)
    return K, g


@pytest.mark.parametrize("kind", KINDS)
def test_moments_equal_direct_sum(population, kind):
    K, g = population
    times = np.geomspace(1e-12, 1e12, 73)
    acc = RelaxationSums(1)
    half = K.shape[0] // 2
    acc.add(K[:half], g[None, :half])          # chunk-additive
    acc.add(K[half:], g[None, half:])
    got = acc.evaluate(0, kind, times)
    ref = relaxation_sum_direct(K, g, kind, times)
    scale = np.abs(g).sum()
    assert np.max(np.abs(got - ref)) < 1e-12 * scale


def test_total_is_the_long_time_limit(population):
    K, g = population
    acc = RelaxationSums(1)
    acc.add(K, g[None])
    assert acc.total(0) == pytest.approx(g.sum(), rel=1e-12)


def test_thread_count_does_not_change_bits(population):
    K, g = population
    times = np.geomspace(1e-6, 1e4, 31)
    results = []
    old = numba.get_num_threads()
    try:
        for n in sorted({1, numba.config.NUMBA_NUM_THREADS}):
            numba.set_num_threads(n)
            acc = RelaxationSums(2)
            acc.add(K, np.stack([g, g * g]))
            results.append(np.concatenate([acc.evaluate(0, "relaxed", times),
                                           acc.evaluate(1, "relaxed_sq", times)]))
    finally:
        numba.set_num_threads(old)
    assert all(np.array_equal(results[0], r) for r in results)


def test_rejects_bad_rates_and_times():
    acc = RelaxationSums(1)
    acc.add(np.array([1.0, 2.0]), np.ones((1, 2)))
    before = [a.copy() for a in acc.moments()]
    for bad in (np.nan, -1e-3):                 # checked inside the binning pass
        with pytest.raises(ValueError, match="rates K must be >= 0"):
            acc.add(np.array([3.0, bad, 4.0]), np.ones((1, 3)))
    assert all(np.array_equal(a, b) for a, b in zip(before, acc.moments()))  # state untouched
    with pytest.raises(ValueError, match="times must be finite and > 0"):
        acc.evaluate(0, "relaxed", np.array([0.0]))


def test_scratch_shared_between_accumulators_of_any_shape(population):
    """The per-thread scratch of ``add`` is reused by accumulators of other series counts and
    sizes: interleaved adds give the same bits as each accumulator on its own."""
    K, g = population
    G3 = np.stack([g, g * g, -g])
    alone = RelaxationSums(3)
    alone.add(K, G3)
    one, three = RelaxationSums(1), RelaxationSums(3)
    one.add(K[:7000], g[None, :7000])          # a small call first, then the large one
    three.add(K, G3)
    one.add(K[7000:], g[None, 7000:])
    assert all(np.array_equal(a, b) for a, b in zip(alone.moments(), three.moments()))
    ref = RelaxationSums(1)
    ref.add(K[:7000], g[None, :7000])
    ref.add(K[7000:], g[None, 7000:])
    assert all(np.array_equal(a, b) for a, b in zip(ref.moments(), one.moments()))
