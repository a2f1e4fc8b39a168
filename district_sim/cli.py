"""The ``district-sim`` command line.

Every user error (unknown scenario or setting, value out of range, malformed file)
ends in one line naming the setting and what is allowed, and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from pathlib import Path

from . import api, report
from .scenarios import list_scenarios
from .settings import SettingsError, parse_value

EXIT_USAGE = 2

# Faces that add their own subcommands. Each module has ``register(subparsers)`` and keeps
# its heavy imports (dask, solara, ...) inside the command functions, so that
# ``district-sim run`` starts fast. They raise UsageError or SettingsError for bad input.
FACES = (
    "district_sim.experiments.commands",   # sweep, analyze
    "district_sim.validation.commands",    # validate
    "district_sim.ui.commands",            # ui
)


class UsageError(Exception):
    """A mistake in how the command was called."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not usage plus message
        raise UsageError(message)


def _overrides(pairs: list[str] | None) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set takes key=value (e.g. district.students=5000), got {pair!r}")
        out[key.strip()] = parse_value(value.strip())
    return out


def _out_path(text: str | None, suffixes: tuple[str, ...], flag: str) -> Path | None:
    if text is None:
        return None
    path = Path(text)
    if path.suffix not in suffixes:
        raise UsageError(f"{flag} must end in {' or '.join(suffixes)}, got {text!r}")
    if not path.parent.exists() or not path.parent.is_dir():
        raise UsageError(f"{flag}: folder {str(path.parent)!r} does not exist")
    return path


def _progress(total_label: str, unit: str = "run"):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=total_label, unit=unit, disable=None, file=sys.stderr)
        bar.update(done - bar.n)
        if done == total:
            bar.close()

    return update


def cmd_scenarios(args) -> int:
    scenarios = list_scenarios()
    width = max((len(n) for n in scenarios), default=0)
    for name, description in scenarios.items():
        print(f"{name.ljust(width)}  {description}")
    return 0


def cmd_run(args) -> int:
    out = _out_path(args.out, (".csv", ".parquet"), "--out")
    plot = _out_path(args.plot, (".png",), "--plot")
    df = api.run(args.scenario, years=args.years, seed=args.seed, overrides=_overrides(args.set),
                 progress=_progress("months", unit="month"))
    last = df.iloc[-1]
    print(f"{last['scenario']}: {args.years:g} years, seed {args.seed}")
    for metric in report.HEADLINE:
        print(f"  {metric:22s} {last[metric]:.3f}")
    if out:
        report.save_table(df, out)
        print(f"wrote {out}")
    if plot:
        report.trajectories(df.assign(replicate=0), plot, title=str(last["scenario"]))
        print(f"wrote {plot}")
    return 0


def cmd_compare(args) -> int:
    out = _out_path(args.out, (".csv", ".parquet"), "--out")
    plot = _out_path(args.plot, (".png",), "--plot")
    df = api.compare(args.scenarios, years=args.years, replicates=args.replicates, seed=args.seed,
                     overrides=_overrides(args.set), progress=_progress("runs"))
    table = report.final_year_table(df)
    print(f"Final-year means over {args.replicates} replicates, 95% intervals "
          f"(year {int(df['year'].max())}, seed {args.seed}):")
    print(report.format_table(table))
    if out:
        report.save_table(df, out)
        print(f"wrote {out}")
    if plot:
        report.trajectories(df, plot, title=" vs ".join(args.scenarios))
        print(f"wrote {plot}")
    return 0


def cmd_whatif(args) -> int:
    from . import whatif

    out = _out_path(args.out, (".csv",), "--out")
    plot = _out_path(args.plot, (".png",), "--plot")
    story = whatif.read(args.file)
    if story.months == 0:
        raise UsageError(f"{args.file}: months is 0 (saved before the first month): nothing to replay")
    df = whatif.replay(story, progress=_progress("runs"))
    name = story.title or Path(args.file).stem
    print(f"{name}: final-year means over {story.replicates} replicates, 95% intervals "
          f"(year {int(df['year'].max())}, month {story.months}, seed {story.seed}):")
    print(report.format_table(report.final_year_table(df)))
    if out:
        whatif.save_csv(story, df, out)
        print(f"wrote {out}")
    if plot:
        report.trajectories(df, plot, title=name)
        print(f"wrote {plot}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="district-sim", description="Simulate school-district coherence (PELP).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("scenarios", help="list the named scenarios")
    s.set_defaults(func=cmd_scenarios)

    def common(q, years=10.0):
        q.add_argument("--years", type=float, default=years, help="simulated years (default 10)")
        q.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        q.add_argument("--set", action="append", metavar="KEY=VALUE",
                       help="override a setting by dotted key, e.g. district.students=5000")
        q.add_argument("--out", help="write the monthly table (.csv or .parquet)")
        q.add_argument("--plot", help="write a figure of the trajectories (.png)")

    r = sub.add_parser("run", help="run one scenario")
    r.add_argument("scenario", help="scenario name or TOML file")
    common(r)
    r.set_defaults(func=cmd_run)

    c = sub.add_parser("compare", help="compare scenarios over replicates")
    c.add_argument("scenarios", nargs="+", help="scenario names or TOML files")
    c.add_argument("--replicates", type=int, default=20, help="runs per scenario (default 20)")
    common(c)
    c.set_defaults(func=cmd_compare)

    w = sub.add_parser("whatif", help="replay a what-if saved from the page (a .toml file)")
    w.add_argument("file", help="the what-if file (.toml)")
    w.add_argument("--out", help="write the monthly table (.csv), the what-if in its leading # lines")
    w.add_argument("--plot", help="write a figure of the trajectories (.png)")
    w.set_defaults(func=cmd_whatif)

    for face in FACES:
        importlib.import_module(face).register(sub)
    return p


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one plain line on stderr, like the errors: the user reads what to change,
    not the file and line of the package that noticed it."""
    text = " ".join(str(message).split())
    print(f"district-sim: warning: {text}", file=file or sys.stderr)


def main(argv: list[str] | None = None) -> int:
    with warnings.catch_warnings():
        warnings.showwarning = _warning_line
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except (UsageError, SettingsError) as err:
        message = " ".join(str(err).split())
        print(f"district-sim: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as err:
        message = f"{err.filename or ''}: {err.strerror or err}".lstrip(": ")
        print(f"district-sim: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("district-sim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
