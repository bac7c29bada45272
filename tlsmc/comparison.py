"""MC against the exact quadrature of the same model and the closed forms.

For every point of a measurement the comparison table holds the Monte Carlo
value and standard error, the deterministic quadrature of exactly the same
model (``exact``: same Δ range, J0 distribution and rate channels), the
asymptotic closed form where one exists (``closed_form``, NaN elsewhere) and
z = (mc − exact)/mc_stderr, plus ``step_function``: TF's step-function
approximation (TF eqs. 16–17, 1 − e^{−Kt} → θ(Kt − 1)) applied to the same model
(C and C_tf rows in TF's regime Δ0 << Δ; NaN elsewhere).

Closed forms: the STM T ln t law and heat release for the one_phonon channel alone
(:mod:`tlsmc.analytic.stm`); TF eq. 18 with eq. 19 as printed (constant 3) for
``C_tf`` when the only channel is a TF one and the J0 density is uniform on its
support (:mod:`tlsmc.analytic.tf1982`).

Available for the tunneling population with any sum of the channels one_phonon,
tf_nondiagonal and tf_multiphonon; for other combinations the table is omitted
and the run's metadata says why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .analytic import stm, tf1982
from .measurements import HeatCapacity, HeatRelease
from .measurements.expansion import ThermalExpansion
from .population import TunnelingModel
from .soft_population import SoftPotentialModel
from .rates.one_phonon import OnePhonon
from .rates.tf import TFMultiphonon, TFNondiagonal, tf_parameters
from .units import HBAR, K_B, per_joule_to_per_kelvin

__all__ = ["comparison_table", "stm_model", "quadrature_model"]

KEYS = ["observable", "T_K", "t_s", "T1_K"]
_BY = "the analytic comparison"


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


_QUADRATURE_RATES = {OnePhonon: _one_phonon_rate, TFNondiagonal: _tf_nondiagonal_rate,
                     TFMultiphonon: _tf_multiphonon_rate}
"""Channel type -> builder of its rate K(E, Δ, Δ0, T) for the quadrature (independent code)."""


def quadrature_model(scenario) -> stm.STMModel:
    """The quadrature model equivalent to a tunneling-population scenario (any supported channels)."""
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
        return stm.heat_capacity_step_function(model, T, t, observable)
    except ValueError:          # outside TF's regime Δ0 << Δ
        return np.full_like(t, np.nan)


def _heat_capacity_rows(m: HeatCapacity, model, scenario) -> list[dict]:
    rows = []
    t = m.times.values()
    nan = np.full_like(t, np.nan)
    one_phonon = model.rate is None
    tf_cf = _tf_closed_form(scenario)
    for T in m.temperatures_K:
        dT = m.step_fraction * T
        if "C" in m.observables:
            closed = stm.heat_capacity_closed_form(model, T, t) if one_phonon else nan
            step = nan if one_phonon else _step_function(model, T, t, "C")
            rows += points("C", T, t, stm.heat_capacity(model, T, t), closed, step)
        if "C_tf" in m.observables:
            closed = nan
            if tf_cf is not None:
                n0, params, J_min, vibration = tf_cf
                closed = tf1982.heat_capacity_eq18(T, t, n0, params, J_min, vibration, constant=3.0)
            step = nan if one_phonon else _step_function(model, T, t, "C_tf")
            rows += points("C_tf", T, t, stm.heat_capacity_tf(model, T, t), closed, step)
        if "C_step" in m.observables:
            rows += points("C_step", T, t, stm.heat_capacity_step(model, T, dT, t), nan)
        if "U" in m.observables:
            rows += points("U", T, t, stm.energy_after_step(model, T, dT, t), nan)
        if "C_eq" in m.observables:
            rows += points("C_eq", T, [np.inf], [stm.heat_capacity_eq(model, T)], [np.nan])
    return rows


def _heat_release_rows(m: HeatRelease, model, scenario) -> list[dict]:
    rows = []
    t = m.times.values()
    nan = np.full_like(t, np.nan)
    for T1 in m.T1_K:
        if "Qdot" in m.observables:
            closed = (stm.heat_release_closed_form(model, T1, m.T0_K, t) if model.rate is None else nan)
            rows += points("Qdot", m.T0_K, t, stm.heat_release(model, T1, m.T0_K, t), closed, T1_K=T1)
        if "U" in m.observables:
            rows += points("U", m.T0_K, t, stm.energy_after_cooling(model, T1, m.T0_K, t), nan,
                            T1_K=T1)
    return rows


def points(observable, T, t, exact, closed, step=None, **extra) -> list[dict]:
    """Analytic rows at times t (exact, closed form, optional step-function column)."""
    exact, closed = np.atleast_1d(exact), np.atleast_1d(closed)
    step = np.full(exact.shape, np.nan) if step is None else np.atleast_1d(step)
    return [dict(observable=observable, T_K=float(T), t_s=float(ti), exact=float(e),
                 closed_form=float(c), step_function=float(s), **extra)
            for ti, e, c, s in zip(t, exact, closed, step)]


_BUILDERS = {HeatCapacity: _heat_capacity_rows, HeatRelease: _heat_release_rows}


COLUMNS = ["observable", "T_K", "t_s", "mc", "mc_stderr", "exact", "closed_form", "z", "unit",
           "T1_K", "step_function"]


def merge_with_mc(rows: list[dict], observables: pd.DataFrame) -> pd.DataFrame:
    """Join analytic rows (observable, T_K, t_s[, T1_K], exact, closed_form[, step_function])
    with the MC table and add z = (mc − exact)/mc_stderr; columns :data:`COLUMNS`.

    When both carry ``measurement`` (the index of the scenario's [[measurement]] that made
    the row; every run writes it) it is a join key too and an output column, so two
    measurements with equal (observable, T_K, t_s, T1_K) never mix."""
    exact = pd.DataFrame(rows)
    for col in ("T1_K", "step_function"):
        if col not in exact.columns:
            exact[col] = np.nan
    mc = observables.copy()
    if "T1_K" not in mc.columns:
        mc["T1_K"] = np.nan
    mc = mc.rename(columns={"value": "mc", "stderr": "mc_stderr"})
    extra = [k for k in ("measurement",) if k in exact.columns and k in mc.columns]
    keys = KEYS + extra
    table = exact.merge(mc[keys + ["mc", "mc_stderr", "unit"]], on=keys, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["z"] = (table["mc"] - table["exact"]) / table["mc_stderr"]
    return table[COLUMNS + extra]


def comparison_table(scenario, observables: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """(comparison DataFrame or None, a note saying what was compared)."""
    if any(isinstance(m, ThermalExpansion) for m in scenario.measurement):
        from .expansion_comparison import with_expansion_rows   # α, Γ, ε rows (GGP 1985)
        return with_expansion_rows(scenario, observables, base_comparison_table)
    return base_comparison_table(scenario, observables)


def base_comparison_table(scenario, observables: pd.DataFrame):
    """Like :func:`comparison_table` for every measurement but ``thermal_expansion``
    (skipped without a note: :mod:`tlsmc.expansion_comparison` compares those)."""
    if isinstance(scenario.population, SoftPotentialModel):
        from .soft_comparison import soft_comparison_table
        return soft_comparison_table(scenario, observables)
    if not isinstance(scenario.population, TunnelingModel):
        return None, "no analytic comparison for this population model"
    unsupported = [type(r).__name__ for r in scenario.rates if type(r) not in _QUADRATURE_RATES]
    if unsupported:
        return None, f"no quadrature for the rate channel(s) {', '.join(unsupported)}"
    model = quadrature_model(scenario)
    rows = []
    skipped = []
    for i, m in enumerate(scenario.measurement):
        builder = _BUILDERS.get(type(m))
        if builder is None:
            if not isinstance(m, ThermalExpansion):
                skipped.append(type(m).__name__)
            continue
        rows += [dict(r, measurement=i) for r in builder(m, model, scenario)]
    if not rows:
        return None, "no measurement of this scenario has an analytic counterpart"
    table = merge_with_mc(rows, observables)
    if model.rate is None:
        note = ("exact: tlsmc.analytic.stm quadrature (one_phonon); closed forms: STM T ln t law and "
                "(π²/24) P̄ k_B² (T1² − T0²)/t")
    else:
        names = ", ".join(type(r).__name__ for r in scenario.rates)
        note = (f"exact: tlsmc.analytic.stm quadrature with the rate of {names} "
                "(tlsmc.analytic.tf1982.tls_rate); closed_form: TF eq. 18 with eq. 19 as printed "
                "(constant 3) for C_tf; step_function: TF eqs. 16-17 for the same model")
    if skipped:
        note += f"; not compared: {', '.join(skipped)}"
    return table, note
