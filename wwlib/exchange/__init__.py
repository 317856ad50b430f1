"""What `ww import` and `ww export` call: each takes a cohort folder (and --store) and files.

Each function opens the cohort's store (made from the folder when it has none yet; for a QDPX
project, the folder too when it does not exist), does its work in one transaction and returns
a summary whose `str` is what the command prints. The file formats live in `wwlib.transcripts`
and `wwlib.qdpx`, the services in this package; they are imported on use so that `ww check`
stays quick.
"""

from __future__ import annotations


def import_transcripts(folder, files, store=None):
    """Transcript files (.txt, .md, .docx, Zoom or Teams .vtt) into the cohort's interviews."""
    from wwlib.exchange.transcripts import import_files

    return import_files(folder, files, store=store)


def import_transcript_for(folder, files, person, store=None, **given):
    """One transcript file, whatever its name, as `person`'s interview (`given`: interviewer,
    date, speakers as "LABEL=ID")."""
    from wwlib.exchange.person_transcript import import_for_person

    return import_for_person(folder, files, person, store=store, **given)


def import_qdpx(folder, file, store=None):
    """A REFI-QDA project's codebook, sources, codings, cases and memos, added to the cohort."""
    from wwlib.exchange.qdpx import import_project

    return import_project(folder, file, store=store)


def import_qdc(folder, file, store=None):
    """A REFI-QDA codebook's codes, added to the cohort's codebook."""
    from wwlib.exchange.qdpx import import_codebook

    return import_codebook(folder, file, store=store)


def export_qdpx(folder, out, store=None, pseudonymise=False):
    """The cohort as a REFI-QDA project that other QDA tools open; people who did not consent
    to be named by pseudonym, and everyone with `pseudonymise`."""
    from wwlib.exchange.qdpx import export_project

    return export_project(folder, out, store=store, pseudonymise=pseudonymise)


def export_qdc(folder, out, store=None, pseudonymise=False):
    """The cohort's codebook as a REFI-QDA codebook (names in it as `export_qdpx` shows them)."""
    from wwlib.exchange.qdpx import export_codebook

    return export_codebook(folder, out, store=store, pseudonymise=pseudonymise)


def export_xlsx(
    folder, out, store=None, lang="nl", pseudonymise=False, compare_by="organisation", search=None
):
    """Every table of the analysis day in one .xlsx, one sheet per table (and the hits of the
    query `search` on a sheet of their own)."""
    from wwlib.outputs.exports import analysis_xlsx as write
    from wwlib.present.workbook import opened_workbook

    with opened_workbook(folder, store, lang, pseudonymise, actor="ww export xlsx") as wb:
        return write(wb, out, compare_by, search)


def export_tasks(folder, out, store=None, lang="nl", pseudonymise=False):
    """Every task of every plan as an .xlsx task list (a sheet of tasks, a sheet per owner)."""
    from wwlib.outputs.exports import export_tasks as write

    return write(folder, out, store=store, lang=lang, pseudonymise=pseudonymise)


def export_ics(folder, out, store=None, lang="nl", pseudonymise=False):
    """Every dated task as an all-day event in an .ics calendar that Outlook imports."""
    from wwlib.outputs.exports import export_ics as write

    return write(folder, out, store=store, lang=lang, pseudonymise=pseudonymise)


def export_handreiking(folder, out, store=None, lang="nl", pseudonymise=False):
    """One .docx handreiking per theme plan, in the folder `out`."""
    from wwlib.outputs.exports import export_handreikingen as write

    return write(folder, out, store=store, lang=lang, pseudonymise=pseudonymise)


def export_register(folder, out=None, store=None, lang="nl"):
    """The cohort's processing-register entry (AVG article 30) as .docx; names no one. `out`
    defaults to 'verwerkingsregister-<cohort id>.docx' in the current directory."""
    from pathlib import Path

    from wwlib.outputs.register import register_docx, register_file_name
    from wwlib.present.workbook import opened_workbook

    with opened_workbook(folder, store, lang, False, actor="ww export register") as wb:
        return register_docx(wb, out if out is not None else Path(register_file_name(wb)))


IMPORTERS = {"transcripts": import_transcripts, "qdpx": import_qdpx, "qdc": import_qdc}
EXPORTERS = {"qdpx": export_qdpx, "qdc": export_qdc}
# exports of what people read: labels in a language, names pseudonymised on request
READABLE_EXPORTS = {
    "xlsx": export_xlsx,
    "tasks": export_tasks,
    "ics": export_ics,
    "handreiking": export_handreiking,
}
