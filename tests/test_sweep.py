"""``tlsmc sweep``: Cartesian product, one run directory per point, sweep.parquet, --resume."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

import tlsmc
from tlsmc.cli import main
from tlsmc.config import ConfigError
from tlsmc.sweep import parse_set, run_sweep, sweep_scenarios

from conftest import BASE

SMALL = copy.deepcopy(BASE)
SMALL["run"]["n_tls"] = 65536
SMALL["measurement"][0]["times"]["num"] = 3
SETS = ["--set", "material.P_bar_per_J_m3=1e44,4e44", "--set", "population.J0.J_max=40,50"]


def test_parse_set_values():
    assert parse_set("population.J0.J_max=40,50.5") == ("population.J0.J_max", [40, 50.5])
    assert parse_set("measurement.0.temperatures_K=[0.1,0.3],[1.0]") == \
        ("measurement.0.temperatures_K", [[0.1, 0.3], [1.0]])
    assert parse_set("material.preset=vitreous_silica")[1] == ["vitreous_silica"]
    with pytest.raises(ConfigError, match="PATH=VALUE"):
        parse_set("population.J0.J_max")


@pytest.mark.parametrize("option, message", [
    ("population.J0.J_maxx=40", r"--set population.J0.J_maxx: population.J0 has no field 'J_maxx'"),
    ("populations.x=1", r"--set populations.x: scenario has no field 'populations'"),
    ("measurement.3.step_fraction=0.1", r"measurement has 1 entries"),
    ("population.J0.J_max=3", r"--set population.J0.J_max=3: .*population.J0"),
    ("run.n_tls=ten", r"scenario.run.n_tls must be an integer"),
])
def test_bad_set_is_rejected_before_anything_runs(write_toml, tmp_path, capsys, option, message):
    code = main(["sweep", str(write_toml(SMALL)), "--set", option, "--out",
                 str(tmp_path / "sweep"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert pd.Series([err]).str.contains(message).all(), err
    assert not (tmp_path / "sweep").exists()


def test_sweep_writes_points_and_a_tidy_table(write_toml, tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(write_toml(SMALL)), *SETS, "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "point-000", "point-001", "point-002", "point-003", "sweep.json", "sweep.parquet"]
    table = pd.read_parquet(out / "sweep.parquet")
    assert list(table.columns[:3]) == ["point", "material.P_bar_per_J_m3", "population.J0.J_max"]
    points = table.groupby("point")[["material.P_bar_per_J_m3", "population.J0.J_max"]].first()
    assert points.values.tolist() == [[1e44, 40], [1e44, 50], [4e44, 40], [4e44, 50]]
    # each point is the ordinary run of its scenario
    table3 = copy.deepcopy(SMALL)
    sc = sweep_scenarios(tlsmc.parse_scenario(table3),
                         [parse_set("material.P_bar_per_J_m3=4e44"),
                          parse_set("population.J0.J_max=50")])[0][1]
    ref = tlsmc.run(sc).observables
    got = table[table["point"] == 3].drop(columns=["point", "material.P_bar_per_J_m3",
                                                   "population.J0.J_max"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref, check_exact=True)
    c_eq = table[table["observable"] == "C_eq"].groupby("material.P_bar_per_J_m3")["value"].mean()
    assert c_eq[4e44] / c_eq[1e44] == pytest.approx(4.0, rel=1e-12)   # C ∝ P̄


def test_interrupted_sweep_keeps_points_and_resume_completes(write_toml, tmp_path, monkeypatch,
                                                             capsys):
    import tlsmc.runner as runner

    out = tmp_path / "sweep"
    path = str(write_toml(SMALL))
    real = runner.run
    calls = []

    def interrupted(scenario, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(scenario, **kw)

    monkeypatch.setattr(runner, "run", interrupted)
    assert main(["sweep", path, *SETS, "--out", str(out), "--quiet"]) == 130   # SIGINT
    err = capsys.readouterr().err
    assert "interrupted; the results were written to" in err and "finished points only" in err
    assert "2 of 4 points finished; missing point-002, point-003 (rerun with --resume)" in err
    assert (out / "point-001" / "run.json").exists() and not (out / "point-002").exists()
    assert not (out / "sweep.parquet").exists()
    monkeypatch.setattr(runner, "run", real)
    code = main(["sweep", path, *SETS, "--out", str(out), "--quiet"])
    assert code == 2 and "--resume" in capsys.readouterr().err
    mtime = (out / "point-000" / "observables.parquet").stat().st_mtime_ns
    assert main(["sweep", path, *SETS, "--out", str(out), "--quiet", "--resume"]) == 0
    assert (out / "point-000" / "observables.parquet").stat().st_mtime_ns == mtime   # kept
    assert pd.read_parquet(out / "sweep.parquet")["point"].nunique() == 4
    code = main(["sweep", path, "--set", "population.J0.J_max=45", "--out", str(out),
                 "--quiet", "--resume"])
    assert code == 2 and "another sweep" in capsys.readouterr().err


def test_sweep_refuses_heat_pulse_on_processes_before_running(tmp_path):
    from test_executors import PULSE
    from tlsmc.executors import ProcessExecutor

    with pytest.raises(ConfigError, match="heat_pulse"):
        run_sweep(tlsmc.parse_scenario(PULSE), [parse_set("material.P_bar_per_J_m3=1e44")],
                  tmp_path / "s", executor=ProcessExecutor(2))
    assert not (tmp_path / "s").exists()
