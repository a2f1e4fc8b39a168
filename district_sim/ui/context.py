"""What the sidebar's cards share: the page's model, its messages and one way to make a change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solara
from mesa.visualization.utils import force_update

from .session import LEFT, RIGHT, Comparison

#: A card's select menu: no wider than the sidebar, its long items (a branch's name) wrapped
#: (sidebar.css: ``.ds-select-menu``), not one line drawn out over the charts.
MENU = {"contentClass": "ds-select-menu", "maxWidth": 360}


@dataclass(frozen=True)
class Ctx:
    """What the sidebar's cards share: the page's model and its messages.

    Cards re-render when ``revision`` moves (a scenario, lever, shock or branch changed the
    districts) or the model is replaced (Reset), not every month, so a month's redraw stays
    cheap. Changes are made inside one render batch (``render_context``): one redraw each.

    A message belongs where its action was taken: ``status`` holds (message, "ok" | "error",
    place), and each card shows the messages of its own place next to the control that
    caused them (``Status(ctx, place)``), so a fork's error is read beside the Fork button,
    not at the top of a long sidebar. Messages with no place ("") show at the top.
    """

    model: solara.Reactive     # the Comparison on the page
    demo: solara.Reactive      # the classroom demonstration is running
    status: solara.Reactive    # (message, "ok" | "error", place) of the last action
    revision: solara.Reactive  # bumped by every change to the districts
    render_context: Any        # reacton's render context of the page, to batch redraws
    playback: Any = None       # the tab's clock (controls.Playback): play, pause, step, reset

    def act(self, action, done=None, at: str = "") -> bool:
        """Run a change to the districts; bad input shows its message at ``at`` and changes nothing."""
        try:
            result = action()
        except ValueError as err:  # SettingsError and pydantic's ValidationError are ValueErrors
            self.error(err, at)
            return False
        self.changed(done(result) if callable(done) else (done or ""), at)
        return True

    def error(self, err: Exception, at: str = "") -> None:
        self.status.set((" ".join(str(err).split()), "error", at))

    def changed(self, message: str, at: str = "") -> None:
        with self.render_context:
            self.status.set((message, "ok", at))
            self.revision.set(self.revision.value + 1)
            force_update()

    def message(self, place: str) -> tuple[str, str]:
        """The last action's (message, kind) if it was taken at ``place``, else ("", "ok")."""
        text, kind, *where = self.status.value
        return (text, kind) if (where[0] if where else "") == place else ("", "ok")


def district_items(comparison: Comparison) -> list[dict]:
    names = {LEFT: "Left", RIGHT: "Right"}
    return [{"text": f"{names.get(k, 'Branch')}: {line.label}", "value": k}
            for k, line in comparison.lines.items()]


@solara.component
def Status(ctx: Ctx, place: str = ""):
    """The last action's message, if it was taken at ``place`` (the card showing it)."""
    text, kind = ctx.message(place)
    if not text:
        return
    if kind == "error":
        solara.Error(text, dense=True, classes=["ds-error", f"ds-error-{place or 'page'}"])
    else:
        solara.Success(text, dense=True, classes=["ds-ok", f"ds-ok-{place or 'page'}"])
