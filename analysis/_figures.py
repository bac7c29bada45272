"""Shared figure helpers for the analysis scripts: provenance titles and saving."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt


def run_title(metadata: dict, what: str, count: str = "TLSs") -> str:
    """Two-line title: scenario name and what is shown; N, seed entropy, tlsmc version."""
    m = metadata
    return (f"{m['scenario']['run']['name']}: {what}\n"
            f"N = {m['n_tls']:.3g} {count}, seed entropy {m['seed_entropy']}, "
            f"tlsmc {m['tlsmc_version']}")


def save(fig, path: Path, **kwargs) -> Path:
    """tight_layout, write a 130-dpi PNG, close the figure; returns the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=130, **kwargs)
    plt.close(fig)
    return path
