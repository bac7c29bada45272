"""Issue 11 ("Nothing gets through"): --out checks, whole-directory overwrite, compare errors,
closed pipes, --version, the catch-all and unseeded runs.

Every bad input: exit 2, one stderr line ``tlsmc: error: ...`` naming the option, field or
file, no traceback, nothing written.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tlsmc
from tlsmc.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _tree(path: Path) -> list[str]:
    """Every file and directory under ``path`` (hidden ones included), relative and sorted."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def _one_error_line(err: str, *words: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tlsmc: error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, err)
    return lines[0]


@pytest.fixture
def no_compute(monkeypatch):
    """Fail the test if the scenario runs at all (checks must come before any computation)."""
    def boom(*_a, **_k):
        raise AssertionError("the scenario ran")
    monkeypatch.setattr(tlsmc, "run", boom)


@pytest.fixture
def scen(base_table, write_toml):
    return write_toml(base_table)


def _run_cli(*argv: str) -> int:
    return main(["run", *map(str, argv), "--quiet"])


# ----------------------------------------------------------------------------- --out

@pytest.mark.parametrize("case", ["file", "under_file", "empty", "proc", "cwd", "parent_of_cwd",
                                  "symlink"])
def test_bad_out_exit_2_before_the_run(case, tmp_path, scen, capsys, no_compute, monkeypatch):
    (tmp_path / "f.txt").write_text("keep")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    out = {"symlink": tmp_path / "link","file": tmp_path / "f.txt", "under_file": tmp_path / "f.txt" / "run",
           "empty": "", "proc": "/proc/tlsmc-test/run", "cwd": ".", "parent_of_cwd": ".."}[case]
    if case == "parent_of_cwd":
        monkeypatch.chdir(tmp_path / "sub")
    before = _tree(tmp_path)
    assert _run_cli(scen, "--out", out, "--overwrite") == 2
    _one_error_line(capsys.readouterr().err, "--out")
    assert _tree(tmp_path) == before
    assert (tmp_path / "f.txt").read_text() == "keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits (the /proc case "
                    "covers an unwritable place as root)")
def test_out_in_read_only_directory(tmp_path, scen, capsys, no_compute):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert _run_cli(scen, "--out", ro / "run") == 2
        _one_error_line(capsys.readouterr().err, "--out", "cannot be written")
    finally:
        ro.chmod(0o700)


def test_existing_run_dir_needs_overwrite(tmp_path, base_table, write_toml, capsys, no_compute):
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text("{}")
    assert _run_cli(write_toml(base_table), "--out", out) == 2
    _one_error_line(capsys.readouterr().err, "--out", "--overwrite")
    assert _tree(out) == ["run.json"]


def test_overwrite_refuses_a_directory_that_is_not_a_run(tmp_path, scen, capsys, no_compute):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    assert _run_cli(scen, "--out", out, "--overwrite") == 2
    _one_error_line(capsys.readouterr().err, "--out", "run.json")
    assert (out / "thesis.tex").read_text() == "precious"


def test_overwrite_replaces_the_directory_as_a_whole(tmp_path, base_table, write_toml, capsys):
    out = tmp_path / "run"
    base_table["comparison"]["analytic"] = True
    assert _run_cli(write_toml(base_table, "a.toml"), "--out", out) == 0
    assert (out / "comparison.parquet").is_file()
    (out / "figures").mkdir()                       # e.g. plot_run.py output of the old run
    (out / "figures" / "old.png").write_bytes(b"x")
    base_table["comparison"]["analytic"] = False
    base_table["run"]["seed"] = 8
    old_umask = os.umask(0o027)
    try:
        assert _run_cli(write_toml(base_table, "b.toml"), "--out", out, "--overwrite") == 0
    finally:
        os.umask(old_umask)
    assert _tree(out) == ["observables.parquet", "run.json"]    # nothing of the old run
    assert json.loads((out / "run.json").read_text())["scenario"]["run"]["seed"] == 8
    assert (out.stat().st_mode & 0o777) == 0o750                # umask honoured, not 0700
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_empty_directory_and_missing_parents_are_fine(tmp_path, scen, capsys):
    (tmp_path / "empty").mkdir()
    assert _run_cli(scen, "--out", tmp_path / "empty") == 0
    assert _run_cli(scen, "--out", tmp_path / "a" / "b" / "run") == 0
    assert (tmp_path / "empty" / "run.json").is_file()
    assert (tmp_path / "a" / "b" / "run" / "run.json").is_file()


