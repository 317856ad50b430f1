"""Figures of the week as plotly `Figure`s: take DataFrames and a `Labels`, return a figure.

No display and no I/O here. Every figure has a title and axis titles from the label catalogue,
fonts of at least 14 px for projection, and an empty state: with no data it returns a figure
whose annotation says so, never an empty chart or an exception. Text from people (notes,
task titles, quotes) is HTML-escaped, because plotly reads a few HTML tags in labels.

- `week`: programme, interview statuses, code frequencies, who said what, votes, tasks.
- `act`: the Road to Progress as a road from today to the goal.
- `connection`: the analysis day's co-occurrence, as a matrix and a network.
- `look`: the analysis day's saturation, group comparison and coder agreement.
"""

from __future__ import annotations

from wwlib.figures.act import road_chart
from wwlib.figures.base import INTERVIEW_COLOURS, PHASE_COLOURS, STATUS_COLOURS, TEMPLATE
from wwlib.figures.connection import cooccurrence_heatmap, cooccurrence_network
from wwlib.figures.look import agreement_chart, comparison_chart, saturation_chart
from wwlib.figures.week import (
    frequency_chart,
    interview_status_chart,
    programme_timeline,
    task_timeline,
    vote_chart,
    who_said_what_heatmap,
)

__all__ = [
    "INTERVIEW_COLOURS",
    "PHASE_COLOURS",
    "STATUS_COLOURS",
    "TEMPLATE",
    "agreement_chart",
    "comparison_chart",
    "cooccurrence_heatmap",
    "cooccurrence_network",
    "frequency_chart",
    "interview_status_chart",
    "programme_timeline",
    "road_chart",
    "saturation_chart",
    "task_timeline",
    "vote_chart",
    "who_said_what_heatmap",
]
