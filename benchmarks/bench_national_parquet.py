"""The national picture at scale (issue 16): 340 cohorts exported to Parquet, read by `ww national`.

    .venv/bin/python benchmarks/bench_national_parquet.py [--cohorts 340] [--repeats 3]

Makes (or reuses) the synthetic programme of `national_data.generate` (one store per cohort,
about 750,000 codings), then measures, each in a fresh process whose peak memory is its own
(`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` of a wrapper around it):

- the export: every cohort exported with `wwlib.outputs.parquet.export_store`, in one process
  through the Python API (one `ww export parquet` per cohort would pay 340 start-ups);
- `ww national EXPORTS --out N`: the whole command, start-up included, as a user runs it;
- the floor: every store's codings read into one pandas frame (`national.py --measure floor`).

`ww national` and the floor are repeated in alternating order (ABBA). Targets: the whole
national report within 3x the floor, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import national_data  # noqa: E402
from benchmarks.national import print_table  # noqa: E402

FOLDER = ROOT / "benchmarks" / ".national"
AS_OF = dt.date(2026, 12, 4)
WW = Path(sys.executable).with_name("ww")
rows: list[tuple[str, str, str]] = []


def row(what: str, value: str, target: str = "") -> None:
    rows.append((what, value, target))
    print(f"  {what}: {value}", file=sys.stderr, flush=True)


def export_all(folder: Path, cohorts: int, out: Path) -> dict:
    """In this process: export every cohort's store into `out` (the `--measure` child)."""
    from wwlib.outputs.parquet import export_store
    from wwlib.store import Store

    start = time.perf_counter()
    for path in national_data.store_paths(folder, cohorts):
        with Store(path, actor="benchmark") as store:
            export_store(store, out, AS_OF)
    return {"seconds": time.perf_counter() - start}


def measured(command: list[str]) -> dict:
    """Run `command` in a fresh wrapper process: its wall time, peak memory and last line."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "lines = done.stdout.splitlines()\n"
        "print(json.dumps({'rc': done.returncode, 'wall': wall, 'peak_mb': peak,\n"
        "    'last': lines[-1] if lines else '', 'stderr': done.stderr[-2000:]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True)
    result = json.loads(done.stdout)
    if result["rc"]:
        sys.exit(f"{' '.join(command)} failed:\n{result['stderr']}")
    return result


def floor(folder: Path, cohorts: int) -> dict:
    command = [sys.executable, str(ROOT / "benchmarks" / "national.py"), "--measure", "floor"]
    result = measured(command + ["--folder", str(folder), "--cohorts", str(cohorts)])
    return result | {"load": json.loads(result["last"])["load"]}


def national(out: Path, report: Path) -> dict:
    return measured([str(WW), "national", str(out), "--out", str(report)])


def bench(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    paths = national_data.generate(args.folder, args.cohorts)
    made = national_data.manifest(args.folder)
    row("cohorts (stores)", f"{len(paths)}", "340")
    row("codings", f"{made['codings']:,}", "~750,000")
    row("stores made or reused (s)", f"{time.perf_counter() - start:.1f}")
    out, report = args.work / "O", args.work / "N"
    shutil.rmtree(args.work, ignore_errors=True)
    command = [sys.executable, __file__, "--measure", "export", "--folder", str(args.folder)]
    exported = measured(command + ["--cohorts", str(args.cohorts), "--work", str(args.work)])
    size = sum(p.stat().st_size for p in out.rglob("*")) / 1e6
    row("export, every cohort in one process (s)", f"{json.loads(exported['last'])['seconds']:.1f}")
    row("export per cohort (s)", f"{json.loads(exported['last'])['seconds'] / len(paths):.3f}")
    row("export: peak memory (MB)", f"{exported['peak_mb']:.0f}", "<= 1500")
    row("Parquet on disk (MB, all cohorts)", f"{size:.1f}")
    floors, reports = [], []
    for repeat in range(args.repeats):
        # ABBA: the shared machine's speed drifts, a fixed order would lend it to one side
        order = [("floor", floors), ("national", reports)]
        for kind, results in order if repeat % 2 == 0 else order[::-1]:
            run = floor(args.folder, args.cohorts) if kind == "floor" else national(out, report)
            results.append(run)
    floor_time = statistics.median(f["load"] for f in floors)
    national_time = statistics.median(r["wall"] for r in reports)
    row(f"floor: codings into pandas (s, median of {args.repeats})", f"{floor_time:.2f}")
    row("floor: its whole process (s)", f"{statistics.median(f['wall'] for f in floors):.2f}")
    row(f"ww national, whole command (s, median of {args.repeats})", f"{national_time:.2f}")
    row("ww national / floor", f"{national_time / floor_time:.2f}x", "<= 3x")
    row("ww national: peak memory (MB)", f"{max(r['peak_mb'] for r in reports):.0f}", "<= 1500")
    row("floor: peak memory (MB)", f"{max(f['peak_mb'] for f in floors):.0f}")
    html = (report / "national.html").stat().st_size / 1e6
    row("national.html (MB)", f"{html:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cohorts", type=int, default=340)
    parser.add_argument("--folder", type=Path, default=FOLDER, help="the synthetic stores")
    parser.add_argument(
        "--work", type=Path, help="exports and report go here (default: a temporary folder)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--measure", choices=["export"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(export_all(args.folder, args.cohorts, args.work / "O")))
        return
    with tempfile.TemporaryDirectory(prefix="national-parquet-") as work:
        args.work = args.work or Path(work)
        bench(args)
    print_table(rows)


if __name__ == "__main__":
    main()
