"""Command line: ``tlsmc run``, ``tlsmc compare``, ``tlsmc plot`` and ``tlsmc --version``.

``tlsmc run SCENARIO --out DIR [--overwrite] [--n-tls N] [--seed S|random] [--quiet] [--debug]``
``tlsmc compare DIR [--rows N] [--debug]``
``tlsmc plot DIR [--out FIGDIR] [--debug]`` (needs the ``plot`` extra: matplotlib)

Exit codes
----------
0
    success; also when stdout is closed early (``tlsmc compare DIR | head -1``):
    the rest of the output is dropped silently.
1
    unexpected error: one line ``tlsmc: error: ...`` and a hint; the traceback
    only with ``--debug`` or the environment variable ``TLSMC_DEBUG=1``.
2
    bad input (scenario field, option, ``--out``, a run directory's files): one
    line ``tlsmc: error: ...`` naming it and what is allowed, no traceback,
    nothing written.  ``--out`` is checked before any computation.
130, 143
    interrupted by SIGINT / SIGTERM (handled alike) in any phase: one line
    ``tlsmc: interrupted; nothing was written``, no temporary directory left.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path

from . import __version__

__all__ = ["main"]

_HINT = "run again with --debug (or TLSMC_DEBUG=1) for the traceback"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"tlsmc: error: {message}\n")


def _int_arg(name: str, minimum: int | None = None, words: tuple[str, ...] = ()):
    """argparse type: an integer (>= ``minimum`` if given) or one of ``words``."""
    allowed = "an integer" + (f" >= {minimum}" if minimum is not None else "")
    allowed += "".join(f" or {w!r}" for w in words)

    def parse(text: str) -> int | str:
        if text in words:
            return text
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be {allowed} (got {text!r})") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be {allowed} (got {value})")
        return value
    return parse


@contextmanager
def _signals_raise():
    """While active, SIGINT and SIGTERM raise :class:`tlsmc.results.Interrupted` (main thread)."""
    from .results import Interrupted

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise Interrupted(signum)

    sigs = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in sigs}
    for s in sigs:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old if old is not None else signal.SIG_DFL)


def _ignore_signals() -> None:
    """A second Ctrl-C while reporting the first must not print a traceback."""
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)


def _scenario_with_overrides(args):
    from . import load_scenario
    from .config import ConfigError

    scenario = load_scenario(args.scenario)
    overrides = {}
    if args.n_tls is not None:
        overrides["n_tls"] = args.n_tls
    if args.seed is not None:
        overrides["seed"] = None if args.seed == "random" else args.seed
    if not overrides:
        return scenario
    try:
        return scenario.with_run(**overrides)
    except ConfigError as exc:  # name the command-line option, not the TOML field
        msg = str(exc).replace("scenario.run.n_tls", "--n-tls").replace("scenario.run.seed", "--seed")
        raise ConfigError(msg) from None


def _cmd_run(args) -> int:
    from . import run
    from .executors import executor_from_args
    from .results import check_out_dir, remove_stale_staging

    scenario = _scenario_with_overrides(args)
    check_out_dir(args.out, overwrite=args.overwrite, option="--out")
    stale = remove_stale_staging(args.out)
    if stale:
        print(f"tlsmc: removed {len(stale)} temporary director{'y' if len(stale) == 1 else 'ies'} "
              f"left by an interrupted run: {', '.join(p.name for p in stale)}", file=sys.stderr)
    executor = executor_from_args(args, scenario)
    try:
        results = run(scenario, progress=not args.quiet, executor=executor)
    finally:
        executor.close()
    out = results.write(args.out, overwrite=args.overwrite)
    wall = results.metadata["wall_time_s"]["total"]
    print(f"tlsmc: {scenario.run.n_tls} TLSs in {results.metadata['n_chunks']} chunks, "
          f"{wall:.1f} s -> {out}")
    for v in results.metadata.get("rate_validity", ()):
        if v["exceeded"]:
            print(f"tlsmc: warning: rate channel {v['channel']}: ħK/k_BT of a thermal TLS with the "
                  f"largest V (J0 = {v['J0_min']:g}) exceeds 1 above {v['T_golden_rule_K']:.3g} K; "
                  f"points up to {v['T_max_measured_K']:g} K lie outside its golden-rule domain "
                  "(run.json: rate_validity)", file=sys.stderr)
    if scenario.run.seed is None:
        entropy = results.metadata["seed_entropy"]
        print(f"tlsmc: no seed given; drew seed entropy {entropy} (replay: --seed {entropy})")
    if results.comparison is not None and not args.quiet:
        from .report import comparison_text
        print(comparison_text(results.comparison, max_rows=12))
    return 0


def _cmd_compare(args) -> int:
    from .config import ConfigError
    from .report import comparison_text
    from .results import COMPARISON_FILE, Results

    res = Results.read(args.run_dir)
    if res.comparison is None:
        analytic = res.metadata.get("scenario", {}).get("comparison", {}).get("analytic")
        if analytic is False:
            raise ConfigError(f"run directory {args.run_dir!r} has no comparison (it was run "
                              f"with [comparison] analytic = false)")
        raise ConfigError(f"{Path(args.run_dir) / COMPARISON_FILE} does not exist (incomplete run "
                          f"directory)")
    print(comparison_text(res.comparison, max_rows=args.rows))
    return 0


def _cmd_plot(args) -> int:
    from .config import ConfigError

    try:
        from .plotting import plot_run
    except ImportError:
        raise ConfigError('tlsmc plot needs matplotlib: pip install "tlsmc[plot]"') from None
    try:
        paths = plot_run(args.run_dir, args.out)
    except OSError as exc:     # the figure directory (the run directory was read already)
        raise ConfigError(f"cannot write the figures ({exc.strerror}: {exc.filename})") from None
    print("\n".join(str(p) for p in paths))
    return 0


def _build_parser() -> argparse.ArgumentParser:
    from .executors import add_executor_options
    from .sweep import add_sweep_parser

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true",
                        help="print the traceback of an unexpected error (also: TLSMC_DEBUG=1)")
    parser = _Parser(prog="tlsmc", description="Monte Carlo ensembles of two-level systems in glasses")
    parser.add_argument("--version", action="version", version=f"tlsmc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_run = sub.add_parser("run", parents=[common],
                           help="run a scenario and write DIR/{observables,comparison}.parquet, run.json")
    p_run.add_argument("scenario", help="scenario TOML file")
    p_run.add_argument("--out", required=True,
                       help="run directory: new or empty (checked before the run starts)")
    p_run.add_argument("--overwrite", action="store_true",
                       help="replace an earlier run directory as a whole")
    p_run.add_argument("--n-tls", type=_int_arg("--n-tls"), help="override run.n_tls")
    p_run.add_argument("--seed", type=_int_arg("--seed", words=("random",)),
                       help="override run.seed (an integer >= 0, or 'random': fresh entropy)")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    add_executor_options(p_run)
    p_run.set_defaults(func=_cmd_run)
    add_sweep_parser(sub)
    p_cmp = sub.add_parser("compare", parents=[common],
                           help="print a run's MC vs analytic comparison table")
    p_cmp.add_argument("run_dir", help="directory written by 'tlsmc run'")
    p_cmp.add_argument("--rows", type=_int_arg("--rows", minimum=0), default=0,
                       help="at most this many rows (0: all)")
    p_cmp.set_defaults(func=_cmd_compare)
    p_plot = sub.add_parser("plot", parents=[common],
                            help="standard figures (PNG, PDF) of every measurement in a run")
    p_plot.add_argument("run_dir", help="directory written by 'tlsmc run'")
    p_plot.add_argument("--out", help="figure directory (default RUN_DIR/figures)")
    p_plot.set_defaults(func=_cmd_plot)
    return parser


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left of stdout to /dev/null (no error at exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    from .config import ConfigError

    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as exc:    # --help, --version, usage errors (already printed, one line)
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 2
    debug = getattr(args, "debug", False) or os.environ.get("TLSMC_DEBUG", "") not in ("", "0")
    with _signals_raise():
        try:
            code = args.func(args)
            sys.stdout.flush()
            return code
        except ConfigError as exc:
            print(f"tlsmc: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt as exc:
            _ignore_signals()
            written = getattr(exc, "written", None)
            what = f"the results were written to {written}" if written else "nothing was written"
            print(f"tlsmc: interrupted; {what}", file=sys.stderr)
            return 128 + getattr(exc, "signum", signal.SIGINT)
        except BrokenPipeError:
            _quiet_stdout()
            return 0
        except Exception as exc:
            if debug:
                traceback.print_exc()
            text = " ".join(str(exc).split()) or "(no message)"
            print(f"tlsmc: error: {type(exc).__name__}: {text}" + ("" if debug else f" ({_HINT})"),
                  file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
