"""Numba kernels: the harmonic-oscillator basis of the soft-potential solver.

Only caller: :mod:`tlsmc._kernels.soft_potential`.  Basis y = c + ℓξ, Hermite functions
φ_k(ξ): the exact band (half-width 4) of −d²/dy² + η y² + t y³ + y⁴, the action of ξ,
Hermite function values and derivatives, and the half-line overlaps ∫_a^∞ used by the
Wronskian identity.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .banded_eigen import _dot

_NTAB = 4096 + 16
"""Length of the square-root tables (basis sizes up to 4000 plus the few extra indices used)."""
_K = np.arange(_NTAB, dtype=np.float64)
# square roots by index, each rounded exactly as the expression it replaces (numba freezes
# global arrays into the compiled code: a load instead of a sqrt in the hot loops)
_SQ = np.sqrt(_K)                          # √k
_SQH = np.sqrt(0.5 * _K)                   # √(k/2)
_S2K1 = np.sqrt(2.0 / (_K + 1.0))          # √(2/(k+1))
_SKK1 = np.sqrt(_K / (_K + 1.0))           # √(k/(k+1))


@njit(cache=True)
def _fill_band(eb, tb, c, ell, n, ab):
    """Lower band (half-width 4) of H − V(c) in the oscillator basis y = c + ell ξ.

    ab[j, d] = H[j + d, j] for d <= 4; column 5 (bulge space) and rows >= n are zeroed.
    """
    v1 = 2.0 * eb * c + 3.0 * tb * c * c + 4.0 * c ** 3
    v2 = eb + 3.0 * tb * c + 6.0 * c * c
    v3 = tb + 4.0 * c
    l2 = ell * ell
    l3 = l2 * ell
    l4 = l2 * l2
    for j in range(ab.shape[0]):
        for d in range(6):
            ab[j, d] = 0.0
    for j in range(n):
        m = float(j)
        ab[j, 0] = (m + 0.5) / l2 + v2 * l2 * (2.0 * m + 1.0) / 2.0 + l4 * (6.0 * m * m + 6.0 * m + 3.0) / 4.0
        if j + 1 < n:
            r = math.sqrt((m + 1.0) / 2.0)
            ab[j, 1] = v1 * ell * r + v3 * l3 * 1.5 * (m + 1.0) * r
        if j + 2 < n:
            r = math.sqrt((m + 1.0) * (m + 2.0))
            ab[j, 2] = -r / (2.0 * l2) + v2 * l2 * r / 2.0 + l4 * (2.0 * m + 3.0) * r / 2.0
        if j + 3 < n:
            ab[j, 3] = v3 * l3 * math.sqrt((m + 1.0) * (m + 2.0) * (m + 3.0)) / (2.0 * math.sqrt(2.0))
        if j + 4 < n:
            ab[j, 4] = l4 * math.sqrt((m + 1.0) * (m + 2.0) * (m + 3.0) * (m + 4.0)) / 4.0



@njit(cache=True)
def _xi_apply(x, m, y):
    """y[:m+1] = ξ x[:m] (oscillator-basis coordinate, no truncation)."""
    for i in range(m + 1):
        v = 0.0
        if i >= 1:
            v += _SQH[i] * x[i - 1]
        if i + 1 < m:
            v += _SQH[i + 1] * x[i + 1]
        y[i] = v



@njit(cache=True)
def _hermite(a, m, f, g):
    """f[k] = φ_k(a) for k <= m+1, g[k] = φ_k'(a) for k <= m (Hermite functions in ξ)."""
    f[0] = math.exp(-0.5 * a * a) / math.pi ** 0.25
    f[1] = math.sqrt(2.0) * a * f[0]
    for k in range(1, m + 1):
        f[k + 1] = _S2K1[k] * a * f[k] - _SKK1[k] * f[k - 1]
    for k in range(m + 1):
        g[k] = -_SQH[k + 1] * f[k + 1]
        if k > 0:
            g[k] += _SQH[k] * f[k - 1]


@njit(cache=True)
def _value(x, n, a, f, g):
    """Σ x_k φ_k(a) (ξ units) using f as scratch."""
    _hermite(a, n, f, g)
    return _dot(x, f, n)


@njit(cache=True)
def _half_line_overlaps(a, n, f, g, u, v, scratch):
    """∫_a^∞ of u², v², uv over ξ for oscillator-basis vectors u, v (f, g from _hermite).

    Off-diagonal basis integrals by the Wronskian identity
    ∫_a^∞ φ_k φ_l = [φ_k φ_l' − φ_l φ_k'](a) / (2(l − k)); diagonal ones by an
    upward recurrence from ∫_a^∞ φ_0² = erfc(a)/2.  scratch: (5, >= n) work array.
    """
    uf = scratch[0]
    ug = scratch[1]
    vf = scratch[2]
    vg = scratch[3]
    winv = scratch[4]
    for k in range(n):
        uf[k] = u[k] * f[k]
        ug[k] = u[k] * g[k]
        vf[k] = v[k] * f[k]
        vg[k] = v[k] * g[k]
        winv[k] = 0.5 / k if k > 0 else 0.0
    auu = 0.0
    avv = 0.0
    auv = 0.0
    gkk = 0.5 * math.erfc(a)
    for k in range(n):
        if k > 0:
            acc = f[k] * f[k - 1] + _SQH[k + 1] * (f[k + 1] * g[k - 1] - f[k - 1] * g[k + 1]) / 4.0
            if k >= 2:
                acc -= _SQH[k - 1] * (f[k] * g[k - 2] - f[k - 2] * g[k]) / 4.0
            gkk = gkk + acc / _SQH[k]
        auu += u[k] * u[k] * gkk
        avv += v[k] * v[k] * gkk
        auv += u[k] * v[k] * gkk
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        s4 = 0.0
        for l in range(k + 1, n):
            w = winv[l - k]
            s1 += w * ug[l]
            s2 += w * uf[l]
            s3 += w * vg[l]
            s4 += w * vf[l]
        # Σ_{l>k} G_kl x_k y_l with G_kl = (f_k g_l − f_l g_k) / (2(l − k))
        auu += 2.0 * (uf[k] * s1 - ug[k] * s2)
        avv += 2.0 * (vf[k] * s3 - vg[k] * s4)
        auv += uf[k] * s3 - ug[k] * s4 + vf[k] * s1 - vg[k] * s2
    return auu, avv, auv




@njit(cache=True)
def _displaced_states(a, n, x, first, count):
    """x[first + m] (m < count): displaced number states D(α)|m⟩ about ξ = a (α = a/√2), truncated to n.

    |α, m+1⟩ ∝ (a† − α)|α, m⟩ from the coherent state |α⟩ = e^{−α²/2} Σ α^k/√k! |k⟩;
    each normalised (start vectors localised in a well at ξ = a).
    """
    al = a / math.sqrt(2.0)
    x[first, 0] = math.exp(-0.5 * al * al)
    for k in range(1, n):
        x[first, k] = x[first, k - 1] * al / _SQ[k]
    for m in range(1, count):
        r = first + m
        for k in range(n):
            x[r, k] = (_SQ[k] * x[r - 1, k - 1] if k > 0 else 0.0) - al * x[r - 1, k]
    for m in range(count):
        s = 0.0
        for k in range(n):
            s += x[first + m, k] * x[first + m, k]
        s = 1.0 / math.sqrt(s)
        for k in range(n):
            x[first + m, k] *= s
