r"""Independent quadrature of the zero-phonon Δv/v with TF's barrier-modulation coupling
(PHYSICS §10 "TF §4").

Written from PHYSICS §10 and the Kramers–Kronig relation, without the Monte Carlo's code: the
coupling from :mod:`.tf_acoustics`, the principal values by QUADPACK's Cauchy-weight rule
(``scipy.integrate.quad(weight="cauchy")``), the J0 integral by Gauss–Legendre (the Monte
Carlo tabulates Y(V) and sums samples).

KK at the sound's wave vector (coupling per unit strain fixed, c_αΩ0/ω at the sound's ω):

.. math:: \frac{\Delta v}{v}(\omega) = -\frac{1}{\pi}P\!\!\int_0^{X}
          \frac{\omega' Q^{-1}(\omega')}{\omega'^2-\omega^2}d\omega',\qquad
          Q^{-1}(\omega') = \frac{c_\alpha\Omega_0}{\omega}\,S(\hbar\omega'),

so in K (x = ħω'/k_B, w = ħω/k_B) Δv/v = −(c_αΩ0/πω) P∫_0^X dx x S(x)/(x² − w²), X = Θ_D.
Resonant (δ-line, Z = 2π(k_B/ħ)e^{J1(T)}): the x integral collapses onto E,

.. math:: \frac{\Delta v}{v}_{res} = -\frac{c_\alpha\Omega_0}{\pi\omega}\int dJ_0\,
          \tfrac{\bar P}{2}\mathrm{pdf}(J_0)\,V^2\,P\!\!\int_{2V}^{E_{max}} dE\,
          \sqrt{1-\tfrac{4V^2}{E^2}}\;\frac{E\,[Z(T)\tanh\frac{E}{2T} - Z(T_r)\tanh\frac{E}{2T_r}]}
          {E^2 - w^2}.

The sideband's Kramers–Kronig partner is not computed (its spectral weight lies far above
k_BΘ_D; the Monte Carlo writes no sideband velocity either).
"""
from __future__ import annotations

import math

import numpy as np

from ...units import HBAR, K_B, PI
from .checked import quad
from .multiphonon import J1
from .tf_acoustics import TFSoundQuad

__all__ = ["resonant_velocity_sum"]

_GL8 = np.polynomial.legendre.leggauss(8)


def _kw(f, a, b, pole=None):
    """∫_a^b f, or P∫_a^b f(E)/(E − pole) when a < pole < b."""
    if pole is None:
        return quad(f, a, b, epsabs=0.0, epsrel=1e-10, limit=400)[0]
    return quad(f, a, b, weight="cauchy", wvar=pole, epsabs=0.0, epsrel=1e-10, limit=400)[0]


def _pv(g, lo: float, hi: float, w: float, breaks) -> float:
    """P∫_lo^hi g(E) E/(E² − w²) dE (g smooth), pieces split at ``breaks``; the piece around
    w by the Cauchy weight with g(E)E/(E + w)."""
    pts = sorted({lo, hi, *[b for b in breaks if lo < b < hi]})
    a_w, b_w = max(lo, 0.5 * w), min(hi, 2.0 * w)
    total = 0.0
    if lo < w < hi:
        pts = sorted({p for p in pts if not a_w < p < b_w} | {a_w, b_w})
    for a, b in zip(pts[:-1], pts[1:]):
        if a == a_w and b == b_w and lo < w < hi:
            total += _kw(lambda E: g(E) * E / (E + w), a, b, pole=w)
        else:
            total += _kw(lambda E: g(E) * E / (E * E - w * w), a, b)
    return total


def resonant_velocity_sum(q: TFSoundQuad, hw_K: float, T: float, T_ref: float) -> float:
    """Σ of the resonant formula (module docstring) without −c_αΩ0/πω, s^-1 m^-3."""
    Z, Zr = (2 * PI * K_B / HBAR * math.exp(J1(t, q.params)) for t in (T, T_ref))
    t, w = _GL8
    J = 0.5 * (q.J_hi - q.J_lo) * (t + 1) + q.J_lo
    wJ = 0.5 * (q.J_hi - q.J_lo) * w * q.half_density * np.asarray(q.pdf(J), dtype=float)
    total = 0.0
    for Jk, wk in zip(J, wJ):
        V = q.params.nu_rad_s * HBAR / K_B * math.exp(-0.5 * Jk)
        E_max = math.hypot(q.delta_max_K, 2 * V)

        def g(E, V=V):
            r = math.sqrt(max(1.0 - 4 * V * V / (E * E), 0.0))
            return r * (Z * math.tanh(E / (2 * T)) - Zr * math.tanh(E / (2 * T_ref)))
        brk = [x * s for x in (T, T_ref) for s in (0.1, 1.0, 10.0)]
        total += wk * V * V * _pv(g, 2 * V, E_max, hw_K, brk)
    return total
