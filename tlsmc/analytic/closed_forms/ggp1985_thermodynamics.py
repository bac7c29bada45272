r"""GGP 1985 thermodynamics of soft-potential TLSs: DOS, heat capacity, thermal expansion, Γ.

Closed forms of GGP §5–6 (eqs. 1.5, 5.1–5.6, 6.1–6.4) in the conventions and with the
readings stated in :mod:`tlsmc.analytic.closed_forms.ggp1985` (the spectra and couplings of
§2–4, whose WKB forms these integrate).  Energies in K, DOS in K^-1 m^-3, heat capacity in
J m^-3 K^-1, α in K^-1 (volumetric).
"""
from __future__ import annotations

import numpy as np

from ...units import K_B, PI
from .ggp1985 import (_ALPHA1, _ALPHA2, _Q1, _Q1_CHI2, _Q2, DOS_PREFACTOR, GRUNEISEN_CHI2,
                      GRUNEISEN_PREFACTOR, GRUNEISEN_PSI, _a, _cutoff, _ell, _half_log_inv,
                      _log_L, _nonneg, _out, _positive, _pw)

__all__ = ["dos_E_p", "dos_energy", "p0_cutoff", "q_type1", "q_type2",
    "heat_capacity", "thermal_expansion_type1", "thermal_expansion_type2", "gruneisen",
    "gruneisen_as_printed", "thermal_expansion_eq15", "thermal_expansion_tau_expt",
    "heat_capacity_tau_expt", "gruneisen_tau_expt"]


# ----------------------------------------------------------------------------- §V
def dos_E_p(E_K, p, *, psi_per_m3: float, eta_L: float, W_K: float):
    r"""Density of TLS states N_j(E, p) of either type (GGP eq. 5.1).

    .. math:: N_j=\tfrac23\big(\tfrac43\big)^{1/3}\psi_j\eta_L^{3/2}W^{-1}p^{-1}
              (1-p)^{-1/2}L^{-4/3}

    per K (of E) per unit p per m^3 (× 1/k_B for per J); ``psi_per_m3`` = ψ_j (eq. 5.2).
    Counts both signs of t (type 1) and of t and R (type 2); the same formula for both
    types (Jacobian 1/2 × two branches, eq. 2.10).  Integrable divergences: +inf at
    p = 0, 1.  L >> 1.
    """
    W = _positive("W_K", W_K)
    psi, p = _nonneg("psi_per_m3", psi_per_m3), _a(p)
    L = _log_L(_a(E_K) / W, p)
    pref = DOS_PREFACTOR * psi * _positive("eta_L", eta_L) ** 1.5 / W
    with np.errstate(divide="ignore", invalid="ignore"):
        n = pref / (p * np.sqrt(1 - p)) * _pw(L, -4 / 3)
    return _out(np.where((p == 0) | (p == 1), np.inf, n))


def dos_energy(E_K, *, psi_per_m3: float, eta_L: float, W_K: float, p0=0.0,
               next_order: bool = False):
    r"""E-only DOS :math:`N_j(E)=\int_{p_0}^1N_j(E,p)\,dp` at leading order in 1/ℓ.

    .. math:: N_j(E)=4\big(\tfrac43\big)^{1/3}\frac{\psi_j\eta_L^{3/2}}W
              \Big[\ell^{-1/3}-\big(\ell+\tfrac12\ln\tfrac1{p_0}\big)^{-1/3}\Big],
              \qquad \ell=\ln(W/E)

    (ℓ^{-1/3} alone is the DOS behind GGP eq. 6.3.)  The dropped part, from
    (1−p)^{-1/2} − 1, is :math:`\approx 2\ln(1+\sqrt{1-p_0})\,\ell^{-4/3}` × the prefactor
    of eq. 5.1 (relative error ≈ (ln 2/3)/ℓ at p0 = 0, more at p0 > 0, the true integral
    being larger); ``next_order=True`` adds it (beyond GGP; remaining error O(ℓ^{-7/3})).
    K^-1 m^-3.  Finite for p0 -> 0 (τ_expt -> ∞), 0 at p0 = 1.
    """
    W = _positive("W_K", W_K)
    p0 = _cutoff(p0)
    ell, v0 = _ell(E_K, W), _half_log_inv(p0)
    pref = DOS_PREFACTOR * _nonneg("psi_per_m3", psi_per_m3) \
        * _positive("eta_L", eta_L) ** 1.5 / W
    n = 6.0 * pref * (_pw(ell, -1 / 3) - _pw(ell + v0, -1 / 3))
    if next_order:
        n = n + 2.0 * pref * np.log1p(np.sqrt(1.0 - p0)) * _pw(ell, -4 / 3)
    return _out(n)


