"""The five phase notebooks: their shape, and that bad parameters fail before any data is read."""

import ast
import json
import os
import subprocess
import sys
import threading
from dataclasses import fields
from pathlib import Path

import nbformat
import papermill
import pytest

from wwlib.app.runner import NOTEBOOKS, notebooks_dir
from wwlib.present.parameters import NotebookParameters

NOTEBOOK_PATHS = [notebooks_dir() / name for name in NOTEBOOKS]
EXPECTED_PARAMETERS = {f.name: str(f.type) for f in fields(NotebookParameters)}


# a phase notebook's own parameters, after the shared ones
EXTRA_PARAMETERS = {
    "03_analysis": {"compare_by": "str", "xlsx": "str"},
    "05_integration": {"today": "str"},
}


def _code_cells(path: Path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_there_are_five_phase_notebooks():
    assert [p.name for p in NOTEBOOK_PATHS] == sorted(
        p.name for p in notebooks_dir().glob("0*.ipynb")
    )
    assert all(p.is_file() for p in NOTEBOOK_PATHS)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_defines_no_functions_or_classes(path):
    for cell in _code_cells(path):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{path.name}: logic belongs in wwlib, not in a notebook cell:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_parameters_cell_is_first_typed_and_commented(path):
    cells = _code_cells(path)
    assert "parameters" in cells[0].metadata.get("tags", []), (
        f"{path.name}: first code cell is not tagged"
    )
    assigned = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.AnnAssign), (
            f"{path.name}: untyped parameter {ast.unparse(node)}"
        )
        assigned[node.target.id] = ast.unparse(node.annotation)
    assert assigned == {**EXPECTED_PARAMETERS, **EXTRA_PARAMETERS.get(path.stem, {})}
    for line in cells[0].source.splitlines()[1:]:
        assert "  # " in line, f"{path.name}: parameter without a comment: {line}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    for cell in _code_cells(path):
        assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"cohort": "no-such-cohort"}, "unknown cohort 'no-such-cohort'"),
        ({"pseudonymise": "yes"}, "parameter 'pseudonymise' must be bool"),
        ({"lang": "de"}, "parameter 'lang' must be nl or en"),
        ({"cohort": "../../etc"}, "parameter 'cohort' must be a cohort id"),
    ],
)
def test_bad_parameters_fail_in_the_first_cell_after_them(tmp_path, parameters, message):
    store = tmp_path / "store.sqlite"
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(NOTEBOOK_PATHS[0]),
            str(tmp_path / "out.ipynb"),
            parameters={"store": str(store), **parameters},
            cwd=str(notebooks_dir()),
            progress_bar=False,
            kernel_name="python3",
        )
    assert caught.value.ename == "ParameterError"
    assert message in caught.value.evalue
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    failed = [
        c
        for c in executed["cells"]
        if c["cell_type"] == "code"
        and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert "open_workbook" in "".join(failed[0]["source"])
    assert not store.exists(), "no store may be made when the parameters are wrong"


def test_a_warm_kernel_loads_what_every_phase_notebook_uses():
    """`warm_up` runs in a fresh interpreter, as in a preheated Voila kernel: every module it
    names exists, and afterwards the widgets of every phase notebook need no import."""
    script = (
        "import sys\n"
        "from wwlib.ui.warm import warm_up\n"
        "warm_up()\n"
        "import wwlib.ui as ui\n"
        "missing = sorted({f'wwlib.ui.{m}' for m in ui.WIDGETS.values()} - set(sys.modules))\n"
        "print(' '.join(missing) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[0] == "none", done.stdout + done.stderr


def test_a_warm_up_gives_way_to_the_pages_being_served():
    """The warm-up's thread alone runs at a lower priority (Linux: per thread); the kernel's
    own thread keeps its priority for the page that takes it."""
    from wwlib.ui import warm

    own = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []

    def lowered():
        warm._lower_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=lowered)
    thread.start()
    thread.join()
    assert seen == [min(19, own + warm.WARM_NICENESS)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own
