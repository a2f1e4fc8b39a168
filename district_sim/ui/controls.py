"""The page's own time controls: play, pause, step, reset, speed and the districts' size.

They replace Mesa's SolaraViz sidebar (its "Render Interval", "Use Threads" and
"Information: Time" mean nothing to a teacher). The districts stay a Mesa model (the
:class:`~district_sim.ui.session.Comparison`) and the charts still follow Mesa's
``update_counter``; only the loop that plays them is ours, built so that Pause is obeyed
within a month at any speed:

* the loop checks a :class:`threading.Event` between months, which Pause sets at once
  (no render needed to stop it);
* one redraw at a time: after each month it waits until the browser says it has drawn it
  (:class:`PageSignals`, at most ``DRAW_WAIT``), so the browser never falls behind a queue
  of months it has still to draw, which would keep the month counter moving after Pause;
* it rests at least ``REST_FLOOR`` between months, so the server reads the clicks that
  arrive while it plays.

The opening: as soon as a browser shows the page, both sides run to year 10 (month
``OPENING_MONTHS``), redrawn every ``OPENING_REDRAW`` seconds on the way, so the first view
shows the districts moving apart with their bands rather than empty charts. Reset starts
again from month 0. A page rendered without a browser (tests) opens at month 0.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipyvuetify as v
import reacton.core
import solara
import traitlets
from mesa.visualization.utils import force_update, update_counter

from ..calendar import MONTHS_PER_YEAR
from .session import MAX_MONTHS, MAX_REPLICATES, Comparison

#: The pause between months the page offers, by the name on its button (milliseconds).
SPEEDS = {"1 ms": 1, "50 ms": 50, "150 ms": 150, "half a second": 500, "a second": 1000}
DEFAULT_SPEED = "150 ms"
#: The least rest between months (seconds): time for the server to read incoming clicks.
REST_FLOOR = 0.02
#: The longest wait (seconds) for the browser to draw a month before the next one starts
#: (no browser, as in tests: the loop goes on after it).
DRAW_WAIT = 0.5
#: The opening runs both sides to year 10 (a link may ask for another year: ``address``),
#: redrawing every OPENING_REDRAW seconds on the way.
OPENING_MONTHS = 100
OPENING_REDRAW = 0.8
#: The district sizes the page offers (each applied on Reset): (lowest, highest, step).
SIZES = {"students": (2_000, 50_000, 1_000), "schools": (4, 100, 1), "replicates": (1, MAX_REPLICATES, 1)}
CAP_MESSAGE = (f"The page runs at most {MAX_MONTHS // MONTHS_PER_YEAR} school years ({MAX_MONTHS} months): "
               "Reset to start again, or save the what-if first to keep this one.")
RESET_HELP = ("Reset goes back to month 0 with the size and runs chosen below; it keeps both "
              "sides' scenarios, their levers and the seed, and drops shocks and branches.")


@dataclass(frozen=True)
class Size:
    """How big the districts are and how many runs each side has (applied on Reset)."""

    students: int
    schools: int
    replicates: int

    @classmethod
    def of(cls, comparison: Comparison) -> Size:
        return cls(comparison.size["district.students"], comparison.size["district.schools"],
                   comparison.replicates)


@dataclass(frozen=True)
class Playback:
    """One tab's clock: whether it plays, how fast, and the loop that plays it.

    Rebuilt on every render from the same reactives and events (``use_playback``), so any
    copy acts on the same clock."""

    model: solara.Reactive      # the Comparison on the page
    playing: solara.Reactive    # bool: the loop runs (or should)
    speed: solara.Reactive      # a key of SPEEDS
    size: solara.Reactive       # the Size Reset will build
    opening: solara.Reactive    # months the opening still runs to (0: none)
    demo: solara.Reactive       # bool: the classroom demonstration is running
    scroll: solara.Reactive     # "selector|n": what the page scrolls into view (the demo's beats)
    stop: threading.Event       # set by Pause: the loop stops before its next month
    drawn: threading.Event      # set when the browser has drawn the last month sent
    ready: threading.Event      # set when a browser shows the page
    opened: threading.Event     # set once the opening has started (it runs once a tab)
    turn: threading.Lock        # one play loop at a time
    render_context: Any
    opening_months: int = OPENING_MONTHS   # where the opening runs to (0: the page opens at month 0)

    # --- what the buttons do --------------------------------------------------------------

    def play(self) -> None:
        if not self.model.value.running or self.demo.value:
            return
        self.stop.clear()
        self.playing.set(True)

    def pause(self) -> None:
        """Stop before the next month: the loop sees ``stop`` at once, whatever the speed."""
        self.stop.set()
        with self.render_context:
            self._end_opening()
            self.playing.set(False)

    def toggle(self) -> None:
        self.pause() if self.playing.value else self.play()

    def step(self) -> None:
        self._by_hand(self.model.value.step)

    def step_year(self) -> None:
        self._by_hand(self.model.value.step_year)

    def _by_hand(self, action: Callable[[], None]) -> None:
        if self.playing.value or not self.model.value.running:
            return
        action()
        self.redraw()

    def reset(self) -> None:
        """Back to month 0 with the chosen size, keeping scenarios, levers and seed."""
        self.pause()
        old, size = self.model.value, self.size.value
        fresh = Comparison(old.setup, size.students, size.schools, replicates=size.replicates)
        with self.render_context:
            self.model.set(fresh)
            force_update()

    def start_opening(self) -> None:
        """Run both sides to year 10, once a tab, from month 0. The server starts it as soon as
        it builds the page, while the browser is still loading: the first redraw waits for
        ``ready``."""
        if self.opened.is_set() or not self.opening_months:
            return
        if self.model.value.months == 0 and not self.playing.value and not self.demo.value:
            self.opened.set()
            self.stop.clear()
            with self.render_context:
                self.model.value.opening = self.opening_months   # the explanation says it runs
                self.opening.set(self.opening_months)
                self.playing.set(True)
                force_update()          # the main area too: its month 0 is the opening's now

    def redraw(self) -> None:
        self.drawn.clear()
        with self.render_context:
            force_update()

    def on_drawn(self, months: Any) -> None:
        self.drawn.set()

    def on_ready(self) -> None:
        self.ready.set()
        self.start_opening()

    def scroll_to(self, selector: str) -> None:
        """Bring what ``selector`` names into view (again, if asked again)."""
        count = int(self.scroll.value.rpartition("|")[2] or 0) + 1
        self.scroll.set(f"{selector}|{count}")

    # --- the loop ---------------------------------------------------------------------------

    def run(self, cancel: threading.Event) -> None:
        """The play loop (solara.use_thread runs it when ``playing`` turns on)."""
        if not self.playing.value:
            return
        with self.turn:
            ended = self._months(cancel)
        if ended and not cancel.is_set():
            with self.render_context:
                self._end_opening()
                self.playing.set(False)
                force_update()

    def _end_opening(self) -> None:
        self.model.value.opening = 0
        self.opening.set(0)

    def _months(self, cancel: threading.Event) -> bool:
        """Play until Pause (False) or until the cap or the opening's end (True)."""
        comparison, drawn_at = self.model.value, time.monotonic()
        while not self.stop.is_set() and not cancel.is_set():
            if self.model.value is not comparison or not comparison.running:
                return True
            target = self.opening.value
            if target and comparison.months >= target:
                return True
            comparison.step()
            if target:   # the opening: redraw now and then, once a browser shows the page
                due = self.ready.is_set() and time.monotonic() - drawn_at >= OPENING_REDRAW
                if comparison.months < target and not due:
                    continue
                self.redraw()
                drawn_at = time.monotonic()
                continue
            self.redraw()
            self.drawn.wait(DRAW_WAIT)            # one redraw at a time
            self.stop.wait(max(SPEEDS.get(self.speed.value, 150) / 1000, REST_FLOOR))
        return False


