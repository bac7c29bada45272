"""Figure and numbers for scenarios/resonator_loss_tangent.toml (PHYSICS §10).

Usage: python analysis/resonator_loss_tangent.py [RUN_DIR]  (RUN_DIR from
``tlsmc run scenarios/resonator_loss_tangent.toml --out RUN_DIR``; without it the
scenario is run in-process).  Writes analysis/resonator_loss_tangent/resonator_loss_tangent.png
and prints tan δ0, F_c, the ensemble/textbook ratio and the high-field log slope.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

import tlsmc
from tlsmc.analytic.closed_forms import dielectric as cf
from tlsmc.rates import one_phonon_coefficient
from tlsmc.units import HBAR, K_B

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from _figures import tan_delta_parts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "resonator_loss_tangent.toml"
OUT = ROOT / "analysis" / "resonator_loss_tangent"


def main(run_dir: str | None = None) -> None:
    sc = tlsmc.load_scenario(SCENARIO)
    if run_dir:
        df = pd.read_parquet(Path(run_dir) / "observables.parquet")
    else:
        df = tlsmc.run(sc).to_dataframe()
    m = sc.material
    f = sc.measurement[0].frequencies_Hz[0]
    w = HBAR * 2 * math.pi * f / K_B
    td0 = cf.tan_delta0(m.P_bar_per_J_m3, m.dipole_debye, m.eps_r)
    a = one_phonon_coefficient(m)
    tan = df[df.observable == "tan_delta"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    tan_delta_parts(ax1, df)
    Ts = np.geomspace(0.01, 1, 100)
    ax1.plot(Ts, [cf.resonant_tan_delta(td0, w, T) for T in Ts], "C2-", lw=0.8, alpha=0.6,
             label=r"tan$\delta_0$ tanh($\hbar\omega$/2kT)")
    ax1.set(xscale="log", yscale="log", xlabel="T (K)", ylabel=r"tan $\delta$ (F → 0)",
            title=f"a-SiO2, {f / 1e9:g} GHz")
    ax1.legend(fontsize=8)
    print(f"tan_delta0 = {td0:.4e}")
    for T in (0.01, 0.1):
        s = tan[(tan.part == "resonant") & (tan.T_K == T) & (tan.field_V_m > 0)].sort_values("field_V_m")
        T1 = 1.0 / (a * w**3 / math.tanh(w / (2 * T)))
        Fc = cf.critical_field(m.dipole_debye, T1, m.T2_s)
        F = s.field_V_m.to_numpy()
        book = np.array([cf.textbook_tan_delta(td0, w, T, x, Fc) for x in F])
        ax2.errorbar(F, s.value, s.stderr, fmt="o", ms=4, label=f"ensemble MC, T = {T * 1e3:g} mK")
        Fs = np.geomspace(F.min(), F.max(), 200)
        ax2.plot(Fs, [cf.textbook_tan_delta(td0, w, T, x, Fc) for x in Fs], "--", lw=1,
                 label=f"textbook 1/√(1+(F/F_c)²), F_c = {Fc:.3g} V/m")
        hi = F >= 10 * Fc
        slope = np.polyfit(np.log(F[hi]), np.log(s.value.to_numpy()[hi]), 1)[0] if hi.sum() > 1 else math.nan
        print(f"T = {T:g} K: T1,min = {T1:.3e} s, F_c = {Fc:.3g} V/m, ensemble/textbook = "
              + ", ".join(f"{x:g}:{r:.3f}" for x, r in zip(F, s.value.to_numpy() / book))
              + f"; d ln tanδ / d ln F (F ≥ 10 F_c) = {slope:.4f}; "
              f"max power-broadened width √(1+S)/(T2 ω) = "
              f"{math.sqrt(1 + (F.max() / Fc) ** 2 * 3) / (m.T2_s * 2 * math.pi * f):.2e}")
    ax2.set(xscale="log", yscale="log", xlabel="drive field amplitude F (V/m)",
            ylabel=r"resonant tan $\delta$")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "resonator_loss_tangent.png", dpi=130)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
