"""Results of a run: tidy tables, provenance, atomic Parquet + JSON I/O.

``observables.parquet`` (one row per point; columns observable, T_K, t_s,
value, stderr, unit, and extra coordinates such as T1_K, step_K, model),
``comparison.parquet`` (observable, T_K, t_s, mc, mc_stderr, exact,
closed_form, z) and ``run.json`` (scenario, version, seed entropy, N, chunks,
wall time per stage, provenance).  The run metadata is also stored in each
Parquet file's Arrow schema under the key ``tlsmc``.

A run directory is written as a whole: every file goes into a staging
directory ``.tlsmc-tmp-<name>.XXXXXXXX`` beside it, which then replaces the
directory by renames (old run renamed away, new one renamed into place, old one
deleted), so the files of two runs never sit side by side and an interruption
leaves either the old directory or the new one, never a mixture.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .config import ConfigError

__all__ = ["Results", "Interrupted", "check_out_dir", "remove_stale_staging", "OBSERVABLES_FILE",
           "COMPARISON_FILE", "RUN_FILE", "STAGING_PREFIX"]

OBSERVABLES_FILE = "observables.parquet"
COMPARISON_FILE = "comparison.parquet"
RUN_FILE = "run.json"
STAGING_PREFIX = ".tlsmc-tmp-"
"""Name prefix of the staging directories written beside a run directory."""

_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")      # tempfile's random name part
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM, handled alike.

    Attributes
    ----------
    signum : the signal number (exit code 128 + signum)
    written : the run directory if the signal arrived while the finished run was
        being moved into place (it was completed first), else None
    """

    def __init__(self, signum: int, written: Path | None = None):
        super().__init__(signum)
        self.signum = signum
        self.written = written


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


def _staging_prefix(path: Path) -> str:
    return f"{STAGING_PREFIX}{path.name}."


def check_out_dir(out: str | Path, *, overwrite: bool = False, option: str = "out_dir") -> Path:
    """Check that a run directory can be written, before any computation; write nothing.

    Allowed: a new directory under a writable directory (missing parents are
    created later), an empty directory, or with ``overwrite`` an earlier run
    directory (one holding ``run.json``), which is then replaced as a whole.

    Parameters
    ----------
    out : the run directory
    overwrite : allow replacing an earlier run directory
    option : how error messages name ``out`` (``--out`` on the command line)

    Returns
    -------
    Path : ``out`` made absolute

    Raises
    ------
    ConfigError
        one line naming ``option``, the path and what is allowed.
    """
    text = str(out)
    allowed = "a new or empty directory, or an earlier run directory with --overwrite"
    if not text.strip():
        raise ConfigError(f"{option} must be a directory path (got {text!r}; allowed: {allowed})")
    path = Path(os.path.abspath(text))
    cwd = Path.cwd()
    if path == cwd or path in cwd.parents:
        raise ConfigError(f"{option} {text!r} is the current directory or one of its parents "
                          f"(allowed: {allowed})")
    if path.is_symlink():
        raise ConfigError(f"{option} {text!r} is a symbolic link; give its target "
                          f"{os.path.realpath(path)!r} instead (allowed: {allowed})")
    if path.exists():
        if not path.is_dir():
            raise ConfigError(f"{option} {text!r} exists and is not a directory (allowed: {allowed})")
        try:
            entries = os.listdir(path)
        except OSError as exc:
            raise ConfigError(f"{option} {text!r} cannot be read ({exc.strerror})") from None
        if entries and not overwrite:
            raise ConfigError(f"{option} {text!r} is a non-empty directory (pass --overwrite to "
                              f"replace it as a whole; allowed: {allowed})")
        if entries and not (path / RUN_FILE).is_file():
            raise ConfigError(f"{option} {text!r} is a non-empty directory without {RUN_FILE}, "
                              f"not a run directory; --overwrite replaces only run directories")
    parent = path.parent
    while not (parent.is_symlink() or parent.exists()):
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"{option} {text!r} is under {str(parent)!r}, which is not a directory "
                          f"(allowed: {allowed})")
    try:   # the only sure test of writability (root ignores permission bits): make and remove
        os.rmdir(tempfile.mkdtemp(prefix=_staging_prefix(path), dir=parent))
    except OSError as exc:
        raise ConfigError(f"{option} {text!r} cannot be written ({str(parent)!r}: "
                          f"{exc.strerror})") from None
    return path


def remove_stale_staging(out: str | Path) -> list[Path]:
    """Delete the staging directories of ``out`` that a killed process left behind.

    Only ``.tlsmc-tmp-<name of out>.XXXXXXXX`` beside ``out`` are touched (so two
    runs must not write the same ``out`` at once).  Returns the removed paths.
    """
    path = Path(os.path.abspath(out))
    prefix = _staging_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        if name.startswith(prefix) and _RANDOM_PART.fullmatch(name[len(prefix):]):
            shutil.rmtree(path.parent / name, ignore_errors=True)
            removed.append(path.parent / name)
    return removed


