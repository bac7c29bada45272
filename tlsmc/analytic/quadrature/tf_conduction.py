r"""Independent quadrature of the thermal conductivity with TF-channel scattering (PHYSICS §10–§11).

Same model as :mod:`tlsmc.measurements.conduction_tf`, written without its code (nothing from
``tf_sound``, the rate tables or the kernels): per branch α, phonon energy ħω = yT,

.. math:: l^{-1}_\alpha = K_\alpha\omega\Big[2\pi\frac{k_B}{\hbar}e^{J_1}\tanh\frac y2\,X(\hbar\omega)
          + N_V\int_0^{\Delta_{max}}\!dE\,\frac{\sinh(y/2)}{\cosh(E/2T)}
          \big[g(E-\hbar\omega) + g(E+\hbar\omega)\big]\Big] + \frac1{l_b} + A\omega^4,

* K_α r_α(ka) = (3π⁴/4) g_α ħJ'²/(M v_α³ q_D⁵) r_α(ka): the derived coupling of TF eqs.
  13–14, 21 with its Debye-lattice factor r_α (``closed_forms.tf_conduction.lattice_factor``);
* X(ħω) = (P̄/2)∫dJ0 pdf(J0) V² Δ*/ħω 1[2V < ħω, Δ* ≤ Δ_max], Δ* = √(ħ²ω² − 4V²),
  V = ħν e^{−J0/2}: the zero-phonon δ(E − ħω) integrated exactly (quad over J0);
* N_V = (P̄/2)∫dJ0 pdf V² and g(x) = G(x)/V², G(x) = K_tot(|x|)/(2cosh(x/2T)) the sideband
  per unit V² with K_tot per V²: (k_B/ħ)e^{J1}[2πp₁ + G_{≥2}](1 + e^{−|x|/T}) from the
  independent multiphonon quadrature (:mod:`.multiphonon`; ``tf_multiphonon``), or
  α_K e^{J1} |x|³ coth(|x|/2T) (``tf_nondiagonal`` with the Debye J_eff).  The Δ integral
  takes E = Δ and (Δ/E)² = 1: exact to O(V²/Δ²) (V ≲ 1e-11 K here).
* J0 density: uniform on [J_lo, J_hi] times 1 + a e^{−(J0 − J_lo)/w} (TF's peaked structural
  limit; a = 0: sharp).

κ_α = (m_α/3)∫dω C_α v_α/l⁻¹_α on composite Gauss–Legendre panels in ln y up to the Debye
cut-off (or y = 30), E integral up to min(Δ_max, 25T) on panels with edges at ħω, Θ ± ħω
(the neglected tails are < e^{−25} relative).  Raises
:class:`OutsideQuadrature` where the multiphonon quadrature does not reach (high T).
"""
from __future__ import annotations

import math

import numpy as np

from ...units import HBAR, K_B, PI
from . import OutsideQuadrature
from .checked import quad
from ..closed_forms.tf_conduction import lattice_factor
from .multiphonon import J1, _p, coupling_R, log_G

