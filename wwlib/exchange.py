"""What `ww import` and `ww export` call: each takes a cohort folder (and --store) and files.

Each function opens the cohort's store (made from the folder when it has none yet; for a QDPX
project, the folder too when it does not exist), does its work in one transaction and returns
a summary whose `str` is what the command prints. The work itself lives in `wwlib.transcripts`
and `wwlib.qdpx`; they are imported on use so that `ww check` stays quick.
"""

from __future__ import annotations


def import_transcripts(folder, files, store=None):
    """Transcript files (.txt, .md, .docx, Zoom or Teams .vtt) into the cohort's interviews."""
    from wwlib.transcripts import import_files

    return import_files(folder, files, store=store)


def import_qdpx(folder, file, store=None):
    """A REFI-QDA project's codebook, sources, codings, cases and memos, added to the cohort."""
    from wwlib.qdpx import import_project

    return import_project(folder, file, store=store)


def import_qdc(folder, file, store=None):
    """A REFI-QDA codebook's codes, added to the cohort's codebook."""
    from wwlib.qdpx import import_codebook

    return import_codebook(folder, file, store=store)


def export_qdpx(folder, out, store=None):
    """The cohort as a REFI-QDA project that other QDA tools open."""
    from wwlib.qdpx import export_project

    return export_project(folder, out, store=store)


def export_qdc(folder, out, store=None):
    """The cohort's codebook as a REFI-QDA codebook."""
    from wwlib.qdpx import export_codebook

    return export_codebook(folder, out, store=store)


IMPORTERS = {"transcripts": import_transcripts, "qdpx": import_qdpx, "qdc": import_qdc}
EXPORTERS = {"qdpx": export_qdpx, "qdc": export_qdc}
