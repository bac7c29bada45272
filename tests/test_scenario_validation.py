"""Bad input: one line naming the field, exit code 2, nothing written (issue item 8)."""
from __future__ import annotations

import math
import subprocess
import sys

from pathlib import Path

import pytest

import tlsmc
from tlsmc.cli import main
from tlsmc.config import ConfigError



def test_shipped_scenarios_load():
    for path in sorted((Path(__file__).parents[1] / "scenarios").glob("*.toml")):
        sc = tlsmc.load_scenario(path)
        assert sc.run.n_tls > 0


def test_round_trip_of_parsed_scenario(base_table):
    sc = tlsmc.parse_scenario(base_table)
    assert tlsmc.parse_scenario(sc.to_table()) == sc


def _edit(table, path, value):
    node = table
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return table


_DELETE = object()

BAD = [
    # (edit path, value, expected field text in the message)
    (("run", "n_tls_typo"), 5, "scenario.run.n_tls_typo is not a known key"),
    (("population", "J0", "J_mn"), 5.0, "scenario.population.J0.J_mn is not a known key"),
    (("population", "delta_max_K"), _DELETE, "scenario.population.delta_max_K is missing"),
    (("run",), _DELETE, "scenario.run is missing"),
    (("population", "delta_max_K"), "20 K", "scenario.population.delta_max_K must be a number"),
    (("run", "n_tls"), 1.5, "scenario.run.n_tls must be an integer"),
    (("measurement", 0, "temperatures_K"), [0.1, -1.0], "scenario.measurement[0].temperatures_K[1] must be > 0 K"),
    (("measurement", 0, "temperatures_K"), [0.0], "scenario.measurement[0].temperatures_K[0] must be > 0 K"),
    (("population", "J0", "J_min"), 60.0, "scenario.population.J0.J_min must be < scenario.population.J0.J_max"),
    (("population", "J0", "J_max"), math.inf, "scenario.population.J0.J_max must be finite"),
    (("population", "delta_max_K"), math.nan, "scenario.population.delta_max_K must be finite"),
    (("measurement", 0, "times", "start_s"), math.nan, "scenario.measurement[0].times.start_s must be finite"),
    (("measurement", 0, "step_fraction"), 0.0, "scenario.measurement[0].step_fraction must be > 0"),
    (("population", "model"), "soft_potentials", "scenario.population.model must be one of"),
    (("rates", 0, "kind"), "two_phonon", "scenario.rates[0].kind must be one of"),
    (("material", "P_bar_per_J_m3"), -1.0, "scenario.material.P_bar_per_J_m3 must be > 0"),
    (("run", "chunk_size"), 1000, "scenario.run.chunk_size must be a positive multiple of 65536"),
]


@pytest.mark.parametrize("path,value,message", BAD, ids=[m.split(" ")[0] + "-" + str(i) for i, (_, _, m) in enumerate(BAD)])
def test_bad_field_is_named(base_table, path, value, message):
    _edit(base_table, path, value)
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(base_table)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_equal_step_temperatures_rejected(base_table):
    base_table["measurement"] = [{"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0, 0.1],
                                  "times": {"start_s": 10.0, "stop_s": 1e5, "num": 5}}]
    with pytest.raises(ConfigError, match=r"measurement\[0\]\.T1_K\[1\] must differ from .*T0_K"):
        tlsmc.parse_scenario(base_table)


def test_structural_J0_requires_J_str_below_J_max(base_table):
    base_table["population"]["J0"] = {"distribution": "structural", "J_str": 30.0, "J_max": 20.0}
    with pytest.raises(ConfigError, match=r"J0\.J_str must be < scenario\.population\.J0\.J_max"):
        tlsmc.parse_scenario(base_table)


@pytest.mark.parametrize("path,value,message", [BAD[0], BAD[2], BAD[4], BAD[6], BAD[8], BAD[9]])
def test_cli_exit_2_one_line_nothing_written(tmp_path, capsys, base_table, write_toml, path, value,
                                             message):
    _edit(base_table, path, value)
    scen = write_toml(base_table, "bad.toml")
    out = tmp_path / "out"
    code = main(["run", str(scen), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [scen]


def test_cli_bad_inputs_outside_the_file(tmp_path, capsys, base_table, write_toml):
    scen = write_toml(base_table, "ok.toml")
    assert main(["run", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    (tmp_path / "broken.toml").write_text("[run\nname=")
    assert main(["run", str(tmp_path / "broken.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "not valid TOML" in capsys.readouterr().err
    assert main(["run", str(scen), "--out", str(tmp_path / "o"), "--n-tls", "0"]) == 2
    assert "--n-tls must be > 1" in capsys.readouterr().err
    assert main(["run", str(scen), "--out", str(tmp_path / "o"), "--seed", "-3"]) == 2
    assert "--seed must be >= 0" in capsys.readouterr().err
    assert main(["compare", str(tmp_path)]) == 2
    assert not (tmp_path / "o").exists()


def test_cli_subprocess_no_traceback(tmp_path, base_table, write_toml):
    base_table["population"]["J0"]["J_min"] = 70.0
    scen = write_toml(base_table, "bad.toml")
    proc = subprocess.run([sys.executable, "-m", "tlsmc.cli", "run", str(scen), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert "scenario.population.J0.J_min must be < scenario.population.J0.J_max (got 70 >= 50)" in proc.stderr


def test_missing_material_field_is_named_at_load(base_table):
    base_table["material"] = {"preset": "tf1982"}
    base_table["rates"] = [{"kind": "one_phonon"}]
    with pytest.raises(ConfigError, match=r"material\.gamma_l_eV is required by rate channel one_phonon"):
        tlsmc.parse_scenario(base_table)
    base_table["material"] = {"preset": "vitreous_silica"}
    base_table["rates"] = [{"kind": "tf_multiphonon"}]
    with pytest.raises(ConfigError, match=r"material\.J1_per_m is required by rate channel tf_multiphonon"):
        tlsmc.parse_scenario(base_table)
