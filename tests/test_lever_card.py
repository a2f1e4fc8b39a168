"""The Levers card rendered without a browser (``solara.render``) on a small district: after a
change the slider, its readout and the typed fields show the value the model now uses; a bad
value is said at its field and changes nothing."""

from __future__ import annotations

import time
import warnings

import ipyvuetify as v
import pytest
import reacton.core
import solara

from district_sim.ui import levers
from district_sim.ui.context import Ctx
from district_sim.ui.lever_card import BURST_GAP, LeversCard
from district_sim.ui.session import RIGHT, Comparison

MONEY = "strategy.resource_alignment"        # a slider, 0.8 on the right (focused)
INITIATIVES = "strategy.initiatives_per_year"   # a typed decimal field, 0.7 on the right
SPENDING = "district.spending_per_student"   # a typed whole-number field, $16,000


#: The rendered card's message (``Ctx.status``), for a test to speak as another card would.
SEEN: dict[str, solara.Reactive] = {}


@solara.component
def Card(comparison: Comparison):
    """The Levers card with what the sidebar gives it (SessionPanel's Ctx)."""
    model = solara.use_reactive(comparison)
    ctx = Ctx(model, solara.use_reactive(False), solara.use_reactive(("", "ok")), solara.use_reactive(0),
              reacton.core.get_render_context())
    SEEN["status"] = ctx.status
    LeversCard(ctx)
    kind_text = ctx.status.value
    solara.Text(f"status: {kind_text[1]}: {kind_text[0]}", classes=["test-status"])


@pytest.fixture
def card():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # a small district warns that its schools are small
        comparison = Comparison(students=600, schools=2, replicates=2)
    comparison.step_year()
    _box, rc = solara.render(Card(comparison), handle_error=False)
    yield comparison, rc
    rc.close()


def open_group(rc, key: str) -> None:
    """Open the lever's group, as a click on its header does (only an open group's controls exist)."""
    groups = list(levers.by_group())
    panels = rc.find(v.ExpansionPanels).widget
    index = groups.index(levers.lever(key).group)
    if panels.v_model != index:
        panels.v_model = index


def slider(rc, key: str):
    open_group(rc, key)
    name = f"ds-slider-{key.replace('.', '-')}"
    return next(w for w in rc.find(v.Slider).widgets if name in (w.class_ or ""))


def field(rc, key: str):
    open_group(rc, key)
    name = f"ds-input-{key.replace('.', '-')}"
    return next(w for w in rc.find(v.TextField).widgets if name in (w.class_ or ""))


def texts(rc) -> list[str]:
    return [str(c) for w in rc.find(v.Html).widgets for c in (w.children or []) if isinstance(c, str)]


def status(rc) -> str:
    return next(t for t in texts(rc) if t.startswith("status: "))


def said(rc, place: str = "levers") -> list[str]:
    """The card's messages shown at ``place`` (``Status``'s alerts), as their text."""
    return [str(c) for w in rc.find(v.Alert).widgets if f"ds-error-{place}" in (w.class_ or "")
            or f"ds-ok-{place}" in (w.class_ or "") for c in (w.children or []) if isinstance(c, str)]


def now(comparison: Comparison, key: str) -> float:
    return levers.current(comparison.lines[RIGHT].settings, key)


def test_a_slider_change_stays_where_it_was_put_and_its_readout_follows(card):
    comparison, rc = card
    widget = slider(rc, MONEY)
    assert widget.v_model == 0.8
    widget.v_model = 0.1              # what the browser sends as the thumb moves...
    widget.fire_event("change", 0.1)  # ...and when it is let go, clicked, or a key is pressed
    assert now(comparison, MONEY) == 0.1
    assert widget.v_model == 0.1, "the slider snapped back to the old value"
    assert any(t.startswith("Share of money behind the strategy: 0.1") for t in texts(rc)), "stale readout"
    assert levers.display(MONEY, 0.1) in texts(rc)
    assert levers.display(MONEY, 0.8) not in texts(rc)


def idle() -> None:
    """Let the district sit idle, as between a user's separate changes."""
    time.sleep(BURST_GAP * 2)