def p0_cutoff(tau_min_s, tau_expt_s):
    r"""Lower limit of p of the TLSs in equilibrium after τ_expt (GGP eq. 5.4).

    .. math:: p_0=\tau_{\min}(E)/\tau_{\rm expt}\quad(\text{clipped to }[0,1])

    τ in s (τ_expt = inf allowed -> 0).  Use τ_min(T) for the T-functions below, as GGP do.
    """
    tmin, texp = _a(tau_min_s), _a(tau_expt_s)
    if not (np.all(tmin > 0) and np.all(texp > 0)):
        raise ValueError("tau_min_s and tau_expt_s must be > 0")
    return _out(np.minimum(tmin / texp, 1.0))


def q_type1(E_K, *, c: float, chi: float, eta_L: float, W_K: float, p0=0.0):
    r"""GGP eq. 5.5: :math:`Q_1(E)=\int_{p_0}^1D_1\,p^{-1}(1-p)^{-1/2}L^{-4/3}dp`.

    .. math:: Q_1=1.82\frac{cE}{\eta_L}\Big[\frac{(1-p_0)^{1/2}}{\ln(W/E\sqrt{p_0})}
              -0.074\,\chi^2\ln^{-3}(W/E)\Big]

    (exact 2(3/4)^{1/3}, 2/27).  The first term is exact for eq. 4.5 (its integrand is a
    derivative; GGP drop (1−p0)^{1/2} ≈ 1); the χ² term is leading order in 1/ℓ with
    p0 -> 0.  The odd term of D1 averages out.  K.  Vanishes at p0 -> 0 but for χ².
    """
    W = _positive("W_K", W_K)
    E, p0 = _a(E_K), _cutoff(p0)
    ell = _ell(E, W)
    first = np.sqrt(1 - p0) / (ell + _half_log_inv(p0))
    return _out(_Q1 * c * E / _positive("eta_L", eta_L)
                * (first - _Q1_CHI2 * chi**2 * _pw(ell, -3.0)))


def q_type2(E_K, *, c: float, chi: float, eta_L: float, W_K: float):
    r"""GGP eq. 5.6: :math:`Q_2=0.09\,c\chi^2\eta_L^{-1}E\ln^{-3}(W/E)` (exact (22/9)·24·48^{-5/3}
    = 0.0925; leading order in 1/ℓ, τ_expt-dependent terms dropped as in GGP).  K."""
    W = _positive("W_K", W_K)
    E = _a(E_K)
    return _out(_Q2 * c * chi**2 * E / _positive("eta_L", eta_L) * _pw(_ell(E, W), -3.0))


# ----------------------------------------------------------------------------- §VI
def _calL(T_K, W_K: float) -> np.ndarray:
    T = _a(T_K)
    if not np.all(T > 0):
        raise ValueError(f"T_K must be > 0 (got {T_K})")
    return _ell(T, W_K)


def heat_capacity(T_K, *, psi_per_m3: float, eta_L: float, W_K: float, p0=0.0):
    r"""Heat capacity C_j of one TLS type (GGP eq. 6.3) with the τ_expt cut-off p0.

    .. math:: C_j=\tfrac23\big(\tfrac43\big)^{1/3}\pi^2\psi_j\eta_L^{3/2}\frac{k_B^2T}{W}
              \mathscr L^{-1/3}\Big[1-\Big(\frac{\mathscr L}{\mathscr L+\frac12\ln(1/p_0)}
              \Big)^{1/3}\Big],\qquad \mathscr L=\ln(W/k_BT)

    GGP's eq. 6.3 is p0 = 0 (τ_expt -> ∞, footnote 44); the bracket is `dos_energy`'s
    p-integral with p0 = τ_min(T)/τ_expt (eq. 5.4).  Equals (π²/6)k_B²T N_j(E = T) at
    leading order in 1/𝓛: the E-integral of `dos_energy` is larger by ≈ 0.35/𝓛 (p0 = 0;
    10 % at T/W = 1e-2), more for p0 > 0 (25 % there at p0 = 1e-8).  J m^-3 K^-1; T << W.
    """
    W = _positive("W_K", W_K)
    T, calL = _a(T_K), _calL(T_K, W)
    cut = 1.0 - _pw(calL / (calL + _half_log_inv(_cutoff(p0))), 1 / 3)
    return _out(DOS_PREFACTOR * PI**2 * _nonneg("psi_per_m3", psi_per_m3)
                * _positive("eta_L", eta_L) ** 1.5 * K_B * T / W * _pw(calL, -1 / 3) * cut)


