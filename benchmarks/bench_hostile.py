"""Peak memory and time of reading hostile files next to the largest legitimate ones.

    .venv/bin/python benchmarks/bench_hostile.py [--bomb-mb 600]

Prints one table. Each case runs in a fresh Python process that reads one file the way
`ww import` does (`parse_file` for transcripts, `read_project` for QDPX) and reports its own
peak resident memory (`ru_maxrss`) and the time of the read alone; "base" is the process
after importing wwlib, before reading anything. The bombs are made here, streaming.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.cohorts.home import init_cohort  # noqa: E402
from wwlib.exchange.qdpx import export_project  # noqa: E402

COHORT = ROOT / "data" / "lindeveen-2026"
MB = 1024 * 1024
PROJECT = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="bom" origin="bench"><Sources>'
    '<TextSource guid="11111111-1111-1111-1111-111111111111" name="groot" '
    'plainTextPath="internal://groot.txt"/></Sources></Project>'
)
CHILD = """
import json, resource, sys, time
from wwlib.core.errors import WorkbookError
from wwlib.qdpx.read import read_project
from wwlib.transcripts.parse import parse_file
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    (read_project if sys.argv[1].endswith(".qdpx") else parse_file)(sys.argv[1])
    outcome = "read"
except WorkbookError as exc:
    outcome = "refused: " + str(exc).split(": ", 2)[-1][:60]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([base, peak, seconds, outcome]))
"""


def three_hours(folder: Path) -> list[Path]:
    """A 3-hour interview as WebVTT and as a typed Word file: a turn every 6 seconds."""
    sentence = "ja, dat herken ik wel, we hebben het er in de buurt vaak over gehad "
    turns = [(f"Spreker {n % 2 + 1}", sentence * 3) for n in range(1800)]
    cues = ["WEBVTT", ""]
    for n, (who, words) in enumerate(turns):
        start, end = n * 6, n * 6 + 5
        cues += [f"{_clock(start)} --> {_clock(end)}", f"<v {who}>{words}</v>", ""]
    vtt = folder / "drie-uur.vtt"
    vtt.write_text("\n".join(cues), encoding="utf-8")
    document = docx.Document()
    for who, words in turns:
        document.add_paragraph(f"{who}: {words}")
    word = folder / "drie-uur.docx"
    document.save(word)
    return [vtt, word]


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def bomb(path: Path, members: dict[str, bytes | int]) -> Path:
    """A zip whose int members are that many zero bytes, deflated while they are written."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(content // MB):
                    member.write(bytes(MB))
    return path


def cases(folder: Path, bomb_mb: int) -> list[tuple[str, Path]]:
    os.environ["WW_HOME"] = str(folder / "home")
    vtt, word = three_hours(folder)
    store = init_cohort(COHORT, folder / "lindeveen.sqlite")
    qdpx = folder / "lindeveen.qdpx"
    export_project(COHORT, qdpx, store)
    pipe = folder / "pijp.vtt"
    os.mkfifo(pipe)
    zero = folder / "nul.txt"
    zero.symlink_to("/dev/zero")
    source = {"project.qde": PROJECT.encode(), "sources/groot.txt": bomb_mb * MB}
    document = {"[Content_Types].xml": b"<Types/>", "word/document.xml": bomb_mb * MB}
    return [
        ("3-hour transcript .vtt", vtt),
        ("3-hour transcript .docx", word),
        ("QDPX of lindeveen-2026", qdpx),
        (f"QDPX bomb ({bomb_mb} MB source)", bomb(folder / "bom.qdpx", source)),
        (f"docx bomb ({bomb_mb} MB document.xml)", bomb(folder / "bom.docx", document)),
        ("transcript: named pipe", pipe),
        ("transcript: link to /dev/zero", zero),
    ]


def measure(path: Path) -> list:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=True,
    )
    return json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bomb-mb", type=int, default=600)
    bomb_mb = parser.parse_args().bomb_mb
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for name, path in cases(Path(tmp), bomb_mb):
            base, peak, seconds, outcome = measure(path)
            size = path.lstat().st_size if path.is_symlink() else os.stat(path).st_size
            rows.append((name, size, base, peak, seconds, outcome))
    out = io.StringIO()
    out.write(f"{'case':38} {'file':>10} {'base MB':>8} {'peak MB':>8} {'time s':>7}  outcome\n")
    for name, size, base, peak, seconds, outcome in rows:
        out.write(
            f"{name:38} {size / 1024:>8.0f}KB {base / 1024:>8.0f} {peak / 1024:>8.0f} "
            f"{seconds:>7.3f}  {outcome}\n"
        )
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
