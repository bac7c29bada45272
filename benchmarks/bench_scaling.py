"""Benchmark: whole-run time per TLS and peak memory from 1e6 to 1e8 TLSs (issue 17 item 6).

Runs the README's main scenario (``scenarios/silica_heat_capacity.toml``: tunneling population,
one-phonon rates, heat capacity at 6 temperatures × 61 times) with ``tlsmc.run`` in a child
process per size — first a small warm-up run that pays the per-process fixed costs (numba
cache loads, first-call dispatch; reported), then the measured run — with the analytic
comparison switched off (its cost does not depend on N), and reports per size:

* the measured run's own wall time and CPU time (all threads; run metadata
  ``wall_time_s['total']`` and ``client_cpu_time_s``), per TLS in ns and relative to the
  smallest size — CPU time is the less load-sensitive of the two on a shared machine;
* the warm-up run's wall time and the whole child's wall time (start-up and imports too), s;
* the per-stage wall times the run itself records in run.json (``wall_time_s``);
* the child's peak resident memory (``ru_maxrss`` from ``os.wait4``), MB.

The targets (issue 17): run time per TLS flat within 15 % across sizes (the largest ratio of
per-TLS time between any two sizes ≤ 1.15, on the run's wall and CPU time), and peak RSS of the
1e8 run < 1 GB (the population is streamed in chunks of ``run.chunk_size``).

Usage: python benchmarks/bench_scaling.py [--sizes 1e6 1e7 1e8] [--seed 7]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import load, result  # noqa: E402

SCENARIO = ROOT / "scenarios" / "silica_heat_capacity.toml"
WARMUP = 65536          # TLSs of the warm-up run in each child


def scenario_without_comparison(workdir: Path) -> Path:  # noqa: D401
    """The main scenario's text with ``[comparison] analytic = false`` (nothing else changed)."""
    text = SCENARIO.read_text()
    table = tomllib.loads(text)
    if "comparison" not in table:
        raise SystemExit(f"{SCENARIO} has no [comparison] table to switch off")
    lines, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == "[comparison]"
        if inside and stripped.startswith("analytic"):
            line = "analytic = false"
        lines.append(line)
    out = workdir / "scaling.toml"
    out.write_text("\n".join(lines) + "\n")
    if tomllib.loads(out.read_text())["comparison"].get("analytic") is not False:
        raise SystemExit("could not switch the comparison off")
    return out


def child(scenario: Path, n: int, seed: int) -> None:
    """In the child process: a warm-up run (loads the numba cache, first-call dispatch), then
    the measured run; prints both runs' run.json timings as one JSON line."""
    import tlsmc
    out = {}
    for key, size in (("warmup", WARMUP), ("run", n)):
        meta = tlsmc.run(scenario, n_tls=size, seed=seed).metadata
        out[key] = {"wall": meta["wall_time_s"]["total"], "cpu": meta["client_cpu_time_s"],
                    "stages": meta["wall_time_s"]}
    print("CHILD " + json.dumps(out), flush=True)


def run_size(scenario: Path, n: int, seed: int) -> dict:
    """One child process per size: its warm-up and measured runs, peak RSS (os.wait4), wall."""
    cmd = [sys.executable, __file__, "--child", str(n), "--scenario", str(scenario),
           "--seed", str(seed)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the run failed at n = {n} (exit {os.waitstatus_to_exitcode(status)})")
    line = next(ln for ln in text.splitlines() if ln.startswith("CHILD "))
    data = json.loads(line[len("CHILD "):])
    return {"n": n, "wall": wall, "rss_MB": usage.ru_maxrss / 1024.0,
            "stages": data["run"]["stages"], "run_wall": data["run"]["wall"],
            "run_cpu": data["run"]["cpu"], "warm_wall": data["warmup"]["wall"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7, 1e8])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--scenario", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.scenario, args.child, args.seed)
        return 0
    sizes = [int(s) for s in args.sizes]
    print(f"scaling of {SCENARIO.name} (comparison off), sizes {sizes}; {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tlsmc-scaling-") as tmp:
        work = Path(tmp)
        scenario = scenario_without_comparison(work)
        rows = [run_size(scenario, n, args.seed) for n in sizes]
    stage_names = [k for k in ("sample", "spectrum", "rates", "reduce", "merge", "observables")
                   if any(k in r["stages"] for r in rows)]
    print(f"{'N':>9s} {'run wall s':>10s} {'ns/TLS':>7s} {'rel':>5s} {'run CPU s':>9s} {'ns/TLS':>7s} "
          f"{'rel':>5s} {'warm-up s':>9s} {'process s':>9s} {'RSS MB':>7s}  " + " ".join(f"{s:>8s}" for s in stage_names))
    per = {key: [r[key] / r["n"] for r in rows] for key in ("run_wall", "run_cpu")}
    for i, r in enumerate(rows):
        print(f"{r['n']:9.3g} {r['run_wall']:10.2f} {1e9 * per['run_wall'][i]:7.1f} "
              f"{per['run_wall'][i] / per['run_wall'][0]:5.2f} {r['run_cpu']:9.2f} "
              f"{1e9 * per['run_cpu'][i]:7.1f} {per['run_cpu'][i] / per['run_cpu'][0]:5.2f} "
              f"{r['warm_wall']:9.2f} {r['wall']:9.2f} {r['rss_MB']:7.0f}  "
              + " ".join(f"{r['stages'].get(s, float('nan')):8.2f}" for s in stage_names))
    print("run wall/CPU: the measured run's own wall_time_s['total'] and client_cpu_time_s "
          f"(run.json); warm-up s: the {WARMUP}-TLS run before it in the same process, which pays "
          "the per-process fixed costs (numba cache loads, first calls); process s: the whole "
          f"child incl. interpreter start-up and imports; stage columns: run.json wall_time_s, s.  {load()}")
    result("scaling_run_wall_per_TLS_spread", max(per["run_wall"]) / min(per["run_wall"]), 1.15, "le",
           "max/min")
    result("scaling_run_cpu_per_TLS_spread", max(per["run_cpu"]) / min(per["run_cpu"]), 1.15, "le",
           "max/min")
    result("scaling_peak_RSS_largest", rows[-1]["rss_MB"], 1024.0, "le", "MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
