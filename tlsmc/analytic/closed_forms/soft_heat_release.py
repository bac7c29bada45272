r"""Closed forms of the soft-potential heat release (GGP 1985 DOS; Parshin & Sahling 1993).

After cooling T1 -> T0 the TLSs that release heat at time t relax by one-phonon tunneling at
T0 with K = K_max(E) p; with GGP's density of states (eq. 5.1) this gives
:func:`heat_release_closed_form` (the STM's (π²/24) P̄ k_B² (T1² − T0²)/t with P̄ -> p N_j).
During a finite cooling the same TLSs follow n_eq(T) by thermally activated hopping down to
the freezing temperature :func:`freezing_temperature` (Parshin & Sahling, Phys. Rev. B 47,
5677 (1993): tunneling region T1 < T_f, intermediate region T1 > T_f where t·Q̇ no longer
depends on T1).  Used as the ``closed_form`` column of :mod:`tlsmc.comparison.soft`;
order-unity ratios to the exact quadrature are expected (leading WKB, PHYSICS §9).
Independent of the Monte Carlo (issue 12): the symmetric wells come from the exact column's
solver (:mod:`tlsmc.analytic.quadrature.soft_spectrum`); shares with the Monte Carlo only
:mod:`tlsmc.units`, the material container and the channel options.
"""
from __future__ import annotations

import numpy as np

from ...population.soft import SoftPotentialModel
from ...units import EULER_GAMMA, HBAR, K_B, PI
from . import ggp1985
from ..quadrature.rates import n_eq
from ..quadrature.soft_spectrum import solve_levels
from ..quadrature.stm import one_phonon_coefficient

__all__ = ["freezing_temperature", "heat_release_closed_form", "symmetric_wells",
           "tunneling_delta0"]




def symmetric_wells(h_max: float = 40.0, step: float = 0.05):
    """Symmetric wells −h y² + y⁴ on a grid of h: (h, ln(Δ0/W), V_b/W, ħω/W).

    V_b = −ε1 (barrier top 0 minus the upper level), ħω = ε2 − ε0 (the activated channel's
    attempt quantum, :mod:`tlsmc.rates.activated`).  ln Δ0 falls monotonically with h.
    """
    h = np.arange(3.0, h_max + step / 2, step)
    sp = solve_levels(-h, np.zeros_like(h))
    return h, np.log(sp.delta0), -sp.eps1, sp.eps2 - sp.eps0


def tunneling_delta0(E_K, t_s, T0_K: float, material, kind: int) -> np.ndarray:
    r"""Δ0* (K) of the type-``kind`` TLS whose one-phonon rate at T0 is 1/t.

    .. math:: a\,g_j^2L^{2a_j}\,\Delta_0^2E\coth(E/2T_0)\,t = 1,\qquad L=\ln(W/\Delta_0)

    a = :func:`tlsmc.analytic.quadrature.stm.one_phonon_coefficient` of the material's γ_l, γ_t (the
    soft coupling is γ_α<0|(y+δ)²|1>), g_j L^{a_j} from GGP eq. 4.4 (type 1, ×χ) or 4.9
    (type 2).  Fixed point in L (converges in a few steps; L enters as a power).
    """
    by = "the soft heat-release closed form"
    a = one_phonon_coefficient(*(material.need(f, by) for f in (
        "density_kg_m3", "v_l_m_s", "v_t_m_s", "gamma_l_eV", "gamma_t_eV")))
    W = material.need("W_K", by)
    g, power = ggp1985.COUPLING_LAW[kind]
    if kind == 1:
        g = g * material.need("soft_chi", by)
    E, t = np.broadcast_arrays(np.asarray(E_K, float), np.asarray(t_s, float))
    rate_per_d02 = a * E / np.tanh(E / (2.0 * T0_K))            # s^-1 K^-2 at g = 1
    L = np.full(E.shape, 10.0)
    for _ in range(30):
        d0 = 1.0 / np.sqrt(rate_per_d02 * t * g * g * L ** (2.0 * power))
        L = np.maximum(np.log(W / d0), 1.0)
    return d0


def freezing_temperature(barrier_K, nu_per_s, E_K, cooling_K_per_s: float) -> np.ndarray:
    r"""T_f (K) at which a linear cooling at rate Ṫ freezes an activated relaxation.

    With K(T) = ν e^{−V/T}(1 + e^{−E/T}) and T = T_i − Ṫt, the occupation stops following
    n_eq(T) where the remaining number of relaxations x(T) = ∫_t^∞K dt' ≈ K T²/(V Ṫ)
    becomes ~1.  Exactly, the frozen n = ∫ n_eq(T(x)) e^{−x} dx; n_eq linear in T across
    the narrow window (ΔT/T ~ T/V) and ln x linear in 1/T give n = n_eq(T_f) with
    ⟨ln x⟩ = −γ_E, i.e.

    .. math:: \nu e^{-V/T_f}(1+e^{-E/T_f})\,T_f^2 = e^{-\gamma_E}\,V\dot T.

    Solved by the fixed point T = V / ln[ν(1 + e^{−E/T}) T² e^{γ_E}/(V Ṫ)].
    """
    V, nu, E = np.broadcast_arrays(*(np.asarray(x, float) for x in (barrier_K, nu_per_s, E_K)))
    T = V / 30.0
    for _ in range(60):
        T = V / np.log(nu * (1.0 + np.exp(-E / T)) * T * T * np.exp(EULER_GAMMA)
                       / (V * cooling_K_per_s))
    return T


