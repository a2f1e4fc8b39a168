"""What the page draws: line charts, the schools' tiles, the PELP diagram, and the exports.

Live charts are small SVG documents built as text: redrawing all of them costs a few
milliseconds a month, where a matplotlib figure costs a few hundred (measured by
``benchmarks/bench_ui.py``), and the browser scales them crisply. The PNG export uses
matplotlib, once, when asked. Every district is drawn on the same axes: its line is the mean
over its replicates and its shaded band the 95% interval of that mean (``report``'s, as
``compare``), each replicate's own thin line optionally; its colour says which side it is, a
dashed line marks a branch (drawn from its fork), and shocks injected from the page are
vertical lines on the time axis; shocks from the environment (chance, or the scenario) are
small triangles under it.

Hovering a month of a chart shows that school month's values, each line's mean and 95%
interval (:func:`hover_tip`). The tip is asked for when the pointer is over a month and
written for that month alone (``widgets.ChartFrame``): a chart carries no hover data, so a
month's redraw sends and parses only what is drawn. Text, axes and grid are drawn in
``currentColor``, so the charts and the PELP diagrams follow the page's light or dark theme
(page.css styles the cells around them).

An axis never spans less than a difference that matters (``MIN_SPAN``: 0.2 student SD, 0.1
on a 0-1 scale), so that a few thousandths of an SD of noise never fill a chart and look like
an effect.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from ..calendar import MONTHS_PER_YEAR, step_calendar, to_years
from ..mechanisms.coherence import ELEMENTS
from ..metrics import METRICS, SD, SD_YEAR, chart_panels
from ..shocks import SHOCKS
from .session import SHOCK_BUTTONS, Comparison

NEUTRAL = "#555555"

#: The narrowest axis a panel gets, by the unit of its metrics: 0.2 SD is a modest effect in
#: education research (a year of good teaching is about 0.1-0.2 SD), 0.1 a tenth of a 0-1 scale.
MIN_SPAN = {SD: 0.2, SD_YEAR: 0.2}
FRACTION_SPAN = 0.1


def min_span(columns: tuple[str, ...] | list[str]) -> float:
    """The narrowest axis for a panel of ``columns`` (0 for counts, money, sizes)."""
    spans = [FRACTION_SPAN if METRICS[c].is_fraction else MIN_SPAN.get(METRICS[c].unit, 0.0)
             for c in columns if c in METRICS]
    return max(spans, default=0.0)


def _bounds(columns) -> tuple[float, float]:
    """The range every metric of a panel can take (infinite where unbounded)."""
    lows = [METRICS[c].low for c in columns if c in METRICS and METRICS[c].low is not None]
    highs = [METRICS[c].high for c in columns if c in METRICS and METRICS[c].high is not None]
    return (min(lows) if lows else -math.inf), (max(highs) if highs else math.inf)


@dataclass(frozen=True)
class Panel:
    title: str
    columns: tuple[str, ...]           # first solid; a second one dotted
    limits: tuple[float, float] | None = None


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    panels: tuple[Panel, ...]


#: The page's charts, in page order: key -> title. Which metrics each draws, in which
#: panel, under which title and on which axis, is declared with the metrics (``metrics.py``).
CHART_TITLES = {
    "achievement": "Achievement and gap",
    "practice": "Teacher practice",
    "coherence": "Coherence index",
    "initiatives": "Initiatives and implementation depth",
    "fatigue": "Fatigue and turnover",
    "budget": "Money: class size and budget by use",
}


def _charts() -> tuple[Chart, ...]:
    panels = chart_panels()
    unknown = set(panels) - set(CHART_TITLES)
    if unknown:
        raise ValueError(f"metrics are drawn on charts the page does not have: {sorted(unknown)}")
    return tuple(Chart(key, title, tuple(Panel(t, cols, limits) for t, cols, limits in panels[key]))
                 for key, title in CHART_TITLES.items() if key in panels)


CHARTS: tuple[Chart, ...] = _charts()


CHART_BY_KEY = {chart.key: chart for chart in CHARTS}


def chart_columns(chart: Chart | None = None) -> list[str]:
    """Reporters a chart draws (every chart's if none is given)."""
    charts = CHARTS if chart is None else (chart,)
    return sorted({c for ch in charts for p in ch.panels for c in p.columns})


# --- axes -------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _fmt(value: float, step: float) -> str:
    """A tick label with as many decimals as the tick step needs."""
    if step <= 0 or not math.isfinite(step):
        return f"{value:g}"
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(step * 10**digits - round(step * 10**digits)) > 1e-6:  # steps like 0.25
        digits += 1
    return f"{value:.{digits}f}"


def _limits(values: list[np.ndarray], fixed: tuple[float, float] | None,
            columns: tuple[str, ...] = ()) -> tuple[float, float]:
    """The y axis of a panel: its fixed range, or the data (bands included) padded, then
    widened about its centre to at least :func:`min_span` and kept inside the metrics' range."""
    if fixed is not None:
        return fixed
    finite = [v[np.isfinite(v)] for v in values if v.size]
    finite = [v for v in finite if v.size]
    if not finite:
        return 0.0, 1.0
    low = min(float(v.min()) for v in finite)
    high = max(float(v.max()) for v in finite)
    if high - low < 1e-9:
        pad = max(abs(high) * 0.1, 0.01)
        low, high = low - pad, high + pad
    else:
        pad = 0.08 * (high - low)
        low, high = low - pad, high + pad
    return _widen(low, high, min_span(columns), *_bounds(columns))


def _widen(low: float, high: float, span: float, floor: float, ceiling: float) -> tuple[float, float]:
    """[low, high] widened about its centre to ``span``, shifted to stay in [floor, ceiling]."""
    if high - low >= span:
        return low, high
    centre = (low + high) / 2
    low, high = centre - span / 2, centre + span / 2
    if low < floor:
        low, high = floor, floor + span
    if high > ceiling:
        low, high = max(floor, ceiling - span), ceiling
    return low, high


# --- line charts -----------------------------------------------------------------------------


#: The charts' type sizes, in SVG units: a chart drawn 480 units wide at 480 px shows them at
#: that many pixels; presenter mode draws the charts at the screen's width, so larger.
TICK_FONT, TITLE_FONT, LEGEND_FONT = 11, 12, 12
#: Text and lines not in a district's colour take the page's text colour (``currentColor``),
#: so that a chart follows the page's light or dark theme; these are their opacities.
INK, FAINT_INK, GRID_INK = 0.85, 0.7, 0.12


def _panel_arrays(panel: Panel, series: list[dict]) -> list[np.ndarray]:
    """Everything a panel draws (means, bands, each run's line), from each line's fork on."""
    arrays = []
    for s in series:
        for col in panel.columns:
            for part in ("values", "low", "high"):
                if part in s:
                    arrays.append(np.asarray(s[part][col][s["start"]:], dtype=float))
            if "runs" in s:
                arrays.append(np.asarray(s["runs"][col], dtype=float)[:, s["start"]:].ravel())
    return arrays


def panel_limits(chart: Chart, series: list[dict]) -> list[tuple[float, float]]:
    """Each panel's y axis (:func:`_limits`), as drawn: the hover tips read their digits off it."""
    return [_limits(_panel_arrays(panel, series), panel.limits, panel.columns) for panel in chart.panels]


def chart_svg(chart: Chart, series: list[dict], markers: list, env_shocks: list[dict],
              now: float, width: int = 480, height: int = 330) -> str:
    """One chart (one or more panels sharing the time axis) of every district, as SVG.

    The plots' box (``data-plot``: left, top, width, height in drawing units) and the years
    the time axis spans (``data-years``) let the page find the month under the pointer
    (``widgets.ChartFrame``) without any per-month markup."""
    left, right, top = 50, 10, 32
    bottom_axis = 20
    gap = 16
    n_panels = len(chart.panels)
    panel_h = (height - top - bottom_axis - gap * (n_panels - 1) - 16 * n_panels) / n_panels
    years = max(5.0, math.ceil(to_years(now) + 1e-9))
    plot_w = width - left - right
    plot_top, plot_bottom = top + 16, top + n_panels * (panel_h + gap + 16) - gap

    def x_of(t: float) -> float:
        return left + plot_w * to_years(t) / years

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'style="width:100%;height:{height}px;font-family:sans-serif" '
           f'data-chart="{chart.key}" data-months="{int(round(now))}" '
           f'data-replicates="{max((s.get("replicates", 1) for s in series), default=1)}" '
           f'data-plot="{left} {plot_top:.1f} {plot_w} {plot_bottom - plot_top:.1f}" data-years="{years:g}" '
           f'role="img">',
           f"<title>{html.escape(chart.title)}</title>"]
    out.append(_legend(series, width, left))
    overlays: list[str] = []        # shock markers: drawn above the lines
    x_ticks = nice_ticks(0, years, 5)
    for p_index, (panel, (lo, hi)) in enumerate(zip(chart.panels, panel_limits(chart, series), strict=True)):
        y0 = top + p_index * (panel_h + gap + 16) + 16
        y1 = y0 + panel_h

        def y_of(v: float, lo=lo, hi=hi, y0=y0, y1=y1) -> float:
            return y1 - (v - lo) / (hi - lo) * (y1 - y0)

        out.append(f'<text class="panel-title" x="{left}" y="{y0 - 4:.1f}" font-size="{TITLE_FONT}" '
                   f'fill="currentColor" fill-opacity="{INK}">{html.escape(panel.title)}</text>')
        out.append(f'<rect class="plot" data-columns="{" ".join(panel.columns)}" data-low="{lo:.6g}" '
                   f'data-high="{hi:.6g}" x="{left}" y="{y0:.1f}" width="{plot_w}" height="{panel_h:.1f}" '
                   f'fill="currentColor" fill-opacity="0.025" stroke="currentColor" stroke-opacity="0.25"/>')
        y_ticks = [t for t in nice_ticks(lo, hi, 4) if lo <= t <= hi]
        tick_step = y_ticks[1] - y_ticks[0] if len(y_ticks) > 1 else hi - lo
        for tick in y_ticks:
            y = y_of(tick)
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'stroke="currentColor" stroke-opacity="{GRID_INK}"/>'
                       f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="{TICK_FONT}" text-anchor="end" '
                       f'fill="currentColor" fill-opacity="{FAINT_INK}">{_fmt(tick, tick_step)}</text>')
        for tick in x_ticks:
            x = x_of(tick * MONTHS_PER_YEAR)
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1:.1f}" y2="{y1 + 3:.1f}" '
                       f'stroke="currentColor" stroke-opacity="0.5"/>')
        for s in series:
            for col in panel.columns:
                out.append(_band(s, col, x_of, y_of))
                out.append(_spread(s, col, x_of, y_of))
        for s in series:
            for c_index, col in enumerate(panel.columns):
                out.append(_polyline(s, col, c_index, x_of, y_of, panel_h))
        overlays.extend(_markers(markers, series, x_of, y0, y1, p_index == 0))
        overlays.extend(_env_shocks(env_shocks, series, x_of, y1))
    out.extend(overlays)
    y_axis = height - 4
    for tick in x_ticks:
        out.append(f'<text x="{x_of(tick * MONTHS_PER_YEAR):.1f}" y="{y_axis}" font-size="{TICK_FONT}" '
                   f'text-anchor="middle" fill="currentColor" fill-opacity="{FAINT_INK}">{tick:g}</text>')
    out.append(f'<text x="{left - 6}" y="{y_axis}" font-size="{TICK_FONT}" text-anchor="end" '
               f'fill="currentColor" fill-opacity="{FAINT_INK}">years</text>')
    out.append("</svg>")
    return "".join(out)


