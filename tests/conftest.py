"""Shared fixtures: the bundled Limburg cohort, stores, and a small cohort folder to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import shared_runs

from wwlib.folder.dataset import load_dataset
from wwlib.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

# An override is the new content (str or bytes), None to remove the file, or a function from
# the fixture's text to the new content (str, bytes or None).
Override = str | bytes | None | Callable[[str], str | bytes | None]


def write_override(path: Path, content: Override) -> None:
    """Replace, edit or remove one file of a copied cohort folder."""
    if callable(content):
        content = content(path.read_bytes().decode("utf-8"))
    if content is None:
        path.unlink()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))  # bytes: no newline translation


def replace(old: str, new: str) -> Callable[[str], str]:
    """An override that changes the first `old` into `new` (and fails if `old` is gone)."""

    def edit(text: str) -> str:
        assert old in text, f"fixture no longer contains {old!r}"
        return text.replace(old, new, 1)

    return edit


def append(line: str) -> Callable[[str], str]:
    """An override that adds one line at the end of a file."""
    return lambda text: text + line + "\n"


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of a file where `needle` first occurs (read as bytes: any encoding)."""
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        if needle.encode("utf-8") in line:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


# The test files that take longest (setup and calls, as `pytest --durations=0` measured them on
# two cores), about longest first. `make test` hands whole files to its two workers in the order of
# collection (--dist loadfile --no-loadscope-reorder): the long ones start first and the many
# short ones fill in at the end, so that neither worker waits long for the other. The users of
# a shared run (shared_runs.py) are far apart, so that none waits for another's build.
LONGEST_FIRST = (
    "test_report_docx.py",  # builds the shared pseudonymised run that test_sections.py reads
    "test_stages.py",
    "test_links.py",
    "test_stages_interactive.py",
    "test_runner.py",  # builds the shared limburg run that test_output_privacy.py reads
    "test_dashboard.py",
    "test_exports.py",
    "test_batch_dask.py",
    "test_report.py",
    "test_privacy.py",
    "test_sections.py",
    "test_live_tasks.py",
    "test_report_final.py",
    "test_report_reads.py",
    "test_national.py",
    "test_vote_rounds.py",
    "test_consent.py",
    "test_dashboard_coding.py",
    "test_purge.py",
    "test_output_privacy.py",
)


# `make test` runs the crowd tests alone from these files (collecting only them saves seconds)
CROWD_FILES = ("test_live_session.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest test files first (see LONGEST_FIRST); the rest as collected. A crowd test
    in a file `make test` would not run it from is an error."""
    astray = {i.path.name for i in items if i.get_closest_marker("crowd")} - set(CROWD_FILES)
    if astray:
        raise pytest.UsageError(
            f"crowd tests in {', '.join(sorted(astray))}: add the file to the crowd line of the "
            "Makefile's test target and to CROWD_FILES in tests/conftest.py"
        )
    rank = {name: number for number, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def ww_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own $WW_HOME, so no test sees another's stores (or the user's)."""
    home = tmp_path / "ww-home"
    monkeypatch.setenv("WW_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def lindeveen(tmp_path_factory):
    """The fictional cohort loaded once per test module (read-only use)."""
    folder = DATA / "lindeveen-2026"
    store = Store(tmp_path_factory.mktemp("lindeveen") / "s.sqlite", create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    yield store
    store.close()


@pytest.fixture(scope="session")
def limburg_run(tmp_path_factory) -> Path:
    """`ww run` of limburg-2020 with relative paths, by a user of its own, once per session
    (shared_runs.limburg_run; read-only: copy what you change)."""
    return shared_runs.shared_folder(tmp_path_factory, "limburg-run", shared_runs.limburg_run)


@pytest.fixture(scope="session")
def lindeveen_pseudonymised_run(tmp_path_factory) -> Path:
    """`ww run --pseudonymise --docx --odt --pdf` of lindeveen-2026 once per session: the folder
    holding `out/` and the store `s.sqlite` (read-only: copy what you change)."""
    build = shared_runs.lindeveen_pseudonymised_run
    return shared_runs.shared_folder(tmp_path_factory, "lindeveen-pseudonymised-run", build)


@pytest.fixture(scope="session")
def lindeveen_reports(tmp_path_factory) -> dict[str, str]:
    """The report of lindeveen-2026 built directly, {"nl": html, "en": html}, once per session
    (shared_runs.lindeveen_reports, generated at shared_runs.REPORT_WHEN)."""
    build = shared_runs.lindeveen_reports
    folder = shared_runs.shared_folder(tmp_path_factory, "lindeveen-reports", build)
    return {
        lang: (folder / f"report-{lang}.html").read_bytes().decode("utf-8") for lang in ("nl", "en")
    }


@pytest.fixture
def limburg_dir() -> Path:
    return DATA / "limburg-2020"


@pytest.fixture
def tmp_store(tmp_path):
    store = Store(tmp_path / "s.sqlite", create=True)
    yield store
    store.close()


@pytest.fixture
def limburg_store(tmp_path, limburg_dir):
    store = Store(tmp_path / "limburg.sqlite", create=True)
    store.load_dataset(load_dataset(limburg_dir), source=str(limburg_dir))
    yield store
    store.close()


@pytest.fixture
def make_cohort(tmp_path):
    """Copy tests/fixtures/mini to a fresh folder, apply overrides, return the folder.

    `make_cohort(**{"people.csv": "...", "transcripts/bram-de-vries.md": None})`
    """
    made = []

    def make(**overrides: Override) -> Path:
        folder = tmp_path / f"cohort-{len(made) + 1}"
        shutil.copytree(MINI, folder)
        for name, content in overrides.items():
            write_override(folder / name, content)
        made.append(folder)
        return folder

    return make


@pytest.fixture
def mini_store(tmp_path, make_cohort):
    """A store loaded from the unchanged mini cohort."""
    folder = make_cohort()
    store = Store(tmp_path / "mini.sqlite", actor="tester", create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    yield store
    store.close()


@pytest.fixture(scope="session")
def lindeveen_loaded(tmp_path_factory) -> Path:
    """The fictional cohort loaded into a store once per session (read-only: copy it)."""
    build = shared_runs.lindeveen_loaded
    return (
        shared_runs.shared_folder(tmp_path_factory, "lindeveen-loaded", build) / "lindeveen.sqlite"
    )


@pytest.fixture
def lindeveen_copy(tmp_path, lindeveen_loaded):
    """The fictional cohort in a store of its own, for tests that change it: a copy of the
    store it was loaded into once."""
    path = shared_runs.copy_of_store(lindeveen_loaded, tmp_path / "lindeveen.sqlite")
    store = Store(path, actor="tester")
    yield store
    store.close()