def test_python_write_replaces_whole_directory(base_table, tmp_path):
    base_table["comparison"]["analytic"] = True
    res = tlsmc.run(tlsmc.parse_scenario(base_table))
    out = res.write(tmp_path / "run")
    res.comparison = None
    res.write(out)                                   # the API's default is overwrite=True
    assert _tree(out) == ["observables.parquet", "run.json"]
    with pytest.raises(tlsmc.ConfigError, match="non-empty"):
        res.write(out, overwrite=False)


def test_stale_staging_directories_are_removed(tmp_path, scen, capsys):
    stale = tmp_path / ".tlsmc-tmp-run.ab12cd_3"
    stale.mkdir()
    (stale / "observables.parquet").write_bytes(b"half")
    other = tmp_path / ".tlsmc-tmp-run2.ab12cd_3"   # another --out's: not ours to remove
    other.mkdir()
    assert _run_cli(scen, "--out", tmp_path / "run") == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["tlsmc: removed 1 temporary directory left by an interrupted run: "
                   ".tlsmc-tmp-run.ab12cd_3"]
    assert not stale.exists() and other.exists()


# ----------------------------------------------------------------------------- compare

@pytest.fixture(scope="module")
def run_dirs(tmp_path_factory):
    """One run with and one without the analytic comparison."""
    from conftest import BASE
    import copy
    root = tmp_path_factory.mktemp("runs")
    table = copy.deepcopy(BASE)
    table["comparison"]["analytic"] = True
    res = tlsmc.run(tlsmc.parse_scenario(table))
    res.write(root / "with")
    table["comparison"]["analytic"] = False
    tlsmc.run(tlsmc.parse_scenario(table)).write(root / "without")
    return root


