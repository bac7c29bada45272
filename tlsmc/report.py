"""Plain-text rendering of comparison tables (``tlsmc compare``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["comparison_text"]


def comparison_text(comparison: pd.DataFrame, max_rows: int = 0) -> str:
    """A readable table: MC ± stderr, exact quadrature, closed form, z, and a |z| summary."""
    if comparison is None or comparison.empty:
        return "no comparison rows"
    df = comparison.copy()
    keys = [c for c in ("observable", "T1_K", "T_K", "t_s") if c in df.columns]
    df = df.sort_values(keys)
    lines = []
    extra = "T1_K" in df.columns
    head = f"{'observable':<10} {'T1 [K]':>7} " if extra else f"{'observable':<10} "
    head += (f"{'T [K]':>7} {'t [s]':>10} {'MC':>12} {'± stderr':>10} {'exact':>12} "
             f"{'closed form':>12} {'z':>7}  unit")
    lines.append(head)
    lines.append("-" * len(head))
    shown = df if max_rows <= 0 else df.iloc[np.linspace(0, len(df) - 1, min(max_rows, len(df))).astype(int)]
    for _, r in shown.iterrows():
        s = f"{r['observable']:<10} "
        if extra:
            s += f"{r['T1_K']:>7.3g} " if np.isfinite(r["T1_K"]) else f"{'':>7} "
        s += (f"{r['T_K']:>7.3g} {r['t_s']:>10.3g} {r['mc']:>12.5g} {r['mc_stderr']:>10.2g} "
              f"{r['exact']:>12.5g} {r['closed_form']:>12.5g} {r['z']:>7.2f}  {r.get('unit', '')}")
        lines.append(s)
    if max_rows > 0 and len(df) > max_rows:
        lines.append(f"... {len(df) - max_rows} more rows (tlsmc compare DIR shows all)")
    z = df["z"].to_numpy()
    z = z[np.isfinite(z)]
    if z.size:
        lines.append(f"{len(df)} points: max |z| = {np.max(np.abs(z)):.2f}, "
                     f"rms z = {np.sqrt(np.mean(z**2)):.2f}, |z| > 4: {int(np.sum(np.abs(z) > 4))}")
    return "\n".join(lines)
