r"""Independent Debye-model multiphonon rate for the ``exact`` column (PHYSICS §4.3, TF eq. 6).

Written from PHYSICS §4.3 without :mod:`tlsmc.rates` (whose table comes from an FFT on a
tilted energy lattice): here the Kubo–Toyozawa sum is evaluated term by term in energy
space with :func:`scipy.integrate.quad`.  Energies and temperatures in K, rates in s^-1.

With the Debye coupling density ρ(ω) = (3R/4Θ) w(ω/Θ), w(x) = x − sin(πx)/π (TF eq. 14;
R = ħJ'²/(Mω_D)), and p(ε) = ρ(ε)(n_B(ε) + 1) (emission, ε > 0), ρ(|ε|) n_B(|ε|) (absorption),
TF eq. 6 with B = 0 is, after the shift v -> v − i/2T of PHYSICS's symmetric form,

.. math:: K_\downarrow = \frac{k_B}{\hbar} V^2 \Big(\frac{\Delta}{E}\Big)^2 e^{J_1(T)}\,
          2\pi\sum_{n\ge1}\frac{p^{*n}(E)}{n!},\qquad K = K_\downarrow (1 + e^{-E/T}),

J1(T) = ∫ρ(ω) coth(ω/2T) dω.  n = 1 is 2πρ(E)(n_B + 1) (channel 2 up to ρ/ρ_Debye);
n = 2, ∫p(ε)p(E − ε)dε/2, by adaptive quadrature (break points at 0, E, ±Θ); n = 3 … 6 on a
uniform lattice (direct trapezoid convolutions, 4001 points on [−Θ, Θ]; they are < 1e-3 of
the sum where used, so the lattice error is negligible).  The rate raises ValueError where
the last kept order exceeds 1e-7 of the sum (high T, E >~ 2Θ): outside the range this
independent check covers.  Per temperature, ln G_{≥2} is tabulated on 16 points per decade
of E (1e-7 K to 2Θ) and interpolated cubically in ln E; the one-phonon term is exact.

Shares with the Monte Carlo: :mod:`tlsmc.units` and the TF parameter container.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from scipy.interpolate import CubicSpline

from ...units import HBAR, K_B, PI

from . import OutsideQuadrature
from .checked import quad

__all__ = ["coupling_R", "J1", "log_G", "multiphonon_total_rate"]


def coupling_R(params) -> float:
    """R = ħJ'²/(M ω_D), ω_D = k_B Θ/ħ (dimensionless)."""
    return HBAR * params.J1_per_m ** 2 / (params.mass_kg * params.theta_D_K * K_B / HBAR)


def _w(x):
    """x − sin(πx)/π on [0, 1] (series below 0.05: no cancellation), 0 outside."""
    x = np.asarray(x, dtype=float)
    px2 = (PI * x) ** 2
    series = x * px2 / 6.0 * (1.0 - px2 / 20.0 * (1.0 - px2 / 42.0 * (1.0 - px2 / 72.0)))
    out = np.where(x < 0.05, series, x - np.sin(PI * x) / PI)
    return np.where((x > 0.0) & (x <= 1.0), out, 0.0)


def _p(eps, T, R, theta):
    """p(ε) in K^-1: ρ(|ε|)(n_B + 1) for ε > 0, ρ(|ε|) n_B for ε < 0."""
    eps = np.asarray(eps, dtype=float)
    a = np.abs(eps)
    rho = 0.75 * R / theta * _w(a / theta)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        nb = 1.0 / np.expm1(a / T)
        out = rho * np.where(eps > 0.0, nb + 1.0, nb)
    return np.where(rho > 0.0, out, 0.0)


def _p1(e: float, T: float, R: float, th: float) -> float:
    """Scalar p(ε) (the integrand of the two-phonon term; plain floats for speed)."""
    a = abs(e)
    if not 0.0 < a <= th:
        return 0.0
    x = a / th
    if x < 0.05:
        px2 = (PI * x) ** 2
        w = x * px2 / 6.0 * (1.0 - px2 / 20.0 * (1.0 - px2 / 42.0 * (1.0 - px2 / 72.0)))
    else:
        w = x - math.sin(PI * x) / PI
    y = a / T
    nb = 1.0 / math.expm1(y) if y < 700.0 else 0.0
    return 0.75 * R / th * w * (nb + 1.0 if e > 0.0 else nb)


def J1(T: float, params) -> float:
    """J1(T) = (3R/4)∫_0^1 w(x) coth(Θx/2T) dx (TF eq. 14), by adaptive quadrature."""
    R, th = coupling_R(params), params.theta_D_K
    f = lambda x: float(_w(x)) / math.tanh(min(th * x / (2.0 * T), 350.0)) if x > 0 else 0.0
    pts = [min(T / th * k, 0.5) for k in (1.0, 10.0)]
    return 0.75 * R * quad(f, 0.0, 1.0, points=pts, limit=400, epsabs=0.0, epsrel=1e-12)[0]


