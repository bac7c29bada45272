"""Figure: vitreous-silica Q⁻¹ and Δv/v vs T at 1, 10, 100 MHz, 1 GHz (longitudinal).

Runs scenarios/silica_acoustics.toml (``--n-tls`` to shrink it), draws the Monte Carlo
(points with error bars, total = resonant + relaxation) over the independent quadrature
(lines) and the STM closed forms (dashed, where they hold), and writes
analysis/acoustics/silica_acoustics.png.

    python analysis/silica_acoustics.py [--n-tls N]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import tlsmc  # noqa: E402
from _figures import save  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-tls", type=int, default=None)
    args = ap.parse_args()
    sc = tlsmc.load_scenario(HERE.parent / "scenarios" / "silica_acoustics.toml")
    res = tlsmc.run(sc, n_tls=args.n_tls)
    c = res.comparison
    c = c[c.polarization == "l"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for f, color in zip(sorted(c.f_Hz.unique()), ("C0", "C1", "C2", "C3")):
        for ax, obs in zip(axes, ("Q_inv", "dv_over_v")):
            d = c[(c.f_Hz == f) & (c.observable == obs) & (c.part == "total")].sort_values("T_K")
            ax.errorbar(d.T_K, d.mc, d.mc_stderr, fmt="o", ms=3, color=color,
                        label=f"{f / 1e6:g} MHz MC")
            ax.plot(d.T_K, d.exact, "-", color=color, lw=1)
            for part, ls in (("resonant", ":"), ("relaxation", "--")):
                p = c[(c.f_Hz == f) & (c.observable == obs) & (c.part == part)].sort_values("T_K")
                ax.plot(p.T_K, p.closed_form, ls, color=color, lw=0.8)
    axes[0].set(xscale="log", yscale="log", xlabel="T (K)", ylabel="Q⁻¹ (longitudinal)",
                ylim=(1e-7, 2e-3))
    axes[1].set(xscale="log", xlabel="T (K)", ylabel="Δv/v − Δv/v(T_ref = 1 K)")
    axes[0].legend(fontsize=7)
    fig.suptitle("vitreous silica, STM: MC (points), quadrature (lines), closed forms "
                 "(dotted resonant, dashed relaxation)", fontsize=9)
    print(save(fig, HERE / "acoustics" / "silica_acoustics.png"))


if __name__ == "__main__":
    main()
