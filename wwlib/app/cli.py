"""The `ww` command: parses arguments, calls the library, turns its errors into messages."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from wwlib.core.errors import ParameterError, RunError, WorkbookError


def _parser() -> argparse.ArgumentParser:
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
            run.add_argument("--jobs", type=int, default=2)

    imports = _per_format(
        sub,
        "import",
        "add transcripts, a QDPX project or a codebook",
        transcripts="transcript files (.txt .md .docx .vtt)",
        qdpx="a REFI-QDA project (.qdpx)",
        qdc="a REFI-QDA codebook (.qdc)",
    )
    for what, one in imports.items():
        one.add_argument("files", type=Path, nargs="+" if what == "transcripts" else None)
    _person_options(imports["transcripts"])
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
    )
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


def _per_format(sub, command: str, help_text: str, **formats: str) -> dict:
    """`ww <command> <format> FOLDER ... [--store STORE]`: a parser a format, by its name."""
    chosen = sub.add_parser(command, help=help_text).add_subparsers(dest="what", required=True)
    parsers = {}
    for what, format_help in formats.items():
        parsers[what] = chosen.add_parser(what, help=format_help)
        parsers[what].add_argument("folder", type=Path, help="the cohort folder")
        parsers[what].add_argument("--store", type=Path)
    return parsers


def _new(args) -> int:
    from wwlib.folder.scaffold import ScaffoldWarning, new_cohort

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScaffoldWarning)
        folder = new_cohort(
            args.folder,
            args.title,
            args.municipalities,
            args.start,
            lang=args.lang,
            cohort_id=args.cohort_id,
        )
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    print(f"{folder}: new cohort; fill in people.csv, then ww check and ww init (see README.md)")
    return 0


def _check(args) -> int:
    from wwlib.folder.dataset import check_dataset
    from wwlib.folder.scaffold import open_items

    problems = check_dataset(args.folder)
    for problem in problems:
        print(f"  - {problem}")
    if problems:
        print(f"{len(problems)} problem(s) in {args.folder}", file=sys.stderr)
        return 1
    print(f"{args.folder}: ok")
    for item in open_items(args.folder):
        print(f"  to do: {item}")
    return 0


def _init(args) -> int:
    from wwlib.cohorts.home import init_cohort
    from wwlib.folder.scaffold import open_items

    if args.discard_unsaved and not args.replace:
        raise ParameterError("--discard-unsaved goes with --replace")
    path = init_cohort(
        args.folder, args.store, replace=args.replace, discard_unsaved=args.discard_unsaved
    )
    print(f"store: {path}")
    for item in open_items(args.folder):
        print(f"  to do: {item}")
    return 0


def _save(args) -> int:
    from wwlib.cohorts.home import existing_store
    from wwlib.cohorts.sync import save_folder

    with existing_store(args.folder, args.store, actor="ww save") as store:
        print(save_folder(args.folder, store))
    return 0


def _update(args) -> int:
    from wwlib.cohorts.home import existing_store
    from wwlib.cohorts.sync import update_store

    with existing_store(args.folder, args.store, actor="ww update") as store:
        print(update_store(args.folder, store))
    return 0


def _run(args) -> int:
    from wwlib.app.runner import run_cohort

    result = run_cohort(args.folder, args.out, store=args.store, **_report_options(args))
    _print_result(result)
    return 0


def _batch(args) -> int:
    from wwlib.app.runner import run_batch

    results, failures = run_batch(args.folder, args.out, jobs=args.jobs, **_report_options(args))
    for result in results:
        _print_result(result)
    for folder, message in failures.items():
        print(f"FAILED {folder}: {message}", file=sys.stderr)
    print(f"index: {Path(args.out) / 'index.html'}")
    return 1 if failures else 0


def _report_options(args) -> dict:
    """The options `ww run` and `ww batch` share, as the runner takes them."""
    return {
        "lang": args.lang,
        "pseudonymise": args.pseudonymise,
        "pdf": args.pdf,
        "docx": args.docx,
        "odt": args.odt,
    }


def _print_result(result) -> None:
    """A run's reports on one line; what to know about them on stderr."""
    extra = [p for p in (result.docx, result.odt, result.pdf) if p]
    print(f"{result.cohort}: report {result.report}" + "".join(f", {p}" for p in extra))
    for note in result.notes:
        print(f"{result.cohort}: note: {note}", file=sys.stderr)


