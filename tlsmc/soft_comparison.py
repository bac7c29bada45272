"""Analytic comparison for soft-potential scenarios (MC vs quadrature vs GGP eq. 6.3).

``exact``: :class:`tlsmc.analytic.soft_quadrature.SoftQuadrature` — the same model (cuts,
densities, spectra, rate channels) on a deterministic grid; ``closed_form``: GGP eq. 6.3
summed over the two types (ψ2 = r ψ1),

.. math:: C = \\sum_{j=1,2} C_j(T;\\,p_{0,j}),\\qquad p_{0,j} = \\tau_{\\min,j}(T)/t
          \\ \\text{(GGP eq. 5.4)},

with τ_min,j(T) the relaxation time (all the scenario's channels) of the symmetric type-j
TLS with Δ0 = E = T, for ``C``; and for ``C_eq`` the same with p0 = (Δ0(h_max)/T)², the
depth cut of the model in GGP's variable (its t -> ∞ limit; GGP's own eq. 6.3 has p0 = 0).
GGP's forms go through the leading WKB formula 2.8 and keep the leading power of 1/ℒ:
order-unity ratios to the exact numbers are expected (PHYSICS §9).  ``C_step`` and ``U``
get the quadrature of the same finite step; ``C_tf`` has no counterpart (NaN).

Heat release (``HeatRelease`` quench rows Qdot, U; ``TemperatureHistory`` rows Qdot, U,
with ``T1_K`` = T before the history; every row keyed by ``measurement``): ``exact`` = the quadrature of the same quench or protocol
(:meth:`SoftQuadrature.heat_release`, :meth:`SoftQuadrature.history`); ``closed_form`` =
:func:`heat_release_closed_form` for Qdot (quench: T_eff = T1; a cooling ``ramp`` to T0:
T_eff = min(T1, T_f), t → t − t_ramp, NaN for t − t_ramp < t_ramp; other protocols and U:
NaN).

Used by :func:`soft_comparison_table`, which has the signature of
:func:`tlsmc.comparison.comparison_table` for ``population.model = "soft"``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .analytic import ggp1985
from .analytic.soft_quadrature import SoftQuadrature
from .comparison import merge_with_mc, points
from .measurements import HeatCapacity, HeatRelease, TemperatureHistory, ThermalExpansion
from .protocol import RampShape
from .rates import build_rates
from .rates.activated import Activated
from .soft_population import SoftPotentialModel, to_type2_frame
from .soft_potential import solve_soft
from .spectrum import soft_spectrum
from .thermal import n_eq
from .units import HBAR, K_B, PI

__all__ = [
    "closed_form_heat_capacity",
    "depth_delta0",
    "freezing_temperature",
    "heat_release_closed_form",
    "soft_comparison_table",
    "symmetric_wells",
    "tau_min",
    "tunneling_delta0",
]


def _symmetric_depth(delta0_over_W: float) -> float:
    """h with Δ0(−h, 0) = delta0_over_W (bisection on the solver; Δ0 falls with h)."""
    lo, hi = 1.5, 60.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if float(solve_soft(-mid, 0.0).delta0) > delta0_over_W:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def depth_delta0(model: SoftPotentialModel) -> float:
    """Δ0/W of the symmetric well at the model's depth cut h = depth_max."""
    return float(solve_soft(-model.depth_max, 0.0).delta0)


def tau_min(model: SoftPotentialModel, material, channels, T_K: float) -> tuple[float, float]:
    """(τ_min,1, τ_min,2) in s: symmetric TLS with Δ0 = E = T of type 1 and type 2 (the
    faster of its two type-2 frames), all ``channels`` at temperature T."""
    W = material.need("W_K", "the soft comparison")
    h = _symmetric_depth(T_K / W)
    e2, t2, _ = to_type2_frame(np.array([-h, -h]), np.zeros(2), np.array([1.0, -1.0]))
    eta = np.array([-h, e2[0], e2[1]])
    t = np.array([0.0, t2[0], t2[1]])
    # the two type-2 frames of the symmetric well are each other's mirror (partners)
    pop = model.solve(material, eta, t, np.full(3, -h), np.zeros(3), np.ones(3),
                      partners=np.array([0, 1, 1]))
    K = build_rates(soft_spectrum(pop, material), material, channels, T_K).K
    return 1.0 / K[0], 1.0 / max(K[1], K[2])


def closed_form_heat_capacity(model: SoftPotentialModel, material, T_K: float, p0_1, p0_2):
    """GGP eq. 6.3 with the cut-off p0 (ggp1985.heat_capacity) summed over both types."""
    kw = {"eta_L": material.need("eta_L", "GGP eq. 6.3"), "W_K": material.need("W_K", "GGP eq. 6.3")}
    psi = material.need("psi_per_m3", "GGP eq. 6.3")
    return (ggp1985.heat_capacity(T_K, psi_per_m3=psi, p0=p0_1, **kw)
            + ggp1985.heat_capacity(T_K, psi_per_m3=model.type2_ratio * psi, p0=p0_2, **kw))


