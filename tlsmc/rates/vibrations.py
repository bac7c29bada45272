"""Vibrational enhancement of the barrier transparency, TF 1982 (PHYSICS §4.2).

Trakhtenberg & Flerov (TF): the tunnelling matrix element is
V exp[-J({q})/2] with J linear (J') and quadratic (J'') in the well separation,
so lattice vibrations bring the wells together and raise the transparency.
In the rate this appears as exp[J_eff(T)], J_eff(T) > 0 already at T = 0
(zero-point motion).  Two lattice models:

* Debye (TF eq. 14), J'' = 0:  ``J1_debye``.  The same spectral function
  gives TF's J2 (eq. 25) and its classical limit (eq. 30).
* Einstein with J'' (TF eq. 7): ``einstein_phis``, ``J_eff_einstein``,
  ``einstein_rate``.

Energies and temperatures are in kelvin (E/k_B), masses kg, lengths m, rates
s^-1.  ``TFParameters`` holds one parameter set (the TF §3 values are
``TFParameters.tf1982()``).

Helpers shared by :mod:`tlsmc.rates.multiphonon` and :mod:`tlsmc.analytic.closed_forms.tf1982`:
``debye_weight`` / ``debye_density`` (the Debye coupling density of eq. 14),
``coth_half``, ``n_bose`` and ``inv_sinh_half``.  The first three are numpy ufuncs of
the numba scalars in ``tlsmc._kernels.thermal`` / ``_kernels.vibrations`` (each formula
is written once, there).  ``log_enhancement`` is the vibrational factor of the
non-diagonal rate (J1 for Debye; J_eff − ½ ln φ3 for Einstein, see its docstring).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
from numba import vectorize
from scipy.special import ive

from .._kernels.vibrations import coth_half as _k_coth_half
from .._kernels.vibrations import debye_weight as _k_debye_weight
from .._kernels.vibrations import n_bose as _k_n_bose
from ..units import ANGSTROM, AMU, HBAR, K_B, PI, kelvin_to_rad_per_s

__all__ = [
    "TFParameters",
    "coth_half",
    "n_bose",
    "debye_weight",
    "debye_density",
    "J1_debye",
    "J2_debye",
    "phi0_debye",
    "einstein_phis",
    "J_eff_einstein",
    "J_eff",
    "J_star",
    "log_enhancement",
    "inv_sinh_half",
    "einstein_rate",
    "VIBRATION_MODELS",
]


@dataclass(frozen=True, slots=True)
class TFParameters:
    """One TF parameter set (SI, temperatures in K).  Frozen and hashable.

    Attributes
    ----------
    nu_rad_s : float
        TF's attempt frequency ν (angular, rad s^-1); V = ħν exp(-J0/2) (TF eq. 9).
    J1_per_m : float
        J' = ∂J/∂ΔR, m^-1 (TF: ≈ 200 Å^-1).
    J2_per_m2 : float
        J'' = ∂²J/∂ΔR², m^-2 (TF: ≈ 400 Å^-2).  Enters only the Einstein model.
    mass_kg : float
        Characteristic mass M of the phonon spectrum, kg (TF: ≈ 60 amu).
    theta_D_K : float
        Debye temperature Θ = ħω_D/k_B, K (TF: ≈ 150 K).
    omega_E_K : float
        Einstein energy ħΩ/k_B, K (TF: ≈ 100 K).

    Every field must be finite and > 0 (``ValueError`` naming the field otherwise).
    """

    nu_rad_s: float
    J1_per_m: float
    J2_per_m2: float
    mass_kg: float
    theta_D_K: float
    omega_E_K: float

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
            if not ok or not math.isfinite(float(value)) or float(value) <= 0.0:
                raise ValueError(f"TFParameters.{f.name} must be a finite number in (0, inf) "
                                 f"(got {value!r})")
            object.__setattr__(self, f.name, float(value))

    @classmethod
    def tf1982(cls) -> TFParameters:
        """TF §3 values: ν = 1e13 s^-1, J' = 200 Å^-1, J'' = 400 Å^-2, M = 60 amu,
        Θ = 150 K, ħΩ = 100 K."""
        return cls(nu_rad_s=1.0e13, J1_per_m=200.0 / ANGSTROM, J2_per_m2=400.0 / ANGSTROM**2,
                   mass_kg=60.0 * AMU, theta_D_K=150.0, omega_E_K=100.0)

    @property
    def omega_D_rad_s(self) -> float:
        """Debye angular frequency ω_D = k_B Θ/ħ, rad s^-1."""
        return kelvin_to_rad_per_s(self.theta_D_K)

    @property
    def R(self) -> float:
        """Coupling R = ħJ'²/(Mω_D) (TF §3, dimensionless; TF quote ≈ 200)."""
        return HBAR * self.J1_per_m**2 / (self.mass_kg * self.omega_D_rad_s)

    @property
    def alpha_SI(self) -> float:
        """α_TF = π³J'²/(4ħ⁴Mω_D⁵) in s^-1 J^-5 (TF eqs. 15–16: ħα/2π = coefficient of eq. 15)."""
        return PI**3 * self.J1_per_m**2 / (4.0 * HBAR**4 * self.mass_kg * self.omega_D_rad_s**5)

    @property
    def alpha_K(self) -> float:
        """α_TF in s^-1 K^-5 (energies in K): α_SI k_B⁵ = (π³R/4)(k_B/ħ)/Θ⁴.

        With it K = α_K V_K² E_K³ coth(E/2T) exp(J_eff) is a rate in s^-1.
        """
        return self.alpha_SI * K_B**5

    @property
    def V0_K(self) -> float:
        """ħν/k_B in K: the matrix element V = V0 exp(-J0/2) in kelvin (TF eq. 9)."""
        return HBAR * self.nu_rad_s / K_B

    def V_K(self, J0):
        """TF's matrix element V = V0 e^{−J0/2} in K (TF eq. 9; V = Δ0/2 of the spectrum)."""
        return self.V0_K * np.exp(-0.5 * np.asarray(J0, dtype=float))

    @property
    def einstein_a(self) -> float:
        """a = ħJ'²/(4MΩ) (dimensionless): φ1 at T = 0 when J'' = 0 (TF eq. 7)."""
        return HBAR * self.J1_per_m**2 / (4.0 * self.mass_kg * kelvin_to_rad_per_s(self.omega_E_K))

    @property
    def einstein_b(self) -> float:
        """b = ħJ''/(2MΩ) (dimensionless), the J'' term of TF eq. 7."""
        return HBAR * self.J2_per_m2 / (2.0 * self.mass_kg * kelvin_to_rad_per_s(self.omega_E_K))


