"""Small building blocks the page's components share: raw SVG and plain HTML elements."""

from __future__ import annotations

import solara


@solara.component
def Svg(svg: str, classes: list[str]):
    """The page's one place for raw markup: an SVG document drawn by ``charts`` (a chart or a
    PELP diagram). It is generated markup, not text, so no plain component can show it;
    ``charts`` escapes the labels and titles it writes into it."""
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=classes)



def tag(tag: str, content, cls: str | None = None):
    """A plain HTML element holding text (shown as text, never parsed as HTML) or elements."""
    children = list(content) if isinstance(content, list) else [str(content)]
    return solara.v.Html(tag=tag, children=children, **({"class_": cls} if cls else {}))
