"""Adding a REFI-QDA project's codebook, sources, codings, cases and memos in one transaction."""

from __future__ import annotations


class ExchangeMixin:
    pass
