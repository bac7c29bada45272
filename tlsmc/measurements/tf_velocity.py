r"""Δv/v with TF's barrier-modulation coupling (TF §4; PHYSICS §10): the dispersive partners of
the zero-phonon line and of the sideband absorption of :mod:`.tf_sound`.

Energies and temperatures in K.  Only differences Δv/v(T) − Δv/v(T_ref) are formed.

**Kramers–Kronig.**  At the sound's wave vector k = ω/v the coupling per unit strain is fixed,
and ΔM/M = −χ̃(ω') (M = ρv² the modulus) is a causal response with Q⁻¹ = Im χ̃, Δv/v = −½ Re χ̃
(v ∝ √M).  χ̃'' is odd and χ̃' even in ω', so KK gives, with Q⁻¹ = l⁻¹v/ω',

.. math:: \frac{\Delta v}{v}(\omega) = -\frac{1}{\pi}\,P\!\!\int_0^{\infty}
          \frac{\omega' Q^{-1}(\omega')}{\omega'^2 - \omega^2}\,d\omega'
          = -\frac{v}{\pi}\,P\!\!\int_0^{\infty}\frac{l^{-1}(\omega')}{\omega'^2-\omega^2}
          \,d\omega' .

Checks (tests): a Debye relaxation Q⁻¹ = A ωτ/(1 + ω²τ²) gives −(A/2)/(1 + ω²τ²), PHYSICS §10's
Δv/v_rel; the STM resonant Q⁻¹ = (πγ²/ρv²) ñ tanh gives PHYSICS §10's resonant velocity law.
With TF's coupling Q⁻¹_k(ω') = (c_αΩ0/ω) Σ_i w_i Net_i(ħω') (c_αΩ0/ω at the sound's ω: per unit
strain, the same c_α as the attenuation).  In K units (x = ħω'/k_B, ħω/k_B = w):

.. math:: \frac{\Delta v}{v} = -\frac{c_\alpha\Omega_0}{\pi\omega}\sum_i w_i\,
          P\!\!\int_0^{X} \frac{x\,\mathrm{Net}_i(x)}{x^2 - w^2}\,dx .

**Zero-phonon line** (Net_i = Z(T) V_i² (Δ_i/E_i)² tanh(x/2T) δ(E_i − x), Z = 2π(k_B/ħ)e^{L(T)}):
the δ leaves −(c_αΩ0/πω) Σ_i w_i Z V_i²(Δ_i/E_i)² tanh(E_i/2T) E_i/(E_i² − w²), the STM law of
PHYSICS §10 with the T-dependent weight Z(T) inside (it multiplies the T and the T_ref terms
separately).  As for the attenuation the Δ integral is done per sample at its own V_i (exact for
any J0 distribution): with ∫dΔ (Δ/E)² h(E) and Δ*² = w² − 4V²,

.. math:: y_i = s\,V_i^2\,Y(V_i),\qquad Y(V) = P\!\!\int_0^{\Delta_{max}} d\Delta\,
          \frac{\Delta^2\,[a\tanh(E/2T) - b\tanh(E/2T_{ref})]}{E\,(\Delta^2 - \Delta^{*2})},

a = e^{L(T) − L*}, b = e^{L(T_ref) − L*}, L* = max(L(T), L(T_ref)) (no overflow), and
Δv/v_res = −(c_αΩ0/ω)(2k_B/ħ) e^{L*} Σ_i y_i.  Y is tabulated on a log grid of V over the
population's J0 support (cubic spline in ln V; :func:`zero_phonon_table`), each node by pole
subtraction in Δ (:func:`pole_pv`).  STM limit (e^{L(T)} = e^{L(T_ref)}, V, ħω ≪ T ≪ Δ_max):
Y → ln(T_ref/T), i.e. Δv/v_res = C ln(T/T_ref) with πC = Q⁻¹_res(T → 0).

**Sideband**: per TLS Net_i(x) = V_i²(Δ_i/E_i)² n(E_i, x) (K_tot ∝ V²; n = Net at V = 1 K,
Δ = E), so y_i = w_i V_i²(Δ_i/E_i)² d(E_i) with d(E) = P∫_0^X x n(E, x)/(x² − w²) dx tabulated on
one log grid that serves for E and x (kinks of n at x = E fall on nodes; :func:`sideband_table`),
X = k_BΘ_D/k_B (the Debye cut-off: the sideband response beyond it is not included), cubic spline
in ln E; stored divided by e^{ℓ(T)} (ℓ the accumulator's log_scale).  Quadrature error: the
trapezoid in ln x with :data:`N_GRID` nodes and the spline: the T − T_ref difference moves
≈ 2e-3 (relative) when the grid doubles (test < 3e-3; convergence ~O(h), from the Debye
weight's steep fall just below Θ_D); the ensemble result agrees with the independent quadrature
within its 5 % tolerance (tlsmc.comparison.tf_acoustics.RTOL_SB_VELOCITY).

**Caveat: the sideband part is not converged in X.**  The KK integrand ≈ Net(x)/x grows with x
up to the cut (the one-phonon Net ∝ x³ and, for ``tf_multiphonon``, the higher orders keep rising
beyond Θ_D).  Measured on scenarios/tf1982_acoustics.toml (100 MHz, l, N = 2e4, T_ref = 1 K) with
X = Θ_D, 2Θ_D, 4Θ_D: at 0.2 K 4.3e-13, 9.3e-12, 2.3e-9; at 3.2 K −4.5e-12, −1.0e-10, −2.6e-8;
at 10 K −1.2e-10, −2.9e-9, −8.2e-7.  So the ``sideband`` and ``total`` Δv/v rows are defined by
the cut at the Debye energy (the end of the sound branch), not predictions of the model; the
``resonant`` part has no such dependence.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import CubicSpline

from .tf_sound import sideband_net

__all__ = ["pole_pv", "kk_velocity", "zero_phonon_table", "sideband_table", "N_GRID"]

N_GRID = 480
"""Log-grid nodes of a sideband table from 1e-6 min(T, ħω) to Θ_D (one grid for E and x;
:func:`log_grid`)."""
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


def kk_velocity(x: np.ndarray, q_inv: np.ndarray, q_inv_w: np.ndarray, w: float) -> np.ndarray:
    """Δv/v(w) = −(1/π) P∫_0^{x[-1]} x Q⁻¹(x)/(x² − w²) dx (module docstring) from Q⁻¹ on the
    grid x (last axis) and at w (any unit of frequency, the same for x and w)."""
    return -pole_pv(x, q_inv * x / (x + w), 0.5 * np.asarray(q_inv_w), w) / math.pi


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


def log_grid(lo: float, cut: float, top: float, n: int = N_GRID) -> np.ndarray:
    """Log grid from lo to max(cut, top) with ``cut`` a node: n/2 nodes on [lo, cut/8] and
    n/2 on [cut/8, cut] (the KK integrand, ∝ x³ n, is largest just below the cut), the top
    spacing continued above ``cut``."""
    g = np.concatenate([np.geomspace(lo, cut / 8, n // 2)[:-1], np.geomspace(cut / 8, cut, n // 2)])
    if top > cut:
        h = math.log(g[-1] / g[-2])
        g = np.concatenate([g, cut * np.exp(h * np.arange(1, int(math.log(top / cut) / h) + 2))])
    return g


def sideband_table(T: float, w_K: np.ndarray, params, channel: str, vibration: str,
                   E_top_K: float, log_scale: float, n: int = N_GRID):
    """Splines d_f(ln E) (one per ħω_f/k_B in ``w_K``) of d(E)/e^{log_scale} (module
    docstring), s^-1 K^-2 · K = s^-1 K^-1 per K² of V², for E up to ``E_top_K``."""
    w_K = np.atleast_1d(np.asarray(w_K, dtype=float))
    X = params.theta_D_K
    g = log_grid(1e-6 * min(T, float(w_K.min())), X, E_top_K, n)
    ones = np.ones(g.size)
    net = sideband_net(g, g, ones, T, np.concatenate([g[g <= X], w_K]), params, channel,
                       vibration) * math.exp(-log_scale)
    m = int(np.sum(g <= X))
    x = g[:m]
    out = []
    for f, w in enumerate(w_K):
        d = pole_pv(x, net[:, :m] * x / (x + w), 0.5 * net[:, m + f], w)
        out.append(CubicSpline(np.log(g), d))
    lo, hi = math.log(g[0]), math.log(g[-1])
    return [lambda E, s=s: s(np.clip(np.log(np.maximum(E, 1e-300)), lo, hi)) for s in out]


class TFVelocityTables:
    """Per (T, f) tables of one acoustic measurement in TF mode (built once, not per chunk):
    :meth:`samples` gives the per-sample terms y_res (zero-phonon) and u (sideband, T − T_ref,
    in units of e^{ℓ*}) whose sums :meth:`prefactors` turn into Δv/v.

    ``L(T)``: ln of the zero-phonon enhancement (L of :func:`.tf_sound.zero_phonon_weight`);
    ``log_scale(T)``: ℓ(T) by which the sideband tables are divided.
    """

    def __init__(self, temperatures_K, T_ref: float, w_K, params, channel: str, vibration: str,
                 V_range_K: tuple[float, float], delta_max_K: float, L, log_scale):
        self.T, self.T_ref, self.w_K = tuple(temperatures_K), float(T_ref), np.asarray(w_K)
        E_top = 1.01 * math.hypot(delta_max_K, 2.0 * V_range_K[1])
        self.L_ref, self.l_ref = L(T_ref), log_scale(T_ref)
        self.L_star = [max(L(T), self.L_ref) for T in self.T]
        self.l_star = [max(log_scale(T), self.l_ref) for T in self.T]
        self.res = [[zero_phonon_table(V_range_K, w, T, T_ref, math.exp(L(T) - Ls),
                                       math.exp(self.L_ref - Ls), delta_max_K)
                     for w in self.w_K] for T, Ls in zip(self.T, self.L_star)]
        sb = lambda T: sideband_table(T, self.w_K, params, channel, vibration, E_top,  # noqa
                                      log_scale(T))
        self.sb = [sb(T) for T in self.T]
        self.sb_ref = sb(T_ref)
        self.sb_w = [(math.exp(log_scale(T) - ls), math.exp(self.l_ref - ls))
                     for T, ls in zip(self.T, self.l_star)]

    def samples(self, j: int, V_K, E_K, delta_K, weight, shell_scale: float):
        """(y_res, u), each (N, F), at temperature index j: y_res = s V² Y(V) and
        u = w (Δ/E)² V² [d_T(E) e^{ℓ(T)−ℓ*} − d_ref(E) e^{ℓ(T_ref)−ℓ*}]."""
        V2 = V_K * V_K
        y = np.stack([shell_scale * V2 * tab(V_K) for tab in self.res[j]], axis=1)
        r = delta_K / np.where(E_K > 0.0, E_K, 1.0)
        c = weight * r * r * V2
        a, b = self.sb_w[j]
        u = np.stack([c * (a * dT(E_K) - b * dR(E_K))
                      for dT, dR in zip(self.sb[j], self.sb_ref)], axis=1)
        return y, u

    def log_prefactors(self, j: int, c_over_omega: float) -> tuple[float, float]:
        """ln|q_res|, ln|q_sb| (both q < 0): Δv/v_res = q_res Σy, Δv/v_sb = q_sb Σu, with
        q_res = −(c_αΩ0/ω)(2k_B/ħ)e^{L*}, q_sb = −(c_αΩ0/πω)e^{ℓ*} (module docstring)."""
        from ..units import HBAR, K_B
        base = math.log(c_over_omega)
        return (base + math.log(2.0 * K_B / HBAR) + self.L_star[j],
                base - math.log(math.pi) + self.l_star[j])

