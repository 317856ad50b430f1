"""Checking XML against the REFI-QDA schemas shipped in wwlib/qdpx/schemas/ (QDA-XML 1.0)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import xmlschema


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    """The schema `Project.xsd` or `Codebook.xsd`, loaded once per process."""
    source = resources.files(__package__) / "schemas" / name
    with resources.as_file(source) as path:
        return xmlschema.XMLSchema(str(path))


def schema_problems(root, name: str = "Project.xsd", limit: int = 5) -> list[str]:
    """Up to `limit` reasons why an lxml element is not valid, each with its line."""
    problems = []
    for error in schema(name).iter_errors(root):
        line = getattr(error, "sourceline", None)
        where = f"line {line}: " if line else ""
        problems.append(f"{where}{error.reason or error.message}")
        if len(problems) >= limit:
            break
    return problems