def _step(quad: SoftQuadrature, T: float, dT: float, times) -> np.ndarray:
    """Quadrature of C_step = [U(t) − U(0)]/δT with the rates at T + δT."""
    E = quad.spectrum.E_K
    h = K_B * quad.weight * E * (n_eq(E, T + dT) - n_eq(E, T)) / dT
    K = build_rates(quad.spectrum, quad.material, quad.channels, T + dT).K
    return np.array([float(np.dot(h, -np.expm1(-K * t))) for t in times])


def _rows(m: HeatCapacity, quad: SoftQuadrature, scenario) -> list[dict]:
    model, mat = scenario.population, scenario.material
    t = m.times.values()
    rows = []
    d0_cut = depth_delta0(model) * mat.need("W_K", "the soft comparison")
    for T in m.temperatures_K:
        dT = m.step_fraction * T
        nan = np.full(t.shape, np.nan)
        if "C" in m.observables:
            tau1, tau2 = tau_min(model, mat, scenario.rates, T)
            cf = closed_form_heat_capacity(model, mat, T, np.minimum(tau1 / t, 1.0),
                                           np.minimum(tau2 / t, 1.0))
            rows += points("C", T, t, quad.heat_capacity(T, t), cf)
        if "C_eq" in m.observables:
            p0 = min((d0_cut / T) ** 2, 1.0)
            rows += points("C_eq", T, [np.inf], [quad.heat_capacity_eq(T)],
                            [closed_form_heat_capacity(model, mat, T, p0, p0)])
        step = None
        if "C_step" in m.observables or "U" in m.observables:
            step = _step(quad, T, dT, t)
        if "C_step" in m.observables:
            rows += points("C_step", T, t, step, nan)
        if "U" in m.observables:
            u0 = float(np.dot(K_B * quad.weight * quad.spectrum.E_K, n_eq(quad.spectrum.E_K, T)))
            rows += points("U", T, t, u0 + dT * step, nan)
        if "C_tf" in m.observables:
            rows += points("C_tf", T, t, nan, nan)
    return rows


# ----------------------------------------------------------------------------- heat release
EULER_GAMMA = 0.5772156649015329
"""γ_E: a linear ramp freezes an Arrhenius relaxation where ∫_t^∞K dt' = e^{−γ_E}."""
_COUPLING = {1: (6.0 ** (-1.0 / 3.0), -1.0 / 3.0), 2: ((9.0 / 2.0) ** (1.0 / 3.0), 2.0 / 3.0)}
"""type j: (g, a) of <0|(y+δ)²|1>/√p = g χ^{[j=1]} L^a (GGP eqs. 4.4, 4.9 with c = 1)."""


def symmetric_wells(h_max: float = 40.0, step: float = 0.05):
    """Symmetric wells −h y² + y⁴ on a grid of h: (h, ln(Δ0/W), V_b/W, ħω/W).

    V_b = −ε1 (barrier top 0 minus the upper level), ħω = ε2 − ε0 (the activated channel's
    attempt quantum, :mod:`tlsmc.rates.activated`).  ln Δ0 falls monotonically with h.
    """
    h = np.arange(3.0, h_max + step / 2, step)
    sp = solve_soft(-h, np.zeros_like(h), ratio_cut=2.5)
    return h, np.log(sp.delta0), -sp.eps1, sp.eps2 - sp.eps0


def tunneling_delta0(E_K, t_s, T0_K: float, material, kind: int) -> np.ndarray:
    r"""Δ0* (K) of the type-``kind`` TLS whose one-phonon rate at T0 is 1/t.

    .. math:: a\,g_j^2L^{2a_j}\,\Delta_0^2E\coth(E/2T_0)\,t = 1,\qquad L=\ln(W/\Delta_0)

    a = :func:`tlsmc.analytic.stm.one_phonon_coefficient` of the material's γ_l, γ_t (the
    soft coupling is γ_α<0|(y+δ)²|1>), g_j L^{a_j} from GGP eq. 4.4 (type 1, ×χ) or 4.9
    (type 2).  Fixed point in L (converges in a few steps; L enters as a power).
    """
    from .analytic.stm import one_phonon_coefficient
    by = "the soft heat-release closed form"
    a = one_phonon_coefficient(*(material.need(f, by) for f in (
        "density_kg_m3", "v_l_m_s", "v_t_m_s", "gamma_l_eV", "gamma_t_eV")))
    W = material.need("W_K", by)
    g, power = _COUPLING[kind]
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
    act = [c for c in channels if isinstance(c, Activated)]
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


def _history_ramp(m: TemperatureHistory) -> float | None:
    """Duration (s) of a ``ramp`` protocol that cools from t = 0, else None."""
    p = m.protocol
    if isinstance(p, RampShape) and p.start_s == 0.0 and p.final < p.initial:
        return float(p.duration_s)
    return None


