"""Figure of a ``thermal_expansion`` measurement: α(T, t) and Γ(T, t) after a small step."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._common import MeasurementData, auto_yscale, colors, errorbars, legend_keys, lines, new_figure

__all__ = ["thermal_expansion_figure"]

_PANELS = (("alpha", "alpha_eq", "α(T, t)  [K$^{-1}$] (volumetric)"),
           ("Gamma", "Gamma_eq", "Γ(T, t) = B α / C"))


def thermal_expansion_figure(data: MeasurementData) -> Figure:
    """The volumetric expansion coefficient α and the Grüneisen parameter Γ against log t.

    One panel each (those the measurement reported): MC with 1σ error bars per
    temperature (``T_K``: before the step), the exact quadrature (solid), the closed form
    (dashed, where valid) and the equilibrium values ``alpha_eq``/``Gamma_eq`` (dotted).
    The linear coefficient is α/3.

    Parameters
    ----------
    data : the rows of one ``thermal_expansion`` measurement

    Returns
    -------
    Figure
    """
    panels = [p for p in _PANELS if data.has(p[0])] or [("strain", None, "strain ε(t)")]
    fig, axes = new_figure(1, len(panels), figsize=(5.6 * len(panels), 4.8))
    for ax, (name, eq_name, ylabel) in zip(axes[0], panels):
        df = data.rows(name)
        eq = data.observables[data.observables["observable"] == eq_name] if eq_name else df[:0]
        temps = sorted(df["T_K"].unique())
        any_exact = any_closed = False
        for T, color in zip(temps, colors(len(temps))):
            grp = df[df["T_K"] == T]
            errorbars(ax, grp, color=color, label=f"MC, T = {T:g} K")
            exact, closed = lines(ax, grp, color=color)
            any_exact, any_closed = any_exact or exact, any_closed or closed
            v_eq = eq[eq["T_K"] == T]["value"]
            if len(v_eq):
                ax.axhline(v_eq.iloc[0], color=color, ls=":", lw=1)
        legend_keys(ax, any_exact, any_closed, f"{eq_name} (t → ∞)" if len(eq) else None)
        auto_yscale(ax, np.concatenate([df["value"].to_numpy(float), eq["value"].to_numpy(float)]))
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("time after the step t [s]")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    axes[0, 0].set_title(data.title("thermal expansion and Grüneisen parameter"), fontsize=9,
                         loc="left")
    return fig
