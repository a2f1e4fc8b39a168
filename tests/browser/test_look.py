"""How the page looks: readable type (PELP diagram, presenter mode), dark mode, hover values,
no badge over the charts, and a layout that fits 1024x768.

Sizes are measured as the browser draws them: an SVG text's font size times the scale its
SVG is drawn at (``getScreenCTM``), i.e. its size in CSS pixels on screen. The presenter
screenshot linked from the README is saved here: docs/screenshots/presenter.png.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re

import pytest

from .conftest import AT_MONTH_0, TIMEOUT
from .drive import SHOTS, click, months, step_years

#: Every <text> of the SVGs matching a selector: its size on screen (CSS px) and its words.
TEXT_SIZES = """sel => [...document.querySelectorAll(sel)].flatMap(svg => {
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('text')].map(t => ({
    px: parseFloat(getComputedStyle(t).fontSize) * scale, text: t.textContent}));
})"""

#: How wide the sidebar shows on screen (0 when hidden).
SIDEBAR_WIDTH = """() => {
  const d = document.querySelector('.v-navigation-drawer');
  if (!d || getComputedStyle(d).display === 'none') return 0;
  const r = d.getBoundingClientRect();
  return Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
}"""

#: The corners of an element (3 px in) that something else covers: [x, y] each.
COVERED_CORNERS = """e => {
  const r = e.getBoundingClientRect(), d = 3;
  const corners = [[r.left + d, r.top + d], [r.right - d, r.top + d],
                   [r.left + d, r.bottom - d], [r.right - d, r.bottom - d]];
  return corners.filter(([x, y]) => {
    const hit = document.elementFromPoint(Math.min(x, innerWidth - 1), Math.min(y, innerHeight - 1));
    return !(hit && e.contains(hit));
  });
}"""

#: Why an element is not on screen whole and uncovered ('' if it is: its corners and centre
#: are its own, inside the window).
NOT_IN_VIEW = """e => {
  const r = e.getBoundingClientRect(), d = 4;
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
    return `outside the window: ${JSON.stringify(r)} in ${innerWidth}x${innerHeight}`;
  const points = [[r.left + d, r.top + d], [r.right - d, r.top + d], [r.left + d, r.bottom - d],
                  [r.right - d, r.bottom - d], [(r.left + r.right) / 2, (r.top + r.bottom) / 2]];
  const covered = points.map(([x, y]) => document.elementFromPoint(x, y)).filter(h => !(h && e.contains(h)));
  return covered.map(h => `covered by ${h?.tagName}.${h?.className}`).join('; ');
}"""


@contextlib.contextmanager
def sized_page(browser, url: str, width: int, height: int):
    """A fresh page at another window size than the ``ui`` fixture's (its own districts),
    with page errors collected and checked as the fixture does."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(url)
        page.wait_for_selector(".ds-chart-achievement svg")
        page.wait_for_timeout(500)    # the sidebar's opening transition ends
        yield page
        assert errors == []
    finally:
        context.close()


def wait_months(page, at_least: int, timeout: float = TIMEOUT) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('.ds-chart-achievement svg')?.dataset.months) >= n",
        arg=at_least, timeout=timeout)


def text_sizes(page, selector: str) -> list[dict]:
    return page.evaluate(TEXT_SIZES, selector)


def sidebar_width(page) -> float:
    return page.evaluate(SIDEBAR_WIDTH)


def not_in_view(page, selector: str) -> str:
    return page.locator(selector).first.evaluate(NOT_IN_VIEW)


# --- the PELP diagram -----------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)], ids=["1440x900", "1024x768"])
def test_pelp_diagram_text_is_at_least_12_px(browser, ui_url, size):
    with sized_page(browser, ui_url + AT_MONTH_0, *size) as page:
        page.wait_for_selector("svg.pelp")
        sizes = text_sizes(page, "svg.pelp")
        words = " ".join(s["text"] for s in sizes)
        assert "Stakeholders" in words and "coherence" in words
        small = [s for s in sizes if s["px"] < 12]
        assert not small, f"PELP text under 12 px at {size}: {small}"


# --- presenter mode -------------------------------------------------------------------------

def presenting(page) -> bool:
    return page.get_by_role("button", name="Leave presenter mode", exact=True).count() == 1


