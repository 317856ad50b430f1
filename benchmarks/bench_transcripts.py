"""Transcript import speed: one 60-minute interview (about 9,000 words) and 1,000 of them.

    .venv/bin/python benchmarks/bench_transcripts.py [--count 1000] [--formats txt vtt-zoom ...]

Generates the transcripts (nothing is committed): a facilitator's short questions and a
participant's long answers in Dutch-looking words, laid out as each tool writes them. Prints
one table: per format, the words and turns of one file, the time to parse it, the time to import
it into the open store of a 12-person cohort (parse, map, place, write, as the notebook does),
and the time to import `--count` such files, one per participant of a cohort that large, into
one store in one `import_files` call (one transaction). The stores are made and opened
beforehand, so the times are the import's own.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.cohorts.home import init_cohort  # noqa: E402
from wwlib.exchange.transcripts import import_files  # noqa: E402
from wwlib.store import Store  # noqa: E402
from wwlib.transcripts import parse_bytes  # noqa: E402

WORDS_PER_INTERVIEW = 9_000
SECONDS = 60 * 60
FACILITATOR = "Femke Bos"
VOCABULARY = (
    "de het een en in van dat is we ook niet met op voor maar dan wat nog wel zijn er als bij "
    "gemeente wijk team samen werken overleg inwoners regels ruimte vertrouwen ochtendronde "
    "crisis organisatie mensen afspraken collega's beslissen directie raad college welzijn "
    "corporatie formulier handtekening uitgave werkdruk vasthouden eigenlijk gewoon natuurlijk "
    "belangrijk moeilijk snel kort lijnen doel iedereen niemand één meer minder echt zeker"
).split()
FORMATS = ("txt", "md", "docx", "docx-teams", "vtt-zoom", "vtt-teams")
EXTENSIONS = {"txt": ".txt", "md": ".md", "docx": ".docx", "docx-teams": ".docx"}
EXTENSIONS |= {"vtt-zoom": ".vtt", "vtt-teams": ".vtt"}


def turns(participant: str, seed: int = 1) -> list[tuple[str, str]]:
    """About 9,000 words: questions of ~15 words, answers of ~100."""
    rng = random.Random(seed)
    result, count = [], 0
    while count < WORDS_PER_INTERVIEW:
        for speaker, size in ((FACILITATOR, 15), (participant, 100)):
            words = rng.choices(VOCABULARY, k=rng.randint(size // 2, size * 3 // 2))
            sentence = " ".join(words).capitalize() + "."
            result.append((speaker, sentence))
            count += len(words)
    return result


def cues(spoken: list[tuple[str, str]], size: int = 12):
    """(speaker, words, start, end): speech cut every `size` words, as Zoom and Teams do."""
    pieces = [
        (s, t.split()[i : i + size]) for s, t in spoken for i in range(0, len(t.split()), size)
    ]
    step = SECONDS / len(pieces)
    for n, (speaker, words) in enumerate(pieces):
        yield speaker, " ".join(words), n * step, (n + 1) * step - 0.2


def stamp(seconds: float) -> str:
    whole = int(seconds)
    return (
        f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(seconds % 1 * 1000):03d}"
    )


def render(fmt: str, spoken: list[tuple[str, str]]) -> bytes:
    """One transcript file's bytes, laid out as `fmt` is."""
    if fmt in ("txt", "md"):
        bold = "**" if fmt == "md" else ""
        return "\n\n".join(f"{bold}{s}:{bold} {t}" for s, t in spoken).encode()
    if fmt == "vtt-zoom":
        blocks = [
            f"{n}\n{stamp(a)} --> {stamp(b)}\n{s}: {t}"
            for n, (s, t, a, b) in enumerate(cues(spoken), 1)
        ]
        return ("WEBVTT\n\n" + "\n\n".join(blocks) + "\n").encode()
    if fmt == "vtt-teams":
        blocks = [
            f"6a1f0c2e-0b7d-4c55-9a0e-3f2b1d4c5e6f/{n}-0\n{stamp(a)} --> {stamp(b)}\n<v {s}>{t}</v>"
            for n, (s, t, a, b) in enumerate(cues(spoken), 1)
        ]
        return ("WEBVTT\n\n" + "\n\n".join(blocks) + "\n").encode()
    return word_file(fmt, spoken)