def _markers(markers: list, series: list[dict], x_of, y0: float, y1: float, lettered: bool) -> list[str]:
    """The page's injected shocks: a dashed vertical line each (lettered in the top panel), in
    the district's colour, or the text colour when it hit several districts."""
    out = []
    for m in markers:
        x = x_of(m.time)
        color = "currentColor" if len(m.lines) > 1 else _color_of(series, m.lines[0])
        out.append(f'<g class="shock-marker" data-kind="{m.kind}"><title>{html.escape(m.label)}</title>'
                   f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0:.1f}" y2="{y1:.1f}" stroke="{color}" '
                   f'stroke-dasharray="3 2" stroke-width="1.2"/>'
                   + (f'<text x="{x + 2:.1f}" y="{y0 + 11:.1f}" font-size="{TICK_FONT}" font-weight="bold" '
                      f'fill="{color}">{SHOCKS[m.kind].letter}</text>' if lettered else "")
                   + "</g>")
    return out


def _env_shocks(env_shocks: list[dict], series: list[dict], x_of, y1: float) -> list[str]:
    """Shocks from chance or the scenario: a grey triangle under the time axis each."""
    out = []
    for e in env_shocks:
        x = x_of(e["time"])
        tip = html.escape(f"{e['kind'].replace('_', ' ')} ({e['source']}), year {e['year']}"
                          + _in_runs(e, series))
        out.append(f'<path class="env-shock" d="M{x:.1f},{y1:.1f} l-3,5 h6 z" fill="#999">'
                   f"<title>{tip}</title></path>")
    return out


