"""A what-if saved from the page: the file round-trips, bad files get one line naming the key,
and the replay (Python and ``district-sim whatif``) gives the page's numbers, run for run."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pandas as pd
import pytest

import district_sim as ds
from district_sim import whatif
from district_sim.cli import main
from district_sim.settings import Shock
from district_sim.ui.session import LEFT, RIGHT, Comparison, Setup
from district_sim.whatif import LeversAt, LineRecord, ShockAt, WhatIf, WhatIfError

SIZE = {"district.students": 3000, "district.schools": 6}


def story_page() -> Comparison:
    """A page with every kind of record: shocks to all and to both sides, a lever pulled on a
    side before and after a fork of it, a fork of a fork, a lever pulled on a branch."""
    c = Comparison(Setup(), students=3000, schools=6, seed=3, replicates=2)
    for months, action in ((17, lambda: c.inject("budget_cut", "all")),
                           (0, lambda: c.fork(LEFT, "strategy.initiatives_per_year", "0")),
                           (6, lambda: c.set_lever(LEFT, "strategy.alignment", 0.6)),
                           (0, lambda: c.inject("state_mandate", "both")),
                           (4, lambda: c.fork("branch1", "strategy.buffering", 0.9)),
                           (3, lambda: c.set_lever("branch1", "strategy.buffering", 0.3)),
                           (0, lambda: c.inject("budget_cut", "all"))):
        for _ in range(months):
            c.step()
        action()
    for _ in range(12):
        c.step()
    return c


@pytest.fixture(scope="module")
def page() -> Comparison:
    return story_page()


@pytest.fixture(scope="module")
def saved(page) -> WhatIf:
    return page.whatif("Stop launching")


def test_the_file_round_trips_exactly(saved):
    text = saved.to_toml()
    assert WhatIf.from_toml(text) == saved
    data = tomllib.loads(text)
    assert data["version"] == whatif.VERSION and data["seed"] == 3 and data["replicates"] == 2
    assert set(data["lines"]) == {LEFT, RIGHT, "branch1", "branch2"}
    # the levers a reader sees are the ones pulled, not every setting
    assert data["lines"][LEFT]["levers"] == {**SIZE, "strategy.alignment": 0.6}
    assert data["lines"]["branch1"]["parent"] == LEFT and data["lines"]["branch1"]["fork_month"] == 17
    events = data["lines"]["branch1"]["events"]
    kinds = [e.get("shock", {}).get("kind") or next(iter(e["levers"])) for e in events]
    assert kinds == ["budget_cut", "strategy.initiatives_per_year", "budget_cut"]


def test_replay_gives_the_pages_numbers_for_every_line_and_replicate(page, saved):
    restored = WhatIf.from_toml(saved.to_toml())
    for key, line in page.lines.items():
        assert len(line.models) == 2
        for r, seed in enumerate(page.seeds):
            replayed = whatif.run_line(restored.lines[key], seed, page.months).results()
            pd.testing.assert_frame_equal(replayed, line.models[r].results(), check_exact=True)
    # a side's lever pulled after the fork does not reach the branch (the branch keeps its own start)
    branch_start = restored.lines["branch1"].settings()
    assert branch_start.strategy.alignment != page.lines[LEFT].initial.strategy.alignment


def test_replay_uses_compares_seeds_and_gives_compares_numbers():
    story = WhatIf(lines={LEFT: LineRecord(LEFT, "fragmented", dict(SIZE)),
                          RIGHT: LineRecord(RIGHT, "focused", dict(SIZE))},
                   seed=11, replicates=2, months=20)
    df = whatif.replay(story)
    assert sorted(set(df["seed"])) == sorted(ds.replicate_seeds(11, 2))
    cmp = ds.compare(["fragmented", "focused"], years=2, replicates=2, seed=11, overrides=SIZE)
    cols = [c for c in cmp.columns if c != "scenario"]
    pd.testing.assert_frame_equal(df[cols].reset_index(drop=True), cmp[cols].reset_index(drop=True),
                                  check_exact=True)
    assert list(dict.fromkeys(df["scenario"])) == ["fragmented", "focused"]


def test_levers_events_build_on_each_other_and_lines_that_share_a_title_stay_apart():
    line = LineRecord(LEFT, "fragmented", dict(SIZE), events=(
        LeversAt(10, {"strategy.alignment": 0.9}),
        ShockAt(12, Shock(kind="budget_cut", year=2, magnitude=0.05)),
        LeversAt(15, {"strategy.buffering": 0.8})))
    last = line.history()[-1].change
    assert last.strategy.alignment == 0.9 and last.strategy.buffering == 0.8
    assert line.history()[1].is_shock
    story = WhatIf(lines={LEFT: line, RIGHT: LineRecord(RIGHT, "fragmented", dict(SIZE))},
                   replicates=1, months=16)
    assert set(whatif.replay(story)["scenario"]) == {"left: fragmented", "right: fragmented"}


def test_text_with_quotes_newlines_and_accents_survives():
    title = 'Année 3: "stop" \\ start\nnext\ttab \x7f'
    story = WhatIf(lines={LEFT: LineRecord(LEFT, "fragmented", label="Côté gauche"),
                          RIGHT: LineRecord(RIGHT, "focused")}, title=title, months=0)
    back = WhatIf.from_toml(story.to_toml())
    assert back.title == title and back.lines[LEFT].label == "Côté gauche"


GOOD = """
version = 1
title = "t"
seed = 0
replicates = 2
months = 20
[lines.left]
scenario = "fragmented"
levers = { "district.students" = 3000, "district.schools" = 6 }
[[lines.left.events]]
month = 5
shock = { kind = "budget_cut", year = 1, magnitude = 0.05, duration_years = 1.0 }
[lines.right]
scenario = "focused"
[lines.b]
scenario = "fragmented"
parent = "left"
fork_month = 5
[[lines.b.events]]
month = 5
levers = { "strategy.alignment" = 0.5 }
"""


def test_the_example_file_reads():
    story = WhatIf.from_toml(GOOD)
    assert story.lines["b"].parent == LEFT and story.lines[LEFT].events[0].shock.kind == "budget_cut"


@pytest.mark.parametrize(("old", "new", "words"), [
    ("version = 1", "", "version: this district-sim reads what-if version 1, got None"),
    ("version = 1", "version = 2", "version"),
    ("seed = 0", "seed = -1", "seed"),
    ("replicates = 2", "replicates = 0", "replicates: must be a whole number between 1 and 1000, got 0"),
    ("months = 20", 'months = "ten"', "months: must be a whole number"),
    ("title = \"t\"", "title = 3", "title: must be text"),
    ("title = \"t\"", "colour = 3", "colour: unknown key"),
    ("[lines.right]\nscenario = \"focused\"", "", "lines: needs a [lines.left] and a [lines.right]"),
    ('scenario = "focused"', 'scenario = "nope"', "lines.right: unknown scenario 'nope'"),
    ('"district.schools" = 6', '"district.schools" = 6, "strategy.alignment" = 7', "strategy.alignment"),
    ('"district.schools" = 6', '"district.schools" = 6, "strategy.colour" = 1',
     "strategy.colour: unknown setting"),
    ("month = 5\nshock", "month = 25\nshock",
     "lines.left.events[0].month: must be a school month between 0 and 20"),
    ("month = 5\nshock", "levers = {}\nmonth = 5\nshock",
     "lines.left.events[0]: needs exactly one of shock or levers"),
    ('kind = "budget_cut"', 'kind = "flood"', "lines.left.events[0].shock.kind"),
    ("magnitude = 0.05", "magnitude = 5.0", "lines.left.events[0].shock.magnitude"),
    ('parent = "left"', 'parent = "middle"', "lines.b.parent: no line 'middle'"),
    ("fork_month = 5\n", "", "lines.b: a branch needs both parent and fork_month"),
    ('"strategy.alignment" = 0.5', '"strategy.alignment" = -1', "lines.b: strategy.alignment"),
    ("[lines.b]", "[lines.b\n", "not valid TOML"),
])
def test_a_bad_file_gets_one_line_naming_the_key(old, new, words):
    assert old in GOOD
    with pytest.raises(WhatIfError) as err:
        WhatIf.from_toml(GOOD.replace(old, new, 1), "class.toml")
    message = str(err.value)
    assert message.startswith("class.toml: ") and words in message and "\n" not in message


def test_the_command_replays_a_file_and_writes_a_table_that_carries_it(tmp_path, capsys, saved):
    path = saved.save(tmp_path / "story.toml")
    out, plot = tmp_path / "data.csv", tmp_path / "fig.png"
    assert main(["whatif", str(path), "--out", str(out), "--plot", str(plot)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Stop launching: final-year means over 2 replicates")
    assert "achievement_vs_first" in printed and "fragmented, from y2m8" in printed
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    head = out.read_text().splitlines()[:4]
    assert head[:2] == ["# version = 1", '# title = "Stop launching"']
    back, table = whatif.read_csv(out)
    assert back == saved
    pd.testing.assert_frame_equal(table, whatif.replay(saved), check_exact=False, rtol=1e-15)
    assert list(pd.read_csv(out, comment="#").columns[:4]) == ["scenario", "line", "replicate", "seed"]


@pytest.mark.parametrize(("args", "words"), [
    (["missing.toml"], "missing.toml: no such file"),
    (["BAD", "--out", "x.parquet"], "--out must end in .csv"),
    (["BAD"], "replicates: must be a whole number"),
    (["EMPTY"], "months is 0"),
])
def test_the_command_refuses_a_bad_file_in_one_line(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BAD").write_text(GOOD.replace("replicates = 2", "replicates = 0"))
    empty = GOOD.replace("months = 20", "months = 0").replace("month = 5", "month = 0")
    (tmp_path / "EMPTY").write_text(empty)
    assert main(["whatif", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("district-sim: error: ") and words in err and "\n" not in err


def test_how_the_page_drew_it_round_trips_and_replay_ignores_it(page, saved):
    assert saved.branches_made == 2 and len(saved.markers) == 3
    everyone = (LEFT, RIGHT, "branch1", "branch2")
    assert [m.lines for m in saved.markers] == [(LEFT, RIGHT), (LEFT, RIGHT), everyone]
    assert whatif.from_page(page.lines, 3, 2, page.months).lines == saved.lines
    text = saved.to_toml()
    assert tomllib.loads(text)["page"]["markers"][0]["label"] == page.markers[0].label
    assert WhatIf.from_toml(text) == saved
    bare = WhatIf(lines=saved.lines, seed=saved.seed, replicates=saved.replicates, months=saved.months)
    assert "[page]" not in bare.to_toml()
    sides = {k: saved.lines[k] for k in (LEFT, RIGHT)}
    story = WhatIf(lines=sides, seed=3, replicates=1, months=saved.months)
    with_page = replace(story, markers=saved.markers[:1], branches_made=9)
    pd.testing.assert_frame_equal(whatif.replay(story), whatif.replay(with_page), check_exact=True)


PAGE = GOOD + """
[page]
branches_made = 1
[[page.markers]]
month = 5
kind = "budget_cut"
lines = ["left"]
label = "Budget cut (fragmented), year 1, month 6"
"""


@pytest.mark.parametrize(("old", "new", "words"), [
    ("branches_made = 1", "branches_made = -1", "page.branches_made: must be a whole number 0 or more"),
    ("branches_made = 1", "colour = 1", "page.colour: unknown key"),
    ('kind = "budget_cut"\nlines', 'kind = "flood"\nlines', "page.markers[0].kind: must be one of"),
    ('lines = ["left"]', "lines = []", "page.markers[0].lines: must be a list of line keys"),
    ('label = "Budget cut', 'words = "Budget cut', "page.markers[0].words: unknown key"),
    ("month = 5\nkind", "kind", "page.markers[0].month: missing"),
    ("month = 5\nkind", "month = 99\nkind", "page.markers[0].month: must be a school month between 0 and 20"),
    ("fork_month = 5", "fork_month = 6", "lines.b.events: a branch needs a levers event at its fork_month"),
])
def test_a_bad_page_table_or_a_branch_without_its_lever_gets_one_line(old, new, words):
    assert WhatIf.from_toml(PAGE).markers[0].lines == (LEFT,)
    assert old in PAGE
    with pytest.raises(WhatIfError) as err:
        WhatIf.from_toml(PAGE.replace(old, new, 1), "class.toml")
    assert str(err.value).startswith("class.toml: ") and words in str(err.value)


def test_notes_under_the_what_if_leave_it_readable(tmp_path, saved):
    path = tmp_path / "t.csv"
    table = pd.DataFrame({"a": [1, 2]})
    path.write_text(whatif.csv_head(saved, ["Exported  on\nMonday; read it"]) + table.to_csv(index=False))
    text = path.read_text()
    assert "# # Exported on Monday; read it\n" in text
    back, df = whatif.read_csv(path)
    assert back == saved and df.equals(table)
    assert pd.read_csv(path, comment="#").equals(table)


def test_the_example_in_docs_whatif_md_opens_on_the_page_and_replays():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "whatif.md").read_text()
    story = WhatIf.from_toml(re.findall(r"```toml\n(.*?)```", doc, re.S)[0], "docs/whatif.md")
    assert story.lines["branch1"].fork_index == 1 and story.markers[0].lines == (LEFT, "branch1")
    page = Comparison.from_whatif(replace(story, replicates=1))
    assert page.months == 40 and page.lines["branch1"].fork_time == 30
    assert [m.label for m in page.markers] == ["Budget cut (fragmented), year 3, month 1"]
