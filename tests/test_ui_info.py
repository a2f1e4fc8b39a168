"""The Info tab ("About the model") tells the truth: the controls it names are on the page, the
figures it quotes come from the model, and what it tells a class to notice is what the page's
default run shows. (``tests/test_ui_levers.py`` checks its sections and the settings, metrics,
scenarios and commands it names.)"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from district_sim.settings import Settings
from district_sim.simulation import simulate
from district_sim.ui import info
from district_sim.ui.session import LEFT, RIGHT, Comparison, Setup

UI = Path(info.__file__).parent
ROOT = UI.parents[1]


def section(title: str, flat: bool = True) -> str:
    """One section of the Info tab, its lines joined into one (``flat``) as a reader sees them."""
    text = info.info_markdown()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    body = text[start:end if end >= 0 else None]
    return " ".join(body.split()) if flat else body


def test_how_to_use_it_is_part_of_how_it_works_and_names_only_real_controls():
    how = section("How it works")
    assert "### How to use it" in how
    named = re.findall(r"\*\*([^*]+)\*\*", how.split("### How to use it")[1])
    assert set(named) == set(info.CONTROLS)   # every control named is a known one, and all are named
    code = "\n".join(p.read_text() for p in UI.glob("*.py") if p.name != "info.py")
    for name in info.CONTROLS:
        assert f'"{name}"' in code, f"{name!r} is not written on any control of the page"


def test_an_unknown_control_is_refused():
    with pytest.raises(ValueError, match="not a control"):
        info._control("Run faster")


def test_the_threshold_month_quoted_is_the_models():
    s = Settings()
    month = info.threshold_month(s)
    assert f"in the {month}th school month of work" in section("How it works")
    # depth with full attention and money, as the model grows it (docs/model.md, 7.4)
    depth, t = 0.0, 0
    while depth < s.initiatives.implementation_threshold:
        depth += s.initiatives.learning_rate * (1 - depth)
        t += 1
    assert t == month
    model = simulate(s, 0, 0)
    assert model.settings.initiatives.learning_rate == s.initiatives.learning_rate


def test_the_pot_share_quoted_is_the_default_settings():
    share = Settings().budget.discretionary_share
    assert f"a pot of about {100 * share:.0f}% of spending" in section("How it works")


def test_every_credit_is_in_the_models_references_and_the_benchmarks_are_credited():
    references = (ROOT / "docs" / "model.md").read_text().split("## 12. References")[1]
    cited = re.findall(r"([A-Z][a-z]+)(?:(?:, | and )[A-Z][a-z]+)*(?: et al\.)? \((\d{4})\)",
                       section("Credits and references"))
    assert len(cited) >= 8
    # the effect-size benchmarks "What is it?" quotes are credited
    assert "In Kraft's (2020) benchmarks" in section("What is it?") and ("Kraft", "2020") in cited
    for author, year in cited:
        assert re.search(rf"{author}\b[^\n]*\({year}\)", references), (author, year)


def _run(setup: Setup | None = None, months: int = 100) -> Comparison:
    c = Comparison(setup)                       # the page's defaults: 10,000 students, 10 runs, seed 0
    for _ in range(months):
        c.step()
    return c


@pytest.fixture(scope="module")
def default_run() -> Comparison:
    return _run()


def means(c: Comparison, key: str, column: str) -> np.ndarray:
    return np.array(c.lines[key].band(column)[0])


def test_things_to_notice_are_what_the_default_run_shows(default_run):
    c = default_run
    notice = section("Things to notice")
    assert "10,000 students a district, 10 runs a side, seed 0" in notice
    ach_l, ach_r = means(c, LEFT, "achievement"), means(c, RIGHT, "achievement")
    # "Through the first year ... less than 0.01 SD"; "the explain panel may call it clear"
    assert "less than 0.01 SD" in notice
    assert np.all(np.abs(ach_r[:10] - ach_l[:10]) < 0.01)
    # "Coherence differs from the first month (about 0.8 against 0.5)"
    assert "about 0.8 against 0.5" in notice
    coh_l, coh_r = means(c, LEFT, "coherence"), means(c, RIGHT, "coherence")
    assert round(coh_r[0], 1) == 0.8 and round(coh_l[0], 1) == 0.5      # the first month
    assert np.all(coh_r - coh_l > 0.2)                                    # "and the gap stays"
    # "the fragmented district always runs more initiatives"
    assert np.all(means(c, LEFT, "active_initiatives") > means(c, RIGHT, "active_initiatives"))
    # "in its first year its teachers are deeper ... from the second year on the focused is deeper"
    depth_l, depth_r = means(c, LEFT, "implementation_depth"), means(c, RIGHT, "implementation_depth")
    assert np.all(depth_l[:10] > depth_r[:10]) and np.all(depth_r[10:] > depth_l[10:])
    # "fatigue stays near zero in the focused district and rises in the fragmented one"
    assert means(c, RIGHT, "teacher_fatigue").max() < 0.05
    assert np.all(means(c, LEFT, "teacher_fatigue")[10:] > 0.1)
    # "from the second year on more of the fragmented district's teachers leave"
    assert np.all(means(c, LEFT, "teacher_turnover")[10:] > means(c, RIGHT, "teacher_turnover")[10:])
    # "hardly moves for three years, then climbs; by year 10 ahead by about 0.2 SD"
    assert "by year 10 it is ahead by about 0.2 SD" in notice
    assert abs(ach_r[29] - ach_r[0]) < 0.01 and ach_r[99] - ach_r[29] > 0.1
    mean, low, high = c.difference(RIGHT, LEFT)
    assert round(mean, 1) == 0.2 and low >= 0.05        # a clear, large effect
    # "The fragmented district ends lower than it began"
    assert ach_l[99] < ach_l[0]
    # "the gap barely responds"
    gap = means(c, LEFT, "achievement_gap")[99] - means(c, RIGHT, "achievement_gap")[99]
    assert abs(gap) < 0.01


def test_doing_nothing_new_keeps_the_district_level():
    notice = section("Things to notice")
    assert "`status_quo`) would have kept it level" in notice
    c = _run(Setup(scenarios={LEFT: "status_quo", RIGHT: "focused"}))
    ach = means(c, LEFT, "achievement")
    assert abs(ach[99] - ach[0]) < 0.01


def test_every_figure_things_to_notice_quotes_is_one_checked_above():
    notice = re.sub(r"\*[^*]+\*", "", section("Things to notice").replace("**", ""))  # titles: "(0-1)"
    notice = notice.replace("10,000", "10000")
    figures = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", notice))
    assert figures == {"10000", "10", "0", "0.01", "0.8", "0.5", "0.2"}, figures
