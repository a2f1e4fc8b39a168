"""``district-sim sweep`` and ``district-sim analyze``.

Heavy imports (dask, SALib, matplotlib) stay inside the command functions so that the
other subcommands start fast. Bad input raises SettingsError: one line, exit code 2.

Exit codes of ``sweep``: 0 every run finished; 3 the sweep finished but some runs failed
(recorded in ``failures.parquet``); 2 bad input, a damaged or locked folder, a lost Dask
cluster; 130 stopped by Ctrl-C (SIGINT), 143 by SIGTERM, 129 by SIGHUP, with everything
finished on disk for ``--resume``.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import SettingsError


def cmd_sweep(args) -> int:
    import signal
    import sys

    from .files import load_experiment
    from .runner import EXIT_FAILED_RUNS, SweepStopped, run_sweep

    exp = load_experiment(args.file)
    out = Path(args.out) if args.out else Path("sweeps") / exp.name
    stats: dict = {}
    if args.scheduler:
        _quiet_dask()
    try:
        df = run_sweep(exp, out, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                       chunk_size=args.chunk_size, stats=stats, retry_failed=args.retry_failed)
    except (KeyboardInterrupt, SweepStopped) as stop:
        signum = stop.signum if isinstance(stop, SweepStopped) else signal.SIGINT
        name = signal.Signals(signum).name
        print(f"district-sim: sweep stopped by {name}; finished runs are on disk in {out}; continue with: "
              f"district-sim sweep {args.file} --out {out} --resume", file=sys.stderr)
        return 128 + signum
    runs = int(df["run_id"].nunique())
    failed = f", {stats['failed']} failed" if stats["failed"] else ""
    print(f"{exp.name}: {runs} runs ({exp.plan.n_runs - stats['runs']} already done{failed}), "
          f"{len(df)} rows, {stats['wall_seconds']:.1f} s on {stats['workers']} worker(s)")
    print(f"wrote {out / 'results.parquet'} and {out / 'manifest.json'}")
    if stats["failed"]:
        print(f"district-sim: {stats['failed']} run(s) failed (settings, seed and error in "
              f"{out / 'failures.parquet'}; `district-sim analyze {out}` lists them); run them again "
              "with --resume --retry-failed", file=sys.stderr)
        return EXIT_FAILED_RUNS
    print(f"next: district-sim analyze {out}")
    return 0


def _quiet_dask() -> None:
    """A lost cluster is said in one line (see runner); Dask's own log would add pages of
    tracebacks while its client tries to reconnect."""
    import logging

    import distributed  # noqa: F401 - configures its loggers, which are then raised

    for name in ["distributed", *logging.Logger.manager.loggerDict]:
        if name.startswith("distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def cmd_analyze(args) -> int:
    from .analysis import analyze

    folder = Path(args.dir)
    if not (folder / "manifest.json").is_file():
        raise SettingsError(f"{folder}: not a sweep folder (no manifest.json); run district-sim sweep first")
    report = analyze(folder, metrics=args.metric, figures=not args.no_figures)
    print(report.text)
    for path in report.files:
        print(f"wrote {path}")
    return 0


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def register(sub) -> None:
    """Add ``sweep`` and ``analyze`` to the ``district-sim`` parser."""
    s = sub.add_parser("sweep", help="run an experiment file (parameter sweep, replicates, sampling)")
    s.add_argument("file", help="experiment name (experiments/) or TOML file")
    s.add_argument("--workers", type=_positive, default=None, metavar="N",
                   help="local worker processes (default: all cores; 1 = in this process)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    s.add_argument("--out", metavar="DIR", help="output folder (default: sweeps/<experiment name>)")
    s.add_argument("--resume", action="store_true", help="finish a killed sweep in --out")
    s.add_argument("--retry-failed", action="store_true",
                   help="with --resume: run the runs recorded as failed again too")
    s.add_argument("--chunk-size", type=_positive, default=None, metavar="N",
                   help="runs a task (default: guided, 0.05-2 s of work a task)")
    s.set_defaults(func=cmd_sweep)

    a = sub.add_parser("analyze", help="summary tables, figures and sensitivity indices of a sweep")
    a.add_argument("dir", help="a sweep's output folder")
    a.add_argument("--metric", action="append", help="metric to analyse (repeatable; default: all recorded)")
    a.add_argument("--no-figures", action="store_true", help="tables only")
    a.set_defaults(func=cmd_analyze)