def _dashboard(args) -> int:
    from wwlib.app.dashboard import Serving, room, serve
    from wwlib.app.runner import notebooks_dir

    notebooks = notebooks_dir()
    serving = Serving(
        host=args.host,
        public_url=args.public_url,
        preheat=args.preheat,
        room=room(args.folder, args.store, args.links, args.pseudonymise) if args.folder else None,
    )
    if not serving.room and (args.links or not _local(args.host)):
        raise RunError(
            "serving to a group needs personal links: ww dashboard DIR --links FILE "
            f"--host {args.host}, with DIR the cohort folder"
        )
    return serve(
        notebooks,
        args.data or notebooks.parent / "data",
        port=args.port,
        token="" if args.no_token else args.token,
        serving=serving,
        links=args.links,
    )


def _local(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def _search(args) -> int:
    from wwlib.analysis.search import hits_tsv
    from wwlib.cohorts.home import existing_store

    if args.undo is None and args.query is None:
        raise ParameterError("ww search needs a query (or --undo ACTION)")
    if args.code_all and not args.coder:
        raise ParameterError("--code-all needs --coder PERSON: the person the codings are by")
    with existing_store(args.folder, args.store, actor="ww search") as store:
        if args.undo is not None:
            print(f"{store.undo_autocode(args.undo)} codings removed (autocoding {args.undo})")
            return 0
        hits = store.search(args.query, args.speaker, args.code, args.interview)
        if not args.code_all:
            sys.stdout.write(hits_tsv(hits))
            return 0
        action = store.autocode(hits, args.code_all, args.coder, args.unit)
        done = store.autocoding(action)
        for interview, start, end in done["spans"]:
            print(f"{interview}\t{start}\t{end}\t{args.code_all}")
        print(
            f"autocoding {action}: {len(done['codings'])} codings of '{args.code_all}' added "
            f"for {done['hits']} hits (undo: ww search DIR --undo {action})"
        )
    return 0


def _links(args) -> int:
    from wwlib.app.links import revoke
    from wwlib.cohorts.home import store_path

    print(revoke(store_path(args.folder, args.store), args.revoke, args.links))
    return 0


def _privacy(args) -> int:
    from wwlib.cohorts.privacy import findings_summary, findings_table, review

    findings = review(args.folder, lang=args.lang, deduce=not args.no_deduce)
    sys.stdout.write(findings_table(findings, args.lang))
    print(findings_summary(findings, args.lang), file=sys.stderr)
    return 0


def _forget(args) -> int:
    from wwlib.cohorts.forget import forget

    if not args.yes:
        print(
            f"ww forget: this removes the personal data of '{args.person}' from the store, its "
            f"backups and {args.folder} (notes {args.notes}, transcript {args.transcript}) and "
            "cannot be undone; nothing was changed: add --yes to do it",
            file=sys.stderr,
        )
        return 1
    result = forget(args.folder, args.person, args.notes, args.transcript, store=args.store)
    print(result)
    return _leftovers(result.leftovers, "their name")


def _purge(args) -> int:
    from wwlib.cohorts.purge import check_purge, purge

    check_purge(args.folder, early=args.early)
    if not args.yes:
        print(
            f"ww purge: this deletes the store of {args.folder}, its backups and the folder's "
            "files that name or quote people, and cannot be undone; nothing was changed: add "
            "--yes to do it (and --keep-report FILE to keep a pseudonymised report)",
            file=sys.stderr,
        )
        return 1
    report = None
    if args.keep_report:
        from wwlib.app.runner import write_cohort_report

        report = write_cohort_report(args.folder, args.keep_report, store=args.store)
    result = purge(args.folder, args.store, report)
    print(result)
    return _leftovers(result.leftovers, "a name")


def _leftovers(paths: tuple[str, ...], whose: str) -> int:
    """List the files that still hold a form of `whose` name (exit code 1), else 0."""
    if not paths:
        return 0
    print(
        f"these files still hold a form of {whose} (the workbook did not write it there; "
        "remove or edit them by hand):",
        file=sys.stderr,
    )
    for path in paths:
        print(f"  - {path}", file=sys.stderr)
    return 1


def _retention_warnings(args: argparse.Namespace) -> None:
    """Every command on a cohort whose retention date has passed says so (on stderr)."""
    if args.command in ("purge", "new"):
        return
    from wwlib.cohorts.purge import retention_warning

    folders = getattr(args, "folder", None)
    for folder in folders if isinstance(folders, list) else [folders]:
        if isinstance(folder, Path) and (warning := retention_warning(folder)):
            print(f"ww {args.command}: warning: {warning}", file=sys.stderr)


def _import(args) -> int:
    from wwlib import exchange

    if args.what == "transcripts" and (args.person or args.interviewer or args.date):
        if not args.person:
            raise ParameterError("--interviewer and --date go with --person")
        given = {"interviewer": args.interviewer, "date": args.date, "speakers": args.speaker}
        importer = exchange.import_transcript_for
        print(importer(args.folder, args.files, args.person, args.store, **given))
        return 0
    if args.what == "transcripts" and args.speaker:
        raise ParameterError("--speaker goes with --person")
    summary = exchange.IMPORTERS[args.what](args.folder, args.files, store=args.store)
    print(summary)
    return 0


def _export(args) -> int:
    from wwlib import exchange

    if args.what == "register":
        print(exchange.export_register(args.folder, args.out, store=args.store, lang=args.lang))
        return 0
    if args.what in exchange.EXPORTERS:
        exporter = exchange.EXPORTERS[args.what]
        print(exporter(args.folder, args.out, store=args.store, pseudonymise=args.pseudonymise))
        return 0
    options = {"store": args.store, "lang": args.lang, "pseudonymise": args.pseudonymise}
    if args.what == "xlsx":
        options["compare_by"] = args.compare_by
        options["search"] = args.search
    written = exchange.READABLE_EXPORTS[args.what](args.folder, args.out, **options)
    for path in written if isinstance(written, list) else [written]:
        print(path)
    return 0


COMMANDS = {
    "new": _new,
    "check": _check,
    "init": _init,
    "save": _save,
    "update": _update,
    "run": _run,
    "batch": _batch,
    "dashboard": _dashboard,
    "links": _links,
    "search": _search,
    "forget": _forget,
    "purge": _purge,
    "privacy": _privacy,
    "import": _import,
    "export": _export,
}


def _absolute(args: argparse.Namespace) -> argparse.Namespace:
    """Every path argument resolved against the directory `ww` was started in.

    Done before anything runs: papermill changes the process's working directory while a
    notebook runs, so a relative path read later would point into notebooks/.
    """
    for name, value in vars(args).items():
        if isinstance(value, Path):
            setattr(args, name, value.expanduser().absolute())
        elif isinstance(value, list) and all(isinstance(v, Path) for v in value):
            setattr(args, name, [v.expanduser().absolute() for v in value])
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ww` console script."""
    args = _absolute(_parser().parse_args(argv))
    if os.environ.get("WW_HOME"):  # kernels and Voila start elsewhere: give them the same stores
        os.environ["WW_HOME"] = str(Path(os.environ["WW_HOME"]).expanduser().absolute())
    try:
        _retention_warnings(args)
        return COMMANDS[args.command](args)
    except WorkbookError as exc:
        print(f"ww {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `ww ... | head` stopped reading: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
