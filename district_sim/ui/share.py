"""Sharing what the page shows: the Export card (CSV, every run, PNG)."""

from __future__ import annotations

import solara

from . import exports
from .context import Ctx


@solara.component
def ExportCard(ctx: Ctx):
    c = ctx.model.value
    with solara.Card("Export", margin=0), solara.Row():
        solara.FileDownload(lambda: exports.csv_bytes(c), filename="district-sim.csv", label="Data (CSV)",
                            mime_type="text/csv")
        solara.FileDownload(lambda: exports.runs_csv_bytes(c), filename="district-sim-runs.csv",
                            label="Every run (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: exports.png_bytes(c), filename="district-sim.png", label="Charts (PNG)",
                            mime_type="image/png")
