"""MC against the exact quadrature of the same model and the closed forms.

For every point of a measurement the comparison table holds the Monte Carlo
value and standard error, the deterministic quadrature of exactly the same
model (``exact``), the asymptotic closed form where one exists
(``closed_form``, NaN elsewhere) and z = (mc − exact)/mc_stderr.

Available for the tunneling population with the one_phonon channel
(:mod:`tlsmc.analytic.stm`); for other combinations the table is omitted and
the run's metadata says why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .analytic import stm
from .measurements import HeatCapacity, HeatRelease
from .population import TunnelingModel
from .rates import one_phonon_coefficient
from .rates.one_phonon import OnePhonon
from .units import HBAR, K_B, per_joule_to_per_kelvin

__all__ = ["comparison_table", "stm_model"]

KEYS = ["observable", "T_K", "t_s", "T1_K"]


def stm_model(scenario) -> stm.STMModel:
    """The quadrature model equivalent to a tunneling-population scenario."""
    pop, mat = scenario.population, scenario.material
    lo, hi = pop.J0.support
    return stm.STMModel(
        P_bar_per_K_m3=per_joule_to_per_kelvin(mat.need("P_bar_per_J_m3", "the comparison")),
        delta_max_K=pop.delta_max_K,
        hbar_omega0_K=2.0 * HBAR * mat.need("nu_rad_s", "the comparison") / K_B,
        rate_coefficient=one_phonon_coefficient(mat),
        J_lo=lo, J_hi=hi, J_pdf=pop.J0.pdf, J_kinks=tuple(pop.J0.kinks))


def _heat_capacity_rows(m: HeatCapacity, model) -> list[dict]:
    rows = []
    t = m.times.values()
    nan = np.full_like(t, np.nan)
    for T in m.temperatures_K:
        dT = m.step_fraction * T
        if "C" in m.observables:
            rows += _points("C", T, t, stm.heat_capacity(model, T, t),
                            stm.heat_capacity_closed_form(model, T, t))
        if "C_step" in m.observables:
            rows += _points("C_step", T, t, stm.heat_capacity_step(model, T, dT, t), nan)
        if "U" in m.observables:
            rows += _points("U", T, t, stm.energy_after_step(model, T, dT, t), nan)
        if "C_eq" in m.observables:
            rows += _points("C_eq", T, [np.inf], [stm.heat_capacity_eq(model, T)], [np.nan])
    return rows


def _heat_release_rows(m: HeatRelease, model) -> list[dict]:
    rows = []
    t = m.times.values()
    for T1 in m.T1_K:
        if "Qdot" in m.observables:
            rows += _points("Qdot", m.T0_K, t, stm.heat_release(model, T1, m.T0_K, t),
                            stm.heat_release_closed_form(model, T1, m.T0_K, t), T1_K=T1)
        if "U" in m.observables:
            rows += _points("U", m.T0_K, t, stm.energy_after_cooling(model, T1, m.T0_K, t),
                            np.full_like(t, np.nan), T1_K=T1)
    return rows


def _points(observable, T, t, exact, closed, **extra) -> list[dict]:
    return [dict(observable=observable, T_K=float(T), t_s=float(ti), exact=float(e),
                 closed_form=float(c), **extra)
            for ti, e, c in zip(t, np.atleast_1d(exact), np.atleast_1d(closed))]


_BUILDERS = {HeatCapacity: _heat_capacity_rows, HeatRelease: _heat_release_rows}


def comparison_table(scenario, observables: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """(comparison DataFrame or None, a note saying what was compared)."""
    if not isinstance(scenario.population, TunnelingModel):
        return None, "no analytic comparison for this population model"
    if [type(r) for r in scenario.rates] != [OnePhonon]:
        return None, "analytic comparison needs exactly the one_phonon rate channel"
    model = stm_model(scenario)
    rows = []
    skipped = []
    for m in scenario.measurement:
        builder = _BUILDERS.get(type(m))
        if builder is None:
            skipped.append(type(m).__name__)
            continue
        rows += builder(m, model)
    if not rows:
        return None, "no measurement of this scenario has an analytic counterpart"
    exact = pd.DataFrame(rows)
    if "T1_K" not in exact.columns:
        exact["T1_K"] = np.nan
    mc = observables.copy()
    if "T1_K" not in mc.columns:
        mc["T1_K"] = np.nan
    mc = mc.rename(columns={"value": "mc", "stderr": "mc_stderr"})
    table = exact.merge(mc[KEYS + ["mc", "mc_stderr", "unit"]], on=KEYS, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["z"] = (table["mc"] - table["exact"]) / table["mc_stderr"]
    cols = ["observable", "T_K", "t_s", "mc", "mc_stderr", "exact", "closed_form", "z", "unit", "T1_K"]
    note = "exact: tlsmc.analytic.stm quadrature; closed forms: STM T ln t law and (π²/24) P̄ k_B² (T1² − T0²)/t"
    if skipped:
        note += f"; not compared: {', '.join(skipped)}"
    return table[cols], note
