r"""Δv/v with TF's barrier-modulation coupling (TF §4; PHYSICS §10): the dispersive partner of
the zero-phonon line of :mod:`.tf_sound`.

Energies and temperatures in K.  Only differences Δv/v(T) − Δv/v(T_ref) are formed.

**Kramers–Kronig.**  At the sound's wave vector k = ω/v the coupling per unit strain is fixed,
and ΔM/M = −χ̃(ω') (M = ρv² the modulus) is a causal response with Q⁻¹ = Im χ̃, Δv/v = −½ Re χ̃
(v ∝ √M).  χ̃'' is odd and χ̃' even in ω', so KK gives, with Q⁻¹ = l⁻¹v/ω',

.. math:: \frac{\Delta v}{v}(\omega) = -\frac{1}{\pi}\,P\!\!\int_0^{\infty}
          \frac{\omega' Q^{-1}(\omega')}{\omega'^2 - \omega^2}\,d\omega' .

With TF's coupling Q⁻¹_k(ω') = (c_αΩ0/ω) Σ_i w_i Net_i(ħω') (c_αΩ0/ω at the sound's ω: per unit
strain, the same c_α as the attenuation).

**Zero-phonon line** (Net_i = Z(T) V_i² (Δ_i/E_i)² tanh(x/2T) δ(E_i − x), Z = 2π(k_B/ħ)e^{L(T)}):
the δ leaves −(c_αΩ0/πω) Σ_i w_i Z V_i²(Δ_i/E_i)² tanh(E_i/2T) E_i/(E_i² − w²), the STM law of
PHYSICS §10 with the T-dependent weight Z(T) inside (it multiplies the T and the T_ref terms
separately).  As for the attenuation the Δ integral is done per sample at its own V_i (exact for
any J0 distribution): with ∫dΔ (Δ/E)² h(E) and Δ*² = w² − 4V²,

.. math:: y_i = s\,V_i^2\,Y(V_i),\qquad Y(V) = P\!\!\int_0^{\Delta_{max}} d\Delta\,
          \frac{\Delta^2\,[a\tanh(E/2T) - b\tanh(E/2T_{ref})]}{E\,(\Delta^2 - \Delta^{*2})},

a = e^{L(T) − L*}, b = e^{L(T_ref) − L*}, L* = max(L(T), L(T_ref)) (no overflow), and
Δv/v_res = −(c_αΩ0/ω)(2k_B/ħ) e^{L*} Σ_i y_i (unbiased, variance Var(y)/N).  Y is tabulated on a
log grid of V over the population's J0 support (cubic spline in ln V; :func:`zero_phonon_table`),
each node by pole subtraction in Δ (:func:`pole_pv`).  STM limit (e^{L(T)} = e^{L(T_ref)}, V,
ħω ≪ T ≪ Δ_max): Y → ln(T_ref/T), i.e. Δv/v_res = C ln(T/T_ref) with πC = Q⁻¹_res(T → 0).

**No sideband velocity.**  The sideband's dispersive partner would be the KK transform of each
TLS's sideband Net over all ω'.  For ħω, E_i → 0 its kernel is the static weight
(tanh(x/2T) coth(x/2T) = 1)

.. math:: W(X) = \int_0^{X}\frac{dx}{x}\tanh\frac{x}{2T}\,\frac{K_{tot}(x)}{V^2}
          = \alpha\,e^{J_1(T)}\int_0^{X} x^2 e^{m(x,T)}\,dx\quad[\mathrm{s^{-1}\,K^{-2}}],

m = ln(K_multi/K_nondiag) of :mod:`tlsmc.rates.multiphonon` (:func:`sideband_kk_weight`).  With
TF's coupling the sideband is a compound-Poisson (polaron) band: relative weight e^{J1} − 1 ≈ 7.6e20
to the zero-phonon line, centred on the reorganisation energy λ = ∫ερ(ε)dε = (3R/4)Θ(1/3 − 1/π²)
= 5627 K with σ = 831 K (T → 0).  Measured (tests; 0.1–10 K): W(4Θ)/W(∞) < 4e-14, the
lattice's band has λ to 3.5e-6 and σ to 7.4e-5, W is converged to < 1e-6 under a twofold
lattice refinement; where W has its weight (x_p ≈ 5437 K) ħK_tot/(k_B x) = 5.5e9–6.2e9 for the
strongest TLS of tf1982_acoustics.toml (J0 = J_str = 68) and 3.3e4–3.8e4 for the weakest (J0 = 80).
The golden rule behind Net (second order in V) fails there by 4–10 decades, so a converged KK
would be a number outside the model's domain (W is 1.4e17–3e18 times the zero-phonon line's
static weight Z tanh(E/2T)/E at E = 1 K), and any cut-off below λ is a property of the cut
(Θ_D, 2Θ_D, 4Θ_D gave 4.3e-13, 9.3e-12, 2.3e-9 at 0.2 K on that scenario).
So TF mode writes ``dv_over_v`` for ``part = resonant`` only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate
from scipy.interpolate import CubicSpline

from ..rates.multiphonon import log_multiphonon_ratio
from ..rates.vibrations import TFParameters, J1_debye, coth_half, debye_density
from ..units import HBAR, K_B, PI

__all__ = ["pole_pv", "zero_phonon_table", "TFVelocityTables", "SidebandKK",
           "reorganisation_energy", "sideband_kk_weight"]

_N_DELTA = 3001
_N_V = 33
_NEAR = 1e-7        # nodes closer than this (relative) to a pole are dropped


def pole_pv(x: np.ndarray, H: np.ndarray, H_w: np.ndarray, w: float) -> np.ndarray:
    """P∫_0^{x[-1]} H(x)/(x − w) dx, w > 0, from H on an increasing positive grid x (last axis;
    H_w = H(w), shape H.shape[:-1]): the pole subtracted, ∫[H(x) − H(w)]/(x − w) dx by the
    trapezoid in ln x (the piece [0, x[0]] as x[0]·R(x[0])) plus H(w) ln|x[-1]/w − 1|."""
    keep = np.abs(x / w - 1.0) > _NEAR
    x, H = x[keep], H[..., keep]
    Hw = np.asarray(H_w, dtype=float)[..., None]
    R = (H - Hw) / (x - w)
    f = R * x
    reg = x[0] * R[..., 0] + np.sum(0.5 * (f[..., 1:] + f[..., :-1]) * np.diff(np.log(x)), -1)
    return reg + Hw[..., 0] * math.log(abs(x[-1] / w - 1.0))


def _log_trapezoid(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    f = g * x
    return x[0] * g[..., 0] + np.sum(0.5 * (f[..., 1:] + f[..., :-1]) * np.diff(np.log(x)), -1)


def zero_phonon_table(V_range_K: tuple[float, float], w_K: float, T: float, T_ref: float,
                      a: float, b: float, delta_max_K: float):
    """Y(V) of the module docstring as a callable of V (K), V in ``V_range_K``: the weights
    a, b of the tanh's, ħω/k_B = ``w_K``; K^-1·K = dimensionless per K of V² (see y_i)."""
    lo_V, hi_V = V_range_K
    V = np.geomspace(lo_V, hi_V, _N_V) if hi_V > lo_V * (1 + 1e-12) else np.array([lo_V])
    lo = 1e-6 * min(w_K, T, T_ref, delta_max_K)
    D = np.geomspace(lo, delta_max_K, _N_DELTA)
    Y = np.empty(V.size)
    for k, v in enumerate(V):
        E = np.sqrt(D * D + 4.0 * v * v)
        t = a * np.tanh(E / (2 * T)) - b * np.tanh(E / (2 * T_ref))
        d2 = w_K * w_K - 4.0 * v * v
        if d2 > 0.0:
            ds = math.sqrt(d2)
            tw = a * math.tanh(w_K / (2 * T)) - b * math.tanh(w_K / (2 * T_ref))
            Y[k] = pole_pv(D, D * D * t / (E * (D + ds)), ds * tw / (2.0 * w_K), ds)
        else:
            Y[k] = _log_trapezoid(D, D * D * t / (E * (D * D - d2)))
    if V.size == 1:
        return lambda v: np.full(np.shape(v), Y[0])
    spline = CubicSpline(np.log(V), Y)
    return lambda v: spline(np.clip(np.log(v), math.log(lo_V), math.log(hi_V)))


