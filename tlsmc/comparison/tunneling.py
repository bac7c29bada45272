"""Tunneling-population comparisons: MC against the STM/TF quadrature and closed forms.

``exact`` is the deterministic quadrature of exactly the same model
(:mod:`tlsmc.analytic.quadrature.stm`: same Δ range, J0 distribution and rate channels);
``closed_form`` the STM T ln t law and heat release for the one_phonon channel alone
(:mod:`tlsmc.analytic.closed_forms.stm`), NaN where its neglected terms
(:func:`~tlsmc.analytic.closed_forms.stm.closed_form_validity`, ``bound``: fast- and
slow-TLS corrections, Δ-cut-off and J0-density deviation, relative) reach
:data:`CLOSED_FORM_TOL` = 1e-2 (the form is then outside its regime: e.g. 0.1 K, 1 µs, where
it is 9 % off), or TF eq. 18 with eq. 19 as printed (constant 3)
for ``C_tf`` when the only channel is a TF one and the J0 density is uniform on its support
(:mod:`tlsmc.analytic.closed_forms.tf1982`); ``step_function`` TF's step-function
approximation (TF eqs. 16–17, 1 − e^{−Kt} → θ(Kt − 1)) applied to the same model (C and
C_tf rows in TF's regime Δ0 << Δ; NaN elsewhere).

Available for any sum of the channels one_phonon, tf_nondiagonal, tf_multiphonon and electron
(:mod:`tlsmc.analytic.quadrature.metals`); with
another channel :func:`quadrature_model` raises :class:`~.common.NoCounterpart`.
"""
from __future__ import annotations

import numpy as np

from ..analytic.closed_forms import stm as stm_closed
from ..analytic.closed_forms import tf1982
from ..analytic.quadrature import metals as metals_quad
from ..analytic.quadrature import stm
from ..analytic.quadrature.step_function import heat_capacity_step_function
from ..measurements import HeatCapacity, HeatRelease
from ..rates.electron import Electron
from ..rates.one_phonon import OnePhonon
from ..rates.tf import TFMultiphonon, TFNondiagonal, tf_parameters
from ..units import HBAR, K_B, per_joule_to_per_kelvin
from .common import NoCounterpart, points

__all__ = ["stm_model", "quadrature_model", "heat_capacity_rows", "heat_release_rows",
           "note", "CLOSED_FORM_TOL"]

_BY = "the analytic comparison"

CLOSED_FORM_TOL = 1e-2
"""Relative size of the closed forms' neglected terms (their validity ``bound``) from which
``closed_form`` is NaN: it then differs from the exact value by up to ~this."""


def _in_regime(closed: np.ndarray, validity) -> np.ndarray:
    """``closed`` where its validity bound is < :data:`CLOSED_FORM_TOL`, NaN elsewhere."""
    return np.where(np.asarray(validity.bound) < CLOSED_FORM_TOL, closed, np.nan)


def _one_phonon_a(material) -> float:
    return stm.one_phonon_coefficient(
        material.need("density_kg_m3", _BY), material.need("v_l_m_s", _BY),
        material.need("v_t_m_s", _BY), material.need("gamma_l_eV", _BY),
        material.need("gamma_t_eV", _BY))


def _one_phonon_rate(channel, material):
    a = _one_phonon_a(material)
    return lambda E, delta, delta0, T: a * delta0**2 * E / np.tanh(E / (2.0 * T))


def _tf_nondiagonal_rate(channel, material):
    return tf1982.tls_rate(tf_parameters(material, _BY), "nondiagonal", channel.vibration)


def _tf_multiphonon_rate(channel, material):
    return tf1982.tls_rate(tf_parameters(material, _BY), "multiphonon")


def _electron_rate(channel, material):
    K_e, Tc = material.need("electron_coupling", _BY), material.Tc_K
    return lambda E, delta, delta0, T: metals_quad.electron_rate(E, delta0, T, K_e, Tc)


_QUADRATURE_RATES = {OnePhonon: _one_phonon_rate, TFNondiagonal: _tf_nondiagonal_rate,
                     TFMultiphonon: _tf_multiphonon_rate, Electron: _electron_rate}
"""Channel type -> builder of its rate K(E, Δ, Δ0, T) for the quadrature (independent code)."""


def quadrature_model(scenario) -> stm.STMModel:
    """The quadrature model equivalent to a tunneling-population scenario (any supported channels).

    Raises :class:`~.common.NoCounterpart` for a channel without a quadrature rate."""
    unsupported = [type(r).__name__ for r in scenario.rates if type(r) not in _QUADRATURE_RATES]
    if unsupported:
        raise NoCounterpart(f"no quadrature for the rate channel(s) {', '.join(unsupported)}")
    pop, mat = scenario.population, scenario.material
    lo, hi = pop.J0.support
    common = dict(
        P_bar_per_K_m3=per_joule_to_per_kelvin(mat.need("P_bar_per_J_m3", _BY)),
        delta_max_K=pop.delta_max_K,
        hbar_omega0_K=2.0 * HBAR * mat.need("nu_rad_s", _BY) / K_B,
        J_lo=lo, J_hi=hi, J_pdf=pop.J0.pdf, J_kinks=tuple(pop.J0.kinks))
    if [type(r) for r in scenario.rates] == [OnePhonon]:
        return stm.STMModel(rate_coefficient=_one_phonon_a(mat), **common)
    fns = [_QUADRATURE_RATES[type(r)](r, mat) for r in scenario.rates]

    def rate(E, delta, delta0, T):
        return sum(f(E, delta, delta0, T) for f in fns)
    return stm.STMModel(rate_coefficient=None, rate=rate, **common)


