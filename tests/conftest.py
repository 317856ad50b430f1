"""Shared fixtures: the bundled Limburg cohort, stores, and a small cohort folder to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

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


@pytest.fixture
def lindeveen_copy(tmp_path):
    """The fictional cohort in a store of its own, for tests that change it."""
    folder = DATA / "lindeveen-2026"
    store = Store(tmp_path / "lindeveen.sqlite", actor="tester", create=True)
    store.load_dataset(load_dataset(folder), source=str(folder))
    yield store
    store.close()
