"""Figures of the step measurements: ``heat_capacity`` and ``heat_release``."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._common import MeasurementData, colors, errorbars, legend_keys, lines, new_figure

__all__ = ["heat_capacity_figure", "heat_release_figure"]


def heat_capacity_figure(data: MeasurementData) -> Figure:
    """C(T, t)/T against log t after a small step at each temperature T.

    (``C_step``, ``C_tf`` or ``E_tf`` when the measurement did not report ``C``; C_eq/T
    against T when it reported only ``C_eq``.)
    MC with 1σ error bars; the exact quadrature of the same model (solid); the closed
    form (dashed, where it is valid, i.e. not NaN); C_eq/T (dotted).  ``T_K`` is the
    temperature before the step.

    Parameters
    ----------
    data : the rows of one ``heat_capacity`` measurement

    Returns
    -------
    Figure
    """
    name = next((n for n in ("C", "C_step", "C_tf", "E_tf") if data.has(n)), None)
    eq = data.observables[data.observables["observable"] == "C_eq"]
    fig, axes = new_figure(figsize=(7.5, 5))
    ax = axes[0, 0]
    if name is None:                                    # C_eq only: no time axis
        df = data.rows("C_eq").sort_values("T_K")
        T = df["T_K"].to_numpy(float)
        ax.errorbar(T, df["value"] / T, yerr=df["stderr"] / T, fmt="o", ms=3, label="MC C_eq / T")
        if np.isfinite(df["exact"].to_numpy(float)).any():
            ax.plot(T, df["exact"] / T, "-", label="exact")
        ax.set_xscale("log")
        ax.set_xlabel("temperature T [K]")
        ax.set_ylabel("C_eq / T  [J m$^{-3}$ K$^{-2}$]")
        ax.set_title(data.title("equilibrium heat capacity"), fontsize=9)
        ax.legend(fontsize=8)
        return fig
    df = data.rows(name)
    temps = sorted(df["T_K"].unique())
    any_exact = any_closed = False
    for T, color in zip(temps, colors(len(temps))):
        grp = df[df["T_K"] == T]
        errorbars(ax, grp, 1.0 / T, color=color, label=f"MC, T = {T:g} K")
        exact, closed = lines(ax, grp, 1.0 / T, color=color)
        any_exact, any_closed = any_exact or exact, any_closed or closed
        c_eq = eq[eq["T_K"] == T]["value"]
        if len(c_eq):
            ax.axhline(c_eq.iloc[0] / T, color=color, ls=":", lw=1)
    legend_keys(ax, any_exact, any_closed, "C_eq / T" if len(eq) else None)
    ax.set_xscale("log")
    ax.set_xlabel("time after the step t [s]")
    unit = "K$^{-1}$" if name == "E_tf" else "K$^{-2}$"
    ax.set_ylabel(f"{name}(T, t) / T  [J m$^{{-3}}$ {unit}]")
    ax.set_title(data.title("time-dependent heat capacity"), fontsize=9)
    ax.legend(fontsize=8)
    return fig


def heat_release_figure(data: MeasurementData) -> Figure:
    """t·Q̇(t) against t after each quench T1 -> T0 (``T_K`` is the bath T0).

    Left: MC with 1σ error bars, the exact quadrature (solid) and the closed form
    (dashed, e.g. (π²/24) P̄ k_B² (T1² − T0²) for the STM).  Right, when the run has a
    closed form: the ratio of MC and quadrature to it.

    Parameters
    ----------
    data : the rows of one ``heat_release`` measurement

    Returns
    -------
    Figure
    """
    df = data.rows("Qdot")
    has_law = bool(np.isfinite(df["closed_form"].to_numpy(float)).any())
    fig, axes = new_figure(1, 2 if has_law else 1, figsize=(11, 4.8) if has_law else (7.5, 5))
    ax = axes[0, 0]
    by = [c for c in ("T1_K", "T_K") if c in df.columns]
    groups = list(df.groupby(by))
    any_exact = False
    for (key, grp), color in zip(groups, colors(len(groups), "plasma", 0.8)):
        T1, T0 = key if len(by) == 2 else (np.nan, key[0])
        label = f"{T1:g} K → {T0:g} K"
        errorbars(ax, grp, lambda t: t, color=color, label=f"MC, {label}")
        exact, _ = lines(ax, grp, lambda t: t, color=color)
        any_exact = any_exact or exact
        if has_law:
            grp = grp.sort_values("t_s")
            law = (grp["closed_form"] * grp["t_s"]).to_numpy(float)
            ax_r = axes[0, 1]
            errorbars(ax_r, grp, grp["t_s"].to_numpy(float) / law, color=color, label=label)
            ax_r.plot(grp["t_s"], grp["t_s"] * grp["exact"] / law, "-", color=color, lw=1.2)
    legend_keys(ax, any_exact, has_law, closed_label="closed form")
    for a in axes[0]:
        a.set_xscale("log")
        a.set_xlabel("time after the quench t [s]")
    if (df["value"] > 0).all():
        ax.set_yscale("log")
    ax.set_ylabel("t · Q̇(t)  [J m$^{-3}$]")
    ax.set_title(data.title("heat release"), fontsize=9)
    ax.legend(fontsize=8)
    if has_law:
        ax_r = axes[0, 1]
        ax_r.axhline(1.0, color="k", ls="--", lw=1)
        ax_r.set_ylabel("t · Q̇(t) / closed form")
        ax_r.set_title("ratio to the closed form (line: quadrature)", fontsize=9)
        ax_r.legend(fontsize=8)
    return fig
