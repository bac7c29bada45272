"""Executors side by side: serial, a process pool and a dask LocalCluster on the same run.

Runs ``scenarios/silica_heat_capacity.toml`` (analytic comparison off: it runs once on the
client whatever the executor) at ``--n-tls`` under each executor, checks the observables
are bit-identical, and prints wall time, ratio to serial, the stage time summed over
workers, overhead (wall × workers − summed stage time) and the peak RSS of the client and
of the largest worker process (sampled every 0.2 s).  Then time per TLS for ``--scaling``
sizes under ``--scaling-executor``.

    python benchmarks/bench_executors.py                       # 2e7; scaling 1e6, 1e7
    python benchmarks/bench_executors.py --n-tls 1e8 --executors dask --scaling ""

Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

import tlsmc
from tlsmc.executors import make_executor

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "silica_heat_capacity.toml"
MB = 2.0 ** 20


class PeakRSS:
    """Peak RSS of this process and of its largest descendant (pool workers, dask nannies
    and workers), sampled in a thread."""

    def __init__(self, interval_s: float = 0.2):
        self.interval_s, self.client, self.worker = interval_s, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            self.client = max(self.client, me.memory_info().rss)
            for child in me.children(recursive=True):
                try:
                    self.worker = max(self.worker, child.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(self.interval_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed_run(scenario, n_tls: int, name: str, workers: int):
    executor = make_executor(name, workers=workers if name != "serial" else None)
    try:
        if name == "dask":   # start the cluster outside the timing (reported separately)
            t0 = time.perf_counter()
            executor.start()
            startup = time.perf_counter() - t0
        else:
            startup = 0.0
        with PeakRSS() as rss:
            t0 = time.perf_counter()
            res = tlsmc.run(scenario, n_tls=n_tls, executor=executor)
            wall = time.perf_counter() - t0
    finally:
        executor.close()
    return res, wall, startup, rss


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-tls", type=float, default=2e7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--executors", default="serial,processes,dask")
    ap.add_argument("--scaling", default="1e6,1e7", help="sizes for time per TLS ('' = none)")
    ap.add_argument("--scaling-executor", default="dask")
    args = ap.parse_args(argv)
    table = tlsmc.load_scenario(SCENARIO).to_table()
    table["comparison"] = {"analytic": False}
    scenario = tlsmc.parse_scenario(table)
    n = int(args.n_tls)
    print(f"silica_heat_capacity, N = {n:.3g}, chunk_size = {scenario.run.chunk_size}, "
          f"{psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f}")
    rows, ref = [], None
    for name in args.executors.split(","):
        res, wall, startup, rss = timed_run(scenario, n, name, args.workers)
        stages = res.metadata["wall_time_s"]
        work = sum(stages.get(k, 0.0) for k in ("sample", "spectrum", "rates", "reduce"))
        workers = res.metadata["n_workers"]
        if ref is None:
            ref = res
            same = "reference"
        else:
            pd.testing.assert_frame_equal(res.observables, ref.observables, check_exact=True)
            same = "bit-identical"
        rows.append({"executor": name, "workers": workers, "wall_s": wall,
                     "startup_s": startup, "worker_stage_s": work,
                     "overhead_s": wall * workers - work,
                     "client_peak_MB": rss.client / MB, "worker_peak_MB": rss.worker / MB,
                     "numbers": same})
    out = pd.DataFrame(rows)
    out.insert(3, "speedup", out["wall_s"].iloc[0] / out["wall_s"])
    with pd.option_context("display.width", 160, "display.float_format", "{:.3g}".format):
        print(out.to_string(index=False))
    sizes = [int(float(s)) for s in args.scaling.split(",") if s.strip()]
    if sizes:
        print(f"\ntime per TLS ({args.scaling_executor}, {args.workers} workers)")
        for size in sizes:
            _, wall, _, rss = timed_run(scenario, size, args.scaling_executor, args.workers)
            print(f"  N = {size:9.3g}: {wall:8.2f} s  {wall / size * 1e6:7.3f} µs/TLS  "
                  f"client peak {rss.client / MB:6.0f} MB  worker peak {rss.worker / MB:6.0f} MB")


if __name__ == "__main__":
    main()