def _new_dir_beside(path: Path) -> Path:
    """An empty staging directory beside ``path``, with umask permissions (mkdtemp's are 0700)."""
    tmp = Path(tempfile.mkdtemp(prefix=_staging_prefix(path), dir=path.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    return tmp


@contextmanager
def _signals_held():
    """Hold SIGINT/SIGTERM (main thread only) while the block runs; yields the held signals."""
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous = {s: signal.getsignal(s) for s in _SIGNALS}
    for s in _SIGNALS:
        signal.signal(s, lambda signum, _frame: held.append(signum))
    try:
        yield held
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def _swap_into_place(staging: Path, path: Path) -> None:
    """Replace ``path`` (absent, empty or an earlier run) by ``staging``: rename, rename, delete.

    SIGINT/SIGTERM are held during the swap; one that arrived is raised afterwards
    as :class:`Interrupted` with ``written = path``.
    """
    with _signals_held() as held:
        old = None
        if path.is_symlink() or path.exists():
            old = _new_dir_beside(path)
            try:
                os.replace(path, old)      # renames onto the empty placeholder
            except BaseException:
                old.rmdir()
                raise
        try:
            os.replace(staging, path)
        except BaseException:
            if old is not None:
                os.replace(old, path)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    if held:
        raise Interrupted(held[0], written=path)


def _missing_parents(path: Path) -> list[Path]:
    missing = []
    while not (path.is_symlink() or path.exists()):
        missing.append(path)
        path = path.parent
    return missing


def _write_parquet(df: pd.DataFrame, path: Path, metadata: dict[str, Any]) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"tlsmc"] = json.dumps(metadata, default=str).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ConfigError(f"{path} does not exist (a run directory holds {OBSERVABLES_FILE} "
                          f"and {RUN_FILE})")
    try:
        return pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ConfigError(f"{path} is not a readable Parquet file ({_one_line(exc)})") from None


def _read_run_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"{path} does not exist (not a directory written by 'tlsmc run')")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON ({_one_line(exc)})") from None
    if not isinstance(meta, dict):
        raise ConfigError(f"{path} must hold a JSON object (got {type(meta).__name__})")
    return meta


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

    def to_xarray(self):
        """The observables as an :class:`xarray.Dataset` (needs the ``xarray`` extra).

        Per observable a value and a ``<name>_stderr`` variable on the dimensions its rows
        carry (T, t, T1, f, polarization, part, ...), units in each variable's ``attrs``,
        the run metadata in the Dataset's ``attrs``; an observable reported by several
        measurements gives one variable per measurement (``Qdot_m1``, ``Qdot_m2``).  The
        full layout: :mod:`tlsmc.xarray_export`.

        Raises
        ------
        ImportError
            xarray is missing (``pip install "tlsmc[xarray]"``).
        """
        from .xarray_export import to_xarray
        return to_xarray(self)

    def write(self, out_dir: str | Path, *, overwrite: bool = True) -> Path:
        """Write the run directory ``out_dir`` as a whole, atomically.

        Parameters
        ----------
        out_dir : the run directory; missing parents are created
        overwrite : replace an earlier run directory as a whole (the command line
            passes ``--overwrite``, default False there); an empty directory is
            always allowed, a non-run directory never (:func:`check_out_dir`)

        Returns
        -------
        Path : ``out_dir``

        Notes
        -----
        Everything is written into a staging directory beside ``out_dir``, which
        replaces it only when complete; on any error or interruption the staging
        directory and any parents made here are removed, and ``out_dir`` is untouched.
        """
        path = check_out_dir(out_dir, overwrite=overwrite)
        made = _missing_parents(path.parent)
        staging = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = _new_dir_beside(path)
            _write_parquet(self.observables, staging / OBSERVABLES_FILE, self.metadata)
            if self.comparison is not None:
                _write_parquet(self.comparison, staging / COMPARISON_FILE, self.metadata)
            with open(staging / RUN_FILE, "w", encoding="utf-8") as fh:
                json.dump(self.metadata, fh, indent=2, default=str)
                fh.write("\n")
            _swap_into_place(staging, path)
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            for parent in made:       # innermost first; rmdir leaves non-empty ones alone
                try:
                    parent.rmdir()
                except OSError:
                    break
            raise
        return Path(out_dir)

    @classmethod
    def read(cls, run_dir: str | Path) -> "Results":
        """Read a run directory written by :meth:`write`.

        Raises
        ------
        ConfigError
            missing directory, missing or malformed ``run.json``, missing or
            unreadable Parquet file (one line naming the file).
        """
        run_dir = Path(run_dir)
        if not run_dir.is_dir():
            what = "is not a directory" if run_dir.exists() else "does not exist"
            raise ConfigError(f"run directory {str(run_dir)!r} {what}")
        meta = _read_run_json(run_dir / RUN_FILE)
        obs = _read_parquet(run_dir / OBSERVABLES_FILE)
        comp_path = run_dir / COMPARISON_FILE
        comp = _read_parquet(comp_path) if comp_path.exists() else None
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
