r"""Independent reference numbers for metallic glasses: BCS gap, entropy, electron rate, α^(e).

Written apart from :mod:`tlsmc.rates.bcs`, :mod:`tlsmc.rates.electron` and
:mod:`tlsmc.measurements.electronic` (plain NumPy/SciPy; imports nothing from tlsmc but the
constants), with different methods, so that agreement tests the package code:

* the gap from the **Matsubara form** of the BCS gap equation (Abrikosov, Gor'kov & Dzyaloshinskii;
  e.g. Kopnin, *Theory of Nonequilibrium Superconductivity*, eq. 3.33), in units of k_BT_c,

  .. math:: \ln\frac{1}{t} = 2\pi t\sum_{n\ge0}\Big[\frac{1}{\omega_n}-
            \frac{1}{\sqrt{\omega_n^2+g^2}}\Big],\qquad \omega_n = \pi t(2n+1),

  summed exactly to n = 4000 with the Euler–Maclaurin tail of the g²/2ω³ − 3g⁴/8ω⁵ terms;
* the BCS entropy S_es/S_n = (6/π²)∫_0^∞ dx s(f(√(x²+δ²))) by adaptive ``scipy.integrate.quad``
  in x = ξ/T (the package uses fixed Gauss–Legendre panels);
* C_es/C_n = d(T S_es/S_n)/dT by a central difference of that entropy (the package uses the
  Tinkham form with dΔ²/dT), C_e = (π²/3)νk_B²T C_es/C_n;
* the electron rate K = (π/2)K_e(Δ0/E)²(k_BE/ħ)coth(E/2T)·2/(1+e^{Δ/T}) written with exponentials
  (coth = (1 + e^{−E/T})/(1 − e^{−E/T})), for :mod:`tlsmc.comparison.tunneling`'s quadrature;
* α^(e) = −Λ'(π²/3)νk_B²T S_es/S_n/B (GGP eq. 7.3 and the T_c-independent-of-volume assumption
  of :mod:`tlsmc.measurements.electronic`).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize

from ...units import HBAR, K_B, PI
from .checked import quad

__all__ = ["gap_over_Tc", "entropy_ratio", "heat_capacity_ratio", "electron_heat_capacity",
           "electron_rate", "alpha_e"]

_N_MATSUBARA = 4000


def _matsubara_residual(g: float, t: float) -> float:
    n = np.arange(_N_MATSUBARA)
    w = PI * t * (2.0 * n + 1.0)
    s = np.sum(1.0 / w - 1.0 / np.sqrt(w * w + g * g))
    # tail n >= N: Σ [g²/(2ω³) − 3g⁴/(8ω⁵)] ≈ ∫ from N − ½ (midpoint rule on ω = πt(2n+1))
    w0 = PI * t * (2.0 * _N_MATSUBARA)
    tail = (g**2 / 2.0) / (2.0 * PI * t) / (2.0 * w0**2) - (3.0 * g**4 / 8.0) / (2.0 * PI * t) / (4.0 * w0**4)
    return 2.0 * PI * t * (s + tail) - np.log(1.0 / t)


@lru_cache(maxsize=4096)
def gap_over_Tc(t: float) -> float:
    """Δ(T)/k_BT_c at t = T/T_c from the Matsubara gap equation (0 for t >= 1).

    Below t = 0.02 the Matsubara sum needs more terms than it is worth: returns the
    t = 0.02 value (Δ(T) − Δ(0) ~ e^{−88}, far below double precision).
    """
    t = float(t)
    if t >= 1.0:
        return 0.0
    t = max(t, 0.02)
    return float(optimize.brentq(_matsubara_residual, 1e-10, 3.0, args=(t,), xtol=1e-14, rtol=1e-13))


def entropy_ratio(T_K: float, Tc_K: float | None) -> float:
    """S_es(T)/S_n(T) of a weak-coupling BCS metal (1 at T >= T_c or Tc None)."""
    if Tc_K is None or T_K >= Tc_K:
        return 1.0
    d = gap_over_Tc(T_K / Tc_K) * Tc_K / T_K

    def integrand(x: float) -> float:
        e = np.hypot(x, d)
        if e > 700.0:
            return 0.0
        f = 1.0 / (np.exp(e) + 1.0)
        return -f * np.log(f) - (1.0 - f) * np.log1p(-f)

    val, _ = quad(integrand, 0.0, np.inf, epsabs=0.0, epsrel=1e-11, limit=400)
    return 6.0 / PI**2 * val


def electron_rate(E_K, delta0_K, T_K: float, K_e: float, Tc_K: float | None = None) -> np.ndarray:
    """Electron relaxation rate K = K↑ + K↓, s^-1 (module doc); E, Δ0, T in K."""
    E = np.asarray(E_K, dtype=float)
    d0 = np.asarray(delta0_K, dtype=float)
    q = np.exp(-E / T_K)
    with np.errstate(divide="ignore", invalid="ignore"):
        e_coth = np.where(E / T_K > 1e-6, E * (1.0 + q) / (1.0 - q), 2.0 * T_K)
        p = np.where(E > 0.0, d0 * d0 / (E * E), 1.0)
    factor = 1.0
    if Tc_K is not None and T_K < Tc_K:
        factor = 2.0 / (1.0 + np.exp(gap_over_Tc(T_K / Tc_K) * Tc_K / T_K))
    return 0.5 * PI * K_e * p * e_coth * (K_B / HBAR) * factor


def alpha_e(T_K: float, nu_F_per_J_m3: float, bulk_modulus_Pa: float, Tc_K: float | None = None,
            lambda_prime: float = -2.0 / 3.0) -> float:
    """Electronic volumetric thermal expansion, K^-1 (GGP eq. 7.3 × S_es/S_n)."""
    return (-lambda_prime * (PI**2 / 3.0) * nu_F_per_J_m3 * K_B**2 * T_K / bulk_modulus_Pa
            * entropy_ratio(T_K, Tc_K))


def heat_capacity_ratio(T_K: float, Tc_K: float | None, rel_step: float = 1e-4) -> float:
    """C_es/C_n = r + T dr/dT (r = S_es/S_n; C = T dS/dT), central difference in T.

    Within ``rel_step`` of T_c the difference straddles the jump: use T <= T_c(1 − 2 rel_step).
    """
    if Tc_K is None or T_K >= Tc_K:
        return 1.0
    h = rel_step * T_K
    r_p, r_m = entropy_ratio(T_K + h, Tc_K), entropy_ratio(T_K - h, Tc_K)
    return 0.5 * (r_p + r_m) + T_K * (r_p - r_m) / (2.0 * h)


def electron_heat_capacity(T_K: float, nu_F_per_J_m3: float, Tc_K: float | None = None) -> float:
    """C_e = (π²/3) ν k_B² T × C_es/C_n, J m^-3 K^-1."""
    return (PI**2 / 3.0) * nu_F_per_J_m3 * K_B**2 * T_K * heat_capacity_ratio(T_K, Tc_K)
