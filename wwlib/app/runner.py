"""Running the five phase notebooks with papermill, for one cohort or many in parallel
(a process pool here, a Dask cluster in `wwlib.app.distributed`)."""

from __future__ import annotations

import html
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from wwlib.cohorts.home import (
    default_store_path,
    init_cohort,
    refuse_network_store,
    stores_dir,
)
from wwlib.core.errors import RunError, WorkbookError
from wwlib.folder.dataset import load_dataset
from wwlib.present.parameters import NotebookParameters
from wwlib.present.workbook import open_workbook

NOTEBOOKS = (
    "01_kickoff.ipynb",
    "02_interviews.ipynb",
    "03_analysis.ipynb",
    "04_road_to_progress.ipynb",
    "05_integration.ipynb",
)


def notebooks_dir() -> Path:
    """The phase notebooks: $WW_NOTEBOOKS, the checkout's notebooks/, or ./notebooks."""
    if os.environ.get("WW_NOTEBOOKS"):
        return Path(os.environ["WW_NOTEBOOKS"])
    beside = Path(__file__).resolve().parents[2] / "notebooks"
    return beside if beside.is_dir() else Path("notebooks")


@dataclass(frozen=True)
class RunResult:
    """What `run_cohort` wrote."""

    cohort: str
    out: Path
    report: Path
    notebooks: tuple[Path, ...]
    pdf: Path | None = None
    docx: Path | None = None
    odt: Path | None = None
    notes: tuple[str, ...] = ()  # what the person should know, e.g. why a PDF is not PDF/A


def run_cohort(
    folder: str | Path,
    out: str | Path,
    lang: str = "nl",
    pseudonymise: bool = False,
    store: str | Path | None = None,
    notebooks: str | Path | None = None,
    report: bool = True,
    overlap_report: bool = True,
    pdf: bool = False,
    docx: bool = False,
    odt: bool = False,
    home: str | Path | None = None,
) -> RunResult:
    """Execute the five notebooks for a cohort folder and write `report.html` into `out`.

    The cohort's store is used as it is (it holds what was typed during the week); it is made
    from the folder first when it does not exist yet. With `overlap_report` the report is built
    in a thread while the kernels run, when this process would only wait for them; a batch
    turns that off, because its other jobs keep every core busy already. With `pdf`, headless
    Chromium prints the report to `report.pdf` (`wwlib.outputs.pdf`; a clear error without
    Chromium).
    With `docx` the same report is also written as `report.docx` (`wwlib.outputs.report_docx`),
    with `odt` as OpenDocument `report.odt`; with `pdf` and LibreOffice installed, `report.pdf`
    is PDF/A-2b converted from the docx (`wwlib.outputs.office`), else Chromium prints the HTML
    and the result's `notes` say why it is not PDF/A. `odt` and `pdf` write the docx too.
    Without `store`, the store is in `stores/` of the home `home`, or of $WW_HOME.
    """
    from wwlib.outputs import office

    if odt and office.why_not():  # before the notebooks run, not after
        raise WorkbookError(f"--odt cannot write report.odt: {office.why_not()}")
    pdfa = pdf and report and not office.why_not()
    docx = report and (docx or odt or pdfa)
    folder, out = Path(folder).resolve(), Path(out).absolute()  # papermill changes the cwd
    cohort_id = load_dataset(folder).cohort.id
    store_path = Path(store) if store else default_store_path(cohort_id, home)
    store_path = store_path.absolute()
    source = Path(notebooks) if notebooks else notebooks_dir()
    if not all((source / name).is_file() for name in NOTEBOOKS):
        raise RunError(
            f"{cohort_id}: the phase notebooks are not all in {source.absolute()}; install "
            "wwlib from its checkout (pip install -e) or set WW_NOTEBOOKS to a folder that "
            "holds the five notebooks"
        )
    if not store_path.exists():
        init_cohort(folder, store_path)
    out.mkdir(parents=True, exist_ok=True)
    build = partial(_build_report, cohort_id, folder, lang, pseudonymise, store_path, out, docx)
    reporting = ThreadPoolExecutor(max_workers=1) if report and overlap_report else None
    pending = reporting.submit(build) if reporting else None
    # The executed notebooks show their parameters: none names a place on this computer. The
    # kernel starts beside the store and opens it by its file name; the store exists already,
    # so the folder is never read.
    parameters = asdict(
        NotebookParameters(
            cohort=cohort_id,
            data_dir=".",
            lang=lang,
            pseudonymise=pseudonymise,
            store=store_path.name,
            interactive=False,  # a static run: panels show HTML, not widgets nobody can use
        )
    )
    run = partial(
        _execute, source, parameters=parameters, cohort_id=cohort_id, cwd=store_path.parent
    )
    try:
        written = [run(name, out / name) for name in NOTEBOOKS]
    finally:
        if reporting:
            reporting.shutdown(wait=True)
    report_path = pending.result() if pending else (build() if report else out / "report.html")
    docx_path = report_path.with_suffix(".docx") if docx else None
    odt_path = (
        office.write_odt(docx_path, report_path.with_suffix(".odt")) if docx_path and odt else None
    )
    pdf_path, notes = None, ()
    if pdfa:
        pdf_path = office.write_pdfa(docx_path, report_path.with_suffix(".pdf"))
    elif pdf and report:
        from wwlib.outputs.pdf import write_pdf

        pdf_path = write_pdf(report_path, report_path.with_suffix(".pdf"))
        notes = (f"{pdf_path.name} is not PDF/A-2b: {office.why_not()}; Chromium printed it",)
    return RunResult(
        cohort_id, out, report_path, tuple(written), pdf_path, docx_path, odt_path, notes
    )