class TFVelocityTables:
    """Per (T, f) zero-phonon tables of one acoustic measurement in TF mode (built once, not per
    chunk): :meth:`samples` gives the per-sample terms y (module docstring) whose sums
    :meth:`log_prefactor` turns into Δv/v_res.

    ``L(T)``: ln of the zero-phonon enhancement (L of :func:`.tf_sound.zero_phonon_weight`).
    """

    def __init__(self, temperatures_K, T_ref: float, w_K, V_range_K: tuple[float, float],
                 delta_max_K: float, L):
        self.T, self.T_ref, self.w_K = tuple(temperatures_K), float(T_ref), np.asarray(w_K)
        self.L_ref = L(T_ref)
        self.L_star = [max(L(T), self.L_ref) for T in self.T]
        self.res = [[zero_phonon_table(V_range_K, w, T, T_ref, math.exp(L(T) - Ls),
                                       math.exp(self.L_ref - Ls), delta_max_K)
                     for w in self.w_K] for T, Ls in zip(self.T, self.L_star)]

    def samples(self, j: int, V_K, shell_scale: float) -> np.ndarray:
        """y (N, F) at temperature index j: y = s V² Y(V)."""
        V2 = V_K * V_K
        return np.stack([shell_scale * V2 * tab(V_K) for tab in self.res[j]], axis=1)

    def log_prefactor(self, j: int, c_over_omega: float) -> float:
        """ln|q| (q < 0): Δv/v_res = q Σy, q = −(c_αΩ0/ω)(2k_B/ħ)e^{L*} (module docstring)."""
        return math.log(c_over_omega) + math.log(2.0 * K_B / HBAR) + self.L_star[j]


