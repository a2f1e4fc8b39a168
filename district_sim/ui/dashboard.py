"""The page's main area: the explain panel, the PELP diagrams, the charts and the schools.

Each component gets the :class:`~district_sim.ui.session.Comparison` and the month (``frame``)
as props from ``Dashboard``, which alone follows Mesa's ``update_counter``."""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter

from . import charts, explain
from .session import LEFT, RIGHT, Comparison
from .widgets import Svg, tag


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
            tag("p", f"{model.when()}. Each line is the mean of {model.replicates} runs of its district "
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
