"""`ww save` and `ww update` speed: the bundled fictional cohort and one of 30 interviews.

    .venv/bin/python benchmarks/bench_sync.py [--interviews 30] [--codings 3000] [--repeat 5]

Generates the large cohort (nothing is committed): the bundled Lindeveen folder with 30
participants, each with a transcript of about 100 turns, and `--codings` codings spread over
them, plus notes linked to fragments. For each cohort it prints one row: its size, the median
time of `save_folder` with nothing to write and with one note added in the store, and of
`update_store` with one person renamed in the folder. The stores are made beforehand, so the
times are the commands' own (the command line adds about 0.3 s of Python start-up).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.cohorts.home import init_cohort  # noqa: E402
from wwlib.cohorts.sync import save_folder, update_store  # noqa: E402
from wwlib.store import Store  # noqa: E402

LINDEVEEN = ROOT / "data" / "lindeveen-2026"
WORDS = (
    "de het een en in van dat is we ook niet met op voor maar dan wat nog wel zijn er als bij "
    "gemeente wijk team samen werken overleg inwoners regels ruimte vertrouwen ochtendronde"
).split()


def big_cohort(folder: Path, interviews: int, codings: int) -> None:
    """Lindeveen grown to `interviews` participants with `codings` codings in all."""
    shutil.copytree(LINDEVEEN, folder)
    rng = random.Random(7)
    people = ["id,name,role,organisation,municipality,function,pseudonym,consent_named"]
    people += [f"d{n:03d},Deelnemer {n},participant,Gemeente Groot,Groot,,P{n:03d},nee" for n in
               range(1, interviews + 1)]  # fmt: skip
    people += ["marit-hofstede,Marit Hofstede,facilitator,Bureau,,,F01,ja"]
    (folder / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    (folder / "interviews.csv").write_text(
        "participant,interviewer,date,status,transcript\n"
        + "".join(
            f"d{n:03d},marit-hofstede,,coded,transcripts/d{n:03d}.md\n"
            for n in range(1, interviews + 1)
        ),
        encoding="utf-8",
    )
    shutil.rmtree(folder / "transcripts")
    (folder / "transcripts").mkdir()
    codes = [line.split(",")[0] for line in (folder / "codebook.csv").read_text().splitlines()[1:]]
    rows = ["interview,code,coder,quote,occurrence,memo"]
    per_interview = codings // interviews
    for n in range(1, interviews + 1):
        turns = []
        for t in range(100):
            speaker = "Marit Hofstede" if t % 2 == 0 else f"Deelnemer {n}"
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            turns.append(f"{speaker}: {words} zin{n}x{t}.")
        (folder / "transcripts" / f"d{n:03d}.md").write_text("\n\n".join(turns) + "\n")
        for c in range(per_interview):
            rows.append(f"d{n:03d},{codes[c % len(codes)]},marit-hofstede,zin{n}x{c % 100}.,,")
    (folder / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name in ("notes.csv", "votes.csv", "plans.yaml"):
        (folder / name).unlink()
    (folder / "boards.csv").write_text("id,title,kind,theme\nkickoff,Kick-off,kickoff,\n")
    (folder / "cohort.yaml").write_text(
        (folder / "cohort.yaml").read_text(encoding="utf-8").split("focus_groups:")[0]
    )


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(folder: Path, home: Path, repeat: int) -> dict:
    store_path = init_cohort(folder, home / f"{folder.name}.sqlite")
    with Store(store_path, actor="bench") as store:
        save_folder(folder, store)
        nothing = median_seconds(lambda: save_folder(folder, store), repeat)
        board = str(store.boards()["id"].iloc[0])
        one_note = median_seconds(
            lambda: (store.add_note(board, "Nog een idee"), save_folder(folder, store)), repeat
        )
        people = folder / "people.csv"
        original = people.read_text(encoding="utf-8")
        flip = iter(range(repeat))

        def rename() -> None:
            people.write_text(original.replace(",Marit Hofstede,", f",Marit H{next(flip)},"))
            update_store(folder, store)

        update = median_seconds(rename, repeat)
        sizes = (len(store.interviews()), len(store.codings()), len(store.notes()))
    return {"sizes": sizes, "save": nothing, "save_note": one_note, "update": update}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=30)
    parser.add_argument("--codings", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        small = root / "lindeveen-2026"
        shutil.copytree(LINDEVEEN, small)
        large = root / "groot"
        big_cohort(large, args.interviews, args.codings)
        rows = [("lindeveen-2026", measure(small, root, args.repeat))]
        rows.append((f"{args.interviews} interviews", measure(large, root, args.repeat)))
    print(f"{'cohort':<16} {'interviews':>10} {'codings':>8} {'notes':>6} "
          f"{'save, same':>11} {'save, +note':>12} {'update':>8}")  # fmt: skip
    for name, r in rows:
        interviews, codings, notes = r["sizes"]
        print(
            f"{name:<16} {interviews:>10} {codings:>8} {notes:>6} {r['save']:>10.3f}s "
            f"{r['save_note']:>11.3f}s {r['update']:>7.3f}s"
        )


if __name__ == "__main__":
    main()
