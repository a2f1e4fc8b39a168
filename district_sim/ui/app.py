"""The browser page: two districts side by side, levers, shocks, forks, explanations.

Built on Mesa's SolaraViz: the model it plays, steps and resets is a
:class:`~district_sim.ui.session.Comparison` (every district on the page, stepped in
lockstep); its components are the charts, the explain panel, the PELP diagrams and the
schools. The sidebar adds what a district leader or a teacher does with the page: pick
scenarios, pull levers, inject shocks, fork a branch, run the classroom demonstration,
export. All state logic lives in plain modules (``session``, ``levers``, ``explain``,
``charts``, ``classroom``); this module only lays them out.

Run with ``district-sim ui`` or ``solara run district_sim.ui.app``. Every browser tab
gets its own districts: ``Page`` builds them, nothing is kept at module level.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reacton.core
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from ..scenarios import list_scenarios
from . import charts, classroom, explain, levers
from .session import (
    DEFAULT_REPLICATES,
    DEFAULT_SCHOOLS,
    DEFAULT_STUDENTS,
    LEFT,
    MAX_BRANCHES,
    MAX_REPLICATES,
    RIGHT,
    SHOCK_BUTTONS,
    Comparison,
    Setup,
)

TITLE = "District coherence: two strategies side by side"
#: The page's one stylesheet; elements name its classes (``ds-*``). Only what is known at
#: runtime stays inline: a district's colour (session.COLORS) and a school tile's value colour.
STYLESHEET = Path(__file__).with_name("page.css")


def model_params(setup: Setup) -> dict:
    """SolaraViz's model parameters: the district's size and replicates, applied on Reset.

    The seed is typed in the Districts card (``setup`` carries it across Resets): the page
    takes every seed ``compare`` takes (any whole number >= 0), so that a room can reproduce
    ``district-sim compare --seed N`` on the page, and a bad one gets a message there."""
    return {
        "setup": setup,
        "students": {"type": "SliderInt", "value": DEFAULT_STUDENTS, "min": 2_000, "max": 50_000,
                     "step": 1_000, "label": "Students in each district (on Reset)"},
        "schools": {"type": "SliderInt", "value": DEFAULT_SCHOOLS, "min": 4, "max": 100, "step": 1,
                    "label": "Schools in each district (on Reset)"},
        "replicates": {"type": "SliderInt", "value": DEFAULT_REPLICATES, "min": 1, "max": MAX_REPLICATES,
                       "step": 1, "label": "Runs of each district, for the 95% bands (on Reset)"},
    }


def _district_items(comparison: Comparison) -> list[dict]:
    names = {LEFT: "Left", RIGHT: "Right"}
    return [{"text": f"{names.get(k, 'Branch')}: {line.label}", "value": k}
            for k, line in comparison.lines.items()]


# --- main area: SolaraViz components (each gets the Comparison) ---------------------------------


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
                _tag("div", model.caption, "ds-caption").key("caption")
            for a, b in pairs:
                d = explain.diagnose_pair(model, a, b)
                _tag("p", [_tag("b", d.headline)], "ds-headline").key(f"headline-{a}-{b}")
                if d.reasons:
                    _tag("ul", [_tag("li", r) for r in d.reasons], "ds-reasons").key(f"reasons-{a}-{b}")
            if model.note:
                _tag("p", f"Last change: {model.note}", "ds-note").key("note")
            _tag("p", f"{model.when()}. Each line is the mean of {model.replicates} runs of its district "
                      f"(seeds from {model.seed}, as district-sim compare --seed {model.seed}); the "
                      f"shaded band is its 95% interval, and a difference counts only when its interval "
                      f"excludes zero. "
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
    each district's mean with its 95% band, and with ``spread`` each replicate's thin line."""
    chart = charts.CHART_BY_KEY[key]
    series = model.series(charts.chart_columns(chart), spread=spread)
    svg = charts.chart_svg(chart, series, list(model.markers), model.environment_shocks(), model.time)
    Svg(svg, ["ds-chart", f"ds-chart-{key}"])