# --- hover values ----------------------------------------------------------------------------


def _digits(span: float) -> int:
    """Decimals that show a value to about a thousandth of its axis (3 on a 0.2 SD axis)."""
    if not (span > 0 and math.isfinite(span)):
        return 3
    return max(0, min(4, 2 - math.floor(math.log10(span))))


def _strings(values, digits: int) -> list[str]:
    """Formatted values, '–' where a value is missing (one pass over the array)."""
    return [f"{v:.{digits}f}" if math.isfinite(v) else "–" for v in np.asarray(values, dtype=float).tolist()]


def month_tip(month: int, lines: list[tuple[str, list[tuple[str, str, str | None, str | None]]]]) -> str:
    """The hover text of one month: which school month it is (year and month of the school
    calendar, ten months a year, as the page's clock says it), then each line's mean of each
    metric with its 95% interval. ``month`` counts from 1; ``lines`` holds (label, [(metric,
    mean, low, high)]), the numbers already formatted (low and high None for a single run)."""
    year, in_year = step_calendar(month)
    banded = any(low is not None for _, values in lines for _, _, low, _ in values)
    rows = [f"year {year}, month {in_year}" + (": mean (95% interval)" if banded else "")]
    for label, values in lines:
        parts = [f"{name} {mean}" + (f" ({low} to {high})" if low is not None else "")
                 for name, mean, low, high in values]
        rows.append(f"{label}: " + "; ".join(parts))
    return "\n".join(rows)


