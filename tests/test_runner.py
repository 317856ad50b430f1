"""`ww run` and `ww batch` end to end: real kernels, real stores, real reports."""

import json
import re
import shutil
from pathlib import Path

import pytest
from shared_runs import short_notebooks

from wwlib.app.cli import main
from wwlib.app.runner import NOTEBOOKS
from wwlib.core.labels import Labels

DATA = Path(__file__).resolve().parents[1] / "data"
pytestmark = pytest.mark.slow


SECTION_CALL = re.compile(r'ww\.display\.section\(wb, "([a-z_]+)"\)')


def assert_every_section_shown(out: Path, lang: str) -> None:
    """Every `ww.display.section` of every notebook shows its heading and text in its output."""
    labels = Labels(lang)
    for name in NOTEBOOKS:
        executed = json.loads((out / name).read_text(encoding="utf-8"))
        for cell in executed["cells"]:
            for key in SECTION_CALL.findall("".join(cell["source"])):
                shown = "".join(
                    "".join(o.get("data", {}).get("text/markdown", ""))
                    for o in cell.get("outputs", [])
                ).replace("\\", "")
                for part in ("title", "text"):
                    assert labels(f"section.{key}.{part}") in shown, f"{name}: {key} {part}"


def test_run_limburg_with_relative_paths_writes_notebooks_and_a_report(limburg_run):
    """From a folder of one's own, with relative paths, as the README says."""
    out = limburg_run / "out" / "limburg"
    assert str(out / "report.html") in (limburg_run / "printed.txt").read_text(encoding="utf-8")
    assert (limburg_run / "home" / "stores" / "limburg-2020.sqlite").is_file()
    assert not (Path(__file__).resolve().parents[1] / "notebooks" / "out").exists()
    for name in NOTEBOOKS:
        executed = json.loads((out / name).read_text(encoding="utf-8"))
        errors = [
            o
            for c in executed["cells"]
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert errors == [], f"{name}: {errors}"
    assert_every_section_shown(out, "nl")
    report = (out / "report.html").read_text(encoding="utf-8")
    for theme in (
        "Digitalisering vasthouden en uitbouwen",
        "Samenleving",
        "Leiderschap tonen",
        "Communicatie",
        "Bijeenkomst plannen Wij-Werken Week groep",
        "week 18",
        "juni 2020",
        "Harry Coumans",
        "Daisy Broeders",
    ):
        assert theme in report, theme
    assert re.search(r"<(script|link|img)\b[^>]*\b(src|href)=[\"']?(https?:)?//", report) is None


def test_batch_reports_a_failing_cohort_and_finishes_the_others(tmp_path, monkeypatch, capsys):
    # the notebooks cut to their parameters cell: their cells are the test above's
    monkeypatch.setenv("WW_NOTEBOOKS", str(short_notebooks(tmp_path / "notebooks")))
    broken = tmp_path / "data" / "broken-2020"
    shutil.copytree(DATA / "limburg-2020", broken)
    (broken / "people.csv").write_text("id,name\n", encoding="utf-8")
    good = tmp_path / "data" / "limburg-2020"
    shutil.copytree(DATA / "limburg-2020", good)
    out = tmp_path / "out"
    code = main(["batch", str(good), str(broken), "--out", str(out), "--jobs", "2"])
    assert code == 1
    captured = capsys.readouterr()
    assert "FAILED" in captured.err and "people.csv" in captured.err
    assert (out / "limburg-2020" / "report.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="limburg-2020/report.html"' in index
    assert "broken-2020" in index and "people.csv" in index


def test_a_failing_notebook_is_named_with_its_cell_and_left_to_read(tmp_path):
    import nbformat

    from wwlib.app.runner import run_cohort
    from wwlib.core.errors import RunError

    source = short_notebooks(tmp_path / "notebooks")  # the runner is under test, not the cells
    broken = nbformat.read(source / NOTEBOOKS[1], as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(broken, source / NOTEBOOKS[1])
    out = tmp_path / "out"
    with pytest.raises(RunError) as caught:
        run_cohort(DATA / "limburg-2020", out, notebooks=source, report=False)
    assert caught.value.notebook == NOTEBOOKS[1]
    assert caught.value.cell_index == len(broken.cells)  # papermill's injected cell counts too
    assert "ZeroDivisionError" in str(caught.value)
    executed = json.loads((out / NOTEBOOKS[1]).read_text(encoding="utf-8"))
    assert any(
        o.get("ename") == "ZeroDivisionError"
        for c in executed["cells"]
        for o in c.get("outputs", [])
    )
    assert not (out / NOTEBOOKS[2]).exists()


def test_a_kernel_that_died_before_replying_is_started_again():
    from wwlib.app.runner import KERNEL_STARTS, _with_kernel_retries

    calls = []

    def flaky(value):
        calls.append(value)
        if len(calls) < KERNEL_STARTS:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return value

    assert _with_kernel_retries(flaky, "nb") == "nb" and len(calls) == KERNEL_STARTS

    def broken(value):
        raise RuntimeError("something else")

    with pytest.raises(RuntimeError, match="something else"):
        _with_kernel_retries(broken, "nb")
