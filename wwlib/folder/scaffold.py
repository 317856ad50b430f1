"""A new cohort folder (`ww new`): the files of a week's first day, each saying what comes next.

The folder checks at once (`ww check`): cohort.yaml with the week's dates, the standard
programme dated from the start, the kick-off, ideas and integration boards; people.csv,
codebook.csv and interviews.csv with their header and commented examples; a README.md with the
week's checklist and transcripts/README.md. Every text comes from the label catalogue
(wwlib/labels/scaffold.yaml) in the cohort's language. The files are UTF-8 with "\\n" line
ends, byte for byte the same for the same arguments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import yaml

from wwlib.core.errors import ScaffoldError, ValidationError
from wwlib.core.labels import Labels, check_lang
from wwlib.core.model import BoardKind, Category, Cohort, Phase, slugify
from wwlib.folder.dataset import COLUMNS, load_dataset
from wwlib.folder.files import as_date

WEEK_LENGTH = dt.timedelta(days=4)  # Monday to Friday
# The standard programme: (day of the week from 0, session id, start, end, phase); the
# activity is the label scaffold.session.<id>
PROGRAMME = (
    (0, "day1-kickoff", "09:00", "10:30", Phase.LOOK),
    (0, "day1-orientation", "10:45", "12:00", Phase.LOOK),
    (1, "day2-interviews-morning", "09:00", "12:00", Phase.LOOK),
    (1, "day2-interviews-afternoon", "13:00", "17:00", Phase.LOOK),
    (2, "day3-analysis", "09:00", "12:00", Phase.LOOK),
    (2, "day3-visualisation", "13:00", "16:00", Phase.LOOK),
    (3, "day4-solutions", "09:00", "12:00", Phase.THINK),
    (3, "day4-road-to-progress", "13:00", "16:00", Phase.ACT),
    (4, "day5-integration", "09:00", "12:00", Phase.ACT),
    (4, "day5-closing", "13:00", "14:00", Phase.ACT),
)
# The boards of the first day, each with its kind as id; theme boards come on Thursday
BOARDS = (BoardKind.KICKOFF, BoardKind.IDEAS, BoardKind.INTEGRATION)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScaffoldWarning(UserWarning):
    """Something about a new cohort that is allowed but probably not meant (a start on a Sunday)."""


def new_cohort(
    folder: str | Path,
    title: str,
    municipalities: list[str] | tuple[str, ...] | str,
    start: str | dt.date,
    lang: str = "nl",
    cohort_id: str | None = None,
) -> Path:
    """Write a new cohort folder that `ww check` accepts at once; returns the folder.

    `folder` must not exist yet or be empty. The id is `cohort_id`, else the folder's name as
    a slug; the week ends four days after `start`, which should be a Monday (else a
    `ScaffoldWarning`). A wrong value raises `ValidationError` naming the field, a folder that
    cannot be made `ScaffoldError`; either way nothing is written.
    """
    folder = Path(folder)
    cohort = new_cohort_record(folder, title, municipalities, start, lang, cohort_id)
    _check_free(folder)
    _write(folder, cohort_texts(cohort, shown_path(folder)))
    if cohort.start.weekday() != 0:
        warnings.warn(
            f"start {cohort.start} is a {WEEKDAYS[cohort.start.weekday()]}, not a Monday: the "
            f"programme runs {cohort.start} to {cohort.end}; change programme.csv and end in "
            "cohort.yaml if the week runs otherwise",
            ScaffoldWarning,
            stacklevel=2,
        )
    return folder


def open_items(folder: str | Path) -> list[str]:
    """What a cohort folder that checks still lacks for the days ahead, one line each.

    A new folder has no people yet and no research question: both are normal on the first
    morning, so `ww check` accepts them and says what to fill in. Raises `DatasetError` for a
    folder with problems.
    """
    dataset = load_dataset(folder)
    items = []
    if not dataset.people:
        items.append(
            "people.csv has no people yet: add the participants and facilitators, one line "
            "each (its comment lines show how); a store made before that gets them with ww update"
        )
    if not dataset.cohort.research_question:
        items.append("cohort.yaml has no research_question yet: write the week's question")
    return items


def new_cohort_record(
    folder: Path,
    title: str,
    municipalities: list[str] | tuple[str, ...] | str,
    start: str | dt.date,
    lang: str = "nl",
    cohort_id: str | None = None,
) -> Cohort:
    """The validated cohort `new_cohort` writes (raises `ValidationError` naming the field)."""
    lang = check_lang(lang)
    day = as_date(start, "start")
    names = [municipalities] if isinstance(municipalities, str) else list(municipalities)
    if not names or not all(str(m).strip() for m in names):
        raise ValidationError(
            "municipality", "one or more names", names, "give --municipality NAME for each"
        )
    if cohort_id is None:
        cohort_id = slugify(folder.name)
        if not cohort_id:
            raise ScaffoldError(
                f"cannot make a cohort id of the folder name '{folder.name}'; "
                "give one with --id, e.g. --id heideveld-2027"
            )
    return Cohort(
        id=cohort_id,
        title=str(title or "").strip(),
        municipalities=tuple(str(m).strip() for m in names),
        start=day,
        end=day + WEEK_LENGTH,
        language=lang,
    )


def shown_path(folder: Path) -> str:
    """How the folder's README names the folder in commands: data/<name> under data/."""
    return f"data/{folder.name}" if folder.parent.name == "data" else folder.name


