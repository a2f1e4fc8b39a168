"""The Levers card: every lever of one district, as a slider or a typed value."""

from __future__ import annotations

import solara

from . import levers
from .context import Ctx, district_items
from .session import RIGHT


@solara.component
def LeverControl(ctx: Ctx, line_key: str, lever: levers.Lever):
    """One lever of one district: a slider or a typed value, with its one-line explanation."""
    c = ctx.model.value
    error, set_error = solara.use_state("")
    typed, set_typed = solara.use_state(None)
    value = levers.current(c.lines[line_key].settings, lever.key)

    def commit(raw):
        try:
            c.set_lever(line_key, lever.key, raw)
        except ValueError as err:
            set_error(" ".join(str(err).split()))
            set_typed(None if lever.slider else str(raw if raw is not None else ""))
            ctx.error(err)
            return
        set_error("")
        set_typed(None)
        ctx.changed(c.note)

    css = lever.key.replace(".", "-")
    with solara.Column(gap="0px", classes=["ds-lever"]):
        slider = solara.v.Slider(v_model=value, min=lever.low, max=lever.high, step=lever.step,
                                 thumb_label=True, hide_details=True, dense=True,
                                 class_=f"ds-slider ds-slider-{css}" + ("" if lever.slider else " ds-hidden"))
        solara.v.use_event(slider, "change", lambda _w, _e, data: commit(data))
        if lever.slider:
            solara.Text(f"{lever.label}: {value:g}", classes=["ds-lever-label"])
        else:
            solara.InputText(lever.label, value=typed if typed is not None else f"{value:g}",
                             on_value=commit, error=error or False, dense=True,
                             classes=[f"ds-input-{css}"])
        solara.Text(lever.help, classes=["ds-small"])
        if error and lever.slider:
            solara.Error(error, dense=True)


@solara.component
def LeversCard(ctx: Ctx):
    c = ctx.model.value
    ctx.revision.get()
    target, set_target = solara.use_state(RIGHT)
    if target not in c.lines:
        target = RIGHT
    with solara.Card("Levers", margin=0):
        solara.v.Select(label="District to change", items=district_items(c), v_model=target,
                        on_v_model=set_target, dense=True)
        solara.Text("A change re-runs that district from its start (a branch: from its fork) to now. "
                    "To change course from today instead, use Fork now.", classes=["ds-small"])
        with solara.v.ExpansionPanels(accordion=True, multiple=False):
            for group, group_levers in levers.by_group().items():
                with solara.v.ExpansionPanel():
                    solara.v.ExpansionPanelHeader(children=[group])
                    with solara.v.ExpansionPanelContent():
                        for lever in group_levers:
                            LeverControl(ctx, target, lever).key(f"{target}-{lever.key}")