@solara.component
def Svg(svg: str, classes: list[str]):
    """The page's one place for raw markup: an SVG document drawn by ``charts`` (a chart or a
    PELP diagram). It is generated markup, not text, so no plain component can show it;
    ``charts`` escapes the labels and titles it writes into it."""
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=classes)


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
        _tag("table", [_tag("tbody", [_tag("tr", [_tag("th", h) for h in header])]
                            + [_tag("tr", [_tag("td", cell) for cell in row]) for row in rows])],
             "ds-teachers")


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
            solara.ToggleButtonsSingle(value=view, values=["Compare", "Schools"], on_value=set_view,
                                       dense=True, classes=["ds-view"])
            solara.Text(f"{c.when()} ({c.months} months run)", classes=["ds-now"])
            with solara.Div(classes=["ds-spread"]):
                solara.Checkbox(label=f"Show each of the {c.replicates} runs", value=spread,
                                on_value=set_spread)
            solara.Text(" · ".join(f"{'Left' if k == LEFT else 'Right' if k == RIGHT else 'Branch'}: "
                                   f"{line.label}" for k, line in c.lines.items()), classes=["ds-small"])
        if view == "Schools":
            with solara.Column(classes=["ds-cell"]):
                SchoolsView(c, frame)
            return
        with solara.Div(classes=["ds-grid"]):
            with solara.Div(classes=["ds-cell"]):
                ExplainPanel(c, frame)
            with solara.Div(classes=["ds-cell"]):
                PelpPanel(c, frame)
            for chart in charts.CHARTS:
                with solara.Div(classes=["ds-cell"]):
                    ChartView(c, chart.key, frame, spread)


# --- sidebar: what a leader or a teacher does with the page ----------------------------------------


@dataclass(frozen=True)
class Ctx:
    """What the sidebar's cards share: the page's model and its messages.

    Cards re-render when ``revision`` moves (a scenario, lever, shock or branch changed the
    districts) or the model is replaced (Reset), not every month, so a month's redraw stays
    cheap. Changes are made inside one render batch (``render_context``): one redraw each.
    """

    model: solara.Reactive     # the Comparison SolaraViz plays
    demo: solara.Reactive      # the classroom demonstration is running
    status: solara.Reactive    # (message, "ok" | "error") of the last action
    revision: solara.Reactive  # bumped by every change to the districts
    render_context: Any        # reacton's render context of the page, to batch redraws

    def act(self, action, done=None) -> bool:
        """Run a change to the districts; bad input shows its message and changes nothing."""
        try:
            result = action()
        except ValueError as err:  # SettingsError and pydantic's ValidationError are ValueErrors
            self.error(err)
            return False
        self.changed(done(result) if callable(done) else (done or ""))
        return True

    def error(self, err: Exception) -> None:
        self.status.set((" ".join(str(err).split()), "error"))

    def changed(self, message: str) -> None:
        with self.render_context:
            self.status.set((message, "ok"))
            self.revision.set(self.revision.value + 1)
            force_update()


@solara.component
def Status(ctx: Ctx):
    text, kind = ctx.status.value
    if not text:
        return
    if kind == "error":
        solara.Error(text, dense=True, classes=["ds-error"])
    else:
        solara.Success(text, dense=True, classes=["ds-ok"])


@solara.component
def TimeCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()

    def start_demo():
        fresh = classroom.fresh_comparison()
        fresh.caption = "Classroom demonstration starting."
        ctx.model.set(fresh)
        ctx.demo.set(True)

    with solara.Card("Time", margin=0), solara.Column(gap="4px"):
        solara.Button("Step a year", on_click=lambda: ctx.act(c.step_year), color="primary",
                      classes=["ds-step-year"])
        solara.Text("Play, pause, step a month and reset are in Controls above; speed is its "
                    "'Play Interval' (milliseconds between months).", classes=["ds-small"])
        if ctx.demo.value:
            solara.Button("Stop the demonstration", on_click=lambda: ctx.demo.set(False), classes=["ds-demo"])
        else:
            solara.Button("Classroom demo (5 min)", on_click=start_demo, classes=["ds-demo"],
                          color="secondary")
        solara.Text(f"A scripted {classroom.total_seconds() / 60:.0f}-minute demonstration: it restarts "
                    "fragmented against focused and narrates; pause Play first.", classes=["ds-small"])