def hover_tip(chart: Chart, series: list[dict], month: int) -> str:
    """What hovering ``month`` (counted from 1) of a chart shows (:func:`month_tip`): each line's
    values that month, to the digits its panel's axis reads (:func:`_digits`); a branch from its
    fork on, as its line is drawn. Empty for a month not run."""
    n = max((len(s["values"][c]) for s in series for c in s["values"]), default=0)
    if not 1 <= month <= n:
        return ""
    i = month - 1
    digits = [_digits(hi - lo) for lo, hi in panel_limits(chart, series)]
    lines = []
    for s in series:
        if i < max(s["start"] - 1, 0) or i >= len(s["values"][chart.panels[0].columns[0]]):
            continue
        banded = "low" in s and s.get("replicates", 1) > 1
        values = []
        for panel, d in zip(chart.panels, digits, strict=True):
            for col in panel.columns:
                low, high = ((_strings([s["low"][col][i]], d)[0], _strings([s["high"][col][i]], d)[0])
                             if banded else (None, None))
                values.append((_short(col), _strings([s["values"][col][i]], d)[0], low, high))
        lines.append((s["label"], values))
    return month_tip(month, lines)


def _short(column: str) -> str:
    """A metric's name in a tooltip: its label up to a comma or a bracket, in lower case
    ("Gap, other minus high-need (SD)" -> "gap")."""
    label = METRICS[column].label if column in METRICS else column
    return label.split(" (")[0].split(",")[0].lower()


