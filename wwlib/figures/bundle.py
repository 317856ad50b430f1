"""The plotly.js that draws the week's figures outside JupyterLab: its cartesian bundle.

Shipped in `static/` (see its README): the final report embeds it inline, and a dashboard page
that shows a figure (`wwlib.present.chart`) gets it from its kernel. It draws every trace type
the figures use (`CARTESIAN_TRACES`) at a third of the full bundle's size.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

PLOTLY_BUNDLE = "plotly-cartesian.min.js"  # plotly.js-cartesian-dist-min, in static/
# the trace types that bundle draws (its README); a figure of another type would stay blank
CARTESIAN_TRACES = frozenset(
    "bar box contour heatmap histogram histogram2d histogram2dcontour image pie scatter "
    "scatterternary violin".split()
)


@cache
def plotly_js() -> str:
    """The cartesian plotly.js bundle shipped in `static/`, as text."""
    bundle = resources.files("wwlib.figures").joinpath("static", PLOTLY_BUNDLE)
    return bundle.read_text(encoding="utf-8")
