"""Figures of a heat-pulse run — a thin caller of :func:`tlsmc.plotting.heat_pulse_figure`.

    python analysis/plot_heat_pulse.py RUN_DIR [--out FIGDIR]

Writes ``heat_pulse.png`` (and ``.pdf``; ``heat_pulse_<i>`` when the run has several pulse
measurements, one per bath temperature T_b) into FIGDIR (default: RUN_DIR):

* top: the temperature rise T(t) − T_b after the pulse, with TLSs (MC, 1σ band
  from the batch sub-populations) and without (the same lumped model, phonons only);
* bottom: the apparent heat capacity C_app(t) = E_in/(T(t) − T_b) that an
  experimenter extracts from the pulse, with and without TLSs, and as a guide
  C_ph(T_b) + C(T_b, t) — the phonons plus the TLS heat capacity after a small
  step at the fixed temperature T_b (exact quadrature of the same STM,
  :func:`tlsmc.analytic.quadrature.stm.heat_capacity`).  The pulse curve follows it while
  T(t) − T_b is small and slowly varying, and leaves it when the link empties
  the sample (t >~ C/G).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tlsmc.plotting import figures, save_figure  # noqa: E402
from tlsmc.results import Results  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir")
    ap.add_argument("--out", default=None, help="figure directory (default: RUN_DIR)")
    args = ap.parse_args()
    res = Results.read(args.run_dir)
    figs = {stem: fig for stem, fig in figures(res, note=lambda _: None).items()
            if stem.startswith("heat_pulse")}
    for stem, fig in figs.items():
        for path in save_figure(fig, Path(args.out or args.run_dir), stem):
            print(path)
    if not figs:
        print("no heat_pulse rows in this run")


if __name__ == "__main__":
    main()
