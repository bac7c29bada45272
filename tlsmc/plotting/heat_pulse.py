"""Figure of a ``heat_pulse`` measurement: the sample temperature and C_app after a pulse."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..config import ConfigError
from ._common import MeasurementData, new_figure

__all__ = ["heat_pulse_figure"]


def _series(df, observable: str, tls: str | None):
    sel = df[df["observable"] == observable]
    if tls is not None and "tls" in sel.columns:
        sel = sel[sel["tls"] == tls]
    sel = sel.sort_values("t_s")
    return sel["t_s"].to_numpy(float), sel["value"].to_numpy(float), sel["stderr"].to_numpy(float)


def _quadrature_guide(data: MeasurementData, T_b: float):
    """C_ph(T_b) and C_ph + C(T_b, t) (STM quadrature) on the measurement's time grid, or None
    when the run is not of the tunneling model or its scenario no longer parses."""
    from ..analytic.quadrature import stm
    from ..comparison import stm_model
    from ..scenario import parse_scenario
    try:
        scenario = parse_scenario(data.metadata["scenario"])
        m = scenario.measurement[data.index if data.index is not None else 0]
        if type(scenario.population).__name__ != "TunnelingModel":
            return None
        t = m.times.values()
        c_ph = m.thermal.lumped(scenario.material, T_b).heat_capacity(T_b)
        return t, c_ph, c_ph + stm.heat_capacity(stm_model(scenario), T_b, t)
    except (ConfigError, KeyError, IndexError, AttributeError, TypeError, ValueError):
        return None


def heat_pulse_figure(data: MeasurementData) -> Figure:
    """The sample temperature T_sample(t) after a heater pulse, and the apparent heat capacity.

    Top: T(t) − T_b with TLSs (MC, 1σ band from the batch sub-populations) and without
    (phonons only).  Bottom: C_app(t) = E_in/(T(t) − T_b), shown while T − T_b exceeds
    1e-3 of its peak, and as a guide C_ph(T_b) + C(T_b, t), the TLS heat capacity after a
    small step at the fixed bath temperature (exact STM quadrature; tunneling model only).
    ``T_K`` is the bath temperature T_b.

    Parameters
    ----------
    data : the rows of one ``heat_pulse`` measurement

    Returns
    -------
    Figure
    """
    df = data.observables
    T_b = float(df.loc[df["observable"] == "T_sample", "T_K"].iloc[0])
    has_c = data.has("C_app")
    fig, axes = new_figure(2 if has_c else 1, 1, figsize=(6.5, 8.5 if has_c else 4.6), sharex=True)
    ax_T = axes[0, 0]
    peak = 0.0
    variants = (("with", "C3", "with TLSs (MC ± 1σ)"), ("without", "k", "phonons only")) \
        if "tls" in df.columns else ((None, "C3", "MC ± 1σ"),)
    for tls, color, label in variants:
        t, T, dT = _series(df, "T_sample", tls)
        if t.size == 0:
            continue
        rise = T - T_b
        peak = max(peak, float(np.nanmax(rise)))
        ax_T.loglog(t, rise, "-", color=color, lw=1.5, label=label)
        ax_T.fill_between(t, np.maximum(rise - dT, 1e-300), rise + dT, color=color, alpha=0.3, lw=0)
        if has_c:
            keep = rise > 1e-3 * np.nanmax(rise)
            tc, C, dC = _series(df, "C_app", tls)
            if tc.shape == keep.shape:
                tc, C, dC = tc[keep], C[keep], dC[keep]
            axes[1, 0].semilogx(tc, C, "-", color=color, lw=1.5, label=label)
            axes[1, 0].fill_between(tc, C - dC, C + dC, color=color, alpha=0.3, lw=0)
    ax_T.set_ylabel("T(t) − T_b  [K]")
    if peak > 0:
        ax_T.set_ylim(1e-4 * peak, 3 * peak)
    ax_T.set_title(data.title(f"heater pulse at T_b = {T_b:g} K"), fontsize=9)
    if has_c:
        ax_C = axes[1, 0]
        guide = _quadrature_guide(data, T_b)
        if guide is not None:
            t, c_ph, total = guide
            ax_C.semilogx(t, total, "--", color="C0", lw=1.2,
                          label="C_ph + C(T_b, t): small step at fixed T_b (quadrature)")
            ax_C.axhline(c_ph, color="0.5", ls=":", lw=1, label="C_ph(T_b) (Debye)")
            ax_C.set_ylim(0, 2.2 * np.nanmax(total))
        ax_C.set_ylabel("C_app = E_in / (T − T_b)  [J m$^{-3}$ K$^{-1}$]\n"
                        "(shown while T − T_b > 1e-3 of its peak)")
    axes[-1, 0].set_xlabel("time after the pulse start t [s]")
    for ax in axes[:, 0]:
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    return fig
