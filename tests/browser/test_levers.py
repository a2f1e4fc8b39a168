"""The Levers card in a real browser: every control shows the value the model now uses, with its
unit, right after a change by mouse, keyboard or typing; each label sits with its own control;
typed numbers are read as a room writes them; choosing a branch keeps the sidebar's width.

The card acts on the right side (focused) unless another district is chosen: its share of money
behind the strategy is 0.8, it launches 0.7 initiatives a year and spends $16,000 a student."""

from __future__ import annotations

import re

from district_sim.ui import levers

from .drive import click, wait_months

MONEY = "strategy.resource_alignment"       # a slider: 0 to 1 in steps of 0.05
INITIATIVES = "strategy.initiatives_per_year"   # a typed decimal field
SPENDING = "district.spending_per_student"  # a typed whole-number field (dollars)


def months(page) -> int:
    """Months the charts show (the achievement chart's own svg: charts may hold inner ones)."""
    return int(page.locator(".ds-chart-achievement svg[data-months]").first.get_attribute("data-months"))


def step_years(page, years: int) -> None:
    start = months(page)
    for i in range(years):
        click(page, "Step a year")
        wait_months(page, start + 10 * (i + 1))


def settled(page) -> int:
    """The month the page rests at, after a year run by hand so that a change has charts to
    move (the ``ui`` page opens at month 0 and does not play by itself)."""
    assert page.get_by_role("button", name=re.compile(r"pause|❚❚", re.IGNORECASE)).count() == 0
    if months(page) < 10:
        step_years(page, 1)
    return months(page)


def css(key: str) -> str:
    return key.replace(".", "-")


def block(page, key: str):
    """A lever's block (its readout, its control and its help), found by its control."""
    control = f".ds-slider-{css(key)}" if levers.lever(key).slider else f".ds-input-{css(key)}"
    return page.locator(f".ds-lever:has({control})")


def readout(page, key: str, value: float) -> None:
    """Wait until the lever's block reads the value with its unit ("Name: 0.10 (10%) of ...")."""
    text = re.compile(re.escape(levers.display(key, value)))
    block(page, key).filter(has_text=text).wait_for(timeout=15_000)


def thumb_at(page, key: str, value: float) -> None:
    """Wait until the slider's thumb sits at ``value`` and its thumb label says it."""
    page.wait_for_function(
        """([sel, v]) => {
             const t = document.querySelector(sel + ' [role=slider]');
             const label = document.querySelector(sel + ' .v-slider__thumb-label');
             return t && Number(t.getAttribute('aria-valuenow')) === v
                    && label && Number(label.textContent.trim()) === v;
           }""", arg=[f".ds-slider-{css(key)}", value], timeout=15_000)


def status(page, text: str) -> None:
    page.locator(".ds-ok", has_text=text).wait_for(timeout=15_000)


def chart(page, key: str) -> str:
    """A chart's drawing (its own svg: a chart may hold inner ones)."""
    return page.locator(f".ds-chart-{key} svg[data-chart]").first.inner_html()


def open_group(page, group: str) -> None:
    click(page, group)
    page.locator(".v-expansion-panel--active .ds-lever").first.wait_for(state="visible")


def test_a_mouse_change_shows_the_new_value_and_unit_and_moves_the_chart(ui):
    now = settled(ui)
    before = chart(ui, "budget")
    open_group(ui, "Resources")
    slider = ui.locator(f".ds-slider-{css(MONEY)} .v-slider")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.1, "y": box["height"] / 2})
    status(ui, "Share of money behind the strategy = 0.1,")
    ui.wait_for_timeout(1000)   # the page has settled: no snap back to the old value
    readout(ui, MONEY, 0.1)
    thumb_at(ui, MONEY, 0.1)
    assert "0.80" not in block(ui, MONEY).inner_text()
    assert chart(ui, "budget") != before
    assert months(ui) == now    # re-run to the same month, not restarted


def test_a_drag_shows_where_the_thumb_was_let_go(ui):
    settled(ui)
    open_group(ui, "Resources")
    slider = ui.locator(f".ds-slider-{css(MONEY)} .v-slider")
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    ui.mouse.move(box["x"] + box["width"] * 0.8, y)
    ui.mouse.down()
    for share in (0.7, 0.6, 0.5, 0.4):
        ui.mouse.move(box["x"] + box["width"] * share, y, steps=3)
    ui.mouse.up()
    status(ui, "Share of money behind the strategy = 0.4,")
    ui.wait_for_timeout(1000)
    readout(ui, MONEY, 0.4)
    thumb_at(ui, MONEY, 0.4)


