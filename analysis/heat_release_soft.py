"""Figure and write-up for a soft-potential heat-release run (needs matplotlib).

    tlsmc run scenarios/heat_release_soft.toml --out runs/heat_release_soft
    python analysis/heat_release_soft.py runs/heat_release_soft [--out analysis/heat_release_soft]

Writes into OUT (default analysis/heat_release_soft):

* heat_release_soft.png — t·Q̇ against t (log axis) after the instantaneous quench (left)
  and after the linear cooling ramp (right, t counted from the end of the ramp): Monte
  Carlo with 1σ bars, the quadrature of the same model and protocol (lines) and the
  closed forms of :func:`tlsmc.analytic.closed_forms.soft_heat_release.heat_release_closed_form` (dashed);
* heat_release_soft.md — the analytic forms, the measured agreement (exact/closed form,
  MC/closed form, max |z| MC vs quadrature), the freezing temperatures T_f of the heat
  carriers for the scenario's material and for the soft_glass preset (W = 30 K), and the
  regimes;
* heat_release_soft_comparison.csv — the comparison table.
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
from _figures import run_title, save  # noqa: E402

from tlsmc.analytic.closed_forms.soft_heat_release import freezing_temperature  # noqa: E402
from tlsmc.analytic.quadrature.soft import SoftQuadrature  # noqa: E402
from tlsmc.materials import load_material  # noqa: E402
from tlsmc.measurements import TemperatureHistory  # noqa: E402
from tlsmc.rates import build_rates  # noqa: E402
from tlsmc.rates.activated import Activated  # noqa: E402
from tlsmc.results import Results  # noqa: E402
from tlsmc.scenario import parse_scenario  # noqa: E402
from tlsmc.comparison.soft import cooling_ramp_s, soft_comparison_table  # noqa: E402
from tlsmc.population.soft import SoftPotentialModel  # noqa: E402
from tlsmc.dynamics.occupations import n_eq  # noqa: E402
from tlsmc.units import HBAR, K_B, PI  # noqa: E402

HERE = Path(__file__).resolve().parent


def comparison(res: Results, scenario):
    table = res.comparison
    if table is None or "measurement" not in table.columns:
        table, note = soft_comparison_table(scenario, res.observables)
        print(note)
    return table


def _ramps(scenario) -> dict[int, float]:
    return {i: cooling_ramp_s(m) for i, m in enumerate(scenario.measurement)
            if isinstance(m, TemperatureHistory)}


def carriers_tf(material, model, channels, T0=0.1, T1=10.0, ramp_s=1000.0,
                times=(10.0, 1e3, 1e5)) -> list[dict]:
    """Heat carriers at T0 after a quench from T1, on the quadrature nodes: weighted
    quantiles (10, 50, 90 %) of V_b and of T_f (their activated rate meets the ramp's
    cooling rate, :func:`freezing_temperature`), for each t."""
    quad = SoftQuadrature(model, material, channels, h_panel=1.0, nodes=6, u_decades=7,
                          u_per_decade=1)
    sp, w = quad.spectrum, quad.weight
    E = sp.E_K
    K0 = build_rates(sp, material, [c for c in channels if not isinstance(c, Activated)], T0).K
    nu = sp.well_K * K_B / (2.0 * PI * HBAR)
    tf = freezing_temperature(np.maximum(sp.barrier_K, 1e-3), nu, E, (T1 - T0) / ramp_s)
    d = K_B * w * E * (n_eq(E, T1) - n_eq(E, T0))
    out = []
    for t in times:
        g = d * K0 * t * np.exp(-K0 * t)
        row = {"t_s": t}
        for name, x in (("V_b", sp.barrier_K), ("T_f", tf)):
            o = np.argsort(x)
            c = np.cumsum(g[o]) / g.sum()
            row[name] = [float(x[o][np.searchsorted(c, f)]) for f in (0.1, 0.5, 0.9)]
        out.append(row)
    return out


def plot(res: Results, table, ramps: dict[int, float], out: Path) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharey=True)
    q = table[table.observable == "Qdot"]
    T1s = sorted(q.T1_K.unique())
    colors = dict(zip(T1s, plt.cm.viridis(np.linspace(0, 0.85, len(T1s)))))
    for ax, which in zip(axes, ("quench", "cooling")):
        cool = q.measurement.isin(list(ramps))
        sel = q[~cool] if which == "quench" else q[cool]
        for (meas, T1), grp in sel.groupby(["measurement", "T1_K"]):
            grp = grp.sort_values("t_s")
            shift = ramps.get(int(meas)) or 0.0
            tt = grp.t_s.to_numpy() - shift
            col = colors[T1]
            step = max(1, len(grp) // 40)
            ax.errorbar(tt[::step], (tt * grp.mc)[::step], yerr=(tt * grp.mc_stderr)[::step],
                        fmt="o", ms=3, color=col, label=f"T1 = {T1:g} K")
            ax.plot(tt, tt * grp.exact, "-", color=col, lw=1)
            ax.plot(tt, tt * grp.closed_form, "--", color=col, lw=1)
        ax.set_xscale("log")
        ax.set_xlabel("t  [s]" if which == "quench" else "t − t_ramp  [s]")
        ax.set_title(("instantaneous quench T1 → 0.1 K" if which == "quench" else
                      f"linear cooling T1 → 0.1 K over {max(ramps.values()):g} s, then 0.1 K"),
                     fontsize=9)
    axes[0].set_ylabel("t·Q̇  [J m$^{-3}$]")
    for ax in axes:
        ax.plot([], [], "k-", lw=1, label="quadrature, same model")
        ax.plot([], [], "k--", lw=1, label="closed form (GGP eq. 5.1, T_eff)")
        ax.legend(fontsize=8)
    fig.suptitle(run_title(res.metadata, "heat release t·Q̇(t), soft potentials", "samples"),
                 fontsize=9)
    return save(fig, out / "heat_release_soft.png")


def _fmt(x) -> str:
    return f"{x:.3g}"


def writeup(res: Results, scenario, table, ramps, tf_rows, out: Path) -> Path:
    q = table[table.observable == "Qdot"].copy()
    mat, model = scenario.material, scenario.population
    zall = table.z[np.isfinite(table.z)]
    lines = [
        "# Heat release of the soft-potential model (generated by analysis/heat_release_soft.py)",
        "",
        (f"Run `{res.metadata['scenario']['run']['name']}`: N = {res.metadata['n_tls']:,} samples, "
        f"seed entropy {res.metadata['seed_entropy']}, tlsmc {res.metadata['tlsmc_version']}, "
        f"wall time {res.metadata['wall_time_s']['total']:.0f} s. Material: W = {mat.W_K:g} K, "
        f"η_L = {mat.eta_L:g}, ψ = {mat.psi_per_m3:.4g} m^-3; E_max = {model.E_max_K:g} K, "
        f"ratio_cut = {model.ratio_cut:g}, depth_max = {model.depth_max:g}; channels one_phonon + "
        "activated. T0 = 0.1 K."),
        "",
        "![t Qdot](heat_release_soft.png)",
        "",
        "## Analytic forms",
        "",
        ("* **exact**: quadrature of the same model (`SoftQuadrature.heat_release` for the quench, "
        "`SoftQuadrature.history` = exact piecewise-constant propagation of the quadrature nodes "
        "through the same compiled ramp)."),
        ("* **closed form, tunneling region** (quench, and T1 < T_f): with K = K_max(E) p at T0 and "
        "GGP's eq. 5.1, N_j(E,p) = ⅔(4/3)^{1/3} ψ_j η_L^{3/2} W^-1 p^-1 (1−p)^-½ L^{-4/3}, "
        "∫dp N_j K e^{−Kt} = p N_j/t, so "
        "t·Q̇ = Σ_j ∫_0^{E_max} dE k_B E [n_eq(E,T1) − n_eq(E,T0)] ⅔(4/3)^{1/3} ψ_j η_L^{3/2} W^-1 "
        "L_j*^{-4/3}, L_j* = ln(W/Δ0*) at the Δ0* whose one-phonon rate at T0 (couplings of GGP "
        "eqs. 4.4, 4.9) is 1/t. (For the STM this is (π²/24) P̄ k_B² (T1² − T0²).)"),
        ("* **closed form, intermediate region** (linear cooling over t_ramp, Parshin & Sahling, "
        "PRB 47, 5677 (1993)): the same with t → t − t_ramp and T1 → T_eff = min(T1, T_f); T_f "
        "solves ν_a e^{−V_b/T_f}(1 + e^{−E/T_f}) T_f² = e^{−γ_E} V_b Ṫ (Ṫ = (T1 − T0)/t_ramp; "
        "the frozen occupation of a linear cooling of an Arrhenius relaxation, derivation in "
        "`tlsmc.analytic.closed_forms.soft_heat_release.freezing_temperature`) with V_b, ν_a of the symmetric well "
        "with splitting Δ0*. So t·Q̇ ∝ T_f² − T0², independent of T1. NaN for t − t_ramp < t_ramp."),
        "",
        "## Measured agreement",
        "",
        f"MC vs quadrature: max |z| = {np.abs(zall).max():.2f}, rms z = "
        f"{np.sqrt(np.mean(zall ** 2)):.2f} over {zall.size} points (Qdot and U, both "
        "protocols); |z| > 4: " + str(int((np.abs(zall) > 4).sum())) + ".",
        "",
        ("| protocol | T1 [K] | t window [s] | exact / closed form | MC / closed form | "
        "t·Q̇ MC at the last t [J m^-3] | max abs z (Qdot) |"),
        "|---|---|---|---|---|---|---|",
    ]
    spans = []
    for (meas, T1), grp in q.groupby(["measurement", "T1_K"]):
        shift = ramps.get(int(meas)) or 0.0
        tt = grp.t_s - shift
        win = grp[(tt >= 10 * shift) & np.isfinite(grp.closed_form)] if shift else grp
        r_ex = win.exact / win.closed_form
        r_mc = win.mc / win.closed_form
        spans += [r_ex.min(), r_ex.max()]
        last = grp.sort_values("t_s").iloc[-1]
        name = f"ramp {shift:g} s" if int(meas) in ramps else "quench"
        window = (f"{(win.t_s - shift).min():.3g}–{(win.t_s - shift).max():.3g}"
                  + (" (t − t_ramp >= 10 t_ramp)" if shift else ""))
        lines.append(f"| {name} | {T1:g} | {window} | {r_ex.min():.2f}–{r_ex.max():.2f} | "
                     f"{r_mc.min():.2f}–{r_mc.max():.2f} | "
                     f"{(last.t_s - shift) * last.mc:.4g} ± {(last.t_s - shift) * last.mc_stderr:.2g}"
                     f" | {np.nanmax(np.abs(grp.z)):.2f} |")
    # regimes: T1 dependence at the last time
    def last_tq(meas_sel, T1):
        g = q[meas_sel(q.measurement) & (q.T1_K == T1)].sort_values("t_s").iloc[-1]
        shift = ramps.get(int(g.measurement)) or 0.0
        return (g.t_s - shift) * g.mc
    quench = {T1: last_tq(lambda m: ~m.isin(list(ramps)), T1) for T1 in sorted(q.T1_K.unique())}
    cool = {T1: last_tq(lambda m: m.isin(list(ramps)), T1) for T1 in sorted(q.T1_K.unique())}
    T1s = sorted(quench)
    lines += [
        "",
        "## Regimes",
        "",
        "t·Q̇ (MC) at the last time, ratio to T1 = " + f"{T1s[0]:g} K:",
        "",
        "| T1 [K] | quench | cooling | cooling / quench |",
        "|---|---|---|---|",
    ]
    for T1 in T1s:
        lines.append(f"| {T1:g} | {quench[T1] / quench[T1s[0]]:.2f} | "
                     f"{cool[T1] / cool[T1s[0]]:.2f} | {cool[T1] / quench[T1]:.2f} |")
    lines += [
        "",
        ("Quench: t·Q̇ grows with T1 (as T1² − T0² until E_max = 2W cuts the integral). Cooling: "
        "the TLSs that tunnel at 0.1 K within t froze at T_f during the ramp, so from T1 > T_f "
        "t·Q̇ no longer depends on T1 (intermediate region of Parshin & Sahling); from T1 = 1 K "
        "< T_f the cooling equals the quench (tunneling region)."),
        "",
        "## Where T_c lies: heat carriers on the quadrature nodes",
        "",
        ("Carriers of t·Q̇ at T0 = 0.1 K after a quench from 10 K (weights k_B E Δn K t e^{−Kt}); "
        "weighted 10/50/90 % quantiles of their barrier V_b and of their freezing temperature "
        "T_f for a 1000 s ramp from 10 K (ν_a = ω/2π of each node)."),
        "",
        "| material | t [s] | V_b [K] | T_f [K] |",
        "|---|---|---|---|",
    ]
    for label, rows in tf_rows:
        for r in rows:
            lines.append(f"| {label} | {r['t_s']:g} | {' / '.join(map(_fmt, r['V_b']))} | "
                         f"{' / '.join(map(_fmt, r['T_f']))} |")
    lines += [
        "",
        ("With the preset W = 30 K, T_f (hence T_c) lies far above 10 K: cooling from 1, 4 or 10 K "
        "is all tunneling region. The scenario therefore uses W = 3 K (soft-potential fits of real "
        "glasses give W of a few K), ψ scaled by W/30 to keep the silica P̄, γ_l, γ_t and η_L "
        "kept, E_max = 2W and ratio_cut = 4 (see the scenario file)."),
        "",
        (f"The closed-form ratios ({min(spans):.2f}–{max(spans):.2f}) are the known order-unity "
        "factor of GGP's leading-WKB DOS (eq. 5.1; the DOS ratio exact/eq. 5.1 measured 0.55–0.77, PHYSICS §9); they are the "
        "same for the quench and for the cooling at t − t_ramp >= 10 t_ramp, i.e. the T_f form "
        "carries no additional error there. Before that the TLSs still relaxed by tunneling "
        "during the ramp and the cooling curves fall below the form."),
        "",
        ("Not covered: Parshin & Sahling's thermal-activation region T0 > T_c (here T0 = 0.1 K, "
         "far below T_c), where the release at T0 itself is activated and independent of T1."),
        "",
    ]
    path = out / "heat_release_soft.md"
    path.write_text("\n".join(lines))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", nargs="?", default="runs/heat_release_soft")
    ap.add_argument("--out", default=str(HERE / "heat_release_soft"))
    args = ap.parse_args()
    res = Results.read(args.run_dir)
    scenario = parse_scenario(res.metadata["scenario"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = comparison(res, scenario)
    table.to_csv(out / "heat_release_soft_comparison.csv", index=False)
    ramps = _ramps(scenario)
    preset = load_material({"preset": "soft_glass"})
    preset_model = SoftPotentialModel(E_max_K=25.0, depth_max=20.0, energy_knee_K=0.01)
    tf_rows = [(f"scenario (W = {scenario.material.W_K:g} K)",
                carriers_tf(scenario.material, scenario.population, scenario.rates)),
               ("soft_glass preset (W = 30 K, E_max = 25 K, ratio_cut 10)",
                carriers_tf(preset, preset_model, scenario.rates))]
    print(plot(res, table, ramps, out))
    print(writeup(res, scenario, table, ramps, tf_rows, out))


if __name__ == "__main__":
    main()
