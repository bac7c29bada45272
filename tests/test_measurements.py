"""Measurement accumulators: single-TLS (Schottky) limits and internal consistency."""
from __future__ import annotations

import numpy as np
import pytest

from tlsmc.materials import load_material
from tlsmc.measurements import HeatCapacity, HeatRelease, TemperatureHistory, TimeGrid
from tlsmc.rates import RATE_CHANNELS, build_rates
from tlsmc.spectrum import TwoLevelSpectrum
from tlsmc.units import K_B

SILICA = load_material({"preset": "vitreous_silica"})
CHANNELS = [RATE_CHANNELS["one_phonon"]()]
TIMES = TimeGrid(start_s=1e-8, stop_s=1e3, num=23)


def _spec(E, delta0):
    E, delta0 = np.atleast_1d(np.asarray(E, float)), np.atleast_1d(np.asarray(delta0, float))
    delta = np.sqrt(E**2 - delta0**2)
    return TwoLevelSpectrum(E, delta, delta0, delta0 / E, 2 * delta / E)


def _rates(spec):
    return lambda T: build_rates(spec, SILICA, CHANNELS, T)


def _table(rows, name):
    return {(r["T_K"], r["t_s"]): (r["value"], r["stderr"]) for r in rows if r["observable"] == name}


def test_single_tls_schottky_and_exponential_approach():
    """N identical TLSs: C_eq = n k_B (E/T)² e^{E/T}/(e^{E/T}+1)², C(t) = C_eq (1 − e^{−Kt})."""
    E, d0, T, N = 0.37, 0.2, 0.15, 4
    spec = _spec(np.full(N, E), np.full(N, d0))
    w = np.full(N, 1e20 / N)
    acc = HeatCapacity(temperatures_K=(T,), times=TIMES).start(N)
    acc.add(spec, w, _rates(spec))
    rows = acc.rows()
    x = E / T
    schottky = 1e20 * K_B * x**2 * np.exp(x) / (np.exp(x) + 1) ** 2
    (c_eq, se), = _table(rows, "C_eq").values()
    assert c_eq == pytest.approx(schottky, rel=1e-13) and se == 0.0
    K = build_rates(spec, SILICA, CHANNELS, T).K[0]
    t = TIMES.values()
    C = np.array([v for (_, ti), (v, _) in sorted(_table(rows, "C").items())])
    np.testing.assert_allclose(C, schottky * -np.expm1(-K * t), rtol=1e-12)


def test_step_quantities_tend_to_linear_response():
    rng = np.random.default_rng(2)
    E = rng.uniform(0.01, 3.0, 2000)
    spec = _spec(E, E * 10 ** rng.uniform(-6, 0, 2000))
    w = rng.uniform(1e18, 2e18, 2000)
    out = {}
    for frac in (1e-2, 1e-3):
        acc = HeatCapacity(temperatures_K=(0.3,), times=TIMES, step_fraction=frac).start(2000)
        acc.add(spec, w, _rates(spec))
        rows = acc.rows()
        out[frac] = (np.array([v for _, (v, _) in sorted(_table(rows, "C_step").items())]),
                     np.array([v for _, (v, _) in sorted(_table(rows, "C").items())]),
                     _table(rows, "U"))
    (s2, c, _), (s3, _, u3) = out[1e-2], out[1e-3]
    # C_step − C = O(δT): ten times smaller step, ten times smaller difference
    d2, d3 = np.abs(s2 - c), np.abs(s3 - c)
    assert np.all(d3 < 0.13 * d2 + 1e-12 * c) and np.all(d3 < 2e-3 * c)
    # U(t) − U(0) = δT C_step(t), U(0) = Σ w E n_eq(T)
    u = np.array([v for _, (v, _) in sorted(u3.items())])
    u0 = K_B * np.sum(w * E / (np.exp(E / 0.3) + 1))
    np.testing.assert_allclose(u - u0, 0.3e-3 * s3, rtol=1e-9, atol=1e-12 * u0)


def test_heat_release_moments_equal_explicit_evolution():
    """Qdot and U from the moment engine equal a direct exact evolution of the same TLSs."""
    rng = np.random.default_rng(8)
    n = 3000
    E = rng.uniform(0.01, 10.0, n)
    spec = _spec(E, E * 10 ** rng.uniform(-8, 0, n))
    w = rng.uniform(1e18, 2e18, n)
    release = HeatRelease(T0_K=0.1, T1_K=(1.0,), times=TIMES).start(n)
    release.add(spec, w, _rates(spec))
    hist = TemperatureHistory(T_initial_K=1.0, starts_s=(0.0,), temperatures_K=(0.1,),
                              times=TIMES).start(n)
    hist.add(spec, w, _rates(spec))
    a, b = release.rows(), hist.rows()
    for name in ("Qdot", "U"):
        ra = sorted((r["t_s"], r["value"], r["stderr"]) for r in a if r["observable"] == name)
        rb = sorted((r["t_s"], r["value"], r["stderr"]) for r in b if r["observable"] == name)
        np.testing.assert_allclose(np.array(ra), np.array(rb), rtol=1e-9)


def test_standard_error_formula():
    from tlsmc.measurements import standard_error
    rng = np.random.default_rng(0)
    x = rng.exponential(size=1000)
    se = standard_error(x.sum(), (x**2).sum(), x.size)
    assert se == pytest.approx(np.sqrt(x.size) * x.std(ddof=1), rel=1e-12)


def test_C_tf_is_the_temperature_derivative_of_the_absorbed_energy():
    """C_tf = dE(t)/dT with E(t) = Σ w E n_eq(T)(1 − e^{−K(T) t}) (TF eqs. 10–11)."""
    rng = np.random.default_rng(12)
    n = 4000
    E = rng.uniform(0.01, 3.0, n)
    spec = _spec(E, E * 10 ** rng.uniform(-7, 0, n))
    w = rng.uniform(1e18, 2e18, n)
    T = 0.4
    acc = HeatCapacity(temperatures_K=(T,), times=TIMES, observables=("C_tf", "C")).start(n)
    acc.add(spec, w, _rates(spec))
    rows = acc.rows()
    c_tf = np.array([v for _, (v, _) in sorted(_table(rows, "C_tf").items())])
    c = np.array([v for _, (v, _) in sorted(_table(rows, "C").items())])
    t = TIMES.values()

    def absorbed(T_):
        K = build_rates(spec, SILICA, CHANNELS, T_).K
        nT = 1.0 / (np.exp(E / T_) + 1.0)
        return K_B * np.sum((w * E * nT)[:, None] * -np.expm1(-np.outer(K, t)), axis=0)

    h = 1e-4 * T
    fd = (absorbed(T + h) - absorbed(T - h)) / (2 * h)
    np.testing.assert_allclose(c_tf, fd, rtol=1e-6)
    # one-phonon rates grow with T (coth), so the ∂K/∂T term makes C_tf >= C
    assert np.all(c_tf >= c * (1 - 1e-12))
