"""The week's analyses as pure functions on the store's DataFrames.

They take DataFrames (`store.codings()`, `store.codes()`, `store.people()`, ...) and return
DataFrames; they never read the store, display or write anything. Frames of many cohorts,
stacked with a `cohort` column, are analysed per cohort in one pass (`all_tables`).

- `frequencies`: how often each code and category is mentioned, who said what, the quotes.
- `connection`: which codes go together (co-occurrence), obstacles next to ways to deal.
- `saturation`: new codes per interview, in interview order.
- `comparison`: which codes differ between groups of participants.
- `agreement`: how much two coders agree on the interviews both coded.
- `priorities`: the dots each shortlisted theme received on Thursday.
- `week`: dot-vote totals, interview statuses, the programme's time slots.
"""

from __future__ import annotations

from wwlib.analysis.agreement import agreement, agreement_summary
from wwlib.analysis.comparison import OTHER_GROUP, compare_groups, group_attributes, small_groups
from wwlib.analysis.connection import (
    cooccurrence,
    cooccurrence_matrix,
    obstacles_and_ways,
    passages,
)
from wwlib.analysis.frames import CATEGORY_ORDER, category_rank
from wwlib.analysis.frequencies import (
    category_frequencies,
    cluster_order,
    code_frequencies,
    strongest_quotes,
    who_said_what,
    who_said_what_long,
)
from wwlib.analysis.priorities import theme_priorities
from wwlib.analysis.saturation import saturation
from wwlib.analysis.tables import all_tables
from wwlib.analysis.week import (
    DAY_END,
    DAY_START,
    INTERVIEW_STATUS_ORDER,
    interview_statuses,
    session_slots,
    vote_totals,
)

__all__ = [
    "CATEGORY_ORDER",
    "DAY_END",
    "DAY_START",
    "INTERVIEW_STATUS_ORDER",
    "OTHER_GROUP",
    "agreement",
    "agreement_summary",
    "all_tables",
    "category_frequencies",
    "category_rank",
    "cluster_order",
    "code_frequencies",
    "compare_groups",
    "cooccurrence",
    "cooccurrence_matrix",
    "group_attributes",
    "interview_statuses",
    "obstacles_and_ways",
    "passages",
    "saturation",
    "session_slots",
    "small_groups",
    "strongest_quotes",
    "theme_priorities",
    "vote_totals",
    "who_said_what",
    "who_said_what_long",
]