# ----------------------------------------------------------------------------- helpers

# The formulas live once, in the numba scalars of tlsmc._kernels (thermal: coth(x/2), n_B;
# vibrations: the Debye weight); these are their numpy ufuncs (also callable in kernels).

@vectorize(["float64(float64)"], cache=True)
def coth_half(x):
    """coth(x/2) for x = E/T in [0, inf] (numpy ufunc of ``_kernels.thermal.coth_half``).

    1 for x > 40 (to double precision) and x = inf (T = 0); inf at x = 0.
    """
    return _k_coth_half(x)


@vectorize(["float64(float64)"], cache=True)
def n_bose(x):
    """Bose occupation n_B = 1/(e^x − 1), x = E/T in (0, inf]; 0 at x = inf (T = 0).

    e^{-x} for x > 40 (exact to double precision; no overflow).  ufunc of
    ``_kernels.thermal.n_bose``.
    """
    return _k_n_bose(x)


@vectorize(["float64(float64)"], cache=True)
def debye_weight(x):
    """w(x) = x [1 - sin(πx)/(πx)] = x - sin(πx)/π on 0 <= x <= 1 (0 outside).

    The Debye coupling density of TF eq. 14 in the reduced frequency x = ω/ω_D;
    a series for x < 0.05 avoids the cancellation (w ≈ π²x³/6).  ufunc of
    ``_kernels.vibrations.debye_weight``.
    """
    return _k_debye_weight(x)


