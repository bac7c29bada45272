r"""Closed forms of the standard tunneling model (STM) and where they hold (PHYSICS §7).

Asymptotic laws for the one-phonon STM without cut-offs, k_B restored:
C(T,t) ≈ (π²/12) P̄ k_B² T ln(t/τ_min) (with its constant), C_eq, and the heat release
Q̇ = (π²/24) P̄ k_B² (T1² − T0²)/t.  :func:`closed_form_validity` gives the relative size of
the terms each form neglects for a given cut-off model, so a comparison can leave the
closed form out (NaN) where it does not apply.  The model container
(:class:`~tlsmc.analytic.quadrature.stm.STMModel`) is the quadrature's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from scipy import special

from ...units import EULER_GAMMA, K_B, PI
from ..quadrature.checked import quad, quad_vec
from ..quadrature.stm import STMModel, _occupation_difference, _one_phonon_a, delta0_K

__all__ = ["ClosedFormValidity", "tau_min", "heat_capacity_closed_form",
           "heat_capacity_eq_closed_form", "heat_release_closed_form", "closed_form_validity",
           "closed_form_constants"]

def _s(x: float) -> float:
    e = math.exp(-x)
    return x * x * e / (1.0 + e) ** 2


def _quad0inf(f: Callable[[float], float]) -> float:
    a = quad(f, 0.0, 1.0, epsabs=0.0, epsrel=1e-13, limit=200)[0]
    b = quad(f, 1.0, 60.0, epsabs=0.0, epsrel=1e-13, limit=200)[0]
    c = quad(f, 60.0, 800.0, epsabs=0.0, epsrel=1e-13, limit=200)[0]
    return a + b + c


@lru_cache(maxsize=1)
def closed_form_constants() -> dict[str, float]:
    r"""Pure numbers of the closed forms (s(x) = x² e^x/(e^x+1)², ∫s = π²/6).

    kappa : :math:`\frac{6}{\pi^2}\int_0^\infty s(x)\ln[x^3\coth(x/2)\tanh(1/2)]dx`
    kappa_fast : :math:`\int_0^\infty s(x)/[x^3\coth(x/2)]dx`
    c1 : :math:`\int_0^\infty s(x)\ln x\,dx`
    """
    th = math.tanh(0.5)
    kappa = _quad0inf(lambda x: _s(x) * (3.0 * math.log(x) + math.log(th / math.tanh(
        0.5 * x))) if x > 0 else 0.0) * 6.0 / PI**2
    kappa_fast = _quad0inf(lambda x: _s(x) * math.tanh(0.5 * x) / x**3 if x > 0 else 0.125)
    c1 = _quad0inf(lambda x: _s(x) * math.log(x) if x > 0 else 0.0)
    return {"kappa": kappa, "kappa_fast": kappa_fast, "c1": c1}


def tau_min(model: STMModel, T_K) -> np.ndarray:
    r"""τ_min(T), s: relaxation time of a symmetric TLS (Δ = 0, p = 1) with E = k_B T.

    .. math:: \tau_{min}(T)^{-1} = K(E{=}T, p{=}1) = a T^3\coth(1/2)
    """
    T = np.asarray(T_K, dtype=float)
    return math.tanh(0.5) / (_one_phonon_a(model) * T**3)


def _positive_times(t_s) -> np.ndarray:
    t = np.asarray(t_s, dtype=float)
    if np.any(~(t > 0)):
        raise ValueError("closed forms need t > 0")
    return t


def heat_capacity_closed_form(model: STMModel, T_K: float, t_s) -> np.ndarray:
    r"""STM C(T,t) for τ_min(T) << t << 1/K(Δ0_min), J m^-3 K^-1 (PHYSICS §7).

    In (E, p = Δ0²/E²) the density is :math:`\bar P_K/(2p\sqrt{1-p})` and K = K_max(E) p,
    :math:`K_{max}=aE^3\coth(E/2T)`.  For A = K_max t >> 1,
    :math:`\int_0^1(1-e^{-Ap})\frac{dp}{2p\sqrt{1-p}}
    = \tfrac12[\ln 4A+\gamma_E] - \frac{1}{4A}+\dots`;
    averaging over E with the weight s(E/T) gives

    .. math:: C = \frac{\pi^2}{12}\bar P_K k_B T\Big[\ln\frac{4t}{\tau_{min}(T)}
              + \gamma_E + \kappa\Big],\quad \tau_{min}(T) = \frac{\tanh(1/2)}{aT^3},

    κ = `closed_form_constants()['kappa']` (≈ 2.565).  With P̄ in J^-1 m^-3,
    :math:`\bar P_K k_B = \bar P k_B^2`.  Neglected terms: `closed_form_validity`.
    """
    t = _positive_times(t_s)
    L = np.log(4.0 * t / tau_min(model, T_K)) + EULER_GAMMA + closed_form_constants()["kappa"]
    return (PI**2 / 12.0) * model.P_bar_per_K_m3 * K_B * T_K * L


def heat_capacity_eq_closed_form(model: STMModel, T_K: float) -> float:
    r"""C_eq of the uniform-j cut-off model for Δ0_min << T << min(Δ_max, Δ0_max), J m^-3 K^-1.

    The density of states is :math:`g(E) = \bar P_K[\mathrm{arsech}(\Delta_{0,min}/E)-
    \mathrm{arsech}(\min(1,\Delta_{0,max}/E))]\approx\bar P_K\ln(2E/\Delta_{0,min})`, so

    .. math:: C_{eq} = \bar P_K k_B T\Big[\frac{\pi^2}{6}\ln\frac{2T}{\Delta_{0,min}} + c_1\Big].
    """
    d0min = float(delta0_K(model, model.J_hi))
    c1 = closed_form_constants()["c1"]
    return model.P_bar_per_K_m3 * K_B * T_K * (PI**2 / 6.0 * math.log(2.0 * T_K / d0min) + c1)


def heat_release_closed_form(model: STMModel, T1_K: float, T0_K: float, t_s) -> np.ndarray:
    r"""STM heat release for τ_min(T0) << t << 1/K(Δ0_min), W m^-3 (PHYSICS §7).

    .. math:: \dot Q = \frac{\pi^2}{24}\bar P_K k_B\frac{T_1^2-T_0^2}{t}
              = \frac{\pi^2}{24}\bar P k_B^2\frac{T_1^2-T_0^2}{t}

    (P̄_K in K^-1 m^-3, P̄ in J^-1 m^-3, T in K).  From
    :math:`\int_0^1 \frac{K_{max}p\,e^{-K_{max}pt}}{2p\sqrt{1-p}}dp
    = \frac{\sqrt{B}F(\sqrt B)}{t}\to\frac{1}{2t}(1+\frac{1}{2B}+\dots)`, B = K_max t,
    F Dawson's function, and :math:`\int_0^\infty E[n_{eq}(T_1)-n_{eq}(T_0)]dE
    = \frac{\pi^2}{12}(T_1^2-T_0^2)`.
    """
    t = _positive_times(t_s)
    return (PI**2 / 24.0) * model.P_bar_per_K_m3 * K_B * (T1_K**2 - T0_K**2) / t


# ----------------------------------------------------------------------------- validity
@dataclass(frozen=True)
class ClosedFormValidity:
    """Relative size of the terms a closed form neglects (arrays shaped like t).

    ``predicted`` ≈ quadrature/closed − 1 to first order (fast + slow);
    ``bound`` = 1.1 |fast| + |slow| + cutoff + j_deviation.

    fast : leading finite-rate correction, ∝ τ_min/t: the −1/(4A) term of the p-integral
        (heat capacity) or the +1/(2B) term (heat release), averaged over E exactly.  The
        next order is O(fast · ln(t/τ_min) · τ_min/t) (the (τ_min/t)^{3/2} term from E → 0,
        where A, B < 1, has an identically vanishing coefficient); the 10 % margin in
        ``bound`` covers it wherever bound < 1e-3 (checked in the tests).
    slow : TLSs missing beyond J_hi (p < p_min): −⟨Ein(K(Δ0_min) t)⟩ for C,
        −⟨1 − exp(−K(Δ0_min) t)⟩ for Q̇; ≈ −K(Δ0_min) t when small.
    cutoff : weight of E > min(Δ_max, Δ0(J_lo)) (Δ_max and J_lo cut-offs), an upper bound
        on |effect| (the cut-off model has fewer TLSs there, so the sign is negative).
    j_deviation : max |j − 1| on the support (closed forms assume the uniform STM).
    """

    fast: np.ndarray
    slow: np.ndarray
    cutoff: np.ndarray
    j_deviation: float

    @property
    def predicted(self) -> np.ndarray:
        return self.fast + self.slow

    @property
    def bound(self) -> np.ndarray:
        return 1.1 * np.abs(self.fast) + np.abs(self.slow) + self.cutoff + self.j_deviation

    def valid(self, tol: float = 1e-3) -> np.ndarray:
        return self.bound < tol


def _ein(z: np.ndarray) -> np.ndarray:
    """Ein(z) = ∫_0^z (1 − e^{−s})/s ds, z >= 0 (series below 1, E1 above)."""
    z = np.asarray(z, dtype=float)
    zs = np.minimum(z, 1.0)
    series, term = np.zeros_like(zs), np.ones_like(zs)
    for k in range(1, 25):
        term = term * (-zs) / k
        series -= term / k
    big = np.maximum(z, 1.0)
    return np.where(z < 1.0, series, special.exp1(big) + np.log(big) + EULER_GAMMA)


def _qv(f: Callable, a: float, b: float) -> np.ndarray:
    if not b > a:
        return np.asarray(f(a)) * 0.0
    return quad_vec(f, a, b, epsabs=0.0, epsrel=1e-8, limit=400)


def _qv_log(f: Callable, lo: float, hi: float, scales: tuple[float, ...] = ()) -> np.ndarray:
    """∫_lo^hi f(E) dE in ln E, one piece per decade-spanning interval between scales."""
    pts = sorted({math.log(lo), math.log(hi), *(math.log(x) for x in scales if lo < x < hi)})
    g = lambda u: f(math.exp(u)) * math.exp(u)  # noqa: E731
    return sum(_qv(g, u0, u1) for u0, u1 in zip(pts[:-1], pts[1:], strict=True))


def closed_form_validity(model: STMModel, observable: str, t_s=None, *,
                         T_K: float | None = None, T1_K: float | None = None,
                         T0_K: float | None = None) -> ClosedFormValidity:
    """Neglected-term sizes of a closed form; ``observable`` in {"heat_capacity",
    "heat_release", "heat_capacity_eq"} (T_K for the first and last, T1_K and T0_K for
    heat_release).  The closed form holds where ``bound`` << 1; see `ClosedFormValidity`.
    """
    a = _one_phonon_a(model)
    d0min, d0max = float(delta0_K(model, model.J_hi)), float(delta0_K(model, model.J_lo))
    E_cut = min(model.delta_max_K, d0max)
    Js = np.linspace(model.J_lo, model.J_hi, 2001)
    jdev = float(np.max(np.abs(np.asarray(model.J_pdf(Js), dtype=float) - 1.0)))
    cst = closed_form_constants()
    if observable == "heat_capacity_eq":
        D = PI**2 / 6.0 * math.log(2.0 * T_K / d0min) + cst["c1"]
        slow = -(d0min / T_K) ** 2 / 8.0 / D
        xc = E_cut / T_K
        cut = _qv(lambda x: _s(x) * abs(math.log(2.0 * x * T_K / d0min)), xc, max(xc, 800.0))
        z = np.zeros(())
        return ClosedFormValidity(z, np.asarray(slow), np.asarray(abs(cut / D)), jdev)
    t = _positive_times(t_s).astype(float)
    if observable == "heat_capacity":
        T = T_K
        inf = np.isinf(t)                         # closed form -> inf, quadrature finite
        t = np.where(inf, 1.0, t)
        L = np.log(4.0 * t / tau_min(model, T)) + EULER_GAMMA + cst["kappa"]
        L = np.where(inf, np.nan, L)
        Lpos = np.where(L > 0, L, np.nan)
        fast = -(3.0 / PI**2) * cst["kappa_fast"] / (a * T**3 * t) / Lpos
        slow_int = _qv_log(lambda x: _s(x) * _ein(a * d0min**2 * T * t * x / math.tanh(
            0.5 * x)), 1e-12, 60.0, (1.0,))
        slow = -(6.0 / PI**2) * slow_int / Lpos
        xc = E_cut / T
        cut = _qv(lambda x: _s(x) * np.abs(np.log(4.0 * a * T**3 * t * x**3 / math.tanh(
            0.5 * x)) + EULER_GAMMA), xc, max(xc, 800.0)) * (6.0 / PI**2) / np.abs(Lpos)
        fix = lambda v: np.where(np.isnan(v), np.inf, v)  # noqa: E731  L <= 0: no regime
        return ClosedFormValidity(np.where(inf, 0.0, fix(fast)), np.where(inf, -1.0, fix(slow)),
                                  np.where(inf, 0.0, fix(cut)), jdev)
    if observable == "heat_release":
        norm = PI**2 / 12.0 * (T1_K**2 - T0_K**2)

        def w(E):  # E [n_eq(T1) − n_eq(T0)]
            return float(E * _occupation_difference(np.float64(E), T1_K, T0_K))
        top = 60.0 * max(T1_K, T0_K)
        lo, scales = 1e-12 * min(T1_K, T0_K), (T0_K, T1_K)
        fast_int = _qv_log(lambda E: w(E) * math.tanh(E / (2 * T0_K)) / (2 * a * E**3),
                           lo, top, scales)
        fast = fast_int / t / norm
        slow = -_qv_log(lambda E: w(E) * -np.expm1(-a * d0min**2 * E / math.tanh(
            E / (2 * T0_K)) * t), lo, top, scales) / norm
        cut = abs(quad(w, E_cut, max(E_cut, top), limit=400)[0] / norm) if \
            E_cut < top else 0.0
        return ClosedFormValidity(fast, slow, np.full(t.shape, cut), jdev)
    raise ValueError(f"observable must be heat_capacity, heat_release or heat_capacity_eq "
                     f"(got {observable!r})")