def thermal_expansion_type1(T_K, *, c: float, chi: float, psi_per_m3: float, eta_L: float,
                            W_K: float, B_Pa: float, p0=0.0):
    r"""Thermal-expansion coefficient of type-1 TLSs (GGP eq. 6.1).

    .. math:: \alpha^{(1)}=-\frac{2\pi^2}9\frac{c\psi_1\eta_L^{1/2}k_B^2T}{WB}\Big[\Big(
              \mathscr L+\tfrac12\ln\frac{\tau_{\rm expt}}{\tau_{\min}(T)}\Big)^{-1}
              -0.074\chi^2\mathscr L^{-3}\Big]

    (2/27 exact; 1/p0 = τ_expt/τ_min(T)).  From eqs. 1.5, 5.1, 5.5 with ∫x²e^x/(1+e^x)² =
    π²/6.  ``B_Pa``: bulk modulus (GGP's K), Pa.  K^-1.  Leading order in 1/𝓛, T << W:
    the E-integral of eq. 5.5 exceeds the first term by ≈ 1.05/L0 and the χ² term by
    ≈ 3.1/𝓛 + 10/𝓛² (a factor 2.5 at T/W = 1e-2: the ℓ^{-3} terms are poor closed forms).
    """
    W = _positive("W_K", W_K)
    T, calL, p0 = _a(T_K), _calL(T_K, W), _cutoff(p0)
    bracket = 1.0 / (calL + _half_log_inv(p0)) - _Q1_CHI2 * chi**2 * _pw(calL, -3.0)
    return _out(-_ALPHA1 * c * _nonneg("psi_per_m3", psi_per_m3)
                * np.sqrt(_positive("eta_L", eta_L)) * K_B * T / (W * _positive("B_Pa", B_Pa))
                * bracket)


def thermal_expansion_type2(T_K, *, c: float, chi: float, psi_per_m3: float, eta_L: float,
                            W_K: float, B_Pa: float):
    r"""Thermal-expansion coefficient of type-2 TLSs (GGP eq. 6.2).

    .. math:: \alpha^{(2)}=-0.11\frac{c\psi_2\eta_L^{1/2}k_B^2T}{WB}\chi^2\mathscr L^{-3}

    (exact 11π²/972 = 0.1117).  τ_expt-independent at this order.  K^-1.  Like the χ² term
    of eq. 6.1, ≈ 3.1/𝓛 + 10/𝓛² below the E-integral of eq. 5.6 (2.5x at T/W = 1e-2).
    """
    W = _positive("W_K", W_K)
    T, calL = _a(T_K), _calL(T_K, W)
    return _out(-_ALPHA2 * c * chi**2 * _nonneg("psi_per_m3", psi_per_m3)
                * np.sqrt(_positive("eta_L", eta_L)) * K_B * T / (W * _positive("B_Pa", B_Pa))
                * _pw(calL, -3.0))


