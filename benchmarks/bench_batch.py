"""`ww batch` on one machine: a process pool against a Dask LocalCluster, and a worker lost.

    .venv/bin/python benchmarks/bench_batch.py [--cohorts 8] [--rounds 2]

A batch of copies of the bundled cohort data/lindeveen-2026 under fresh ids, the real
notebooks and reports, each batch making its stores anew (a fresh --home): serial (--jobs 1),
--jobs 2 and --dask local:2 (its cluster's start included), in one run and alternated (the
order turns round every round: this machine's speed drifts within minutes). Then a --dask
local:2 batch in which one worker process is killed (SIGKILL) while it runs a cohort, once half
the reports are written: every report must still be written; the time lost is printed.
Targets (issue 16): Dask within 10 % of --jobs 2; both at least 1.85x serial.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import copies  # noqa: E402
from wwlib.app.runner import run_batch  # noqa: E402

MODES = {"--jobs 1": {"jobs": 1}, "--jobs 2": {"jobs": 2}, "--dask local:2": {"dask": "local:2"}}


def batch(folders: list[Path], out: Path, **executor) -> tuple[float, int, float]:
    """Seconds for one batch with fresh stores, how many reports it wrote, and the CPU seconds
    it cost this process and every process it started (which a shared machine's other load
    does not inflate as it does the wall time)."""
    cpu = _cpu_seconds()
    start = time.perf_counter()
    results, failures = run_batch(folders, out, progress=False, home=out / "home", **executor)
    if failures:
        raise SystemExit(f"the benchmark's batch failed: {failures}")
    return time.perf_counter() - start, len(results), _cpu_seconds() - cpu


def _cpu_seconds() -> float:
    """User and system CPU of this process and of its ended, waited-for descendants."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class KillOneWorker(threading.Thread):
    """Once `after` reports are written under `out`, SIGKILL one Dask worker process (a child
    of this process that runs a notebook's kernel)."""

    def __init__(self, out: Path, after: int):
        super().__init__(daemon=True)
        self.out, self.after, self.killed_at, self.stop = out, after, None, threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        while self.killed_at is None and not self.stop.wait(0.1):
            if len(list(self.out.glob("*/report.html"))) < self.after:
                continue
            for process in psutil.Process().children(recursive=True):
                try:
                    if "ipykernel_launcher" in " ".join(process.cmdline()):
                        process.parent().kill()
                        self.killed_at = time.perf_counter() - start
                        break
                except psutil.Error:
                    continue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cohorts", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    cpus: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        folders = copies(tmp, args.cohorts)
        order = list(MODES)
        for round_ in range(args.rounds):
            for mode in order if round_ % 2 == 0 else order[::-1]:
                seconds, _, cpu = batch(folders, tmp / f"r{round_}-{mode[2:6]}", **MODES[mode])
                times[mode].append(seconds)
                cpus[mode].append(cpu)
                print(
                    f"  round {round_ + 1}, {mode}: {seconds:.1f} s, {cpu:.0f} s CPU",
                    file=sys.stderr,
                )
        killer = KillOneWorker(tmp / "loss", after=args.cohorts // 2)
        killer.start()
        lost, written, _ = batch(folders, tmp / "loss", dask="local:2")
        killer.stop.set()
        killer.join()
    table(times, cpus, args, lost, written, killer.killed_at)


def table(times, cpus, args, lost: float, written: int, killed_at: float | None) -> None:
    median = {mode: statistics.median(values) for mode, values in times.items()}
    serial, jobs, dask = median["--jobs 1"], median["--jobs 2"], median["--dask local:2"]
    n, rounds = args.cohorts, args.rounds
    rows = [
        *(
            (f"batch of {n} cohorts, {mode} (s, median of {rounds})", f"{m:.1f}", "")
            for mode, m in median.items()
        ),
        ("speed-up --jobs 2 vs serial", f"{serial / jobs:.2f}x", ">= 1.85x"),
        ("speed-up --dask local:2 vs serial", f"{serial / dask:.2f}x", ">= 1.85x"),
        ("--dask local:2 / --jobs 2", f"{dask / jobs:.3f}", "<= 1.10"),
        *(
            (f"  CPU of a batch, {mode} (s, median)", f"{statistics.median(c):.0f}", "")
            for mode, c in cpus.items()
        ),
        (
            "worker killed mid-batch, after (s)",
            f"{killed_at:.1f}" if killed_at is not None else "never",
            f"once {n // 2} reports were written",
        ),
        ("  reports written", f"{written} of {n}", f"{n} of {n}"),
        ("  batch with the loss (s)", f"{lost:.1f}", ""),
        ("  time lost to it (s)", f"{lost - dask:.1f}", "vs the median --dask run"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':>10}  target")
    for what, value, target in rows:
        print(f"{what:<{width}}  {value:>10}  {target}")
    print(
        "\nsingle runs: "
        + "; ".join(f"{m}: {' '.join(f'{t:.1f}' for t in v)}" for m, v in times.items())
    )


if __name__ == "__main__":
    main()
