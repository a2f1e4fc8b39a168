"""The page's main area: the scenarios' descriptions, this month's figures, the explain panel,
the PELP diagrams, the charts, the schools and the model's Info tab ("About the model").

Each component gets the :class:`~district_sim.ui.session.Comparison` and the month (``frame``)
as props from ``Dashboard``, which alone follows Mesa's ``update_counter``."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import solara
from mesa.visualization.utils import update_counter

from ..calendar import MONTHS_PER_YEAR, calendar
from ..scenarios import list_scenarios
from . import charts, explain
from .info import info_markdown
from .session import LEFT, RIGHT, Comparison, Line
from .widgets import ChartFrame, Svg, tag


@solara.component
def ExplainPanel(model: Comparison, frame: int):
    """Why the two sides differ now, in plain words, and the classroom demo's caption."""
    pairs = [(LEFT, RIGHT)] + [(k, line.parent) for k, line in model.lines.items() if line.parent]
    with solara.Column(classes=["ds-panel", "ds-explain-panel"]):
        solara.Text("Why the districts differ now", classes=["ds-bold"])
        # keys: the panel's elements come and go (a caption, a branch), and a reused element
        # would keep its old tag in the browser
        with solara.Div(classes=["ds-explain"]):
            if model.caption:
                tag("div", model.caption, "ds-caption").key("caption")
            for a, b in pairs:
                d = explain.diagnose_pair(model, a, b)
                tag("p", [tag("b", d.headline)], "ds-headline").key(f"headline-{a}-{b}")
                if d.reasons:
                    tag("ul", [tag("li", r) for r in d.reasons], "ds-reasons").key(f"reasons-{a}-{b}")
            if model.note:
                tag("p", f"Last change: {model.note}", "ds-note").key("note")
            tag("p", f"{model.when().capitalize()}. Each line is the mean of {model.replicates} runs of its "
                      f"district (seeds from {model.seed}, as district-sim compare --seed {model.seed}); the "
                      f"shaded band is its 95% interval; a difference is clear only when its interval "
                      f"excludes zero, and too small to matter under {explain.LEVEL} SD of achievement. "
                      f"Shocks on the charts: {charts.shock_legend()}; grey triangles under "
                      f"the axis are shocks from chance or the scenario (hover: in how many runs). "
                      f"The reasons name the mechanism on which the districts differ most, relative "
                      f"to a difference that matters.", "ds-footnote").key("footnote")


@solara.component
def PelpPanel(model: Comparison, frame: int):
    """PELP's Coherence Framework for each district, elements coloured by alignment."""
    with model.lock:
        svgs = [charts.pelp_svg(line.model, line.label, line.color) for line in model.lines.values()]
    with solara.Column(classes=["ds-panel"]):
        solara.Text("PELP coherence framework (green = in line with the theory of action, red = out of "
                    f"line), in the first of each district's {model.replicates} runs", classes=["ds-small"])
        with solara.Div(classes=["ds-pelp"]):
            for svg in svgs:
                Svg(svg, ["ds-pelp-item"])


@solara.component
def ChartView(model: Comparison, key: str, frame: int, spread: bool = False):
    """One chart of every district on the same axes (an SVG document, redrawn each month):
    each district's mean with its 95% band, and with ``spread`` each replicate's thin line.
    Hovering a month shows its values (``charts.hover_tip``), written only while hovered."""
    chart = charts.CHART_BY_KEY[key]
    hovered, set_hovered = solara.use_state(0)

    def draw() -> str:
        series = model.series(charts.chart_columns(chart), spread=spread)
        return charts.chart_svg(chart, series, list(model.markers), model.environment_shocks(), model.time)

    def tip() -> str:
        if not hovered:
            return ""
        return charts.hover_tip(chart, model.series(charts.chart_columns(chart), spread=spread), hovered)

    svg = solara.use_memo(draw, [model, frame, spread])   # a hover alone does not redraw
    text = solara.use_memo(tip, [model, frame, spread, hovered])
    ChartFrame.element(svg=svg, classes=f"ds-chart ds-chart-{key}", tip=text, tip_month=hovered,
                       on_hover_=set_hovered)


