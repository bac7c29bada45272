"""Parameter sweeps: ``tlsmc sweep SCENARIO --set PATH=V1,V2 ... --out DIR [--resume]``.

The Cartesian product of the ``--set`` values, one run per point: ``DIR/point-000/`` ... (the
usual observables.parquet, run.json [, comparison.parquet]) and one tidy ``DIR/sweep.parquet``
(the observables of every point, with a ``point`` column and one column per swept path).
``DIR/sweep.json`` records the plan, so ``--resume`` completes an interrupted sweep with the
same points.  Every point is validated before anything runs: a bad path or value is a
:class:`~tlsmc.config.ConfigError` naming it (exit 2).
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import os
import signal
import sys
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from .config import ConfigError
from .results import OBSERVABLES_FILE, RUN_FILE, Interrupted
from .scenario import Scenario, load_scenario, parse_scenario

__all__ = ["parse_set", "sweep_scenarios", "run_sweep", "add_sweep_parser", "PLAN_FILE",
           "SWEEP_FILE"]

PLAN_FILE = "sweep.json"
SWEEP_FILE = "sweep.parquet"


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets and quotes (``[0.1,0.3]`` stays one value)."""
    out, depth, quote, cur = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    out.append(cur)
    return [v.strip() for v in out]


def _value(text: str, option: str) -> Any:
    if not text:
        raise ConfigError(f"{option}: empty value")
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text   # a bare word: a string (e.g. a model or preset name)


def parse_set(option: str) -> tuple[str, list]:
    """``"population.J0.J_max=40,50"`` -> ``("population.J0.J_max", [40, 50])`` (TOML values;
    bare words are strings; list indices as path parts, e.g. ``measurement.0.step_fraction``)."""
    path, sep, values = option.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ConfigError(f"--set {option!r} must be PATH=VALUE[,VALUE...]")
    return path, [_value(v, f"--set {path}") for v in _split_top(values)]


def _assign(table: dict, scenario: Scenario, path: str, value: Any) -> None:
    """Set ``path`` in the scenario ``table``; the path must name a field of ``scenario``
    (dataclass fields, list indices, or a registry key such as ``population.model``)."""
    obj: Any = scenario
    node: Any = table
    parts = path.split(".")
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "scenario"
        if isinstance(obj, tuple):
            if not (part.isdigit() and int(part) < len(obj)):
                raise ConfigError(f"--set {path}: {here} has {len(obj)} entries (got {part!r})")
            key: Any = int(part)
            obj = obj[key]
        elif dataclasses.is_dataclass(obj) and part in {f.name for f in dataclasses.fields(obj)}:
            key = part
            obj = getattr(obj, part)
        elif isinstance(node, dict) and part in node and depth == len(parts) - 1:
            key = part   # a registry key (population.model, rates.0.kind, ...)
        else:
            raise ConfigError(f"--set {path}: {here} has no field {part!r}")
        if depth == len(parts) - 1:
            node[key] = value
        elif isinstance(node, list):
            node = node[key]
        else:
            node = node.setdefault(key, {})


def sweep_scenarios(base: Scenario, sets: list[tuple[str, list]]
                    ) -> list[tuple[dict[str, Any], Scenario]]:
    """Every point of the Cartesian product of ``sets``, validated: ``(values, scenario)``.

    Raises
    ------
    ConfigError : a path that is not a scenario field, or a value its field rejects
    """
    paths = [p for p, _ in sets]
    if len(set(paths)) != len(paths):
        raise ConfigError("--set names a path twice")
    points = []
    for combo in itertools.product(*(values for _, values in sets)):
        table = base.to_table()
        for path, value in zip(paths, combo):
            _assign(table, base, path, value)
        try:
            scenario = parse_scenario(table)
        except ConfigError as exc:
            shown = ", ".join(f"{p}={v!r}" for p, v in zip(paths, combo))
            raise ConfigError(f"--set {shown}: {exc}") from None
        points.append((dict(zip(paths, combo)), scenario))
    return points


def _point_dir(out: Path, i: int) -> Path:
    return out / f"point-{i:03d}"


