"""Stage 7, comparison: the Monte Carlo beside independent numbers for the same model.

Receives a scenario and the tidy observables table of its run; for every measurement that
has an analytic counterpart builds rows with ``exact`` (a deterministic quadrature of
exactly the same model, :mod:`tlsmc.analytic.quadrature`), ``closed_form`` (an asymptotic
law where it applies, NaN elsewhere; :mod:`tlsmc.analytic.closed_forms`) and joins them with
the MC values into ``comparison.parquet``'s table (z = (mc − exact)/mc_stderr), with a note
saying what was compared.

Registry :data:`COMPARISONS` maps (population model, measurement kind) -> a
:class:`Comparison`: the shared quadrature it needs (:data:`CONTEXTS`, built once per run,
lazily) and its row builder.  A pair without an entry is "not compared" in the note.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

import pandas as pd

from ..analytic.quadrature import OutsideQuadrature
from ..analytic.quadrature.expansion import soft_nodes
from ..config import registry_name
from ..measurements import MEASUREMENTS
from ..population import POPULATION_MODELS
from . import acoustics, acoustics_soft, conduction, dielectric, expansion, metals, soft, tunneling
from .common import COLUMNS, KEYS, NoCounterpart, merge_with_mc, points

__all__ = ["COMPARISONS", "CONTEXTS", "Comparison", "RowBuilder", "comparison_table",
           "NoCounterpart", "merge_with_mc", "points", "KEYS", "COLUMNS", "stm_model",
           "quadrature_model"]

stm_model = tunneling.stm_model
quadrature_model = tunneling.quadrature_model


class RowBuilder(Protocol):
    """``rows(measurement, context, scenario) -> list[dict]`` of analytic rows
    (:func:`~.common.points`) for one measurement; raises :class:`NoCounterpart` if it has none."""

    def __call__(self, measurement: Any, context: Any, scenario: Any) -> list[dict]: ...


@dataclass(frozen=True)
class Context:
    """A quadrature shared by the comparisons of one run: ``build(scenario)`` (may raise
    :class:`NoCounterpart`) and ``note(context, scenario, kinds)``."""

    build: Callable[[Any], Any]
    note: Callable[[Any, Any, set[str]], str]


@dataclass(frozen=True)
class Comparison:
    """One (population model, measurement kind) entry: the context it needs (a key of
    :data:`CONTEXTS`, or None) and its row builder; ``note`` is added when it has no context."""

    context: str | None
    rows: RowBuilder
    note: str = ""


CONTEXTS: dict[str, Context] = {
    "stm": Context(build=tunneling.quadrature_model,
                   note=lambda model, scenario, kinds: tunneling.note(model, scenario)),
    "soft": Context(build=lambda sc: soft_nodes(sc.population, sc.material, tuple(sc.rates)),
                    note=lambda quad, scenario, kinds: soft.note(quad, kinds)),
    "conduction": Context(build=conduction.ConductionContext,
                          note=lambda ctx, scenario, kinds: conduction.NOTE),
}

COMPARISONS: dict[tuple[str, str], Comparison] = {
    ("tunneling", "heat_capacity"): Comparison("stm", tunneling.heat_capacity_rows),
    ("tunneling", "heat_release"): Comparison("stm", tunneling.heat_release_rows),
    ("tunneling", "thermal_expansion"): Comparison(None, expansion.tunneling_rows,
                                                   expansion.TUNNELING_NOTE),
    ("tunneling", "acoustic"): Comparison(None, acoustics.acoustic_rows, acoustics.NOTE),
    ("tunneling", "dielectric"): Comparison(None, dielectric.dielectric_rows, dielectric.NOTE),
    ("tunneling", "thermal_conductivity"): Comparison("conduction", conduction.conduction_rows),
    ("soft", "heat_capacity"): Comparison("soft", soft.heat_capacity_rows),
    ("soft", "heat_release"): Comparison("soft", soft.heat_release_rows),
    ("soft", "temperature_history"): Comparison("soft", soft.history_rows),
    ("soft", "thermal_expansion"): Comparison("soft", expansion.soft_rows, expansion.SOFT_NOTE),
    ("soft", "acoustic"): Comparison("soft", acoustics_soft.acoustic_rows),
    ("soft", "dielectric"): Comparison("soft", dielectric.soft_dielectric_rows),
    ("tunneling", "electronic_expansion"): Comparison("stm", metals.tunneling_rows),
    ("soft", "electronic_expansion"): Comparison("soft", metals.soft_rows),
}


def comparison_table(scenario, observables: pd.DataFrame, *, soft_quadrature=None,
                     kinds: tuple[str, ...] | None = None) -> tuple[pd.DataFrame | None, str]:
    """(comparison DataFrame or None, a note saying what was compared).

    Parameters
    ----------
    scenario : the run's scenario
    observables : the run's tidy observables table (``Results.observables``)
    soft_quadrature : a prebuilt soft quadrature of this scenario (tests; default: built)
    kinds : compare only these measurement kinds (default: all)
    """
    model = registry_name(POPULATION_MODELS, scenario.population)
    contexts: dict[str, Any] = {}
    if soft_quadrature is not None:
        contexts["soft"] = soft_quadrature
    failed: dict[str, str] = {}
    used: dict[str, set[str]] = {}
    rows: list[dict] = []
    notes: list[str] = []
    skipped: list[str] = []
    for i, m in enumerate(scenario.measurement):
        kind = registry_name(MEASUREMENTS, m)
        if kinds is not None and kind not in kinds:
            continue
        entry = COMPARISONS.get((model, kind))
        if entry is None:
            skipped.append(type(m).__name__)
            continue
        context = None
        if entry.context is not None:
            if entry.context in failed:
                continue
            if entry.context not in contexts:
                try:
                    contexts[entry.context] = CONTEXTS[entry.context].build(scenario)
                except NoCounterpart as exc:
                    failed[entry.context] = str(exc)
                    continue
            context = contexts[entry.context]
            used.setdefault(entry.context, set()).add(kind)
        elif entry.note and entry.note not in notes:
            notes.append(entry.note)
        try:
            rows += [dict(r, measurement=i) for r in entry.rows(m, context, scenario)]
        except OutsideQuadrature as exc:          # the MC stands; the note says why
            skipped.append(f"{type(m).__name__} ({exc})")
    parts = [CONTEXTS[name].note(contexts[name], scenario, ks) for name, ks in used.items()]
    parts += notes + list(failed.values())
    if skipped:
        parts.append(f"not compared: {', '.join(skipped)}")
    note = "; ".join(parts)
    if not rows:
        return None, note or "no measurement of this scenario has an analytic counterpart"
    return merge_with_mc(rows, observables), note
