"""Standard figures of a run, one per ``[[measurement]]`` (public; needs the ``plot`` extra).

    tlsmc plot RUN_DIR [--out DIR]            # PNG + PDF into RUN_DIR/figures/

or from Python::

    from tlsmc import plotting
    figs = plotting.figures(results)          # {"heat_capacity": Figure, ...}
    plotting.plot_run(results, "figs/")       # write them; returns the paths

Registry
--------
:data:`PLOTTERS` maps a measurement kind to a function ``MeasurementData -> Figure``;
a new kind (``acoustic``, ``dielectric``, ...) is one function and one entry.  Kinds
without an entry are skipped with a one-line note.  Every figure is titled with the
scenario name, N, the seed entropy and the tlsmc version.

Figures are bare :class:`matplotlib.figure.Figure` objects on the non-interactive Agg
canvas (no ``pyplot``, no backend switch), so they never open a window and still show
inline in a notebook.
"""
from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ImportError as _exc:  # pragma: no cover - exercised by a test that hides matplotlib
    raise ImportError('tlsmc.plotting needs matplotlib: pip install "tlsmc[plot]"') from _exc

import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
from matplotlib.figure import Figure

from ..results import Results
from ._common import MeasurementData, run_title, save_figure
from .expansion import thermal_expansion_figure
from .heat_pulse import heat_pulse_figure
from .history import temperature_history_figure
from .step import heat_capacity_figure, heat_release_figure

__all__ = ["PLOTTERS", "MeasurementData", "measurements", "figures", "plot_run", "run_title",
           "save_figure", "heat_capacity_figure", "heat_release_figure",
           "temperature_history_figure", "thermal_expansion_figure", "heat_pulse_figure"]

PLOTTERS: dict[str, Callable[[MeasurementData], Figure]] = {
    "heat_capacity": heat_capacity_figure,
    "heat_release": heat_release_figure,
    "temperature_history": temperature_history_figure,
    "thermal_expansion": thermal_expansion_figure,
    "heat_pulse": heat_pulse_figure,
}
"""Measurement kind -> figure function (one figure per measurement)."""


def measurements(results: Results) -> list[MeasurementData]:
    """Split a run into its measurements (in scenario order), each with its kind and rows.

    The kind comes from the scenario in ``run.json`` (``measurement[i].kind``) for the
    index in the ``measurement`` column; a table without that column is one measurement,
    of the scenario's only kind (``"unknown"`` if it has several).
    """
    obs, cmp = results.observables, results.comparison
    configs = results.metadata.get("scenario", {}).get("measurement", []) or []
    if "measurement" not in obs.columns:
        kind = configs[0].get("kind", "unknown") if len(configs) == 1 else "unknown"
        return [MeasurementData(kind, None, obs, cmp, results.metadata,
                                configs[0] if len(configs) == 1 else {})]
    out = []
    for index in sorted(pd.unique(obs["measurement"])):
        index = int(index)
        config = configs[index] if 0 <= index < len(configs) else {}
        rows = obs[obs["measurement"] == index]
        cmp_rows = None
        if cmp is not None:
            cmp_rows = cmp[cmp["measurement"] == index] if "measurement" in cmp.columns else cmp
        out.append(MeasurementData(config.get("kind", "unknown"), index, rows, cmp_rows,
                                   results.metadata, config))
    return out


def _stems(items: list[MeasurementData]) -> list[str]:
    """``kind`` when a kind occurs once in the run, ``kind_<index>`` when it occurs several times."""
    count = Counter(m.kind for m in items)
    return [m.kind if count[m.kind] == 1 else f"{m.kind}_{m.index}" for m in items]


def figures(results: Results, *, note: Callable[[str], None] | None = None) -> dict[str, Figure]:
    """The standard figure of every measurement with a registered plotter.

    Parameters
    ----------
    results : a run (``tlsmc.run(...)`` or ``Results.read(dir)``)
    note : called with a one-line note for each skipped measurement (default: stderr)

    Returns
    -------
    dict : file stem (``heat_capacity``, or ``heat_capacity_2`` when the run has several
        measurements of that kind, 2 being the measurement index) -> Figure
    """
    note = note or (lambda text: print(text, file=sys.stderr))
    items = measurements(results)
    out = {}
    for stem, item in zip(_stems(items), items):
        plotter = PLOTTERS.get(item.kind)
        if plotter is None:
            note(f"tlsmc plot: skipped measurement {item.index} of kind {item.kind!r} "
                 f"(no standard figure; known: {', '.join(PLOTTERS)})")
            continue
        out[stem] = plotter(item)
    return out


def plot_run(results: Results | str | Path, out: str | Path | None = None, *,
             formats: Sequence[str] = ("png", "pdf"),
             note: Callable[[str], None] | None = None) -> list[Path]:
    """Write the standard figures of a run as ``out/<stem>.<format>``.

    Parameters
    ----------
    results : a :class:`~tlsmc.results.Results` or a run directory (read with
        :meth:`Results.read`, which raises ConfigError naming a missing or bad file)
    out : figure directory (default ``RUN_DIR/figures``; required when ``results`` is
        not a directory)
    formats : file formats, passed to ``Figure.savefig``
    note : receives the one-line notes on skipped measurements (default: stderr)

    Returns
    -------
    list of Path : the files written
    """
    if not isinstance(results, Results):
        run_dir = Path(results)
        results = Results.read(run_dir)
        out = run_dir / "figures" if out is None else out
    if out is None:
        raise ValueError("plot_run: give out= when passing a Results object")
    paths = []
    for stem, fig in figures(results, note=note).items():
        paths += save_figure(fig, out, stem, formats)
    return paths
