"""Command line: ``tlsmc run SCENARIO --out DIR [--n-tls N] [--seed S]`` and ``tlsmc compare DIR``.

Exit codes: 0 success; 2 bad input (one line naming the field, no traceback,
nothing written); 1 anything else.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def _int_arg(name: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer (got {text!r})") from None
        return value
    return parse


def _cmd_run(args) -> int:
    from . import load_scenario, run
    from .config import ConfigError
    from .executors import executor_from_args

    scenario = load_scenario(args.scenario)
    overrides = {}
    if args.n_tls is not None:
        overrides["n_tls"] = args.n_tls
    if args.seed is not None:
        overrides["seed"] = args.seed
    if overrides:
        try:
            scenario = scenario.with_run(**overrides)
        except ConfigError as exc:  # name the command-line option, not the TOML field
            msg = str(exc).replace("scenario.run.n_tls", "--n-tls").replace("scenario.run.seed", "--seed")
            raise ConfigError(msg) from None
    executor = executor_from_args(args, scenario)
    try:
        results = run(scenario, progress=not args.quiet, executor=executor)
    finally:
        executor.close()
    out = results.write(args.out)
    wall = results.metadata["wall_time_s"]["total"]
    print(f"tlsmc: {scenario.run.n_tls} TLSs in {results.metadata['n_chunks']} chunks, "
          f"{wall:.1f} s -> {out}")
    if results.comparison is not None and not args.quiet:
        from .report import comparison_text
        print(comparison_text(results.comparison, max_rows=12))
    return 0


def _cmd_compare(args) -> int:
    from .config import ConfigError
    from .report import comparison_text
    from .results import COMPARISON_FILE, Results

    run_dir = Path(args.run_dir)
    if not (run_dir / COMPARISON_FILE).is_file():
        raise ConfigError(f"{run_dir}/{COMPARISON_FILE} does not exist (run with "
                          f"[comparison] analytic = true)")
    res = Results.read(run_dir)
    print(comparison_text(res.comparison, max_rows=args.rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError
    from .executors import add_executor_options
    from .sweep import add_sweep_parser

    parser = _Parser(prog="tlsmc", description="Monte Carlo ensembles of two-level systems in glasses")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_run = sub.add_parser("run", help="run a scenario and write DIR/{observables,comparison}.parquet, run.json")
    p_run.add_argument("scenario", help="scenario TOML file")
    p_run.add_argument("--out", required=True, help="output directory")
    p_run.add_argument("--n-tls", type=_int_arg("--n-tls"), help="override run.n_tls")
    p_run.add_argument("--seed", type=_int_arg("--seed"), help="override run.seed")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    add_executor_options(p_run)
    p_run.set_defaults(func=_cmd_run)
    add_sweep_parser(sub)
    p_cmp = sub.add_parser("compare", help="print a run's MC vs analytic comparison table")
    p_cmp.add_argument("run_dir", help="directory written by 'tlsmc run'")
    p_cmp.add_argument("--rows", type=int, default=0, help="at most this many rows (0: all)")
    p_cmp.set_defaults(func=_cmd_compare)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"tlsmc: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tlsmc: interrupted; nothing was written", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
