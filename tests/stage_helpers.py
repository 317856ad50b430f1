"""A new cohort built step by step, as its week fills it, with a store per stage.

`build_stages` starts from the folder `ww new` writes (`wwlib.folder.scaffold.new_cohort`: cohort,
programme, the kick-off, ideas and integration boards, people.csv without rows) and makes its
store (`ww init`), then fills it the way a week does: people on Monday and the interviews
planned with a codebook (folder edits brought in with `ww update`), transcripts imported with
`ww import transcripts`, codings, the shortlist with its theme boards, sticky notes, a voting
round, the prioritised themes with their plans, and tasks. Each stage's store is a copy of the
one before with that day's changes, made through the CLI and the Store API as the dashboards
make them.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from wwlib.app.cli import main
from wwlib.app.runner import notebooks_dir
from wwlib.cohorts.home import init_cohort
from wwlib.core.labels import Labels
from wwlib.folder.scaffold import new_cohort
from wwlib.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stages"
COHORT = "heidevaart-2027"
TITLE = "Wij-Werken Week Heidevaart"
FACILITATOR = "ellen-de-graaf"

# (stage id, what the cohort holds after it), in the order a week fills them
STAGES = (
    ("no_people", "the folder ww new wrote: programme and boards, people.csv without rows"),
    ("people", "people and programme, no codebook or interviews"),
    ("planned", "interviews planned and a codebook, no transcript"),
    ("transcripts", "four imported transcripts, no codings"),
    ("coded", "codings, no shortlist"),
    ("boards", "shortlist and theme boards, no notes"),
    ("notes", "notes on the boards, no votes"),
    ("votes", "a closed voting round, no plans"),
    ("plans", "prioritised themes with their plans, one step, no tasks or dates"),
    ("tasks", "tasks, one with a date and one without"),
)
STAGE_IDS = tuple(s for s, _ in STAGES)

# rows added under the headers (and comments) ww new wrote
CONSENT = ",ja,ja,2027-03-01,interview en eindrapportage"  # recording, quotes, date, covers
PEOPLE = "".join(
    f"{row}{CONSENT}\n"
    for row in (
        "lotte-verbeek,Lotte Verbeek,participant,Gemeente Heidevaart,Heidevaart,teamleider,P01,ja",
        "sander-mol,Sander Mol,participant,Gemeente Heidevaart,Heidevaart,beleidsadviseur,P02,ja",
        "yara-el-idrissi,Yara el Idrissi,participant,Welzijn Heidevaart,Heidevaart,"
        "opbouwwerker,P03,nee",
        "wim-oosterhuis,Wim Oosterhuis,participant,Welzijn Heidevaart,Heidevaart,"
        "coördinator,P04,ja",
        "ellen-de-graaf,Ellen de Graaf,facilitator,Bureau Kompas,,onderzoeker,F01,ja",
    )
)
PARTICIPANTS = ("lotte-verbeek", "sander-mol", "yara-el-idrissi", "wim-oosterhuis")
INTERVIEWS = "".join(f"{p},{FACILITATOR},2027-03-09,planned,\n" for p in PARTICIPANTS)
CODEBOOK = """\
samen-werken,theme,Samen werken,,,Gemeente en welzijn als één team.
werkdruk,theme,Werkdruk,,,Te veel werk voor te weinig mensen.
korte-lijnen,success_factor,Korte lijnen,,samen-werken,Even bellen en het is geregeld.
een-loket,idea_or_need,Eén loket,,,
oude-regels,obstacle,Oude regels,,,Formulieren en regels die in de weg zitten.
kleine-stappen,way_to_deal,Kleine stappen,,,
"""
# (interview, quote, codes): the coder is the facilitator
CODINGS = (
    ("lotte-verbeek", "De korte lijnen met het welzijnswerk", ("korte-lijnen", "samen-werken")),
    ("lotte-verbeek", "De oude regels", ("oude-regels",)),
    ("lotte-verbeek", "Eén loket voor de wijk", ("een-loket",)),
    ("sander-mol", "Dat we samen werken over de afdelingen heen", ("samen-werken",)),
    ("sander-mol", "De werkdruk blijft hoog", ("werkdruk",)),
    ("sander-mol", "In kleine stappen", ("kleine-stappen",)),
    ("yara-el-idrissi", "De korte lijnen met de gemeente", ("korte-lijnen",)),
    ("yara-el-idrissi", "De oude regels van de subsidie", ("oude-regels",)),
    ("yara-el-idrissi", "te veel werk in de zomer", ("werkdruk",)),
    ("wim-oosterhuis", "Dat we samen werken, gemeente en welzijn", ("samen-werken",)),
    ("wim-oosterhuis", "De werkdruk", ("werkdruk", "oude-regels")),
    ("wim-oosterhuis", "Kleine stappen: eerst één wijk", ("kleine-stappen",)),
)
SHORTLIST = ("samen-werken", "werkdruk")
# (board, text, category, author): notes as participants put them on Thursday
NOTES = (
    ("kickoff", "Elkaar weten te vinden", "success_factor", "lotte-verbeek"),
    ("ideas", "Eén loket voor bewoners", "idea_or_need", "yara-el-idrissi"),
    ("ideas", "Wekelijks wijkoverleg", "idea_or_need", ""),
    ("thema-samen-werken", "Vaste contactpersoon per wijk", "idea_or_need", "wim-oosterhuis"),
    ("thema-werkdruk", "Minder formulieren", "obstacle", "sander-mol"),
    ("integration", "Terugkoppeling in het MT", "other", ""),
)
# (voter, note number in NOTES, dots)
VOTES = (("lotte-verbeek", 1, 3), ("sander-mol", 3, 2), ("wim-oosterhuis", 4, 1))
PLAN_STEP = "Contactpersonen aanwijzen"
TASKS = (
    ("Lijst met contactpersonen maken", ("lotte-verbeek",), "2027-04-01"),
    ("Wijkoverleg inplannen", ("wim-oosterhuis",), ""),
)


# What each stage has filled: from then on no notebook and no report may say it is missing.
FILLED = {
    "no_people": ("programme", "kickoff_board", "ideas_board", "boards"),
    "people": ("people", "participants"),
    "planned": ("interviews", "codebook", "themes"),
    "transcripts": ("transcripts",),
    "coded": ("codings", "obstacles", "pairs"),
    "boards": ("shortlist", "theme_boards"),
    "notes": ("notes", "board_notes"),
    "votes": ("votes",),
    "plans": ("prioritised", "plans", "steps"),
    "tasks": ("tasks", "dated_tasks"),
}
# The sentence each notebook shows at each stage (checked statically here, interactively in
# test_stages_interactive.py).
NOTEBOOK_SAYS = {
    "no_people": {
        "01_kickoff.ipynb": ("people", "board_notes"),
        "02_interviews.ipynb": ("participants", "guide", "codebook"),
        "03_analysis.ipynb": ("participants", "themes"),
        "04_road_to_progress.ipynb": ("themes", "board_notes", "notes"),
        "05_integration.ipynb": ("integration_plan", "plans"),
    },
    "people": {
        "01_kickoff.ipynb": ("board_notes",),
        "02_interviews.ipynb": ("interviews", "guide", "codebook"),
        "03_analysis.ipynb": ("interviews", "themes"),
        "04_road_to_progress.ipynb": ("themes", "board_notes", "notes"),
        "05_integration.ipynb": ("integration_plan", "plans"),
    },
    "planned": {
        "01_kickoff.ipynb": ("board_notes",),
        "02_interviews.ipynb": ("transcripts",),
        "03_analysis.ipynb": ("transcripts", "shortlist"),
        "04_road_to_progress.ipynb": ("shortlist", "board_notes", "notes"),
        "05_integration.ipynb": ("integration_plan", "plans"),
    },
    "transcripts": {
        "03_analysis.ipynb": ("codings", "shortlist"),
        "04_road_to_progress.ipynb": ("shortlist", "notes"),
    },
    "coded": {"03_analysis.ipynb": ("two_coders", "shortlist")},
    "boards": {"04_road_to_progress.ipynb": ("board_notes", "notes", "prioritised")},
    "notes": {"04_road_to_progress.ipynb": ("votes", "prioritised")},
    "votes": {"04_road_to_progress.ipynb": ("prioritised",)},
    "plans": {
        "04_road_to_progress.ipynb": ("tasks",),
        "05_integration.ipynb": ("integration_plan", "tasks"),
    },
    "tasks": {"05_integration.ipynb": ("integration_plan",)},
}
# What each notebook shows of what is there, from the stage on that fills it.
NOTEBOOK_SHOWS = {
    "people": {"01_kickoff.ipynb": ("Sander Mol", "teamleider")},
    "transcripts": {"02_interviews.ipynb": ("Even bellen en het was geregeld.",)},
    "coded": {"03_analysis.ipynb": ("Korte lijnen", "Welzijn Heidevaart (n=2)")},
    "notes": {"04_road_to_progress.ipynb": ("Vaste contactpersoon per wijk",)},
    "votes": {"04_road_to_progress.ipynb": ("Eén loket voor bewoners",)},
    "tasks": {"05_integration.ipynb": ("Lijst met contactpersonen maken",)},
}
SOURCE_WORDS = ("niet in de bron", "in de bron", "not in the source", "in the source")


def filled_by(stage: str) -> set[str]:
    """Every need the week has filled up to and including `stage`."""
    return {n for s in STAGE_IDS[: STAGE_IDS.index(stage) + 1] for n in FILLED[s]}


@dataclass(frozen=True)
class Stage:
    """One day of the week: the cohort folder as it stands and its store."""

    id: str
    folder: Path
    store: Path


def build_stages(root: Path) -> dict[str, Stage]:
    """Every stage of STAGES under `root`: {stage id: Stage}, each with its own store."""
    folder = new_cohort(root / "folder" / COHORT, TITLE, ["Heidevaart"], "2027-03-08")
    stages = {
        "no_people": Stage("no_people", folder, init_cohort(folder, _store(root, "no_people")))
    }
    steps = (
        ("people", _add_people),
        ("planned", _plan_interviews),
        ("transcripts", _import_transcripts),
        ("coded", _code),
        ("boards", _make_theme_boards),
        ("notes", _put_notes),
        ("votes", _vote),
        ("plans", _prioritise),
        ("tasks", _add_tasks),
    )
    previous = stages["no_people"]
    for stage_id, step in steps:
        store = copy_store(previous, _store(root, stage_id))
        step(folder, store)
        previous = stages[stage_id] = Stage(stage_id, folder, store)
    return stages


def copy_store(stage: Stage, target: Path) -> Path:
    """A copy of a stage's store, for the next stage or a test that changes it."""
    with Store(stage.store) as store:
        return store.backup(target)


