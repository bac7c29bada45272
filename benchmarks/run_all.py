"""Run every benchmark in one command and print a summary table of ratios and targets.

Each ``benchmarks/bench_*.py`` runs in its own process (one after the other, so they do
not compete for the cores); the ``RESULT`` lines they print (see ``benchmarks/_common.py``)
are collected into a table: value, target, pass / MISS / info.  Benchmarks that print no
RESULT line (e.g. an older one) are parsed for a "ratio ... = X" line and shown as info.
The load average before and after each benchmark is shown, because the machine may be
shared and every ratio is a same-run comparison that load can still skew.

    python benchmarks/run_all.py            # full sizes (several minutes)
    python benchmarks/run_all.py --quick    # small sizes: a smoke check (~1-2 min)
    python benchmarks/run_all.py --only step_response soft_spectra

Exit status 0 always (timings are never asserted); 1 only if a benchmark crashed.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL: dict[str, list[str]] = {
    "step_response": ["--n", "2e6", "--times", "200", "--n-mem", "0", "--repeat", "3"],
    "heat_pulse": ["--n", "1e6"],
    "soft_spectra": ["--n", "100000", "--n-ref", "500", "--n-check", "24"],
    "tf_rates": ["--n", "1e6", "--repeat", "5"],
    "acoustics": ["1e6"],
    "scaling": ["--sizes", "1e6", "1e7", "1e8"],
}
QUICK: dict[str, list[str]] = {
    "step_response": ["--n", "2e5", "--times", "200", "--n-mem", "0", "--repeat", "2"],
    "heat_pulse": ["--n", "1.5e5"],
    "soft_spectra": ["--n", "20000", "--n-ref", "100", "--n-check", "4"],
    "tf_rates": ["--n", "2e5", "--repeat", "2"],
    "acoustics": ["1e5"],
    "scaling": ["--sizes", "2.5e5", "1e6", "4e6"],
}
RESULT = re.compile(r"^RESULT (\S+) value=(\S+) target=(\S+) sense=(\S+) unit=(\S*)")
RATIO = re.compile(r"ratio[^=:\n]*[=:]\s*([0-9.eE+-]+)")


def _load() -> str:
    return "{:.1f}".format(os.getloadavg()[0])


def run_one(name: str, args: list[str]) -> tuple[list[tuple], float, str, str, int]:
    script = HERE / f"bench_{name}.py"
    load0 = _load()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          cwd=HERE.parent)
    wall = time.perf_counter() - t0
    sys.stdout.write(proc.stdout)
    if proc.returncode:
        sys.stdout.write(proc.stderr[-3000:])
    rows = [m.groups() for m in map(RESULT.match, proc.stdout.splitlines()) if m]
    if not rows and proc.returncode == 0:
        hits = RATIO.findall(proc.stdout)
        if hits:
            rows = [(f"{name}_ratio", hits[-1], "-", "info", "")]
    return rows, wall, load0, _load(), proc.returncode


def verdict(value: float, target: str, sense: str) -> str:
    if sense == "info" or target == "-":
        return "info"
    ok = value >= float(target) if sense == "ge" else value <= float(target)
    return "pass" if ok else "MISS"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke check)")
    ap.add_argument("--only", nargs="*", help="benchmark names (default: every bench_*.py)")
    args = ap.parse_args()
    sizes = QUICK if args.quick else FULL
    names = sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n in args.only]
    table, failed = [], []
    for name in names:
        print(f"===== bench_{name}.py {' '.join(sizes.get(name, []))}", flush=True)
        rows, wall, l0, l1, rc = run_one(name, sizes.get(name, []))
        if rc:
            failed.append(name)
            table.append((name, "CRASHED", "", "", "", "MISS", wall, l0, l1))
        for key, value, target, sense, unit in rows:
            table.append((name, key, float(value), target, sense, verdict(float(value), target, sense),
                          wall, l0, l1, unit))
    print("\n===== summary" + (" (quick sizes)" if args.quick else ""))
    print(f"{'benchmark':14s} {'quantity':28s} {'value':>11s} {'target':>10s}  {'':6s} "
          f"{'wall s':>7s}  load before/after  unit")
    for row in table:
        if row[1] == "CRASHED":
            print(f"{row[0]:14s} {'CRASHED':28s} {'':>11s} {'':>10s}  MISS   {row[6]:7.1f}  {row[7]:>5s}/{row[8]:<5s}")
            continue
        name, key, value, target, sense, v, wall, l0, l1, unit = row
        rel = {"ge": ">= ", "le": "<= "}.get(sense, "")
        tgt = "-" if target == "-" else rel + target
        print(f"{name:14s} {key:28s} {value:11.4g} {tgt:>10s}  {v:6s} {wall:7.1f}  {l0:>5s}/{l1:<5s}  "
              f"{unit.replace('_', ' ')}")
    n_miss = sum(1 for r in table if r[5] == "MISS")
    print(f"{n_miss} target(s) missed" + (f"; crashed: {', '.join(failed)}" if failed else "")
          + ("  (quick sizes: the targets are stated for the full sizes)" if args.quick else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
