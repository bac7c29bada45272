"""Scenarios: TOML files loaded into frozen, validated dataclasses.

Layout of a scenario file::

    [run]            name, n_tls, seed (absent or "random": fresh entropy), chunk_size, executor
    [material]       preset = "...", and any field override (tlsmc.materials.Material)
    [population]     model = "tunneling", and that model's fields; [population.J0]
    [[rates]]        kind = "one_phonon" (one table per channel; channels add)
    [[measurement]]  kind = "heat_capacity" | "heat_release" | "temperature_history"
    [comparison]     analytic = true

Every error is a :class:`tlsmc.config.ConfigError` with a one-line message that
names the dotted field and the allowed range.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import (DERIVED_KEY, ConfigError, from_table, param, registry_name, require,
                     to_table)
from .materials import Material, load_material, material_to_table
from .measurements import MEASUREMENTS
from .population import POPULATION_MODELS
from .rates import RATE_CHANNELS
from .seeding import SEED_BLOCK

__all__ = ["Scenario", "RunSection", "ComparisonSection", "load_scenario", "parse_scenario",
           "validate_scenario"]


@dataclass(frozen=True, slots=True)
class RunSection:
    """Run size and reproducibility."""

    name: str = param(doc="scenario name (used in outputs): 1 to 200 characters, one line")
    n_tls: int = param(1_000_000, gt=1, le=10**11, doc="number of sampled TLSs (2 to 1e11)")
    seed: int | None = param(None, ge=0, le=2**128 - 1,
                             doc="root seed of the SeedSequence, 0 to 2^128 - 1; None (absent or "
                                 "\"random\" in the file): fresh OS entropy, recorded in run.json")
    chunk_size: int = param(4 * SEED_BLOCK, gt=0, le=1024 * SEED_BLOCK,
                            doc="TLSs per chunk (memory bound): a multiple of the seed block "
                                "65536, at most 1024 blocks (2^26 TLSs, ~10 GB of work arrays)")
    executor: str | None = param(None, choices=("serial", "processes", "dask"),
                                 doc="where chunks run (tlsmc.executors; default serial, or "
                                     "dask when DASK_SCHEDULER_ADDRESS is set)")

    def validate(self, prefix: str) -> None:
        require(0 < len(self.name) <= 200 and "\n" not in self.name and "\r" not in self.name,
                f"{prefix}.name must be 1 to 200 characters on one line (got {self.name!r:.60})")
        require(self.chunk_size % SEED_BLOCK == 0,
                f"{prefix}.chunk_size must be a positive multiple of {SEED_BLOCK} "
                f"(got {self.chunk_size})")


@dataclass(frozen=True, slots=True)
class ComparisonSection:
    """Analytic comparison (quadrature of the same model and closed forms)."""

    analytic: bool = param(True)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole scenario; see the module docstring for the file layout."""

    run: RunSection = param()
    material: Material = param(loader=load_material)
    population: object = param(registry=POPULATION_MODELS, registry_key="model")
    rates: tuple[object, ...] = param(registry=RATE_CHANNELS, registry_key="kind")
    measurement: tuple[object, ...] = param(registry=MEASUREMENTS, registry_key="kind")
    comparison: ComparisonSection = param(ComparisonSection())

    def to_table(self) -> dict[str, Any]:
        """The parsed scenario as plain data (for run.json and Parquet metadata)."""
        table = to_table(self)
        table["material"] = material_to_table(self.material)
        return table

    def with_run(self, **changes) -> "Scenario":
        """A copy with some [run] fields replaced (command-line overrides), re-validated."""
        run = {**to_table(self.run), **changes}
        table = self.to_table()
        table["run"] = run
        return parse_scenario(table)


def parse_scenario(table: dict[str, Any]) -> Scenario:
    """Validate a scenario given as plain data (``run.seed = "random"`` means no seed).

    Besides the field checks of :func:`tlsmc.config.from_table`: each rate channel lists
    the population models it works with (class attribute ``populations``), a channel
    appears once, and every part's ``check_material`` finds the material fields it needs.
    """
    run = table.get("run")
    if isinstance(run, dict) and isinstance(run.get("seed"), str):
        require(run["seed"] == "random", f"scenario.run.seed must be an integer >= 0 or "
                f"\"random\" (got {run['seed']!r})")
        table = {**table, "run": {k: v for k, v in run.items() if k != "seed"}}
    table, recorded = _split_derived(table, "scenario")
    scenario = from_table(Scenario, table, "scenario")
    resolve = getattr(scenario.population, "resolve_terms", None)   # terms that need the material
    if resolve is not None:
        resolve(scenario.material, "scenario.population")
    _check_derived(scenario, recorded)
    model = registry_name(POPULATION_MODELS, scenario.population)
    seen: dict[str, int] = {}
    for i, channel in enumerate(scenario.rates):
        kind = registry_name(RATE_CHANNELS, channel)
        require(kind not in seen, f"scenario.rates[{i}].kind lists channel {kind!r} twice "
                                  f"(also scenario.rates[{seen.get(kind)}])")
        seen[kind] = i
        allowed = getattr(type(channel), "populations", None)
        require(allowed is None or model in allowed,
                f"scenario.rates[{i}].kind = {kind!r} needs scenario.population.model = "
                f"{' or '.join(repr(a) for a in allowed or ())} (got {model!r})")
    for part in (scenario.population, *scenario.rates):
        check = getattr(part, "check_material", None)   # parts that need material fields
        if check is not None:
            check(scenario.material)
    if scenario.comparison.analytic:                    # the quadrature of the same model
        check = getattr(scenario.population, "check_quadrature", None)
        if check is not None:
            check(scenario.material)
    _check_channel_temperatures(scenario)
    for i, m in enumerate(scenario.measurement):
        check = getattr(m, "check_scenario", None)      # checks that need the whole scenario
        if check is not None:
            check(scenario, f"scenario.measurement[{i}]")
    return scenario


