"""Generate ``docs/parameters.md`` from the settings schema, so the table of defaults,
ranges and sources can never drift from the code. ``python -m district_sim.paramdoc``."""

from __future__ import annotations

import sys
from pathlib import Path

from .settings import SettingInfo, find, lookup
from .shocks import SHOCKS


def _range(info: SettingInfo) -> str:
    return ", ".join(info.bounds_parts()) or ("true/false" if info.kind == "bool" else "")


def render() -> str:
    lines = [
        "# Parameters",
        "",
        "Generated from `district_sim/settings.py` by `python -m district_sim.paramdoc`; do not",
        "edit by hand. Every setting can be set in a scenario file (`[section]` table) or",
        "overridden by its dotted key (`--set strategy.buffering=0.2`).",
        "",
    ]
    for section in find("").keys:
        if find(section).kind != "table":
            continue
        lines += [f"## `{section}`", "", "| key | default | allowed | meaning and source |",
                  "|---|---|---|---|"]
        for key in (f"{section}.{name}" for name in find(section).keys):
            info = lookup(key)
            default = info.default
            shown = f"{default:g}" if isinstance(default, float) else repr(default) if isinstance(
                default, str) and len(default) < 30 else str(default)
            if isinstance(default, str) and len(default) >= 30:
                shown = "(see schema)"
            lines.append(f"| `{key}` | {shown} | {_range(info)} | {info.description} |")
        lines.append("")
    lines += ["## `shocks`", "", "A list of tables with `kind`, `year` (from 1), `magnitude`, "
              "`duration_years` (default 1). Magnitude by kind:", "",
              "| kind | magnitude means | allowed |", "|---|---|---|"]
    for kind in SHOCKS.values():
        lines.append(f"| `{kind.kind}` | {kind.meaning} | 0 to {kind.high:g} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/parameters.md")
    target.write_text(render())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
