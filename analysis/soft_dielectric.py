"""Figure and numbers for scenarios/soft_dielectric.toml (PHYSICS §3, §10).

Usage: python analysis/soft_dielectric.py [RUN_DIR]  (RUN_DIR from
``tlsmc run scenarios/soft_dielectric.toml --out RUN_DIR``; without it the scenario is run
in-process).  Writes analysis/soft_dielectric/soft_dielectric.png and prints, per
temperature, the half-power field F_c of the ensemble's resonant tan δ (log interpolation
between the run's fields), the ensemble/textbook ratio tan δ(F)/[tan δ(0)/√(1 + (F/F_c)²)] at
every field, and the log slope between the two highest fields.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

import tlsmc

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from _figures import tan_delta_parts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "soft_dielectric.toml"
OUT = ROOT / "analysis" / "soft_dielectric"


def half_power_field(F: np.ndarray, r: np.ndarray) -> float:
    """F where r = tan δ(F)/tan δ(0) crosses 1/√2 (log-log interpolation; NaN if it does not)."""
    y = -np.log(r)
    if not (y.min() < 0.5 * math.log(2.0) < y.max()):
        return math.nan
    return float(np.exp(np.interp(0.5 * math.log(2.0), y, np.log(F))))


def main(run_dir: str | None = None) -> None:
    sc = tlsmc.load_scenario(SCENARIO)
    df = (pd.read_parquet(Path(run_dir) / "observables.parquet") if run_dir
          else tlsmc.run(sc).to_dataframe())
    f = sc.measurement[0].frequencies_Hz[0]
    tan = df[df.observable == "tan_delta"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    tan_delta_parts(ax1, df)
    ax1.set(xscale="log", yscale="log", xlabel="T (K)", ylabel=r"tan $\delta$ (F → 0)",
            title=f"soft glass (p0 = {sc.material.soft_dipole_debye:g} D per unit y), "
                  f"{f / 1e9:g} GHz")
    ax1.legend(fontsize=8)
    res = tan[tan.part == "resonant"]
    for i, T in enumerate(sorted(set(res.T_K))[::2]):
        s = res[res.T_K == T].sort_values("field_V_m")
        F, v = s.field_V_m.to_numpy(), s.value.to_numpy()
        r = v[F > 0] / v[F == 0][0]
        Fp = F[F > 0]
        Fc = half_power_field(Fp, r)
        book = 1.0 / np.sqrt(1.0 + (Fp / Fc) ** 2)
        ax2.errorbar(Fp, r, s.stderr.to_numpy()[F > 0] / v[F == 0][0], fmt="o-", color=f"C{i}",
                     label=f"ensemble, T = {T:g} K (F_c = {Fc:.3g} V/m)")
        ax2.plot(Fp, book, "--", color=f"C{i}", lw=0.8)
        slope = math.log(r[-1] / r[-2]) / math.log(Fp[-1] / Fp[-2])
        ratios = ", ".join(f"{x:g}: {a / b:.3g}" for x, a, b in zip(Fp, r, book))
        print(f"T = {T:g} K: F_c = {Fc:.4g} V/m; ensemble/textbook at F (V/m) {ratios}; "
              f"log slope {Fp[-2]:g}-{Fp[-1]:g} V/m: {slope:.3f}")
    ax2.set(xscale="log", yscale="log", xlabel="drive amplitude F (V/m)",
            ylabel=r"tan $\delta_{res}$(F) / tan $\delta_{res}$(0)",
            title="ensemble (points) vs textbook 1/√(1+(F/F_c)²) (dashed)")
    ax2.legend(fontsize=7)
    OUT.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(OUT / "soft_dielectric.png", dpi=120)
    print(f"wrote {OUT / 'soft_dielectric.png'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
