"""Benchmark: a tf_multiphonon run against the one_phonon run of the same size (issue 3 item 9).

Same scenario, same 1e6 TLSs (same seed, population and measurement), only the rate channel
differs: ``one_phonon`` (K = a Δ0² E coth(E/2T)) against ``tf_multiphonon`` (the exact
Debye-model rate, interpolated per TLS from the table built once per material).  The
material is vitreous silica with TF's vibration fields added, so both channels run on it.

Prints, best of ``--repeat`` (the two channels interleaved): the whole ``tlsmc.run`` wall time
of each and their ratio (target <= 1.5, issue 17), the rate stage alone (build_rates for all TLSs at one T) of each and its ratio,
and, separately, the one-off cost of building the multiphonon table and compiling.

Usage: python benchmarks/bench_tf_rates.py [--n 1e6] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import best_interleaved, load, result  # noqa: E402

import tlsmc  # noqa: E402
from tlsmc.rates import multiphonon  # noqa: E402
from tlsmc.materials import load_material  # noqa: E402
from tlsmc.population import sample_population  # noqa: E402
from tlsmc.rates import build_rates  # noqa: E402
from tlsmc.rates.tf import tf_parameters  # noqa: E402
from tlsmc.seeding import Chunk, seed_entropy  # noqa: E402
from tlsmc.spectrum import solve_spectrum  # noqa: E402

TF_FIELDS = ("J1_per_m", "J2_per_m2", "tf_mass_amu", "omega_E_K")


def scenario(kind: str, n: int):
    tf = load_material({"preset": "tf1982"})
    table = {
        "run": {"name": f"bench_{kind}", "n_tls": n, "seed": 11, "chunk_size": 262144},
        "material": {"preset": "vitreous_silica", **{f: getattr(tf, f) for f in TF_FIELDS}},
        "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
                       "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 70.0}},
        "rates": [{"kind": kind}],
        "measurement": [{"kind": "heat_capacity", "temperatures_K": [0.1, 0.3, 1.0],
                         "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 41},
                         "observables": ["C", "C_eq"]}],
        "comparison": {"analytic": False},
    }
    return tlsmc.parse_scenario(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=float, default=1e6)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = int(args.n)
    sc = {k: scenario(k, n) for k in ("one_phonon", "tf_multiphonon")}

    t0 = time.perf_counter()
    params = tf_parameters(sc["tf_multiphonon"].material, "the benchmark")
    table = multiphonon.multiphonon_table(params)
    for k in sc:                                   # compile every kernel once, small run
        tlsmc.run(sc[k], n_tls=65536)
    print(f"one-off: multiphonon table {table.build_seconds:.2f} s ({table.r.size} nodes), "
          f"table + compilation + warm-up {time.perf_counter() - t0:.2f} s")

    print(f"before: {load()}")
    run_s = best_interleaved({k: (lambda k=k: tlsmc.run(sc[k])) for k in sc}, args.repeat)
    pop = sample_population(sc["one_phonon"].population, sc["one_phonon"].material, seed_entropy(11),
                            Chunk(0, 0, n), n)
    spec = solve_spectrum(pop, sc["one_phonon"].material)
    rate_s = best_interleaved({k: (lambda k=k: build_rates(spec, sc[k].material, sc[k].rates, 0.3))
                               for k in sc}, args.repeat)
    print(f"N = {n:.3g} TLSs, heat capacity at 3 temperatures x 41 times, best of {args.repeat}:")
    print(f"  whole run   one_phonon {run_s['one_phonon']:.3f} s   tf_multiphonon {run_s['tf_multiphonon']:.3f} s"
          f"   ratio {run_s['tf_multiphonon'] / run_s['one_phonon']:.2f}  (target <= 1.5)")
    print(f"  rate stage  one_phonon {rate_s['one_phonon']:.4f} s  tf_multiphonon {rate_s['tf_multiphonon']:.4f} s"
          f"  ratio {rate_s['tf_multiphonon'] / rate_s['one_phonon']:.2f}  (all TLSs at one T)")
    print(f"after: {load()}")
    result("tf_run_ratio", run_s["tf_multiphonon"] / run_s["one_phonon"], 1.5, "le", "x one_phonon")
    result("tf_rate_stage_ratio", rate_s["tf_multiphonon"] / rate_s["one_phonon"], None, "info",
           "x one_phonon")


if __name__ == "__main__":
    main()