@solara.component
def SchoolsView(model: Comparison, frame: int):
    """Every school as a tile coloured by practice or achievement; a click shows its people."""
    metric, set_metric = solara.use_state("practice")
    selected, set_selected = solara.use_state(None)
    with model.lock:
        values = {k: charts.school_values(line.model, metric) for k, line in model.lines.items()}
        detail = None
        if selected is not None and selected[0] in model.lines:
            line = model.lines[selected[0]]
            if selected[1] < line.model.schools.n:
                detail = (line, charts.school_detail(line.model, selected[1]))
    low = min(float(v.min()) for v in values.values())
    high = max(float(v.max()) for v in values.values())
    with solara.Column(classes=["ds-schools"]):
        with solara.Row():
            solara.ToggleButtonsSingle(value=metric, values=list(charts.SCHOOL_METRICS), on_value=set_metric,
                                       dense=True)
            solara.Text(f"{charts.SCHOOL_METRICS[metric]}: red {low:.3f}, blue {high:.3f} (the first of "
                        f"each district's {model.replicates} runs)", classes=["ds-small"])
        for key, line in model.lines.items():
            solara.Text(line.label, classes=["ds-bold"], style={"color": line.color})   # the district's
            with solara.Row(gap="3px", classes=["ds-tiles"]):
                for school, value in enumerate(values[key]):
                    solara.Button(
                        label=str(school + 1), dense=True, small=True,
                        on_click=lambda key=key, school=school: set_selected((key, school)),
                        classes=["ds-school"],
                        style={"background-color": charts.diverging(float(value), low, high)},
                    )
        if detail is not None:
            line, info = detail
            SchoolDetail(line.label, info)


@solara.component
def SchoolDetail(label: str, info: dict):
    p = info["principal"]
    solara.Text(f"{label}, school {p['school'] + 1}: {info['students']} students, "
                f"{100 * info['high_need_share']:.0f}% high-need"
                + (" (high-poverty school)" if p["high_poverty"] else ""), classes=["ds-bold"])
    solara.Text(f"Principal #{p['principal_id']}: instructional leadership {p['leadership']:.2f}, "
                f"{p['tenure_years']:.1f} years in the school, focus {p['focus']:.2f} (share of "
                f"initiative oversight they can give)", classes=["ds-small"])
    header = ["teacher", "practice (SD)", "years", "fatigue", "cynicism", "attention met"]
    rows = [[str(t["teacher"]), f"{t['practice']:+.3f}", f"{t['experience']:.1f}", f"{t['fatigue']:.2f}",
             f"{t['cynicism']:.2f}", f"{t['attention_met']:.2f}"] for t in info["teachers"]]
    with solara.Div():
        tag("table", [tag("tbody", [tag("tr", [tag("th", h) for h in header])]
                            + [tag("tr", [tag("td", cell) for cell in row]) for row in rows])],
             "ds-teachers")


def side_name(key: str) -> str:
    """How the page names a district's place: Left, Right or Branch."""
    return "Left" if key == LEFT else "Right" if key == RIGHT else "Branch"


def time_text(c: Comparison) -> str:
    """The month about to run, saying what a month is: 'Year 3, month 4 (24 school months run,
    10 a school year)'. A model month is a school month, so a year on the charts is ten steps."""
    year, month = calendar(c.time)
    run = f"{c.months} school {'month' if c.months == 1 else 'months'} run"
    return f"Year {year}, month {month} ({run}, {MONTHS_PER_YEAR} a school year)"


@solara.component
def ScenarioDescriptions(left: str, right: str):
    """Each side's scenario in a sentence (its file's description), so a room knows what the two
    colours stand for before reading a chart."""
    described = solara.use_memo(list_scenarios, [])
    with solara.Column(gap="0px", classes=["ds-descriptions"]):
        for side, name in ((LEFT, left), (RIGHT, right)):
            solara.v.Html(tag="div", class_="ds-description ds-small", attributes={"data-side": side},
                          children=[solara.v.Html(tag="b", children=[f"{side_name(side)} ({name}): "]),
                                    described.get(name, "")])


@dataclass(frozen=True)
class Readout:
    """One cell of the figures table: a chart's values for one district this month."""

    chart: str                                   # the chart it stands beside (charts.CHART_TITLES)
    columns: tuple[str, ...]                     # the reporters it reads
    show: Callable[[dict[str, tuple[float, float, float]]], str]   # (mean, low, high) by column


def _signed(x: float, digits: int = 3) -> str:
    """A signed figure with a true minus sign, as the explain panel prints differences."""
    return f"{x:+.{digits}f}".replace("-", "\u2212")


def _band(b: tuple[float, float, float], digits: int = 3) -> str:
    return f"{_signed(b[0], digits)} [{_signed(b[1], digits)}, {_signed(b[2], digits)}]"


#: What the figures table shows, one cell a chart, in the charts' order, two short lines a
#: cell at most: each chart's values this month (mean over the runs; achievement with its 95%
#: interval, as the explain panel reads it), and for the budget the share of improvement money
#: behind the strategy (``resource_alignment``: the budget chart's solid against its dotted).
READOUTS: tuple[Readout, ...] = (
    Readout("achievement", ("achievement", "achievement_gap"),
            lambda v: f"{_band(v['achievement'])} SD\ngap {v['achievement_gap'][0]:.3f} SD"),
    Readout("practice", ("teacher_practice",), lambda v: f"{_signed(v['teacher_practice'][0])} SD a year"),
    Readout("coherence", ("coherence",), lambda v: f"{v['coherence'][0]:.2f}"),
    Readout("initiatives", ("active_initiatives", "implementation_depth"),
            lambda v: f"{v['active_initiatives'][0]:.1f} running\ndepth {v['implementation_depth'][0]:.2f}"),
    Readout("fatigue", ("teacher_fatigue", "teacher_turnover"),
            lambda v: f"fatigue {v['teacher_fatigue'][0]:.2f}\n{100 * v['teacher_turnover'][0]:.0f}% "
                      "leave a year"),
    Readout("budget", ("class_size", "resource_alignment"),
            lambda v: f"class size {v['class_size'][0]:.1f}\n{100 * v['resource_alignment'][0]:.0f}% of "
                      "money aligned"),
)


