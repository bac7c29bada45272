r"""Closed forms of Galperin, Gurevich & Parshin 1985 (GGP): soft-potential spectra and couplings.

The thermodynamic averages (DOS, C, α, Γ; §5–6) are in
:mod:`tlsmc.analytic.closed_forms.ggp1985_thermodynamics`.

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

from ...units import PI


__all__ = [
    "WKB_COEFF_TYPE1", "WKB_COEFF_TYPE2", "DOS_PREFACTOR", "GRUNEISEN_PREFACTOR",
    "GRUNEISEN_CHI2", "GRUNEISEN_PSI", "delta0_wkb_type1", "delta0_wkb_type2",
    "asymmetry_type1", "asymmetry_type2", "energy_p_type1", "energy_p_type2",
    "parameters_type1", "parameters_type2", "StationaryPointMap", "stationary_point_map",
    "stationary_point_map_jacobian", "log_L", "gamma_type1", "gamma_type2",
    "deformation_potential_type1", "deformation_potential_type2", "offdiagonal_coupling",
    "StrainDerivatives", "strain_derivatives_type1", "strain_derivatives_type2",
    "deformation_potential_eq41",
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
