"""TF 1982 §4 ultrasonic attenuation, 0.1–300 K: figures and the generated write-up.

Reads a run of scenarios/tf1982_acoustics.toml and writes analysis/tf1982_acoustics/
(tf1982_acoustics.png and README.md: the extrema table and which of TF's claims a consistent
calculation — PHYSICS §10's Net formula with the exact Debye multiphonon G — reproduces).

    tlsmc run scenarios/tf1982_acoustics.toml --out RUN && python analysis/tf1982_acoustics.py RUN
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import tlsmc  # noqa: E402
from tlsmc.analytic.closed_forms import tf1982_sound as cf  # noqa: E402
from tlsmc.analytic.closed_forms.tf1982 import T0_eq30, T_eq26  # noqa: E402
from tlsmc.measurements.tf_sound import zero_phonon_weight  # noqa: E402
from tlsmc.measurements.tf_velocity import reorganisation_energy, sideband_kk_weight  # noqa: E402
from tlsmc.rates.tf import TFMultiphonon, tf_parameters  # noqa: E402
from tlsmc.rates.vibrations import J1_debye, J2_debye  # noqa: E402
from tlsmc.units import ANGSTROM  # noqa: E402
from _figures import save  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "tf1982_acoustics"


def extrema(T: np.ndarray, y: np.ndarray) -> list[tuple[str, float, float]]:
    """Local extrema of ln y on the T grid, refined by a parabola in (ln T, ln y):
    (kind, T_K, value)."""
    lT, ly = np.log(T), np.log(y)
    out = []
    for i in range(1, len(T) - 1):
        a, b, c = ly[i - 1], ly[i], ly[i + 1]
        if (b > a and b > c) or (b < a and b < c):
            x = lT[i - 1:i + 2]
            p = np.polyfit(x, ly[i - 1:i + 2], 2)
            xm = -p[1] / (2 * p[0])
            out.append(("max" if b > a else "min", float(math.exp(xm)),
                        float(math.exp(np.polyval(p, xm)))))
    return out


def slopes(T, y, lo, hi):
    """(min, max) of d ln y / d ln T between lo and hi (K)."""
    s = np.diff(np.log(y)) / np.diff(np.log(T))
    m = (T[:-1] >= lo) & (T[1:] <= hi)
    return (float(s[m].min()), float(s[m].max())) if m.any() else (math.nan, math.nan)


def velocity_section(obs, comp, T_ref: float) -> list[str]:
    """Figure tf1982_velocity.png and the markdown lines of Δv/v_res(T) − Δv/v_res(T_ref)."""
    v = obs[(obs.observable == "dv_over_v") & (obs.polarization == "l") & (obs.T_K <= 20.5)]
    c = comp[(comp.observable == "dv_over_v") & (comp.polarization == "l")]
    freqs = sorted(v.f_Hz.unique())
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for f, color in zip(freqs, ("C0", "C1", "C2")):
        d = v[(v.f_Hz == f) & (v.part == "resonant")].sort_values("T_K")
        ax.errorbar(d.T_K, d.value, d.stderr, fmt="-", color=color, ms=2, lw=1.0,
                    label=f"{f / 1e6:g} MHz (MC)")
        d = c[(c.f_Hz == f) & (c.T_K <= 20.5)].sort_values("T_K")
        ax.plot(d.T_K, d.closed_form, "x", color=color, ms=4)
        ax.plot(d.T_K, d.exact, "s", color=color, ms=4, mfc="none")
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set(xscale="log", xlabel="T (K)",
           ylabel=f"Δv/v_res(T) − Δv/v_res({T_ref:g} K), longitudinal")
    ax.set_title("TF coupling, zero-phonon line: x C ln(T/T_ref), □ quadrature", fontsize=9)
    ax.legend(fontsize=7)
    fig_path = save(fig, OUT / "tf1982_velocity.png")
    zc = c.z.dropna()
    f0 = freqs[len(freqs) // 2]
    d = v[(v.f_Hz == f0) & (v.part == "resonant")].sort_values("T_K")
    k = int(np.argmax(d.value.to_numpy()))
    peak = ""
    if 0 < k < len(d) - 1:            # parabola in (ln T, Δv/v) through the top three
        lT, y = np.log(d.T_K.to_numpy()[k - 1:k + 2]), d.value.to_numpy()[k - 1:k + 2]
        a2, a1, _ = np.polyfit(lT, y, 2)
        peak = (f" It has a maximum at T = {math.exp(-a1 / (2 * a2)):.2f} K ({f0 / 1e6:g} MHz), "
                "where the growth of the zero-phonon weight e^{J1(T)} (TF eq. 14) overtakes the log rise.")
    lines = [
        f"## Sound velocity Δv/v(T) − Δv/v({T_ref:g} K) ({f0 / 1e6:g} MHz, longitudinal)",
        "",
        f"![Δv/v(T)]({fig_path.name})",
        "",
        "The zero-phonon line's virtual transitions (`tlsmc.measurements.tf_velocity`): the STM "
        "principal value with the weight e^{J1(T)} in the T term and e^{J1(T_ref)} in the T_ref "
        "term, so C ln(T/T_ref) while e^{J1} is constant." + peak + "  MC against the "
        f"independent quadrature: {len(zc)} rows with a z, max |z| = {zc.abs().max():.2f}.  "
        "No sideband velocity is written: the next section says why.",
        "",
        "| T (K) | Δv/v_res | C ln(T/T_ref) | quadrature |",
        "|---:|---:|---:|---:|",
    ]
    cc = c[c.f_Hz == f0].set_index("T_K")
    for q in d.itertuples():
        lines.append(f"| {q.T_K:g} | {q.value:.3g} ± {q.stderr:.1g} | "
                     f"{cc.closed_form.get(q.T_K, math.nan):.3g} | "
                     f"{cc.exact.get(q.T_K, math.nan):.3g} |")
    return lines


def sideband_kk_section(p, J0_range: tuple[float, float]) -> list[str]:
    """Markdown: where the sideband's static Kramers–Kronig weight lies and how far the golden
    rule has failed there (``tf_velocity.sideband_kk_weight``)."""
    V = [float(p.V_K(J0)) for J0 in J0_range]
    lam, sig = reorganisation_energy(1e-3, p)           # T → 0
    lines = [
        "## Why there is no sideband velocity",
        "",
        "Its Kramers–Kronig partner has the static weight W(X) = ∫₀^X (dx/x) tanh(x/2T) K_tot(x)/V² "
        "(`tlsmc.measurements.tf_velocity`).  With TF's coupling the sideband is a polaron band of "
        f"relative weight e^{{J1}} − 1 = {math.expm1(float(J1_debye(0.0, p))):.2g} centred on the "
        f"reorganisation energy λ = (3R/4)Θ(1/3 − 1/π²) = {lam:.0f} K (σ = {sig:.0f} K), where "
        "the golden rule behind the Net formula fails by many decades for every TLS of the "
        "scenario (last two columns: ħK_tot/k_Bx at the peak x_p of W's integrand):",
        "",
        "| T (K) | W(Θ)/W(∞) | W(4Θ)/W(∞) | x_p (K) | W / zero-phonon weight at E = 1 K "
        f"| J0 = {J0_range[0]:g} | J0 = {J0_range[1]:g} |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for T in (0.1, 1.0, 10.0):
        r = sideband_kk_weight(T, p)
        f1, f4 = np.interp([p.theta_D_K, 4 * p.theta_D_K], r.x_K, r.fraction)
        zpl = math.log(zero_phonon_weight(T, p) * math.tanh(0.5 / T))
        gr = [math.exp(r.log_rate_over_energy) * v * v for v in V]
        lines.append(f"| {T:g} | {f1:.1e} | {f4:.1e} | {r.x_peak_K:.0f} | "
                     f"{math.exp(r.log_weight - zpl):.1e} | {gr[0]:.1e} | {gr[1]:.1e} |")
    lines += ["", "A converged transform would be a number outside the model's domain; one cut "
              "below λ is a property of the cut.  TF mode therefore writes Δv/v for the "
              "zero-phonon line only."]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir", type=Path)
    args = ap.parse_args()
    obs = pd.read_parquet(args.run_dir / "observables.parquet")
    comp = pd.read_parquet(args.run_dir / "comparison.parquet")
    meta = json.loads((args.run_dir / "run.json").read_text())
    sc = tlsmc.load_scenario(HERE.parent / "scenarios" / "tf1982_acoustics.toml")
    p = tf_parameters(sc.material, "analysis")
    J_str, J_top = sc.population.J0.support
    T_gr = [TFMultiphonon().golden_rule_T_K(sc.material, float(p.V_K(J0))) for J0 in (J_str, J_top)]
    OUT.mkdir(exist_ok=True)
    a = obs[(obs.observable == "attenuation") & (obs.polarization == "l")]
    freqs = sorted(a.f_Hz.unique())

    # ---------------------------------------------------------------- figure
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    rows = []
    for f, color in zip(freqs, ("C0", "C1", "C2", "C3")):
        for part, ls in (("total", "-"), ("resonant", ":"), ("sideband", "--")):
            d = a[(a.f_Hz == f) & (a.part == part)].sort_values("T_K")
            T, y, e = d.T_K.to_numpy(), d.value.to_numpy(), d.stderr.to_numpy()
            for ax in axes:
                ax.plot(T, y, ls, color=color, lw=1.2 if part == "total" else 0.8,
                        label=f"{f / 1e6:g} MHz {part}" if part != "sideband" or f == freqs[0]
                        else None)
            if part == "total":
                axes[0].errorbar(T, y, e, fmt="o", ms=2.5, color=color)
            for kind, Tx, yx in extrema(T, y):
                rows.append((f, part, kind, Tx, yx))
                if part == "total":
                    for ax in axes:
                        ax.plot([Tx], [yx], "v" if kind == "min" else "^", color=color, ms=9,
                                mfc="none")
    c = comp[(comp.observable == "attenuation") & (comp.polarization == "l")
             & (comp.part == "sideband")]
    for f, color in zip(freqs, ("C0", "C1", "C2")):
        d = c[c.f_Hz == f].sort_values("T_K")
        axes[0].plot(d.T_K, d.closed_form, "x", color=color, ms=4)
        axes[0].plot(d.T_K, d.exact, "s", color=color, ms=4, mfc="none")
    T_neg = float(next((T for T in np.geomspace(1, 300, 3000) if J2_debye(T, p) > J_str), math.nan))
    for ax in axes:
        ax.axvline(T_neg, color="k", lw=0.6, ls="-.")
        ax.set(xscale="log", yscale="log", xlabel="T (K)",
               ylabel="energy attenuation l⁻¹ (m⁻¹), longitudinal")
    axes[0].set_ylim(1e-14, 1e3)
    axes[0].set_title("0.1–300 K  (dash-dot: J* = J_str − J2(T) < 0 beyond)", fontsize=9)
    axes[1].set(xlim=(0.1, 40), ylim=(1e-13, 1e-1))
    axes[1].set_title("zoom; ▲/▽ extrema of the total; x closed forms (eqs. 24, 25/27), "
                      "□ quadrature", fontsize=9)
    axes[0].legend(fontsize=6, ncol=2)
    fig.suptitle(f"{meta.get('scenario', {}).get('run', {}).get('name', 'tf1982_acoustics')}: "
                 f"N = {meta.get('n_tls')}, seed entropy {meta.get('seed_entropy')}, "
                 f"tlsmc {meta.get('tlsmc_version', '')}", fontsize=9)
    fig_path = save(fig, OUT / "tf1982_acoustics.png")

    # ---------------------------------------------------------------- numbers
    ext = pd.DataFrame(rows, columns=["f_Hz", "part", "kind", "T_K", "l_inv_m"])
    f0 = freqs[len(freqs) // 2]

    def series(f, part):
        d = a[(a.f_Hz == f) & (a.part == part)].sort_values("T_K")
        return d.T_K.to_numpy(), d.value.to_numpy()

    T, sb = series(f0, "sideband")
    _, tot = series(f0, "total")
    _, res = series(f0, "resonant")
    low = slopes(T, sb, 0.1, 2.3)
    mid = slopes(T, sb, 5.0, 40.0)
    hi = np.diff(np.log(sb)) / np.diff(T)
    m = T[:-1] >= 100
    T0_eff = (1.0 / hi[m].min(), 1.0 / hi[m].max())
    cross = next((float(t) for t, r, s in zip(T, res, sb) if s > r), math.nan)
    zmax = float(comp.z.abs().max())
    n_z = int(comp.z.notna().sum())
    p1200 = dataclasses.replace(p, J2_per_m2=1200 / ANGSTROM**2)
    T31 = np.geomspace(3, 3000, 6000)
    e31 = {name: [x for x in extrema(T31, cf.eq31(1e-3, T31, 1.0, q, sc.population.delta_max_K))]
           for name, q in (("400", p), ("1200", p1200))}
    p0 = dataclasses.replace(p, J2_per_m2=1e-12 / ANGSTROM**2)
    T31_0 = T31[T31 <= 150.0]              # e^{J_eff} passes 1e308 above (J_eff ∝ T without J'')
    e31_0 = [x for x in extrema(T31_0, cf.eq31(1e-3, T31_0, 1.0, p0)) if x[1] > 3.0]
    t_max = ext[(ext.part == "total") & (ext.kind == "max")]
    t_min = ext[(ext.part == "total") & (ext.kind == "min")]

    lines = [
        "# TF 1982 §4: ultrasonic attenuation from a consistent calculation",
        "",
        f"Generated by `analysis/tf1982_acoustics.py` from the run in `{args.run_dir.name}` "
        f"(scenario `scenarios/tf1982_acoustics.toml`, N = {meta.get('n_tls')}, seed entropy "
        f"{meta.get('seed_entropy')}, tlsmc {meta.get('tlsmc_version', '')}).  Do not edit: rerun.",
        "",
        "Model: PHYSICS §10's Net formula per TLS, G = zero-phonon line (weight e^{J1(T)}, part "
        "`resonant`, δ-shell per sample) + sideband (one-phonon + all orders from the exact "
        "Debye multiphonon table, part `sideband`); TF's parameters (R = "
        f"{p.R:.1f}, Θ = {p.theta_D_K:g} K, J' = {p.J1_per_m * ANGSTROM:g} Å⁻¹, M = 60 amu), "
        f"structural J0 ≥ J_str = {J_str:g} (J* = J_str − J1(0) = "
        f"{J_str - float(J1_debye(0.0, p)):.1f}), ΔE ≤ {sc.population.delta_max_K:g} K.  The "
        "Debye model has J'' = 0 (TF's eqs. 31–34 need J'': their Einstein eq. 7 is evaluated "
        "as a closed form only).  l⁻¹ is the energy attenuation, longitudinal.",
        "",
        f"![l⁻¹(T)]({fig_path.name})",
        "",
        f"MC against the independent quadrature: {n_z} rows with a z, max |z| = {zmax:.2f} "
        f"(the sideband quadrature stops at 6 K).",
        "",
        "## Extrema of l⁻¹(T) (parabolic refinement on the T grid)",
        "",
        "| f (MHz) | part | kind | T (K) | l⁻¹ (m⁻¹) |",
        "|---:|---|---|---:|---:|",
    ]
    for r in ext.itertuples():
        lines.append(f"| {r.f_Hz / 1e6:g} | {r.part} | {r.kind} | {r.T_K:.2f} | {r.l_inv_m:.3g} |")
    T2r, T2p = cf.T2_eq29(p), cf.T2_eq29(p, printed=True)
    yes_no = lambda b: "**yes**" if b else "**no**"  # noqa: E731
    lines += [
        "",
        f"## TF's claims ({f0 / 1e6:g} MHz unless stated)",
        "",
        "| claim (TF) | consistent calculation | verdict |",
        "|---|---|---|",
        f"| T³ rise, eq. 24 (π⁷/32 read for 'π^γ') | sideband log-slope {low[0]:.2f}…{low[1]:.2f} "
        f"on 0.1–2.3 K; eq. 24 matches the quadrature to 2e-3 (tests); but the resonant "
        f"zero-phonon line (∝ e^{{J1}} tanh(ħω/2T)) exceeds the sideband up to {cross:.3g} K, so "
        f"the total falls as 1/T there | {yes_no(low[0] > 2.8)} for the sideband, "
        f"**hidden** in the total |",
        f"| maximum T1 ≈ 4–10 K between eqs. 24 and 27 | sideband maxima: "
        f"{', '.join(f'{t:.1f} K' for t in ext[(ext.part == 'sideband') & (ext.kind == 'max')].T_K) or 'none'}"
        f" | {yes_no(((ext.part == 'sideband') & (ext.kind == 'max')).any())} |",
        f"| T⁻³ fall, eq. 27 ('s' read as 3) | sideband log-slope {mid[0]:.2f}…{mid[1]:.2f} on "
        f"5–40 K: where steepest descent holds (T ≳ 16 K, Q/8F² < 0.05) F(T) has left its T⁶ law "
        f"(the (Θ/T)³ form is 2.0× low at 16 K, 4.0× at 25 K); eq. 27 with the exact F matches "
        f"Net to < 1 % at 20–40 K, and its printed coefficient is √2 too high | "
        f"{yes_no(mid[0] < -2.5)} |",
        f"| minimum T2 ≳ 10 K, eq. 29 | total minima: "
        f"{', '.join(f'{t:.1f} K' for t in t_min.T_K) or 'none'}; eq. 29 read "
        f"(45/16π⁶R)^{{1/4}}Θ = {T2r:.2f} K, printed {T2p:.2f} K, minimum of eq. 27 with exact "
        f"J2: 9.77 K — a minimum of the resonant line + rising sideband, not of eq. 27's law | "
        f"{yes_no(len(t_min) > 0)} (position ≈ 10 K) |",
        f"| e^{{T/T0}} rise, eq. 30 (T0 = {T0_eq30(p):.3f} K) | d ln l⁻¹/dT above 100 K gives "
        f"T0 = {T0_eff[0]:.3f}…{T0_eff[1]:.3f} K; but J* = J_str − J2(T) < 0 above "
        f"{T_neg:.1f} K, and ħK/k_BT of a thermal TLS passes 1 at {T_gr[0]:.1f} K (J0 = "
        f"{J_str:g}) and {T_gr[1]:.1f} K (J0 = {J_top:g}): the model, and the golden rule behind "
        f"its rates, have left their domain | **yes** (formally) |",
        f"| maximum T3 ≈ 50 K with J'' (eqs. 31–34) | none: the Debye model (J'' = 0) rises "
        f"monotonically to 300 K (l⁻¹ = {tot[-1]:.2g} m⁻¹).  Eq. 31 (Einstein, eq. 7 as G) has "
        f"maxima at {', '.join(f'{t:.0f} K' for k, t, _ in e31['400'] if k == 'max' and t > 20)} "
        f"(J'' = 400 Å⁻², eq. 34: {cf.T3_eq34(p):.0f} K) and "
        f"{', '.join(f'{t:.0f} K' for k, t, _ in e31['1200'] if k == 'max' and t > 20)} "
        f"(J'' = 1200 Å⁻², eq. 34: {cf.T3_eq34(p1200):.0f} K) | **no** in a consistent "
        f"multiphonon model; only TF's Einstein closed form |",
        f"| double peak | maxima of the total at "
        f"{', '.join(f'{t:.1f} K ({fr / 1e6:g} MHz)' for t, fr in zip(t_max.T_K, t_max.f_Hz)) or 'none'}"
        f" | {yes_no(t_max.groupby('f_Hz').size().max() >= 2 if len(t_max) else False)} |",
        "",
        "Other numbers: eq. 26's bound (π⁸R)^{-1/4}Θ = "
        f"{T_eq26(p):.2f} K; the one-phonon bound of eq. 24 (4/π⁶R)^{{1/4}}Θ = {cf.T_eq24(p):.2f} K; "
        f"eq. 33's minimum without J'' = {cf.T2_eq33(p):.2f} K, while eq. 31 without J'' "
        f"(ΔE0 = ∞) has {len(e31_0)} extrema above 3 K (it is flat, then rises); eq. 32: J'' "
        f"negligible below {cf.T_eq32(p):.1f} K.  The total's minimum has the same T at every "
        f"frequency: for ħω ≪ kT both parts are ∝ ω.",
        "",
        *velocity_section(obs, comp, sc.measurement[0].T_ref_K),
        "",
        *sideband_kk_section(p, (J_str, J_top)),
        "",
        "## Readings of the printed equations",
        "",
        "```",
        cf.readings(),
        "```",
    ]
    (OUT / "README.md").write_text("\n".join(lines) + "\n")
    print(fig_path, OUT / "README.md")


if __name__ == "__main__":
    main()