__all__ = ["TFConductionQuad"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_Y_TOP = 30.0       # ħω/kT and E/kT beyond which the integrands are < e^{-25} of their peak
_E_TOP = 25.0
_G = {"l": 1.0 / 5.0, "t": 1.0 / 15.0}


def _rule(edges):
    e = np.unique(np.asarray(edges, dtype=float))
    a, b = e[:-1, None], e[1:, None]
    return (a + 0.5 * (b - a) * (_GL_X + 1)).ravel(), (0.5 * (b - a) * _GL_W).ravel()


class TFConductionQuad:
    """κ(T) of the TF-channel model (module docstring).

    Parameters
    ----------
    params : TF parameter container (ν, Θ, J', M; ``alpha_K``)
    channel : "tf_multiphonon" or "tf_nondiagonal" (Debye J_eff only)
    P_bar_half_K : P̄/2 per K of Δ per unit J0 per m³
    J_lo, J_hi, peak_amplitude, peak_width : the J0 density
    delta_max_K : Δ_max (K)
    branches : [(pol, multiplicity, v in m s⁻¹)]; v_debye : Debye mean velocity (m s⁻¹)
    """

    def __init__(self, params, channel, P_bar_half_K, J_lo, J_hi, delta_max_K, branches,
                 v_debye, peak_amplitude=0.0, peak_width=1.0):
        self.p, self.channel = params, channel
        self.dmax, self.branches = float(delta_max_K), branches
        self.V0 = HBAR * params.nu_rad_s / K_B
        self.pdf = lambda J: 1.0 + peak_amplitude * math.exp(-(J - J_lo) / peak_width)
        self.J = (J_lo, J_hi)
        self.s = P_bar_half_K
        self.N_V = self.s * quad(lambda J: self.pdf(J) * self.V0**2 * math.exp(-J), J_lo, J_hi,
                                 epsabs=0.0, epsrel=1e-12)[0]
        self.q_D = q_D = params.theta_D_K * K_B / HBAR / v_debye
        self.K = {pol: 0.75 * PI**4 * _G[pol] * HBAR * params.J1_per_m**2
                  / (params.mass_kg * v**3 * q_D**5) for pol, _, v in branches}

    def zero_phonon(self, hw: float) -> float:
        """X(ħω), K m⁻³ (module docstring)."""
        def f(J):
            V = self.V0 * math.exp(-0.5 * J)
            d2 = hw * hw - 4 * V * V
            if d2 <= 0 or math.sqrt(d2) > self.dmax:
                return 0.0
            return self.pdf(J) * V * V * math.sqrt(d2) / hw
        lo, hi = self.J
        return self.s * quad(f, lo, hi, limit=200, epsabs=0.0, epsrel=1e-10)[0]

    def _g(self, x, T, j1):
        """Sideband G(x)/V² in s⁻¹ K⁻¹... per unit V² (module docstring), x array (K)."""
        a = np.maximum(np.abs(x), 1e-12 * T)
        if self.channel == "tf_nondiagonal":
            k = self.p.alpha_K * math.exp(j1) * a**3 / np.tanh(0.5 * a / T)
        else:
            g = 2 * PI * _p(a, T, coupling_R(self.p), self.p.theta_D_K) + np.exp(log_G(a, T, self.p))
            k = K_B / HBAR * math.exp(j1) * g * (1.0 + np.exp(-a / T))
        return k / (2.0 * np.cosh(np.minimum(0.5 * a / T, 700.0)))

    def sideband(self, hw: float, T: float, j1: float) -> float:
        """Σ w Net per unit K_α ω, s⁻¹ m⁻³ (module docstring)."""
        th, top = self.p.theta_D_K, min(self.dmax, _E_TOP * T)
        edges = [0.0, *[e for e in (1e-3 * T, 0.1 * T, T, 3 * T, 10 * T, hw, th - hw,
                                    th + hw, hw - th) if 0 < e < top], top]
        E, w = _rule(edges)
        fac = np.exp(0.5 * hw / T - 0.5 * E / T) * -np.expm1(-hw / T) / (1 + np.exp(-E / T))
        return self.N_V * float(np.sum(w * fac * (self._g(E - hw, T, j1) + self._g(E + hw, T, j1))))

    def kappa(self, T_K: float, l_b=None, A=None, omega_cut=None) -> dict:
        """{pol: κ_α, 'all'} in W m⁻¹ K⁻¹; ``omega_cut`` {pol: ω_D,α} (rad s⁻¹) or None."""
        T = float(T_K)
        if self.channel not in ("tf_multiphonon", "tf_nondiagonal"):
            raise OutsideQuadrature(f"no independent quadrature for channel {self.channel}")
        j1 = J1(T, self.p)
        out = {}
        cache = {}
        for pol, m, v in self.branches:
            top = _Y_TOP if not omega_cut else min(_Y_TOP, HBAR * omega_cut[pol] / (K_B * T))
            inner = [e for e in (1e-3, 1e-2, 0.1, 0.5, 2.0, 6.0, 15.0, 30.0, self.dmax / T)
                     if 1e-6 < e < top]
            u, wu = _rule([math.log(1e-6), *np.log(inner), math.log(top)])
            tot = 0.0
            for ui, wi in zip(u, wu):
                y = math.exp(ui)
                key = round(ui, 14)
                if key not in cache:
                    hw = y * T
                    cache[key] = (2 * PI * K_B / HBAR * math.exp(j1) * math.tanh(0.5 * y)
                                  * self.zero_phonon(hw) + self.sideband(hw, T, j1))
                omega = y * K_B * T / HBAR
                r = float(lattice_factor(PI * omega / (self.q_D * v), pol)[0])
                inv = self.K[pol] * omega * r * cache[key] + (1 / l_b if l_b else 0.0) \
                    + (A * omega**4 if A else 0.0)
                h = y * y * math.exp(-y) / math.expm1(-y) ** 2
                c = K_B * h * omega**2 / (2 * PI**2 * v**3)
                tot += wi * c * v / inv * omega
            out[pol] = m * tot / 3.0
        out["all"] = sum(out.values())
        return out
