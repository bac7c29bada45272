"""Acoustic comparisons (tunneling population): MC against the independent quadrature
(:mod:`tlsmc.analytic.quadrature.acoustics`) and the STM closed forms
(:mod:`tlsmc.analytic.closed_forms.acoustics`), one row per (observable, part, f, T,
polarization).  ``closed_form``: resonant rows πC(ω/v)tanh / πC tanh and the digamma
velocity law; relaxation rows the plateau (π/2)C or the low-T T³ law (one_phonon only);
NaN outside each regime (and for a peaked J0, which has no closed form).  Needs the
one_phonon channel alone and a uniform or structural (sharp or peaked) J0.
"""
from __future__ import annotations

import math

from ..analytic.closed_forms import acoustics as cf
from ..analytic.quadrature.acoustics import AcousticQuad, acoustic_exact
from ..rates.one_phonon import OnePhonon
from ..measurements.acoustic import flat_j0
from ..measurements.acoustic_tf import tf_channel
from .common import NoCounterpart, points
from .tf_acoustics import tf_acoustic_rows

__all__ = ["acoustic_quadrature", "acoustic_rows", "NOTE", "NUMERICAL_RTOL"]

NUMERICAL_RTOL = 1e-6
"""Relative accuracy of the deterministic parts of an acoustic/dielectric comparison row: the
estimator's principal-value table (trapezoid in ln E, ~1e-7) and the quadrature (resonant
velocity: QUADPACK error ≤ 1e-6, checked).  Zero-variance rows agree far better: at full N the
largest relative MC–quadrature difference is 1.9e-11 in silica_acoustics (154 rows) and 1.7e-9 in
resonator_loss_tangent (79 rows); it was 1.5e-5 while a QUADPACK failure was silenced."""

NOTE = ("acoustic: exact = independent quadrature of the same cut-off STM "
        "(tlsmc.analytic.quadrature.acoustics); closed_form = STM laws in their regimes")
from ..units import EV as _EV, HBAR as _HBAR, K_B as _KB


def acoustic_quadrature(scenario, peaked: bool = False) -> AcousticQuad:
    """The quadrature model of a tunneling scenario (one_phonon only, J0 pdf constant on its
    support: uniform or structural 'sharp'; with ``peaked`` also a peaked structural J0, whose
    peak the quadrature integrates itself from (A, w): its J_pdf is then the flat part)."""
    if [type(r) for r in scenario.rates] != [OnePhonon]:
        raise NoCounterpart("acoustic quadrature: only the one_phonon channel alone")
    pop, m = scenario.population, scenario.material
    flat = flat_j0(pop.J0)
    if not (flat or peaked):
        raise NoCounterpart("acoustic quadrature: a J0 pdf constant on its support only")
    a = ((m.gamma_l_eV * _EV) ** 2 / m.v_l_m_s**5 + 2 * (m.gamma_t_eV * _EV) ** 2 / m.v_t_m_s**5) \
        * _KB**3 / (2 * math.pi * m.density_kg_m3 * _HBAR**4)
    lo, hi = pop.J0.support
    if flat:
        return AcousticQuad(m.P_bar_per_J_m3, pop.delta_max_K, lo, hi, pop.J0.pdf,
                            2 * _HBAR * m.nu_rad_s / _KB, a)
    return AcousticQuad(m.P_bar_per_J_m3, pop.delta_max_K, lo, hi,
                        lambda J: ((J >= lo) & (J <= hi)).astype(float),
                        2 * _HBAR * m.nu_rad_s / _KB, a, pop.J0.peak_amplitude, pop.J0.peak_width)


def acoustic_rows(measurement, context, scenario) -> list[dict]:
    """Analytic rows of one ``acoustic`` measurement (TF channels: :mod:`.tf_acoustics`)."""
    if tf_channel(scenario) is not None:
        return tf_acoustic_rows(measurement, context, scenario)
    q = acoustic_quadrature(scenario, peaked=True)
    m, cfg = scenario.material, measurement
    rows: list[dict] = []
    d0min, d0max, dmax = q.d0_min, q.d0_max, q.delta_max_K
    stm = q.peak_A == 0.0            # the closed forms are the STM's (pdf = 1 on the support)
    for pol in cfg.polarizations:
        g = getattr(m, f"gamma_{pol}_eV")
        v = getattr(m, f"v_{pol}_m_s")
        C = m.P_bar_per_J_m3 * (g * _EV) ** 2 / (m.density_kg_m3 * v * v)
        for f in cfg.frequencies_Hz:
            omega = 2 * math.pi * f
            w = _HBAR * omega / _KB
            for T in cfg.temperatures_K:
                ex = acoustic_exact(q, f, T, cfg.T_ref_K, g, m.density_kg_m3, v)
                qres = cf.resonant_Q_inv(C, w, T) if stm and cf.resonant_regime(
                    w, d0min, d0max, dmax) else math.nan
                if stm and cf.plateau_regime(omega, q.a_rate, T, d0min, d0max, dmax):
                    qrel = cf.plateau_Q_inv(C)
                elif stm and cf.low_T_regime(omega, q.a_rate, T, d0max, dmax):
                    qrel = cf.low_T_Q_inv(C, q.a_rate, T, omega)
                else:
                    qrel = math.nan
                dv = (cf.digamma_velocity(C, w, T, cfg.T_ref_K)
                      if stm and cf.velocity_regime(w, T, cfg.T_ref_K, d0min, d0max, dmax) else math.nan)
                closed = {("Q_inv", "resonant"): qres, ("Q_inv", "relaxation"): qrel,
                          ("Q_inv", "total"): qres + qrel, ("dv_over_v", "resonant"): dv,
                          ("dv_over_v", "relaxation"): math.nan, ("dv_over_v", "total"): math.nan}
                for part in ("resonant", "relaxation", "total"):
                    closed[("attenuation", part)] = closed[("Q_inv", part)] * omega / v
                for (obs, part), value in ex.items():
                    rows += points(obs, T, [math.inf], value, closed[(obs, part)],
                                   rtol=NUMERICAL_RTOL, f_Hz=float(f), polarization=pol,
                                   part=part)
    return rows