def cohort_texts(cohort: Cohort, shown: str) -> dict[str, str]:
    """Every file of a new cohort folder: {path relative to the folder: text}."""
    labels = Labels(cohort.language)
    return {
        "README.md": _readme(cohort, labels, shown),
        "cohort.yaml": _cohort_yaml(cohort, labels),
        "people.csv": _people_csv(cohort, labels),
        "programme.csv": _programme_csv(cohort, labels),
        "codebook.csv": _codebook_csv(labels),
        "interviews.csv": _interviews_csv(cohort, labels),
        "boards.csv": _boards_csv(labels),
        "transcripts/README.md": labels("scaffold.transcripts.readme", folder=shown) + "\n",
    }


# -- the files ----------------------------------------------------------------------------


def _comment(text: str) -> str:
    """Every line of `text` as a comment line."""
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines())


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _csv_file(name: str, help_text: str, examples=(), rows=()) -> str:
    """The header, the help and the example rows as comments, then the rows."""
    return _csv([COLUMNS[name]]) + _comment(help_text) + _comment(_csv(examples)) + _csv(rows)


def _yaml(data: dict) -> str:
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )


def _cohort_yaml(cohort: Cohort, labels: Labels) -> str:
    fields = {
        "id": cohort.id,
        "title": cohort.title,
        "municipalities": list(cohort.municipalities),
        "start": cohort.start,
        "end": cohort.end,
        "language": cohort.language,
    }
    questions = yaml.safe_dump(
        labels("scaffold.cohort.guide").splitlines(), allow_unicode=True, width=1000
    )
    guide = "interview_guide:\n" + "".join(f"  {line}\n" for line in questions.splitlines())
    return (
        _comment(labels("scaffold.cohort.head"))
        + _yaml(fields)
        + "\n"
        + _comment(labels("scaffold.cohort.research_question"))
        + 'research_question: ""\n\n'
        + _comment(labels("scaffold.cohort.optional"))
        + _comment(guide)
        + "#\n"
        + _comment(labels("scaffold.cohort.later"))
        + "#\n"
        + _comment(labels("scaffold.cohort.later_example"))
    )


def _people_csv(cohort: Cohort, labels: Labels) -> str:
    place, yes = cohort.municipalities[0], labels("scaffold.people.yes")
    organisation = labels("scaffold.people.organisation", municipality=place)
    function = labels("scaffold.people.function")
    agency = labels("scaffold.people.facilitator_organisation")
    facilitating = labels("scaffold.people.facilitator_function")
    no, asked = labels("scaffold.people.no"), cohort.start - dt.timedelta(days=7)
    covers = labels("scaffold.people.covers")
    own = labels("scaffold.people.facilitator_covers")
    examples = [
        ["anna-jansen", "Anna Jansen", "participant", organisation, place, function, "P01", yes]
        + [yes, yes, asked.isoformat(), covers],
        ["femke-bos", "Femke Bos", "facilitator", agency, "", facilitating, "F01", yes]
        + [no, no, asked.isoformat(), own],
    ]
    return _csv_file("people.csv", labels("scaffold.people.help"), examples)


def _programme_csv(cohort: Cohort, labels: Labels) -> str:
    rows = [
        [
            session,
            (cohort.start + dt.timedelta(days=day)).isoformat(),
            start,
            end,
            phase.value,
            labels(f"scaffold.session.{session}"),
        ]
        for day, session, start, end, phase in PROGRAMME
    ]
    return _csv_file("programme.csv", labels("scaffold.programme.help"), rows=rows)


def _codebook_csv(labels: Labels) -> str:
    categories = "".join(
        _comment(labels(f"scaffold.codebook.{c.value}"))
        + _comment(labels(f"scaffold.codebook.example.{c.value}"))
        for c in Category
    )
    return _csv([COLUMNS["codebook.csv"]]) + _comment(labels("scaffold.codebook.help")) + categories


def _interviews_csv(cohort: Cohort, labels: Labels) -> str:
    tuesday = (cohort.start + dt.timedelta(days=1)).isoformat()
    example = ["anna-jansen", "femke-bos", tuesday, "planned", ""]
    return _csv_file("interviews.csv", labels("scaffold.interviews.help"), [example])


def _boards_csv(labels: Labels) -> str:
    rows = [[k.value, labels(f"scaffold.board.{k.value}"), k.value, ""] for k in BOARDS]
    help_text = labels("scaffold.boards.help") + "\n" + labels("scaffold.boards.theme_example")
    return _csv_file("boards.csv", help_text, rows=rows)


def _readme(cohort: Cohort, labels: Labels, shown: str) -> str:
    names = list(cohort.municipalities)
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1])
    if len(names) > 1:
        joined += f" {labels('scaffold.readme.and')} {names[-1]}"
    text = labels(
        "scaffold.readme",
        title=cohort.title,
        municipalities=joined,
        start=cohort.start.isoformat(),
        end=cohort.end.isoformat(),
        folder=shown,
    )
    return text + "\n"


# -- writing ------------------------------------------------------------------------------


def _check_free(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file; give the path of a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldError(
            f"folder {folder} exists and is not empty; give a new or empty folder "
            "(ww new never writes over files)"
        )


def _write(folder: Path, texts: dict[str, str]) -> None:
    """All files at once: written beside the folder, then moved into place."""
    existed = folder.is_dir()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise ScaffoldError(f"cannot make folder {folder}: {exc}") from None
    try:
        made = staging / "cohort"  # made by mkdir, so with the usual permissions
        for relative, text in texts.items():
            (made / relative).parent.mkdir(parents=True, exist_ok=True)
            (made / relative).write_bytes(text.encode("utf-8"))
        if existed:
            folder.rmdir()
        os.rename(made, folder)
    except OSError as exc:
        if existed:
            folder.mkdir(exist_ok=True)
        raise ScaffoldError(f"cannot write folder {folder}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
