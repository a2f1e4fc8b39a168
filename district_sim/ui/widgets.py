"""Small building blocks the page's components share: raw SVG, a chart with its hover values,
and plain HTML elements."""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
import solara
import traitlets


@solara.component
def Svg(svg: str, classes: list[str]):
    """The page's one place for raw markup: an SVG document drawn by ``charts`` (a PELP
    diagram) or the figures table (``dashboard.figures_html``). It is generated markup, not
    text, so no plain component can show it; its makers escape every text they write into it."""
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=classes)


class ChartFrame(v.VuetifyTemplate):
    """A chart's SVG (``charts.chart_svg``) with its hover values: the browser finds the month
    under the pointer from the chart's plot box and says it (``on_hover_``, 0 when the pointer
    leaves); the server answers with that month's text (``tip`` for ``tip_month``), shown
    beside the pointer with a line at the month. A month's redraw thus sends only the drawing,
    and the tip costs a round trip only while someone hovers. Plain Vue: offline."""

    template_file = (__file__, "chart_frame.vue")
    svg = traitlets.Unicode("").tag(sync=True)
    classes = traitlets.Unicode("").tag(sync=True)
    tip = traitlets.Unicode("").tag(sync=True)
    tip_month = traitlets.Int(0).tag(sync=True)
    on_hover_ = traitlets.Any(None)

    def vue_hover(self, month: Any = 0, buffers: Any = None) -> None:
        if self.on_hover_:
            self.on_hover_(int(month or 0))


def tag(tag: str, content, cls: str | None = None):
    """A plain HTML element holding text (shown as text, never parsed as HTML) or elements."""
    children = list(content) if isinstance(content, list) else [str(content)]
    return solara.v.Html(tag=tag, children=children, **({"class_": cls} if cls else {}))
