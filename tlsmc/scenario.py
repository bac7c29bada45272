"""Scenarios: TOML files loaded into frozen, validated dataclasses.

Layout of a scenario file::

    [run]            name, n_tls, seed, chunk_size, executor
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

from .config import ConfigError, from_table, param, require, to_table
from .materials import Material, load_material, material_to_table
from .measurements import MEASUREMENTS
from .population import POPULATION_MODELS
from .rates import RATE_CHANNELS
from .seeding import SEED_BLOCK

__all__ = ["Scenario", "RunSection", "ComparisonSection", "load_scenario", "parse_scenario"]


@dataclass(frozen=True, slots=True)
class RunSection:
    """Run size and reproducibility."""

    name: str = param(doc="scenario name (used in outputs)")
    n_tls: int = param(1_000_000, gt=1, le=10**11, doc="number of sampled TLSs")
    seed: int = param(0, ge=0, doc="root seed of the SeedSequence")
    chunk_size: int = param(4 * SEED_BLOCK, gt=0, doc="TLSs per chunk (memory bound)")
    executor: str | None = param(None, choices=("serial", "processes", "dask"),
                                 doc="where chunks run (tlsmc.executors; default serial, or "
                                     "dask when DASK_SCHEDULER_ADDRESS is set)")

    def validate(self, prefix: str) -> None:
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
    """Validate a scenario given as plain data."""
    scenario = from_table(Scenario, table, "scenario")
    names = [type(r) for r in scenario.rates]
    require(len(set(names)) == len(names), "scenario.rates lists a channel twice")
    for part in (scenario.population, *scenario.rates):
        check = getattr(part, "check_material", None)   # parts that need material fields
        if check is not None:
            check(scenario.material)
    return scenario


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