def _split_derived(node: Any, name: str):
    """``node`` without its ``derived`` sub-tables (the raw values that :func:`to_table`
    records next to a quantity given in other terms), and {dotted name: sub-table}."""
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == DERIVED_KEY and isinstance(value, dict):
                found[f"{name}.{key}"] = value
                continue
            out[key], sub = _split_derived(value, f"{name}.{key}")
            found.update(sub)
        return out, found
    if isinstance(node, list):
        out_list = []
        for i, value in enumerate(node):
            item, sub = _split_derived(value, f"{name}[{i}]")
            out_list.append(item)
            found.update(sub)
        return out_list, found
    return node, found


def _check_derived(scenario: "Scenario", recorded: dict[str, Any]) -> None:
    """A ``derived`` sub-table read back (run.json) must equal what the given terms give."""
    if not recorded:
        return
    _, now = _split_derived(scenario.to_table(), "scenario")
    for name, values in recorded.items():
        require(name in now, f"{name} is written by tlsmc next to a quantity given in other "
                             f"terms; there is none here (remove it)")
        for key, value in values.items():
            require(key in now[name] and now[name][key] == value,
                    f"{name}.{key} = {value!r} does not match the value derived from the given "
                    f"terms ({now[name].get(key)!r}; remove the derived table or fix it)")


def _temperatures(node: Any, name: str):
    """(dotted name, value) of every temperature (keys T*_K, temperatures_K, K-valued protocol
    values) in a measurement table; a finite step T -> T(1 + step_fraction) counts too."""
    if isinstance(node, dict):
        step = float(node.get("step_fraction", 0.0) or 0.0)
        for key, value in node.items():
            is_T = key.startswith("T") and key.endswith("_K") or key == "temperatures_K"
            if is_T:
                for j, v in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(v, (int, float)):
                        yield (f"{name}.{key}" + (f"[{j}]" if isinstance(value, list) else ""),
                               v * (1.0 + step))
            elif key == "protocol" and isinstance(value, dict):
                for k in ("initial", "final", "peak", "base", "value", "values"):
                    vals = value.get(k)
                    for j, v in enumerate(vals if isinstance(vals, list) else [vals]):
                        if isinstance(v, (int, float)):
                            yield f"{name}.protocol.{k}", v


def _check_channel_temperatures(scenario: Scenario) -> None:
    """Measurement temperatures must lie below a channel's ``T_max_K`` (tabulated channels)."""
    for k, channel in enumerate(scenario.rates):
        T_max = getattr(type(channel), "T_max_K", None)
        if T_max is None:
            continue
        for i, m in enumerate(scenario.measurement):
            for name, T in _temperatures(to_table(m), f"scenario.measurement[{i}]"):
                require(T <= T_max, f"{name} must be <= {T_max:g} K with rate channel "
                                    f"{registry_name(RATE_CHANNELS, channel)!r} (scenario.rates"
                                    f"[{k}], tabulated up to {T_max:g} K; got {T:g} K incl. the step)")


def validate_scenario(scenario: Any) -> Scenario:
    """Check a scenario built or changed in code exactly like one loaded from TOML.

    The scenario goes through :meth:`Scenario.to_table` and :func:`parse_scenario`, so
    every field check, range and cross-field rule applies (``dataclasses.replace``,
    :func:`tlsmc.materials.with_fields` and NumPy scalars included).

    Parameters
    ----------
    scenario : Scenario or dict
        a scenario, or its plain-data table

    Returns
    -------
    Scenario
        the scenario rebuilt from its table: equal to the input for a scenario loaded
        from TOML; NumPy scalars become Python numbers, and material fields changed in
        code are recorded in ``material.sources`` as scenario overrides.

    Raises
    ------
    ConfigError
        one line naming the first bad dotted field (``scenario.…``) and its allowed range.
    """
    if isinstance(scenario, dict):
        return parse_scenario(scenario)
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"scenario must be a tlsmc.Scenario, its table or a TOML path "
                          f"(got {type(scenario).__name__})")
    if not isinstance(scenario.material, Material):
        raise ConfigError(f"scenario.material must be a tlsmc.materials.Material "
                          f"(got {type(scenario.material).__name__})")
    return parse_scenario(scenario.to_table())


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Raises
    ------
    ConfigError
        unreadable file, TOML syntax error, or any invalid field (one-line message).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"scenario file {str(path)!r} cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"scenario file {str(path)!r} is not UTF-8 text") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"scenario file {str(path)!r} is not valid TOML ({exc})") from None
    return parse_scenario(table)