def _broken_copy(run_dirs, tmp_path, how):
    import shutil
    d = tmp_path / "r"
    shutil.copytree(run_dirs / "with", d)
    if how == "no_run_json":
        (d / "run.json").unlink()
    elif how == "bad_run_json":
        (d / "run.json").write_text("{not json")
    elif how == "run_json_list":
        (d / "run.json").write_text("[1, 2]")
    elif how == "truncated_comparison":
        data = (d / "comparison.parquet").read_bytes()
        (d / "comparison.parquet").write_bytes(data[: len(data) // 2])
    elif how == "garbage_observables":
        (d / "observables.parquet").write_bytes(b"PAR1 not really")
    elif how == "no_comparison_file":
        (d / "comparison.parquet").unlink()
    return d


@pytest.mark.parametrize("how, names", [
    ("no_run_json", "run.json"), ("bad_run_json", "run.json"), ("run_json_list", "run.json"),
    ("truncated_comparison", "comparison.parquet"), ("garbage_observables", "observables.parquet"),
    ("no_comparison_file", "comparison.parquet")])
def test_compare_broken_run_dir(how, names, run_dirs, tmp_path, capsys):
    d = _broken_copy(run_dirs, tmp_path, how)
    assert main(["compare", str(d)]) == 2
    _one_error_line(capsys.readouterr().err, str(d / names))


def test_compare_missing_directory_and_file(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nope")]) == 2
    _one_error_line(capsys.readouterr().err, "nope", "does not exist")
    (tmp_path / "file").write_text("x")
    assert main(["compare", str(tmp_path / "file")]) == 2
    _one_error_line(capsys.readouterr().err, "not a directory")


def test_compare_run_without_comparison(run_dirs, capsys):
    assert main(["compare", str(run_dirs / "without")]) == 2
    _one_error_line(capsys.readouterr().err, "has no comparison", "analytic = false")
    assert main(["compare", str(run_dirs / "with"), "--rows", "3"]) == 0


def _cli(*argv, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "tlsmc.cli", *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, **kw)


def test_compare_closed_pipe_is_silent(run_dirs):
    # stdout closed before tlsmc writes: exit 0, nothing on stderr
    proc = subprocess.Popen([sys.executable, "-m", "tlsmc.cli", "compare", str(run_dirs / "with")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == ""
    shell = subprocess.run(f"'{sys.executable}' -m tlsmc.cli compare '{run_dirs / 'with'}' | head -1",
                           shell=True, cwd=ROOT, capture_output=True, text=True)
    assert shell.returncode == 0 and shell.stderr == ""
    assert len(shell.stdout.splitlines()) == 1


def test_version():
    proc = _cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"tlsmc {tlsmc.__version__}"


# ----------------------------------------------------------------------------- catch-all

def test_unexpected_error_one_line_exit_1(scen, tmp_path, capsys, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("kernel exploded\nsecond line")
    monkeypatch.setattr(tlsmc, "run", boom)
    monkeypatch.delenv("TLSMC_DEBUG", raising=False)
    assert _run_cli(scen, "--out", tmp_path / "o") == 1
    err = capsys.readouterr().err
    line = err.strip()
    assert "\n" not in line and "Traceback" not in err
    assert line.startswith("tlsmc: error: RuntimeError: kernel exploded second line")
    assert "--debug" in line
    assert _run_cli(scen, "--out", tmp_path / "o", "--debug") == 1
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv("TLSMC_DEBUG", "1")
    assert _run_cli(scen, "--out", tmp_path / "o") == 1
    assert "Traceback" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# ----------------------------------------------------------------------------- seeds

def test_unseeded_runs_differ_and_replay_from_recorded_entropy(base_table, write_toml, tmp_path,
                                                               capsys):
    del base_table["run"]["seed"]
    scen = write_toml(base_table)
    assert _run_cli(scen, "--out", tmp_path / "a") == 0
    out = capsys.readouterr().out
    base_table["run"]["seed"] = "random"
    assert _run_cli(write_toml(base_table, "random.toml"), "--out", tmp_path / "b") == 0
    capsys.readouterr()
    ent = [json.loads((tmp_path / d / "run.json").read_text())["seed_entropy"] for d in "ab"]
    assert ent[0] != ent[1] and int(ent[0]) > 2**64          # fresh 128-bit OS entropy
    assert f"--seed {ent[0]}" in out
    obs = {d: pd.read_parquet(tmp_path / d / "observables.parquet") for d in "ab"}
    assert not obs["a"]["value"].equals(obs["b"]["value"])
    assert _run_cli(scen, "--out", tmp_path / "replay", "--seed", ent[0]) == 0
    replay = pd.read_parquet(tmp_path / "replay" / "observables.parquet")
    pd.testing.assert_frame_equal(replay, obs["a"], check_exact=True)
    meta = json.loads((tmp_path / "replay" / "run.json").read_text())
    assert meta["seed_entropy"] == ent[0] and meta["scenario"]["run"]["seed"] == int(ent[0])


@pytest.mark.parametrize("seed, where", [(-1, "scenario.run.seed"), ("lucky", "scenario.run.seed"),
                                         (1.5, "scenario.run.seed")])
def test_bad_seed_in_file(seed, where, base_table, write_toml, tmp_path, capsys, no_compute):
    base_table["run"]["seed"] = seed
    assert _run_cli(write_toml(base_table), "--out", tmp_path / "o") == 2
    _one_error_line(capsys.readouterr().err, where)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("seed", ["-1", "1e3", "lucky"])
def test_bad_seed_option(seed, scen, tmp_path, capsys, no_compute):
    assert _run_cli(scen, "--out", tmp_path / "o", "--seed", seed) == 2
    _one_error_line(capsys.readouterr().err, "--seed")
    assert not (tmp_path / "o").exists()