@solara.component
def DistrictsCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    names = list(solara.use_memo(list_scenarios, []))
    with solara.Card("Districts", margin=0):
        for side, word in ((LEFT, "Left"), (RIGHT, "Right")):
            solara.Select(f"{word} side scenario", values=names, value=c.lines[side].scenario,
                          on_value=lambda name, side=side: ctx.act(lambda: c.set_scenario(side, name),
                                                                   lambda _: c.note))
        solara.InputText("Seed: any whole number from 0 (restarts at month 0)", value=str(c.seed),
                         on_value=lambda text: ctx.act(lambda: ctx.model.set(c.restarted(text)),
                                                       f"Restarted on seed {str(text).strip()}"),
                         classes=["ds-seed"])
        solara.Text(f"Each side runs {c.replicates} times, on the seeds district-sim compare --seed "
                    f"{c.seed} gives its replicates; every district shares them: the same students, "
                    "teachers and random shocks, run by run. A new scenario re-runs its side from the "
                    "start to now.", classes=["ds-small"])


@solara.component
def ShocksCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    target, set_target = solara.use_state("all")
    items = [{"text": "Every district", "value": "all"},
             {"text": "Both sides (no branches)", "value": "both"}, *_district_items(c)]
    if target not in [i["value"] for i in items]:
        target = "all"
    with solara.Card("Shocks, now", margin=0):
        solara.v.Select(label="Inject into", items=items, v_model=target, on_v_model=set_target, dense=True)
        with solara.Column(gap="4px"):
            for kind, spec in SHOCK_BUTTONS.items():
                solara.Button(spec.label, on_click=lambda kind=kind: ctx.act(
                    lambda: c.inject(kind, target), lambda m: m.label),
                    classes=["ds-shock", f"ds-shock-{kind}"], small=True, block=True)
                solara.Text(spec.help, classes=["ds-small"])


@solara.component
def LeverControl(ctx: Ctx, line_key: str, lever: levers.Lever):
    """One lever of one district: a slider or a typed value, with its one-line explanation."""
    c = ctx.model.value
    error, set_error = solara.use_state("")
    typed, set_typed = solara.use_state(None)
    value = levers.current(c.lines[line_key].settings, lever.key)

    def commit(raw):
        try:
            c.set_lever(line_key, lever.key, raw)
        except ValueError as err:
            set_error(" ".join(str(err).split()))
            set_typed(None if lever.slider else str(raw if raw is not None else ""))
            ctx.error(err)
            return
        set_error("")
        set_typed(None)
        ctx.changed(c.note)

    css = lever.key.replace(".", "-")
    with solara.Column(gap="0px", classes=["ds-lever"]):
        slider = solara.v.Slider(v_model=value, min=lever.low, max=lever.high, step=lever.step,
                                 thumb_label=True, hide_details=True, dense=True,
                                 class_=f"ds-slider ds-slider-{css}" + ("" if lever.slider else " ds-hidden"))
        solara.v.use_event(slider, "change", lambda _w, _e, data: commit(data))
        if lever.slider:
            solara.Text(f"{lever.label}: {value:g}", classes=["ds-lever-label"])
        else:
            solara.InputText(lever.label, value=typed if typed is not None else f"{value:g}",
                             on_value=commit, error=error or False, dense=True,
                             classes=[f"ds-input-{css}"])
        solara.Text(lever.help, classes=["ds-small"])
        if error and lever.slider:
            solara.Error(error, dense=True)


@solara.component
def LeversCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    target, set_target = solara.use_state(RIGHT)
    if target not in c.lines:
        target = RIGHT
    with solara.Card("Levers", margin=0):
        solara.v.Select(label="District to change", items=_district_items(c), v_model=target,
                        on_v_model=set_target, dense=True)
        solara.Text("A change re-runs that district from its start (a branch: from its fork) to now. "
                    "To change course from today instead, use Fork now.", classes=["ds-small"])
        with solara.v.ExpansionPanels(accordion=True, multiple=False):
            for group, group_levers in levers.by_group().items():
                with solara.v.ExpansionPanel():
                    solara.v.ExpansionPanelHeader(children=[group])
                    with solara.v.ExpansionPanelContent():
                        for lever in group_levers:
                            LeverControl(ctx, target, lever).key(f"{target}-{lever.key}")