def readout_cells(line: Line) -> dict[str, str]:
    """The figures table's row for one district: chart key -> text (empty before a month ran).
    Read off the bands the charts draw (``Line.band``), so the table and the charts agree."""
    if not line.months:
        return {}
    last = {c: tuple(v[-1] for v in line.band(c)) for r in READOUTS for c in r.columns}
    return {r.chart: r.show(last) for r in READOUTS}


def figures_html(title: str, rows: list[tuple[str, str, str, dict[str, str]]]) -> str:
    """The figures table as markup (page.css lays it out: ``.ds-readouts``): one element for the
    page to send and walk each month, where a table of elements was some fifty. Every text is
    escaped; only a district's colour, known at run time, is inline."""
    esc = html.escape
    head = "".join(f"<th>{esc(t)}</th>" for t in [title] + [charts.CHART_TITLES[r.chart] for r in READOUTS])
    body = "".join(
        f'<tr data-line="{esc(key)}"><td class="ds-readout-name" style="color: {esc(color)};">'
        f"{esc(side_name(key))}: {esc(label)}</td>"
        + "".join(f'<td data-chart="{r.chart}">{esc(cells.get(r.chart, ""))}</td>' for r in READOUTS)
        + "</tr>"
        for key, label, color, cells in rows)
    return (f'<div class="ds-readouts-scroll"><table class="ds-readouts ds-small">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


@solara.component
def FiguresTable(model: Comparison, frame: int):
    """This month's key figures for every district, one column a chart: the numbers behind the
    lines' ends, for a room that reads figures rather than slopes (NetLogo's monitors)."""
    with model.lock:
        rows = [(key, line.label, line.color, readout_cells(line)) for key, line in model.lines.items()]
    if not any(cells for *_, cells in rows):
        tag("div", "This month's figures appear here once a month has run (Step or Play).",
            "ds-small ds-readouts-empty").key("readouts-empty")
        return
    year, month = calendar(model.time - 1)
    Svg(figures_html(f"Year {year}, month {month}", rows), ["ds-figures"]).key("readouts")


#: The main area's views, as the toggle names them.
VIEWS = ("Compare", "Schools", "About the model")


@solara.component
def InfoView():
    """The model's Info tab, in NetLogo's sections: what it is, how it works, what to notice and
    try, how to extend it, credits (``info.info_markdown``, read from the registries once)."""
    text = solara.use_memo(info_markdown, [])
    with solara.Column(classes=["ds-info"], style={"max-width": "60em"}):   # lines a reader can follow
        solara.Markdown(text)


@solara.component
def Dashboard(model: solara.Reactive):
    """The main area. It alone follows Mesa's ``update_counter`` and hands the month down as a
    prop, so a step redraws everything in one render pass (each subscriber costs one)."""
    frame = update_counter.get()
    c = model.value
    view, set_view = solara.use_state("Compare")
    spread, set_spread = solara.use_state(False)
    with solara.Column(classes=["ds-dashboard"]):
        with solara.Row(classes=["ds-middle"]):
            solara.ToggleButtonsSingle(value=view, values=list(VIEWS), on_value=set_view,
                                       dense=True, classes=["ds-view"])
            solara.Text(time_text(c), classes=["ds-now"])
            with solara.Div(classes=["ds-spread"]):
                solara.Checkbox(label=f"Show each of the {c.replicates} runs", value=spread,
                                on_value=set_spread)
            solara.Text(" · ".join(f"{side_name(k)}: {line.label}" for k, line in c.lines.items()),
                        classes=["ds-small"])
        if view == "About the model":
            with solara.Column(classes=["ds-cell"]):
                InfoView()
            return
        if view == "Schools":
            with solara.Column(classes=["ds-cell"]):
                SchoolsView(c, frame)
            return
        ScenarioDescriptions(c.lines[LEFT].scenario, c.lines[RIGHT].scenario)
        FiguresTable(c, frame)
        with solara.Div(classes=["ds-grid"]):
            with solara.Div(classes=["ds-cell"]):
                ExplainPanel(c, frame)
            with solara.Div(classes=["ds-cell"]):
                PelpPanel(c, frame)
            for chart in charts.CHARTS:
                with solara.Div(classes=["ds-cell"]):
                    ChartView(c, chart.key, frame, spread)
