"""The sidebar: what a leader or a teacher does with the page.

Time (``controls``), the classroom demonstration, the districts' scenarios and seed, shocks,
forks, levers and exports, one card each; ``SessionPanel`` lays them out and runs the
classroom demonstration. Each card shows the message of what was done in it (an error
included) next to the control that caused it: ``context.Status(ctx, place)``."""

from __future__ import annotations

import threading

import reacton.core
import solara

from ..scenarios import list_scenarios
from . import classroom, controls, levers
from .context import MENU, Ctx, Status, district_items
from .island import Island
from .lever_card import LeversCard
from .session import LEFT, MAX_BRANCHES, RIGHT, SHOCK_BUTTONS
from .share import ExportCard


@solara.component
def DemoCard(ctx: Ctx):
    """The scripted classroom demonstration: it pauses Play itself and restarts the districts."""
    def start_demo():
        if ctx.playback is not None:
            ctx.playback.pause()
        fresh = classroom.fresh_comparison()
        fresh.caption = "Classroom demonstration starting."
        ctx.model.set(fresh)
        ctx.demo.set(True)

    with solara.Card("Classroom", margin=0), solara.Column(gap="4px"):
        if ctx.demo.value:
            solara.Button("Stop the demonstration", on_click=lambda: ctx.demo.set(False), classes=["ds-demo"])
        else:
            solara.Button("Classroom demo (5 min)", on_click=start_demo, classes=["ds-demo"],
                          color="secondary")
        solara.Text(f"A scripted {classroom.total_seconds() / 60:.0f}-minute demonstration: it pauses "
                    "Play, restarts fragmented against focused at month 0, narrates above the charts "
                    "and scrolls to the chart each step talks about.", classes=["ds-small"])


@solara.component
def DistrictsCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    names = list(solara.use_memo(list_scenarios, []))
    with solara.Card("Districts", margin=0):
        for side, word in ((LEFT, "Left"), (RIGHT, "Right")):
            solara.Select(f"{word} side scenario", values=names, value=c.lines[side].scenario,
                          on_value=lambda name, side=side: ctx.act(lambda: c.set_scenario(side, name),
                                                                   lambda _: c.note, at="districts"))
        solara.InputText("Seed: any whole number from 0 (restarts at month 0)", value=str(c.seed),
                         on_value=lambda text: ctx.act(lambda: ctx.model.set(c.restarted(text)),
                                                       f"Restarted on seed {str(text).strip()}",
                                                       at="districts"),
                         classes=["ds-seed"])
        Status(ctx, "districts")
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
             {"text": "Both sides (no branches)", "value": "both"}, *district_items(c)]
    if target not in [i["value"] for i in items]:
        target = "all"
    with solara.Card("Shocks, now", margin=0):
        solara.v.Select(label="Inject into", items=items, v_model=target, on_v_model=set_target, dense=True,
                        menu_props=MENU)
        with solara.Column(gap="4px"):
            for kind, spec in SHOCK_BUTTONS.items():
                solara.Button(spec.label, on_click=lambda kind=kind: ctx.act(
                    lambda: c.inject(kind, target), lambda m: m.label, at="shocks"),
                    classes=["ds-shock", f"ds-shock-{kind}"], small=True, block=True)
                solara.Text(spec.help, classes=["ds-small"])
            Status(ctx, "shocks")


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
        solara.v.Select(label="District", items=district_items(c), v_model=source, on_v_model=set_source,
                        dense=True, menu_props=MENU)
        solara.v.Select(label="Lever", items=[{"text": f"{lv.group}: {lv.label}", "value": lv.key}
                                              for lv in levers.LEVERS],
                        v_model=lever_key, on_v_model=set_lever_key, dense=True, menu_props=MENU)
        current = levers.current(c.lines[source].settings, lever_key)
        solara.InputText(f"New value (now {current:g})", value=text, on_value=set_text,
                         continuous_update=True, classes=["ds-fork-value"])
        solara.Button("Fork", color="primary", classes=["ds-fork"], disabled=len(branches) >= MAX_BRANCHES,
                      on_click=lambda: ctx.act(lambda: c.fork(source, lever_key, text),
                                               lambda b: f"New branch: {b.label}", at="fork"))
        Status(ctx, "fork")        # beside the Fork button, where the eye is
        for key, line in branches:
            with solara.Row(classes=["ds-middle"]):
                solara.Text(line.label, classes=["ds-branch"], style={"color": line.color})   # the branch's
                solara.Button(icon_name="mdi-close", icon=True, small=True, classes=["ds-remove"],
                              on_click=lambda key=key: ctx.act(lambda: c.remove(key), "Branch removed",
                                                               at="fork"))


@solara.component
def SessionPanel(model: solara.Reactive, demo: solara.Reactive, playback: controls.Playback | None = None):
    status = solara.use_reactive(("", "ok", ""))
    revision = solara.use_reactive(0)
    ctx = Ctx(model, demo, status, revision, reacton.core.get_render_context(), playback)

    def run_demo(cancel: threading.Event):
        if not demo.value:
            return
        director = classroom.Director(model.value)
        # stops when asked, when the script ends, or when Reset replaced the districts
        while (demo.value and not cancel.is_set() and not director.finished
               and model.value is director.comparison):
            beat = len(director.done)
            wait = director.tick()
            director.comparison.caption = director.caption
            ctx.changed("")
            if len(director.done) != beat and playback is not None:   # a new beat: show its chart
                playback.scroll_to(director.focus)
            cancel.wait(wait)
        demo.set(False)

    solara.use_thread(run_demo, dependencies=[demo.value], intrusive_cancel=False)
    with solara.Sidebar(), solara.Column(gap="8px", classes=["ds-session"]):
        Status(ctx)
        if playback is not None:
            controls.ControlsCard(playback)   # follows the month: in the page's own render
        Island(lambda: ActionCards(ctx))      # the rest changes only when acted on


@solara.component
def ActionCards(ctx: Ctx):
    """The cards a user acts with (rendered as an island: a month's redraw does not walk them)."""
    with solara.Column(gap="8px"):
        DemoCard(ctx)
        DistrictsCard(ctx)
        ShocksCard(ctx)
        ForkCard(ctx)
        LeversCard(ctx)
        ExportCard(ctx)


@solara.component
def SidebarCards(model: solara.Reactive, demo: solara.Reactive, playback: controls.Playback | None = None):
    """The sidebar's cards, a level below the page (the page re-renders only what changed)."""
    SessionPanel(model, demo, playback)
