r"""TF's thermal conductivity, eqs. 35–37 (TF §5), as read here (PHYSICS §11); NaN outside regime.

Model (the one :mod:`tlsmc.measurements.conduction_tf` simulates): phonons of branch α scatter
on the TLSs through TF's barrier-modulation coupling, c_αΩ0 = K_α ω with (TF eqs. 13–14, 21
as derived in :mod:`tlsmc.measurements.tf_sound`, written again here)

.. math:: K_\alpha = \frac{3\pi^4}{4}\,g_\alpha\,\frac{\hbar J'^2}{M v_\alpha^3 q_D^5}
          \ [\mathrm{m^2\,s}],\quad g_l = \tfrac15,\ g_t = \tfrac1{15},\quad q_D = \omega_D/v_D.

for ka ≪ 1; thermal phonons need the Debye-lattice orientation average (``tf_sound``):
c_αΩ0 = K_α ω r_α(ka), r_α(q) = I_α(q)/(g_α q²), I_l = ⟨μ²·4 sin²(qμ/2)⟩, I_t = ⟨(1 − μ²)·2
sin²(qμ/2)⟩ over μ uniform on [0, 1], a = π/q_D, q = ωa/v_α (r → 1 as q → 0; r_l(π) = 0.54).
TF's eqs. 36–37 take r = 1; here r_α sits inside the y integrals (:func:`lattice_factor`).

All TLSs sit at J0 ≥ J_str with V = ħν e^{−J0/2} ≪ Δ; what enters is
N_V = Σ_TLS V² per unit Δ = (P̄/2) (ħν)² ∫dJ0 pdf(J0) e^{−J0}  (K m⁻³; sharp limit
(P̄/2)(ħν)²(e^{−J_str} − e^{−J_max})).

**Eq. 36 (one-phonon regime).**  The Net formula (PHYSICS §10) with G = zero-phonon line
2π(k_B/ħ)V²e^{J1}δ(x) + one-phonon sideband (k_B/ħ)V²e^{J1} πρ_D(|x|)/sinh(|x|/2T),
ρ_D = (π²R/8)x³/Θ⁴, integrated over Δ (signed (x − y)³: PHYSICS §10's reading of eq. 22) gives

.. math:: l^{-1}_\alpha = K_\alpha\omega\;2\pi\frac{k_B}{\hbar}e^{J_1(T)}N_V
          \Big\{\tanh\frac y2 + \frac{\pi^2R}{8}\Big(\frac T\Theta\Big)^4\varphi(y)\Big\},

φ(y) as printed in TF (below eq. 36): the constant is **π²R/8** (= the ratio of eq. 22's
π³R/4 to eq. 20's 2π; the OCR's "π³R/8" is a misprint), and y = ħω/k_BT.  Then

.. math:: \kappa_\alpha = \frac{m_\alpha}{3}\,\frac{k_B}{2\pi^2v_\alpha^2}\,
          \frac{(k_BT/\hbar)^2}{4K_\alpha Z N_V}\,\Phi(T),\qquad
          \Phi(T) = \int_0^{y_D}\!dy\,\frac{y^3}{\sinh^2(y/2)}\{\dots\}^{-1},\quad
          Z = 2\pi\frac{k_B}{\hbar}e^{J_1(T)},

κ ∝ T² e^{−J1(T)} Φ(T): TF's eq. 36 (the printed prefactor 5kω_D/(8π⁷sħRn(0)) uses TF's
γ = (π²/20)(ω/ω_D), which lacks the derived coupling's factor R/2; see ``tf_sound``).
Limit: with the second term dropped, Φ = ∫y³ sh⁻²(y/2) th⁻¹(y/2) dy = 4∫y³eʸ(eʸ+1)/(eʸ−1)³ dy
= 4π² (:func:`phi_T2`) — the T² law.  Regime: T ≤ min(Θ, Δ_max)/40 for ``tf_multiphonon`` (its sideband
→ ρ_D one-phonon; Raman and sinc corrections < 1e-3 of κ), T ≤ Δ_max/25 for
``tf_nondiagonal`` with the Debye J_eff (its sideband *is* ρ_D: eq. 36 exact there).

**Eq. 37 (above the one-phonon limit).**  When the bath exchanges many phonons, G is the
steepest-descent Gaussian of TF eq. 25, G(x) ≈ (k_B/ħ)V²(2π/F)^{1/2}e^{J2(T)}, flat over the
transfers |x| ≲ T + ħω ≪ √F (TF neglect e^{−x²/2F}); Net → 2 sinh(y/2) G(0)/cosh(E/2T)
(TF's "βħω replaced by 2 sinh(βħω/2)") and the zero-phonon line is negligible:

.. math:: l^{-1}_\alpha = K_\alpha\omega\,2\sinh\frac y2\,\frac{k_B}{\hbar}
          \sqrt{\frac{2\pi}{F}}e^{J_2(T)}N_V\,I_E,\quad I_E = \int_0^{\Delta_{max}}
          \frac{dE}{\cosh(E/2T)} = 4T\arctan\tanh\frac{\Delta_{max}}{4T},

.. math:: \kappa_\alpha = \frac{m_\alpha}{3}\frac{k_B}{2\pi^2v_\alpha^2}
          \frac{(k_BT/\hbar)^2}{8K_\alpha N_V (k_B/\hbar)\sqrt{2\pi/F}\,e^{J_2}I_E}
          \int_0^{y_D}\frac{y^3\,dy}{\sinh^3(y/2)}

∝ T e^{−J2(T)}√F: TF's eq. 37 (their Einstein-model version has φ3^{1/2}/I0(φ1φ2) and
e^{−φ1(1−φ2)} in place of √F and e^{−J2}); with J2 → T/T0 (eq. 30) it falls as e^{−T/T0}.
Regime: the flat-G and steepest-descent errors, (2T + ħω_typ)²/2F with ħω_typ = min(3T, Θ)
and Q/8F² (:func:`tlsmc.analytic.closed_forms.tf1982.eq25_correction`), below
``eq37_tolerance`` (default 0.05), and the zero-phonon line < 1e-3 of the sideband.
y_D = Θ/T with a Debye cut-off (TF: ∞).
"""
from __future__ import annotations

