"""Presenter mode: the page for a projector (large type, no sidebar, readable at 1024x768).

A switch in the app bar turns it on and off; while it is on, one more stylesheet is on the
page, so presenting changes only how the page looks, never what it runs.
"""

from __future__ import annotations

import solara


@solara.component
def PresenterSwitch(presenting: solara.Reactive):
    """The app bar's switch between the working page and presenter mode."""
    solara.Button("Present" if not presenting.value else "Leave presenter mode",
                  on_click=lambda: presenting.set(not presenting.value), text=True,
                  classes=["ds-present"])


@solara.component
def PresenterStyle(on: bool):
    """The presenter stylesheet, on the page only while presenting."""
    if on:
        solara.Style(".v-navigation-drawer { display: none !important; }")
