"""Sharing what the page shows: the "Save and share" card.

A group saves its what-if as a small TOML file (both sides' scenarios and levers, the seed and
runs, every shock, lever change and fork with its month, and the month reached); opening that
file on any page, in any browser, gives the same page back, chart for chart, and
``district-sim whatif FILE`` replays it from the command line with the same numbers. The
exports (CSV, PNG) carry the title, the settings and the seed (``exports``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

import solara
from solara.components.file_drop import FileDropZone, FileInfo

from ..settings import SettingsError
from ..whatif import WhatIf
from . import exports
from .context import Ctx
from .controls import Size
from .session import Comparison

#: Where this card's messages show (``Ctx.message``).
PLACE = "share"
#: A what-if is a few kilobytes; anything much larger is not one.
MAX_BYTES = 1_000_000


class WhatIfDropZone(FileDropZone):
    """Solara's drop zone with a button that opens the file chooser too (Solara's only takes a
    drag, which a projector's laptop or a touch screen may not offer)."""

    template_file = (__file__, "open_whatif.vue")


@solara.component
def OpenWhatIf(label: str, on_file: Callable[[FileInfo], None]):
    """A button (and a drop zone) for one file; ``on_file`` gets it with its bytes in ``data``,
    in a thread (a large district takes a moment to replay). As Solara's ``FileDrop``."""
    info, set_info = solara.use_state(cast(Any, None))
    wired, set_wired = solara.use_state(cast(Any, None))
    zone = WhatIfDropZone.element(label=label, on_file_info=set_info, multiple=False)

    def wire_files():
        if not info:
            return
        widget = cast(WhatIfDropZone, solara.get_widget(zone))
        widget.version += 1    # as Solara's FileDrop: a fresh read of the new file
        widget.reset_stats()
        set_wired(widget.get_files())

    solara.use_effect(wire_files, [info])

    def read(cancel: threading.Event):
        if not wired:
            return
        file = wired[0]
        file["data"] = None if file["size"] > MAX_BYTES else file["file_obj"].read()
        on_file(file)

    # not cancelled midway if the card is drawn anew: a half-opened what-if would change nothing
    # but would leave no message either
    result = solara.use_thread(read, [wired], intrusive_cancel=False)
    if result.error:
        raise result.error
    return zone


def read_upload(file: FileInfo) -> WhatIf:
    """The what-if in an uploaded file, or SettingsError in one plain line naming the file and
    what is wrong (whatif's messages: the key and what is allowed)."""
    name = file["name"]
    if file["data"] is None:
        raise SettingsError(f"{name} is {file['size'] / 1e6:.1f} MB; a what-if file is a few kilobytes: "
                            "is it the file the page saved?")
    try:
        text = bytes(file["data"]).decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{name} is not a what-if file (it is not text): choose the .toml file "
                            "the page saved") from None
    return WhatIf.from_toml(text, name)


@solara.component
def ExportCard(ctx: Ctx):
    """Save and share: the what-if's title, save and open it, and the exports."""
    c = ctx.model.value
    ctx.revision.get()
    _, set_typed = solara.use_state(c.title)   # redraws the file name as the title is typed
    title = c.title                             # the setup's: Reset and a new seed keep it
    stem = exports.file_stem(title)

    def retitle(text: str) -> None:
        c.setup.title = text
        set_typed(text)

    def open_file(file: FileInfo) -> None:
        try:
            opened = Comparison.from_whatif(read_upload(file), ctx.model.value.setup)
        except ValueError as err:  # SettingsError (WhatIfError among them): the page is unchanged
            ctx.error(ValueError(f"Not opened: {err}"), PLACE)
            return
        with ctx.render_context:
            ctx.model.set(opened)
            if ctx.playback is not None:   # Reset rebuilds what is shown: the opened what-if's size
                ctx.playback.size.set(Size.of(opened))
            ctx.changed(opened.note, PLACE)

    with solara.Card("Save and share", margin=0, classes=["ds-share"]), solara.Column(gap="6px"):
        solara.Text("Save this what-if as a file: both sides' scenarios and levers, the seed and runs, "
                    "and every shock, lever change and fork with its month. Open it here to get this "
                    "page back exactly, or replay it with district-sim whatif FILE.", classes=["ds-small"])
        solara.InputText("Title of this what-if", value=title, on_value=retitle, continuous_update=True,
                         classes=["ds-whatif-title"])
        solara.Text(f"Saves as {stem}.toml", classes=["ds-small", "ds-whatif-file"])
        solara.FileDownload(lambda: c.whatif().to_toml().encode("utf-8"), filename=f"{stem}.toml",
                            label="Save what-if (TOML)", mime_type="application/toml")
        OpenWhatIf("Open a what-if", on_file=open_file)
        text, kind = ctx.message(PLACE)   # beside the buttons that caused it
        if text:
            (solara.Error if kind == "error" else solara.Success)(
                text, dense=True, classes=["ds-whatif-error" if kind == "error" else "ds-whatif-ok"])
        solara.Text("Exports begin with the what-if that made them (lines starting with #): in Python, "
                    'pandas.read_csv(path, comment="#"); in a spreadsheet, skip those lines.',
                    classes=["ds-small"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(lambda: exports.csv_bytes(c), filename=f"{stem}.csv", label="Data (CSV)",
                                mime_type="text/csv")
            solara.FileDownload(lambda: exports.runs_csv_bytes(c), filename=f"{stem}-runs.csv",
                                label="Every run (CSV)", mime_type="text/csv")
            solara.FileDownload(lambda: exports.png_bytes(c), filename=f"{stem}.png", label="Charts (PNG)",
                                mime_type="image/png")
