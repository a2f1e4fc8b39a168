"""The browser page (``district-sim ui``): two districts side by side, levers, shocks, forks.

``session`` (districts in lockstep, levers, shocks, forks by replay), ``levers``, ``explain``,
``charts`` (SVG charts, exports), ``classroom`` (the scripted demonstration) are plain Python;
``app`` lays them out with Solara (``controls`` plays the Mesa model); ``server`` and ``commands`` start it.
Nothing here is imported by the model core.
"""
