"""Figures for a soft-potential heat-capacity run (needs the 'plot' extra: matplotlib).

    tlsmc run scenarios/soft_heat_capacity.toml --out runs/soft_heat_capacity
    python analysis/soft_heat_capacity.py runs/soft_heat_capacity [--out FIGDIR]

Writes into FIGDIR (default RUN_DIR/figures):

* soft_heat_capacity.png — C(T,t)/T against ln t: Monte Carlo with 1σ bars, the
  quadrature of the same model (lines), GGP eq. 6.3 with p0 = τ_min(T)/t (dashed) and
  C_eq/T (dotted, t -> ∞ of the depth-cut model);
* soft_population.png — one seed block of the population in the (η̃, t̃) plane coloured
  by log10 Δ0/W: the whole plane, the type-1 strip near t̃ = 0 and the type-2 band near
  the parabola η̃ = t̃²/4 (in R̃ = η̃ − t̃²/4);
* soft_comparison.csv — the comparison table (tlsmc.comparison.soft), computed here if
  the run directory has no comparison.parquet.
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
from tlsmc.population import sample_population  # noqa: E402
from tlsmc.results import Results  # noqa: E402
from _figures import run_title, save  # noqa: E402
from tlsmc.scenario import parse_scenario  # noqa: E402
from tlsmc.seeding import SEED_BLOCK, Chunk  # noqa: E402
from tlsmc.comparison.soft import soft_comparison_table  # noqa: E402
from tlsmc.spectrum.soft_solver import TYPE1, TYPE2  # noqa: E402


def _title(res: Results, what: str) -> str:
    return run_title(res.metadata, what, "samples")


def comparison(res: Results, scenario, out: Path):
    table = res.comparison
    cached = out / "soft_comparison.csv"
    if table is None and cached.exists():
        import pandas as pd
        return pd.read_csv(cached)
    if table is None or "exact" not in table.columns:
        table, note = soft_comparison_table(scenario, res.observables)
        print(note)
    table.to_csv(out / "soft_comparison.csv", index=False)
    return table


def plot_heat_capacity(res: Results, table, out: Path) -> Path:
    obs = res.observables
    fig, ax = plt.subplots(figsize=(8, 5.5))
    temps = sorted(obs.loc[obs.observable == "C", "T_K"].unique())
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(temps)))
    for T, col in zip(temps, colors):
        mc = obs[(obs.observable == "C") & (obs.T_K == T)].sort_values("t_s")
        lnt = np.log(mc.t_s)
        ax.errorbar(lnt, mc.value / T, yerr=mc.stderr / T, fmt="o", ms=3, color=col,
                    label=f"T = {T:g} K")
        cmp = table[(table.observable == "C") & (table.T_K == T)].sort_values("t_s")
        ax.plot(np.log(cmp.t_s), cmp.exact / T, "-", color=col, lw=1)
        ax.plot(np.log(cmp.t_s), cmp.closed_form / T, "--", color=col, lw=1)
        eq = obs[(obs.observable == "C_eq") & (obs.T_K == T)]
        if len(eq):
            ax.axhline(float(eq.value.iloc[0]) / T, color=col, ls=":", lw=1)
    ax.plot([], [], "k-", lw=1, label="quadrature, same model")
    ax.plot([], [], "k--", lw=1, label="GGP eq. 6.3, p0 = τ_min(T)/t")
    ax.plot([], [], "k:", lw=1, label="C_eq/T (depth-cut model)")
    ax.set_xlabel("ln(t / 1 s)")
    ax.set_ylabel("C(T,t)/T  [J m$^{-3}$ K$^{-2}$]")
    ax.set_title(_title(res, "C/T after a small step, soft potentials"), fontsize=9)
    ax.legend(fontsize=8, ncol=2)
    return save(fig, out / "soft_heat_capacity.png")


def plot_population(res: Results, scenario, out: Path, n: int) -> Path:
    entropy = int(res.metadata["seed_entropy"])
    n = min(n, SEED_BLOCK)
    pop = sample_population(scenario.population, scenario.material, entropy, Chunk(0, 0, n),
                            res.metadata["n_tls"])
    c = pop.counted
    color = np.log10(np.maximum(pop.delta0[c], 1e-30))
    eta, t, kind = pop.eta[c], pop.t[c], pop.kind[c]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5), layout="constrained")
    kw = dict(s=2, cmap="plasma", vmin=-16, vmax=0, rasterized=True)
    sc = axes[0].scatter(t, eta, c=color, **kw)
    tt = np.linspace(-13, 13, 400)
    axes[0].plot(tt, tt ** 2 / 4, "k-", lw=0.5, label="η̃ = t̃²/4")
    axes[0].plot(tt, 9 * tt ** 2 / 32, "k:", lw=0.5, label="η̃ = 9t̃²/32 (single well above)")
    axes[0].set_xlabel("t̃")
    axes[0].set_ylabel("η̃")
    axes[0].set_ylim(-22, 45)
    axes[0].legend(fontsize=7, loc="upper center")
    axes[0].set_title("(η̃, t̃) plane", fontsize=9)
    one = kind == TYPE1
    axes[1].scatter(t[one], eta[one], c=color[one], **kw)
    axes[1].set_xlabel("t̃")
    axes[1].set_ylabel("η̃")
    axes[1].set_title("type 1: the strip |t̃| < √2 E_max / (W |η̃|^1.5)", fontsize=9)
    two = kind == TYPE2
    axes[2].scatter(t[two], eta[two] - t[two] ** 2 / 4, c=color[two], **kw)
    axes[2].set_xlabel("t̃")
    axes[2].set_ylabel("R̃ = η̃ − t̃²/4")
    axes[2].set_title("type 2: near the parabola, |R̃| < 4 E_max / (W t̃²)", fontsize=9)
    fig.colorbar(sc, ax=axes, label="log10 Δ0/W", shrink=0.9, pad=0.01)
    fig.suptitle(_title(res, f"{c.sum()} counted TLSs of the first {n} samples "
                              f"(E <= {scenario.population.E_max_K:g} K)"), fontsize=9)
    path = out / "soft_population.png"
    fig.savefig(path, dpi=130, bbox_inches="tight")
    plt.close(fig)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", nargs="?", default="runs/soft_heat_capacity")
    ap.add_argument("--out", default=None, help="figure directory (default RUN_DIR/figures)")
    ap.add_argument("--n-scatter", type=int, default=20_000, help="samples in the scatter plot")
    args = ap.parse_args()
    res = Results.read(args.run_dir)
    scenario = parse_scenario(res.metadata["scenario"])
    out = Path(args.out) if args.out else Path(args.run_dir) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    table = comparison(res, scenario, out)
    for path in (plot_heat_capacity(res, table, out),
                 plot_population(res, scenario, out, args.n_scatter)):
        print(path)
    c = table[table.observable.isin(["C", "C_eq"])]
    print(f"MC vs quadrature: max |z| = {np.nanmax(np.abs(c.z)):.2f}, "
          f"rms z = {np.sqrt(np.nanmean(c.z ** 2)):.2f} over {c.z.notna().sum()} points")
    for T, grp in c[c.observable == "C"].groupby("T_K"):
        r = (grp.exact / grp.closed_form).replace([np.inf], np.nan)
        print(f"T = {T:g} K: quadrature / GGP eq. 6.3 = {np.nanmin(r):.2f} .. {np.nanmax(r):.2f}")


if __name__ == "__main__":
    main()