def inv_sinh_half(x):
    """1/sinh(x/2) = 2e^{-x/2}/(1 − e^{-x}) for x = ħω/T in (0, inf] (0 at inf; numpy)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isinf(x), 0.0, 2.0 * np.exp(-0.5 * x) / -np.expm1(-x))


def debye_density(omega_K, params: TFParameters):
    """Phonon coupling density ρ(ω) in K^-1 (ω in K): (1/8)Σ|A_μ|² δ(ω − ħω_μ).

    .. math:: \\rho(\\omega) = \\frac{3R}{4\\Theta}\\, w(\\omega/\\Theta),

    so that J1(T) = ∫ρ(ω) coth(ω/2T) dω (TF eq. 14) and the one-phonon golden
    rule is 2πρ(E)(n_B+1) (TF eq. 15 times 2π/ħ).  For ω << Θ,
    ρ ≈ (π²R/8) ω³/Θ⁴.
    """
    theta = params.theta_D_K
    return 0.75 * params.R / theta * debye_weight(np.asarray(omega_K, dtype=float) / theta)


# Composite Gauss–Legendre rule on [0, 1] with geometric panels [2^-k-1, 2^-k]
# (k = 0..59) plus [0, 2^-60]: resolves the scale T/Θ of the Bose factor down to
# T = 0 (exactly) and up to T >> Θ.
def _panel_rule(n_per_panel: int = 12, n_panels: int = 60) -> tuple[np.ndarray, np.ndarray]:
    t, wt = np.polynomial.legendre.leggauss(n_per_panel)
    edges = np.concatenate(([0.0], 2.0 ** -np.arange(n_panels, -1, -1, dtype=float)))
    a, b = edges[:-1], edges[1:]
    nodes = (0.5 * (b - a)[:, None] * (t + 1.0) + a[:, None]).ravel()
    weights = (0.5 * (b - a)[:, None] * wt).ravel()
    return nodes, weights


_X_NODES, _X_WEIGHTS = _panel_rule()
_W_NODES = debye_weight(_X_NODES) * _X_WEIGHTS


def _debye_integral(T_K, theta_K: float, kernel) -> np.ndarray:
    """∫0^1 w(x) kernel(Θx/T) dx for each T (vectorised; T = 0 gives argument inf)."""
    T = np.asarray(T_K, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T < 0.0):
        raise ValueError(f"T_K must be finite and >= 0 (got {T[~(np.isfinite(T) & (T >= 0))][:3]})")
    with np.errstate(divide="ignore"):
        arg = theta_K * _X_NODES / T[..., None]
    return np.sum(_W_NODES * kernel(arg), axis=-1)


def J1_debye(T_K, params: TFParameters):
    """Zero-point + thermal enhancement J1(T) of the Debye model, TF eq. 14.

    .. math:: J_1(T) = \\frac{3R}{4}\\int_0^1 x\\Big[1-\\frac{\\sin\\pi x}{\\pi x}\\Big]
              \\coth\\frac{\\Theta x}{2T}\\,dx

    Parameters
    ----------
    T_K : float or array
        Temperature(s), K, >= 0 (T = 0 allowed).
    params : TFParameters

    Returns
    -------
    float or ndarray
        J1 (dimensionless), same shape as ``T_K``.  J1(0) = (3/8)(1 − 4/π²) R;
        J1 → (3R/2Θ)(1 − Si(π)/π) T for T >> Θ (TF eq. 30 with J1 = J2/2).
    """
    return 0.75 * params.R * _debye_integral(T_K, params.theta_D_K, coth_half)


def J2_debye(T_K, params: TFParameters):
    """TF's J2(T) of eq. 25: (1/8)Σ|A|² coth(ħω/4T) = J1(2T) (dimensionless).

    J2 = J1 + Φ(0): the exponent at the steepest-descent point; J2 → T/T0 for
    T >> Θ (TF eq. 30).
    """
    return J1_debye(2.0 * np.asarray(T_K, dtype=float), params)


def phi0_debye(T_K, params: TFParameters):
    """Φ(v=0) = ∫ρ(ω)/sinh(ω/2T) dω = J2(T) − J1(T) (dimensionless, PHYSICS §4.3).

    Computed directly (no subtraction): ≈ (π⁶R/4)(T/Θ)⁴ for T << Θ.
    """
    return 0.75 * params.R * _debye_integral(T_K, params.theta_D_K, inv_sinh_half)


# ----------------------------------------------------------------------------- Einstein

def einstein_phis(T_K, params: TFParameters):
    """φ1, φ2, φ3 of TF eq. 7 (as read in PHYSICS §4.2), dimensionless.

    .. math::
        \\varphi_1 = a\\,[\\tanh u + b]^{-1},\\quad
        \\varphi_2 = \\frac{\\varphi_1}{2a}\\frac{\\sinh u}{\\cosh^3 u},\\quad
        \\varphi_3 = (1 + b\\coth u)(1 + b\\tanh u),

    with u = ħΩ/4T, a = ħJ'²/4MΩ, b = ħJ''/2MΩ.  Finite for T in [0, ∞):
    at T = 0, φ1 = a/(1+b), φ2 = 0, φ3 = (1+b)².
    """
    T = np.asarray(T_K, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T < 0.0):
        raise ValueError("T_K must be finite and >= 0")
    a, b = params.einstein_a, params.einstein_b
    with np.errstate(divide="ignore"):
        u = params.omega_E_K / (4.0 * T)
    th = np.tanh(u)
    e2 = np.exp(-2.0 * u)
    sech2 = 4.0 * e2 / (1.0 + e2) ** 2
    phi1 = a / (th + b)
    phi2 = phi1 * th * sech2 / (2.0 * a)
    phi3 = (1.0 + b / th) * (1.0 + b * th)
    return phi1, phi2, phi3


def J_eff_einstein(T_K, params: TFParameters):
    """Einstein-model enhancement J_eff = φ1(1 − φ2) + ln I0(φ1φ2), TF eq. 7.

    Written as φ1 + ln[e^{-z} I0(z)], z = φ1φ2 (scipy ``ive``: no overflow).
    The prefactor φ3^{-1/2} of eq. 7 is *not* included (PHYSICS §4.2); it is in
    :func:`einstein_rate`.  J_eff(0) = a/(1+b); J_eff → J'²/(2J'') for T >> Ω.
    """
    phi1, phi2, _ = einstein_phis(T_K, params)
    return phi1 + np.log(ive(0, phi1 * phi2))


VIBRATION_MODELS = {"debye": J1_debye, "einstein": J_eff_einstein}
"""Registry: vibration model name -> J_eff(T_K, params)."""


def J_eff(T_K, params: TFParameters, model: str = "debye"):
    """Vibrational enhancement J_eff(T) of the transparency (dimensionless).

    ``model="debye"``: J1 of TF eq. 14; ``model="einstein"``: TF eq. 7
    (:func:`J_eff_einstein`).  The rate carries exp(J_eff), i.e. J0 -> J* = J0 − J_eff.
    """
    try:
        fn = VIBRATION_MODELS[model]
    except KeyError:
        raise ValueError(f"model must be one of {sorted(VIBRATION_MODELS)} (got {model!r})") from None
    return fn(T_K, params)


def log_enhancement(T_K, params: TFParameters, model: str = "debye"):
    """ln of the factor by which vibrations multiply the non-diagonal rate (dimensionless).

    This is what channel 2 (``multiphonon.nondiagonal_rate``) and TF eq. 19 use:

    * ``"debye"``: J1(T) (TF eq. 12 with eq. 14);
    * ``"einstein"``: J_eff − ½ ln φ3 = φ1(1 − φ2) + ln I0(φ1φ2) − ½ ln φ3 (TF eq. 7).

    Decision (PHYSICS §4.2 leaves it open): the prefactor φ3^{-1/2} of eq. 7 is the
    fluctuation determinant (det Φ)^{-1/2} of eq. 5 for J'' != 0 — the Gaussian average
    of e^{-J(q)} over the Einstein coordinate always carries it, whichever phonons take up
    the energy — so it multiplies channel 2's rate too.  It is 1 for J'' = 0 and
    (1 + b)^{-1} = 0.38 at T = 0 for TF's values (b = ħJ''/2MΩ = 1.62): the rate is that
    of J* = J0 − φ1 + ½ ln φ3 = 20.07 for J0 = 50 rather than TF's exponent-only 19.11.
    """
    if model == "einstein":
        _, _, phi3 = einstein_phis(T_K, params)
        return J_eff_einstein(T_K, params) - 0.5 * np.log(phi3)
    return J_eff(T_K, params, model)


def J_star(T_K, params: TFParameters, J0, model: str = "debye"):
    """Effective transparency J* = J0 − J_eff(T) (TF §3; J0 dimensionless)."""
    return np.asarray(J0, dtype=float) - J_eff(T_K, params, model)


def einstein_rate(dE_K, V_K, T_K, params: TFParameters):
    """TF eq. 7: rate (s^-1) of a transition that changes the TLS energy by dE.

    .. math:: K = \\frac{2\\pi V^2}{\\hbar^2\\Omega\\,\\varphi_3^{1/2}}
              \\exp\\Big[-\\frac{\\Delta E}{2T} + \\varphi_1(1-\\varphi_2)\\Big]I_0(\\varphi_1\\varphi_2)

    (k_B/ħ) 2π V_K² /(Ω_K φ3^½) exp(−dE/2T + J_eff) in kelvin units.  dE > 0 is
    K↑, dE < 0 is K↓; the pair obeys detailed balance.  This is the zero-phonon
    line of the Einstein comb: use it for |dE| ≲ T (it grows as e^{|dE|/2T}).
    """
    _, _, phi3 = einstein_phis(T_K, params)
    T = np.asarray(T_K, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        expo = np.where(np.asarray(dE_K) == 0.0, 0.0, -0.5 * np.asarray(dE_K, dtype=float) / T)
    log_k = expo + J_eff_einstein(T_K, params)
    pref = 2.0 * PI * (K_B / HBAR) * np.asarray(V_K, dtype=float) ** 2 / (params.omega_E_K * np.sqrt(phi3))
    return pref * np.exp(log_k)