def _color_of(series: list[dict], key: str) -> str:
    return next((s["color"] for s in series if s["key"] == key), NEUTRAL)


def _legend(series: list[dict], width: int, left: int) -> str:
    parts, x = [], left
    for s in series:
        label = s["label"] if len(s["label"]) <= 34 else s["label"][:33] + "…"
        dash = ' stroke-dasharray="5 3"' if s["dashed"] else ""
        parts.append(f'<line x1="{x}" x2="{x + 16}" y1="11" y2="11" stroke="{s["color"]}" '
                     f'stroke-width="3"{dash}/><text x="{x + 19}" y="15" font-size="{LEGEND_FONT}" '
                     f'fill="currentColor" fill-opacity="{INK}">{html.escape(label)}</text>')
        x += 28 + 0.62 * LEGEND_FONT * len(label)
    return "".join(parts)


def _in_runs(shock: dict, series: list[dict]) -> str:
    """', in 3 of 10 runs' for a shock that only some replicates met (chance), else ''."""
    counts = shock.get("runs", {})
    total = {s["key"]: s.get("replicates", 1) for s in series}
    partial = [f"{counts[k]} of {total[k]}" for k in counts if k in total and counts[k] < total[k]]
    return f", in {max(partial)} runs" if partial else ""


def _indices(s: dict, n: int) -> np.ndarray:
    """Which months a line draws: from its fork (a branch starts where it left its parent),
    at most ~240 points."""
    start = s["start"]
    first = max(start - 1, 0) if start > 0 else 0
    idx = np.arange(first, n)
    step = max(1, math.ceil(idx.size / 240))
    return np.union1d(idx[::step], idx[-1:])


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    """SVG points "x,y x,y ..." to a tenth of a unit. The coordinates come in as arrays
    (``x_of`` and ``y_of`` take arrays): a month's redraw formats some ten thousand of them."""
    return " ".join([f"{x:.1f},{y:.1f}" for x, y in zip(xs.tolist(), ys.tolist(), strict=True)])


def _band(s: dict, col: str, x_of, y_of) -> str:
    """The shaded 95% interval of a district's mean (nothing for one replicate)."""
    if "low" not in s or s.get("replicates", 1) < 2:
        return ""
    n = len(s["low"][col])
    if n == 0 or n < s["start"]:
        return ""
    idx = _indices(s, n)
    low = np.asarray(s["low"][col], dtype=float)[idx]
    high = np.asarray(s["high"][col], dtype=float)[idx]
    xs = x_of(idx + 1.0)
    outline = _points(np.concatenate([xs, xs[::-1]]), y_of(np.concatenate([high, low[::-1]])))
    return (f'<polygon class="band" data-line="{s["key"]}" data-column="{col}" '
            f'data-low="{low[-1]:.6g}" data-high="{high[-1]:.6g}" points="{outline}" '
            f'fill="{s["color"]}" fill-opacity="0.18" stroke="none"/>')


def _spread(s: dict, col: str, x_of, y_of) -> str:
    """Each replicate's own thin line (when the page asks for the spread)."""
    if "runs" not in s:
        return ""
    runs = np.asarray(s["runs"][col], dtype=float)
    if runs.size == 0 or runs.shape[1] < s["start"]:
        return ""
    idx = _indices(s, runs.shape[1])
    xs = x_of(idx + 1.0)
    out = []
    for r, row in enumerate(runs):
        out.append(f'<polyline class="replicate" data-of="{s["key"]}" data-column="{col}" '
                   f'data-replicate="{r}" points="{_points(xs, y_of(row[idx]))}" fill="none" '
                   f'stroke="{s["color"]}" stroke-width="0.6" stroke-opacity="0.45"/>')
    return "".join(out)


