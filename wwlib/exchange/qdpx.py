"""The four things `ww import` and `ww export` do with REFI-QDA files.

Each opens the cohort's store from its folder (`store` overrides where it lives), works in one
transaction and returns a summary whose `str` is what the command prints. Files are written
to a temporary name and moved into place, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from lxml import etree

from wwlib.cohorts.home import open_cohort_store
from wwlib.cohorts.privacy import pseudonymiser
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.core.records import ExchangeContent
from wwlib.exchange.qdpx_cohort import create_cohort
from wwlib.exchange.shown import shown_codebook, shown_content
from wwlib.qdpx.codebook import codebook_xml, read_codebook
from wwlib.qdpx.errors import QdpxError
from wwlib.qdpx.read import read_project
from wwlib.qdpx.resolve import ImportPlan, plan_codebook, plan_import
from wwlib.qdpx.summary import ExportSummary, ImportSummary
from wwlib.qdpx.validate import schema_problems
from wwlib.qdpx.write import project_files

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def import_project(
    folder: str | Path, file: str | Path, store: str | Path | None = None
) -> ImportSummary:
    """Add a QDPX project's codebook, sources, codings, cases and memos to a cohort.

    When `folder` does not exist (or is empty), the cohort folder and its store are made from
    the project. Raises `QdpxError` naming the file and the place for a file it cannot read;
    the store is then unchanged.
    """
    folder, file = Path(folder), Path(file)
    project = read_project(file)
    if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
        return create_cohort(folder, project, file, Path(store) if store else None)
    return _import(
        folder, store, "ww import qdpx", file, lambda c: plan_import(project, c, file.name)
    )


def import_codebook(
    folder: str | Path, file: str | Path, store: str | Path | None = None
) -> ImportSummary:
    """Add a REFI-QDA codebook's codes to a cohort's codebook (codes already there are kept)."""
    file = Path(file)
    tree, not_carried, warnings = read_codebook(file)
    summary = _import(
        folder, store, "ww import qdc", file, lambda c: plan_codebook(tree, c, file.name)
    )
    summary.not_carried += not_carried
    summary.warnings += warnings
    return summary


def export_project(
    folder: str | Path,
    out: str | Path,
    store: str | Path | None = None,
    pseudonymise: bool = False,
) -> ExportSummary:
    """Write the cohort as a QDPX project that ATLAS.ti, NVivo, MAXQDA and QualCoder open.

    People are written as `wwlib.exchange.shown` says: by pseudonym when they did not consent
    to be named, and everyone with `pseudonymise`.
    """
    out = Path(out)
    content, names = _content(folder, store, "ww export qdpx", pseudonymise)
    content = shown_content(content, names, content.cohort.min_group)
    files = project_files(content)
    _check(etree.fromstring(files.qde), "Project.xsd", out)
    members = {"project.qde": files.qde, **files.sources}
    _write_atomically(out, lambda handle: _zip(handle, members))
    said = list(files.notes)
    if files.replaced:
        said.append(f"{files.replaced} character(s) XML cannot hold replaced by U+FFFD")
    return ExportSummary(str(out), content.cohort.id, files.counts, out.stat().st_size, said)


def export_codebook(
    folder: str | Path,
    out: str | Path,
    store: str | Path | None = None,
    pseudonymise: bool = False,
) -> ExportSummary:
    """Write the cohort's codebook as a REFI-QDA codebook (.qdc), names in it as an export
    shows them (`pseudonymise`: everyone's by pseudonym)."""
    out = Path(out)
    content = shown_codebook(*_content(folder, store, "ww export qdc", pseudonymise))
    root, replaced = codebook_xml(content)
    _check(root, "Codebook.xsd", out)
    data = XML_DECLARATION + etree.tostring(
        root, encoding="utf-8", xml_declaration=False, pretty_print=True
    )
    _write_atomically(out, lambda handle: handle.write(data))
    said = [f"{replaced} character(s) XML cannot hold replaced by U+FFFD"] if replaced else []
    counts = {"codes": len(content.codes)}
    return ExportSummary(str(out), content.cohort.id, counts, out.stat().st_size, said)


def _import(folder, store, command: str, file: Path, plan) -> ImportSummary:
    """What `plan(content)` decides, added to the cohort's store in one transaction."""
    with open_cohort_store(folder, store, actor=command) as opened:
        summary = opened.import_exchange(lambda content: _split(plan(content)), source=file.name)
    if not summary.nothing_added:
        summary.said.append(f"added to the store {opened.path}; the cohort folder is unchanged")
    return summary


def _content(
    folder, store, command: str, pseudonymise: bool
) -> tuple[ExchangeContent, Pseudonymiser]:
    """What the cohort's store holds that a REFI-QDA file can carry, and how to show names."""
    with open_cohort_store(folder, store, actor=command) as opened:
        content = opened.exchange_content()
        names = pseudonymiser(opened, pseudonymise, content.cohort.language, scan=pseudonymise)
    return content, names


def _split(plan: ImportPlan):
    return plan.rows, plan.summary


def _check(root, schema: str, out: Path) -> None:
    problems = schema_problems(root, schema)
    if problems:
        raise QdpxError(
            out.name,
            "the XML it would hold",
            f"would not be valid against {schema}: {problems[0]}",
            "this is a wwlib bug; please report it",
        )


def _zip(handle, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _write_atomically(out: Path, write) -> None:
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            write(handle)
        os.replace(tmp, out)
    except OSError as exc:
        raise QdpxError(out.name, "", f"cannot be written ({exc})", "check the folder") from None
    finally:
        tmp.unlink(missing_ok=True)
