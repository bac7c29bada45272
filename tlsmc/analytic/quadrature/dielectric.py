"""Deterministic quadrature of the STM dielectric response (PHYSICS §10), independent code.

The same cut-off model as the Monte Carlo (Δ ∈ [0, Δ_max], J0 uniform or structural with its
peak, Δ0 = 2ħν e^{−J0/2})
through :class:`~tlsmc.analytic.quadrature.acoustics.AcousticQuad` (own spectrum, own
one-phonon rate K = a Δ0² E coth(E/2T), plain NumPy/SciPy) with γε → pF cosθ, ρv² → ε0εr
and ⟨cos²θ⟩ = 1/3.  Nothing from the MC code (estimators, kernels, tlsmc.rates).

Saturated resonant part (own integral): on the shell E = w = ħω/k_B, s = Δ/E, u = √(1−s²),

.. math:: \\tan δ_{res}(F) = \\frac{π p^2}{3ε_0ε_r}\\tanh\\frac{w}{2T}\\,\\bar P\\int_0^1 ds\\,
          \\mathrm{pdf}(J_0^*(s))\\,\\mathbf 1[ws ≤ Δ_{max}]\\;
          3\\int_0^1 \\frac{c^2\\,dc}{\\sqrt{1 + (pFuc/ħ)^2 T_2/K(u)}},

Gauss–Legendre in s between the cut-off breakpoints and in c = cosθ on log-spaced panels
(the orientation average numerically, not by the MC's closed form).
"""
from __future__ import annotations

import math

import numpy as np

from .acoustics import AcousticQuad, _gauss

__all__ = ["saturated_ntilde", "dielectric_exact"]

from ...units import HBAR as _HBAR, K_B as _KB
_EPS0, _DEBYE = 8.8541878128e-12, 3.33564095198152e-30
_C_EDGES = np.concatenate(([0.0], np.geomspace(1e-6, 1.0, 13)))


def _orientation_numeric(a: np.ndarray) -> np.ndarray:
    """3∫_0^1 c²/√(1 + a c²) dc by Gauss–Legendre on panels (a array)."""
    c, wc = _gauss(_C_EDGES[:-1], _C_EDGES[1:])
    c, wc = c.ravel(), wc.ravel()
    a = np.asarray(a, float)[..., None]
    return 3.0 * np.sum(wc * c * c / np.sqrt(1.0 + a * c * c), axis=-1)


def saturated_ntilde(q: AcousticQuad, w: float, T: float, p_C_m: float, F: float,
                     T2: float) -> float:
    """P̄∫ds pdf 1[...] g(a(s)), J^-1 m^-3 (= ñ(w) at F = 0); a peak of the J0 pdf by
    :meth:`AcousticQuad.peak_shell` with the same factor g."""
    def sat(s, u):
        if F <= 0:
            return np.ones_like(u)
        K = q.a_rate * (u * w) ** 2 * w / math.tanh(w / (2.0 * T))
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(K > 0, (p_C_m * F * u / _HBAR) ** 2 * T2 / K, 0.0)
        return _orientation_numeric(a)

    cuts = [0.0, 1.0, min(1.0, q.delta_max_K / w)]
    for d0 in (q.d0_min, q.d0_max):
        if d0 < w:
            cuts.append(math.sqrt(1.0 - (d0 / w) ** 2))
    cuts = np.unique(np.clip(cuts, 0.0, 1.0))
    total = 0.0
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        s, ws = _gauss(lo, hi)
        s, ws = s.ravel(), ws.ravel()
        u = np.sqrt(1.0 - s * s)
        with np.errstate(divide="ignore"):
            pdf = q.J_pdf(2.0 * np.log(q.two_hbar_nu_K / (u * w))) * (w * s <= q.delta_max_K)
        total += float(np.sum(ws * pdf * sat(s, u)))
    return q.P_bar_per_J_m3 * (total + q.peak_shell(w, sat))


def dielectric_exact(q: AcousticQuad, f_Hz: float, T: float, T_ref: float, dipole_debye: float,
                     eps_r: float, T2_s: float | None, fields) -> dict:
    """{(observable, part, field_V_m): value} at one f and T (deps_over_eps at field 0)."""
    omega = 2.0 * math.pi * f_Hz
    w = _HBAR * omega / _KB
    p = dipole_debye * _DEBYE
    c = p * p / (3.0 * _EPS0 * eps_r)
    rel = c / _KB * q.relaxation(omega, T, "abs")
    out = {}
    for F in fields:
        res = math.pi * c * math.tanh(w / (2.0 * T)) * saturated_ntilde(q, w, T, p, F, T2_s)
        out[("tan_delta", "resonant", F)] = res
        out[("tan_delta", "relaxation", F)] = rel
        out[("tan_delta", "total", F)] = res + rel
    dres = 2.0 * c * q.pv_velocity(w, T, T_ref) if T != T_ref else 0.0
    drel = c / _KB * (q.relaxation(omega, T, "vel") - q.relaxation(omega, T_ref, "vel"))
    for part, v in (("resonant", dres), ("relaxation", drel), ("total", dres + drel)):
        out[("deps_over_eps", part, 0.0)] = v
    return out
