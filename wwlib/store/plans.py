"""Editing Road to Progress plans: goal and current situation, steps, obstacles, factors."""

from __future__ import annotations


class PlanMixin:
    pass