def _execute(
    source: Path, name: str, target: Path, parameters: dict, cohort_id: str, cwd: Path
) -> Path:
    """Run one phase notebook with papermill in `cwd`; a failing cell becomes a `RunError`.

    Papermill writes its output notebook twice per cell (about 10 ms of CPU each, with the
    figures' JSON), which in a batch is CPU the other job needs; so the notebook runs in memory
    and is written once. Only a failing notebook runs again, writing as it goes, so that the
    notebook left at `target` shows where it failed (a static run changes nothing: safe to repeat).
    """
    import nbformat
    import papermill  # imported here: it costs half a second that `ww check` need not pay

    run = partial(
        _with_kernel_retries,
        papermill.execute_notebook,
        str(source / name),
        parameters=parameters,
        cwd=str(cwd),
        progress_bar=False,
        kernel_name="python3",
        extra_arguments=KERNEL_ARGUMENTS,
    )
    try:
        nbformat.write(_placeless(run(None), name), target)
        return target
    except papermill.PapermillExecutionError:
        pass
    try:
        run(str(target))
    except papermill.PapermillExecutionError as exc:
        nbformat.write(_placeless(nbformat.read(target, as_version=4), name), target)
        raise RunError(
            f"{cohort_id}: notebook {name} failed in cell {exc.cell_index}: "
            f"{exc.ename}: {exc.evalue} (the executed notebook is at {target})",
            notebook=name,
            cell_index=exc.cell_index,
        ) from None
    raise RunError(
        f"{cohort_id}: notebook {name} failed once, then passed; run it again", notebook=name
    )


def _placeless(notebook, name: str):
    """The notebook without the places papermill records: the notebook and its output by
    name only (no folder of this computer in an output)."""
    recorded = notebook.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if recorded.get(key):
            recorded[key] = name
    return notebook


# A kernel's own log is not the user's business: ipykernel warns on every start that a kernel
# on 127.0.0.1 talks plain TCP (the kernels of `ww run` are this machine's, started and stopped
# by it), and logs "KeyboardInterrupt caught in kernel" as an error whenever jupyter_client
# stops it (it interrupts every kernel it shuts down). A notebook's own errors reach the user
# through the run (`RunError` names the notebook and the cell), not through this log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
KERNEL_STARTS = 3  # attempts to start a kernel whose ports another process took meanwhile


def _with_kernel_retries(execute, *args, **kwargs):
    """`execute`, started again when its kernel died before it answered.

    jupyter_client picks free TCP ports by binding and releasing them; a kernel started at the
    same moment by a parallel batch job can take one first ("Address already in use"), and the
    new kernel dies before replying to kernel_info (seen once in the batch benchmark). Nothing
    ran yet in that kernel, so starting again is safe.
    """
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            return execute(*args, **kwargs)
        except RuntimeError as exc:
            if "before replying to kernel_info" not in str(exc) or attempt == KERNEL_STARTS:
                raise


def _build_report(cohort_id, folder, lang, pseudonymise, store_path, out, docx=False) -> Path:
    path = out / "report.html"
    return _write_report(cohort_id, folder, lang, pseudonymise, store_path, path, docx)


def write_cohort_report(
    folder: str | Path,
    path: str | Path,
    pseudonymise: bool = True,
    lang: str | None = None,
    store: str | Path | None = None,
) -> Path:
    """Only the report of the cohort in `folder` (no notebooks run), in the cohort's language
    unless `lang`; pseudonymised unless told otherwise. Returns its path."""
    folder = Path(folder).resolve()
    cohort = load_dataset(folder).cohort
    store_path = Path(store).absolute() if store else default_store_path(cohort.id).absolute()
    if not store_path.exists():
        init_cohort(folder, store_path)
    lang = lang or cohort.language
    return _write_report(cohort.id, folder, lang, pseudonymise, store_path, Path(path).absolute())


def _write_report(
    cohort_id, folder, lang, pseudonymise, store_path, path: Path, docx: bool = False
) -> Path:
    """The HTML report at `path` (and with `docx` the Word report beside it, from the same
    workbook and so the same sections); the HTML's path."""
    from wwlib.outputs.report import write_report

    workbook = open_workbook(
        cohort_id,
        data_dir=str(folder.parent),
        lang=lang,
        pseudonymise=pseudonymise,
        store=str(store_path),
        interactive=False,  # a static output: pseudonymised, it asks deduce for unlisted names
    )
    try:
        written = write_report(workbook, path)
        if docx:
            from wwlib.outputs.report_docx import write_docx

            write_docx(workbook, path.with_suffix(".docx"))
        return written
    finally:
        workbook.store.close()