def gruneisen(T_K, *, c: float, chi: float, psi_ratio: float, eta_L: float, W_K: float,
              p0=0.0, p0_heat_capacity=0.0):
    r"""Grüneisen parameter Γ = B(α^(1)+α^(2))/(C1+C2) (GGP eq. 6.4, prefactor corrected).

    .. math:: \Gamma=-0.303\,\frac c{\eta_L}\frac{\mathscr L^{1/3}}{1+\psi}\Big[\Big(
              \mathscr L+\tfrac12\ln\frac{\tau_{\rm expt}}{\tau_{\min}(T)}\Big)^{-1}
              -0.074\chi^2\big(1-\tfrac{11}{16}\psi\big)\mathscr L^{-3}\Big]

    0.303 = (1/3)(3/4)^{1/3} and 0.074 = 2/27 are the exact ratio of eqs. 6.1, 6.2 to 6.3;
    GGP print 0.55 (1.82x larger, = 6^{-1/3}) and 0.037 (half of 2/27), inconsistent with
    their own eqs. 6.1–6.3; 11/16 is exact.  ψ = ψ2/ψ1 (``psi_ratio``).  ``p0`` =
    τ_min(T)/τ_expt for α; the heat capacity is GGP's τ_expt -> ∞ one unless
    ``p0_heat_capacity`` > 0 (then C carries `heat_capacity`'s cut-off factor).
    Dimensionless; leading order in 1/𝓛.
    """
    W = _positive("W_K", W_K)
    calL, p0 = _calL(T_K, W), _cutoff(p0)
    psi = _nonneg("psi_ratio", psi_ratio)
    cut = 1.0 - _pw(calL / (calL + _half_log_inv(_cutoff(p0_heat_capacity))), 1 / 3)
    bracket = 1.0 / (calL + _half_log_inv(p0)) \
        - GRUNEISEN_CHI2 * chi**2 * (1.0 - GRUNEISEN_PSI * psi) * _pw(calL, -3.0)
    return _out(-GRUNEISEN_PREFACTOR * c / _positive("eta_L", eta_L) * _pw(calL, 1 / 3)
                / (1.0 + psi) * bracket / cut)


def gruneisen_as_printed(T_K, *, c: float, chi: float, psi_ratio: float, eta_L: float,
                         W_K: float, p0=0.0):
    r"""GGP eq. 6.4 exactly as printed (0.55, 0.037) — for comparison only; see `gruneisen`.

    .. math:: \Gamma_{\rm printed}=-0.55c\eta_L^{-1}(1+\psi)^{-1}\mathscr L^{1/3}\big[(\mathscr L
              +\tfrac12\ln(1/p_0))^{-1}-0.037\chi^2(1-\tfrac{11}{16}\psi)\mathscr L^{-3}\big]
    """
    W = _positive("W_K", W_K)
    calL, psi = _calL(T_K, W), _nonneg("psi_ratio", psi_ratio)
    bracket = 1.0 / (calL + _half_log_inv(_cutoff(p0))) \
        - 0.037 * chi**2 * (1.0 - GRUNEISEN_PSI * psi) * _pw(calL, -3.0)
    return _out(-0.55 * c / _positive("eta_L", eta_L) * _pw(calL, 1 / 3) / (1.0 + psi) * bracket)



# ----------------------------------------------------------------------------- §I, §VI with τ_expt
def thermal_expansion_eq15(E_K, D_K, weight_per_m3, T_K: float, B_Pa: float) -> float:
    r"""GGP eq. 1.5 evaluated on an explicit population (Phillips' equilibrium formula).

    .. math:: \alpha=-\frac1B\sum_i w_i\,\frac{E_i}{4k_BT^2\cosh^2(E_i/2k_BT)}\,D_i

    ``E_K``, ``D_K`` = ∂E/∂ε (both in K, i.e. E/k_B), ``weight_per_m3`` real TLSs per m³ per
    entry, T in K, B (GGP's K, the bulk modulus) in Pa.  Returns α in K^-1.  Written with
    e^{−|x|}/(1 + e^{−|x|})² = 1/(4 cosh²(x/2)) so that E/T up to 1e5 does not overflow.
    """
    E, D, w = _a(E_K), _a(D_K), _a(weight_per_m3)
    T, B = _positive("T_K", T_K), _positive("B_Pa", B_Pa)
    x = np.abs(E) / T
    e = np.exp(-x)
    sech2_over_4 = e / (1.0 + e) ** 2
    return float(-K_B / B * np.sum(w * D * (E / T**2) * sech2_over_4))


def _p0_tau(tau_min_s, tau_expt_s):
    tmin, texp = _a(tau_min_s), _a(tau_expt_s)
    return np.where(np.isinf(texp), 0.0, p0_cutoff(tmin, np.where(np.isinf(texp), 1.0, texp)))