import math

import numpy as np

from ...units import HBAR, K_B, PI
from ..quadrature.checked import quad
from ...rates.vibrations import J1_debye, J2_debye
from .tf1982 import F_debye, eq25_correction

__all__ = ["coupling_K", "lattice_factor", "zpl_strength", "phi_eq36", "Phi_eq36", "phi_T2", "kappa_eq36",
           "kappa_eq37", "regime_eq36", "regime_eq37"]

_G = {"l": 1.0 / 5.0, "t": 1.0 / 15.0}


def coupling_K(pol: str, v: float, v_debye: float, params) -> float:
    """K_α (m² s): c_αΩ0 = K_α ω (module docstring)."""
    q_D = params.theta_D_K * K_B / HBAR / v_debye
    return 0.75 * PI**4 * _G[pol] * HBAR * params.J1_per_m**2 / (params.mass_kg * v**3 * q_D**5)


_MU, _WMU = np.polynomial.legendre.leggauss(48)
_MU, _WMU = 0.5 * (_MU + 1.0), 0.5 * _WMU          # Gauss–Legendre on [0, 1]; exact for q ≤ 10


def lattice_factor(q, pol: str):
    """r_α(q) = I_α(q)/(g_α q²) (module docstring), q = ka ≥ 0 (array); 1 at q = 0."""
    q = np.atleast_1d(np.asarray(q, dtype=float))
    sin2 = np.sin(0.5 * q[:, None] * _MU) ** 2
    w = 4.0 * _MU**2 if pol == "l" else 2.0 * (1.0 - _MU**2)
    small = np.maximum(q, 1e-300) ** 2
    I_over_q2 = np.sum(_WMU * w * sin2, axis=1) / small
    return np.where(q < 1e-6, 1.0, I_over_q2 / _G[pol])


def _ka(y, T_K, v, v_debye, theta_K):
    """q = ka = π ω/(q_D v_α) for ħω = y k_B T (a = π/q_D, q_D = ω_D/v_D)."""
    return PI * y * T_K / theta_K * v_debye / v


def zpl_strength(P_bar_half_K: float, nu_rad_s: float, J_lo: float, J_hi: float) -> float:
    """N_V = (P̄/2)(ħν)²(e^{−J_lo} − e^{−J_hi}) in K m⁻³ (uniform J0 density on [J_lo, J_hi]);
    ``P_bar_half_K`` = P̄/2 per K of Δ per unit J0 per m³."""
    V0 = HBAR * nu_rad_s / K_B
    return P_bar_half_K * V0 * V0 * (math.exp(-J_lo) - math.exp(-J_hi))


def phi_eq36(y: float) -> float:
    """TF's φ(y) (below eq. 36), signed (x − y)³ reading; dimensionless."""
    def f(x):
        d, s = x - y, x + y
        a = d**3 * math.expm1(y) / (-math.expm1(-d) * (math.exp(x) + 1.0)) if d != 0 else 0.0
        b = s**3 * -math.expm1(-y) / (-math.expm1(-s) * (math.exp(x) + 1.0))
        return a + b
    pts = [y] if y > 0 else None
    return quad(f, 0.0, max(60.0, y + 60.0), points=pts, limit=400, epsabs=0.0, epsrel=1e-11)[0]


