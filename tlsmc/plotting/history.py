"""Figure of a ``temperature_history`` measurement: T(t), t·Q̇(t) and U(t)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._common import MeasurementData, auto_yscale, errorbars, legend_keys, lines, new_figure

__all__ = ["temperature_history_figure"]


def temperature_history_figure(data: MeasurementData) -> Figure:
    """The protocol and the TLS response under a piecewise-constant T(t).

    Top: the bath temperature at each output time (``T_K`` is the temperature of the
    segment containing t).  Below, for each observable reported (``Qdot`` as t·Q̇, ``U``):
    MC with 1σ error bars and the exact quadrature (solid) / closed form (dashed) when
    the run has a comparison.

    Parameters
    ----------
    data : the rows of one ``temperature_history`` measurement

    Returns
    -------
    Figure
    """
    names = [n for n in ("Qdot", "U") if data.has(n)]
    fig, axes = new_figure(1 + len(names), 1, figsize=(7.5, 2.6 + 2.6 * len(names)), sharex=True)
    axes = axes[:, 0]
    obs = data.observables.drop_duplicates("t_s").sort_values("t_s")
    axes[0].plot(obs["t_s"], obs["T_K"], "o-", ms=3, color="C3", drawstyle="steps-post")
    axes[0].set_ylabel("T(t) of the segment [K]")
    axes[0].set_title(data.title("temperature history"), fontsize=9)
    for ax, name in zip(axes[1:], names):
        df = data.rows(name)
        scale = (lambda t: t) if name == "Qdot" else 1.0
        errorbars(ax, df, scale, color="C0", label="MC, 1σ")
        exact, closed = lines(ax, df, scale, color="k")
        legend_keys(ax, exact, closed)
        t = df["t_s"].to_numpy(float)
        auto_yscale(ax, df["value"].to_numpy(float) * (t if name == "Qdot" else 1.0))
        ax.set_ylabel("t · Q̇(t)  [J m$^{-3}$]" if name == "Qdot" else "U(t)  [J m$^{-3}$]")
        ax.legend(fontsize=8)
    for ax in axes:
        ax.set_xscale("log")
    axes[-1].set_xlabel("time t [s]")
    if np.ptp(obs["T_K"].to_numpy(float)) == 0:
        axes[0].set_ylim(0.5 * obs["T_K"].iloc[0], 1.5 * obs["T_K"].iloc[0])
    return fig
