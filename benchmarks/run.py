"""Speed and size figures of the workbook, measured side by side in one run.

    .venv/bin/python benchmarks/run.py [--skip-voila]

Prints one table. Targets (issue 2): `ww run` of one cohort at most 1.3x the floor of five
imports-only notebooks run the same way; batch speed-up on 2 cores at least 1.85x; report size
at most 6 MB; and the cost of importing jsonschema, which a dependency pin keeps low.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wwlib.app.runner import NOTEBOOKS, run_batch, run_cohort  # noqa: E402

COHORT = ROOT / "data" / "lindeveen-2026"
rows: list[tuple[str, str, str]] = []


def row(what: str, value: str, target: str = "") -> None:
    rows.append((what, value, target))
    print(f"  {what}: {value}", file=sys.stderr, flush=True)


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def floor_notebooks(folder: Path) -> Path:
    """Five notebooks with the real parameters cell and only the imports: the floor.

    Each floor notebook imports exactly the wwlib modules its phase notebook uses (`ww.look`,
    `ww.ui.ThemeBoards` -> `wwlib.ui.notes`, ...): wwlib imports its submodules and widgets on
    first use, so "the same imports" means the modules the cells reach, not the package alone.
    """
    for name in NOTEBOOKS:
        real = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        floor = nbformat.v4.new_notebook(metadata=real.metadata)
        floor.cells = [
            real.cells[i]
            for i, c in enumerate(real.cells)
            if "parameters" in c.metadata.get("tags", [])
        ]
        modules = used_modules("\n".join(c.source for c in real.cells if c.cell_type == "code"))
        imports = "import wwlib as ww\nimport " + ", ".join(modules)
        floor.cells.append(nbformat.v4.new_code_cell(imports))
        nbformat.write(floor, folder / name)
    return folder


def used_modules(source: str) -> list[str]:
    """The wwlib modules that `ww.<module>` and `ww.ui.<Widget>` in `source` import."""
    from wwlib import SUBMODULES
    from wwlib.ui import WIDGETS

    modules = set()
    for module, attribute in re.findall(r"\bww\.(\w+)(?:\.(\w+))?", source):
        if module == "ui" and attribute in WIDGETS:
            modules.add(f"wwlib.ui.{WIDGETS[attribute]}")
        elif module in SUBMODULES:
            modules.add(SUBMODULES[module])
    return sorted(modules)


def copies(tmp: Path, n: int) -> list[Path]:
    """n copies of the fictional cohort under different ids, so their stores differ."""
    folders = []
    for i in range(n):
        folder = tmp / "data" / f"bench-{i}"
        shutil.copytree(COHORT, folder)
        meta = yaml.safe_load((folder / "cohort.yaml").read_text(encoding="utf-8"))
        meta["id"] = f"bench-{i}"
        (folder / "cohort.yaml").write_text(
            yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8"
        )
        folders.append(folder)
    return folders


def bench_run(tmp: Path) -> None:
    floor_dir = floor_notebooks(Path(tempfile.mkdtemp(dir=tmp)))
    store = tmp / "run.sqlite"
    run_cohort(COHORT, tmp / "warm", store=store)  # warm the disk cache and the store
    fulls, floors = [], []
    for _ in range(3):  # alternated, so that drift in the machine hits both alike
        fulls.append(timed(run_cohort, COHORT, tmp / "full", store=store))
        floors.append(
            timed(run_cohort, COHORT, tmp / "floor", store=store, notebooks=floor_dir, report=False)
        )
    full, floor = statistics.median(fulls), statistics.median(floors)
    row("ww run, one cohort (s, median of 3)", f"{full:.2f}")
    row("floor: five imports-only notebooks (s, median of 3)", f"{floor:.2f}")
    row("ww run / floor", f"{full / floor:.2f}x", "<= 1.3x")
    for folder in (ROOT / "data").glob("*/cohort.yaml"):
        out = tmp / "size" / folder.parent.name
        run_cohort(folder.parent, out, store=tmp / f"{folder.parent.name}.sqlite")
        size = (out / "report.html").stat().st_size / 1e6
        row(f"report.html size, {folder.parent.name} (MB)", f"{size:.2f}", "<= 6 MB")


def bench_batch(tmp: Path, n: int = 4, repeats: int = 3) -> None:
    folders = copies(tmp, n)
    stores = Path(os.environ["WW_HOME"]) / "stores"
    ones, twos = [], []
    for repeat in range(repeats):
        # ABBA order (1 2, 2 1, 1 2): this machine's speed drifts by 10-20 % within minutes,
        # and a fixed order would lend the drift to one side
        order = ((1, ones), (2, twos)) if repeat % 2 == 0 else ((2, twos), (1, ones))
        for jobs, times in order:
            for store in stores.glob("*"):
                store.unlink()  # every batch makes its stores, as a first run does
            times.append(timed(run_batch, folders, tmp / f"b{jobs}", jobs=jobs, progress=False))
    one, two = statistics.median(ones), statistics.median(twos)
    row(f"batch of {n} cohorts, --jobs 1 (s, median of {repeats})", f"{one:.2f}")
    row(f"batch of {n} cohorts, --jobs 2 (s, median of {repeats})", f"{two:.2f}")
    row("batch speed-up on 2 cores", f"{one / two:.2f}x", ">= 1.85x")
    row(
        "  speed-ups of the single pairs",
        " ".join(f"{a / b:.2f}" for a, b in zip(ones, twos, strict=True)),
    )


def bench_imports() -> None:
    def cost(code: str) -> float:
        best = min(
            timed(subprocess.run, [sys.executable, "-c", code], check=True) for _ in range(5)
        )
        return best

    bare = cost("pass")
    row("python start-up (s)", f"{bare:.3f}")
    row(
        "import jsonschema, beyond start-up (s)",
        f"{cost('import jsonschema') - bare:.3f}",
        "rfc3987-syntax alone cost 1.2 s",
    )
    row("import wwlib, beyond start-up (s)", f"{cost('import wwlib') - bare:.3f}")


def bench_voila(tmp: Path) -> None:
    from benchmarks.voila_first_widget import first_widget_seconds

    row("Voila: navigation to first widget (s)", f"{first_widget_seconds(tmp):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-voila", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["WW_HOME"] = str(tmp / "ww-home")
        bench_imports()
        bench_run(tmp)
        bench_batch(tmp)
        if not args.skip_voila:
            bench_voila(tmp)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':>10}  target")
    for what, value, target in rows:
        print(f"{what:<{width}}  {value:>10}  {target}")


if __name__ == "__main__":
    main()