stm_model = quadrature_model  # the name of the one_phonon-only version


def _tf_closed_form(scenario):
    """(n0, params, J_min, vibration) for TF eq. 18, or None where it does not apply."""
    rates = scenario.rates
    if len(rates) != 1 or type(rates[0]) not in (TFNondiagonal, TFMultiphonon):
        return None
    J = scenario.population.J0
    lo, hi = J.support
    if not np.all(J.pdf(np.linspace(lo, hi, 2001)) == 1.0):
        return None
    vibration = getattr(rates[0], "vibration", "debye")
    n0 = 0.5 * per_joule_to_per_kelvin(scenario.material.need("P_bar_per_J_m3", _BY))
    return n0, tf_parameters(scenario.material, _BY), lo, vibration


def _step_function(model, T, t, observable) -> np.ndarray:
    try:
        return heat_capacity_step_function(model, T, t, observable)
    except ValueError:          # outside TF's regime Δ0 << Δ
        return np.full_like(t, np.nan)


def heat_capacity_rows(m: HeatCapacity, model, scenario) -> list[dict]:
    rows = []
    t = m.time_values()
    nan = np.full_like(t, np.nan)
    one_phonon = model.rate is None
    tf_cf = _tf_closed_form(scenario)
    for T in m.temperatures_K:
        dT = m.step_fraction * T
        if "C" in m.observables:
            closed = (_in_regime(stm_closed.heat_capacity_closed_form(model, T, t),
                                 stm_closed.closed_form_validity(model, "heat_capacity", t, T_K=T))
                      if one_phonon else nan)
            step = nan if one_phonon else _step_function(model, T, t, "C")
            rows += points("C", T, t, stm.heat_capacity(model, T, t), closed, step)
        if "C_tf" in m.observables:
            closed = nan
            if tf_cf is not None:
                n0, params, J_min, vibration = tf_cf
                closed = tf1982.heat_capacity_eq18(T, t, n0, params, J_min, vibration, constant=3.0)
            step = nan if one_phonon else _step_function(model, T, t, "C_tf")
            rows += points("C_tf", T, t, stm.heat_capacity_tf(model, T, t), closed, step)
        if "E_tf" in m.observables:
            rows += points("E_tf", T, t, stm.energy_from_cold(model, T, t), nan)
        if "C_step" in m.observables:
            rows += points("C_step", T, t, stm.heat_capacity_step(model, T, dT, t), nan)
        if "U" in m.observables:
            rows += points("U", T, t, stm.energy_after_step(model, T, dT, t), nan)
        if "C_eq" in m.observables:
            rows += points("C_eq", T, [np.inf], [stm.heat_capacity_eq(model, T)], [np.nan])
    return rows


def heat_release_rows(m: HeatRelease, model, scenario) -> list[dict]:
    rows = []
    t = m.times.values()
    nan = np.full_like(t, np.nan)
    for T0, T1 in m.pairs():
        if "Qdot" in m.observables:
            closed = (_in_regime(stm_closed.heat_release_closed_form(model, T1, T0, t),
                                 stm_closed.closed_form_validity(model, "heat_release", t,
                                                                 T1_K=T1, T0_K=T0))
                      if model.rate is None else nan)
            rows += points("Qdot", T0, t, stm.heat_release(model, T1, T0, t), closed, T1_K=T1)
        if "U" in m.observables:
            rows += points("U", T0, t, stm.energy_after_cooling(model, T1, T0, t), nan,
                            T1_K=T1)
    return rows


def note(model: stm.STMModel, scenario) -> str:
    """What the tunneling comparison compared (run.json's ``comparison_note``)."""
    if model.rate is None:
        return ("exact: tlsmc.analytic.quadrature.stm quadrature (one_phonon); closed forms: STM T ln t law and "
                "(π²/24) P̄ k_B² (T1² − T0²)/t")
    names = ", ".join(type(r).__name__ for r in scenario.rates)
    return (f"exact: tlsmc.analytic.quadrature.stm quadrature with the rate of {names} "
            "(tlsmc.analytic.closed_forms.tf1982.tls_rate; tf_multiphonon: the independent "
            "tlsmc.analytic.quadrature.multiphonon, not the Monte Carlo's table); shares with the "
            "Monte Carlo: tlsmc.units, the material/TF parameter container, the J0 pdf of the "
            "scenario and, for tf_nondiagonal, tlsmc.rates.vibrations.log_enhancement; "
            "closed_form: TF eq. 18 with eq. 19 as printed "
            "(constant 3) for C_tf; step_function: TF eqs. 16-17 for the same model")
