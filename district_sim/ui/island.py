"""A part of the page with a render of its own, so that a month's redraw does not walk it.

Reacton renders a page from its root every time any part of it changes, visiting every
element it holds to find those that need a new render (``reacton.core._RenderContext``):
the cost of a redraw grows with the whole page, not with what changed. The sidebar's cards
change only when someone acts on them, yet walking them took about a third of the server's
time for each month played (``benchmarks/bench_ui.py``). An island is rendered by a render
context of its own, into a widget the page holds: it re-renders when its own state or the
reactive values it reads change, and a month's redraw of the rest of the page never enters
it. What it shows must therefore not follow the month (Mesa's ``update_counter``): the
controls that do (play, the clock) stay outside.
"""

from __future__ import annotations

from collections.abc import Callable

import ipyvuetify
import reacton
import reacton.core
import solara


@solara.component
def Island(build: Callable[[], reacton.core.Element], classes: list[str] | None = None):
    """Show ``build()``'s element, rendered on its own (built once, when the island mounts:
    what it needs to follow it reads from reactive values, not from arguments)."""
    box = solara.use_memo(lambda: ipyvuetify.Html(tag="div", class_=" ".join(classes or [])), [])

    def mount():
        _, context = reacton.render(build(), container=box)
        return context.close

    solara.use_effect(mount, [])
    solara.v.Html(tag="div", children=[box])