def _polyline(s: dict, col: str, c_index: int, x_of, y_of, panel_h: float) -> str:
    values = s["values"][col]
    start = s["start"]
    n = len(values)
    if n == 0 or n < start:
        return ""
    first = max(start - 1, 0) if start > 0 else 0
    idx = _indices(s, n)
    v = np.asarray(values, dtype=float)[idx]
    ok = np.isfinite(v)
    points = _points(x_of(idx[ok] + 1.0), y_of(v[ok]))
    dash = []
    if s["dashed"]:
        dash.append("6 3")
    if c_index == 1:
        dash = ["1.5 2.5"]
    style = f' stroke-dasharray="{dash[0]}"' if dash else ""
    return (f'<polyline class="series" data-line="{s["key"]}" data-column="{col}" '
            f'data-n="{n - first if start else n}" points="{points}" fill="none" '
            f'stroke="{s["color"]}" stroke-width="{2.2 if c_index == 0 else 1.6}"{style}/>')


def all_charts_svg(comparison: Comparison, spread: bool = False) -> dict[str, str]:
    """Every chart of the page, by key: one read of the districts for all of them."""
    series = comparison.series(chart_columns(), spread=spread)
    markers = list(comparison.markers)
    env = comparison.environment_shocks()
    now = comparison.time
    return {c.key: chart_svg(c, series, markers, env, now) for c in CHARTS}


# --- schools ----------------------------------------------------------------------------------

SCHOOL_METRICS = {
    "practice": "Teacher practice (classroom effect, SD a year)",
    "achievement": "Student achievement (SD vs national norm)",
}


def school_values(model, metric: str) -> np.ndarray:
    """One value a school: the mean classroom effect of its teachers, or its students' mean
    achievement (enrolled students; 0 for a school with none)."""
    n = model.schools.n
    if metric == "practice":
        effect = getattr(model, "classroom_effect", None)
        if effect is None:
            from ..mechanisms.implementation import classroom_effect
            effect = classroom_effect(model.teachers, model.settings)
        school = model.teachers.school
        count = np.bincount(school, minlength=n)
        return np.bincount(school, weights=effect, minlength=n) / np.maximum(count, 1)
    if metric == "achievement":
        stu = model.students
        w = stu.enrolled.astype(float)
        count = np.bincount(stu.school, weights=w, minlength=n)
        total = np.bincount(stu.school, weights=w * stu.achievement, minlength=n)
        return np.where(count > 0, total / np.maximum(count, 1), 0.0)
    raise ValueError(f"metric must be one of {', '.join(SCHOOL_METRICS)}, got {metric!r}")


def diverging(value: float, low: float, high: float) -> str:
    """A colour from red (low) through pale grey to blue (high)."""
    if not math.isfinite(value) or high <= low:
        return "#dddddd"
    t = min(1.0, max(0.0, (value - low) / (high - low)))
    return _ramp(t, ((0.0, (202, 0, 32)), (0.5, (240, 240, 240)), (1.0, (5, 113, 176))))


def _ramp(t: float, stops: tuple[tuple[float, tuple[int, int, int]], ...]) -> str:
    """The colour at ``t`` (0-1) of a ramp through ``stops`` (position, RGB), as hex."""
    for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
        if t <= t1:
            u = (t - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * u) for a, b in zip(c0, c1, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*stops[-1][1])


def school_detail(model, school: int) -> dict:
    """A school's principal and its teachers, for the panel a click on a tile opens."""
    principal = model.principals[school].as_dict()
    teachers = [model.teacher(int(i)).as_dict() for i in np.flatnonzero(model.teachers.school == school)]
    students = model.students
    mine = (students.school == school) & students.enrolled
    return {"principal": principal, "teachers": teachers, "students": int(mine.sum()),
            "high_need_share": float(students.high_need[mine].mean()) if mine.any() else 0.0}


# --- the PELP diagram ---------------------------------------------------------------------------


def alignment_color(value: float) -> str:
    """Red (out of line) through amber to green (aligned) for a 0-1 element."""
    t = min(1.0, max(0.0, float(value))) if math.isfinite(value) else 0.0
    return _ramp(t, ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80))))


#: The PELP diagram's drawing units: its smallest text is ``PELP_MIN_FONT`` units, so shown at
#: least ``PELP_MIN_WIDTH`` px wide (page.css's ``.ds-pelp-item``) it reads at 12 px or more.
PELP_WIDTH, PELP_HEIGHT, PELP_MIN_FONT = 320, 290, 14
PELP_MIN_WIDTH = math.ceil(PELP_WIDTH * 12 / PELP_MIN_FONT)