def thermal_expansion_tau_expt(T_K, tau_expt_s, tau_min_s, *, c: float, chi: float,
                               psi_per_m3: float, psi_ratio: float, eta_L: float, W_K: float,
                               B_Pa: float):
    r"""α = α^(1) + α^(2) at the time of the experiment (GGP eqs. 6.1 + 6.2, 5.4).

    .. math:: \alpha(T,\tau_{\rm expt})=\alpha^{(1)}\big(T;\,p_0=\tau_{\min}(T)/\tau_{\rm expt}
              \big)+\alpha^{(2)}(T),\qquad \psi_2=\psi\,\psi_1

    ``tau_expt_s`` (s, inf allowed: p0 = 0) and ``tau_min_s`` (τ_min(T) of type 1: the
    symmetric TLS with Δ0 = E = T) broadcast; ``psi_per_m3`` = ψ1, ``psi_ratio`` = ψ2/ψ1.
    K^-1.  Leading order in 1/𝓛; α^(2) has no τ_expt dependence at this order.
    """
    kw = dict(c=c, chi=chi, eta_L=eta_L, W_K=W_K, B_Pa=B_Pa)
    a1 = thermal_expansion_type1(T_K, psi_per_m3=psi_per_m3, p0=_p0_tau(tau_min_s, tau_expt_s),
                                 **kw)
    a2 = thermal_expansion_type2(T_K, psi_per_m3=_nonneg("psi_ratio", psi_ratio) * psi_per_m3,
                                 **kw)
    return _out(_a(a1) + _a(a2))


def heat_capacity_tau_expt(T_K, tau_expt_s, tau_min_s, *, psi_per_m3: float, psi_ratio: float,
                           eta_L: float, W_K: float, tau_min2_s=None):
    r"""C1 + C2 (GGP eq. 6.3) with the cut-off p0_j = τ_min,j(T)/τ_expt of each type (eq. 5.4).

    ``tau_min2_s``: τ_min of type 2 (default: that of type 1).  J m^-3 K^-1.
    """
    tau2 = tau_min_s if tau_min2_s is None else tau_min2_s
    kw = dict(eta_L=eta_L, W_K=W_K)
    c1 = heat_capacity(T_K, psi_per_m3=psi_per_m3, p0=_p0_tau(tau_min_s, tau_expt_s), **kw)
    c2 = heat_capacity(T_K, psi_per_m3=_nonneg("psi_ratio", psi_ratio) * psi_per_m3,
                       p0=_p0_tau(tau2, tau_expt_s), **kw)
    return _out(_a(c1) + _a(c2))


def gruneisen_tau_expt(T_K, tau_expt_s, tau_min_s, *, c: float, chi: float, psi_ratio: float,
                       eta_L: float, W_K: float, tau_min2_s=None,
                       heat_capacity_cutoff: bool = True):
    r"""Γ(T, τ_expt) = B(α^(1) + α^(2))/(C1 + C2) (GGP eq. 6.4 as the ratio of eqs. 6.1–6.3).

    With ``heat_capacity_cutoff`` the heat capacity is measured at the same τ_expt (each type
    with its own p0 = τ_min,j/τ_expt: the Γ of a heat pulse read at τ_expt, what
    :mod:`tlsmc.measurements.expansion` computes); without it, GGP's eq. 6.4 (C at
    τ_expt -> ∞, the printed prefactor corrected to 0.303, `gruneisen`).  Dimensionless;
    independent of ψ1 and B.
    """
    if not heat_capacity_cutoff:
        return gruneisen(T_K, c=c, chi=chi, psi_ratio=psi_ratio, eta_L=eta_L, W_K=W_K,
                         p0=_p0_tau(tau_min_s, tau_expt_s))
    a = thermal_expansion_tau_expt(T_K, tau_expt_s, tau_min_s, c=c, chi=chi, psi_per_m3=1.0,
                                   psi_ratio=psi_ratio, eta_L=eta_L, W_K=W_K, B_Pa=1.0)
    C = heat_capacity_tau_expt(T_K, tau_expt_s, tau_min_s, psi_per_m3=1.0, psi_ratio=psi_ratio,
                               eta_L=eta_L, W_K=W_K, tau_min2_s=tau_min2_s)
    a, C = _a(a), _a(C)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(C > 0, a / np.where(C > 0, C, 1.0), np.nan))   # NaN: τ_expt <= τ_min
