"""Dot-voting rounds: the facilitator opens and closes them; participants vote while open."""

from __future__ import annotations


class VoteMixin:
    pass
