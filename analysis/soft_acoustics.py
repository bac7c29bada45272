"""Figure: soft-potential sound attenuation beside the tunneling model's (PHYSICS §3, §10).

Reads two finished runs — scenarios/soft_acoustics.toml (soft potentials, GGP 1985: D and M
from the wavefunctions) and scenarios/silica_acoustics.toml (the standard tunneling model
with the same elastic constants and γ_l, γ_t) — or runs them (``--n-tls`` shrinks both), and
writes analysis/acoustics/soft_acoustics.png: longitudinal Q⁻¹ (total, and its resonant and
relaxation parts) and the total Δv/v (resonant + relaxation; the soft resonant part is the
principal value of measurements.acoustic_soft_velocity) versus T at every frequency the two
share, soft MC points over the soft quadrature (lines), the tunneling model dashed.  Prints
the ratios soft/STM of the resonant Q⁻¹ at the lowest T (both ∝ ñ(ħω)), of the relaxation
Q⁻¹ at the highest T (the plateau region) and of the resonant Δv/v at the lowest T.

    python analysis/soft_acoustics.py [SOFT_RUN_DIR STM_RUN_DIR] [--n-tls N]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import tlsmc  # noqa: E402
from _figures import save  # noqa: E402

HERE = Path(__file__).resolve().parent
SCEN = HERE.parent / "scenarios"


def _load(run_dir: str | None, scenario: str, n_tls: int | None):
    """(observables, comparison or None, metadata) of a run directory, or of a fresh run."""
    if run_dir is not None:
        d = Path(run_dir)
        cmp_path = d / "comparison.parquet"
        return (pd.read_parquet(d / "observables.parquet"),
                pd.read_parquet(cmp_path) if cmp_path.exists() else None,
                json.loads((d / "run.json").read_text()))
    res = tlsmc.run(tlsmc.load_scenario(SCEN / scenario), n_tls=n_tls)
    return res.observables, res.comparison, res.metadata


def _sel(df, f, obs, part):
    return df[(df.polarization == "l") & (df.f_Hz == f) & (df.observable == obs)
              & (df.part == part)].sort_values("T_K")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="*", help="SOFT_RUN_DIR STM_RUN_DIR (default: run both)")
    ap.add_argument("--n-tls", type=int, default=None)
    args = ap.parse_args()
    if len(args.runs) not in (0, 2):
        ap.error("give both run directories (soft, then tunneling) or none")
    soft_dir, stm_dir = args.runs if args.runs else (None, None)
    soft, soft_cmp, soft_meta = _load(soft_dir, "soft_acoustics.toml", args.n_tls)
    stm, _, stm_meta = _load(stm_dir, "silica_acoustics.toml", args.n_tls)
    freqs = sorted(set(soft.f_Hz.dropna()) & set(stm.f_Hz.dropna()))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    print("f (Hz)   Q⁻¹_res soft/STM at T_min   Q⁻¹_rel soft/STM at T_max   "
          "Δv/v_res soft/STM at T_min   (longitudinal)")
    for f, color in zip(freqs, ("C0", "C1", "C2", "C3", "C4", "C5")):
        lab = f"{f / 1e6:g} MHz"
        for ax, obs, part in ((axes[0], "Q_inv", "total"), (axes[2], "dv_over_v", "total")):
            d = _sel(soft, f, obs, part)
            ax.errorbar(d.T_K, d.value, d.stderr, fmt="o", ms=3, color=color, label=f"{lab} soft")
            s = _sel(stm, f, obs, part)
            ax.plot(s.T_K, s.value, "--", color=color, lw=1, label=f"{lab} STM")
            if soft_cmp is not None:
                e = _sel(soft_cmp, f, obs, part)
                ax.plot(e.T_K, e.exact, "-", color=color, lw=0.8)
        for part, ls in (("resonant", ":"), ("relaxation", "-")):
            d = _sel(soft, f, "Q_inv", part)
            axes[1].plot(d.T_K, d.value, ls, color=color, lw=1.2, label=f"{lab} {part}")
        ratios = []
        for obs, part, pick in (("Q_inv", "resonant", 0), ("Q_inv", "relaxation", -1),
                                ("dv_over_v", "resonant", 0)):
            a, b = _sel(soft, f, obs, part), _sel(stm, f, obs, part)
            T = sorted(set(a.T_K) & set(b.T_K))[pick]
            va, vb = (float(x[x.T_K == T].value.iloc[0]) for x in (a, b))
            ratios.append(f"{va / vb:.3g} (T = {T:g} K)" if vb else "nan")
        print(f"{f:8.3g}   {ratios[0]:>26}   {ratios[1]:>26}   {ratios[2]:>26}")
    axes[0].set(xscale="log", yscale="log", xlabel="T (K)", ylabel="Q⁻¹ total (longitudinal)")
    axes[1].set(xscale="log", yscale="log", xlabel="T (K)",
                ylabel="soft Q⁻¹ parts (dotted resonant, solid relaxation)")
    axes[2].set(xscale="log", xlabel="T (K)",
                ylabel="Δv/v total − value at T_ref (longitudinal)")
    axes[0].legend(fontsize=6, ncol=2)
    axes[1].legend(fontsize=6, ncol=2)
    n_soft = soft_meta.get("n_tls", "?")
    n_stm = stm_meta.get("n_tls", "?")
    fig.suptitle(f"soft potentials (points: MC, N = {n_soft}; thin lines: quadrature) vs the "
                 f"tunneling model (dashed: silica_acoustics MC, N = {n_stm}); "
                 f"tlsmc {tlsmc.__version__}", fontsize=9)
    out = HERE / "acoustics" / "soft_acoustics.png"
    print(save(fig, out))
    print(f"frequencies compared: {', '.join(f'{f:g}' for f in freqs)} Hz")


if __name__ == "__main__":
    main()
