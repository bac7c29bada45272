"""Heat release with a self-consistent sample temperature: t·Q̇(t) against t (needs matplotlib).

    python analysis/heat_release_self_consistent.py [--scenario S.toml] [--T1 1 4] [--T0 0.1]
        [--G0 1e4 3] [--n 524288] [--out DIR]

Takes the population, material and rates of a scenario (default
``scenarios/silica_heat_release.toml``), replaces its measurements by
``heat_pulse`` cooling runs — the sample is in equilibrium at T1 for t < 0 and
is linked with G(T) = G0 to a bath at T0, no heater — and runs one scenario per
G0.  Each run is written to ``DIR/release_G0=<G0>`` (observables.parquet,
run.json); the figure ``DIR/heat_release_t_qdot.png`` shows t·Q̇(t) with 1σ
bands, the sample temperature T(t) − T0, and for the tunneling model the exact
quadrature of the fixed-bath quench (:func:`tlsmc.analytic.quadrature.stm.heat_release`)
and the STM closed form (π²/24) P̄ k_B² (T1² − T0²).  A strong link reproduces
the fixed bath; a weak one keeps the sample warm on its own heat release.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tlsmc  # noqa: E402
from tlsmc.analytic.quadrature import stm  # noqa: E402
from tlsmc.analytic.closed_forms import stm as stm_closed  # noqa: E402
from tlsmc.comparison import stm_model  # noqa: E402


def cooling_scenario(base: tlsmc.Scenario, T1s, T0: float, G0: float, times: dict):
    table = base.to_table()
    table["run"]["name"] = f"{table['run']['name']}_self_consistent_G0={G0:g}"
    table["measurement"] = [{"kind": "heat_pulse", "T_bath_K": T0, "T_initial_K": T1,
                             "times": times, "thermal": {"G0_W_m3_K": G0, "G_exponent": 0.0},
                             "heater": {"shape": "constant", "value": 0.0}, "without_tls": False,
                             "observables": ["Qdot", "T_sample"]} for T1 in T1s]
    table["comparison"] = {"analytic": False}
    return tlsmc.parse_scenario(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "silica_heat_release.toml"))
    ap.add_argument("--T1", type=float, nargs="+", default=[1.0, 4.0])
    ap.add_argument("--T0", type=float, default=0.1)
    ap.add_argument("--G0", type=float, nargs="+", default=[1e4, 3.0],
                    help="link conductances G0, W m^-3 K^-1 (G independent of T)")
    ap.add_argument("--n", type=int, default=524288)
    ap.add_argument("--out", default="heat_release_runs")
    args = ap.parse_args()
    out = Path(args.out)
    base = tlsmc.load_scenario(args.scenario).with_run(n_tls=args.n)
    times = {"start_s": 1e-3, "stop_s": 1e5, "num": 81}
    runs = {}
    for G0 in args.G0:
        sc = cooling_scenario(base, args.T1, args.T0, G0, times)
        res = tlsmc.run(sc)
        res.write(out / f"release_G0={G0:g}")
        runs[G0] = res.observables
        print(f"G0 = {G0:g} W m^-3 K^-1: {res.metadata['wall_time_s']['total']:.1f} s")
    tunneling = type(base.population).__name__ == "TunnelingModel"
    fig, (ax, ax_T) = plt.subplots(2, 1, figsize=(7.5, 9), sharex=True,
                                   gridspec_kw={"height_ratios": [2, 1]})
    t = np.geomspace(times["start_s"], times["stop_s"], 200)
    colors = plt.cm.plasma(np.linspace(0.1, 0.75, len(args.T1)))
    styles = ["-", "--", ":", "-."]
    for T1, color in zip(args.T1, colors):
        for G0, ls in zip(args.G0, styles):
            df = runs[G0]
            q = df[(df.observable == "Qdot") & (df.T1_K == T1)].sort_values("t_s")
            ax.plot(q.t_s, q.t_s * q.value, ls, color=color, lw=1.6,
                    label=f"T1 = {T1:g} K, G0 = {G0:g} W m$^{{-3}}$ K$^{{-1}}$ (MC ± 1σ)")
            ax.fill_between(q.t_s, q.t_s * (q.value - q.stderr), q.t_s * (q.value + q.stderr),
                            color=color, alpha=0.3, lw=0)
            T = df[(df.observable == "T_sample") & (df.T1_K == T1)].sort_values("t_s")
            ax_T.loglog(T.t_s, T.value - args.T0, ls, color=color, lw=1.4)
        if tunneling:
            model = stm_model(base)
            ax.plot(t, t * stm.heat_release(model, T1, args.T0, t), color="k", lw=0.8, alpha=0.7)
            ax.axhline(t[0] * stm_closed.heat_release_closed_form(model, T1, args.T0, t[:1])[0],
                       color=color, ls=":", lw=1)
    if tunneling:
        ax.plot([], [], "k-", lw=0.8, label="fixed bath: exact STM quadrature")
        ax.plot([], [], "k:", lw=1, label="(π²/24) P̄ k_B² (T1² − T0²)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel("t · Q̇(t)  (J m$^{-3}$)")
    ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
    ax_T.set_ylabel(f"T(t) − T0  (K), T0 = {args.T0:g} K")
    ax_T.set_xlabel("time after the start of cooling t  (s)")
    ax_T.grid(True, which="major", alpha=0.3)
    ax.set_title(f"{base.run.name}: heat release through a thermal link, self-consistent T(t)\n"
                 f"N = {args.n:.3g} TLSs per run, seed {base.run.seed}", fontsize=10)
    fig.tight_layout()
    path = out / "heat_release_t_qdot.png"
    fig.savefig(path, dpi=130)
    print(path)


if __name__ == "__main__":
    main()
