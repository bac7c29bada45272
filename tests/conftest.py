"""Shared fixtures: small scenarios built as plain tables."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

BASE = {
    "run": {"name": "test", "n_tls": 131072, "seed": 7, "chunk_size": 65536},
    "material": {"preset": "vitreous_silica"},
    "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_sampling": "loguniform",
                   "delta_knee_K": 1e-3,
                   "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 50.0}},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [{"kind": "heat_capacity", "temperatures_K": [0.1, 1.0], "step_fraction": 0.01,
                     "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 11}}],
    "comparison": {"analytic": False},
}


@pytest.fixture
def base_table():
    """A deep copy of a small valid scenario table (edit freely)."""
    return copy.deepcopy(BASE)


@pytest.fixture
def write_toml(tmp_path):
    """Write a scenario table as a TOML file in tmp_path; returns its path."""
    def write(table: dict, name: str = "scenario.toml") -> Path:
        path = tmp_path / name
        path.write_text(toml_dump(table))
        return path
    return write


def toml_dump(table: dict) -> str:
    """Minimal TOML writer for the scenario tables used in tests."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace('"', '\\"') + '"'
        if isinstance(v, float):
            return repr(v) if v == v and v not in (float("inf"), float("-inf")) else \
                ("nan" if v != v else ("inf" if v > 0 else "-inf"))
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return str(v)

    lines = []

    def table_lines(name, tab, array=False):
        lines.append(f"[[{name}]]" if array else f"[{name}]")
        subs = []
        for k, v in tab.items():
            if isinstance(v, dict) and not array and name == "population":
                subs.append((k, v))
            else:
                lines.append(f"{k} = {value(v)}")
        for k, v in subs:
            table_lines(f"{name}.{k}", v)

    for key, tab in table.items():
        if isinstance(tab, list):
            for item in tab:
                table_lines(key, item, array=True)
        else:
            table_lines(key, tab)
    return "\n".join(lines) + "\n"
