"""`ww privacy` reads what an output could show: a comment line of a CSV or YAML file (the help
text `ww new` writes) is shown nowhere, so a name in it is not listed; the same name in a row is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from wwlib.cohorts.privacy import review

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def test_a_name_in_a_comment_line_is_not_listed_but_in_a_row_it_is(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    notes = folder / "notes.csv"
    header, *rows = notes.read_text(encoding="utf-8").splitlines(keepends=True)
    comment = "# voorbeeld: een geeltje van Anna Jansen\n"
    row = "n-nieuw,flap-samen-werken,Bellen met Anna Jansen,success_factor,,Contact,\n"
    notes.write_text(header + comment + "".join(rows) + row, encoding="utf-8")
    (folder / "cohort.yaml").write_text(
        (folder / "cohort.yaml").read_text(encoding="utf-8") + "# contact: Bram de Vries\n",
        encoding="utf-8",
    )
    found = {(f.file, f.line, f.text) for f in review(folder, deduce=False)}
    assert ("notes.csv", len(rows) + 3, "Anna Jansen") in found  # the row: listed
    assert not any(line == 2 for file, line, _ in found if file == "notes.csv")  # the comment
    assert not any("Bram" in text for file, _, text in found if file == "cohort.yaml")
