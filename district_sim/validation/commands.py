"""``district-sim validate``: run the calibration targets and the ablation, write the docs."""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

from ..settings import SettingsError, SmallSchoolWarning

#: The generated document's name; its figures go in a folder of the same stem beside it.
DOCUMENT = "validation.md"


def source_docs() -> Path | None:
    """The ``docs/`` folder of the source checkout the package runs from, or None when it is
    installed from a wheel (site-packages has no docs folder, and writing into it would be wrong)."""
    root = Path(__file__).resolve().parents[2]
    docs = root / "docs"
    return docs if docs.is_dir() and (root / "pyproject.toml").is_file() else None


def default_out() -> tuple[Path, str | None]:
    """Where ``validate`` writes without ``--out``, and a note to print when that is not the
    repository's docs/ (the note says where, so a wheel user finds the file)."""
    docs = source_docs()
    if docs is not None:
        return docs / DOCUMENT, None
    out = Path.cwd() / DOCUMENT
    return out, (f"no docs/ folder beside the package (installed from a wheel): writing {out} "
                 f"and its figures in {out.with_suffix('')}/ (--out chooses another place)")


def register(sub) -> None:
    """Add ``validate`` to the ``district-sim`` parser."""
    v = sub.add_parser("validate", help="check the model against the field's published figures")
    v.add_argument("--replicates", type=int, default=20, help="seeds per target (default 20)")
    v.add_argument("--seed", type=int, default=0, help="seed the replicates are spawned from")
    v.add_argument("--out", default=None,
                   help="the generated document (default: docs/validation.md in a source checkout, "
                        "else validation.md in the working directory); figures go beside it")
    v.add_argument("--fast", action="store_true", help="the targets and the headline only, no ablation "
                   "or decomposition")
    v.add_argument("--accepted", default=None,
                   help="the accepted parameter set to take the headline's range over (default: the "
                        "one shipped, district_sim/validation/accepted.csv)")
    v.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    """The validation's districts are its own, sized for each probe (a superintendent's tenure
    needs a central office, not full schools): the small-school warning would speak of sizes
    the user did not choose, so it is silenced here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSchoolWarning)
        return _validate(args)


def _validate(args) -> int:
    from tqdm import tqdm

    from . import accepted, document
    from .evaluate import ablation, target_table, target_values

    out, note = (Path(args.out), None) if args.out else default_out()
    if out.suffix != ".md":
        raise SettingsError(f"--out must end in .md, got {args.out!r}")
    if not out.parent.is_dir():
        raise SettingsError(f"--out: folder {str(out.parent)!r} does not exist")
    if args.seed < 0:
        raise SettingsError(f"--seed must be a whole number >= 0, got {args.seed}")
    recorded = Path(args.accepted) if args.accepted else accepted.PATH
    if args.accepted and not recorded.is_file():
        raise SettingsError(f"--accepted: no such file {args.accepted!r}")
    if note:
        print(f"district-sim: note: {note}", file=sys.stderr)
    start = time.perf_counter()
    bar = tqdm(desc="validation", unit="probe", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    values = target_values(args.replicates, args.seed, progress=progress)
    bar.close()
    table = target_table(values)
    headline = headline_section(args, recorded)
    abl = levers = depends = None
    if not args.fast:
        from .decompose import lever_decomposition

        bar = tqdm(desc="ablation", unit="variant", disable=None, file=sys.stderr)
        abl = ablation(args.replicates, args.seed, progress=progress)
        bar.close()
        bar = tqdm(desc="lever decomposition", unit="seed", disable=None, file=sys.stderr)
        levers = lever_decomposition(args.replicates, args.seed, workers=os.cpu_count() or 1,
                                     progress=progress)
        bar.close()
        depends = sensitivity_section(args, out)
    seconds = time.perf_counter() - start
    document.write(out, values, table, abl, args.replicates, args.seed, seconds, levers=levers,
                   headline=headline, sensitivity=depends)
    print(f"{int(table['hit'].sum())} of {len(table)} targets pass ({args.replicates} replicates, "
          f"{seconds:.0f} s)")
    print(document.target_markdown(table))
    print()
    print(headline)
    if abl is not None:
        print()
        print(document.ablation_markdown(abl))
    if levers is not None:
        print()
        print(document.decomposition_markdown(levers))
    print(f"wrote {out}")
    return 0


def sensitivity_section(args, out: Path) -> str:
    """What the headline rests on where no figure pins a setting: the headline at each end of
    every plausible range and the dose-response curves (:mod:`.sensitivity`), on half the
    replicates (at least 6), its figures in the document's figure folder."""
    from tqdm import tqdm

    from . import sensitivity

    seeds = max(6, args.replicates // 2)
    bars: dict[str, tqdm] = {}

    def progress(part: str, done: int, total: int) -> None:
        bar = bars.setdefault(part, tqdm(desc=f"sensitivity: {part}", total=total, disable=None,
                                         file=sys.stderr))
        bar.update(done - bar.n)

    size = sensitivity.SIZE
    table, doses, support = sensitivity.generate(seeds, args.seed, size, progress=progress)
    for bar in bars.values():
        bar.close()
    sensitivity.figures(table, doses, out.parent / out.stem)
    meta = {"seeds": seeds, "seed": args.seed, "students": size["district.students"],
            "schools": size["district.schools"], "years": sensitivity.YEARS, "seconds": 0.0}
    return sensitivity.markdown(table, doses, meta, figure_dir=out.stem, level=2, support=support)


def headline_section(args, recorded: Path) -> str:
    """The headline over ``--replicates`` paired seeds at the defaults, beside its range over
    the recorded accepted set (a file that cannot be read is said, not fatal: the targets
    still stand)."""
    from . import accepted

    at_defaults = accepted.summarise(accepted.headline_differences(seeds=args.replicates, seed=args.seed))
    frame, meta, why = accepted.load(recorded)
    text = accepted.headline_markdown(at_defaults, args.replicates, frame, meta)
    return text if why is None else f"{text}\n\n({why})"
