"""tlsmc.plotting and ``tlsmc plot``: the standard figure of every measurement kind."""
from __future__ import annotations

import copy
import shutil
import sys

import pytest

pytest.importorskip("matplotlib")

import tlsmc  # noqa: E402
from tlsmc import plotting  # noqa: E402
from tlsmc.cli import main  # noqa: E402

from conftest import BASE  # noqa: E402

KINDS = ["heat_capacity", "heat_release", "temperature_history", "thermal_expansion"]


def _table(measurements, name="plots", n_tls=65536, analytic=True):
    table = copy.deepcopy(BASE)
    table["run"].update(name=name, n_tls=n_tls, seed=11)
    table["measurement"] = measurements
    table["comparison"] = {"analytic": analytic}
    return table


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """One cheap tunneling run with a heat capacity, a heat release, a temperature history and
    a thermal expansion measurement, and its comparison."""
    times = {"start_s": 1e-6, "stop_s": 1e4, "num": 6}
    table = _table([
        {"kind": "heat_capacity", "temperatures_K": [0.1, 1.0], "step_fraction": 0.01,
         "times": times},
        {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0, 4.0],
         "times": {"start_s": 10.0, "stop_s": 1e5, "num": 5}},
        {"kind": "temperature_history",
         "protocol": {"shape": "ramp", "initial": 0.3, "final": 0.1, "duration_s": 1.0},
         "times": {"start_s": 1e-3, "stop_s": 10.0, "num": 5}},
        {"kind": "thermal_expansion", "temperatures_K": [0.1, 1.0], "step_fraction": 0.01,
         "times": times},
    ])
    out = tmp_path_factory.mktemp("runs") / "all"
    tlsmc.run(tlsmc.parse_scenario(table)).write(out)
    return out


@pytest.fixture(scope="module")
def pulse_dir(tmp_path_factory):
    """A small heat-pulse run (65536 TLSs, 12 times, 2 batches: a few seconds)."""
    table = _table([{"kind": "heat_pulse", "T_bath_K": 0.1,
                     "times": {"start_s": 1e-6, "stop_s": 1e2, "num": 12},
                     "thermal": {"phonons": "debye", "G0_W_m3_K": 0.1, "G_exponent": 1.0},
                     "heater": {"shape": "rect_pulse", "peak": 190.0, "start_s": 0.0,
                                "duration_s": 1e-7},
                     "without_tls": True, "batches": 2,
                     "observables": ["T_sample", "U", "C_app", "E_in"]}],
                   name="pulse", analytic=False)
    out = tmp_path_factory.mktemp("runs") / "pulse"
    tlsmc.run(tlsmc.parse_scenario(table)).write(out)
    return out


def _check_files(paths, stems):
    names = sorted(p.name for p in paths)
    assert names == sorted(f"{s}.{ext}" for s in stems for ext in ("png", "pdf"))
    for p in paths:
        head = p.read_bytes()[:8]
        assert p.stat().st_size > 1000
        assert head.startswith(b"\x89PNG" if p.suffix == ".png" else b"%PDF")


def test_plot_run_writes_every_kind(run_dir):
    paths = plotting.plot_run(run_dir)
    assert all(p.parent == run_dir / "figures" for p in paths)
    _check_files(paths, KINDS)


def test_heat_pulse_figure(pulse_dir, tmp_path):
    _check_files(plotting.plot_run(pulse_dir, tmp_path), ["heat_pulse"])


def test_titles_carry_provenance(run_dir):
    figs = plotting.figures(tlsmc.Results.read(run_dir))
    assert sorted(figs) == sorted(KINDS)
    for fig in figs.values():
        titles = " ".join(ax.get_title(loc) for ax in fig.axes for loc in ("center", "left"))
        assert "plots:" in titles and "N = 6.55e+04" in titles and "seed entropy 11" in titles


def test_without_comparison_plots_mc(run_dir, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(run_dir, bare, ignore=shutil.ignore_patterns("figures"))
    (bare / "comparison.parquet").unlink()
    assert tlsmc.Results.read(bare).comparison is None
    _check_files(plotting.plot_run(bare), KINDS)


def test_unknown_kind_skipped_and_registry_extends(run_dir, tmp_path, monkeypatch):
    res = tlsmc.Results.read(run_dir)
    res.metadata["scenario"]["measurement"][3]["kind"] = "acoustic"
    notes = []
    figs = plotting.figures(res, note=notes.append)
    assert "thermal_expansion" not in figs and "acoustic" not in figs and len(figs) == 3
    assert len(notes) == 1 and "'acoustic'" in notes[0] and "\n" not in notes[0]
    monkeypatch.setitem(plotting.PLOTTERS, "acoustic", plotting.thermal_expansion_figure)
    assert "acoustic" in plotting.figures(res, note=notes.append)


def test_several_measurements_of_one_kind(run_dir, tmp_path):
    res = tlsmc.Results.read(run_dir)
    extra = res.observables[res.observables["measurement"] == 0].assign(measurement=4)
    res.observables = __import__("pandas").concat([res.observables, extra], ignore_index=True)
    res.metadata["scenario"]["measurement"].append(res.metadata["scenario"]["measurement"][0])
    paths = plotting.plot_run(res, tmp_path, formats=("png",))
    assert {p.stem for p in paths} >= {"heat_capacity_0", "heat_capacity_4"}


def test_cli_plot(run_dir, tmp_path, capsys):
    assert main(["plot", str(run_dir), "--out", str(tmp_path / "figs")]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 2 * len(KINDS)
    _check_files(list((tmp_path / "figs").iterdir()), KINDS)


def test_cli_plot_bad_run_dir(tmp_path, capsys):
    assert main(["plot", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" in err
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "run.json").write_text("{}")
    assert main(["plot", str(tmp_path / "half")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "observables.parquet" in err


def test_cli_plot_without_matplotlib(run_dir, capsys, monkeypatch):
    for name in [m for m in sys.modules if m == "tlsmc.plotting" or m.startswith("tlsmc.plotting.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["plot", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install "tlsmc[plot]"' in err
