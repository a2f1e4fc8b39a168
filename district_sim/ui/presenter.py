"""Presenter mode: the page for a projector (large type, no sidebar, readable at 1024x768).

A switch in the app bar turns it on and off; while it is on, one more stylesheet
(``presenter.css``) is on the page, so presenting changes only how the page looks, never
what it runs. The charts are drawn at the width of the screen (their text and lines scale
with them); the page's compact Play bar in the app bar runs the model while the sidebar is
hidden.
"""

from __future__ import annotations

from pathlib import Path

import solara

STYLESHEET = Path(__file__).with_name("presenter.css")


@solara.component
def PresenterSwitch(presenting: solara.Reactive):
    """The app bar's switch between the working page and presenter mode."""
    solara.Button("Present" if not presenting.value else "Leave presenter mode",
                  on_click=lambda: presenting.set(not presenting.value), text=True,
                  classes=["ds-present"])


@solara.component
def PresenterStyle(on: bool):
    """The presenter stylesheet, on the page only while presenting. Read as text once per
    tab (a Path would make Solara's development mode watch the file from an event loop)."""
    css = solara.use_memo(lambda: STYLESHEET.read_text(encoding="utf-8"), [])
    if on:
        solara.Style(css)
