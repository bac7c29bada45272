"""κ(T) of vitreous silica in the STM (scenarios/silica_conductivity.toml): figure + markdown.

Reads RUN_DIR/observables.parquet and comparison.parquet (``tlsmc run
scenarios/silica_conductivity.toml --out RUN_DIR``); writes analysis/conductivity/
silica_conductivity.png (κ(T) of the three measurements, MC points with error bars over the
independent quadrature, the T² law of resonant scattering and the boundary-only laws) and
silica_conductivity.md (the comparison table, local exponents d ln κ/d ln T and whether a
plateau — an exponent below 0.3 over a factor ≥ 2 in T — appears).

    python analysis/silica_conductivity.py RUN_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import tlsmc  # noqa: E402
from tlsmc.analytic.closed_forms import conduction as cf  # noqa: E402
from tlsmc.measurements.conduction import branch_constants  # noqa: E402
from _figures import save  # noqa: E402

HERE = Path(__file__).resolve().parent


def plateau(T, k):
    """(T_lo, T_hi) of the widest run with d ln κ/d ln T < 0.3 spanning ≥ 2x in T, or None."""
    p = np.diff(np.log(k)) / np.diff(np.log(T))
    best, start = None, None
    for i, flat in enumerate(list(p < 0.3) + [False]):
        if flat and start is None:
            start = i
        if not flat and start is not None:
            lo, hi = T[start], T[i]
            if hi / lo >= 2 and (best is None or hi / lo > best[1] / best[0]):
                best = (lo, hi)
            start = None
    return best, p


def main(run_dir: str) -> None:
    run = Path(run_dir)
    obs = pd.read_parquet(run / "observables.parquet")
    cmp_ = pd.read_parquet(run / "comparison.parquet")
    sc = tlsmc.load_scenario(HERE.parent / "scenarios" / "silica_conductivity.toml")
    m = sc.material
    br = branch_constants(m)
    trip = [(mm, g, v) for _, mm, g, _, v in br]
    out = HERE / "conductivity"
    out.mkdir(exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 5))
    Tl = np.geomspace(0.05, 100, 200)
    ax.plot(Tl, cf.kappa_T2(Tl, m.density_kg_m3, m.P_bar_per_J_m3, trip), "k:",
            label="T² law (resonant only, ñ = P̄)")
    md = ["# Thermal conductivity of vitreous silica, standard tunneling model", "",
          f"Run: {run.name}. Kinetic formula, Debye phonons (l, t, t), Debye cut-off "
          f"'{sc.measurement[0].debye_cutoff}' (Θ_D = {m.theta_D_K:g} K); TLS "
          "scattering resonant (δ-shell ñ) + relaxation (one-phonon rates); boundary; "
          "measurement 3 adds Rayleigh A ω⁴ with A = 1e-43 m⁻¹ s⁴ (illustrative).", "",
          f"Largest |z| (MC vs independent quadrature): {cmp_.z.abs().max():.2f}.", ""]
    labels = {0: "l_b = 1 mm", 1: "l_b = 1 cm", 2: "l_b = 1 mm + Rayleigh"}
    for i, (meas, lab) in enumerate(labels.items()):
        d = obs[(obs.observable == "kappa") & (obs.polarization == "all")
                & (obs.measurement == meas)].sort_values("T_K")
        c = cmp_[(cmp_.polarization == "all") & (cmp_.measurement == meas)].sort_values("T_K")
        b = obs[(obs.observable == "kappa_bias") & (obs.measurement == meas)].sort_values("T_K")
        T, k, e = d.T_K.values, d.value.values, d.stderr.values
        line = ax.plot(c.T_K, c.exact, "-", lw=1)[0]
        ax.errorbar(T, k, e, fmt="o", ms=3, color=line.get_color(), label=f"MC, {lab}")
        lb = sc.measurement[meas].boundary_length_m
        if meas < 2:
            ax.plot(Tl, cf.kappa_boundary(Tl, lb, [(mm, v) for _, mm, _, _, v in br]), "--",
                    color=line.get_color(), lw=0.8, label=f"boundary only, {lab}")
        pl, p = plateau(T, k)
        t2 = cf.kappa_T2(T, m.density_kg_m3, m.P_bar_per_J_m3, trip)
        md += [f"## {lab}", "",
               ("Plateau (d ln κ/d ln T < 0.3 over ≥ 2x in T): "
                + (f"**{pl[0]:g}–{pl[1]:g} K**" if pl else "**none**")), "",
               "| T (K) | κ MC (W/m/K) | stderr | exact | z | κ/κ_T² | d ln κ/d ln T | bias/stderr |",
               "|---|---|---|---|---|---|---|---|"]
        for j in range(len(T)):
            cz = c.iloc[j]
            pj = f"{p[j]:.2f}" if j < len(p) else ""
            md.append(f"| {T[j]:g} | {k[j]:.5g} | {e[j]:.2g} | {cz.exact:.5g} | {cz.z:.2f} | "
                      f"{k[j] / t2[j]:.3g} | {pj} | {b.value.values[j] / e[j]:.1e} |")
        md.append("")
    md += ["Reading: below ~1 K κ follows the T² law of resonant scattering (κ/κ_T² → 1 as "
           "the relaxation and boundary terms fade). Above a few K the STM alone gives **no "
           "plateau**: resonant scattering saturates (tanh → 1, l⁻¹ ∝ ω) and ñ falls above "
           "E = 2ħν = 152 K (the J_min = 0 cut-off), so κ keeps rising toward the boundary "
           "limit. An ω⁴ Rayleigh term with a boundary gives a T-independent limit "
           "k l_b^{1/4}/(12√2 π v² A^{3/4}) per branch (closed form in "
           "tlsmc.analytic.closed_forms.conduction): a flattening at high T, not the measured "
           "silica plateau at 5–10 K followed by a rise."]
    ax.set(xscale="log", yscale="log", xlabel="T (K)", ylabel="κ (W m⁻¹ K⁻¹)",
           title="vitreous silica, STM: κ(T)")
    ax.legend(fontsize=7)
    save(fig, out / "silica_conductivity.png")
    (out / "silica_conductivity.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main(sys.argv[1])
