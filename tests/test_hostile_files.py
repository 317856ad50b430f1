"""Hostile files (wwlib/limits.py): zip bombs, pipes, devices, links and files over a limit.

Each is refused with exit code 1, a message naming the file and the limit or the reason, no
traceback, the store unchanged, and quickly. The bombs are made here, streaming, never stored.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from wwlib.app.cli import main
from wwlib.cohorts.home import init_cohort
from wwlib.core import limits
from wwlib.transcripts import parse as transcript_parse

CORPUS = Path(__file__).resolve().parent / "fixtures" / "transcripts"
MB = 1024 * 1024
PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="bom" origin="test">
  <Sources>
    <TextSource guid="11111111-1111-1111-1111-111111111111" name="groot"
                plainTextPath="internal://groot.txt"/>
  </Sources>
</Project>
"""


def bomb(members: dict[str, bytes | int], lie: int | None = None) -> bytes:
    """A zip in memory; an int member is that many zero bytes, deflated while it is written.

    With `lie`, the last member's central directory entry declares `lie` bytes unpacked.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(content // MB):
                    member.write(bytes(MB))
    data = buffer.getvalue()
    if lie is not None:  # the size field of the last central directory entry
        at = data.rfind(b"PK\x01\x02") + 24
        data = data[:at] + lie.to_bytes(4, "little") + data[at + 4 :]
    return data


def qdpx_bomb(source: bytes | int, lie: int | None = None) -> bytes:
    return bomb({"project.qde": PROJECT.encode(), "sources/groot.txt": source}, lie)


def docx_bomb(size: int) -> bytes:
    return bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": size})


@pytest.fixture
def cohort(make_cohort, tmp_path):
    """The mini cohort, its store made as `ww init` makes it, and the store's digest."""
    folder = make_cohort()
    store = init_cohort(folder, tmp_path / "mini.sqlite")
    return folder, store, digest(store)


def digest(store: Path) -> str:
    files = [store, *store.parent.glob(store.name + "-*")]  # -wal, -shm, backups
    return hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files)).hexdigest()


def refused(argv: list[str], capsys, *expected: str) -> str:
    """Run `ww argv`; it must fail (1) within 30 s, naming every `expected`, no traceback."""
    start = time.perf_counter()
    assert main(argv) == 1
    assert time.perf_counter() - start < 30
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    for text in expected:
        assert text in out + err, f"{text!r} not in:\n{out}{err}"
    return out + err


QDPX_CASES = [
    # (name, contents, what the message says)
    ("bom.qdpx", lambda: qdpx_bomb(200 * MB), "more than the 100.0 MB one part may be"),
    ("ratio.qdpx", lambda: qdpx_bomb(50 * MB), "looks like a zip bomb"),
    ("lying.qdpx", lambda: qdpx_bomb(8 * MB, lie=1000), "sources/groot.txt"),
    ("many.qdpx", lambda: bomb({f"sources/{n}.txt": b"" for n in range(40)}), "40 parts"),
]


@pytest.mark.parametrize("name, contents, says", QDPX_CASES, ids=[c[0] for c in QDPX_CASES])
def test_a_qdpx_bomb_is_refused_before_it_is_unpacked(
    cohort, tmp_path, capsys, monkeypatch, name, contents, says
):
    monkeypatch.setattr(limits, "QDPX", limits.ZipLimits(members=30))
    monkeypatch.setattr("wwlib.qdpx.read.QDPX", limits.ZipLimits(members=30))
    folder, store, before = cohort
    (tmp_path / name).write_bytes(contents())
    argv = ["import", "qdpx", str(folder), str(tmp_path / name), "--store", str(store)]
    refused(argv, capsys, name, says, "nothing was changed")
    assert digest(store) == before


def test_a_docx_bomb_is_refused_before_it_is_unpacked(cohort, tmp_path, capsys):
    folder, store, before = cohort
    (tmp_path / "bom.docx").write_bytes(docx_bomb(200 * MB))
    argv = ["import", "transcripts", str(folder), str(tmp_path / "bom.docx"), "--store", str(store)]
    refused(argv, capsys, "bom.docx", "word/document.xml", "100.0 MB", "nothing was imported")
    assert digest(store) == before