def _store(root: Path, stage_id: str) -> Path:
    return root / "stores" / f"{stage_id}.sqlite"


def _append(path: Path, rows: str) -> None:
    """Rows typed under the header of a file ww new wrote."""
    with path.open("a", encoding="utf-8", newline="") as file:
        file.write(rows)


def _update(folder: Path, store: Path) -> None:
    assert main(["update", str(folder), "--store", str(store)]) == 0


def _add_people(folder: Path, store: Path) -> None:
    _append(folder / "people.csv", PEOPLE)
    _update(folder, store)


def _plan_interviews(folder: Path, store: Path) -> None:
    _append(folder / "interviews.csv", INTERVIEWS)
    _append(folder / "codebook.csv", CODEBOOK)
    _update(folder, store)


def _import_transcripts(folder: Path, store: Path) -> None:
    files = sorted(str(p) for p in FIXTURES.glob("p0*.md"))
    assert main(["import", "transcripts", str(folder), *files, "--store", str(store)]) == 0


def _code(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        for interview, quote, codes in CODINGS:
            start = s.transcript(interview).index(quote)
            for code in codes:
                s.add_coding(interview, start, start + len(quote), code, FACILITATOR)


def _make_theme_boards(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        s.set_shortlist(list(SHORTLIST))
        s.ensure_theme_boards()


def _put_notes(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        for board, text, category, author in NOTES:
            s.add_note(board, text, category=category, author=author)


def _vote(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        notes = list(s.notes()["id"])
        number = s.open_round(None, budget=3)
        for voter, note, dots in VOTES:
            s.add_vote(number, voter, notes[note], dots)
        s.close_round(number)


def _prioritise(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        s.set_prioritised_themes(list(SHORTLIST))
        s.ensure_theme_plans(list(SHORTLIST))
        s.add_step(s.plans()["id"].iloc[0], PLAN_STEP)


def _add_tasks(folder: Path, store: Path) -> None:
    with Store(store, actor=FACILITATOR) as s:
        plan = s.plans()["id"].iloc[0]
        for title, owners, due in TASKS:
            s.add_task(plan, 1, title, owners=owners, due=due)


# -- what a stage shows -------------------------------------------------------------------------


def said(key: str, lang: str = "nl") -> str:
    """A sentence of the catalogue as a page shows it (`commands` are code there)."""
    return Labels(lang)(key).replace("`", "")


def missing_said(need: str, lang: str = "nl") -> str:
    """The sentence that says `need` is still missing, as a page shows it."""
    return said(f"missing.{need}", lang)


def page_text(markup: str) -> str:
    """What a reader sees of some HTML: tags and styles gone, entities read, spaces folded."""
    markup = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return " ".join(text.split())


def notebook_text(nb) -> str:
    """Everything an executed notebook shows: HTML, Markdown and text outputs, and the HTML
    inside its widgets (the interactive path keeps it in the widget state)."""
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in ("text/html", "text/markdown"):
                if kind in data:
                    value = data[kind]
                    parts.append("".join(value) if isinstance(value, list) else value)
    widgets = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    for model in (widgets or {}).get("state", {}).values():
        state = model.get("state", {})
        if isinstance(state.get("value"), str):
            parts.append(state["value"])
        parts.extend(texts_in(state.get("view", {})))  # the board's cards (ui/board.py)
    return page_text(" ".join(parts))


def texts_in(data) -> list[str]:
    """Every text in a widget's data (the cards' view: texts of notes, clusters, notices)."""
    if isinstance(data, str):
        return [html.escape(data)]  # shown as text, as the browser's textContent does
    if isinstance(data, dict):
        data = list(data.values())
    return [t for item in data for t in texts_in(item)] if isinstance(data, list) else []


def errors(nb) -> list[str]:
    """Every error output of an executed notebook, as "ename: evalue" (a traceback shown)."""
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


def empty_figures(nb) -> list[str]:
    """The titles of plotly figures without data an executed notebook shows (empty frames),
    in its cells and in its widgets' output areas (the road of a plan)."""
    outputs = [o for cell in nb["cells"] for o in cell.get("outputs", [])]
    widgets = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    for model in (widgets or {}).get("state", {}).values():
        outputs += model.get("state", {}).get("outputs", [])
    shown = []
    for output in outputs:
        figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
        if figure and (not figure.get("data") or "empty" in (figure["layout"].get("meta") or {})):
            shown.append(json.dumps(figure["layout"].get("title", {}).get("text", "")))
    return shown


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- running the notebooks interactively -------------------------------------------------------


class WarmKernel:
    """One kernel that executes phase notebook after phase notebook, as JupyterLab and Voila
    do with `interactive` true (the widget-building path), `%reset -f` before each.

    A kernel start and the imports cost about a second per notebook; a warm kernel pays
    them once, so every stage's five notebooks can run in a test that stays quick.
    """

    def __init__(self):
        self.client = NotebookClient(
            nbformat.v4.new_notebook(),
            kernel_name="python3",
            timeout=300,
            allow_errors=True,
            resources={"metadata": {"path": str(notebooks_dir())}},
        )
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel()
        self.client.start_new_kernel_client()

    def execute(self, name: str, **parameters: object):
        """Notebook `name` executed with `parameters` (interactive unless told otherwise)."""
        source = load_notebook_node(str(notebooks_dir() / name))
        nb = parameterize_notebook(source, {"interactive": True, **parameters})
        nb.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
        client = self.client
        client.nb = nb
        client.reset_execution_trackers()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        client.set_widgets_metadata()
        return nb

    def close(self) -> None:
        self.client._cleanup_kernel()


def check_notebook(stage: str, name: str, nb) -> None:
    """An executed notebook at a stage: no error, no empty chart frame, the right sentences."""
    assert errors(nb) == [], f"{stage}: {name}"
    assert empty_figures(nb) == [], f"{stage}: {name} shows an empty chart frame"
    text = notebook_text(nb)
    for need in NOTEBOOK_SAYS.get(stage, {}).get(name, ()):
        assert missing_said(need) in text, f"{stage}: {name} does not say {need} is missing"
    for piece in NOTEBOOK_SHOWS.get(stage, {}).get(name, ()):
        assert piece in text, f"{stage}: {name} does not show {piece!r}"
    for need in filled_by(stage):
        assert missing_said(need) not in text, f"{stage}: {name} says {need} is missing"
    assert not [w for w in SOURCE_WORDS if w in text], f"{stage}: {name} speaks of a source"
