"""docs/css-classes.md is the one place for the dashboards' stable handles: every class a test
or benchmark selects is listed there, and every class listed for the board and voting exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "css-classes.md"
SELECTED = re.compile(r"""(?:\.|class=["'])(ww-[a-z0-9-]*[a-z0-9])""")  # .ww-x, class="ww-x
LISTED = re.compile(r"`(ww-[a-z0-9<>-]*[a-z0-9>])`")


def listed() -> set[str]:
    return set(LISTED.findall(DOC.read_text(encoding="utf-8")))


def documented(name: str, names: set[str]) -> bool:
    """Listed as it is, or by a pattern such as `ww-code-<code id>`."""
    patterns = [re.escape(n.split("<")[0]) + r"[a-z0-9-]+" for n in names if "<" in n]
    return name in names or any(re.fullmatch(p, name) for p in patterns)


def test_every_class_a_test_or_benchmark_selects_is_documented():
    sources = [*ROOT.glob("tests/*.py"), *ROOT.glob("benchmarks/*.py")]
    selected = {
        name: path.name
        for path in sources
        if path.name != Path(__file__).name
        for name in SELECTED.findall(path.read_text(encoding="utf-8"))
    }
    names = listed()
    assert {n: f for n, f in selected.items() if not documented(n, names)} == {}


def test_the_boards_and_votes_classes_listed_exist_in_the_code():
    code = "".join(
        p.read_text(encoding="utf-8")
        for p in [
            *ROOT.glob("wwlib/ui/*.py"),
            ROOT / "wwlib/ui/static/board.js",
            ROOT / "wwlib/present/templates/parts.html.j2",
        ]
    )
    ours = {n for n in listed() if n.startswith(("ww-note", "ww-vote-", "ww-board", "ww-card"))}
    assert len(ours) > 20
    assert sorted(n for n in ours if n not in code) == []
