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
