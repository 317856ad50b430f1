"""Importing transcripts with their speaker turns, and correcting who a speaker is."""

from __future__ import annotations


class TranscriptMixin:
    pass
