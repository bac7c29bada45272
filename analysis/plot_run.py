"""Standard figures of a tlsmc run directory — a thin caller of :mod:`tlsmc.plotting`.

    python analysis/plot_run.py RUN_DIR [--out FIGDIR]     # same as: tlsmc plot RUN_DIR

Writes, for every measurement of the run, its standard figure as PNG and PDF
(``heat_capacity``, ``heat_release``, ``temperature_history``, ``thermal_expansion``,
``heat_pulse``; see :data:`tlsmc.plotting.PLOTTERS`) into FIGDIR (default RUN_DIR/figures).
Needs the ``plot`` extra (matplotlib).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tlsmc.cli import main as tlsmc_main  # noqa: E402


def main(argv=None) -> int:
    """``tlsmc plot`` with this script's arguments."""
    return tlsmc_main(["plot", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
