"""Acoustic comparisons with TF's channels (barrier-modulation coupling, TF §4).

``exact``: the independent quadrature :mod:`tlsmc.analytic.quadrature.tf_acoustics` (resonant
always; sideband/total for T ≤ :data:`T_EXACT_MAX_K`, NaN above: the independent G's
phonon-number sum stops at order 6, not converged above ~6 K, and costs ~2 s per T).  ``closed_form``
(:mod:`tlsmc.analytic.closed_forms.tf1982_sound`): resonant TF eq. 20; sideband eq. 24 (ħω <
0.05 T, T < 0.3 T_eq24) or eq. 27 as read (ħω < 0.05 T, 20 K ≤ T ≤ Θ/5); NaN elsewhere.
Supports ``tf_multiphonon`` and ``tf_nondiagonal`` with the Debye vibration model.
"""
from __future__ import annotations

import math

from ..analytic.closed_forms import tf1982_sound as cf
from ..analytic.quadrature.tf_acoustics import (TFSoundQuad, coupling_volume, resonant_sum,
                                                sideband_sum)
from ..analytic.quadrature import OutsideQuadrature
from ..analytic.quadrature.tf_velocity import resonant_velocity_sum
from ..rates.tf import tf_parameters
from ..units import HBAR, K_B, PI
from .common import points

__all__ = ["tf_acoustic_rows", "tf_sound_quadrature", "T_EXACT_MAX_K", "NOTE", "RTOL"]

T_EXACT_MAX_K = 6.0
"""Highest temperature of the sideband quadrature rows, K."""
RTOL = 2e-3
"""Relative accuracy of the deterministic parts (table interpolation of r(E,T) in the MC,
5e-4 in ln K; the quadrature's spline of ln G; Gauss–Legendre in J0 and ln E)."""
NOTE = ("acoustic (TF channels): exact = independent quadrature of the Net formula "
        "(tlsmc.analytic.quadrature.tf_acoustics; sideband only for T <= 6 K); closed_form = "
        "TF eqs. 20, 24, 27 (as read in tlsmc.analytic.closed_forms.tf1982_sound); dv_over_v "
        "(part resonant only): exact = the zero-phonon principal value (tlsmc.analytic."
        "quadrature.tf_velocity), "
        "closed_form = C ln(T/T_ref) with πC = Q⁻¹_res(T = 0) where e^{J1(T)−J1(T_ref)} = 1 "
        "± 1e-3 and ħω, 2V_max < T/30, T, T_ref < Δ_max/10")


def tf_sound_quadrature(scenario) -> TFSoundQuad:
    """The quadrature model of a TF-channel acoustic scenario (OutsideQuadrature, which the
    comparison turns into a note, for the Einstein vibration model)."""
    channel = scenario.rates[0]
    if getattr(channel, "vibration", "debye") != "debye":
        raise OutsideQuadrature("TF acoustic quadrature: the Debye vibration model only")
    pop, m = scenario.population, scenario.material
    lo, hi = pop.J0.support
    return TFSoundQuad(tf_parameters(m, "the TF acoustic quadrature"), m.P_bar_per_J_m3,
                       pop.delta_max_K, lo, hi, pop.J0.pdf, m.v_l_m_s, m.v_t_m_s)


def _nV2(scenario, params) -> float:
    J0 = scenario.population.J0
    lo, hi = J0.support
    return cf.nV2_structural(scenario.material.P_bar_per_J_m3, params.V0_K, lo, hi,
                             getattr(J0, "peak_amplitude", 0.0), getattr(J0, "peak_width", 1.0))


def tf_acoustic_rows(measurement, context, scenario) -> list[dict]:
    """Analytic rows of one ``acoustic`` measurement with a TF channel."""
    q = tf_sound_quadrature(scenario)
    p, cfg = q.params, measurement
    multiphonon = type(scenario.rates[0]).__name__ == "TFMultiphonon"
    nV2 = _nV2(scenario, p)
    two_v_max = 2 * float(p.V_K(q.J_lo))
    rows: list[dict] = []
    for f in cfg.frequencies_Hz:
        omega = 2 * PI * f
        hw = HBAR * omega / K_B
        for T in cfg.temperatures_K:
            s_res = resonant_sum(q, hw, T)
            s_sb = math.nan
            if T <= T_EXACT_MAX_K:
                try:
                    s_sb = sideband_sum(q, hw, T, "multiphonon" if multiphonon else "one_phonon")
                except (OutsideQuadrature, ValueError):
                    pass
            c_res = float(cf.eq20(hw, T, nV2, p)) if two_v_max < 1e-3 * hw <= q.delta_max_K \
                else math.nan
            c_sb = math.nan
            if hw < 0.05 * T and T < 0.3 * cf.T_eq24(p) and T < q.delta_max_K / 30:
                c_sb = float(cf.eq24(hw, T, nV2, p))
            elif multiphonon and hw < 0.05 * T and T >= 20.0:
                c_sb = float(cf.eq27(hw, T, nV2, p, q.delta_max_K, exact_F=True))
            for pol in cfg.polarizations:
                v = q.v_l if pol == "l" else q.v_t
                c = coupling_volume(q, omega, pol) / v
                ex = {"resonant": s_res, "sideband": s_sb, "total": s_res + s_sb}
                cl = {"resonant": c_res, "sideband": c_sb, "total": c_res + c_sb}
                for part in ("resonant", "sideband", "total"):
                    for obs, k in (("attenuation", c), ("Q_inv", c * v / omega)):
                        rows += points(obs, T, [math.inf], k * ex[part], k * cl[part], rtol=RTOL,
                                       f_Hz=float(f), polarization=pol, part=part)
        rows += _velocity_rows(cfg, q, f, hw, omega, two_v_max)
    return rows


def _velocity_rows(cfg, q, f: float, hw: float, omega: float, two_v_max: float) -> list[dict]:
    """dv_over_v rows (part resonant) of one frequency (module docstring, NOTE)."""
    from ..analytic.quadrature.multiphonon import J1
    rows: list[dict] = []
    Tr = cfg.T_ref_K
    for T in cfg.temperatures_K:
        s_res = resonant_velocity_sum(q, hw, T, Tr)
        stm = (abs(J1(T, q.params) - J1(Tr, q.params)) < 1e-3
               and max(hw, two_v_max) < min(T, Tr) / 30 and max(T, Tr) < q.delta_max_K / 10)
        for pol in cfg.polarizations:
            k = -coupling_volume(q, omega, pol) / (PI * omega)
            # πC = Q⁻¹_res(T → 0) = (c/ω) Z ΣX, Z = Z(T) = Z(T_ref) in the regime
            C = -k * resonant_sum(q, hw, T) / math.tanh(0.5 * hw / T)
            cl = C * math.log(T / Tr) if stm else math.nan
            rows += points("dv_over_v", T, [math.inf], k * s_res, cl, rtol=RTOL,
                           f_Hz=float(f), polarization=pol, part="resonant")
    return rows
