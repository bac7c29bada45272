"""Shared figure helpers for the analysis scripts: provenance titles and saving."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt


def run_title(metadata: dict, what: str, count: str = "TLSs") -> str:
    """Two-line title: scenario name and what is shown; N, seed entropy, tlsmc version
    (the title of every standard figure: :func:`tlsmc.plotting.run_title`)."""
    from tlsmc.plotting import run_title as title
    return title(metadata, what, count)


def save(fig, path: Path, **kwargs) -> Path:
    """tight_layout, write a 130-dpi PNG, close the figure; returns the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=130, **kwargs)
    plt.close(fig)
    return path


def tan_delta_parts(ax, df) -> None:
    """tan δ(T) at field 0 of a dielectric run's observables ``df``, one errorbar line per
    part (total, resonant, relaxation) on ``ax``."""
    tan = df[(df.observable == "tan_delta") & (df.field_V_m == 0.0)]
    for part, st in (("total", "k-"), ("resonant", "C0--"), ("relaxation", "C1:")):
        s = tan[tan.part == part].sort_values("T_K")
        ax.errorbar(s.T_K, s.value, s.stderr, fmt=st, label=part)
