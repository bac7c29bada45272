"""What every standard figure shares: one measurement's rows, titles, colours, saving.

Figures are built as bare :class:`matplotlib.figure.Figure` objects on the Agg canvas, never
through ``pyplot``: no global backend switch, no GUI, no figure registry to leak, and a
figure returned to a notebook still displays inline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["MeasurementData", "COORDINATES", "new_figure", "run_title", "save_figure", "colors",
           "series", "errorbars", "lines", "legend_keys", "auto_yscale"]

COORDINATES = ("T_K", "t_s", "T1_K", "f_Hz", "polarization", "part", "field_V_m", "tls")
"""Coordinate columns that identify a point (besides ``observable`` and ``measurement``)."""


def run_title(metadata: dict[str, Any], what: str, count: str = "TLSs") -> str:
    """Two-line provenance title: scenario name and what is shown; N, seed entropy, version.

    Parameters
    ----------
    metadata : ``Results.metadata`` (``run.json``)
    what : what the figure shows
    count : what N counts ("TLSs", "samples")
    """
    m = metadata
    name = m.get("scenario", {}).get("run", {}).get("name", "?")
    seeds = m.get("seed_entropies") or [m.get("seed_entropy", "?")]
    n = m.get("n_tls")
    n_text = f"{n:.3g}" if isinstance(n, (int, float)) else "?"
    return (f"{name}: {what}\n"
            f"N = {n_text} {count}, seed entropy {', '.join(str(s) for s in seeds)}, "
            f"tlsmc {m.get('tlsmc_version', '?')}")


@dataclass(frozen=True)
class MeasurementData:
    """The rows of one ``[[measurement]]`` of a run, as a plotter receives them.

    Attributes
    ----------
    kind : the measurement kind (``heat_capacity``, ``heat_pulse``, ...)
    index : position in the scenario's ``[[measurement]]`` list (None: the table has no
        ``measurement`` column)
    observables : this measurement's rows of ``observables.parquet``
    comparison : its rows of ``comparison.parquet``, or None (no comparison in the run)
    metadata : the run's metadata (``run.json``)
    config : the scenario's ``[[measurement]]`` table (plain data; may be empty)
    """

    kind: str
    index: int | None
    observables: pd.DataFrame
    comparison: pd.DataFrame | None
    metadata: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    def title(self, what: str, count: str = "TLSs") -> str:
        """:func:`run_title` for this run."""
        return run_title(self.metadata, what, count)

    def rows(self, observable: str) -> pd.DataFrame:
        """The MC rows of ``observable``, with the comparison's ``exact`` and ``closed_form``
        joined on the shared coordinates (NaN where the run has no comparison)."""
        obs = self.observables[self.observables["observable"] == observable]
        if self.comparison is None or "exact" not in self.comparison.columns:
            return obs.assign(exact=np.nan, closed_form=np.nan)
        cmp = self.comparison[self.comparison["observable"] == observable]
        keys = [c for c in COORDINATES if c in obs.columns and c in cmp.columns]
        extra = [c for c in ("exact", "closed_form") if c in cmp.columns]
        merged = obs.merge(cmp[keys + extra].drop_duplicates(keys), on=keys, how="left")
        for c in ("exact", "closed_form"):
            if c not in merged.columns:
                merged[c] = np.nan
        return merged

    def has(self, observable: str) -> bool:
        """Whether this measurement reported ``observable``."""
        return bool((self.observables["observable"] == observable).any())


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (7.5, 5.0),
               **subplot_kw) -> tuple[Figure, np.ndarray]:
    """A Figure on the Agg canvas and a 2-D array of its axes (``squeeze=False``)."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def save_figure(fig: Figure, out: str | Path, stem: str,
                formats: Sequence[str] = ("png", "pdf"), dpi: int = 130) -> list[Path]:
    """``tight_layout`` and write ``out/stem.<format>`` for every format; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    paths = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        fig.savefig(path, dpi=dpi, format=fmt)
        paths.append(path)
    return paths


def colors(n: int, cmap: str = "viridis", stop: float = 0.85) -> list:
    """``n`` colours evenly spaced on ``cmap`` from 0 to ``stop``."""
    return list(colormaps[cmap](np.linspace(0.0, stop, max(n, 1))))


def series(df: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(t, column) sorted by t, as float arrays."""
    df = df.sort_values("t_s")
    return df["t_s"].to_numpy(float), df[column].to_numpy(float)


def errorbars(ax, df: pd.DataFrame, scale=1.0, **kw) -> None:
    """MC points with 1σ bars: value·scale ± stderr·scale against t (``scale`` may be an
    array aligned with the t-sorted rows, or a callable of t)."""
    df = df.sort_values("t_s")
    t = df["t_s"].to_numpy(float)
    s = scale(t) if callable(scale) else scale
    ax.errorbar(t, df["value"].to_numpy(float) * s, yerr=np.abs(df["stderr"].to_numpy(float) * s),
                fmt="o", ms=3, **kw)


def lines(ax, df: pd.DataFrame, scale=1.0, color=None) -> tuple[bool, bool]:
    """The exact quadrature (solid) and the closed form (dashed, only where it is not NaN)
    of the t-sorted rows; returns whether each was drawn."""
    df = df.sort_values("t_s")
    t = df["t_s"].to_numpy(float)
    s = scale(t) if callable(scale) else scale
    drawn = []
    for column, style, lw in (("exact", "-", 1.2), ("closed_form", "--", 1.0)):
        y = df[column].to_numpy(float) * s
        ok = np.isfinite(y)
        if ok.any():
            ax.plot(t[ok], y[ok], style, color=color, lw=lw)
        drawn.append(bool(ok.any()))
    return drawn[0], drawn[1]


def legend_keys(ax, exact: bool, closed: bool, equilibrium: str | None = None,
                closed_label: str = "closed form (where valid)") -> None:
    """Black legend entries for the line styles that were drawn."""
    if exact:
        ax.plot([], [], "k-", label="exact quadrature (same model)")
    if closed:
        ax.plot([], [], "k--", label=closed_label)
    if equilibrium:
        ax.plot([], [], "k:", label=equilibrium)


def auto_yscale(ax, values: np.ndarray, span: float = 30.0) -> None:
    """Log y if all values are > 0 and span more than ``span``; symlog if they change sign;
    else linear."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return
    if (v > 0).all() and v.max() / v.min() > span:
        ax.set_yscale("log")
    elif (v > 0).any() and (v < 0).any():
        nonzero = np.abs(v[v != 0])
        ax.set_yscale("symlog", linthresh=max(nonzero.min(), 1e-2 * nonzero.max()))
