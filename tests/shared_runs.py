"""Expensive, read-only results that several test files use, built once per test session.

`shared_folder` builds a folder once for the whole session, also across pytest-xdist's
workers: the first worker to ask builds it under a file lock in the directory all workers
share (the pattern of pytest-xdist's documentation, with `fcntl.flock`), the others wait for
it and read the same folder. Tests that change a result copy it first (`shutil.copytree`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from wwlib.app.cli import main
from wwlib.app.runner import NOTEBOOKS, notebooks_dir
from wwlib.cohorts.home import init_cohort
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.folder.dataset import load_dataset
from wwlib.outputs.report import build_report
from wwlib.present.workbook import Workbook
from wwlib.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
# a user name no output could hold by chance: the shared limburg run is made as this user
USER = "gebruiker-q7x"

_built: dict[str, Path] = {}  # without xdist: what this process built


def shared_folder(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]):
    """The folder `name`, filled by `build(folder)` once per test session (see the module)."""
    base = factory.getbasetemp()
    if not base.name.startswith("popen-gw"):  # no xdist workers: this process is the session
        if name not in _built:
            folder = base / "shared" / name
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed before
            folder.mkdir(parents=True)
            build(folder)
            _built[name] = folder
        return _built[name]
    root = base.parent  # shared by the workers of this session only
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            if folder.exists():  # a build that failed half-way: built again, failing again
                shutil.rmtree(folder)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def short_notebooks(folder: Path) -> Path:
    """The five phase notebooks cut to their parameters cell, in `folder`: for a test of the
    runner itself, where the notebooks' own cells would only take time."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS:
        notebook = nbformat.read(notebooks_dir() / name, as_version=4)
        notebook.cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(notebook.cells) == 1
        nbformat.write(notebook, folder / name)
    return folder


def limburg_run(base: Path) -> None:
    """`ww run data/limburg-2020 --out out/limburg` with relative paths, as the README says,
    from `base`, by user USER whose home is `base/thuis-USER`, with WW_HOME=home (relative too,
    as a user might set it). What it printed is in `base/printed.txt`."""
    shutil.copytree(DATA / "limburg-2020", base / "data" / "limburg-2020")
    home = base / f"thuis-{USER}"
    home.mkdir()
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        for variable in ("USER", "LOGNAME", "USERNAME"):
            patch.setenv(variable, USER)
        patch.setenv("HOME", str(home))
        patch.setenv("WW_HOME", "home")
        patch.chdir(base)
        assert main(["run", "data/limburg-2020", "--out", "out/limburg"]) == 0
    (base / "printed.txt").write_text(printed.getvalue(), encoding="utf-8")


def lindeveen_pseudonymised_run(base: Path) -> None:
    """`ww run --pseudonymise --docx --odt --pdf` of data/lindeveen-2026 into `base/out`, with
    its store at `base/s.sqlite`."""
    argv = ["run", str(DATA / "lindeveen-2026"), "--out", str(base / "out")]
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    code = main(
        argv + ["--store", str(base / "s.sqlite"), "--pseudonymise", "--docx", "--odt", "--pdf"]
    )
    assert code == 0
    # deduce, loaded for the pseudonymised outputs, sets the root logger to DEBUG on stdout
    # (papermill then printed every cell); the workbook puts it back
    assert (root.level, list(root.handlers)) == before


def lindeveen_initialised(base: Path) -> None:
    """`ww init` of data/lindeveen-2026 into `base/lindeveen.sqlite`."""
    init_cohort(DATA / "lindeveen-2026", base / "lindeveen.sqlite")


def lindeveen_loaded(base: Path) -> None:
    """data/lindeveen-2026 loaded into a new store `base/lindeveen.sqlite` by actor "tester"."""
    folder = DATA / "lindeveen-2026"
    with Store(base / "lindeveen.sqlite", actor="tester", create=True) as store:
        store.load_dataset(load_dataset(folder), source=str(folder))


def copy_of_store(store: Path, target: Path) -> Path:
    """A copy of a shared store at `target`, through SQLite's backup API (as `ww` copies one)."""
    with Store(store) as shared:
        return shared.backup(target)


REPORT_WHEN = dt.datetime(2026, 3, 13, 16, 30)  # the generation date of the shared reports


def lindeveen_reports(base: Path) -> None:
    """The report of data/lindeveen-2026 as built directly (a static workbook, names as the
    cohort lists them, not pseudonymised), generated at REPORT_WHEN: `base/report-nl.html`
    and `base/report-en.html`."""
    folder = DATA / "lindeveen-2026"
    with Store(base / "s.sqlite", create=True) as store:
        store.load_dataset(load_dataset(folder), source=str(folder))
        names = Pseudonymiser(store.people(), False, store.cohort().mentioned_names)
        for lang in ("nl", "en"):
            workbook = Workbook(store, Labels(lang), names, lang, False, interactive=False)
            report = build_report(workbook, REPORT_WHEN)
            (base / f"report-{lang}.html").write_bytes(report.encode("utf-8"))  # as it is