def test_presenter_mode_hides_the_sidebar_and_enlarges_the_charts_at_1024x768(browser, ui_url):
    with sized_page(browser, ui_url + "?year=5", 1024, 768) as page:   # the screenshot shows 5 years
        before = min(s["px"] for s in text_sizes(page, ".ds-chart svg"))
        assert sidebar_width(page) > 200
        page.get_by_role("button", name="Present", exact=True).click()
        page.wait_for_function(f"({SIDEBAR_WIDTH})() === 0")
        page.wait_for_timeout(300)
        after = [s["px"] for s in text_sizes(page, ".ds-chart svg")]
        assert min(after) >= 14, f"smallest chart text in presenter mode: {min(after):.1f} px"
        assert min(after) > 1.3 * before
        cells = page.evaluate("() => [...document.querySelectorAll('.ds-chart')]"
                              ".map(c => c.getBoundingClientRect().toJSON())")
        assert len({round(c["x"]) for c in cells}) == 1            # one column at 1024 wide
        assert all(c["width"] > 900 for c in cells)                  # the whole width
        widths = page.evaluate("() => [...document.querySelectorAll('.ds-chart-achievement polyline.series')]"
                               ".map(p => parseFloat(getComputedStyle(p).strokeWidth)"
                               " * p.ownerSVGElement.getScreenCTM().a)")
        assert widths and min(widths) >= 3                           # lines a room can see
        explain = page.locator(".ds-explain").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert explain >= 20
        wait_months(page, 50, timeout=30_000)          # the opening has drawn five years
        page.locator(".ds-chart-achievement").evaluate("c => c.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tmp = SHOTS / ".presenter.tmp.png"
        page.screenshot(path=str(tmp))
        os.replace(tmp, SHOTS / "presenter.png")      # never a half-written file in docs/
        page.get_by_role("button", name="Leave presenter mode", exact=True).click()
        page.wait_for_function(f"({SIDEBAR_WIDTH})() > 200")
        assert not presenting(page)


# --- the sidebar ----------------------------------------------------------------------------

#: The open select menu's box, the sidebar's, and each item's title: its width and how wide
#: its text would be on one line (wider: cut).
MENU_BOXES = """() => {
  const menu = document.querySelector('.v-menu__content.menuable__content__active');
  const drawer = document.querySelector('.v-navigation-drawer').getBoundingClientRect();
  return {menu: menu.getBoundingClientRect().toJSON(), drawer: drawer.toJSON(),
          contentClass: menu.className,
          items: [...menu.querySelectorAll('.v-list-item__title')].map(t => ({
            text: t.textContent, height: t.getBoundingClientRect().height,
            cut: t.scrollWidth > t.clientWidth + 1}))};
}"""


def select_menu(page, label: str) -> dict:
    """Open the sidebar's select labelled ``label``; its menu's boxes (MENU_BOXES); close it."""
    named = page.locator("label", has_text=re.compile(f"^{label}$"))
    select = page.locator(".ds-session .v-select", has=named)
    select.scroll_into_view_if_needed()
    select.locator(".v-select__slot").click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item").first.wait_for()
    page.wait_for_timeout(400)                   # the menu's opening transition ends
    boxes = page.evaluate(MENU_BOXES)
    page.keyboard.press("Escape")
    page.locator(".v-menu__content.menuable__content__active").wait_for(state="detached")
    return boxes


def test_a_long_branch_name_wraps_in_the_fork_and_shocks_menus_within_the_sidebar(ui):
    step_years(ui, 1)
    ui.locator(".ds-fork-value input").fill("0.5")
    click(ui, "Fork")
    ui.locator('.ds-chart-achievement polyline[data-line="branch1"]').first.wait_for(state="attached")
    for label in ("District", "Lever", "Inject into"):
        boxes = select_menu(ui, label)
        menu, drawer = boxes["menu"], boxes["drawer"]
        assert "ds-select-menu" in boxes["contentClass"], label
        assert menu["width"] <= 361 and menu["x"] + menu["width"] <= drawer["x"] + drawer["width"] + 1, label
        assert not [i["text"] for i in boxes["items"] if i["cut"]], label
        if label != "Lever":                     # the branch's name is long: it takes two lines
            branch = next(i for i in boxes["items"] if i["text"].startswith("Branch:"))
            shortest = min(i["height"] for i in boxes["items"])
            assert branch["height"] > 1.5 * shortest, (label, branch)


# --- dark mode ------------------------------------------------------------------------------

def luminance(css_color: str) -> float:
    """Relative luminance (0 black, 1 white) of an rgb()/rgba() colour from getComputedStyle."""
    r, g, b = (float(v) / 255 for v in css_color[css_color.index("(") + 1:-1].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


COLOURS = """() => {
  const style = sel => getComputedStyle(document.querySelector(sel));
  return {cell: style('.ds-cell:has(.ds-chart-achievement)').backgroundColor,
          pelpCell: style('.ds-cell:has(svg.pelp)').backgroundColor,
          tick: style('.ds-chart-achievement svg text').fill,
          pelp: style('svg.pelp text[fill="currentColor"]').fill,
          words: style('.ds-explain').color};
}"""


def test_dark_mode_turns_the_charts_and_panels_dark(ui):
    light = ui.evaluate(COLOURS)
    assert luminance(light["cell"]) > 0.9 and luminance(light["tick"]) < 0.3
    toggle = ui.locator("header .v-btn:has(.mdi-brightness-auto, .mdi-weather-sunny, .mdi-weather-night)")
    for _ in range(3):                  # auto -> dark -> light -> auto: click until the page is dark
        toggle.click()
        ui.wait_for_timeout(300)
        if "theme--dark" in ui.locator(".v-application").get_attribute("class"):
            break
    dark = ui.evaluate(COLOURS)
    for cell in ("cell", "pelpCell"):
        assert luminance(dark[cell]) < 0.1, dark
    for ink in ("tick", "pelp", "words"):
        assert luminance(dark[ink]) > 0.6, dark


# --- hover values ---------------------------------------------------------------------------

def csv_rows(page) -> list[dict]:
    """The page's Data (CSV) export, its table (the what-if lines before it start with #)."""
    with page.expect_download() as got:
        page.get_by_role("button", name="Data (CSV)", exact=True).click()
    with open(got.value.path(), encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def month_x(page, chart: str, month: int) -> tuple[float, float]:
    """Where on screen ``month`` of a chart lies (its time axis read off the drawing's own plot
    box, as the x axis's labels place it), a third of the way down the plots."""
    page.locator(f".ds-chart-{chart}").scroll_into_view_if_needed()
    return page.evaluate("""([sel, month]) => {
        const svg = document.querySelector(sel + ' svg[data-plot]');
        const [left, top, width, height] = svg.dataset.plot.split(' ').map(Number);
        const m = svg.getScreenCTM(), years = Number(svg.dataset.years);
        return [m.a * (left + width * month / (years * 10)) + m.e, m.d * (top + height * 0.3) + m.f];
    }""", [f".ds-chart-{chart}", month])


def hover_tip(page, chart: str, month: int) -> tuple[str, float]:
    """Move the mouse onto ``month`` of a chart, as a user does: the tip shown beside the
    pointer, and how far (px) the month's line is from the pointer."""
    x, y = month_x(page, chart, month)
    page.mouse.move(x - 40, y)
    page.mouse.move(x, y, steps=4)
    tip = page.locator(f".ds-chart-{chart} .ds-tip")
    tip.wait_for()
    line = page.locator(f".ds-chart-{chart} .ds-tip-line").bounding_box()
    return tip.inner_text(), abs(line["x"] - x)


def test_hovering_a_chart_shows_the_month_and_each_line_with_its_interval(ui):
    if months(ui) < 20:
        step_years(ui, 2)
    month = 15                                   # year 2, month 5 (ten school months a year)
    tip, off = hover_tip(ui, "achievement", month)
    assert off < 2                               # the hovered month is marked by a line
    first, *lines = tip.splitlines()
    assert first.startswith("year 2, month 5")
    assert len(lines) == 2                       # both districts
    row = next(r for r in csv_rows(ui) if r["district"] == "left" and int(r["month_index"]) == month)
    mine = next(line for line in lines if line.startswith(f"{row['label']}:"))
    found = re.search(r"achievement (-?\d+\.\d+) \((-?\d+\.\d+) to (-?\d+\.\d+)\)", mine)
    assert found, mine
    mean, low, high = (float(v) for v in found.groups())
    assert mean == pytest.approx(float(row["achievement"]), abs=0.0006)
    assert low == pytest.approx(float(row["achievement_low"]), abs=0.0006)
    assert high == pytest.approx(float(row["achievement_high"]), abs=0.0006)
    click(ui, "Step a month")                    # the tip follows the pointer after a redraw
    x, y = month_x(ui, "achievement", 18)
    ui.mouse.move(x, y, steps=4)
    ui.locator(".ds-chart-achievement .ds-tip", has_text="year 2, month 8").wait_for()
    ui.mouse.move(5, 5)                          # away from the chart: the tip goes
    ui.locator(".ds-chart-achievement .ds-tip").wait_for(state="detached")


# --- Solara's badge -------------------------------------------------------------------------

def test_nothing_covers_the_corners_of_the_charts(ui):
    ui.wait_for_timeout(1500)                    # Solara's badge shows once the page has loaded
    assert not ui.get_by_text("This website runs on").is_visible()
    for key in ("achievement", "practice", "budget"):
        chart = ui.locator(f".ds-chart-{key}")
        chart.evaluate("c => c.scrollIntoView({block: 'end', inline: 'end'})")
        assert chart.evaluate(COVERED_CORNERS) == [], key


# --- the page at 1024x768 -------------------------------------------------------------------

def test_at_1024x768_the_explain_panel_and_a_chart_are_in_view_with_the_sidebar_open(browser, ui_url):
    with sized_page(browser, ui_url + AT_MONTH_0, 1024, 768) as page:
        assert sidebar_width(page) > 200
        assert not_in_view(page, ".ds-explain-panel") == ""
        assert not_in_view(page, ".ds-chart-achievement") == ""


#: The app bar's buttons that are drawn outside its box, each as its text and box; and whether
#: the bar's month is cut.
BAR_SPILL = """() => {
  const bar = document.querySelector('header').getBoundingClientRect();
  const out = [...document.querySelectorAll('header .v-btn')]
    .filter(b => b.getClientRects().length)
    .map(b => ({text: b.textContent.trim(), box: b.getBoundingClientRect().toJSON()}))
    .filter(({box}) => box.top < bar.top - 0.5 || box.bottom > bar.bottom + 0.5
                       || box.left < bar.left - 0.5 || box.right > bar.right + 0.5);
  const now = document.querySelector('.ds-bar-now');
  return {out, cut: now.scrollWidth > now.clientWidth + 1, now: now.textContent};
}"""


def test_at_1024x768_every_app_bar_button_lies_inside_the_app_bar(browser, ui_url):
    with sized_page(browser, ui_url, 1024, 768) as page:          # the opening: its long clock
        page.locator(".ds-bar-now", has_text="running to year 10").wait_for()
        for state in ("opening", "presenting"):
            spill = page.evaluate(BAR_SPILL)
            assert spill["out"] == [], (state, spill)
            assert not spill["cut"], (state, spill["now"])       # the title gives way, not the month
            if state == "opening":
                page.get_by_role("button", name="Present", exact=True).click()
                page.get_by_role("button", name="Leave presenter mode", exact=True).wait_for()
                page.wait_for_timeout(300)
        click(page, "❚❚")                                        # pause the opening
        page.locator(".ds-bar-now", has_text="running to").wait_for(state="detached")
        assert page.evaluate(BAR_SPILL)["out"] == []


#: The sidebar's width and where the main area's charts start, with something 700 px wide put
#: in the sidebar (as a long line would be: whatever it holds), then taken out again.
SIDEBAR_WITH_WIDE_CONTENT = """async () => {
  const drawer = document.querySelector('.v-navigation-drawer');
  const main = () => document.querySelector('.ds-dashboard').getBoundingClientRect().left;
  const before = {width: drawer.getBoundingClientRect().width, main: main()};
  const wide = document.createElement('div');
  wide.style.cssText = 'width: 700px; height: 4px; flex: none';
  drawer.querySelector('.v-navigation-drawer__content').appendChild(wide);
  await new Promise(r => setTimeout(r, 500));
  const after = {width: drawer.getBoundingClientRect().width, main: main()};
  wide.remove();
  return {before, after};
}"""


@pytest.mark.parametrize("width", [1024, 1440, 1920, 2560])
def test_the_sidebar_is_400_px_wide_at_any_window_from_1024_px(browser, ui_url, width):
    with sized_page(browser, ui_url + AT_MONTH_0, width, 900) as page:
        found = page.evaluate(SIDEBAR_WITH_WIDE_CONTENT)
        for when, box in found.items():
            assert box["width"] == 400, (when, box)
            assert 400 <= box["main"] <= 440, (when, box)       # the charts start right of it