def reorganisation_energy(T_K: float, params: TFParameters) -> tuple[float, float]:
    """(λ, σ) in K: mean and standard deviation of the polaron band Σ_n p^{*n}/n! (n ≥ 1).

    λ = ∫ερ(ε)dε = (3R/4)Θ(1/3 − 1/π²) (T-independent: p(ε) − p(−ε) = ρ(ε)),
    σ² = ∫ε²ρ(ε)coth(ε/2T)dε (quadrature), ρ of TF eq. 14 (``vibrations.debye_density``).
    """
    lam = 0.75 * params.R * params.theta_D_K * (1.0 / 3.0 - 1.0 / PI**2)
    var = integrate.quad(lambda e: e * e * debye_density(e, params) * coth_half(e / float(T_K)),
                         0.0, params.theta_D_K, epsabs=0.0, epsrel=1e-10)[0]
    return lam, math.sqrt(var)


@dataclass(frozen=True)
class SidebandKK:
    """Static KK weight of the TF sideband (module docstring), per unit V².

    Attributes: ``x_K`` grid (K); ``fraction`` W(x)/W(∞); ``log_weight`` ln W(∞) (W in
    s^-1 K^-2); ``x_peak_K`` where the integrand x² e^m peaks (K); ``log_rate_over_energy``
    ln[ħ K_tot(x_p)/(k_B x_p V²)] (K^-2: add 2 ln V for a TLS); ``rel_change`` the relative
    change of W(∞) when the multiphonon lattice is refined twofold.
    """

    x_K: np.ndarray
    fraction: np.ndarray
    log_weight: float
    x_peak_K: float
    log_rate_over_energy: float
    rel_change: float


def sideband_kk_weight(T_K: float, params: TFParameters, n_sigma: float = 12.0) -> SidebandKK:
    """W(x) of the module docstring from the direct (untabulated) multiphonon lattice.

    Grid: 400 log nodes from 1e-3 min(T, Θ) to Θ, then steps of σ/40 to λ + n_sigma·σ
    (:func:`reorganisation_energy`); the integrand is ∝ x² below T, so the lower end is
    negligible.  The trapezoid on this grid is converged to ~1e-6; ``rel_change`` reports the
    lattice's own convergence.  Everything is formed in logs (no overflow up to T = 300 K).
    """
    T = float(T_K)
    theta = params.theta_D_K
    lam, sig = reorganisation_energy(T, params)
    x_hi = max(lam + n_sigma * sig, 2.0 * theta)
    x = np.concatenate((np.geomspace(1e-3 * min(T, theta), theta, 400),
                        np.linspace(theta, x_hi, 2 + int(math.ceil(40.0 * (x_hi - theta) / sig)))[1:]))
    base = math.log(params.alpha_K) + float(J1_debye(T, params))

    def log_w(resolution: float) -> tuple[np.ndarray, float, int]:
        lg = 2.0 * np.log(x) + log_multiphonon_ratio(x, T, params, resolution)   # ln(x² e^m)
        i = int(np.argmax(lg))
        g = np.exp(lg - lg[i])
        cum = np.concatenate(([0.0], np.cumsum(0.5 * (g[1:] + g[:-1]) * np.diff(x))))
        return cum, float(lg[i]), i

    cum, top, i = log_w(1.0)
    cum2, top2, _ = log_w(2.0)
    log_rate = (math.log(HBAR / K_B) + base + top + math.log(float(coth_half(x[i] / T))))
    return SidebandKK(x, cum / cum[-1], base + top + math.log(cum[-1]), float(x[i]), log_rate,
                      abs(math.expm1(top2 + math.log(cum2[-1]) - top - math.log(cum[-1]))))