def until(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the change never took effect"
        time.sleep(0.05)


def test_separate_key_presses_each_take_effect_at_once(card):
    comparison, rc = card
    widget = slider(rc, MONEY)
    for value in (0.75, 0.7, 0.65):   # Vuetify's v-slider emits change on every key press
        idle()
        widget.v_model = value
        widget.fire_event("change", value)
        assert now(comparison, MONEY) == value and widget.v_model == value
        assert levers.display(MONEY, value) in texts(rc)


def test_a_burst_of_key_presses_re_runs_the_district_once_on_the_last(card, monkeypatch):
    comparison, rc = card
    asked: list[float] = []
    set_lever = comparison.set_lever

    def counted(key: str, lever_key: str, value: float) -> float:
        asked.append(value)
        return set_lever(key, lever_key, value)

    monkeypatch.setattr(comparison, "set_lever", counted)
    widget = slider(rc, MONEY)
    for value in (0.75, 0.7, 0.65, 0.6):   # pressed while the first one re-ran: they queued
        widget.v_model = value
        widget.fire_event("change", value)
    until(lambda: now(comparison, MONEY) == 0.6)
    until(lambda: levers.display(MONEY, 0.6) in texts(rc))
    assert asked == [0.75, 0.6]
    assert slider(rc, MONEY).v_model == 0.6


def test_every_lever_shows_the_value_the_district_uses_with_its_unit(card):
    comparison, rc = card
    for lever in levers.LEVERS:
        open_group(rc, lever.key)
        assert levers.display(lever.key, now(comparison, lever.key)) in texts(rc), lever.key


def test_only_the_open_groups_controls_are_built(card):
    """A closed group's controls do not exist (each month's redraw walks every element)."""
    _, rc = card
    assert not rc.find(v.Slider).widgets and not rc.find(v.TextField).widgets
    for group, members in levers.by_group().items():
        open_group(rc, members[0].key)
        built = {w.class_ for w in rc.find(v.Slider).widgets + rc.find(v.TextField).widgets}
        mine = {f"ds-{'slider' if m.slider else 'input'}-{m.key.replace('.', '-')}" for m in members}
        assert {name for name in mine if any(name in c for c in built)} == mine, group
        assert len(built) == len(members), group


def test_a_typed_value_shows_in_its_readout_and_its_field(card):
    comparison, rc = card
    typed = field(rc, INITIATIVES)
    typed.v_model = "3.5"
    typed.fire_event("keyup.enter")
    assert now(comparison, INITIATIVES) == 3.5
    assert levers.display(INITIATIVES, 3.5) in texts(rc)
    assert field(rc, INITIATIVES).v_model == "3.5"
    money = field(rc, SPENDING)
    money.v_model = "10,000"          # a whole-number field: the comma groups thousands
    money.fire_event("focusout")
    assert now(comparison, SPENDING) == 10_000
    assert "Spending per student: $10,000 a student a year" in texts(rc)
    assert field(rc, SPENDING).v_model == "10000"


def test_a_comma_in_a_decimal_field_is_said_at_the_field_and_changes_nothing(card):
    comparison, rc = card
    before = comparison.lines[RIGHT].runs("achievement").tolist()
    typed = field(rc, INITIATIVES)
    typed.v_model = "2,5"
    typed.fire_event("keyup.enter")
    message = "New initiatives a year: use a decimal point (2.5, not 2,5); a comma is not read here"
    typed = field(rc, INITIATIVES)
    assert said(rc) == [message]                      # said once, by the card's message...
    assert not typed.messages                         # ...not a second time under the field
    assert typed.error and typed.v_model == "2,5"     # the text as typed, to correct
    assert status(rc) == f"status: error: {message}"
    assert now(comparison, INITIATIVES) == 0.7
    assert levers.display(INITIATIVES, 0.7) in texts(rc)
    assert comparison.lines[RIGHT].runs("achievement").tolist() == before
    typed.v_model = "60"
    typed.fire_event("keyup.enter")
    assert said(rc) == ["New initiatives a year must be between 0 and 50, got 60"]
    typed = field(rc, INITIATIVES)
    typed.v_model = "2.5"             # the value written as the message asks
    typed.fire_event("keyup.enter")
    assert now(comparison, INITIATIVES) == 2.5
    assert not field(rc, INITIATIVES).error and field(rc, INITIATIVES).v_model == "2.5"
    assert said(rc) == [comparison.note]              # the change's note, at the lever too


def test_a_refusal_is_said_at_its_field_once_another_card_has_spoken(card):
    comparison, rc = card
    typed = field(rc, INITIATIVES)
    typed.v_model = "lots"
    typed.fire_event("keyup.enter")
    message = said(rc)
    assert len(message) == 1 and "lots" in message[0]
    assert not field(rc, INITIATIVES).messages
    SEEN["status"].set(("Budget cut (all districts)", "ok", "shocks"))   # another card spoke
    assert said(rc) == []
    assert field(rc, INITIATIVES).messages == message and field(rc, INITIATIVES).error


def test_a_refused_value_is_forgotten_once_the_lever_moves_another_way(card):
    comparison, rc = card
    typed = field(rc, INITIATIVES)
    typed.v_model = "lots"
    typed.fire_event("keyup.enter")
    assert field(rc, INITIATIVES).error
    comparison.set_lever(RIGHT, INITIATIVES, "1.5")   # as the Fork or a scenario change would...
    widget = slider(rc, MONEY)
    widget.v_model = 0.5                              # ...then any change redraws the card
    widget.fire_event("change", 0.5)
    assert not field(rc, INITIATIVES).error and field(rc, INITIATIVES).v_model == "1.5"


def test_choosing_another_district_shows_its_levers(card):
    comparison, rc = card
    comparison.set_lever("left", MONEY, "0.45")
    select = next(w for w in rc.find(v.Select).widgets if w.label == "District to change")
    assert "ds-lever-district" in select.class_ and select.menu_props["contentClass"] == "ds-select-menu"
    select.v_model = "left"
    assert slider(rc, MONEY).v_model == 0.45
    assert levers.display(MONEY, 0.45) in texts(rc)


def test_a_key_press_acts_on_where_the_thumb_is_not_on_the_browsers_arithmetic(card):
    comparison, rc = card
    widget = slider(rc, MONEY)
    widget.v_model = 0.65
    widget.fire_event("change", 0.7 - 0.05)      # what the browser sends: 0.6499999999999999
    assert now(comparison, MONEY) == 0.65 and slider(rc, MONEY).v_model == 0.65
    idle()
    widget.fire_event("change", 1.05)            # End, then an arrow key: a step past the track
    assert now(comparison, MONEY) == 1.0 and "error" not in status(rc)
    line = comparison.lines[RIGHT]
    idle()
    widget.fire_event("change", 1.05)            # again: the thumb did not move, nothing re-runs
    assert comparison.lines[RIGHT] is line and slider(rc, MONEY).v_model == 1.0
