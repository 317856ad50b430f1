"""QDPX export and import time for the fictional cohort (data/lindeveen-2026).

    .venv/bin/python benchmarks/bench_qdpx.py [--runs 5]

Prints one table. "first" is the first call in the process (it loads the REFI-QDA schema and
lxml once); the others are the median of `--runs` further calls.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.cohorts.home import init_cohort  # noqa: E402
from wwlib.exchange.qdpx import export_project, import_project  # noqa: E402

COHORT = ROOT / "data" / "lindeveen-2026"


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["WW_HOME"] = str(tmp / "home")
        store = init_cohort(COHORT, tmp / "lindeveen.sqlite")
        out = tmp / "lindeveen.qdpx"
        first_export = timed(export_project, COHORT, out, store=store)
        exports = [timed(export_project, COHORT, out, store=store) for _ in range(runs)]
        first_import = timed(import_project, tmp / "new-0", out, store=tmp / "new-0.sqlite")
        imports = [
            timed(import_project, tmp / f"new-{i}", out, store=tmp / f"new-{i}.sqlite")
            for i in range(1, runs + 1)
        ]
        again = [timed(import_project, COHORT, out, store=store) for _ in range(runs)]
        size = out.stat().st_size
    rows = [
        ("export qdpx (first call)", f"{first_export * 1000:.0f} ms"),
        ("export qdpx", f"{statistics.median(exports) * 1000:.0f} ms"),
        ("import qdpx into a new cohort folder (first call)", f"{first_import * 1000:.0f} ms"),
        ("import qdpx into a new cohort folder", f"{statistics.median(imports) * 1000:.0f} ms"),
        (
            "import qdpx again into the cohort (all present)",
            f"{statistics.median(again) * 1000:.0f} ms",
        ),
        ("size of the .qdpx", f"{size / 1024:.0f} KiB"),
    ]
    width = max(len(what) for what, _ in rows)
    print(f"lindeveen-2026: 9 transcripts, 183 codings, 31 codes, 12 people; median of {runs}")
    print(f"{'figure':<{width}}  {'measured':>10}")
    for what, value in rows:
        print(f"{what:<{width}}  {value:>10}")


if __name__ == "__main__":
    main()
