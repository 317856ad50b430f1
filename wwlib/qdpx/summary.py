"""What an import or export did, as `ww import` and `ww export` print it."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("people", "codes", "interviews", "transcripts", "codings", "memos")


@dataclass
class ImportSummary:
    """Counts of what was added and what was there already, and everything worth saying."""

    file: str
    cohort: str = ""
    added: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)  # already in the store (same GUID)
    said: list[str] = field(default_factory=list)  # new participants, matches by name, ...
    not_carried: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # folder and store made for a new cohort

    def count(self, where: dict[str, int], kind: str, n: int = 1) -> None:
        where[kind] = where.get(kind, 0) + n

    @property
    def nothing_added(self) -> bool:
        return not any(self.added.values())

    def __str__(self) -> str:
        lines = [f"{self.file} -> {self.cohort}"]
        lines += [f"  made {what}" for what in self.created]
        added = ", ".join(f"{self.added[k]} {k}" for k in KINDS if self.added.get(k))
        lines.append(f"  added: {added}" if added else "  added: nothing")
        present = ", ".join(f"{self.present[k]} {k}" for k in KINDS if self.present.get(k))
        if present:
            lines.append(f"  already in the cohort (not duplicated): {present}")
        for title, items in (
            ("notes", self.said),
            ("not carried over (the workbook cannot hold it)", self.not_carried),
            ("warnings", self.warnings),
        ):
            if items:
                lines.append(f"  {title}:")
                lines += [f"    - {item}" for item in items]
        return "\n".join(lines)


@dataclass
class ExportSummary:
    """Where the file went and what it holds."""

    file: str
    cohort: str
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0
    said: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        held = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        lines = [f"{self.cohort} -> {self.file} ({self.size:,} bytes): {held}"]
        lines += [f"  - {item}" for item in self.said]
        return "\n".join(lines)
