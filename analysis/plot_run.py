"""Figures from a tlsmc run directory (needs the 'plot' extra: matplotlib).

    python analysis/plot_run.py RUN_DIR [--out FIGDIR]

Writes, for what the run contains:
* heat_capacity.png — C(T,t)/T against log t: MC with 1σ error bars, the exact
  quadrature of the same model (line) and the closed form T ln t law (dashed);
  C_eq/T as dotted horizontal lines.
* heat_release.png — t·Q̇(t) against t after each quench T1 -> T0: MC with
  error bars, quadrature, and (π²/24) P̄ k_B² (T1² − T0²) (dashed).
Every figure carries the scenario name, N and the seed in its title.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tlsmc.results import Results  # noqa: E402
from _figures import run_title, save  # noqa: E402


def _title(res: Results, what: str) -> str:
    return run_title(res.metadata, what, "TLSs")


def _merged(res: Results, observable: str) -> pd.DataFrame:
    obs = res.observables[res.observables["observable"] == observable]
    if res.comparison is None:
        return obs.assign(exact=np.nan, closed_form=np.nan)
    cmp = res.comparison[res.comparison["observable"] == observable]
    keys = ["T_K", "t_s"] + (["T1_K"] if "T1_K" in obs.columns and obs["T1_K"].notna().any() else [])
    return obs.merge(cmp[keys + ["exact", "closed_form"]], on=keys, how="left")


def plot_heat_capacity(res: Results, out: Path) -> Path | None:
    df = _merged(res, "C")
    if df.empty:
        return None
    eq = res.observables[res.observables["observable"] == "C_eq"]
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for (T, grp), color in zip(df.groupby("T_K"), plt.cm.viridis(np.linspace(0, 0.85, df["T_K"].nunique()))):
        grp = grp.sort_values("t_s")
        ax.errorbar(grp["t_s"], grp["value"] / T, yerr=grp["stderr"] / T, fmt="o", ms=3,
                    color=color, label=f"MC, T = {T:g} K")
        ax.plot(grp["t_s"], grp["exact"] / T, "-", color=color, lw=1.2)
        ax.plot(grp["t_s"], grp["closed_form"] / T, "--", color=color, lw=1)
        c_eq = eq[eq["T_K"] == T]["value"]
        if len(c_eq):
            ax.axhline(c_eq.iloc[0] / T, color=color, ls=":", lw=1)
    ax.plot([], [], "k-", label="exact quadrature (same model)")
    ax.plot([], [], "k--", label="closed form  ∝ T ln(t/τ_min)")
    ax.plot([], [], "k:", label="C_eq / T")
    ax.set_xscale("log")
    ax.set_xlabel("time after the step t [s]")
    ax.set_ylabel("C(T, t) / T  [J m$^{-3}$ K$^{-2}$]")
    ax.set_title(_title(res, "time-dependent heat capacity"), fontsize=9)
    ax.legend(fontsize=8)
    return save(fig, out / "heat_capacity.png")


def plot_heat_release(res: Results, out: Path) -> Path | None:
    df = _merged(res, "Qdot")
    if df.empty:
        return None
    fig, (ax, ax_r) = plt.subplots(1, 2, figsize=(11, 4.8))
    groups = list(df.groupby(["T1_K", "T_K"]))
    for ((T1, T0), grp), color in zip(groups, plt.cm.plasma(np.linspace(0, 0.8, len(groups)))):
        grp = grp.sort_values("t_s")
        t = grp["t_s"].to_numpy()
        law = (grp["closed_form"] * t).to_numpy()      # (π²/24) P̄ k_B² (T1² − T0²), J m^-3
        ax.errorbar(t, t * grp["value"], yerr=t * grp["stderr"], fmt="o", ms=3, color=color,
                    label=f"MC, {T1:g} K → {T0:g} K")
        ax.plot(t, t * grp["exact"], "-", color=color, lw=1.2)
        ax.plot(t, law, "--", color=color, lw=1)
        ax_r.errorbar(t, t * grp["value"] / law, yerr=t * grp["stderr"] / law, fmt="o", ms=3,
                      color=color, label=f"{T1:g} K → {T0:g} K")
        ax_r.plot(t, t * grp["exact"] / law, "-", color=color, lw=1.2)
    ax.plot([], [], "k-", label="exact quadrature (same model)")
    ax.plot([], [], "k--", label="(π²/24) P̄ k$_B^2$ (T1² − T0²)")
    for a in (ax, ax_r):
        a.set_xscale("log")
        a.set_xlabel("time after the quench t [s]")
    ax.set_yscale("log")
    ax.set_ylabel("t · Q̇(t)  [J m$^{-3}$]")
    ax_r.axhline(1.0, color="k", ls="--", lw=1)
    ax_r.set_ylabel("t · Q̇(t) / [(π²/24) P̄ k$_B^2$ (T1² − T0²)]")
    ax.set_title(_title(res, "heat release"), fontsize=9)
    ax_r.set_title("ratio to the closed form (line: quadrature)", fontsize=9)
    ax.legend(fontsize=8)
    ax_r.legend(fontsize=8)
    return save(fig, out / "heat_release.png")


PLOTS = [plot_heat_capacity, plot_heat_release]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir")
    ap.add_argument("--out", help="figure directory (default RUN_DIR/figures)")
    args = ap.parse_args(argv)
    res = Results.read(args.run_dir)
    out = Path(args.out) if args.out else Path(args.run_dir) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    made = [p for plot in PLOTS if (p := plot(res, out)) is not None]
    for p in made:
        print(p)
    if not made:
        print("nothing to plot in this run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
