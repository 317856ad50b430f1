"""The `ww` command: runs what its arguments (`arguments.py`) name; errors become messages."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from wwlib.app.arguments import build_parser
from wwlib.core.errors import ParameterError, RunError, WorkbookError


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
    from wwlib.core.errors import problem_lines
    from wwlib.folder.dataset import check_dataset
    from wwlib.folder.scaffold import open_items

    problems = check_dataset(args.folder)
    for line in problem_lines(problems):
        print(f"  - {line}")
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

    results, failures = run_batch(
        args.folder,
        args.out,
        jobs=args.jobs or 2,
        dask=args.dask,
        home=args.home,
        **_report_options(args),
    )
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
    from wwlib.app.dashboard import Serving, preheated, room, serve
    from wwlib.app.runner import notebooks_dir

    notebooks = notebooks_dir()
    serving = Serving(
        host=args.host,
        public_url=args.public_url,
        preheat=args.preheat,
        preheat_notebooks=preheated(notebooks, args.preheat_notebook),
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
        codings, hits = len(done["codings"]), done["hits"]
        print(
            f"autocoding {action}: {codings} coding{'s' * (codings != 1)} of '{args.code_all}' "
            f"added for {hits} hit{'s' * (hits != 1)} (undo: ww search DIR --undo {action})"
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

    if args.what == "media":
        from wwlib.exchange.media import import_media

        print(import_media(args.folder, args.files, args.person, store=args.store))
        return 0
    if args.what == "transcripts" and (args.person or args.interviewer or args.date):
        if not args.person:
            raise ParameterError("--interviewer and --date go with --person")
        given = {"interviewer": args.interviewer, "date": args.date, "speakers": args.speaker}
        if args.media:
            given["media"] = args.media
        importer = exchange.import_transcript_for
        print(importer(args.folder, args.files, args.person, args.store, **given))
        return 0
    if args.what == "transcripts" and args.speaker:
        raise ParameterError("--speaker goes with --person")
    if args.what == "transcripts" and args.media:
        raise ParameterError(
            "--media goes with --person (one transcript, one recording); for an imported "
            "interview: ww import media DIR RECORDING --person ID"
        )
    summary = exchange.IMPORTERS[args.what](args.folder, args.files, store=args.store)
    print(summary)
    return 0


def _export(args) -> int:
    from wwlib import exchange

    if args.what == "register":
        print(exchange.export_register(args.folder, args.out, store=args.store, lang=args.lang))
        return 0
    if args.what == "parquet":
        from wwlib.outputs import parquet

        folder = parquet.export_parquet(args.folder, args.out, args.store, args.as_of)
        print(parquet.written(folder))
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


def _national(args) -> int:
    from wwlib.outputs.national import national_report

    for path in national_report(args.exports, args.out, args.lang, args.min_group):
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
    "national": _national,
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
    args = _absolute(build_parser().parse_args(argv))
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
