r"""Weak-coupling BCS gap Δ(T) and the electronic entropy and heat capacity of a BCS metal.

The gap equation with the cut-off eliminated through Δ(0) (Tinkham, *Introduction to
Superconductivity*, 2nd ed., eqs. 3.27, 3.53; Bardeen, Cooper & Schrieffer, Phys. Rev. 108,
1175 (1957)), written with ξ = Δ sinh u so that the integrand is smooth:

.. math::
    \ln\frac{\Delta(0)}{\Delta(T)} = 2\int_0^\infty \frac{f(E)}{E}\,d\xi
                                   = 2\int_0^\infty \frac{du}{e^{\Delta\cosh u/T}+1},
    \qquad \Delta(0) = \pi e^{-\gamma_E} k_BT_c = 1.76388\,k_BT_c .

Δ/T_c = g(T/T_c) is universal, so g is solved once (root finding on a fixed grid of
t = T/T_c, refined toward t = 1) and interpolated through the smooth function
h(t) = g(t)²/(1 − t), which tends to 8π²/(7ζ(3)) = 9.384 at T_c, i.e.
Δ ≈ 3.063 k_BT_c √(1 − T/T_c) there.  Below t = 0.05, g = Δ(0)/T_c to < 1e-14.

Electronic entropy and heat capacity per unit volume, ν the density of states at the
Fermi level (both spins), energies in K (Tinkham eqs. 3.49–3.50 with N(0) = ν/2):

.. math::
    S_{es} = 2k_B\nu k_B\int_0^\infty d\xi\,s(f(E)),\quad s(f) = -f\ln f-(1-f)\ln(1-f);
    \qquad S_n = \frac{\pi^2}{3}\nu k_B^2 T,

    \frac{C_{es}}{C_n} = \frac{6}{\pi^2}\int_0^\infty dx\,f(1-f)\Big(e^2 -
    \frac{1}{2t}\frac{d g^2}{dt}\Big),\quad e = \sqrt{x^2+\Delta^2/T^2}

(x = ξ/T).  Checks (tests): S continuous at T_c, the jump ΔC/C_n = 12/(7ζ(3)) = 1.426,
C = T dS/dT, and S_es ≈ S_n (6/π²) e^{−Δ/T}(1 + Δ/T)√(πΔ/2T) at T ≪ T_c.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import integrate, optimize
from scipy.interpolate import CubicSpline
from scipy.special import expit

from ..units import EULER_GAMMA, PI

__all__ = ["DELTA0_OVER_TC", "gap_K", "gap_ratio", "entropy_ratio", "heat_capacity_ratio"]

DELTA0_OVER_TC: float = PI * np.exp(-EULER_GAMMA)
"""Δ(0)/k_BT_c = π e^{−γ_E} = 1.763877 (weak-coupling BCS)."""

_T_LOW = 0.05      # below: Δ = Δ(0) (the correction ~ e^{-Δ0/T} < 1e-14)


def _gap_residual(g: float, t: float) -> float:
    """ln(g0/g) − 2∫_0^∞ du f(g cosh u / t): zero at the BCS gap g = Δ/T_c for t = T/T_c."""
    a = g / t
    u_max = np.arccosh(max(60.0 / a, 1.0)) + 1.0
    val, _ = integrate.quad(lambda u: expit(-a * np.cosh(u)), 0.0, u_max,
                            epsabs=1e-15, epsrel=1e-13, limit=200)
    return np.log(DELTA0_OVER_TC / g) - 2.0 * val


def _solve_gap(t: float) -> float:
    if t <= _T_LOW:
        return DELTA0_OVER_TC
    lo = 1e-9 * DELTA0_OVER_TC
    return optimize.brentq(_gap_residual, lo, DELTA0_OVER_TC, args=(t,), xtol=1e-15, rtol=1e-14)


@lru_cache(maxsize=1)
def _table() -> CubicSpline:
    """Spline of h(t) = g(t)²/(1 − t) on [_T_LOW, 1] (solved once per process)."""
    s = np.linspace(0.0, 1.0, 121)
    graded = 1.0 - (1.0 - _T_LOW) * (1.0 - s) ** 2             # dense toward t = 1
    t = np.unique(np.concatenate([graded[1:-1], np.linspace(_T_LOW, 0.6, 111), [1.0 - 1e-7]]))
    g = np.array([_solve_gap(x) for x in t])
    return CubicSpline(t, g**2 / (1.0 - t))


def gap_ratio(t) -> np.ndarray:
    """Δ(T)/k_BT_c as a function of t = T/T_c (0 for t >= 1); dimensionless."""
    t = np.asarray(t, dtype=float)
    tc = np.clip(t, _T_LOW, 1.0)
    g2 = np.where(t < 1.0, _table()(tc) * (1.0 - tc), 0.0)
    g = np.minimum(np.sqrt(np.maximum(g2, 0.0)), DELTA0_OVER_TC)   # Δ(T) <= Δ(0): spline wiggles
    return np.where(t <= _T_LOW, DELTA0_OVER_TC, g)


def gap_K(T_K, Tc_K: float) -> np.ndarray:
    """BCS gap Δ(T)/k_B in K for T_c = ``Tc_K`` (K); 0 at T >= T_c."""
    if not Tc_K > 0:
        raise ValueError(f"Tc_K must be > 0 K (got {Tc_K})")
    return Tc_K * gap_ratio(np.asarray(T_K, dtype=float) / Tc_K)


def _dg2_dt(t: np.ndarray) -> np.ndarray:
    """d(Δ/T_c)²/dt (0 at t >= 1 and t <= _T_LOW)."""
    tab = _table()
    tc = np.clip(t, _T_LOW, 1.0)
    d = tab.derivative()(tc) * (1.0 - tc) - tab(tc)
    return np.where((t < 1.0) & (t > _T_LOW), d, 0.0)


def _binary_entropy(f: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -f * np.log(f) - (1.0 - f) * np.log1p(-f)
    return np.where((f > 0.0) & (f < 1.0), s, 0.0)


_X = None


def _nodes():
    """Gauss–Legendre nodes on x = ξ/T in [0, 80] (panels; the integrands are < e^-80 beyond)."""
    global _X
    if _X is None:
        xg, wg = np.polynomial.legendre.leggauss(40)
        edges = np.array([0.0, 0.5, 1, 2, 4, 8, 16, 32, 50, 80.0])
        a, b = edges[:-1, None], edges[1:, None]
        _X = ((0.5 * (b - a) * xg + 0.5 * (a + b)).ravel(), (0.5 * (b - a) * wg).ravel())
    return _X


def entropy_ratio(T_K, Tc_K: float | None) -> np.ndarray:
    """S_es(T)/S_n(T): BCS electronic entropy over the normal-state (π²/3)νk_B²T (1 at T >= T_c).

    ``Tc_K`` None means a normal metal (ratio 1).
    """
    T = np.atleast_1d(np.asarray(T_K, dtype=float))
    if Tc_K is None:
        return np.ones_like(T)
    x, w = _nodes()
    d = gap_K(T, Tc_K) / T
    e = np.sqrt(x[None, :] ** 2 + d[:, None] ** 2)
    r = (6.0 / PI**2) * (_binary_entropy(expit(-e)) @ w)
    return np.where(T >= Tc_K, 1.0, r)


def heat_capacity_ratio(T_K, Tc_K: float | None) -> np.ndarray:
    """C_es(T)/C_n(T) (1 at T >= T_c; 1 + 12/(7ζ(3)) just below T_c); None: normal metal."""
    T = np.atleast_1d(np.asarray(T_K, dtype=float))
    if Tc_K is None:
        return np.ones_like(T)
    x, w = _nodes()
    t = T / Tc_K
    d = gap_K(T, Tc_K) / T
    e2 = x[None, :] ** 2 + d[:, None] ** 2
    f = expit(-np.sqrt(e2))
    term = e2 - (_dg2_dt(t) / (2.0 * t))[:, None]
    r = (6.0 / PI**2) * ((f * (1.0 - f) * term) @ w)
    return np.where(T >= Tc_K, 1.0, r)