def pelp_svg(model, title: str, color: str) -> str:
    """PELP's Coherence Framework for one district, each element coloured by how far it is
    in line with the theory of action (0 red, 1 green).

    Text on the pale element boxes is always dark; text on the page's background is
    ``currentColor``, so it follows the page's light or dark theme."""
    e = model.elements
    state = model.shock_state
    pressure = min(1.0, state.cut + state.pandemic + state.shortage + 10 * state.enrollment_loss)
    values = {
        "Strategy": e.portfolio_alignment, "Culture": e.culture, "Structures": e.structures,
        "Systems": e.systems, "Resources": e.resources, "Stakeholders": e.stakeholders,
    }
    assert {k.lower() for k in values} - {"strategy"} == set(ELEMENTS)
    w, h, cx, cy = PELP_WIDTH, PELP_HEIGHT, PELP_WIDTH / 2, 150
    font = PELP_MIN_FONT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
           f'style="width:100%;height:auto;font-family:sans-serif" role="img" '
           f'class="pelp" data-coherence="{e.coherence:.3f}">',
           f"<title>PELP coherence framework: {html.escape(title)}</title>",
           f'<rect x="3" y="24" width="{w - 6}" height="{h - 27}" rx="14" fill="none" '
           f'stroke="{alignment_color(1 - pressure)}" stroke-width="6"/>',
           f'<text x="{w / 2}" y="17" font-size="{font + 2}" text-anchor="middle" font-weight="bold" '
           f'fill="{color}" class="ds-district-name">{html.escape(title[:34])}</text>',
           f'<text x="12" y="{h - 10}" font-size="{font}" fill="currentColor">'
           f"outside pressure {pressure:.2f}</text>",
           f'<text x="{w - 12}" y="{h - 10}" font-size="{font}" fill="currentColor" text-anchor="end">'
           f"coherence {e.coherence:.2f}</text>"]
    names = list(values)
    radius_x, radius_y = 108, 82
    spots = [(cx + radius_x * math.cos(a), cy + radius_y * math.sin(a))
             for a in (-math.pi / 2 + 2 * math.pi * i / len(names) for i in range(len(names)))]
    for x, y in spots:
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="currentColor" '
                   f'stroke-opacity="0.35"/>')
    for name, (x, y) in zip(names, spots, strict=True):
        v = values[name]
        out.append(f'<g class="pelp-element" data-element="{name.lower()}" data-value="{v:.3f}">'
                   f"<title>{name}: {v:.2f}</title>"
                   f'<rect x="{x - 49:.1f}" y="{y - 19:.1f}" width="98" height="38" rx="6" '
                   f'fill="{alignment_color(v)}" stroke="#555"/>'
                   f'<text x="{x:.1f}" y="{y - 3:.1f}" font-size="{font}" text-anchor="middle" '
                   f'fill="#111">{name}</text>'
                   f'<text x="{x:.1f}" y="{y + 13:.1f}" font-size="{font}" text-anchor="middle" '
                   f'fill="#111">{v:.2f}</text></g>')
    core = e.load_fit
    out.append(f'<g class="pelp-element" data-element="core" data-value="{core:.3f}">'
               f"<title>Instructional core: share of the work asked that teachers can do, {core:.2f}</title>"
               f'<ellipse cx="{cx}" cy="{cy}" rx="56" ry="28" fill="{alignment_color(core)}" stroke="#333"/>'
               f'<text x="{cx}" y="{cy - 3}" font-size="{font}" text-anchor="middle" fill="#111">'
               f"Instructional</text>"
               f'<text x="{cx}" y="{cy + 13}" font-size="{font}" text-anchor="middle" fill="#111">'
               f"core {core:.2f}</text></g>")
    out.append("</svg>")
    return "".join(out)


def shock_legend() -> str:
    return ", ".join(f"{SHOCKS[k].letter} = {v.label.lower()}" for k, v in SHOCK_BUTTONS.items())