def special_files(tmp_path: Path) -> dict[str, Path]:
    pipe = tmp_path / "pijp.vtt"
    os.mkfifo(pipe)
    zero = tmp_path / "nul.txt"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "map.md"
    folder.mkdir()
    return {"a named pipe (FIFO)": pipe, "a device": zero, "a folder": folder}


@pytest.mark.parametrize("kind", ["a named pipe (FIFO)", "a device", "a folder"])
def test_a_transcript_that_is_no_regular_file_is_refused(cohort, tmp_path, capsys, kind):
    folder, store, before = cohort
    path = special_files(tmp_path)[kind]
    argv = ["import", "transcripts", str(folder), str(path), "--store", str(store)]
    refused(argv, capsys, path.name, f"is {kind}, not a regular file")
    assert digest(store) == before


def test_a_transcript_over_the_limit_is_refused(cohort, capsys, monkeypatch):
    monkeypatch.setattr(transcript_parse, "TRANSCRIPT_BYTES", 100)
    folder, store, before = cohort
    argv = ["import", "transcripts", str(folder), str(CORPUS / "chloe-peeters.txt")]
    refused(argv + ["--store", str(store)], capsys, "chloe-peeters.txt", "more than the 100 bytes")
    assert digest(store) == before


def test_a_qdpx_that_is_a_pipe_is_refused(cohort, tmp_path, capsys):
    folder, store, before = cohort
    os.mkfifo(tmp_path / "pijp.qdpx")
    argv = ["import", "qdpx", str(folder), str(tmp_path / "pijp.qdpx"), "--store", str(store)]
    refused(argv, capsys, "pijp.qdpx", "is a named pipe (FIFO), not a regular file")
    assert digest(store) == before


def test_a_cohort_file_that_is_a_link_is_refused_and_not_shown(make_cohort, capsys):
    folder = make_cohort()
    (folder / "notes.csv").unlink()
    (folder / "notes.csv").symlink_to("/etc/passwd")
    text = refused(["check", str(folder)], capsys, "notes.csv", "is a symbolic link")
    assert "root:" not in text


def test_a_cohort_file_that_is_a_pipe_is_refused(make_cohort, tmp_path, capsys):
    folder = make_cohort()
    (folder / "notes.csv").unlink()
    os.mkfifo(folder / "notes.csv")
    refused(["check", str(folder)], capsys, "notes.csv", "is a named pipe (FIFO)")
    store = tmp_path / "nieuw.sqlite"
    refused(["init", str(folder), "--store", str(store)], capsys, "notes.csv")
    assert not store.exists()


def test_a_cohort_file_over_the_limit_is_refused(make_cohort, capsys, monkeypatch):
    monkeypatch.setattr("wwlib.folder.files.FOLDER_FILE_BYTES", 100)
    refused(["check", str(make_cohort())], capsys, "people.csv", "more than the 100 bytes")


def test_a_linked_cohort_folder_is_read(make_cohort, tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(make_cohort())
    assert main(["check", str(link)]) == 0


def test_reading_stops_at_the_limit_whatever_the_file_claims(tmp_path):
    path = tmp_path / "groeit.txt"
    path.write_bytes(b"x" * 5000)
    assert limits._read_capped(path.open("rb"), 4999) is None
    assert limits._read_capped(path.open("rb"), 5000) == b"x" * 5000


def test_a_bomb_stays_small_in_memory(tmp_path):
    """In a process of its own: the 200 MB bomb adds little to what importing wwlib costs."""
    (tmp_path / "bom.qdpx").write_bytes(qdpx_bomb(200 * MB))
    script = (
        "import resource, sys\n"
        "from wwlib.core.errors import WorkbookError\n"
        "from wwlib.qdpx.read import read_project\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    read_project(sys.argv[1])\n"
        "except WorkbookError:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "bom.qdpx")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert int(run.stdout) < 50 * 1024  # KB: far less than the 200 MB it would unpack to


def test_a_folder_transcript_that_is_a_pipe_is_named_as_one(make_cohort, capsys):
    folder = make_cohort()
    (folder / "transcripts" / "anna-jansen.md").unlink()
    os.mkfifo(folder / "transcripts" / "anna-jansen.md")
    refused(["check", str(folder)], capsys, "transcripts/anna-jansen.md", "named pipe")
