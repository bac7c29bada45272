"""Deterministic quadrature of the phonon thermal conductivity (PHYSICS §11), independent code.

κ = (1/3) Σ_α m_α ∫_0^∞ dω C_α(ω) v_α / l⁻¹_α(ω) with C_α = k_B x²eˣ/(eˣ−1)² ω²/(2π²v_α³),
x = ħω/k_BT (up to a branch's Debye cut-off ω_D,α when given), evaluated with
scipy.integrate.quad in u = ln x (nothing from the Monte Carlo
code); with the relaxation part (each integrand value a nested quadrature, 23 ms) a fixed
composite Gauss–Legendre rule in u, 10 nodes on each of 11 panels plus the cut-off kinks (relative accuracy ~1e-8
against the adaptive rule on the silica model).  l⁻¹_α(ω) = resonant πωγ_α² ñ(ħω) tanh(x/2)/(ρv_α³) + relaxation
ωγ_α² Σw D²(−f')ωτ/(1+ω²τ²)/(k_Bρv_α³) + 1/l_b + Aω⁴, with ñ and the relaxation sum of the
cut-off STM from :class:`tlsmc.analytic.quadrature.acoustics.AcousticQuad` (its own spectrum
and one-phonon rate), or ñ = P̄ exactly (``quad=None``, the STM without cut-offs).
"""
from __future__ import annotations

import math

import numpy as np

from ...units import HBAR as _HBAR, K_B as _KB, PI as _PI
from .checked import QuadSum

__all__ = ["kappa_quadrature", "KAPPA_RTOL"]

KAPPA_RTOL = 1e-8
"""Stated relative accuracy of the adaptive (resonant-only) κ: QUADPACK's summed ``abserr``
above it raises :class:`~.checked.QuadratureFailure` (it is asked for ``epsrel`` = 1e-10)."""


_GL_X, _GL_W = np.polynomial.legendre.leggauss(10)


def _fixed_rule(lo, kinks=(), hi=math.log(60.0)):
    """Composite Gauss–Legendre (10 nodes per panel) in u = ln x on [lo, hi], with the
    kinks of ñ (cut-offs, as x) as extra panel edges."""
    inner = [math.log(e) for e in (1e-6, 1e-4, 1e-3, 1e-2, 0.1, 0.5, 2.0, 6.0, 15.0, 30.0, *kinks)
             if lo < math.log(e) < hi]
    edges = [lo] + sorted(set(inner)) + [hi]
    a, b = np.array(edges[:-1])[:, None], np.array(edges[1:])[:, None]
    return (a + 0.5 * (b - a) * (_GL_X + 1)).ravel(), (0.5 * (b - a) * _GL_W).ravel()


def kappa_quadrature(T_K, branches, *, parts=("resonant",), P_bar=None, quad=None, l_b=None,
                     A=None, u_lo=None, epsrel=1e-10, omega_cut=None, relax_cache=None) -> dict:
    """{polarization: κ_α, 'all': Σ} in W m⁻¹ K⁻¹ at T_K.

    Parameters
    ----------
    branches : [(polarization, multiplicity, γ in J, ρ in kg m⁻³, v in m s⁻¹)]
    parts : TLS parts included, subset of ("resonant", "relaxation")
    P_bar : ñ = P̄ (J⁻¹ m⁻³) when ``quad`` is None
    quad : an AcousticQuad (cut-off STM with one-phonon rates) for ñ(E) and the relaxation sum
    l_b, A : boundary length (m) and Rayleigh coefficient (m⁻¹ s⁴), or None
    omega_cut : {polarization: Debye cut-off ω_D,α (rad s⁻¹)} (the integral ends there), or None
    relax_cache : dict shared between calls with the same ``quad`` (keys (T, x)): the nested
        relaxation quadratures are computed once per node (measurements of one scenario that
        differ only in l_b, A share their nodes), or None (a cache for this call only)
    """
    T = float(T_K)
    cache = {} if relax_cache is None else relax_cache

    def relax(x):
        key = (T, x)
        if key not in cache:
            cache[key] = quad.relaxation(x * _KB * T / _HBAR, T, "abs")
        return cache[key]

    def ntilde(x):
        return quad.ntilde(x * T) if quad is not None else P_bar

    out = {}
    for pol, mult, g, rho, v in branches:
        def f(u):
            x = math.exp(u)
            omega = x * _KB * T / _HBAR
            inv = 0.0
            if "resonant" in parts:
                inv += _PI * omega * g * g / (rho * v**3) * ntilde(x) * math.tanh(0.5 * x)
            if "relaxation" in parts:
                inv += omega * g * g / (_KB * rho * v**3) * relax(x)
            if l_b:
                inv += 1.0 / l_b
            if A:
                inv += A * omega**4
            h = x * x * math.exp(-x) / math.expm1(-x) ** 2
            c = _KB * h * omega**2 / (2 * _PI**2 * v**3)
            return c * v / inv * omega          # dω = ω du
        lo = u_lo if u_lo is not None else math.log(1e-9)
        hi = math.log(60.0)
        if omega_cut:
            hi = min(hi, math.log(_HBAR * omega_cut[pol] / (_KB * T)))
            lo = min(lo, hi - 25.0)
        pts = [0.0]
        if A and l_b:
            xc = _HBAR * (A * l_b) ** -0.25 / (_KB * T)
            lo = min(lo, math.log(xc) - 25.0)
            pts.append(math.log(xc))
        edges = sorted(set([lo, *[p for p in pts if lo < p < hi], hi]))
        if "relaxation" in parts:     # each f costs one nested relaxation quadrature
            kinks = [k / T for k in quad.kinks()] + [math.exp(p) for p in pts[1:]]
            uu, ww = _fixed_rule(lo, kinks, hi)
            out[pol] = mult * sum(wi * f(ui) for ui, wi in zip(uu, ww)) / 3.0
            continue
        acc = QuadSum(f"kappa_{pol} at T = {T:g} K", KAPPA_RTOL)
        for a, b in zip(edges[:-1], edges[1:]):
            acc.add(f, a, b, limit=200, epsabs=0.0, epsrel=epsrel)
        out[pol] = mult * acc.value() / 3.0
    out["all"] = sum(out.values())
    return out
