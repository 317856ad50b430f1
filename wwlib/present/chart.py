"""A figure on a dashboard page of `ww dashboard`, drawn by the plotly.js the package ships.

`ww dashboard` leaves JupyterLab's plotly extension out of its pages: 4.7 MB of script that every
page loaded, whether it showed a figure or not, and that cost the browser about 1.5 s of CPU per
page. A page that shows a figure gets a `Chart` instead: the figure as JSON, drawn by the
cartesian bundle (`wwlib.figures.bundle`, 1.5 MB), which the page's kernel sends once, to a
page that asks for it (`static/chart.js`). Elsewhere (JupyterLab, a plain Voila, a notebook run
in batch) a figure is shown as plotly shows it.
"""

from __future__ import annotations

import os
from pathlib import Path

import anywidget
import plotly.graph_objects as go
import traitlets

from wwlib.figures.bundle import plotly_js
from wwlib.present.parameters import DASHBOARD_ENV
from wwlib.present.render import FIGURE_CONFIG


def on_dashboard() -> bool:
    """Whether this kernel serves a page of `ww dashboard`."""
    return os.environ.get(DASHBOARD_ENV) == "1"


class Chart(anywidget.AnyWidget):
    """One plotly figure, drawn in the page by the shipped plotly.js."""

    _esm = Path(__file__).parent / "static" / "chart.js"
    figure = traitlets.Unicode("{}").tag(sync=True)  # the figure's JSON (plotly's own)
    config = traitlets.Dict().tag(sync=True)

    def __init__(self, figure: go.Figure, **kwargs):
        super().__init__(figure=figure.to_json(), config=FIGURE_CONFIG, **kwargs)
        self.on_msg(self._asked)

    def _asked(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("want") == "plotly":
            self.send({"plotly": plotly_js()})


def shown(figure: go.Figure) -> object:
    """What to display for a figure: a `Chart` on a page of `ww dashboard`, else the figure."""
    return Chart(figure) if on_dashboard() else figure
