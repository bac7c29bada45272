r"""Closed forms of Galperin, Gurevich & Parshin 1985 (GGP) for the soft-potential model.

Plain vectorised functions (PHYSICS.md §1b, §3, §7, §9): the "analytic" column for the
soft-potential (KKI) population.  Model: dimensionless potential
:math:`\tilde V(x)=\eta x^2+t x^3+x^4`, levels :math:`E_n = W\varepsilon_n`; ``eta``, ``t``
are GGP's renormalised :math:`\tilde\eta,\tilde t` (eq. 2.5).  ``psi_per_m3`` is GGP's
:math:`\psi_j=\Phi(\eta_j)F(t_j)` (eq. 5.2): TLSs per m^3 per unit η per unit t, so the
density per unit :math:`\tilde\eta\,\tilde t` is :math:`\psi\eta_L^{3/2}`
(:math:`d\eta\,dt=\eta_L^{3/2}d\tilde\eta\,d\tilde t`).  Energies in K (E/k_B), deformation
potentials in K per unit strain, DOS in K^-1 m^-3, heat capacity in J m^-3 K^-1, α in K^-1.
Type 1: η < 0 near t = 0; type 2: near the parabola η = t²/4, variables (t, R = η − t²/4).

Everything in (E, p) goes through the leading WKB formulas 2.8 / 2.11, valid for
:math:`L=\ln(W/E\sqrt p)\gg1` (|η| >> 1, |t| >> 1) and E << W; GGP keep the leading power
of 1/L.  Against exact quadrature of the same model expect order-unity factors (PHYSICS §9).

Checks and readings (derived here from the paper's own earlier equations; the tests in
``tests/physics/test_ggp1985_closed_forms.py`` redo each step numerically):

* Printed numbers are roundings of exact constants: 1.10 = 2·6^{-1/3}, 0.91 = (3/4)^{1/3},
  0.2 = 2^{1/3}3^{-5/3}, 3.30 = 36^{1/3}, 0.038 = 24·48^{-5/3}, 0.67 = 2/3, 1.82 =
  2(3/4)^{1/3}, 0.07 = 2/27, 0.09 = (22/9)·24·48^{-5/3}, 0.11 = 11π²/972.  We use the exact ones.
* Eq. 4.5, first term: printed "1.10 (1−p)^{1/2} sgn t / L^{2/3}"; eqs. 4.3–4.4 give
  :math:`2\gamma_1\Delta/E = 1.10\,\chi(1-p)^{1/2}\operatorname{sgn}t/L^{1/3}` (PHYSICS §9).
* Eq. 3.8 read as :math:`\partial\tilde\eta/\partial\varepsilon=(c/\eta_L)(1-3\tilde t\delta/
  \tilde\eta)` (PHYSICS §9); with it eqs. 4.3, 4.8 follow exactly.
* Eq. 6.4: the ratio of eqs. 6.1+6.2 to 6.3 gives the prefactor
  :math:`\tfrac13(3/4)^{1/3}=0.303`, not the printed 0.55 (= 6^{-1/3}, 1.82x larger), and the
  χ² coefficient 2/27 = 0.074 (the "0.07" of eqs. 5.5, 6.1), not the printed 0.037; the
  factor (1 − 11ψ/16) is exact.  `gruneisen` implements the ratio; `gruneisen_as_printed`
  the printed line, for comparison only.
* Eq. 2.10's Jacobian is :math:`-\tfrac12(1+3\sigma t/\sqrt{9t^2-32\eta})`: magnitude 1/2
  on t = 0 (so across the type-1 strip, |t| << |η|^{-3/2}), and the two branches sum to −1.
* GGP give no E-only DOS and C_j only for τ_expt → ∞ (eq. 6.3, footnote 44).  `dos_energy`
  and the cut-off factor of `heat_capacity` are the same p-integral with GGP's p0 (eq. 5.4).
* Leading order in 1/ℓ is coarse at realistic ℓ ≈ 5: each function states the size of its
  neglected order, as measured by the tests (e.g. α^(2) is 2.5x below the E-integral of its
  own eq. 5.6 at T/W = 1e-2).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tlsmc.units import K_B, PI

__all__ = [
    "WKB_COEFF_TYPE1", "WKB_COEFF_TYPE2", "DOS_PREFACTOR", "GRUNEISEN_PREFACTOR",
    "GRUNEISEN_CHI2", "GRUNEISEN_PSI", "delta0_wkb_type1", "delta0_wkb_type2",
    "asymmetry_type1", "asymmetry_type2", "energy_p_type1", "energy_p_type2",
    "parameters_type1", "parameters_type2", "StationaryPointMap", "stationary_point_map",
    "stationary_point_map_jacobian", "log_L", "gamma_type1", "gamma_type2",
    "deformation_potential_type1", "deformation_potential_type2", "offdiagonal_coupling",
    "StrainDerivatives", "strain_derivatives_type1", "strain_derivatives_type2",
    "deformation_potential_eq41", "dos_E_p", "dos_energy", "p0_cutoff", "q_type1", "q_type2",
    "heat_capacity", "thermal_expansion_type1", "thermal_expansion_type2", "gruneisen",
    "gruneisen_as_printed", "thermal_expansion_eq15", "thermal_expansion_tau_expt",
    "heat_capacity_tau_expt", "gruneisen_tau_expt",
]

WKB_COEFF_TYPE1: float = np.sqrt(2.0) / 3.0
"""√2/3: −d ln(Δ0/W) / d|η̃|^{3/2} of eq. 2.8."""
WKB_COEFF_TYPE2: float = 1.0 / 48.0
"""1/48: −d ln(Δ0/W) / d|t̃|³ of eq. 2.11."""
DOS_PREFACTOR: float = (2.0 / 3.0) * (4.0 / 3.0) ** (1.0 / 3.0)
"""(2/3)(4/3)^{1/3} = 0.734 of eqs. 5.1 and 6.3."""
_G1 = 6.0 ** (-1.0 / 3.0)                       # eq. 4.4
_G2 = 4.5 ** (1.0 / 3.0)                        # eq. 4.9
COUPLING_LAW = {1: (_G1, -1.0 / 3.0), 2: (_G2, 2.0 / 3.0)}
"""Type j: (g_j, a_j) with γ_j = g_j c (W/η_L) χ^{[j=1]} L^{a_j} (eqs. 4.4, 4.9), so the
off-diagonal coupling per unit c W/η_L is <0|(y+δ)²|1> = g_j χ^{[j=1]} L^{a_j} √p."""
_A1, _B1, _C1 = 2.0 * _G1, 0.75 ** (1.0 / 3.0), 2.0 ** (1.0 / 3.0) * 3.0 ** (-5.0 / 3.0)
_A2, _B2 = 36.0 ** (1.0 / 3.0), 24.0 * 48.0 ** (-5.0 / 3.0)
_Q1, _Q1_CHI2, _Q2 = 2.0 * _B1, 2.0 / 27.0, (22.0 / 9.0) * _B2
_ALPHA1, _ALPHA2 = 2.0 * PI**2 / 9.0, 11.0 * PI**2 / 972.0
GRUNEISEN_PREFACTOR: float = _B1 / 3.0
"""(1/3)(3/4)^{1/3} = 0.303: eq. 6.4 from the ratio of eqs. 6.1–6.3 (printed 0.55)."""
GRUNEISEN_CHI2: float = _Q1_CHI2
"""2/27 = 0.074: χ² coefficient of eq. 6.4 from the ratio (printed 0.037)."""
GRUNEISEN_PSI: float = 11.0 / 16.0
"""11/16, exact: ψ coefficient of eq. 6.4 (= α^(2)/α^(1) χ²-coefficient ratio)."""


# ----------------------------------------------------------------------------- helpers
def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _out(x: np.ndarray):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _positive(name: str, value: float) -> float:
    v = float(value)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be finite and > 0 (got {value})")
    return v


def _nonneg(name: str, value) -> np.ndarray:
    v = _a(value)
    if not np.all(np.isfinite(v) & (v >= 0)):
        raise ValueError(f"{name} must be finite and >= 0 (got {value})")
    return v


def _cutoff(p0) -> np.ndarray:
    v = _a(p0)
    if not np.all((v >= 0) & (v <= 1)):
        raise ValueError(f"p0 must lie in [0, 1] (got {p0}); see p0_cutoff")
    return v


def _half_log_inv(p: np.ndarray) -> np.ndarray:
    """½ ln(1/p), +inf at p = 0, without warnings."""
    with np.errstate(divide="ignore"):
        return -0.5 * np.log(p)


def _pw(x: np.ndarray, a: float) -> np.ndarray:
    """x**a for x > 0 (inf allowed; x = 0 too if a > 0), else NaN (outside validity)."""
    ok = (x > 0) | ((x == 0) & (a > 0))
    return np.power(np.where(ok, x, np.nan), a)


def _odd(magnitude: np.ndarray, sign) -> np.ndarray:
    """magnitude × sgn(sign), exactly 0 where sign == 0 (even if magnitude is inf)."""
    s = np.sign(_a(sign))
    with np.errstate(invalid="ignore"):
        return np.where(s == 0, 0.0, magnitude * s)


def _ell(E_K, W_K: float) -> np.ndarray:
    """ℓ = ln(W/E) (NaN for E <= 0)."""
    E = _a(E_K)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(E > 0, np.log(W_K / np.where(E > 0, E, 1.0)), np.nan)


# ----------------------------------------------------------------------------- §II
def delta0_wkb_type1(eta):
    r"""Tunnel splitting of the symmetric type-1 double well, leading WKB (GGP eq. 2.8).

    .. math:: \Delta_0/W = \exp\!\big(-\tfrac{\sqrt2}{3}|\tilde\eta|^{3/2}\big)

    Parameters: ``eta`` = η̃ (< 0).  Returns Δ0 in units of W.  Valid for |η̃| >> 1, t ≈ 0;
    only the exponent is right (η̃ = −6: 1e-3 against the exact 0.0414; the exact slope of
    ln Δ0 over η̃ ∈ [−20, −8] is 0.96 of √2/3, the rest being the ∝|η̃|^{5/4} prefactor).
    """
    return _out(np.exp(-WKB_COEFF_TYPE1 * np.abs(_a(eta)) ** 1.5))


def delta0_wkb_type2(t):
    r"""Tunnel splitting of a type-2 TLS on the parabola η̃ = t̃²/4 (GGP eq. 2.11).

    .. math:: \Delta_0/W = \exp\!\big(-|\tilde t|^3/48\big)

    Eq. 2.8 at the equivalent type-1 point η̃' = −t̃²/8 (eq. 2.10).  Units of W; |t̃| >> 1.
    """
    return _out(np.exp(-WKB_COEFF_TYPE2 * np.abs(_a(t)) ** 3))


def asymmetry_type1(eta, t):
    r"""Asymmetry of a weakly asymmetric type-1 TLS (GGP eq. 2.9).

    .. math:: \Delta/W = 2^{-1/2}|\tilde t|\,|\tilde\eta|^{3/2}

    (the difference of the two well bottoms).  Units of W; |η̃| >> 1, |t̃| << |η̃|^{-3/2}.
    """
    return _out(np.abs(_a(t)) * np.abs(_a(eta)) ** 1.5 / np.sqrt(2.0))


def asymmetry_type2(eta, t):
    r"""Asymmetry of a type-2 TLS near the parabola (GGP eqs. 2.12–2.13).

    .. math:: \Delta/W = \tfrac14|\tilde R|\,\tilde t^2,\qquad \tilde R=\tilde\eta-\tilde t^2/4

    Units of W; |t̃| >> 1, |R̃| << t̃^{-2}.
    """
    t = _a(t)
    return _out(0.25 * np.abs(_a(eta) - 0.25 * t * t) * t * t)


def _e_p(d0: np.ndarray, d: np.ndarray) -> tuple:
    E = np.hypot(d0, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (d0 / E) ** 2
    return _out(E), _out(p)


def energy_p_type1(eta, t):
    r"""(η̃, t̃) -> (E/W, p) for type 1: eqs. 2.8, 2.9 and 1.1.

    .. math:: E=\sqrt{\Delta^2+\Delta_0^2},\qquad p=(\Delta_0/E)^2

    Returns ``(E/W, p)``.  Same validity as `delta0_wkb_type1`, `asymmetry_type1`.
    """
    return _e_p(_a(delta0_wkb_type1(eta)), _a(asymmetry_type1(eta, t)))


def energy_p_type2(eta, t):
    r"""(η̃, t̃) -> (E/W, p) for type 2: eqs. 2.11, 2.13 and 1.1 (see `energy_p_type1`)."""
    return _e_p(_a(delta0_wkb_type2(t)), _a(asymmetry_type2(eta, t)))


def parameters_type1(E_over_W, p, sign_t=1.0):
    r"""Inverse of `energy_p_type1`: (E/W, p) -> (η̃ < 0, t̃ with the sign of ``sign_t``).

    .. math:: |\tilde\eta| = \big(3L/\sqrt2\big)^{2/3},\quad
              |\tilde t| = \sqrt2\,\frac{E\sqrt{1-p}}{W|\tilde\eta|^{3/2}},\quad
              L=\ln\frac{W}{E\sqrt p}

    Two preimages (±t̃) per (E, p).  NaN where L <= 0.
    """
    e, p = _a(E_over_W), _a(p)
    mod_eta = _pw(_log_L(e, p) / WKB_COEFF_TYPE1, 2.0 / 3.0)
    t = np.sign(sign_t) * np.sqrt(2.0) * e * np.sqrt(1.0 - p) / mod_eta**1.5
    return _out(-mod_eta), _out(t)


def parameters_type2(E_over_W, p, sign_t=1.0, sign_R=1.0):
    r"""Inverse of `energy_p_type2`: (E/W, p) -> (η̃, t̃), four preimages (±t̃, ±R̃).

    .. math:: |\tilde t| = (48L)^{1/3},\quad |\tilde R| = 4\frac{E\sqrt{1-p}}{W\tilde t^2},
              \quad \tilde\eta=\tilde t^2/4+\tilde R
    """
    e, p = _a(E_over_W), _a(p)
    mod_t = _pw(48.0 * _log_L(e, p), 1.0 / 3.0)
    R = np.sign(sign_R) * 4.0 * e * np.sqrt(1.0 - p) / mod_t**2
    return _out(0.25 * mod_t**2 + R), _out(np.sign(sign_t) * mod_t)


class StationaryPointMap(NamedTuple):
    """Result of `stationary_point_map` (all dimensionless, energies in units of W)."""

    eta: np.ndarray
    t: np.ndarray
    s: np.ndarray
    shift: np.ndarray


def stationary_point_map(eta, t, branch: int = 1) -> StationaryPointMap:
    r"""Move the origin to another stationary point s of Ṽ (GGP eq. 2.10, Karpov–Parshin).

    .. math::
        s=\frac{-3t+\sigma\sqrt{D}}{8},\quad D=9t^2-32\eta,\quad
        \eta'=\tfrac1{16}\big[D-3\sigma t\sqrt D\big],\quad t'=\tfrac12\big[\sigma\sqrt D-t\big],

    so that exactly :math:`\tilde V_{\eta',t'}(y)=\tilde V_{\eta,t}(y+s)-\tilde V_{\eta,t}(s)`
    and the spectra coincide up to the shift: :math:`\varepsilon_n'=\varepsilon_n-\tilde V(s)`.
    GGP print σ = +1; ``branch`` = ±1 selects σ.  The inverse map is the branch
    σ' = σ·sgn(√D + 3σt).  Jacobian: `stationary_point_map_jacobian`.  NaN where D < 0
    (the origin is the only stationary point).  Example: (η, 0), η < 0 -> (−2η, ±√(−8η)).

    Returns `StationaryPointMap` (eta', t', s, shift = Ṽ(s)), in units of W where energies.
    """
    eta, t, sig = _a(eta), _a(t), float(np.sign(branch))
    if sig == 0.0:
        raise ValueError(f"branch must be +1 or -1 (got {branch})")
    D = 9.0 * t * t - 32.0 * eta
    r = np.sqrt(np.where(D >= 0, D, np.nan))
    s = (-3.0 * t + sig * r) / 8.0
    shift = s * s * (eta + s * (t + s))
    return StationaryPointMap(_out((D - 3.0 * sig * t * r) / 16.0), _out(0.5 * (sig * r - t)),
                              _out(s), _out(shift))


def stationary_point_map_jacobian(eta, t, branch: int = 1):
    r"""Jacobian ∂(η', t')/∂(η, t) of eq. 2.10 (derived here; GGP quote only |J| = 1/2).

    .. math:: J_\sigma=-\tfrac12\Big(1+\frac{3\sigma t}{\sqrt{9t^2-32\eta}}\Big)

    |J| = 1/2 on t = 0, i.e. across the type-1 TLS strip up to O(|t|/√|η|); J₊ + J₋ = −1:
    with two branches, equal densities ψ1 = ψ2 give equal numbers of type-1 and type-2
    TLSs.  Dimensionless; NaN where D <= 0.
    """
    eta, t, sig = _a(eta), _a(t), float(np.sign(branch))
    D = 9.0 * t * t - 32.0 * eta
    return _out(-0.5 * (1.0 + 3.0 * sig * t / np.sqrt(np.where(D > 0, D, np.nan))))


# ----------------------------------------------------------------------------- §IV
def _log_L(e: np.ndarray, p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        L = -np.log(e) + _half_log_inv(p)
    return np.where(L > 0, L, np.nan)


def log_L(E_K, p, *, W_K: float):
    r"""GGP eq. 4.6: :math:`L=\ln(W/E\sqrt p)=\ln(W/\Delta_0)` (dimensionless, +inf at p = 0).

    NaN where L <= 0 (no TLS: Δ0 > W).  ``E_K``, ``W_K`` in K.
    """
    W = _positive("W_K", W_K)
    return _out(_log_L(_a(E_K) / W, _a(p)))


def gamma_type1(E_K, p, sign_t, *, c: float, chi: float, eta_L: float, W_K: float):
    r"""AHVP deformation potential γ1 = ½∂Δ/∂ε of type-1 TLSs, main term (GGP eq. 4.4).

    .. math:: \gamma_1=6^{-1/3}c\chi\frac{W}{\eta_L}\frac{\operatorname{sgn}t}{L^{1/3}}

    K per unit strain (× k_B for J).  ``sign_t``: sign of t (t itself accepted).  L >> 1.
    """
    W = _positive("W_K", W_K)
    L = _log_L(_a(E_K) / W, _a(p))
    return _out(_odd(_G1 * c * chi * (W / _positive("eta_L", eta_L)) * _pw(L, -1 / 3), sign_t))


def gamma_type2(E_K, p, sign_R, *, c: float, eta_L: float, W_K: float):
    r"""AHVP deformation potential γ2 of type-2 TLSs (GGP eq. 4.9).

    .. math:: \gamma_2=(9/2)^{1/3}c\frac{W}{\eta_L}L^{2/3}\operatorname{sgn}R,
              \qquad R=\eta-t^2/4

    K per unit strain.  γ2/γ1 = 3L/χ (eq. 4.10).  L >> 1.
    """
    W = _positive("W_K", W_K)
    L = _log_L(_a(E_K) / W, _a(p))
    return _out(_odd(_G2 * c * (W / _positive("eta_L", eta_L)) * _pw(L, 2 / 3), sign_R))


def deformation_potential_type1(E_K, p, sign_t, *, c: float, chi: float, eta_L: float,
                                W_K: float):
    r"""Deformation potential D1 = ∂E/∂ε of type-1 TLSs (GGP eq. 4.5, first term corrected).

    .. math::
        D_1=\frac{cW}{\eta_L}\Big[1.10\,\chi(1-p)^{1/2}\frac{\operatorname{sgn}t}{L^{1/3}}
        +0.91\frac EW\Big(pL^{1/3}-\frac{1-p}{L^{2/3}}\Big)-0.20\,\chi^2\frac EW
        \frac{1-p}{L^{8/3}}\Big]

    with exact constants 2·6^{-1/3}, (3/4)^{1/3}, 2^{1/3}3^{-5/3}.  The first term is
    2γ1Δ/E (eq. 4.4; printed "/L^{2/3}" without χ: OCR, PHYSICS §9).  ``sign_t = 0`` gives
    the t-even part, the only one entering α.  Terms odd in t of relative size |t|/η² are
    dropped (pointwise accurate to that order).  K per unit strain; finite for p -> 0
    (-> 0) and p -> 1.  L >> 1, E << W.
    """
    W = _positive("W_K", W_K)
    E, p = _a(E_K), _a(p)
    e, L = E / W, _log_L(E / W, p)
    with np.errstate(invalid="ignore"):               # p L^{1/3} -> 0 at p = 0
        pL = np.where(p > 0, p * _pw(L, 1 / 3), 0.0)
    even = _B1 * e * (pL - (1 - p) * _pw(L, -2 / 3)) - _C1 * chi**2 * e * (1 - p) * _pw(L, -8 / 3)
    odd = _odd(_A1 * chi * np.sqrt(1 - p) * _pw(L, -1 / 3), sign_t)
    return _out(c * W / _positive("eta_L", eta_L) * (odd + even))


def deformation_potential_type2(E_K, p, sign_R, *, c: float, chi: float, eta_L: float,
                                W_K: float):
    r"""Deformation potential D2 of type-2 TLSs (GGP eq. 4.11).

    .. math::
        D_2=\frac{cW}{\eta_L}\Big[3.30(1-p)^{1/2}L^{2/3}\operatorname{sgn}R
        +0.038\chi^2\frac EW\Big(\frac p{L^{5/3}}+\frac23\frac{1-p}{L^{8/3}}\Big)\Big]

    exact constants 36^{1/3} (= 2γ2Δ/E) and 24·48^{-5/3}.  ``sign_R`` = sgn(η − t²/4);
    ``sign_R = 0`` gives the part even in R.  GGP keep only this odd-in-R term and the
    parts even in both t and R: terms odd in t (e.g. −2χ sgn t p E/t̃² from ∂Δ0/∂ε, larger
    than the χ² term) are dropped, so this is D symmetrised over ±t, not a pointwise D.
    K per unit strain; finite at p -> 0, 1.  L >> 1, E << W.
    """
    W = _positive("W_K", W_K)
    E, p = _a(E_K), _a(p)
    e, L = E / W, _log_L(E / W, p)
    even = _B2 * chi**2 * e * (p * _pw(L, -5 / 3) + (2 / 3) * (1 - p) * _pw(L, -8 / 3))
    odd = _odd(_A2 * np.sqrt(1 - p) * _pw(L, 2 / 3), sign_R)
    return _out(c * W / _positive("eta_L", eta_L) * (odd + even))


def offdiagonal_coupling(gamma_K, p):
    r"""Off-diagonal (eigenbasis) strain coupling of the AHVP TLS, :math:`M=\gamma\Delta_0/E`.

    .. math:: M=\gamma\sqrt p

    GGP give only γ (eqs. 4.4, 4.9: "the deformation potential of the AHVP theory"); this is
    the standard eigenbasis element of γεσ_z (PHYSICS §3), with γ from `gamma_type1/2`.
    Same units as ``gamma_K`` (K per unit strain).
    """
    return _out(_a(gamma_K) * np.sqrt(_a(p)))


class StrainDerivatives(NamedTuple):
    """∂Δ0/∂ε and ∂Δ/∂ε in K per unit strain (`strain_derivatives_type1/2`)."""

    d_delta0: np.ndarray
    d_delta: np.ndarray


def strain_derivatives_type1(eta, t, *, c: float, chi: float, eta_L: float, W_K: float):
    r"""GGP eqs. 4.2–4.3 as functions of the actual (η̃ < 0, t̃) (pointwise checks).

    .. math::
        \frac{\partial\Delta_0}{\partial\varepsilon}=\frac{c}{\sqrt2}\frac W{\eta_L}
        |\tilde\eta|^{1/2}e^{-\frac{\sqrt2}3|\tilde\eta|^{3/2}},\quad
        \frac{\partial\Delta}{\partial\varepsilon}=\frac{\sqrt2cW}{\eta_L|\tilde\eta|^{1/2}}
        \Big[\chi\operatorname{sgn}t-\tfrac34|\tilde\eta\tilde t|-\tfrac34\chi^2
        \frac{|\tilde t|}{\tilde\eta^2}\Big]

    from eqs. 2.8, 2.9, 3.5, 3.8, 3.9.  K per unit strain; |η̃| >> 1.
    """
    W, gL = _positive("W_K", W_K), c / _positive("eta_L", eta_L)
    eta, t = _a(eta), _a(t)
    m = np.abs(eta)
    d0 = gL * W / np.sqrt(2.0) * np.sqrt(m) * _a(delta0_wkb_type1(eta))
    d = np.sqrt(2.0) * gL * W / np.sqrt(m) * (chi * np.sign(t) - 0.75 * m * np.abs(t)
                                              - 0.75 * chi**2 * np.abs(t) / m**2)
    return StrainDerivatives(_out(d0), _out(d))


def strain_derivatives_type2(eta, t, *, c: float, chi: float, eta_L: float, W_K: float):
    r"""GGP eqs. 4.7–4.8 as functions of the actual (η̃, t̃), R̃ = η̃ − t̃²/4.

    .. math::
        \frac{\partial\Delta_0}{\partial\varepsilon}=24c\chi^2\frac W{\eta_L}|\tilde t|^{-5}
        e^{-|\tilde t|^3/48},\quad
        \frac{\partial\Delta}{\partial\varepsilon}=\frac{cW}{\eta_L}\Big(\tfrac14\tilde t^2
        \operatorname{sgn}R+192\chi^2|\tilde R|\tilde t^{-6}\Big)

    Only the odd-in-R leading term and the parts even in t and R are kept (see
    `deformation_potential_type2`).  K per unit strain; |t̃| >> 1, |R̃| << t̃^{-2}.
    """
    W, gL = _positive("W_K", W_K), c / _positive("eta_L", eta_L)
    eta, t = _a(eta), _a(t)
    R, m = eta - 0.25 * t * t, np.abs(t)
    d0 = 24.0 * gL * chi**2 * W * m**-5 * _a(delta0_wkb_type2(t))
    d = gL * W * (0.25 * t * t * np.sign(R) + 192.0 * chi**2 * np.abs(R) * m**-6)
    return StrainDerivatives(_out(d0), _out(d))


def deformation_potential_eq41(delta0, delta, d_delta0, d_delta):
    r"""GGP eq. 4.1: :math:`D=(\Delta_0\,\partial_\varepsilon\Delta_0+\Delta\,
    \partial_\varepsilon\Delta)/E`, :math:`E=\sqrt{\Delta_0^2+\Delta^2}` (consistent units)."""
    d0, d = _a(delta0), _a(delta)
    return _out((d0 * _a(d_delta0) + d * _a(d_delta)) / np.hypot(d0, d))


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