def _heat_release_rows(m: HeatRelease, quad: SoftQuadrature, scenario) -> list[dict]:
    t, rows = m.times.values(), []
    nan = np.full(t.shape, np.nan)
    for T1 in m.T1_K:
        if "Qdot" in m.observables:
            cf = heat_release_closed_form(scenario.population, scenario.material, scenario.rates,
                                          T1, m.T0_K, t)
            rows += points("Qdot", m.T0_K, t, quad.heat_release(T1, m.T0_K, t), cf, T1_K=T1)
        if "U" in m.observables:
            rows += points("U", m.T0_K, t, quad.energy_after_quench(T1, m.T0_K, t), nan,
                           T1_K=T1)
    return rows


def _history_rows(m: TemperatureHistory, quad: SoftQuadrature, scenario) -> list[dict]:
    prot = m.compiled()
    t = m.times.values()
    U, Q = quad.history(prot, t)
    seg = np.searchsorted(prot.starts_s, t, side="right") - 1
    T_of_t = prot.temperatures_K[seg]
    ramp = _history_ramp(m)
    cf = np.full(t.shape, np.nan)
    if ramp is not None:
        cf = heat_release_closed_form(scenario.population, scenario.material, scenario.rates,
                                      prot.T_initial_K, float(prot.temperatures_K[-1]), t,
                                      ramp_s=ramp)
    rows = []
    for k in range(t.size):
        extra = {"T1_K": prot.T_initial_K}
        if "U" in m.observables:
            rows += points("U", T_of_t[k], t[k:k + 1], U[k:k + 1], [np.nan], **extra)
        if "Qdot" in m.observables:
            rows += points("Qdot", T_of_t[k], t[k:k + 1], Q[k:k + 1], cf[k:k + 1], **extra)
    return rows


def soft_comparison_table(scenario, observables: pd.DataFrame,
                          quadrature: SoftQuadrature | None = None):
    """(comparison DataFrame or None, note) for a soft-potential scenario.

    ``quadrature``: a prebuilt :class:`SoftQuadrature` of this scenario (tests); default:
    built here with its default grid (~2e5 solves, ~15 s on 2 cores).
    """
    if not isinstance(scenario.population, SoftPotentialModel):
        return None, "not a soft-potential scenario"
    kinds = (HeatCapacity, HeatRelease, TemperatureHistory)
    ms = [(i, m) for i, m in enumerate(scenario.measurement) if isinstance(m, kinds)]
    if not ms:
        return None, "no measurement of this scenario has an analytic counterpart"
    quad = quadrature or SoftQuadrature(scenario.population, scenario.material, scenario.rates)
    rows: list[dict] = []
    build = {HeatCapacity: _rows, HeatRelease: _heat_release_rows,
             TemperatureHistory: _history_rows}
    for i, m in ms:
        rows += [dict(r, measurement=i) for r in build[type(m)](m, quad, scenario)]
    parts = [("exact: tlsmc.analytic.soft_quadrature (same model: cuts, densities, solver, "
              f"rate channels; {quad.n_nodes} nodes x 6 frames)")]
    if any(isinstance(m, HeatCapacity) for _, m in ms):
        parts.append("closed_form for C: GGP eq. 6.3 summed over both types with p0 = "
                     "tau_min(T)/t (eq. 5.4; tau_min of the symmetric TLS with Delta0 = T), for "
                     "C_eq: p0 = (Delta0(depth_max)/T)^2 (the depth cut)")
    if any(isinstance(m, (HeatRelease, TemperatureHistory)) for _, m in ms):
        parts.append("closed_form for Qdot: t Qdot = sum_j int_0^Emax dE k_B E [n_eq(E,T_eff) - "
                     "n_eq(E,T0)] p N_j(E,p) with GGP eq. 5.1 at the p whose one-phonon rate at "
                     "T0 is 1/t (GGP eqs. 4.4, 4.9 couplings); quench: T_eff = T1; cooling ramp: "
                     "t -> t - t_ramp, T_eff = min(T1, T_f), T_f where the activated rate of the "
                     "symmetric well with that Delta0 meets the cooling rate (nu e^{-V/T_f}(1 + "
                     "e^{-E/T_f}) T_f^2 = e^{-gamma_E} V dT/dt; Parshin & Sahling, PRB 47, 5677 "
                     "(1993) tunneling and intermediate regions), NaN for t - t_ramp < t_ramp "
                     "and for other protocols")
    parts.append("order-unity ratios to exact are expected (leading WKB, PHYSICS §9)")
    note = "; ".join(parts)
    table = merge_with_mc(rows, observables)
    others = [type(m).__name__ for m in scenario.measurement
              if not isinstance(m, (*kinds, ThermalExpansion))]   # expansion: its own table
    if others:
        note += f"; not compared: {', '.join(others)}"
    return table, note