def cohort_tasks(
    folders: list[str | Path], out: Path, home: Path | None, options: dict, beside: bool = False
) -> dict[str, tuple]:
    """The argument of `run_one` for each cohort folder, by folder as given: the one place
    that builds them, for the process pool and for Dask alike. Stores go in the home `home`;
    without one, with `beside`, in `.wij-werken/` beside each cohort folder, else in $WW_HOME."""
    tasks = {}
    for given in folders:
        folder = Path(given).absolute()
        where = home or (folder.parent / HOME_BESIDE if beside else None)
        tasks[str(given)] = (folder, out / folder.name, where, options)
    return tasks


def run_one(task: tuple) -> RunResult | WorkbookError:
    """One cohort of a batch, in a worker process; its own error is its outcome, not a crash
    (running it again would fail the same way, so Dask must not retry it)."""
    folder, out, home, options = task
    try:
        if home:  # checked again here: a cluster's worker may see other mounts than the client
            refuse_network_store(stores_dir(home))
        return run_cohort(folder, out, home=home, overlap_report=False, **options)
    except WorkbookError as exc:
        return exc


def collect(
    futures: dict,
    completed,
    progress: bool,
    lost: tuple[type[BaseException], ...] = (),
    explain=None,
) -> tuple[list[RunResult], dict[str, str]]:
    """The outcomes of `run_one`'s futures ({future: folder}) as they complete, under a
    progress bar: the results and {folder: error message}. An exception of a type in `lost`
    (an executor's: a worker that died every time) is that cohort's failure too, in the words
    of `explain(exception)`."""
    from tqdm import tqdm

    results, failures = [], {}
    for future in tqdm(
        completed, total=len(futures), disable=not progress, desc="cohorts", unit="cohort"
    ):
        try:
            outcome = future.result()
        except lost as exc:
            outcome = (explain or _unexpected)(exc)
        if isinstance(outcome, RunResult):
            results.append(outcome)
        else:
            failures[futures[future]] = str(outcome)
    return results, failures


def _unexpected(error: BaseException) -> str:
    """What the index and the terminal say of a cohort that failed by no error of ours."""
    return f"{type(error).__name__}: {error}"


def run_batch(
    folders: list[str | Path],
    out: str | Path,
    jobs: int = 2,
    progress: bool = True,
    dask: str | None = None,
    home: str | Path | None = None,
    **kwargs,
) -> tuple[list[RunResult], dict[str, str]]:
    """Run several cohorts in parallel; one failing cohort does not stop the others.

    `jobs` processes on this machine, or with `dask` a Dask cluster: `local:N` starts N worker
    processes here, `tcp://host:8786` uses a running scheduler (`wwlib.app.distributed`).
    Stores are in `stores/` of the home `home`; without it, of $WW_HOME for a local run and,
    with `dask`, of `.wij-werken/` beside each cohort folder: no worker relies on its own
    $WW_HOME, and a store's personal data stay with the folder that holds them already, out
    of `out`. A store directory on a network file system is refused before any cohort runs.

    Returns the results and a {folder: error message} of the failures, and writes
    `out/index.html` linking every report.
    """
    out = Path(out).absolute()
    home = Path(home).absolute() if home else None
    tasks = cohort_tasks(folders, out, home, kwargs, beside=bool(dask))
    for store_home in {task[2] for task in tasks.values()}:
        refuse_network_store(stores_dir(store_home))
    out.mkdir(parents=True, exist_ok=True)
    if dask:
        from wwlib.app.distributed import explain, submitted

        with submitted(dask, run_one, tasks) as (futures, completed):
            # after its retries, any exception of a cohort's task is that cohort's failure alone
            results, failures = collect(futures, completed, progress, (Exception,), explain)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_one, task): name for name, task in tasks.items()}
            results, failures = collect(futures, as_completed(futures), progress)
    write_index(out, results, failures)
    return sorted(results, key=lambda r: r.cohort), failures


HOME_BESIDE = ".wij-werken"  # beside the cohort folders: the stores of `--dask` without --home


def write_index(out: Path, results: list[RunResult], failures: dict[str, str]) -> Path:
    """A small HTML page linking each cohort's report and naming each failure."""
    items = "".join(
        f'<li><a href="{html.escape(r.report.relative_to(out).as_posix())}">'
        f"{html.escape(r.cohort)}</a></li>"
        for r in sorted(results, key=lambda r: r.cohort)
    )
    failed = "".join(
        f"<li><strong>{html.escape(Path(f).name)}</strong>: <pre>{html.escape(m)}</pre></li>"
        for f, m in sorted(failures.items())
    )
    page = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        "<title>Wij-Werken: rapporten</title></head><body><h1>Rapporten</h1>"
        f"<ul>{items}</ul>"
        + (f"<h2>Mislukt</h2><ul>{failed}</ul>" if failed else "")
        + "</body></html>"
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
