r"""Independent quadrature of TF's barrier-modulation sound absorption (PHYSICS §10 "TF §4").

Written from PHYSICS §10 and TF eqs. 13–14, 20–22 without the Monte Carlo's code: G comes from
:mod:`.multiphonon` (phonon-number sum by adaptive quadrature and lattice convolutions, not the
FFT table), the Δ and J0 integrals are deterministic (composite Gauss–Legendre), and the
per-sample δ-shell of the estimator is replaced by the exact integral over J0.

Model (energies K, rates s^-1, densities per m^3).  Density (P̄/2) pdf(J0) per K of Δ per unit
J0; V = V0 e^{−J0/2}, V0 = ħν/k_B; E = √(Δ² + 4V²).  Per unit coupling, the sideband sum is

.. math:: S_{sb} = \int dJ_0\,\tfrac{\bar P}{2}\mathrm{pdf}(J_0)\,V^2\int_{2V}^{E_{max}} dE\,
          \sqrt{1 - 4V^2/E^2}\; f(E),\qquad
          f(E) = \frac{\sinh(\hbar\omega/2T)}{\cosh(E/2T)}\sum_\pm g(E \mp \hbar\omega),

(dΔ (Δ/E)² = dE Δ/E), g(x) = (k_B/ħ) e^{J1(T)} G_n(|x|) e^{−|x|/2T}, G_n = 2π Σ_{n≥1} p^{*n}/n!
(the zero-phonon line removed).  The zero-phonon (resonant) sum is

.. math:: S_{res} = 2\pi\frac{k_B}{\hbar}e^{J_1}\tanh\frac{\hbar\omega}{2T}\int dJ_0\,
          \tfrac{\bar P}{2}\mathrm{pdf}(J_0)\,V^2\sqrt{1 - 4V^2/\hbar^2\omega^2}\,
          \mathbf 1[\Delta^* \le \Delta_{max}],

and l⁻¹_α = (c_α Ω0 / v_α)(S_res + S_sb), c_α Ω0 = ⟨(ê·ĵ)²|e^{ik·ĵa} − 1|²⟩ (ħJ'²/8Mω) v_a
(TF eqs. 13–14) with TF's Debye lattice a = π/q_D, atomic volume v_a = 6π²/q_D³, q_D = ω_D/v_D.

Variants for the closed-form checks (``g``): ``"multiphonon"`` (the model), ``"one_phonon"``
(G_n → the n = 1 term with ρ → ρ_D = (π²R/8)x³/Θ⁴: TF eqs. 22–24), ``"einstein"`` (eq. 7's flat
zero-phonon comb, g = (k_B/ħ) 2π e^{J_eff}/(Ω φ3^½): TF eq. 31); ``terms="plus"`` keeps only
g(E + ħω) (the two processes TF eq. 23 keeps).

Shares with the Monte Carlo: units, the TF parameter container and the J0 pdf object.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import i0e

from ...units import HBAR, K_B, PI
from . import OutsideQuadrature
from .checked import quad
from .multiphonon import J1, _p, coupling_R, log_G

__all__ = ["TFSoundQuad", "sideband_sum", "resonant_sum", "coupling_volume", "tf_sound_exact"]

_GL = np.polynomial.legendre.leggauss(16)


@dataclass(frozen=True)
class TFSoundQuad:
    """The model: TF parameters, P̄ (J^-1 m^-3), Δ_max (K), J0 support and pdf, v_l, v_t (m/s)."""

    params: object
    P_bar_per_J_m3: float
    delta_max_K: float
    J_lo: float
    J_hi: float
    pdf: object
    v_l: float
    v_t: float

    @property
    def half_density(self) -> float:
        """P̄/2 per K of Δ per unit J0, K^-1 m^-3."""
        return 0.5 * self.P_bar_per_J_m3 * K_B


def _nodes(lo: float, hi: float, panels: int) -> tuple[np.ndarray, np.ndarray]:
    t, w = _GL
    e = np.linspace(lo, hi, panels + 1)
    a, b = e[:-1, None], e[1:, None]
    return (0.5 * (b - a) * (t + 1) + a).ravel(), (0.5 * (b - a) * w).ravel()


def _J0_nodes(q: TFSoundQuad):
    J, w = _nodes(q.J_lo, q.J_hi, 24)
    V = q.params.nu_rad_s * HBAR / K_B * np.exp(-0.5 * J)
    return V, w * q.half_density * np.asarray(q.pdf(J), dtype=float)


def _log_E_nodes(lo: float, hi: float, breaks) -> tuple[np.ndarray, np.ndarray]:
    """Composite GL in ln E on [lo, hi] with break points; returns E and dE weights."""
    pts = sorted({lo, hi, *[b for b in breaks if lo < b < hi]})
    Es, Ws = [], []
    for a, b in zip(pts[:-1], pts[1:]):
        u, w = _nodes(math.log(a), math.log(b), max(4, int(4 * math.log(b / a)) + 1))
        Es.append(np.exp(u))
        Ws.append(w * np.exp(u))
    return np.concatenate(Es), np.concatenate(Ws)


def _einstein_log_g(T: float, p) -> float:
    """ln[2π e^{J_eff}/(Ω φ3^½)] of TF eq. 7 (J_eff = φ1(1−φ2) + ln I0(φ1φ2)), Ω in K."""
    a = HBAR * p.J1_per_m ** 2 / (4 * p.mass_kg * p.omega_E_K * K_B / HBAR)
    b = HBAR * p.J2_per_m2 / (2 * p.mass_kg * p.omega_E_K * K_B / HBAR)
    u = p.omega_E_K / (4 * T)
    th = math.tanh(u)
    phi1 = a / (th + b)
    phi2 = phi1 / (2 * a) * th / math.cosh(u) ** 2
    phi3 = (1 + b / th) * (1 + b * th)
    z = phi1 * phi2
    return math.log(2 * PI / p.omega_E_K) - 0.5 * math.log(phi3) + phi1 + math.log(i0e(z))


def _g(x: np.ndarray, T: float, q: TFSoundQuad, g: str) -> np.ndarray:
    """ln g(x) − ln(k_B/ħ) for x >= 0 (g of the module docstring), K^-1."""
    p = q.params
    if g == "einstein":
        return np.full(x.shape, _einstein_log_g(T, p))     # flat: G(x) = K(x) e^{x/2T}
    R, th = coupling_R(p), p.theta_D_K
    x = np.maximum(x, 1e-12 * T)
    if g == "one_phonon":
        rho = PI**2 * R / 8 * x**3 / th**4
        # 2π ρ (n_B + 1) e^{−x/2T} = π ρ / sinh(x/2T) = 2π ρ e^{−x/2T}/(1 − e^{−x/T})
        return J1(T, p) + np.log(2 * PI * rho) - (0.5 * x / T + np.log(-np.expm1(-x / T)))
    one = 2 * PI * _p(x, T, R, th)
    return J1(T, p) + np.log(one + np.exp(log_G(x, T, p))) - 0.5 * x / T


def sideband_sum(q: TFSoundQuad, hw_K: float, T_K: float, g: str = "multiphonon",
                 terms: str = "both") -> float:
    """S_sb (module docstring), s^-1 m^-3 per unit coupling; OutsideQuadrature where G is not
    covered (multiphonon orders not converged)."""
    T = float(T_K)
    top = min(q.delta_max_K, hw_K + 80.0 * T)
    lo = 1e-9 * min(T, hw_K)
    E, wE = _log_E_nodes(lo, top, [hw_K, T, 0.1 * T, 10 * T, 0.5 * hw_K, 2 * hw_K])
    a = 0.5 * hw_K / T
    log_th = (a + math.log1p(-math.exp(-2 * a))) - (0.5 * E / T + np.log1p(np.exp(-E / T)))
    f = np.zeros_like(E)
    signs = (-1.0, 1.0) if terms == "both" else (1.0,)
    for s in signs:
        f += np.exp(log_th + _g(np.abs(E + s * hw_K), T, q, g))
    f *= K_B / HBAR
    V, wJ = _J0_nodes(q)
    root = np.sqrt(np.maximum(1.0 - 4.0 * V[:, None] ** 2 / E[None, :] ** 2, 0.0))
    return float(np.sum(wJ * V**2 * (root @ (wE * f))))


def resonant_sum(q: TFSoundQuad, hw_K: float, T_K: float) -> float:
    """S_res (module docstring), s^-1 m^-3 per unit coupling."""
    V, wJ = _J0_nodes(q)
    d2 = hw_K**2 - 4.0 * V**2
    ok = (d2 > 0) & (np.sqrt(np.maximum(d2, 0.0)) <= q.delta_max_K)
    m = np.sum(np.where(ok, wJ * V**2 * np.sqrt(np.maximum(d2, 0.0)) / hw_K, 0.0))
    T = float(T_K)
    return float(2 * PI * K_B / HBAR * math.exp(J1(T, q.params)) * math.tanh(0.5 * hw_K / T) * m)


def coupling_volume(q: TFSoundQuad, omega: float, pol: str) -> float:
    """c_α Ω0 (m^3) of the module docstring, the orientation average ⟨(ê·ĵ)²|e^{ik·ĵa} − 1|²⟩
    by adaptive quadrature over μ = k̂·ĵ (l: μ², t: (1 − μ²)/2 for (ê·ĵ)²)."""
    p = q.params
    v_D = (3.0 / (q.v_l ** -3 + 2.0 * q.v_t ** -3)) ** (1.0 / 3.0)
    q_D = p.theta_D_K * K_B / HBAR / v_D
    v = q.v_l if pol == "l" else q.v_t
    a, v_atom = PI / q_D, 6 * PI**2 / q_D**3
    x = omega / v * a
    proj = (lambda m: m * m) if pol == "l" else (lambda m: 0.5 * (1 - m * m))
    # 2(1 − cos xμ) = 4 sin²(xμ/2): no cancellation at small x
    avg = quad(lambda m: proj(m) * 4 * math.sin(0.5 * x * m) ** 2, 0.0, 1.0,
               epsabs=0.0, epsrel=1e-12, limit=200)[0]
    return HBAR * p.J1_per_m**2 / (8 * p.mass_kg * omega) * v_atom * avg


def tf_sound_exact(q: TFSoundQuad, f_Hz: float, T_K: float, pol: str) -> dict[str, float]:
    """{part: l⁻¹ (m^-1)} for resonant, sideband, total (NaN sideband/total where G is not
    covered by :mod:`.multiphonon`)."""
    omega = 2 * PI * f_Hz
    hw = HBAR * omega / K_B
    c = coupling_volume(q, omega, pol) / (q.v_l if pol == "l" else q.v_t)
    res = c * resonant_sum(q, hw, T_K)
    try:
        sb = c * sideband_sum(q, hw, T_K)
    except (OutsideQuadrature, ValueError):
        sb = math.nan
    return {"resonant": res, "sideband": sb, "total": res + sb}
