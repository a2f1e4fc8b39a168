"""docs/validation.md, generated: the targets table, a figure per target, the ablation table.

Nothing in the document is written by hand; ``district-sim validate`` rewrites it (and its
figures) atomically, so the document always shows what the code does.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .. import __version__
from .decompose import decomposition_markdown
from .evaluate import ALL_OFF
from .targets import TARGETS


def _num(v: float) -> str:
    if isinstance(v, float) and math.isinf(v):
        return "no limit"
    return f"{v:.3f}"


def target_markdown(table: pd.DataFrame) -> str:
    lines = ["| target | observed | accepted range | simulated mean [95% interval] | runs | result "
             "| source |", "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.label} | {r.observed} | {_num(r.low)} to {_num(r.high)} | "
                     f"{_num(r.mean)} [{_num(r.ci_low)}, {_num(r.ci_high)}] | {r.runs} | "
                     f"{'pass' if r.hit else '**miss**'} | {r.source} |")
    return "\n".join(lines)


#: Why a mechanism can change each district and still leave the gap between them alone.
WHY_NOT_DETECTABLE = {
    "buffering": "fragmented buffers little (strategy.buffering 0.1) and focused runs little "
                 "unaligned work to buffer, so in this pair buffering moves neither side much; it "
                 "matters where a focused district faces mandates unbuffered (`focused_unbuffered`, "
                 "`focused_mandate_overload`).",
    "implementation_threshold": "without a threshold, work pays from the first month and "
                                "there is no dip: both districts gain (see their columns), "
                                "focused slightly more, so the gap barely moves.",
    "attention_limit": "removing the limit lifts the overloaded district most.",
    "turnover": "with no one leaving, both districts keep their experienced teachers and the "
                "depth they built, and both gain (see their columns); turnover costs the focused "
                "district the implementation depth its leavers take with them, and the fragmented "
                "one the extra leaving its fatigue causes, by similar amounts.",
    "fatigue": "without fatigue and cynicism the fragmented district's overload costs no "
               "attention, no leavers and no culture.",
}


#: Why a target the defaults miss is missed: what the model would need, and why it does not have it.
WHY_MISS: dict[str, str] = {
}

#: What a reader must know to weigh a group of targets: which are fitted and which are checks.
READING_NOTES = (
    "**Coaching: one row fitted, three checked (not blind).** The model's ordinary initiatives "
    "cannot reproduce coaching trials: one year of one barely passes the implementation "
    "threshold (full implementation takes 2-4 years, Fixsen et al. 2005). Coaching therefore is "
    "its own kind of initiative (`mechanisms/coaching.py`): it deepens `coaching.pace` times as "
    "fast (Joyce and Showers 2002) and moves a coached teacher's practice toward their coach's "
    "by `coaching.transfer` of the gap a month. Those two are fitted to the small-scale effect "
    "on achievement, so that row is a calibration, not a check. The other three rows are checks, "
    "but not untouched ones: the caseload and pace were chosen knowing them "
    "([calibration.md, stage 5](calibration.md#stage-5-coaching)). At scale, coaches are the "
    "district's strongest teachers, one per `coaching.caseload` teachers, so coaching all twenty "
    "schools reaches deeper into the workforce for coaches, and its cost ($10,000 a coached "
    "teacher) outruns the strategy's budget; together these give about 0.6 of the small-scale "
    "effect on instruction and 0.5 on achievement. This acts on the share of the district "
    "coached, not on programme size: the same programme in a district ten times larger keeps "
    "the small-scale effect. Instruction is scored on observation rubrics, achievement on "
    "tests: the model converts its value-added practice to rubric SD with "
    "`coaching.observation_validity` (0.25, MET project), and the instruction rows pass only "
    "for validities of about 0.16-0.30, the upper half of MET's range. "
    "Read at face value, the trials' +0.18 SD in one year means the coached "
    "teachers' value-added rose by about 1.9 teacher SDs, most of the way to their coaches'; "
    "trials are mostly early-grade literacy, often on researcher-designed tests, which show "
    "larger effects than broad standardized tests (Kraft 2020). That is one reason the shipped "
    "scenarios do not coach (`strategy.coaching_share` = 0): their headline does not rest on it.",
)


def miss_notes(table: pd.DataFrame) -> list[str]:
    """One line for each target the defaults miss, saying why."""
    return [f"- **{r.label}** (`{r.target}`): {WHY_MISS.get(r.target, 'no explanation recorded yet.')}"
            for r in table[~table["hit"]].itertuples()]


def ablation_notes(table: pd.DataFrame) -> list[str]:
    """One line for each switch whose change to the gap is not detectable."""
    rows = table[~table["switched_off"].isin(["full model", ALL_OFF]) & ~table["matters"]]
    return [f"- `{r.switched_off}` changes each district but not detectably the gap: "
            f"{WHY_NOT_DETECTABLE.get(r.switched_off, 'no explanation recorded yet.')}"
            for r in rows.itertuples()]


def _share_left(gap: float, full: float) -> str:
    share = gap / full if full else float("nan")
    return "most" if share > 0.5 else ("a part" if share > 0.1 else "little")


def all_off_note(table: pd.DataFrame) -> list[str]:
    """What the switches carry together, and what carries the rest."""
    rows = table[table["switched_off"] == ALL_OFF]
    if rows.empty:
        return []
    r, full = rows.iloc[0], table[table["switched_off"] == "full model"].iloc[0]
    return [
        f"With every switch off at once the gap is {r.gap:+.3f} [{r.gap_low:+.3f}, {r.gap_high:+.3f}] "
        f"against {full.gap:+.3f} in the full model: the switches together change it by "
        f"{r.change:+.3f} [{r.change_low:+.3f}, {r.change_high:+.3f}]. They decide how far each "
        f"district falls or rises (without them focused ends at {r.focused:+.3f} instead of "
        f"{full.focused:+.3f}, fragmented at {r.fragmented:+.3f} instead of {full.fragmented:+.3f}), "
        f"but {_share_left(r.gap, full.gap)} of the gap is carried by what no switch turns off, the "
        "strategy's content: implementation takes "
        "years to deepen (`initiatives.learning_rate`, Fixsen et al. 2005), so 1.4-year "
        "initiatives end shallow where 4-year ones go deep, and only aligned work serves the "
        "core in full, reinforced by the district's systems (unaligned work touches the core "
        "`initiatives.unaligned_core_share` of the time, at `initiatives.unaligned_potency`). The "
        "advantage of focus vanishes when every initiative is aligned and attention and money "
        "are unlimited (`unlimited_capacity`; docs/teaching.md).",
    ]


def ablation_markdown(table: pd.DataFrame) -> str:
    lines = ["| switched off | focused | fragmented | gap (focused - fragmented) [95%] | "
             "change from full model [95%] | carries the result? |", "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        change = "" if r.switched_off == "full model" else \
            f"{r.change:+.3f} [{r.change_low:+.3f}, {r.change_high:+.3f}]"
        verdict = "" if r.switched_off == "full model" else ("yes" if r.matters else "not detectably")
        lines.append(f"| {r.switched_off} | {r.focused:.3f} | {r.fragmented:.3f} | {r.gap:.3f} "
                     f"[{r.gap_low:.3f}, {r.gap_high:.3f}] | {change} | {verdict} |")
    return "\n".join(lines)


def target_figure(values: pd.DataFrame, table: pd.DataFrame, key: str, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    row = table.set_index("target").loc[key]
    v = values.loc[values["target"] == key, "value"].to_numpy()
    fig, ax = plt.subplots(figsize=(5.0, 1.6))
    high = row["high"] if math.isfinite(row["high"]) else max(v.max(), row["low"]) * 1.2
    ax.axvspan(row["low"], high, color="tab:green", alpha=0.2, label="observed range")
    ax.plot(v, [0.0] * len(v), "o", color="tab:blue", alpha=0.5, ms=4, label="replicates")
    ax.errorbar([row["mean"]], [0.0], xerr=[[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]],
                fmt="D", color="black", ms=6, capsize=4, label="mean, 95% interval")
    ax.set_yticks([])
    ax.set_title(f"{row['label']}: {'pass' if row['hit'] else 'miss'}", fontsize=9)
    ax.legend(fontsize=6, loc="upper right", ncol=3, frameon=False, bbox_to_anchor=(1.0, -0.35))
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return path


def headline_lines(headline: str, replicates: int) -> list[str]:
    """The headline section: over seeds at the defaults, and over the accepted parameter set."""
    return [
        "## The headline: focus against fragmentation and against doing nothing",
        "",
        f"Year-10 achievement (student SD), focused minus fragmented and focused minus status_quo, "
        f"on {replicates} paired seeds at the shipped defaults (5,000 students in 10 schools, as the "
        "ablation), and the range of each accepted parameter vector's mean over its own paired seeds "
        "([calibration.md](calibration.md)). The interval says how sure the defaults' mean is; the "
        "range says how much the answer moves across parameter vectors that pass every target at once.",
        "",
        headline,
        "",
    ]


def write(path: Path, values: pd.DataFrame, table: pd.DataFrame, ablation: pd.DataFrame | None,
          replicates: int, seed: int, seconds: float, levers: pd.DataFrame | None = None,
          headline: str | None = None, sensitivity: str | None = None) -> Path:
    """Write the document and its figures (in ``<stem>/`` next to it)."""
    figdir = path.parent / path.stem
    figdir.mkdir(parents=True, exist_ok=True)
    hits = int(table["hit"].sum())
    out = [
        "# Validation",
        "",
        f"Generated by `district-sim validate --replicates {replicates} --seed {seed}` "
        f"(district-sim {__version__}, {seconds:.0f} s); do not edit by hand.",
        "",
        "Pattern-oriented validation (Grimm et al. 2005): the shipped defaults should reproduce "
        "every figure of the field's calibration table (the domain brief, with sources) at once. "
        f"Each statistic is measured over {replicates} replicates with independent seeds; a target "
        "passes when the simulated mean lies in the accepted range. How the defaults were "
        "calibrated and their accepted region: [calibration.md](calibration.md); the parameters "
        "the figures leave free, and how each moves the headline over the accepted parameter set: "
        "[calibration.md, stage 4](calibration.md#stage-4-the-headline-over-the-accepted-set).",
        "",
        f"**{hits} of {len(table)} targets pass.**",
        "",
        target_markdown(table),
        "",
    ]
    misses = miss_notes(table)
    if misses:
        out += ["### Why the misses are missed", "", *misses, ""]
    out += ["### Reading the table", "", *[f"{note}\n" for note in READING_NOTES]]
    if headline is not None:
        out += headline_lines(headline, replicates)
    out += [
        "## How each statistic is measured",
        "",
    ]
    for t in TARGETS:
        if t.key in set(table["target"]):
            out += [f"- **{t.label}** (`{t.key}`): {t.measure}", ""]
    if ablation is not None:
        out += [
            "## Ablation: which mechanisms carry the focused-vs-fragmented result",
            "",
            "Each mechanism switched off in turn (`mechanisms.*` settings), both scenarios otherwise "
            f"unchanged, {replicates} paired seeds, 5,000 students in 10 schools, 10 years. The gap "
            "is focused minus fragmented achievement in year 10 (student SD); the change is paired "
            "against the full model with the same seeds. A mechanism carries part of the result "
            "when switching it off changes the gap by an interval that excludes 0.",
            "",
            ablation_markdown(ablation),
            "",
            *ablation_notes(ablation),
            "",
            *all_off_note(ablation),
            "",
            "Every switch changes what happens in each district (tests/test_validation.py checks "
            "that none is a no-op). No single switch removes most of the gap: the mechanisms act "
            "together, and the scenarios differ in six strategy levers at once; the next section "
            "splits the gap between those levers.",
            "",
        ]
    if levers is not None:
        out += [
            "## Which strategy levers carry the gap (Shapley decomposition)",
            "",
            "`focused` and `fragmented` differ in the strategy settings listed below. Every "
            "combination of them (fragmented with any subset set to focused's values) is run on "
            f"the same {replicates} paired seeds at the ablation's size; each lever's Shapley value "
            "is its mean contribution over all orders of switching, so the values add up to the "
            "gap in every replicate. The gain when added alone starts from fragmented; the loss "
            "when removed alone starts from focused: the two differ where levers interact.",
            "",
            decomposition_markdown(levers),
            "",
        ]
    if sensitivity is not None:
        out += [sensitivity, ""]
    out += ["## Figures", ""]
    for key in table["target"]:
        fig = target_figure(values, table, key, figdir / f"{key}.png")
        out.append(f"![{key}]({figdir.name}/{fig.name})")
    text = "\n".join(out) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return path
