"""The `ww` command's arguments: every command, its options and their help (`ww --help`).

`wwlib.app.cli` parses with `build_parser()` and runs the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ww", description="Wij-Werken workbook")
    sub = parser.add_subparsers(dest="command", required=True)

    new = sub.add_parser("new", help="write a new cohort folder that ww check accepts at once")
    new.add_argument("folder", type=Path, help="the new folder, e.g. data/heideveld-2027")
    new.add_argument("--title", required=True, help='e.g. "Wij-Werken Week Heideveld"')
    new.add_argument(
        "--municipality",
        dest="municipalities",
        action="append",
        required=True,
        metavar="NAME",
        help="a municipality of the cohort; repeat it for several",
    )
    new.add_argument(
        "--start", required=True, metavar="DATE", help="the Monday of the week, e.g. 2027-03-08"
    )
    new.add_argument("--lang", choices=("nl", "en"), default="nl", help="the cohort's language")
    new.add_argument(
        "--id", dest="cohort_id", metavar="ID", help="the cohort id (default: the folder's name)"
    )

    check = sub.add_parser("check", help="validate a cohort folder and list every problem")
    check.add_argument("folder", type=Path)

    init = sub.add_parser("init", help="load a cohort folder into its store")
    init.add_argument("folder", type=Path)
    init.add_argument("--store", type=Path, help="store file (default $WW_HOME/stores/<id>.sqlite)")
    init.add_argument(
        "--replace",
        action="store_true",
        help="rebuild an existing store from the folder (a backup is kept)",
    )
    init.add_argument(
        "--discard-unsaved",
        action="store_true",
        help="with --replace: drop what only the store holds (run `ww save` first instead)",
    )
    for name, help_text in (
        ("save", "write everything the store holds back into the cohort folder"),
        ("update", "bring edits made in the folder into the store, keeping what only it holds"),
    ):
        one = sub.add_parser(name, help=help_text)
        one.add_argument("folder", type=Path)
        one.add_argument("--store", type=Path, help="store file (default: the cohort's own)")

    for name, help_text in (
        ("run", "run the five notebooks and write report.html"),
        ("batch", "run several cohorts in parallel"),
    ):
        run = sub.add_parser(name, help=help_text)
        run.add_argument("folder", type=Path, nargs="+" if name == "batch" else None)
        run.add_argument("--out", type=Path, required=True)
        run.add_argument("--lang", choices=("nl", "en"), default="nl")
        run.add_argument(
            "--pseudonymise",
            action="store_true",
            help="replace personal names by pseudonym codes everywhere",
        )
        run.add_argument(
            "--pdf",
            action="store_true",
            help="also write report.pdf: PDF/A-2b with LibreOffice, else printed by Chromium",
        )
        run.add_argument(
            "--docx", action="store_true", help="also write the report as Word (report.docx)"
        )
        run.add_argument(
            "--odt",
            action="store_true",
            help="also write the report as OpenDocument (report.odt; needs LibreOffice)",
        )
        if name == "run":
            run.add_argument("--store", type=Path)
        else:
            _batch_executors(run)

    imports = _per_format(
        sub,
        "import",
        "add transcripts, a QDPX project, a codebook or a recording",
        transcripts="transcript files (.txt .md .docx .vtt)",
        qdpx="a REFI-QDA project (.qdpx)",
        qdc="a REFI-QDA codebook (.qdc)",
        media="an interview's recording (.mp3 .m4a .wav .ogg .mp4 .webm), kept beside the store",
    )
    for what, one in imports.items():
        one.add_argument("files", type=Path, nargs="+" if what == "transcripts" else None)
    _person_options(imports["transcripts"])
    _media_options(imports["media"])
    exports = _per_format(
        sub,
        "export",
        "write a QDPX project, a codebook, tables, tasks or handreikingen",
        qdpx="the cohort as a REFI-QDA project (.qdpx)",
        qdc="the codebook as a REFI-QDA codebook (.qdc)",
        xlsx="every table of the analysis day, one sheet each (.xlsx)",
        tasks="the task list of every plan (.xlsx)",
        ics="every dated task as a calendar event (.ics)",
        handreiking="one adaptable .docx per theme plan, into the folder OUT",
        register="the processing-register entry (AVG article 30) as .docx, for the DPIA",
        parquet="the analysis tables, pseudonymised, as Parquet into OUT/<cohort id>/",
    )
    _parquet_options(exports.pop("parquet"))
    register = exports.pop("register")
    register.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="the .docx to write (default: verwerkingsregister-<cohort id>.docx here)",
    )
    register.add_argument("--lang", choices=("nl", "en"), default="nl")
    for what, one in exports.items():
        one.add_argument("out", type=Path)
        if what not in ("qdpx", "qdc"):
            one.add_argument("--lang", default="nl", help="labels: nl (default) or en")
        one.add_argument("--pseudonymise", action="store_true", help="pseudonyms instead of names")
        if what == "xlsx":
            one.add_argument(
                "--compare-by",
                default="organisation",
                help="the person attribute to compare groups by (default organisation)",
            )
            one.add_argument("--search", metavar="QUERY", help="a sheet of this query's hits")

    dash = sub.add_parser(
        "dashboard",
        help="serve the notebooks as Voila dashboards: a cohort to its group, or to yourself",
    )
    dash.add_argument(
        "folder", type=Path, nargs="?", help="a cohort folder: serve it with personal links"
    )
    dash.add_argument(
        "--links",
        type=Path,
        metavar="FILE",
        help="with a cohort folder: write everyone's personal links here (CSV)",
    )
    dash.add_argument("--store", type=Path, help="store file (default: the cohort's own)")
    dash.add_argument("--port", type=int, default=8866)
    dash.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    dash.add_argument(
        "--public-url",
        default="",
        metavar="URL",
        help="the https:// address a reverse proxy serves the dashboards at",
    )
    dash.add_argument(
        "--preheat", type=int, default=0, metavar="N", help="kernels kept warm per notebook"
    )
    dash.add_argument(
        "--preheat-notebook",
        action="append",
        default=[],
        metavar="NOTEBOOK",
        help="keep kernels warm for this phase notebook only, e.g. 04_road_to_progress "
        "(repeatable; default: every phase)",
    )
    dash.add_argument(
        "--pseudonymise", action="store_true", help="pseudonym codes instead of names"
    )
    dash.add_argument("--token", default=None, help="without a cohort: access token")
    dash.add_argument("--no-token", action="store_true", help="without a cohort: no token")
    dash.add_argument("--data", type=Path, default=None, help="cohort folders (default data/)")

    privacy = sub.add_parser(
        "privacy", help="list what a pseudonymised export would replace, and what to check"
    )
    privacy.add_argument("folder", type=Path)
    privacy.add_argument("--lang", choices=("nl", "en"), default="nl")
    privacy.add_argument(
        "--no-deduce",
        action="store_true",
        help="skip deduce's search for names the cohort does not list (it takes seconds)",
    )

    forget = sub.add_parser(
        "forget",
        help="remove a person's personal data from the store, its backups and the folder",
        description="Forget a person: their name, function and organisation, their notes and "
        "their transcript, in the cohort's store, the backups beside it and the cohort folder, "
        "and their name wherever the cohort's texts mention it; they keep only their pseudonym. "
        "It asks nothing: --yes is the consent, and without it nothing changes. It cannot be "
        "undone. Files the workbook did not write that still hold their name are listed.",
    )
    forget.add_argument("folder", type=Path, help="the cohort folder")
    forget.add_argument("person", help="the person's id as people.csv has it (or full name)")
    forget.add_argument(
        "--notes",
        choices=("anonymous", "remove"),
        default="anonymous",
        help="their notes and memos: made anonymous (default) or removed (with their dots)",
    )
    forget.add_argument(
        "--transcript",
        choices=("notice", "pseudonymised"),
        default="notice",
        help="their transcript: a notice in its place, its codings removed (default), or its "
        "pseudonymised text, codings kept on the same words",
    )
    forget.add_argument(
        "--yes", action="store_true", help="do it (it cannot be undone); without it: nothing"
    )
    forget.add_argument("--store", type=Path, help="store file (default: the cohort's own)")

    purge = sub.add_parser(
        "purge",
        help="delete a cohort's personal data once its retention date has passed",
        description="Delete the cohort's store, the backups beside it and the files of the "
        "folder that name or quote people (people.csv, transcripts, notes, votes, plans, ...), "
        "overwritten with zeros first. The programme, the codebook, the boards and cohort.yaml "
        "(without the names it lists) stay, with a note PURGED.txt. It cannot be undone: "
        "--yes is the consent, and without it nothing changes. Before the retention date in "
        "cohort.yaml (or without one) it also needs --early.",
    )
    purge.add_argument("folder", type=Path, help="the cohort folder")
    purge.add_argument(
        "--keep-report",
        type=Path,
        metavar="FILE",
        help="first write a pseudonymised report (HTML) to FILE, e.g. rapport-2027.html",
    )
    purge.add_argument(
        "--early", action="store_true", help="purge before the retention date (or without one)"
    )
    purge.add_argument(
        "--yes", action="store_true", help="do it (it cannot be undone); without it: nothing"
    )
    purge.add_argument("--store", type=Path, help="store file (default: the cohort's own)")

    search = sub.add_parser(
        "search", help="find words in the transcripts, notes and memos; code every hit"
    )
    search.add_argument("folder", type=Path)
    search.add_argument("query", nargs="?", help='words and "phrases", all of which must occur')
    search.add_argument("--speaker", metavar="ID", help="only what this person said or wrote")
    search.add_argument("--code", metavar="ID", help="only hits in fragments with this code")
    search.add_argument("--interview", metavar="ID", help="only this interview's transcript")
    search.add_argument("--code-all", metavar="CODE", help="code every transcript hit with CODE")
    search.add_argument(
        "--unit",
        choices=("sentence", "turn"),
        default="sentence",
        help="with --code-all: code the hit's sentence or speaker turn",
    )
    search.add_argument("--coder", metavar="PERSON", help="with --code-all: who codes")
    search.add_argument("--undo", type=int, metavar="ACTION", help="undo an autocoding")
    search.add_argument("--store", type=Path, help="store file (default: the cohort's own)")

    _national_options(sub)

    links = sub.add_parser("links", help="revoke a person's personal link (a new one replaces it)")
    links.add_argument("folder", type=Path)
    links.add_argument("--revoke", required=True, metavar="PERSON", help="the person's id")
    links.add_argument("--links", type=Path, metavar="FILE", help="the links file to update")
    links.add_argument("--store", type=Path, help="store file (default: the cohort's own)")
    return parser


def _person_options(transcripts) -> None:
    """`ww import transcripts DIR FILE --person ID ...`: one file, whatever its name."""
    transcripts.add_argument(
        "--person", metavar="ID", help="the interviewee of the one FILE (any file name)"
    )
    transcripts.add_argument(
        "--interviewer", metavar="ID", help="with --person (default: the interview's, else "
        "the first facilitator)",
    )  # fmt: skip
    transcripts.add_argument(
        "--date", metavar="YYYY-MM-DD", help="with --person (default: the file's, else the "
        "week's Tuesday, else the start)",
    )  # fmt: skip
    transcripts.add_argument(
        "--speaker", action="append", default=[], metavar='"LABEL=ID"',
        help="with --person: who a speaker of the file is (repeat it; LABEL= for no one)",
    )  # fmt: skip
    transcripts.add_argument(
        "--media", type=Path, metavar="RECORDING", help="with --person: the interview's "
        "recording (.mp3 .m4a .wav .ogg .mp4 .webm), kept beside the store, never in the folder",
    )  # fmt: skip


def _media_options(media) -> None:
    """`ww import media DIR RECORDING --person ID`: a recording for an imported interview."""
    media.add_argument(
        "--person", required=True, metavar="ID", help="the interviewee whose recording it is"
    )


def _parquet_options(parquet) -> None:
    """`ww export parquet DIR OUT [--as-of DATE]`: the cohort's tables for `ww national`."""
    parquet.add_argument("out", type=Path, help="the folder the cohort's folder is written in")
    parquet.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="the day the tasks' state (done, open, overdue) is counted on (default: today)",
    )


