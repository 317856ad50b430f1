"""Changing the codebook (add, rename, move, merge codes) and memos, never losing a coding."""

from __future__ import annotations


class CodebookMixin:
    pass
