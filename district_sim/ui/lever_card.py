"""The Levers card: every lever of one district, as a slider or a typed value.

Each lever is one block: its name with the value the model now uses and its unit
(``levers.display``), its control, and its one-line help. The card passes each control the
value the district now acts on. That is what makes a control tell the truth after a change: a
lever change mutates the Comparison in place, so a control whose arguments did not change would
not re-render (reacton skips it), and reacton would then write its stale value back onto the
slider, which snaps back to the old value although the model moved on.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import solara

from . import levers
from .context import MENU, Ctx, Status, district_items
from .session import RIGHT

#: A slider change handled this soon (seconds) after the last re-run ended had waited behind it:
#: a key held down or pressed again while the district re-ran.
BURST_GAP = 0.15
#: How long (seconds) such a change waits for later ones before the district re-runs once.
BURST_WAIT = 0.2
#: Where the card's messages belong (``Ctx.status``): shown in the block of the lever last changed.
PLACE = "levers"


class Burst:
    """One re-run for a burst of slider changes, not one a key press.

    Vuetify's slider sends a change on every key press, a held arrow key some thirty a
    second, and a change re-runs the district from its start (about 2 s at year 10 with ten
    runs of 10,000 students), so the presses would queue for a minute. A change that arrives
    while the district is idle runs at once; one that waited behind a re-run is put aside,
    and once the burst has passed the district re-runs once, on the last value asked for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: tuple[float, Callable[[float], None]] | None = None
        self.flushing = False
        self.done_at = -math.inf

    def offer(self, value: float, apply: Callable[[float], None]) -> None:
        with self.lock:
            if self.flushing or time.monotonic() - self.done_at < BURST_GAP:
                if not self.flushing:
                    self.flushing = True
                    threading.Timer(BURST_WAIT, self._flush).start()
                self.pending = (value, apply)
                return
        self._run(value, apply)

    def _run(self, value: float, apply: Callable[[float], None]) -> None:
        try:
            apply(value)
        finally:
            self.done_at = time.monotonic()

    def _flush(self) -> None:
        while True:
            with self.lock:
                if self.pending is None:
                    self.flushing = False
                    return
                (value, apply), self.pending = self.pending, None
            self._run(value, apply)


def css_name(lever: levers.Lever) -> str:
    """The lever's part of its elements' class names: ``strategy-resource_alignment``."""
    return lever.key.replace(".", "-")


@solara.component
def LeverControl(ctx: Ctx, line_key: str, lever: levers.Lever, value: float,
                 spoke: solara.Reactive | None = None, speaks: bool = False):
    """One lever of one district: its readout, its slider or typed field, and its help.

    ``value`` is what the district acts on now: given by the card, so that the control renders
    again whenever it moves and the slider, its thumb and the readout all show it. A refused
    value shows its message and the text as typed, for as long as the district still acts on the
    value it was refused against.

    The lever last changed (``spoke``, set here; ``speaks`` tells this one it is) shows the
    card's message (``Status(ctx, "levers")``) in its own block, where the eye is: a lever deep
    in a long card, and a message at the top of the sidebar, were a screen apart. The refusal
    is said once: by that message while it stands, by the control itself once another card's
    message has replaced it."""
    refused, set_refused = solara.use_state(None)   # (text typed, message, value it was refused at)
    if refused is not None and refused[2] != value:
        refused = None                               # the lever moved since: that message is old
    said = speaks and refused is not None and ctx.message(PLACE) == (refused[1], "error")

    def commit(raw: Any) -> None:
        # everything this change shows is drawn in one render, after the district took it: a
        # render before it would put the slider back at the old value under the user's finger,
        # and the key presses still on their way would act from there
        try:
            ctx.model.value.set_lever(line_key, lever.key, raw)
        except ValueError as err:   # SettingsError and pydantic's ValidationError are ValueErrors
            text = "" if raw is None else str(raw)
            with ctx.render_context:
                speak()
                set_refused((text, " ".join(str(err).split()), value))
                ctx.error(err, at=PLACE)
            return
        with ctx.render_context:
            speak()
            set_refused(None)
            ctx.changed(ctx.model.value.note, at=PLACE)

    def speak() -> None:
        if spoke is not None:
            spoke.set(f"{line_key}-{lever.key}")

    css = css_name(lever)
    with solara.Column(gap="2px", classes=["ds-lever", f"ds-lever-{css}"]):
        solara.Text(levers.display(lever.key, value), classes=["ds-lever-label", f"ds-lever-label-{css}"])
        if lever.slider:
            LeverSlider(lever, value, commit)
        else:
            shown_text = refused[0] if refused is not None else levers.field_text(lever.key, value)
            flag = False if refused is None else (True if said else refused[1])
            solara.InputText(lever.label, value=shown_text, on_value=commit, error=flag, dense=True,
                             classes=["ds-lever-field", f"ds-input-{css}"])
        solara.Text(lever.help, classes=["ds-small", "ds-lever-help"])
        if speaks:
            Status(ctx, PLACE)
        if refused is not None and lever.slider and not said:
            solara.Error(refused[1], dense=True)


