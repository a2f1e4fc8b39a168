"""What the sidebar's cards share: the page's model, its messages and one way to make a change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import solara
from mesa.visualization.utils import force_update

from .session import LEFT, RIGHT, Comparison


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


def district_items(comparison: Comparison) -> list[dict]:
    names = {LEFT: "Left", RIGHT: "Right"}
    return [{"text": f"{names.get(k, 'Branch')}: {line.label}", "value": k}
            for k, line in comparison.lines.items()]