def test_a_keyboard_change_takes_effect_and_shows(ui):
    settled(ui)
    before = chart(ui, "budget")
    open_group(ui, "Resources")
    thumb = ui.locator(f".ds-slider-{css(MONEY)} [role=slider]")
    thumb.focus()
    for value in (0.75, 0.7, 0.65):            # one step of 0.05 a press
        thumb.press("ArrowLeft")
        status(ui, f"Share of money behind the strategy = {value:g},")
        readout(ui, MONEY, value)
    ui.wait_for_timeout(1000)
    readout(ui, MONEY, 0.65)
    thumb_at(ui, MONEY, 0.65)
    assert chart(ui, "budget") != before
    thumb.press("Home")
    status(ui, "Share of money behind the strategy = 0,")
    readout(ui, MONEY, 0)
    thumb_at(ui, MONEY, 0)
    thumb.press("End")
    status(ui, "Share of money behind the strategy = 1,")
    readout(ui, MONEY, 1)
    thumb_at(ui, MONEY, 1)
    thumb.press("ArrowRight")      # at the end of the track: the slider stays, nothing is refused
    ui.wait_for_timeout(1500)
    assert ui.locator(".ds-error").count() == 0
    readout(ui, MONEY, 1)
    thumb_at(ui, MONEY, 1)
    thumb.press("PageDown")        # ten steps down
    status(ui, "Share of money behind the strategy = 0.5,")
    readout(ui, MONEY, 0.5)
    thumb_at(ui, MONEY, 0.5)


def test_quick_key_presses_end_where_the_keys_took_the_thumb(ui_opening):
    """At year 10 a change re-runs ten runs of each district for about 2 s: the presses all
    come while the first one re-runs, and are taken together (lever_card.Burst)."""
    ui = ui_opening
    ui.locator(".ds-clock", has_text="ran to year 10").wait_for(timeout=60_000)
    open_group(ui, "Resources")
    thumb = ui.locator(f".ds-slider-{css(MONEY)} [role=slider]")
    thumb.focus()
    for _ in range(6):                          # faster than the district re-runs
        thumb.press("ArrowLeft")
    status(ui, "Share of money behind the strategy = 0.5,")
    ui.wait_for_timeout(1500)
    readout(ui, MONEY, 0.5)
    thumb_at(ui, MONEY, 0.5)


def test_a_typed_value_shows_with_its_unit_after_enter_or_leaving_the_field(ui):
    settled(ui)
    before = chart(ui, "initiatives")
    open_group(ui, "Strategy")
    field = ui.locator(f".ds-input-{css(INITIATIVES)} input")
    field.fill("3.5")
    field.press("Enter")
    status(ui, "New initiatives a year = 3.5,")
    readout(ui, INITIATIVES, 3.5)
    assert field.input_value() == "3.5"
    assert chart(ui, "initiatives") != before
    click(ui, "Strategy")                  # close Strategy, open Resources
    open_group(ui, "Resources")
    money = ui.locator(f".ds-input-{css(SPENDING)} input")
    money.fill("12,500")                   # a whole-number field: the comma groups thousands
    money.press("Tab")                     # leaving the field commits it too
    status(ui, "Spending per student ($ a year) = 12500,")
    readout(ui, SPENDING, 12_500)
    assert "$12,500 a student a year" in block(ui, SPENDING).inner_text()
    assert money.input_value() == "12500"


def test_a_comma_in_a_decimal_field_is_refused_and_changes_nothing(ui):
    settled(ui)
    open_group(ui, "Strategy")
    readout(ui, INITIATIVES, 0.7)
    before = chart(ui, "initiatives")
    field = ui.locator(f".ds-input-{css(INITIATIVES)} input")
    field.fill("2,5")
    field.press("Enter")
    message = "New initiatives a year: use a decimal point (2.5, not 2,5)"
    ui.locator(".ds-error", has_text=message).wait_for()
    assert message in block(ui, INITIATIVES).inner_text()      # said at the field itself
    ui.wait_for_timeout(1000)
    readout(ui, INITIATIVES, 0.7)                               # the value the model still uses
    assert chart(ui, "initiatives") == before
    field.fill("60")
    field.press("Enter")
    ui.locator(".ds-error", has_text="New initiatives a year must be between 0 and 50, got 60").wait_for()
    readout(ui, INITIATIVES, 0.7)
    assert chart(ui, "initiatives") == before