def use_playback(model: solara.Reactive, demo: solara.Reactive,
                 opening_months: int = OPENING_MONTHS) -> Playback:
    """The tab's clock (a hook: call it once, in the page), with its play loop running and the
    opening to ``opening_months`` started once a browser shows the page."""
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    size = solara.use_reactive(solara.use_memo(lambda: Size.of(model.value), []))
    opening = solara.use_reactive(0)
    scroll = solara.use_reactive("")
    stop, drawn, ready, opened = solara.use_memo(lambda: tuple(threading.Event() for _ in range(4)), [])
    turn = solara.use_memo(threading.Lock, [])
    playback = Playback(model, playing, speed, size, opening, demo, scroll, stop, drawn, ready, opened, turn,
                        reacton.core.get_render_context(), opening_months)
    solara.use_thread(playback.run, dependencies=[playing.value], intrusive_cancel=False)
    solara.use_effect(lambda: playback.start_opening() if serving() else None, [])
    return playback


def serving() -> bool:
    """The page is served to a browser (a Solara server's kernel), not rendered in a test."""
    from solara.server import kernel_context

    return kernel_context.has_current_context()


# --- the browser's side: "drawn", "ready", and scrolling to a chart -------------------------------

SIGNALS_TEMPLATE = """
<template><span class="ds-signals" style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.ready(this.frame); },
  watch: {
    frame(n) {
      // two frames: the charts' new markup, sent before this, has been laid out and painted
      requestAnimationFrame(() => requestAnimationFrame(() => this.drawn(n)));
    },
    scroll(request) {
      const selector = (request || "").split("|")[0];
      const target = selector && document.querySelector(selector);
      if (target) { target.scrollIntoView({behavior: "smooth", block: "center"}); }
    },
  },
};
</script>
"""


