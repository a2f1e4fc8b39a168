"""``district-sim validate``: run the calibration targets and the ablation, write the docs."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..settings import SettingsError


def register(sub) -> None:
    """Add ``validate`` to the ``district-sim`` parser."""
    v = sub.add_parser("validate", help="check the model against the field's published figures")
    v.add_argument("--replicates", type=int, default=20, help="seeds per target (default 20)")
    v.add_argument("--seed", type=int, default=0, help="seed the replicates are spawned from")
    v.add_argument("--out", default="docs/validation.md",
                   help="the generated document (default docs/validation.md); figures go beside it")
    v.add_argument("--fast", action="store_true", help="the targets only, no ablation or decomposition")
    v.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    from tqdm import tqdm

    from . import document
    from .evaluate import ablation, target_table, target_values

    out = Path(args.out)
    if out.suffix != ".md":
        raise SettingsError(f"--out must end in .md, got {args.out!r}")
    if not out.parent.is_dir():
        raise SettingsError(f"--out: folder {str(out.parent)!r} does not exist")
    if args.seed < 0:
        raise SettingsError(f"--seed must be a whole number >= 0, got {args.seed}")
    start = time.perf_counter()
    bar = tqdm(desc="validation", unit="probe", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    values = target_values(args.replicates, args.seed, progress=progress)
    bar.close()
    table = target_table(values)
    abl = levers = None
    if not args.fast:
        from .decompose import lever_decomposition

        bar = tqdm(desc="ablation", unit="variant", disable=None, file=sys.stderr)
        abl = ablation(args.replicates, args.seed, progress=progress)
        bar.close()
        bar = tqdm(desc="lever decomposition", unit="seed", disable=None, file=sys.stderr)
        levers = lever_decomposition(args.replicates, args.seed, workers=os.cpu_count() or 1,
                                     progress=progress)
        bar.close()
    seconds = time.perf_counter() - start
    document.write(out, values, table, abl, args.replicates, args.seed, seconds, levers=levers)
    print(f"{int(table['hit'].sum())} of {len(table)} targets pass ({args.replicates} replicates, "
          f"{seconds:.0f} s)")
    print(document.target_markdown(table))
    if abl is not None:
        print()
        print(document.ablation_markdown(abl))
    if levers is not None:
        print()
        print(document.decomposition_markdown(levers))
    print(f"wrote {out}")
    return 0