def _write_plan(out: Path, plan: dict, resume: bool) -> None:
    path = out / PLAN_FILE
    if path.exists():
        old = json.loads(path.read_text())
        if not resume:
            raise ConfigError(f"{out} already holds a sweep; pass --resume to complete it "
                              f"or choose another --out")
        if old != plan:
            raise ConfigError(f"--resume: {path} was written for another sweep "
                              f"(scenario or --set values differ)")
        return
    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(plan, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def run_sweep(scenario: Scenario | str | Path, sets: list[tuple[str, list]], out: str | Path,
              *, executor=None, resume: bool = False, progress: bool = False) -> pd.DataFrame:
    """Run every point of a sweep into ``out/point-NNN/`` and write ``out/sweep.parquet``.

    Parameters
    ----------
    scenario : the base scenario (or its TOML path)
    sets : ``[(dotted path, [values...]), ...]`` (:func:`parse_set`)
    out : sweep directory
    executor : one executor for every point (default: each point's ``[run] executor``)
    resume : complete a sweep of the same plan, skipping finished points

    Returns
    -------
    The tidy sweep table (also written to ``out/sweep.parquet``).
    """
    from .runner import check_executor, run

    base = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    points = sweep_scenarios(base, sets)
    if executor is not None:
        for _, sc in points:
            check_executor(sc, executor)
    out = Path(out)
    plan = {"scenario": base.to_table(), "sets": [[p, v] for p, v in sets],
            "points": [values for values, _ in points]}
    _write_plan(out, plan, resume)
    done = [(_point_dir(out, i) / RUN_FILE).is_file() for i in range(len(points))]
    try:
        for i, (values, sc) in enumerate(points):
            if done[i]:
                continue
            if progress:
                print(f"tlsmc sweep: point {i + 1}/{len(points)}: "
                      + ", ".join(f"{p}={v!r}" for p, v in values.items()), file=sys.stderr)
            run(sc, progress=progress, executor=executor).write(_point_dir(out, i))
            done[i] = True
    except BaseException as exc:
        missing = [_point_dir(out, i).name for i, ok in enumerate(done) if not ok]
        print(f"tlsmc sweep: stopped with {len(points) - len(missing)} of {len(points)} points "
              f"finished; missing {', '.join(missing)} (rerun with --resume)", file=sys.stderr)
        if isinstance(exc, KeyboardInterrupt) and len(missing) < len(points):
            raise Interrupted(getattr(exc, "signum", signal.SIGINT),
                              written=f"{out} (finished points only)") from None
        raise
    frames = []
    for i, (values, _) in enumerate(points):
        df = pd.read_parquet(_point_dir(out, i) / OBSERVABLES_FILE)
        for j, (path, value) in enumerate(values.items()):
            df.insert(j, path, [value] * len(df))
        df.insert(0, "point", i)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True)
    tmp = out / f".{SWEEP_FILE}.tmp"
    table.to_parquet(tmp, index=False)
    os.replace(tmp, out / SWEEP_FILE)
    return table


def _cmd_sweep(args) -> int:
    from .executors import executor_from_args

    base = load_scenario(args.scenario)
    overrides = {k: v for k, v in (("n_tls", args.n_tls), ("seed", args.seed)) if v is not None}
    if overrides:
        base = base.with_run(**overrides)
    sets = [parse_set(s) for s in args.set]
    executor = executor_from_args(args, base)
    try:
        table = run_sweep(base, sets, args.out, executor=executor, resume=args.resume,
                          progress=not args.quiet)
    finally:
        executor.close()
    print(f"tlsmc: sweep of {table['point'].nunique()} points -> {Path(args.out) / SWEEP_FILE}")
    return 0


def add_sweep_parser(subparsers) -> None:
    """The ``tlsmc sweep`` subcommand (its options and executor options)."""
    from .executors import add_executor_options

    p = subparsers.add_parser("sweep", help="run a scenario over a Cartesian product of "
                                            "--set values; DIR/point-NNN/ and DIR/sweep.parquet")
    p.add_argument("scenario", help="base scenario TOML file")
    p.add_argument("--set", action="append", required=True, metavar="PATH=V1,V2",
                   help="dotted scenario path and its values (repeat for more axes)")
    p.add_argument("--out", required=True, help="sweep directory")
    p.add_argument("--resume", action="store_true", help="complete an interrupted sweep")
    p.add_argument("--n-tls", type=int, help="override run.n_tls")
    p.add_argument("--seed", type=int, help="override run.seed")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add_executor_options(p)
    p.set_defaults(func=_cmd_sweep)