def test_a_bad_typed_value_is_said_once_inside_the_levers_card_beside_its_field(ui):
    settled(ui)
    open_group(ui, "Strategy")
    field = ui.locator(f".ds-input-{css(INITIATIVES)} input")
    field.fill("lots")
    field.press("Enter")
    message = ui.locator(".ds-levers .ds-error", has_text="'lots' is not a number")
    message.wait_for()
    assert ui.locator(".ds-error").count() == 1                 # not also at the top of the sidebar
    assert ui.locator(".ds-session > .ds-error, .ds-error-page").count() == 0
    assert ui.get_by_text("'lots' is not a number").count() == 1   # said once, not under the field too
    lever, said = block(ui, INITIATIVES).bounding_box(), message.bounding_box()
    assert lever["y"] <= said["y"] and said["y"] + said["height"] <= lever["y"] + lever["height"]
    assert "error--text" in ui.locator(f".ds-input-{css(INITIATIVES)}").get_attribute("class")
    field.fill("2")
    field.press("Enter")
    block(ui, INITIATIVES).locator(".ds-ok", has_text="New initiatives a year = 2").wait_for(timeout=15_000)
    assert ui.locator(".ds-error").count() == 0


def test_each_label_sits_above_its_own_control_and_its_help_under_it(ui):
    settled(ui)
    wrong: list[str] = []
    for group in levers.GROUPS:
        open_group(ui, group)
        blocks = ui.locator(".v-expansion-panel--active .ds-lever")
        previous_bottom = None
        for i in range(blocks.count()):
            lever_block = blocks.nth(i)
            labels = lever_block.locator(".ds-lever-label")
            if labels.count() != 1:
                wrong.append(f"{group} #{i}: no readout of its value")
                continue
            text = labels.inner_text()
            label = labels.bounding_box()
            control = lever_block.locator(".ds-slider, .v-text-field").first.bounding_box()
            help_box = lever_block.locator(".ds-small").first.bounding_box()
            if not re.match(r"^[^:]+: \S", text):
                wrong.append(f"{text!r}: no value")
            if label["y"] + label["height"] > control["y"] + 1:
                wrong.append(f"{text}: label not above its own control")
            elif control["y"] - (label["y"] + label["height"]) >= 24:
                wrong.append(f"{text}: label far from its control")
            if control["y"] + control["height"] > help_box["y"] + 1:
                wrong.append(f"{text}: help not under its control")
            if previous_bottom is not None and min(label["y"], control["y"]) < previous_bottom:
                wrong.append(f"{text}: overlaps the lever above")
            previous_bottom = help_box["y"] + help_box["height"]
        click(ui, group)   # close it again
        ui.wait_for_timeout(300)
    assert wrong == []


def test_every_lever_shows_its_current_value_and_unit(ui):
    settled(ui)
    for group, group_levers in levers.by_group().items():
        open_group(ui, group)
        for lever in group_levers:
            text = block(ui, lever.key).locator(".ds-lever-label").inner_text()
            assert text.startswith(f"{lever.name}: ")
            if lever.unit:
                assert text.endswith(lever.unit), text
        click(ui, group)
        ui.wait_for_timeout(300)


def test_choosing_a_branch_in_levers_keeps_the_sidebar_width_and_the_charts_in_place(ui):
    settled(ui)
    ui.locator(".ds-fork-value input").fill("0.5")
    click(ui, "Fork")
    ui.locator('.ds-chart-achievement polyline[data-line="branch1"]').first.wait_for(state="attached")
    sidebar = ui.locator(".ds-session")
    charts = ui.locator(".ds-chart-achievement")
    width, left = sidebar.bounding_box()["width"], charts.bounding_box()["x"]
    select = ui.locator(".v-select", has=ui.locator("label", has_text="District to change"))
    select.scroll_into_view_if_needed()
    select.locator(".v-select__slot").click()
    item = ui.locator(".v-menu__content.menuable__content__active .v-list-item", has_text="Branch:")
    item.click()
    select.locator(".v-select__selection", has_text="Branch:").wait_for()
    ui.wait_for_timeout(500)
    assert abs(sidebar.bounding_box()["width"] - width) <= 1
    assert abs(charts.bounding_box()["x"] - left) <= 1
    # the chosen item is cut inside the field, not drawn past it
    field = select.bounding_box()
    chosen = select.locator(".v-select__selection").bounding_box()
    assert chosen["x"] + chosen["width"] <= field["x"] + field["width"] + 1
