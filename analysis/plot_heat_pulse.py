"""Figures of a heat-pulse run (``heat_pulse`` measurements; needs matplotlib).

    python analysis/plot_heat_pulse.py RUN_DIR [--out FIGDIR]

Writes ``heat_pulse.png``, one column per bath temperature T_b:

* top: the temperature rise T(t) − T_b after the pulse, with TLSs (MC, 1σ band
  from the batch sub-populations) and without (the same lumped model, phonons only);
* bottom: the apparent heat capacity C_app(t) = E_in/(T(t) − T_b) that an
  experimenter extracts from the pulse, with and without TLSs, and as a guide
  C_ph(T_b) + C(T_b, t) — the phonons plus the TLS heat capacity after a small
  step at the fixed temperature T_b (exact quadrature of the same STM,
  :func:`tlsmc.analytic.quadrature.stm.heat_capacity`).  The pulse curve follows it while
  T(t) − T_b is small and slowly varying, and leaves it when the link empties
  the sample (t >~ C/G).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tlsmc.analytic.quadrature import stm  # noqa: E402
from tlsmc.comparison import stm_model  # noqa: E402
from tlsmc.results import Results  # noqa: E402
from tlsmc.scenario import parse_scenario  # noqa: E402


def _series(df, observable, T_b, tls):
    sel = df[(df.observable == observable) & (df.T_K == T_b) & (df.tls == tls)]
    sel = sel.sort_values("t_s")
    return sel["t_s"].to_numpy(), sel["value"].to_numpy(), sel["stderr"].to_numpy()


def plot_heat_pulse(res: Results, out: Path) -> Path | None:
    df = res.observables
    if "tls" not in df.columns or not (df.observable == "T_sample").any():
        return None
    scenario = parse_scenario(res.metadata["scenario"])
    pulses = {m.T_bath_K: m for m in scenario.measurement if type(m).__name__ == "HeatPulse"}
    baths = sorted(df[df.observable == "T_sample"]["T_K"].unique())
    fig, axes = plt.subplots(2, len(baths), figsize=(5.5 * len(baths), 8.5), squeeze=False,
                             sharex=True)
    for col, T_b in enumerate(baths):
        ax_T, ax_C = axes[0, col], axes[1, col]
        peak = 0.0
        for tls, color, label in (("with", "C3", "with TLSs (MC ± 1σ)"),
                                  ("without", "k", "phonons only")):
            t, T, dT = _series(df, "T_sample", T_b, tls)
            if t.size == 0:
                continue
            rise = T - T_b
            peak = max(peak, rise.max())
            ax_T.loglog(t, rise, "-", color=color, lw=1.5, label=label)
            ax_T.fill_between(t, np.maximum(rise - dT, 1e-300), rise + dT, color=color,
                              alpha=0.3, lw=0)
            # C_app only while the rise is resolved (the link drains it to 0 eventually)
            keep = rise > 1e-3 * rise.max()
            t, C, dC = (x[keep] for x in _series(df, "C_app", T_b, tls))
            ax_C.semilogx(t, C, "-", color=color, lw=1.5, label=label)
            ax_C.fill_between(t, C - dC, C + dC, color=color, alpha=0.3, lw=0)
        m = pulses.get(T_b)
        if m is not None and type(scenario.population).__name__ == "TunnelingModel":
            t = m.times.values()
            c_ph = m.thermal.lumped(scenario.material, T_b).heat_capacity(T_b)
            c_tls = stm.heat_capacity(stm_model(scenario), T_b, t)
            ax_C.semilogx(t, c_ph + c_tls, "--", color="C0", lw=1.2,
                          label="C_ph + C(T_b, t): small step at fixed T_b (quadrature)")
            ax_C.axhline(c_ph, color="0.5", ls=":", lw=1, label="C_ph(T_b) (Debye)")
            top = np.nanmax(c_ph + c_tls)
            ax_C.set_ylim(0, 2.2 * top)
        ax_T.set_title(f"T_b = {T_b:g} K")
        ax_T.set_ylabel("T(t) − T_b  (K)")
        ax_C.set_ylabel("C_app = E_in / (T − T_b)  (J m$^{-3}$ K$^{-1}$)\n"
                        "(shown while T − T_b > 1e-3 of its peak)")
        ax_C.set_xlabel("time after the pulse start t  (s)")
        for ax in (ax_T, ax_C):
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(fontsize=8, loc="best")
        ax_T.set_ylim(1e-4 * peak, 3 * peak)
    meta = res.metadata
    fig.suptitle(f"{meta['scenario']['run']['name']}: heater pulse, sample temperature and "
                 f"apparent heat capacity\nN = {meta['n_tls']:.3g} TLSs, seed entropy "
                 f"{meta['seed_entropy']}, tlsmc {meta['tlsmc_version']}", fontsize=10)
    fig.tight_layout()
    path = out / "heat_pulse.png"
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir")
    ap.add_argument("--out", default=None, help="figure directory (default: RUN_DIR)")
    args = ap.parse_args()
    res = Results.read(args.run_dir)
    out = Path(args.out or args.run_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = plot_heat_pulse(res, out)
    print(path if path else "no heat_pulse rows in this run")


if __name__ == "__main__":
    main()
