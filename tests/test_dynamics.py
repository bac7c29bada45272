"""Exact propagation against an ODE solver (PHYSICS §5)."""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from tlsmc.dynamics.propagation import evolve
from tlsmc.materials import load_material
from tlsmc.dynamics.protocols import piecewise_protocol, step_protocol
from tlsmc.rates import RATE_CHANNELS, build_rates
from tlsmc.spectrum import TwoLevelSpectrum
from tlsmc.dynamics.occupations import n_eq

SILICA = load_material({"preset": "vitreous_silica"})
CHANNELS = [RATE_CHANNELS["one_phonon"]()]


def _tls(n, rng):
    """TLSs whose one-phonon rates span ~20 decades at 0.1–1 K."""
    E = rng.uniform(0.05, 2.0, n)
    delta0 = E * 10.0 ** rng.uniform(-9.5, 0.0, n)
    delta = np.sqrt(E**2 - delta0**2)
    return TwoLevelSpectrum(E_K=E, delta_K=delta, delta0_K=delta0, M_unit=delta0 / E,
                            D_unit=2 * delta / E)


def _reference(spec, protocol, times, i):
    """n_i(t) from solve_ivp (Radau, tight tolerances), segment by segment."""
    E = spec.E_K[i:i + 1]
    sub = TwoLevelSpectrum(E, spec.delta_K[i:i + 1], spec.delta0_K[i:i + 1],
                           spec.M_unit[i:i + 1], spec.D_unit[i:i + 1])
    n = float(n_eq(E, protocol.T_initial_K)[0])
    out = np.empty(times.shape)
    bounds = list(protocol.starts_s[1:]) + [times.max() * 1.0001 + 1.0]
    t0 = 0.0
    for s, t1 in enumerate(bounds):
        r = build_rates(sub, SILICA, CHANNELS, protocol.temperatures_K[s])
        up, down = float(r.k_up[0]), float(r.k_down[0])
        sel = (times >= t0) & (times < t1)
        sol = solve_ivp(lambda t, y: [up * (1 - y[0]) - down * y[0]], (t0, t1), [n],
                        method="Radau", rtol=1e-11, atol=1e-14,
                        t_eval=np.append(times[sel], t1), jac=lambda t, y: [[-(up + down)]])
        out[sel] = sol.y[0, :-1]
        n = sol.y[0, -1]
        t0 = t1
    return out


def _per_tls(spec, protocol, times):
    """evolve() with one-hot coefficients gives each TLS's n(t) − n(0⁻)."""
    N = len(spec)
    rates_at = lambda T: build_rates(spec, SILICA, CHANNELS, T)  # noqa: E731
    sums = evolve(spec.E_K, np.eye(N), rates_at, protocol, times)
    return sums.dn + n_eq(spec.E_K, protocol.T_initial_K)[:, None], sums


def test_step_matches_solve_ivp_across_20_decades_of_rate():
    rng = np.random.default_rng(3)
    spec = _tls(12, rng)
    K = build_rates(spec, SILICA, CHANNELS, 0.5).K
    assert K.max() / K.min() > 1e16
    protocol = step_protocol(0.1, 0.5)
    times = np.geomspace(1e-9, 1e9, 37)
    n, _ = _per_tls(spec, protocol, times)
    for i in range(len(spec)):
        np.testing.assert_allclose(n[i], _reference(spec, protocol, times, i), rtol=0, atol=2e-10)


def test_multi_segment_history_matches_solve_ivp():
    rng = np.random.default_rng(4)
    spec = _tls(10, rng)
    protocol = piecewise_protocol(0.2, [0.0, 1e-4, 1e-1, 3.0, 1e2], [1.0, 0.3, 2.0, 0.05, 0.4])
    times = np.sort(np.concatenate([np.geomspace(1e-7, 1e4, 40), protocol.starts_s]))
    n, sums = _per_tls(spec, protocol, times)
    for i in range(len(spec)):
        np.testing.assert_allclose(n[i], _reference(spec, protocol, times, i), rtol=0, atol=2e-10)
    # the flux is −dn/dt: compare with a centred difference inside the last segment
    t = np.array([2e3 * (1 - 1e-6), 2e3 * (1 + 1e-6)])
    n2, _ = _per_tls(spec, protocol, t)
    _, s_mid = _per_tls(spec, protocol, np.array([2e3]))
    fd = -(n2[:, 1] - n2[:, 0]) / (t[1] - t[0])
    np.testing.assert_allclose(np.diag(s_mid.flux[:, :1].repeat(len(spec), 1)), fd,
                               rtol=1e-5, atol=1e-14)


def test_fast_tls_follow_T_and_slow_tls_stay_frozen():
    rng = np.random.default_rng(5)
    spec = _tls(200, rng)
    protocol = piecewise_protocol(0.5, [0.0, 1.0], [1.5, 0.2])
    n, _ = _per_tls(spec, protocol, np.array([0.5, 10.0]))
    K1 = build_rates(spec, SILICA, CHANNELS, 1.5).K
    fast, slow = K1 * 0.5 > 50, K1 * 10 < 1e-9
    assert fast.sum() > 10 and slow.sum() > 10
    np.testing.assert_allclose(n[fast, 0], n_eq(spec.E_K[fast], 1.5), rtol=1e-12)
    # |n(t) − n(0)| <= |Δn_eq| (1 − e^{−K t}) <= K t < 1e-9
    np.testing.assert_allclose(n[slow, 1], n_eq(spec.E_K[slow], 0.5), rtol=0, atol=1e-9)