@solara.component
def LeverSlider(lever: levers.Lever, value: float, commit: Callable[[Any], None]):
    """The slider, at the value the model uses. Vuetify 2's v-slider emits ``change`` once a
    change is made: on a click on the track, at the end of a drag, and on every key press
    (arrows, Page Up/Down, Home, End: its onKeyDown emits it), so one event serves mouse and
    keyboard. A key press sends the value before the slider rounds it to its steps and range
    (``levers.on_slider`` does that rounding here); presses that come faster than the district
    re-runs are taken together (:class:`Burst`). Its ``v_model`` is the model's value: after
    a change the card renders this again with the new value, and a refused one puts the thumb
    back where the model is."""
    burst = solara.use_memo(Burst, [])
    slider = solara.v.Slider(v_model=value, min=lever.low, max=lever.high, step=lever.step,
                             thumb_label=True, hide_details=True, dense=True,
                             class_=f"ds-slider ds-slider-{css_name(lever)}")

    def moved(data: Any) -> None:
        where = levers.on_slider(lever.key, data)
        if where != value:   # an arrow key at the end of the track: nothing moved, nothing to re-run
            burst.offer(where, commit)

    solara.v.use_event(slider, "change", lambda _w, _e, data: moved(data))


@solara.component
def LeversCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    target, set_target = solara.use_state(RIGHT)
    spoke = solara.use_reactive("")   # "<district>-<lever>" last changed: its block shows the message
    open_group, set_open_group = solara.use_state(cast(Any, None))   # the open group's index, or None
    if target not in c.lines:
        target = RIGHT
    settings = c.lines[target].settings
    with solara.Card("Levers", margin=0, classes=["ds-levers"]):
        solara.v.Select(label="District to change", items=district_items(c), v_model=target,
                        on_v_model=set_target, dense=True, class_="ds-lever-district",
                        menu_props=MENU)
        solara.Text("A change re-runs that district from its start (a branch: from its fork) to now. "
                    "To change course from today instead, use Fork now.", classes=["ds-small"])
        # only the open group's controls are built: the page walks every element it has on each
        # month's redraw (reacton renders from the root), and the closed groups' some ninety
        # widgets cost a fifth of a month's redraw; a group's controls appear as it opens
        with solara.v.ExpansionPanels(accordion=True, multiple=False, v_model=open_group,
                                      on_v_model=set_open_group):
            for index, (group, group_levers) in enumerate(levers.by_group().items()):
                with solara.v.ExpansionPanel():
                    solara.v.ExpansionPanelHeader(children=[group])
                    with solara.v.ExpansionPanelContent():
                        for lever in group_levers if index == open_group else ():
                            key = f"{target}-{lever.key}"
                            LeverControl(ctx, target, lever, levers.current(settings, lever.key),
                                         spoke, spoke.value == key).key(key)