class PageSignals(v.VuetifyTemplate):
    """An invisible element that tells the server when the browser shows the page
    (``ready``) and has drawn a month (``drawn``), and scrolls to what ``scroll`` names
    ("selector|n": a new n scrolls again). Plain Vue, in the page's own scripts: offline."""

    template = traitlets.Unicode(SIGNALS_TEMPLATE).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    scroll = traitlets.Unicode("").tag(sync=True)
    on_ready_ = traitlets.Any(None)
    on_drawn_ = traitlets.Any(None)

    def vue_ready(self, data: Any = None, buffers: Any = None) -> None:
        if self.on_ready_:
            self.on_ready_()

    def vue_drawn(self, data: Any = None, buffers: Any = None) -> None:
        if self.on_drawn_:
            self.on_drawn_(data)



@solara.component
def Signals(playback: Playback):
    """The page's PageSignals, following the month (Mesa's update_counter)."""
    frame = update_counter.get()
    PageSignals.element(frame=frame, scroll=playback.scroll.value, on_ready_=playback.on_ready,
                        on_drawn_=playback.on_drawn)


# --- the controls ---------------------------------------------------------------------------------


def stopped_at_cap(playback: Playback) -> bool:
    return not playback.model.value.running


@solara.component
def PlayButtons(playback: Playback, compact: bool = False):
    """Play/Pause and the steps: in the sidebar in words, in the app bar in short. They follow
    the month (the cap can come with any month)."""
    update_counter.get()
    c = playback.model.value
    playing = playback.playing.value
    dead = not c.running or playback.demo.value
    play_label = ("❚❚" if playing else "▶") if compact else ("Pause" if playing else "Play")
    style = "ds-bar-button" if compact else "ds-play"
    # one Row of its own: a component's several children would otherwise stack in a Column
    with solara.Row(gap="2px" if compact else "6px", classes=["ds-middle", "ds-bar-buttons" if compact
                                                             else "ds-play-row"]):
        solara.Button(play_label, on_click=playback.toggle, disabled=dead and not playing,
                      color=None if compact else "primary", classes=[style, "ds-play-pause"], text=compact)
        solara.Button("+1 month" if compact else "Step a month", on_click=playback.step,
                      disabled=dead or playing, classes=[style, "ds-step-month"], text=compact)
        solara.Button("+1 year" if compact else "Step a year", on_click=playback.step_year,
                      disabled=dead or playing, classes=[style, "ds-step-year"], text=compact)


