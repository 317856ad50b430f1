"""`ww search` speed: the median query time next to the time to read the transcripts.

    .venv/bin/python benchmarks/bench_search.py [--interviews 300] [--repeat 5]

For the bundled Lindeveen cohort and one synthetic cohort of `--interviews` interviews (made
with the national generator, benchmarks/national_data.py; nothing is kept) it prints one row:
the transcripts' size, the time to load the store (the index is built in the same
transaction), the time to read every transcript from the store, and the median time of
`Store.search` over a few queries (words, a phrase, a filter). `--interviews 3400` puts the
whole national-scale programme's interviews in one store, the issue's worst case (target: a
query under 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from national_data import synthetic_cohort  # noqa: E402

from wwlib.folder.dataset import load_dataset  # noqa: E402
from wwlib.store import Store  # noqa: E402
from wwlib.ui.search import SHOWN  # noqa: E402

LINDEVEEN = ROOT / "data" / "lindeveen-2026"
QUERIES = ("vertrouwen", "regels ruimte", '"de gemeente"', "overleggen", "coordinator")


def measure(name: str, dataset, folder: Path, repeat: int) -> dict:
    """Load `dataset` into a new store, then time reading the transcripts and searching."""
    store_file = folder / f"{name}.sqlite"
    started = time.perf_counter()
    with Store(store_file, create=True) as store:
        store.load_dataset(dataset, source=name)
    load = time.perf_counter() - started
    with Store(store_file) as store:
        interviews = [i for i in store.interviews()["participant"] if _has_text(store, i)]
        reads, searches, firsts, hits, most = [], [], [], 0, 0
        for _ in range(repeat):
            started = time.perf_counter()
            characters = sum(len(store.transcript(i)) for i in interviews)
            reads.append(time.perf_counter() - started)
            for query in QUERIES:
                started = time.perf_counter()
                hits = len(store.search(query))
                searches.append(time.perf_counter() - started)
                most = max(most, hits)
                started = time.perf_counter()
                store.search(query, limit=SHOWN)  # what the search panel asks for
                firsts.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.search("werken", interview=interviews[0])
            searches.append(time.perf_counter() - started)
    return {
        "cohort": name,
        "interviews": len(interviews),
        "characters": characters,
        "load_s": load,
        "read_s": statistics.median(reads),
        "query_s": statistics.median(searches),
        "max_query_s": max(searches),
        "panel_s": statistics.median(firsts),
        "max_panel_s": max(firsts),
        "most_hits": most,
    }


def _has_text(store: Store, interview: str) -> bool:
    interviews = store.interviews().set_index("participant")
    return bool(interviews.loc[interview, "transcript"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            measure("lindeveen-2026", load_dataset(LINDEVEEN), Path(tmp), args.repeat),
            measure(
                f"synthetic-{args.interviews}",
                synthetic_cohort(1, args.interviews, 30),
                Path(tmp),
                args.repeat,
            ),
        ]
    print(f"{'cohort':<16} {'interviews':>10} {'characters':>11} {'load (s)':>9} "
          f"{'read (s)':>9} {'query (s)':>10} {'max (s)':>8} {'hits':>7} "
          f"{'first 200':>10} {'max (s)':>8}")  # fmt: skip
    for r in rows:
        print(f"{r['cohort']:<16} {r['interviews']:>10} {r['characters']:>11,} "
              f"{r['load_s']:>9.3f} {r['read_s']:>9.4f} {r['query_s']:>10.4f} "
              f"{r['max_query_s']:>8.3f} {r['most_hits']:>7,} {r['panel_s']:>10.4f} "
              f"{r['max_panel_s']:>8.4f}")  # fmt: skip
    print(
        "query: every hit (ww search, the xlsx export), median and slowest of the queries; "
        "first 200: what the search panel shows; hits: the most any query found"
    )


if __name__ == "__main__":
    main()