@solara.component
def ForkCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    source, set_source = solara.use_state(LEFT)
    lever_key, set_lever_key = solara.use_state("strategy.initiatives_per_year")
    text, set_text = solara.use_state("0")
    if source not in c.lines:
        source = LEFT
    branches = [(k, line) for k, line in c.lines.items() if line.parent]
    with solara.Card("Fork now", margin=0):
        solara.Text("Copy a district as it stands into a branch and change one lever there: both "
                    "futures start from the same point and meet the same luck.", classes=["ds-small"])
        solara.v.Select(label="District", items=_district_items(c), v_model=source, on_v_model=set_source,
                        dense=True)
        solara.v.Select(label="Lever", items=[{"text": f"{lv.group}: {lv.label}", "value": lv.key}
                                              for lv in levers.LEVERS],
                        v_model=lever_key, on_v_model=set_lever_key, dense=True)
        current = levers.current(c.lines[source].settings, lever_key)
        solara.InputText(f"New value (now {current:g})", value=text, on_value=set_text,
                         continuous_update=True, classes=["ds-fork-value"])
        solara.Button("Fork", color="primary", classes=["ds-fork"], disabled=len(branches) >= MAX_BRANCHES,
                      on_click=lambda: ctx.act(lambda: c.fork(source, lever_key, text),
                                               lambda b: f"New branch: {b.label}"))
        for key, line in branches:
            with solara.Row(classes=["ds-middle"]):
                solara.Text(line.label, classes=["ds-branch"], style={"color": line.color})   # the branch's
                solara.Button(icon_name="mdi-close", icon=True, small=True, classes=["ds-remove"],
                              on_click=lambda key=key: ctx.act(lambda: c.remove(key), "Branch removed"))


@solara.component
def ExportCard(ctx: Ctx):
    c = ctx.model.value
    with solara.Card("Export", margin=0), solara.Row():
        solara.FileDownload(lambda: charts.csv_bytes(c), filename="district-sim.csv", label="Data (CSV)",
                            mime_type="text/csv")
        solara.FileDownload(lambda: charts.runs_csv_bytes(c), filename="district-sim-runs.csv",
                            label="Every run (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: charts.png_bytes(c), filename="district-sim.png", label="Charts (PNG)",
                            mime_type="image/png")


@solara.component
def SessionPanel(model: solara.Reactive, demo: solara.Reactive):
    status = solara.use_reactive(("", "ok"))
    revision = solara.use_reactive(0)
    ctx = Ctx(model, demo, status, revision, reacton.core.get_render_context())

    def run_demo(cancel: threading.Event):
        if not demo.value:
            return
        director = classroom.Director(model.value)
        # stops when asked, when the script ends, or when Reset replaced the districts
        while (demo.value and not cancel.is_set() and not director.finished
               and model.value is director.comparison):
            wait = director.tick()
            director.comparison.caption = director.caption
            ctx.changed("")
            cancel.wait(wait)
        demo.set(False)

    solara.use_thread(run_demo, dependencies=[demo.value], intrusive_cancel=False)
    with solara.Sidebar(), solara.Column(gap="8px", classes=["ds-session"]):
        Status(ctx)
        TimeCard(ctx)
        DistrictsCard(ctx)
        ShocksCard(ctx)
        ForkCard(ctx)
        LeversCard(ctx)
        ExportCard(ctx)


@solara.component
def Page():
    """One browser tab: its own districts, controls and charts."""
    setup = solara.use_memo(Setup, [])
    first = solara.use_memo(lambda: Comparison(setup), [])
    model = solara.use_reactive(first)
    demo = solara.use_reactive(False)
    solara.Style(solara.use_memo(_stylesheet, []))   # the page's styling, once per tab
    solara.Title(TITLE)                               # the browser tab's name, not Solara's "App"
    # SolaraViz: the app bar, play / pause / step / reset, speed, size and seed; the model it
    # plays is the Comparison. The main area is ours (one full-width dashboard).
    SolaraViz(model, components=[], model_params=model_params(setup), name=TITLE, play_interval=150)
    Dashboard(model)
    SidebarCards(model, demo)


@solara.component
def SidebarCards(model: solara.Reactive, demo: solara.Reactive):
    """A level below the page, so the sidebar lists SolaraViz's controls first, then these."""
    SessionPanel(model, demo)


def _stylesheet() -> str:
    """The stylesheet's text. Passed as text, not a Path: with a Path, Solara's development
    mode watches the file from an event loop, which a page rendered in tests does not have."""
    return STYLESHEET.read_text(encoding="utf-8")


def _tag(tag: str, content, cls: str | None = None):
    """A plain HTML element holding text (shown as text, never parsed as HTML) or elements."""
    children = list(content) if isinstance(content, list) else [str(content)]
    return solara.v.Html(tag=tag, children=children, **({"class_": cls} if cls else {}))
