"""Results of a run: tidy tables, provenance, atomic Parquet + JSON I/O.

``observables.parquet`` (one row per point; columns observable, T_K, t_s,
value, stderr, unit, and extra coordinates such as T1_K, step_K, model),
``comparison.parquet`` (observable, T_K, t_s, mc, mc_stderr, exact,
closed_form, z) and ``run.json`` (scenario, version, seed entropy, N, chunks,
wall time per stage, provenance).  The run metadata is also stored in each
Parquet file's Arrow schema under the key ``tlsmc``.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["Results", "OBSERVABLES_FILE", "COMPARISON_FILE", "RUN_FILE"]

OBSERVABLES_FILE = "observables.parquet"
COMPARISON_FILE = "comparison.parquet"
RUN_FILE = "run.json"


def _write_parquet(df: pd.DataFrame, path: Path, metadata: dict[str, Any]) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"tlsmc"] = json.dumps(metadata, default=str).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


@dataclass
class Results:
    """Everything a run produced.

    Attributes
    ----------
    observables : tidy DataFrame, one row per (observable, T_K, t_s, ...) point, SI units
    comparison : DataFrame of MC vs exact quadrature vs closed form, or None
    metadata : scenario (as plain data), version, seed entropy, n_tls, n_chunks,
        wall_time_s per stage, provenance
    """

    observables: pd.DataFrame
    comparison: pd.DataFrame | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dataframe(self) -> pd.DataFrame:
        """The tidy observables table (a copy)."""
        return self.observables.copy()

    def write(self, out_dir: str | Path) -> Path:
        """Write the three files into ``out_dir`` atomically.

        Everything is written into a temporary directory beside ``out_dir`` and
        moved into place only when complete (``run.json`` last), so an
        interrupted run leaves no partial files.
        """
        out = Path(out_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            _write_parquet(self.observables, tmp / OBSERVABLES_FILE, self.metadata)
            if self.comparison is not None:
                _write_parquet(self.comparison, tmp / COMPARISON_FILE, self.metadata)
            with open(tmp / RUN_FILE, "w", encoding="utf-8") as fh:
                json.dump(self.metadata, fh, indent=2, default=str)
                fh.write("\n")
            if not out.exists():
                os.replace(tmp, out)
                return out
            if self.comparison is None and (out / COMPARISON_FILE).exists():
                (out / COMPARISON_FILE).unlink()
            for name in (OBSERVABLES_FILE, COMPARISON_FILE, RUN_FILE):
                if (tmp / name).exists():
                    os.replace(tmp / name, out / name)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return out

    @classmethod
    def read(cls, run_dir: str | Path) -> "Results":
        """Read a run directory written by :meth:`write`."""
        run_dir = Path(run_dir)
        obs = pd.read_parquet(run_dir / OBSERVABLES_FILE)
        comp_path = run_dir / COMPARISON_FILE
        comp = pd.read_parquet(comp_path) if comp_path.exists() else None
        with open(run_dir / RUN_FILE, encoding="utf-8") as fh:
            meta = json.load(fh)
        return cls(obs, comp, meta)

    def __repr__(self) -> str:
        meta = self.metadata
        name = meta.get("scenario", {}).get("run", {}).get("name", "?")
        observables = sorted(set(self.observables["observable"])) if "observable" in \
            self.observables else []
        wall = meta.get("wall_time_s", {}).get("total")
        seeds = meta.get("seed_entropies") or [meta.get("seed_entropy")]
        return (f"Results({name!r}, n_tls={meta.get('n_tls')}, seed_entropy="
                f"{', '.join(str(s) for s in seeds)}, observables=[{', '.join(observables)}], "
                f"{len(self.observables)} rows, comparison={'yes' if self.comparison is not None else 'no'}"
                + (f", wall={wall:.1f} s)" if isinstance(wall, (int, float)) else ")"))

    def merge(self, other: "Results") -> "Results":
        """Combine two runs of the same scenario made with different seeds.

        Values are N-weighted means, v = (N1 v1 + N2 v2)/(N1 + N2), with standard errors
        sqrt(N1² e1² + N2² e2²)/(N1 + N2) (independent samples); both seeds are kept in the
        metadata (``seed_entropies``) and ``n_tls`` is the sum.  The comparison's ``mc``,
        ``mc_stderr`` and ``z`` are recomputed from the merged values.  Ratios of sums
        (``Gamma``, apparent heat capacities) are averaged the same way, which is exact only
        to first order in their relative errors.

        Raises ValueError when the runs are of different scenarios (named), share a seed, or
        do not have the same points.
        """
        from .results_merge import merge_results
        return merge_results(self, other)
