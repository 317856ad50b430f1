"""The analysis tables at national scale (issue 4): every table across ~340 cohorts' stores.

    .venv/bin/python benchmarks/national.py [--cohorts 340] [--folder DIR] [--profile]

Makes (or reuses) a synthetic programme of one store per cohort with `national_data.generate`,
then measures, side by side, each in a fresh process and repeated in alternating order:
the floor (every store's codings read into one pandas frame) and the tables run (the same
codings, the codes, people and interviews, then `wwlib.analysis.all_tables` over all cohorts).
Targets: every table (the reads beyond the codings, and the compute) within 3x the floor, at
most 1.5 GB peak memory; the whole run including the codings is printed as well.
`--profile` runs the compute once under cProfile and prints the 25 costliest calls.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import national_data  # noqa: E402
from wwlib.store import Store  # noqa: E402

FOLDER = ROOT / "benchmarks" / ".national"
EXTRA_READS = ("codes", "people", "interviews")
rows: list[tuple[str, str, str]] = []
notes: list[str] = []  # printed under the table


def row(what: str, value: str, target: str = "") -> None:
    rows.append((what, value, target))
    print(f"  {what}: {value}", file=sys.stderr, flush=True)


# -- what a measuring process does ------------------------------------------------------------


def load_frames(paths: list[Path], extra: bool = True) -> tuple[dict, dict]:
    """Every store's codings (and codes, people, interviews) as one frame each, with `cohort`.

    Returns the frames and the seconds spent: `codings` (opening the stores, reading the
    codings, concatenating) and `extra` (the other reads and their concatenation).
    """
    reads = ("codings", *EXTRA_READS) if extra else ("codings",)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in reads}
    seconds = {"codings": 0.0, "extra": 0.0}
    for path in paths:
        start = time.perf_counter()
        with Store(path, actor="benchmark") as store:
            for name in reads:
                parts[name].append(getattr(store, name)().assign(cohort=path.stem))
                seconds["codings" if name == "codings" else "extra"] += time.perf_counter() - start
                start = time.perf_counter()
    frames = {}
    for name in reads:
        start = time.perf_counter()
        frames[name] = pd.concat(parts.pop(name), ignore_index=True)
        seconds["codings" if name == "codings" else "extra"] += time.perf_counter() - start
    return frames, seconds


def all_tables_function():
    """`wwlib.analysis.all_tables`, or why it cannot be imported yet (a string)."""
    try:
        from wwlib.analysis import all_tables
    except ImportError as exc:
        return f"wwlib.analysis.all_tables is missing ({exc})"
    return all_tables


def measure(kind: str, paths: list[Path]) -> dict:
    """One measurement in this process: 'floor' or 'tables'; printed as JSON by the child."""
    frames, seconds = load_frames(paths, extra=kind == "tables")
    result = {"codings": len(frames["codings"]), "load": seconds["codings"]}
    if kind == "tables":
        result |= {"extra": seconds["extra"], "interviews": len(frames["interviews"])}
        all_tables = all_tables_function()
        if isinstance(all_tables, str):
            result["missing"] = all_tables
        else:
            start = time.perf_counter()
            tables = all_tables(**frames)
            result["compute"] = time.perf_counter() - start
            result["tables"] = {name: len(table) for name, table in tables.items()}
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_child(kind: str, folder: Path, cohorts: int) -> dict:
    """`measure` in a fresh Python process, so that its peak memory is its own."""
    command = [sys.executable, __file__, "--measure", kind]
    command += ["--folder", str(folder), "--cohorts", str(cohorts)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"the {kind} measurement failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def profile(paths: list[Path]) -> None:
    """The compute once under cProfile: the 25 functions with the most cumulative time."""
    all_tables = all_tables_function()
    if isinstance(all_tables, str):
        sys.exit(f"{all_tables}: nothing to profile")
    frames, _ = load_frames(paths)
    profiler = cProfile.Profile()
    profiler.runcall(all_tables, **frames)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


# -- the run --------------------------------------------------------------------------------


def warm(paths: list[Path]) -> None:
    """Read every store once, so that no measurement pays for a cold disk cache."""
    for path in paths:
        with open(path, "rb") as file:
            while file.read(1 << 20):
                pass


def bench(folder: Path, cohorts: int, repeats: int) -> None:
    paths = national_data.store_paths(folder, cohorts)
    warm(paths)
    floors, tables = [], []
    for repeat in range(repeats):
        # ABBA order: this machine's speed drifts by 10-20 % within minutes, and a fixed
        # order would lend the drift to one side
        order = [("floor", floors), ("tables", tables)]
        for kind, results in order if repeat % 2 == 0 else order[::-1]:
            results.append(in_child(kind, folder, cohorts))
    report(floors, tables, repeats)


def report(floors: list[dict], tables: list[dict], repeats: int) -> None:
    def median(results: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in results)

    floor = median(floors, "load")
    row("interviews", f"{tables[0]['interviews']:,}")
    row("codings", f"{floors[0]['codings']:,}", "~750,000")
    row(f"floor: codings into pandas (s, median of {repeats})", f"{floor:.2f}")
    row("tables run: codings (s)", f"{median(tables, 'load'):.2f}")
    row("tables run: codes, people, interviews (s)", f"{median(tables, 'extra'):.2f}")
    if "missing" in tables[0]:
        row("tables run: compute (s)", "missing", tables[0]["missing"])
        total = median(tables, "load") + median(tables, "extra")
        row("tables run without compute / floor", f"{total / floor:.2f}x", "<= 3x")
    else:
        row("tables run: compute (s)", f"{median(tables, 'compute'):.2f}")
        tables_time = statistics.median(r["extra"] + r["compute"] for r in tables)
        row(
            "every table (the other reads + compute) / floor",
            f"{tables_time / floor:.2f}x",
            "<= 3x",
        )
        total = statistics.median(r["load"] + r["extra"] + r["compute"] for r in tables)
        row("whole tables run (codings too) / floor", f"{total / floor:.2f}x")
    row("peak memory, tables run (MB)", f"{max(r['max_rss_mb'] for r in tables):.0f}", "<= 1500")
    row("peak memory, floor (MB)", f"{max(r['max_rss_mb'] for r in floors):.0f}")
    if "tables" in tables[0]:
        sizes = ", ".join(f"{name} {n:,}" for name, n in tables[0]["tables"].items())
        notes.append(f"tables (rows): {sizes}")


def prepare(args: argparse.Namespace) -> list[Path]:
    """Make the stores unless the folder holds them already; note how long it took."""
    current = national_data.is_current(args.folder, args.cohorts, args.interviews, args.fragments)
    paths = national_data.generate(args.folder, args.cohorts, args.interviews, args.fragments)
    made = national_data.manifest(args.folder)
    how = "reused, made earlier in" if current else "made now in"
    row(f"generation ({how}, s)", f"{made['seconds']:.1f}", "<= ~180")
    row("cohorts (stores)", f"{len(paths)}", "~340")
    size = sum(p.stat().st_size for p in paths) / 1e6
    row("stores on disk (MB)", f"{size:.0f}")
    return paths


def print_table(rows: list[tuple[str, str, str]], notes: list[str] | tuple = ()) -> None:
    """The figures as a Markdown table (figure, measured, target), then the notes under it."""
    width = max(len(r[0]) for r in rows)
    print(f"\n| {'figure':<{width}} | {'measured':>10} | target |")
    print(f"|{'-' * (width + 2)}|{'-' * 11}:|--------|")
    for what, value, target in rows:
        print(f"| {what:<{width}} | {value:>10} | {target} |")
    for note in notes:
        print(f"\n{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cohorts", type=int, default=340)
    parser.add_argument("--interviews", type=int, default=10)
    parser.add_argument("--fragments", type=int, default=150)
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile the compute once")
    parser.add_argument("--measure", choices=["floor", "tables"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        paths = national_data.store_paths(args.folder, args.cohorts)
        print(json.dumps(measure(args.measure, paths)))
        return
    paths = prepare(args)
    if args.profile:
        profile(paths)
        return
    bench(args.folder, args.cohorts, args.repeats)
    print_table(rows, notes)


if __name__ == "__main__":
    main()
