"""Dielectric comparisons (tunneling population): MC against the independent quadrature
(:mod:`tlsmc.analytic.quadrature.dielectric`) and the STM closed forms
(:mod:`tlsmc.analytic.closed_forms.dielectric`), one row per (observable, part, f, T,
field_V_m).  ``closed_form``: resonant tan δ0 tanh(ħω/2kT) g(3F²/F_c²) (g = 1 at F = 0;
isotropic dipoles, one-phonon T1, exact for ñ = P̄), relaxation plateau/low-T law at every
field (the relaxation part is linear response), the digamma law of Δε/ε; NaN outside each
regime (and for a peaked J0, which has no closed form).  Needs the one_phonon channel alone
and a uniform or structural (sharp or peaked) J0.
"""
from __future__ import annotations

import math

from ..analytic.closed_forms import acoustics as acf
from ..analytic.closed_forms import dielectric as cf
from ..analytic.quadrature.dielectric import dielectric_exact
from ..analytic.quadrature.soft_dielectric import dielectric_quad, soft_dielectric_exact
from .acoustics import NUMERICAL_RTOL, acoustic_quadrature
from .common import points

__all__ = ["dielectric_rows", "soft_dielectric_rows", "NOTE"]

NOTE = ("dielectric: exact = independent quadrature of the same cut-off STM "
        "(tlsmc.analytic.quadrature.dielectric); closed_form = STM laws in their regimes")
_KB, _HBAR = 1.380649e-23, 1.054571817e-34


def dielectric_rows(measurement, context, scenario) -> list[dict]:
    """Analytic rows of one ``dielectric`` measurement."""
    q = acoustic_quadrature(scenario, peaked=True)
    stm = q.peak_A == 0.0            # the closed forms are the STM's (pdf = 1 on the support)
    m, cfg = scenario.material, measurement
    C = cf.strength(m.P_bar_per_J_m3, m.dipole_debye, m.eps_r)
    td0 = math.pi * C
    d0min, d0max, dmax = q.d0_min, q.d0_max, q.delta_max_K
    rows: list[dict] = []
    for f in cfg.frequencies_Hz:
        omega = 2 * math.pi * f
        w = _HBAR * omega / _KB
        res_ok = stm and acf.resonant_regime(w, d0min, d0max, dmax)
        for T in cfg.temperatures_K:
            ex = dielectric_exact(q, f, T, cfg.T_ref_K, m.dipole_debye, m.eps_r, m.T2_s,
                                  cfg.fields_V_m)
            if stm and acf.plateau_regime(omega, q.a_rate, T, d0min, d0max, dmax):
                rel = cf.plateau_tan_delta(C)
            elif stm and acf.low_T_regime(omega, q.a_rate, T, d0max, dmax):
                rel = cf.low_T_tan_delta(C, q.a_rate, T, omega)
            else:
                rel = math.nan
            T1 = 1.0 / (q.a_rate * w**3 / math.tanh(w / (2 * T)))
            closed = {}
            for F in cfg.fields_V_m:
                if not res_ok:
                    res = math.nan
                elif F == 0:
                    res = cf.resonant_tan_delta(td0, w, T)
                else:
                    res = cf.ensemble_tan_delta(td0, w, T, F, cf.critical_field(
                        m.dipole_debye, T1, m.T2_s))
                closed.update({("tan_delta", "resonant", F): res,
                               ("tan_delta", "relaxation", F): rel,
                               ("tan_delta", "total", F): res + rel})
            dv = (cf.digamma_deps(C, w, T, cfg.T_ref_K)
                  if stm and acf.velocity_regime(w, T, cfg.T_ref_K, d0min, d0max, dmax) else math.nan)
            closed.update({("deps_over_eps", "resonant", 0.0): dv,
                           ("deps_over_eps", "relaxation", 0.0): math.nan,
                           ("deps_over_eps", "total", 0.0): math.nan})
            for (obs, part, F), value in ex.items():
                rows += points(obs, T, [math.inf], value, closed[(obs, part, F)],
                               rtol=NUMERICAL_RTOL, f_Hz=float(f), field_V_m=float(F),
                               part=part)
    return rows


def soft_dielectric_rows(measurement, quad, scenario) -> list[dict]:
    """Analytic rows of one ``dielectric`` measurement of a soft-potential scenario: ``exact``
    from :mod:`tlsmc.analytic.quadrature.soft_dielectric` on the run's SoftQuadrature
    (tan δ every part and field, Δε/ε every part); ``closed_form`` NaN (no closed form of this
    model; the textbook saturation law is compared in tests/physics/test_soft_dielectric.py)."""
    q = dielectric_quad(quad)
    m, cfg = scenario.material, measurement
    rows: list[dict] = []
    for f in cfg.frequencies_Hz:
        for T in cfg.temperatures_K:
            ex = soft_dielectric_exact(q, f, T, cfg.T_ref_K, m.soft_dipole_debye, m.eps_r,
                                       m.T2_s, cfg.fields_V_m)
            for (obs, part, F), value in ex.items():
                rows += points(obs, T, [math.inf], value, math.nan, rtol=NUMERICAL_RTOL,
                               f_Hz=float(f), field_V_m=float(F), part=part)
    return rows