def Phi_eq36(T_K: float, R: float, theta_K: float, y_max: float = math.inf,
             correction: bool = True, r=None) -> float:
    """Φ(T) = ∫_0^{y_max} y³ sh⁻²(y/2) {tanh(y/2) + (π²R/8)(T/Θ)⁴φ(y)}⁻¹ r(y)⁻¹ dy, with the
    lattice factor r(y) of the coupling (callable; None: r = 1, TF's ka ≪ 1 form)."""
    c = PI**2 * R / 8.0 * (T_K / theta_K) ** 4 if correction else 0.0

    def f(y):
        if y > 700:
            return 0.0
        rr = 1.0 if r is None else float(r(y))
        return y**3 / math.sinh(0.5 * y) ** 2 / (math.tanh(0.5 * y) + c * phi_eq36(y)) / rr
    top = min(y_max, 60.0)
    pts = [p for p in (1.0, 5.0, 15.0) if p < top]
    return quad(f, 0.0, top, points=pts, limit=200, epsabs=0.0, epsrel=1e-9)[0]


def phi_T2() -> float:
    """Φ without the sideband: ∫_0^∞ y³/(sh²(y/2) th(y/2)) dy = 4π² (the T² law's integral)."""
    return 4.0 * PI**2


def _kappa(T, pol, m, v, v_debye, params, denom, integral):
    K = coupling_K(pol, v, v_debye, params)
    return m / 3.0 * K_B / (2 * PI**2 * v * v) * (K_B * T / HBAR) ** 2 * integral / (4.0 * K * denom)


def _r(T_K, pol, v, v_debye, params, lattice):
    if not lattice:
        return None
    return lambda y: lattice_factor(_ka(y, T_K, v, v_debye, params.theta_D_K), pol)[0]


def kappa_eq36(T_K: float, branches, v_debye: float, params, N_V: float,
               y_max: float = math.inf, correction: bool = True, lattice: bool = True) -> dict:
    """{pol: κ_α, 'all'} in W m⁻¹ K⁻¹ of eq. 36 (module docstring); branches [(pol, m, v)];
    ``lattice=False``: TF's coupling ∝ ω (r = 1)."""
    Z = 2.0 * PI * K_B / HBAR * math.exp(float(J1_debye(T_K, params)))
    out = {}
    for pol, m, v in branches:
        Phi = Phi_eq36(T_K, params.R, params.theta_D_K, y_max, correction,
                       _r(T_K, pol, v, v_debye, params, lattice))
        out[pol] = _kappa(T_K, pol, m, v, v_debye, params, Z * N_V, Phi)
    out["all"] = sum(out.values())
    return out


def kappa_eq37(T_K: float, branches, v_debye: float, params, N_V: float, delta_max_K: float,
               y_max: float = math.inf, lattice: bool = True) -> dict:
    """{pol: κ_α, 'all'} in W m⁻¹ K⁻¹ of eq. 37 (module docstring); branches [(pol, m, v)]."""
    F = float(F_debye(T_K, params))
    G0 = K_B / HBAR * math.sqrt(2 * PI / F) * math.exp(float(J2_debye(T_K, params)))
    I_E = 4.0 * T_K * math.atan(math.tanh(delta_max_K / (4.0 * T_K)))
    top = min(y_max, 200.0)
    out = {}
    for pol, m, v in branches:
        r = _r(T_K, pol, v, v_debye, params, lattice) or (lambda y: 1.0)
        Y = quad(lambda y: (y**3 / math.sinh(0.5 * y) ** 3 if y > 0 else 8.0) / float(r(y)),
                 0.0, top, limit=200, epsabs=0.0, epsrel=1e-11)[0]
        out[pol] = _kappa(T_K, pol, m, v, v_debye, params, 2.0 * G0 * N_V * I_E, Y)
    out["all"] = sum(out.values())
    return out


def regime_eq36(T_K: float, channel: str, vibration: str, theta_K: float,
                delta_max_K: float) -> bool:
    """Eq. 36 applies (module docstring)."""
    if channel == "tf_nondiagonal":
        return vibration == "debye" and T_K <= delta_max_K / 25.0
    return T_K <= min(theta_K, delta_max_K) / 40.0


def regime_eq37(T_K: float, params, channel: str, tolerance: float = 0.05) -> bool:
    """Eq. 37 applies (module docstring): flat-G and steepest-descent errors < tolerance,
    zero-phonon line < 1e-3 of the sideband; only for the multiphonon channel."""
    if channel != "tf_multiphonon":
        return False
    F = float(F_debye(T_K, params))
    hw = min(3.0 * T_K, params.theta_D_K)
    flat = (2.0 * T_K + hw) ** 2 / (2.0 * F)
    sd = abs(float(eq25_correction(0.0, T_K, params)))
    j1, j2 = float(J1_debye(T_K, params)), float(J2_debye(T_K, params))
    zpl = 2 * PI * math.exp(j1 - j2) / (math.sqrt(2 * PI / F) * PI * T_K)
    return flat + sd < tolerance and zpl < 1e-3
