"""Issue 11: SIGINT and SIGTERM in every phase of ``tlsmc run``.

Each interruption prints one line (``tlsmc: interrupted; nothing was written``), exits
130 (SIGINT) or 143 (SIGTERM), writes nothing, leaves no ``.tlsmc-tmp-*`` directory and
leaves an earlier run replaced with --overwrite intact.  The run phase uses a real
subprocess; the loading, comparison, writing and swap phases send a real signal to this
process from inside a patched function (their timing cannot be hit from outside).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import tlsmc
import tlsmc.results as results_mod
from tlsmc.cli import main

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = "tlsmc: interrupted; nothing was written"


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def _signal_self(signum: int) -> None:
    os.kill(os.getpid(), signum)
    time.sleep(5)        # the handler raises here at the latest


@pytest.fixture
def earlier_run(tmp_path, base_table, write_toml):
    """tmp_path/work/run: a finished run (seed 7) that --overwrite would replace."""
    work = tmp_path / "work"
    work.mkdir()
    assert main(["run", str(write_toml(base_table, "earlier.toml")), "--out",
                 str(work / "run"), "--quiet"]) == 0
    return work / "run", {p: p.read_bytes() for p in (work / "run").iterdir()}


def _assert_intact(earlier):
    out, files = earlier
    assert {p: p.read_bytes() for p in out.iterdir()} == files
    assert _tree(out.parent) == sorted(["run", *(f"run/{p.name}" for p in files)])


# ----------------------------------------------------------------------------- during the run

def _start(scen: Path, out: Path, *extra: str) -> tuple[subprocess.Popen, list[bytes]]:
    proc = subprocess.Popen([sys.executable, "-m", "tlsmc.cli", "run", str(scen), "--out", str(out),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err: list[bytes] = []

    def pump():
        while chunk := proc.stderr.read1(4096):
            err.append(chunk)
    threading.Thread(target=pump, daemon=True).start()
    return proc, err


@pytest.mark.parametrize("signum, code, overwrite", [(signal.SIGINT, 130, False),
                                                     (signal.SIGTERM, 143, False),
                                                     (signal.SIGTERM, 143, True)])
def test_signal_during_the_run(signum, code, overwrite, base_table, write_toml, earlier_run):
    base_table["run"]["n_tls"] = 64 * 65536           # many chunks: the run is still going
    scen = write_toml(base_table, "big.toml")
    out, _ = earlier_run
    if not overwrite:
        out = out.parent / "fresh"
    proc, err = _start(scen, out, *(["--overwrite"] if overwrite else []))
    deadline = time.monotonic() + 120
    while b"chunk" not in b"".join(err):              # tqdm's bar: the chunk loop has begun
        assert proc.poll() is None and time.monotonic() < deadline, b"".join(err)
        time.sleep(0.05)
    proc.send_signal(signum)
    assert proc.wait(timeout=120) == code
    time.sleep(0.2)
    text = b"".join(err).decode()
    assert "Traceback" not in text
    assert text.strip().splitlines()[-1].split("\r")[-1].strip() == MESSAGE
    assert proc.stdout.read() == b""
    _assert_intact(earlier_run)                       # and no "fresh", no .tlsmc-tmp-*


# ----------------------------------------------------------------------------- other phases

@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_while_loading_the_scenario(signum, code, base_table, write_toml, earlier_run,
                                           monkeypatch, capsys):
    real = tlsmc.load_scenario
    monkeypatch.setattr(tlsmc, "load_scenario", lambda p: (_signal_self(signum), real(p))[1])
    out, _ = earlier_run
    assert main(["run", str(write_toml(base_table)), "--out", str(out), "--overwrite",
                 "--quiet"]) == code
    assert capsys.readouterr().err.strip() == MESSAGE
    _assert_intact(earlier_run)


def test_sigterm_during_the_analytic_comparison(base_table, write_toml, earlier_run, monkeypatch,
                                                capsys):
    import tlsmc.comparison
    base_table["comparison"]["analytic"] = True
    monkeypatch.setattr(tlsmc.comparison, "comparison_table",
                        lambda *a: _signal_self(signal.SIGTERM))
    out, _ = earlier_run
    assert main(["run", str(write_toml(base_table)), "--out", str(out), "--overwrite",
                 "--quiet"]) == 143
    assert capsys.readouterr().err.strip() == MESSAGE
    _assert_intact(earlier_run)


@pytest.mark.parametrize("signum, code, overwrite", [(signal.SIGINT, 130, False),
                                                     (signal.SIGTERM, 143, True)])
def test_signal_while_writing(signum, code, overwrite, base_table, write_toml, earlier_run,
                              monkeypatch, capsys):
    base_table["comparison"]["analytic"] = True
    real = results_mod._write_parquet
    calls = []

    def write_then_signal(df, path, meta):
        calls.append(path.name)
        real(df, path, meta)
        assert path.parent.name.startswith(".tlsmc-tmp-")   # written into the staging dir
        if len(calls) == 2:
            _signal_self(signum)

    monkeypatch.setattr(results_mod, "_write_parquet", write_then_signal)
    out, _ = earlier_run
    if not overwrite:
        out = out.parent / "new" / "parents" / "run"
    argv = ["run", str(write_toml(base_table)), "--out", str(out), "--quiet"]
    assert main(argv + (["--overwrite"] if overwrite else [])) == code
    assert calls == ["observables.parquet", "comparison.parquet"]
    assert capsys.readouterr().err.strip() == MESSAGE
    _assert_intact(earlier_run)                       # no "new/parents" made either


def test_sigterm_during_the_swap_completes_it(base_table, write_toml, earlier_run, monkeypatch,
                                              capsys):
    real = os.replace
    calls = []

    def replace_with_signal(src, dst):
        calls.append(Path(dst).name)
        if len(calls) == 1:
            _signal_self(signal.SIGTERM)              # held until the swap is complete
        real(src, dst)

    monkeypatch.setattr(results_mod.os, "replace", replace_with_signal)
    base_table["run"]["seed"] = 99
    out, files = earlier_run
    assert main(["run", str(write_toml(base_table)), "--out", str(out), "--overwrite",
                 "--quiet"]) == 143
    monkeypatch.undo()
    assert len(calls) == 2
    assert capsys.readouterr().err.strip() == f"tlsmc: interrupted; the results were written to {out}"
    assert sorted(p.name for p in out.parent.iterdir()) == ["run"]
    assert '"seed": 99' in (out / "run.json").read_text()