def word_file(fmt: str, spoken: list[tuple[str, str]]) -> bytes:
    document = docx.Document()
    step = SECONDS / len(spoken)
    for n, (speaker, text) in enumerate(spoken):
        if fmt == "docx":
            document.add_paragraph(f"{speaker}: {text}")
            continue
        paragraph = document.add_paragraph(
            f"{speaker}   {int(n * step) // 60}:{int(n * step) % 60:02d}"
        )
        words = text.split()
        for i in range(0, len(words), 60):  # Teams breaks a long turn into lines
            paragraph.add_run().add_break()
            paragraph.add_run(" ".join(words[i : i + 60]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def renamed(data: bytes, fmt: str, old: str, new: str) -> bytes:
    """The same file with another participant's name (a .docx by rewriting its document.xml)."""
    if not fmt.startswith("docx"):
        return data.replace(old.encode(), new.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            blob = source.read(item)
            if item.filename == "word/document.xml":
                blob = blob.replace(old.encode(), new.encode())
            target.writestr(item, blob)
    return out.getvalue()


def cohort(folder: Path, count: int) -> Path:
    """A cohort folder with `count` participants (P0001 ...) and one facilitator."""
    folder.mkdir(parents=True)
    (folder / "cohort.yaml").write_text(
        "id: bench\ntitle: Benchmark\nmunicipalities: [Lindeveen]\n"
        "start: 2026-10-12\nend: 2026-10-16\n",
        encoding="utf-8",
    )
    people = ["id,name,role,pseudonym", "femke-bos,Femke Bos,facilitator,F01"]
    people += [
        f"deelnemer-{i:04d},Deelnemer {i:04d},participant,P{i:04d}" for i in range(1, count + 1)
    ]
    (folder / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    (folder / "programme.csv").write_text(
        "id,date,phase,activity\ninterviews,2026-10-13,look,Interviews\n", encoding="utf-8"
    )
    return folder


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bench(fmt: str, count: int, tmp: Path) -> tuple:
    folder = cohort(tmp / f"cohort-{fmt}", count)
    template = render(fmt, turns("Deelnemer 0001"))
    name = f"p0001{EXTENSIONS[fmt]}"
    parse_times = [timed(parse_bytes, template, name)[0] for _ in range(5)]
    parsed = parse_bytes(template, name)
    words = sum(len(parsed.text[t.start : t.end].split()) for t in parsed.turns)
    files = tmp / f"files-{fmt}"
    files.mkdir()
    paths = []
    for i in range(1, count + 1):
        path = files / f"p{i:04d}{EXTENSIONS[fmt]}"
        path.write_bytes(renamed(template, fmt, "Deelnemer 0001", f"Deelnemer {i:04d}"))
        paths.append(path)
    small = cohort(tmp / f"small-{fmt}", 12)  # a real week's size, for the one-file figure
    one_store = Store(init_cohort(small, tmp / f"one-{fmt}.sqlite"), actor="bench")
    many_store = Store(init_cohort(folder, tmp / f"many-{fmt}.sqlite"), actor="bench")
    one, _ = timed(import_files, None, paths[:1], store=one_store)
    many, summary = timed(import_files, None, paths, store=many_store)
    one_store.close()
    many_store.close()
    assert len(summary.files) == count and not summary.unmapped
    return fmt, words, len(parsed.turns), statistics.median(parse_times), one, many, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as name:
        for fmt in args.formats:
            rows.append(bench(fmt, args.count, Path(name)))
            print(f"  {fmt}: done", file=sys.stderr, flush=True)
    n = args.count
    print(
        f"\n{'format':<11} {'words':>6} {'turns':>5} {'parse 1 (ms)':>12} "
        f"{'import 1 (ms)':>13} {f'import {n} (s)':>{12 + len(str(n))}} {'per file (ms)':>13}"
    )
    for fmt, words, count, parse, one, many, files in rows:
        print(
            f"{fmt:<11} {words:>6} {count:>5} {parse * 1000:>12.1f} {one * 1000:>13.1f} "
            f"{many:>{12 + len(str(n))}.2f} {many / files * 1000:>13.1f}"
        )


if __name__ == "__main__":
    main()