@solara.component
def Clock(playback: Playback):
    """The month now, and what the clock is doing (the opening, the cap)."""
    update_counter.get()
    c = playback.model.value
    goal = f"year {playback.opening_months // MONTHS_PER_YEAR}"
    if playback.opening.value:
        text = f"Running both sides to {goal}: {c.when()}"
    else:
        text = f"Now: {c.when()} ({c.months} school {'month' if c.months == 1 else 'months'} run, ten a year)"
    with solara.Div(classes=["ds-clock"]):
        solara.Text(text, classes=["ds-clock-now"])
        if playback.opened.is_set() and c.months >= playback.opening_months and not playback.playing.value:
            solara.Text(f" Both sides ran to {goal} as the page opened: Reset starts again from month 0, "
                        "then Play shows it month by month.", classes=["ds-small", "ds-opened"])
    if not c.running:
        solara.Warning(CAP_MESSAGE, dense=True, classes=["ds-cap"])


@solara.component
def AppBarControls(playback: Playback):
    """The compact bar in the app bar: what a presenter needs with the sidebar hidden."""
    update_counter.get()
    c = playback.model.value
    with solara.Row(gap="2px", classes=["ds-bar", "ds-middle"]):
        PlayButtons(playback, compact=True)
        if not c.running:
            now = "40 years: the end (Reset)"
        elif playback.opening.value:
            now = f"running to year {playback.opening_months // MONTHS_PER_YEAR}: {c.when()}"
        else:
            now = c.when()
        solara.Text(now, classes=["ds-bar-now"])


@solara.component
def SizeControl(playback: Playback, name: str, label: str, unit: str):
    """One size slider, full width, with its value written out."""
    low, high, step = SIZES[name]
    value = getattr(playback.size.value, name)

    def set_value(new):
        new = int(min(high, max(low, round(float(new)))))
        playback.size.set(Size(**{**playback.size.value.__dict__, name: new}))

    with solara.Column(gap="0px", classes=["ds-size", f"ds-size-{name}"]):
        solara.Text(f"{label}: {value:,} {unit}", classes=["ds-size-label"])
        solara.v.Slider(v_model=value, on_v_model=set_value, min=low, max=high, step=step,
                        hide_details=True, dense=True, class_=f"ds-size-slider ds-size-slider-{name}")


@solara.component
def ControlsCard(playback: Playback):
    """The sidebar's first card: time, speed, Reset and the districts' size."""
    c = playback.model.value
    now = Size.of(c)
    pending = playback.size.value
    with solara.Card("Play the districts", margin=0, classes=["ds-controls"]), solara.Column(gap="6px"):
        PlayButtons(playback)
        Clock(playback)
        if playback.demo.value:
            solara.Text("The classroom demonstration is playing the districts: stop it to play "
                        "them yourself.", classes=["ds-small"])
        solara.Text("Pause between months", classes=["ds-size-label"])
        solara.ToggleButtonsSingle(value=playback.speed.value, values=list(SPEEDS),
                                   on_value=playback.speed.set, dense=True, classes=["ds-speed"])
        solara.Text(f"Playing waits {playback.speed.value} after each month is drawn; drawing a month "
                    "takes a tenth of a second or more.", classes=["ds-small"])
        solara.Button("Reset", on_click=playback.reset, color="primary", outlined=True,
                      classes=["ds-reset"])
        solara.Text(RESET_HELP, classes=["ds-small"])
        SizeControl(playback, "students", "Students in each district", "")
        SizeControl(playback, "schools", "Schools in each district", "")
        SizeControl(playback, "replicates", "Runs of each side, for the 95% bands", "")
        if pending != now:
            solara.Text(f"Now {now.students:,} students, {now.schools} schools, {now.replicates} runs: "
                        "press Reset to use the new size.", classes=["ds-small", "ds-size-pending"])