def _national_options(sub) -> None:
    """`ww national O... --out N`: one report across the exported cohorts."""
    national = sub.add_parser(
        "national", help="one national report (HTML, xlsx) from `ww export parquet` folders"
    )
    national.add_argument(
        "exports", type=Path, nargs="+", metavar="O", help="an export folder, or one holding them"
    )
    national.add_argument("--out", type=Path, required=True, help="the folder to write in")
    national.add_argument("--lang", choices=("nl", "en"), default="nl")
    national.add_argument(
        "--min-group",
        type=int,
        metavar="K",
        help="show a count of fewer than K people as '< K' (default: the cohorts' largest "
        "min_group)",
    )


def _iso_date(text: str) -> dt.date:
    """An ISO date argument, or argparse's own error naming it."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is no date; write it as YYYY-MM-DD") from None


def _per_format(sub, command: str, help_text: str, **formats: str) -> dict:
    """`ww <command> <format> FOLDER ... [--store STORE]`: a parser a format, by its name."""
    chosen = sub.add_parser(command, help=help_text).add_subparsers(dest="what", required=True)
    parsers = {}
    for what, format_help in formats.items():
        parsers[what] = chosen.add_parser(what, help=format_help)
        parsers[what].add_argument("folder", type=Path, help="the cohort folder")
        parsers[what].add_argument("--store", type=Path)
    return parsers


def _batch_executors(batch) -> None:
    """`ww batch`: where the cohorts run (--jobs or --dask, not both) and where stores go."""
    where = batch.add_mutually_exclusive_group()
    # no default here: argparse sees `--jobs 2` next to --dask only when 2 is not the default
    where.add_argument("--jobs", type=_workers, help="worker processes here (default 2)")
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run every cohort as a task on Dask: local:N starts N worker processes here, "
        "tcp://host:8786 uses a running scheduler (README: 'Batch on a cluster')",
    )
    batch.add_argument(
        "--home",
        type=Path,
        help="the stores go in DIR/stores/, as with WW_HOME=DIR (default: $WW_HOME; with "
        "--dask .wij-werken/ beside each cohort folder); never on a network file system",
    )


def _workers(text: str) -> int:
    """--jobs: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r})")
    return int(text)