def heat_release_closed_form(model: SoftPotentialModel, material, channels, T1_K: float,
                             T0_K: float, times_s, ramp_s: float | None = None,
                             n_E: int = 96) -> np.ndarray:
    r"""Q̇(t) (W m^-3) of the soft model, tunneling form with GGP's DOS (eq. 5.1).

    After the occupations froze at n_eq(T_eff) and the rates are those at T0 (one-phonon:
    K = K_max(E) p, so for small p and GGP's N_j = pref_j/(p√(1−p)) L^{-4/3}),

    .. math:: t\,\dot Q = \sum_{j=1,2}\int_0^{E_{max}}\!dE\;k_B E\,[n_{eq}(E,T_{eff})
              - n_{eq}(E,T_0)]\;\mathrm{pref}_j\,L_j^{*\,-4/3},\quad
              \mathrm{pref}_j = \tfrac23(\tfrac43)^{1/3}\psi_j\eta_L^{3/2}/W,

    from ∫dp N_j(E,p) K e^{−Kt} = p N_j / t (the STM's P̄/2t), with L*_j = ln(W/Δ0*) at the
    Δ0* whose rate at T0 is 1/t (:func:`tunneling_delta0`; (1 − p)^{-1/2} → 1).  For
    the STM it is (π²/24) P̄ k_B² (T1² − T0²)/t.  E up to the model's E_max (its cut).

    * quench (``ramp_s`` None): T_eff = T1 (Parshin & Sahling 1993, tunneling region);
    * linear cooling T1 -> T0 over ``ramp_s``, then T0: time counted from the end of the
      ramp, t' = t − ramp_s, and T_eff = min(T1, T_f), T_f = :func:`freezing_temperature`
      of the symmetric well with splitting Δ0* (its barrier V_b = −Wε1 and ν_a = ω/2π)
      at Ṫ = (T1 − T0)/ramp_s — the intermediate region of Parshin & Sahling, Phys. Rev. B
      47, 5677 (1993), where Q̇ ∝ (T_f² − T0²)/t does not depend on T1.  Valid for
      t' >> ramp_s: earlier the TLSs that release heat at t' still relaxed by tunneling
      during the ramp (not included; measured: exact/closed form at t' = ramp_s is 0.6–0.85
      of its value at t' >= 10 ramp_s); NaN for t' < ramp_s.  Without an ``activated``
      channel T_eff = T1.
    """
    by = "the soft heat-release closed form"
    W, eta_L = material.need("W_K", by), material.need("eta_L", by)
    psi = material.need("psi_per_m3", by)
    t = np.atleast_1d(np.asarray(times_s, dtype=float))
    tt = t if ramp_s is None else t - ramp_s
    valid = tt > 0 if ramp_s is None else tt >= ramp_s
    x, wx = np.polynomial.legendre.leggauss(n_E)
    E = 0.5 * model.E_max_K * (1.0 + x)
    wE = 0.5 * model.E_max_K * wx
    act = [c for c in channels if type(c).__name__ == "Activated"]
    if ramp_s is not None and act:
        h, ln_d0, vb, well = symmetric_wells()
    out = np.zeros(t.shape)
    for kind, psi_j in ((1, psi), (2, model.type2_ratio * psi)):
        pref = ggp1985.DOS_PREFACTOR * psi_j * eta_L ** 1.5 / W
        d0 = tunneling_delta0(E[None, :], np.where(valid, tt, 1.0)[:, None], T0_K, material, kind)
        L = np.log(W / d0)
        T_eff = np.full(d0.shape, float(T1_K))
        if ramp_s is not None and act:
            hs = np.interp(-np.log(d0 / W), -ln_d0, h)           # ln Δ0 decreasing in h
            V = W * np.interp(hs, h, vb)
            nu = (act[0].nu_a_per_s if act[0].nu_a_per_s is not None
                  else W * np.interp(hs, h, well) * K_B / (2.0 * PI * HBAR))
            Tf = freezing_temperature(V, nu, E[None, :], (T1_K - T0_K) / ramp_s)
            T_eff = np.minimum(T_eff, Tf)
        dn = n_eq(E[None, :], T_eff) - n_eq(E[None, :], T0_K)
        out += (K_B * E * dn * pref * L ** (-4.0 / 3.0)) @ wE
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid, out / tt, np.nan)