def _two_phonon(E, T, R, th) -> float:
    lo, hi = max(-th, E - th), min(th, E + th)
    if not lo < hi:
        return 0.0
    f = lambda e: _p1(e, T, R, th) * _p1(E - e, T, R, th)
    pts = sorted({x for x in (0.0, E, E - th, th - E, -T, E + T) if lo < x < hi})
    return quad(f, lo, hi, points=pts or None, limit=500, epsabs=0.0, epsrel=1e-10)[0]


_N_MAX = 6         # highest order kept (orders >= 3 on the lattice)


def _lattice_powers(T, R, th, n_max=_N_MAX, n=4001):
    """Lattice p^{*k} (k = 1 .. n_max − 1) on [−kΘ, kΘ] (trapezoid convolutions), spacing h."""
    e = np.linspace(-th, th, n)
    h = e[1] - e[0]
    pv = _p(e, T, R, th)
    powers = [(e, pv)]
    for k in range(2, n_max):
        prev = powers[-1][1]
        conv = np.convolve(prev, pv) * h
        powers.append((np.linspace(-k * th, k * th, conv.size), conv))
    return powers, h


def _higher_orders(E, T, R, th, powers, h) -> tuple[float, float]:
    """(Σ_{n=3}^{n_max} p^{*n}(E)/n!, the last term) from the lattice powers."""
    total, term = 0.0, 0.0
    for k in range(3, _N_MAX + 1):
        grid, prev = powers[k - 2]
        term = float(np.dot(prev, _p(E - grid, T, R, th)) * h) / math.factorial(k)
        total += term
    return total, term


@functools.lru_cache(maxsize=64)
def _table(params, T: float):
    R, th = coupling_R(params), params.theta_D_K
    powers, h = _lattice_powers(T, R, th)
    lE = np.linspace(math.log(1e-7), math.log(2.0 * th), int(16 * math.log10(2.0 * th / 1e-7)) + 1)
    G = np.empty(lE.size)
    for i, le in enumerate(lE):
        E = math.exp(le)
        g1 = _p1(E, T, R, th)
        g2 = 0.5 * _two_phonon(E, T, R, th)
        g3, last = _higher_orders(E, T, R, th, powers, h)
        # G_{>=2} (smooth: the one-phonon jump at Θ is added analytically); outside the
        # validity of this check where the last kept order is not negligible
        G[i] = 2.0 * PI * (g2 + g3) if last <= 1e-7 * (g1 + g2 + g3) else np.nan
    ok = np.isfinite(G)
    first_bad = np.argmin(ok) if not ok.all() else ok.size
    ok[first_bad:] = False
    spline = CubicSpline(lE[ok], np.log(G[ok])) if ok.sum() > 3 else None
    valid = (math.exp(lE[ok][0]), math.exp(lE[ok][-1])) if ok.any() else (np.inf, -np.inf)
    return spline, valid, J1(T, params)


def log_G(E_K, T_K: float, params) -> np.ndarray:
    """ln[2π Σ_{n>=2} p^{*n}(E)/n!] (K^-1) at E (K), T (K); ValueError outside the range."""
    spline, (lo, hi), _ = _table(params, float(T_K))
    E = np.asarray(E_K, dtype=float)
    if spline is None or np.any(E > hi):
        raise OutsideQuadrature(f"independent multiphonon rate: E up to {hi:g} K at T = {T_K:g} K "
                         "(above it the last kept order exceeds 1e-7 of the sum)")
    ln_lo = math.log(lo)
    le = np.log(np.maximum(E, 1e-300))
    # below the table: the Raman limit G -> const (two-phonon pair), held
    return spline(np.maximum(le, ln_lo))


def multiphonon_total_rate(E_K, delta_K, delta0_K, T_K: float, params) -> np.ndarray:
    """K = K↑ + K↓ (s^-1): (k_B/ħ) (Δ0/2)² (Δ/E)² e^{J1} G(E) (1 + e^{−E/T}) (module doc)."""
    E, d, d0 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (E_K, delta_K, delta0_K)))
    _, _, j1 = _table(params, float(T_K))
    G = 2.0 * PI * _p(E, T_K, coupling_R(params), params.theta_D_K) + np.exp(log_G(E, T_K, params))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(E > 0.0, (d / E) ** 2, 0.0)
    return (K_B / HBAR) * (0.5 * d0) ** 2 * g * math.exp(j1) * G * (1.0 + np.exp(-E / T_K))
