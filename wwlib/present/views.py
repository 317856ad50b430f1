"""Display-ready tables for the notebooks and the report, from a `Workbook`.

Every `*_table` function returns a DataFrame with labelled column headers in `wb.lang` and
every personal name shown as the pseudonymiser decides, in names and in free text alike.
The `*_frame` functions return the same content with English column names, ready for
`wwlib.figures`.
"""

from __future__ import annotations

import re

import pandas as pd

from wwlib import analysis
from wwlib.core.dates import as_date, due_words, long_date  # noqa: F401 (ww.views.as_date in notebooks)
from wwlib.core.model import ALL_PARTICIPANTS
from wwlib.present.tables import labelled, labels_of
from wwlib.present.workbook import Workbook

# One paragraph: consecutive lines that are not blank.
_PARAGRAPH = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")
# "Name: text", tolerating Markdown bold around the name.
_SPEAKER = re.compile(r"^\**([^:*\n]{1,60}?)\**:\**\s+")


# -- people and programme -----------------------------------------------------------------


def people_table(wb: Workbook) -> pd.DataFrame:
    """Everyone in the cohort: name, role, organisation, municipality, function.

    Pseudonymised, the function is left out: with the organisation it names one person. For
    the same reason a person whose name is hidden (no consent) shows no function either, and
    next to a pseudonym an organisation or municipality that fewer than the cohort's
    `min_group` people share is left out (`people_note` says so).
    """
    people = wb.store.people()
    functions = [
        "" if wb.pseudonyms.hides(p) else f
        for p, f in zip(people["id"], people["function"], strict=True)
    ]
    columns = {
        "name": wb.pseudonyms.names(people["id"]),
        "role": labels_of(wb, "role", people["role"]),
        "organisation": _texts(wb, shown_attribute(wb, people, "organisation")),
        "municipality": _texts(wb, shown_attribute(wb, people, "municipality")),
        "function": _texts(wb, functions),
    }
    if wb.pseudonymise:
        del columns["function"]
    return labelled(wb, columns)


def shown_attribute(wb: Workbook, people: pd.DataFrame, column: str) -> list[str]:
    """Each person's `column` (organisation, municipality) as it may stand next to their name:
    '' next to a pseudonym when fewer than the cohort's `min_group` people share the value,
    since it would point to them ("P01 (Gemeente Echt-Susteren)" names its one participant)."""
    values = people[column].fillna("").astype(str)
    sharing = values.map(values.value_counts())
    least = wb.cohort.min_group
    return [
        "" if value and n < least and wb.pseudonyms.hides(person) else value
        for person, value, n in zip(people["id"], values, sharing, strict=True)
    ]


def people_note(wb: Workbook) -> str:
    """The sentence that says an organisation or municipality was left out ('' if none)."""
    people = wb.store.people()
    for column in ("organisation", "municipality"):
        if shown_attribute(wb, people, column) != people[column].fillna("").astype(str).tolist():
            return wb.labels("privacy.rare_attribute", min_group=wb.cohort.min_group)
    return ""


def session_frame(wb: Workbook) -> pd.DataFrame:
    """The programme as `store.sessions()` gives it, with activities pseudonymised."""
    sessions = wb.store.sessions()
    return sessions.assign(activity=_texts(wb, sessions["activity"]))


def programme_table(wb: Workbook) -> pd.DataFrame:
    """The week's sessions: day, time, phase, activity."""
    sessions = session_frame(wb)
    times = [
        f"{s}–{e}" if s else "" for s, e in zip(sessions["start"], sessions["end"], strict=True)
    ]
    return labelled(
        wb,
        {
            "day": [long_date(d, wb.labels, year=False) for d in sessions["date"]],
            "time": times,
            "phase": labels_of(wb, "phase", sessions["phase"]),
            "activity": sessions["activity"],
        },
    )


# -- interviews -------------------------------------------------------------------------


def interview_status(wb: Workbook) -> pd.DataFrame:
    """Every participant with the status of their interview ("geen interview" when none)."""
    status = analysis.interview_statuses(wb.store.interviews(), wb.store.people())
    return labelled(
        wb,
        {
            "participant": wb.pseudonyms.names(status["participant"]),
            "interviewer": wb.pseudonyms.names(status["interviewer"]),
            "date": [long_date(d, wb.labels, weekday=False) for d in status["date"]],
            "status": labels_of(wb, "interview", status["status"]),
            "transcript": [wb.labels("view.yes" if t else "view.no") for t in status["transcript"]],
            "codings": status["codings"],
        },
    )


def transcript_with_codings(wb: Workbook, interview: str) -> pd.DataFrame:
    """An interview's transcript turn by turn (paragraphs), each with the codes given to it.

    Columns: turn number, speaker, text, codes ("name (category)", joined by "; ").
    A speaker mapped to a person is shown as the page shows people, not by the file's label.
    A participant without a transcript gives an empty table with the same columns.
    """
    has_text = wb.store.interviews().query("participant == @interview")["transcript"].notna()
    text = wb.store.transcript(interview) if has_text.any() else ""
    turns = wb.store.turns(interview) if text else None
    codings = wb.store.codings().query("interview == @interview")
    names = wb.store.codes().set_index("id")["name"]
    rows = []
    for number, match in enumerate(_PARAGRAPH.finditer(text), start=1):
        start, end = match.start(), match.start() + len(match.group().rstrip())
        overlapping = codings[(codings["start"] < end) & (codings["end"] > start)]
        label, said = _split_speaker(match.group().strip())
        speaker = wb.pseudonyms.speaker(label, _turn_person(turns, start, end)) if label else ""
        said = wb.pseudonyms.text(said)
        codes = dict.fromkeys(
            f"{names[c]} ({wb.labels(f'category.{k}')})"
            for c, k in zip(overlapping["code"], overlapping["category"], strict=True)
        )
        rows.append((number, speaker, said, "; ".join(codes)))
    return labelled(wb, _columns(["turn", "speaker", "text", "codes"], rows))


def codebook_table(wb: Workbook) -> pd.DataFrame:
    """The codebook by category (in the week's order): category, code, description."""
    codes = wb.store.codes().sort_values("category", key=analysis.category_rank, kind="stable")
    return labelled(
        wb,
        {
            "category": labels_of(wb, "category", codes["category"]),
            "code": _texts(wb, codes["name"]),
            "description": _texts(wb, codes["description"]),
        },
    )


# -- analysis ---------------------------------------------------------------------------


def frequency_table(wb: Workbook) -> pd.DataFrame:
    """Per code: category, name, fragments, participants and rank within its category."""
    freq = analysis.code_frequencies(wb.store.codings(), wb.store.codes())
    return labelled(
        wb,
        {
            "category": labels_of(wb, "category", freq["category"]),
            "code": freq["name"],
            **{k: freq[k] for k in ("fragments", "participants", "rank")},
        },
    )


def who_said_what_matrix(wb: Workbook, clustered: bool = False) -> pd.DataFrame:
    """The who-said-what matrix with names to show: rows people, columns (category, code name).

    The category level keeps the category keys, for `figures.who_said_what_heatmap`. With
    `clustered`, alike participants and alike codes stand together (`analysis.cluster_order`).
    """
    matrix = analysis.who_said_what(wb.store.codings(), wb.store.people(), clustered)
    names = wb.store.codes().set_index("id")["name"]
    matrix.index = pd.Index(wb.pseudonyms.names(matrix.index), name="participant")
    matrix.columns = pd.MultiIndex.from_tuples(
        [(k, names[c]) for k, c in matrix.columns], names=["category", "code"]
    )
    return matrix


def who_said_what_table(wb: Workbook) -> pd.DataFrame:
    """The who-said-what matrix with labelled headers: rows people, columns (category, code)."""
    matrix = who_said_what_matrix(wb)
    matrix.columns = pd.MultiIndex.from_tuples(
        [(wb.labels(f"category.{k}"), c) for k, c in matrix.columns],
        names=[wb.labels("view.col.category"), wb.labels("view.col.code")],
    )
    matrix.index.name = wb.labels("view.col.participant")
    matrix.attrs["lang"] = wb.lang
    return matrix


# -- boards and votes -------------------------------------------------------------------


def note_frame(wb: Workbook, board: str | None = None) -> pd.DataFrame:
    """Notes as `store.notes()` gives them, with text, cluster and author made safe to show."""
    notes = wb.store.notes(board)
    authors = [
        wb.pseudonyms.name(a) if isinstance(a, str) and a else wb.labels("anonymous")
        for a in notes["author"]
    ]
    return notes.assign(
        text=_texts(wb, notes["text"]), cluster=_texts(wb, notes["cluster"]), author=authors
    )


def note_dots(votes: pd.DataFrame) -> dict[str, int]:
    """The dots each note received in `votes` (every vote of the store, or one round's): the
    one count the boards, their tables, the report and the vote panel show."""
    return {str(n): int(d) for n, d in votes.groupby("note")["dots"].sum().items()}


def board_notes(wb: Workbook, board_id: str) -> pd.DataFrame:
    """A board's notes: text, category, cluster, author and dots received."""
    notes = note_frame(wb, board_id)
    dots = note_dots(wb.store.votes())
    return labelled(
        wb,
        {
            "text": notes["text"],
            "category": labels_of(wb, "category", notes["category"]),
            "cluster": notes["cluster"],
            "author": notes["author"],
            "dots": [dots.get(n, 0) for n in notes["id"]],
        },
    )


def vote_totals_frame(wb: Workbook, round: int | None = None) -> pd.DataFrame:
    """`analysis.vote_totals` with note texts made safe to show, for `figures.vote_chart`."""
    return analysis.vote_totals(wb.store.votes(), note_frame(wb), round=round)


def vote_table(wb: Workbook, round: int | None = None) -> pd.DataFrame:
    """Dot-vote totals per note: board, rank, note, category, dots, voters."""
    totals = vote_totals_frame(wb, round)
    titles = wb.store.boards().set_index("id")["title"]
    return labelled(
        wb,
        {
            "board": [wb.pseudonyms.text(titles[b]) for b in totals["board"]],
            "rank": totals["rank"],
            "note": totals["text"],
            "category": labels_of(wb, "category", totals["category"]),
            "dots": totals["dots"],
            "voters": totals["voters"],
        },
    )


def vote_rounds(wb: Workbook) -> list[tuple[int, str, str, pd.DataFrame]]:
    """Every voting round: (number, "Stemronde 1", what it was about, its totals per note).

    Only totals, never who voted for what: that keeps anonymous rounds anonymous, and the
    totals are what the group decided on. A round on one board names it once, in the text.
    """
    titles = wb.store.boards().set_index("id")["title"]
    rounds = []
    for r in wb.store.rounds().itertuples():
        board = wb.pseudonyms.text(titles[r.board]) if isinstance(r.board, str) else ""
        table = vote_table(wb, int(r.round))
        if board:
            table = table.drop(columns=wb.labels("view.col.board"))
        about = wb.labels.count(
            "report.think.round_about",
            int(r.voters),
            board=board or wb.labels("report.think.every_board"),
            budget=wb.labels.count("count.dot", int(r.budget)),
            dots=wb.labels.count("count.dot", int(r.dots)),
        )
        if r.anonymous:
            about += f" {wb.labels('report.think.anonymous')}"
        heading = wb.labels("report.think.round", round=r.round)
        rounds.append((int(r.round), heading, about, table))
    return rounds


def priorities_table(wb: Workbook) -> pd.DataFrame:
    """Per shortlisted theme: the dots and voters its ideas got (`analysis.theme_priorities`),
    and its place among the prioritised themes ('' when not prioritised)."""
    store = wb.store
    found = analysis.theme_priorities(store.votes(), store.notes(), store.theme_boards())
    chosen = list(wb.cohort.prioritised_themes)
    table = labelled(
        wb,
        {
            "theme": _texts(wb, found["name"]),
            "dots": found["dots"],
            "voters": found["voters"],
        },
    )
    table[wb.labels("ui.prio.place")] = [
        str(chosen.index(t) + 1) if t in chosen else "" for t in found["theme"]
    ]
    return table


# -- plans and tasks ----------------------------------------------------------------------


def task_frame(wb: Workbook) -> pd.DataFrame:
    """Every task of every plan, safe to show, for `figures.task_timeline`.

    Columns: id, plan, plan_title, step, number, title, owners (names as one text), due_text,
    due_kind, due_date, status, note.
    """
    tasks = wb.store.tasks()
    titles = wb.store.plans().set_index("id")["title"]
    return pd.DataFrame(
        {
            "id": tasks["id"],
            "plan": tasks["plan"],
            "plan_title": _texts(wb, [titles[p] for p in tasks["plan"]]),
            "step": tasks["step"],
            "number": tasks["number"],
            "title": _texts(wb, tasks["title"]),
            "owners": [
                _owners(wb, o, n) for o, n in zip(tasks["owners"], tasks["owner_note"], strict=True)
            ],
            "due_text": tasks["due_text"],
            "due_kind": tasks["due_kind"],
            "due_date": tasks["due_date"],
            "status": tasks["status"],
            "note": _texts(wb, tasks["note"]),
        }
    )


def plan_overview(wb: Workbook, plan_id: str) -> pd.DataFrame:
    """A plan's steps with their tasks: one row per task, one row for a step without tasks.

    Columns: step ("1. title"), step description, task, owners, due, status, remark.
    """
    steps = wb.store.steps().query("plan == @plan_id")
    tasks = task_frame(wb).query("plan == @plan_id")
    rows = []
    for step in steps.itertuples():
        label = f"{step.number}. {wb.pseudonyms.text(step.title)}"
        about = wb.pseudonyms.text(step.description)
        own = tasks[tasks["step"] == step.number]
        rows += (
            [(label, about, "", "", "", "", "")]
            if own.empty
            else [
                (
                    label,
                    about,
                    t.title,
                    t.owners,
                    t.due_text,
                    wb.labels(f"status.{t.status}"),
                    t.note,
                )
                for t in own.itertuples()
            ]
        )
    keys = ["step", "step_description", "task", "owners", "due", "status", "remark"]
    return labelled(wb, _columns(keys, rows))


def plans_overview(wb: Workbook, kind: str = "theme") -> pd.DataFrame:
    """Every plan of a kind (theme or integration) with its goal, steps and tasks, in order.

    A plan and its goal are written once, on its first row; a step and its description once,
    on the first row of its tasks.
    """
    plans = wb.store.plans().query("kind == @kind")
    frames = [
        _once(
            plan_overview(wb, plan.id)
            .pipe(lambda df: df.reindex(range(max(len(df), 1))).astype(object).fillna(""))
            .assign(
                **{
                    wb.labels("view.col.plan"): wb.pseudonyms.text(plan.title),
                    wb.labels("view.col.goal"): wb.pseudonyms.text(plan.goal),
                }
            ),
            [wb.labels(f"view.col.{k}") for k in ("plan", "goal", "step", "step_description")],
        )
        for plan in plans.itertuples()
    ]
    if not frames:
        return plan_overview(wb, "")
    combined = pd.concat(frames, ignore_index=True)
    front = [wb.labels("view.col.plan"), wb.labels("view.col.goal")]
    return combined[front + [c for c in combined.columns if c not in front]]


def due_texts(wb: Workbook, tasks: pd.DataFrame) -> list[str]:
    """When each task of `task_frame` is due, in words ("week 18 (vanaf maandag 27 april)"),
    else as it was written."""
    return [
        due_words(k, d, wb.labels) or t
        for k, d, t in zip(tasks["due_kind"], tasks["due_date"], tasks["due_text"], strict=True)
    ]


def tasks_table(wb: Workbook) -> pd.DataFrame:
    """All tasks of all plans: plan, step, task, owners, due (as written), from, status."""
    tasks = task_frame(wb)
    return labelled(
        wb,
        {
            "plan": tasks["plan_title"],
            "step": tasks["step"],
            "task": tasks["title"],
            "owners": tasks["owners"],
            "due": tasks["due_text"],
            "from": [
                due_words(k, d, wb.labels)
                for k, d in zip(tasks["due_kind"], tasks["due_date"], strict=True)
            ],
            "status": labels_of(wb, "status", tasks["status"]),
        },
    )


# -- helpers ------------------------------------------------------------------------------


def _once(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One plan's rows with its plan and goal (`columns[:2]`) on the first row only, and a
    step and its description (`columns[2:]`) on the first row of that step only."""
    plan, goal, step, about = columns
    shown = frame.copy()
    shown.loc[shown[step].eq(shown[step].shift()), [step, about]] = ""
    shown.loc[shown.index[1:], [plan, goal]] = ""
    shown.attrs = dict(frame.attrs)
    return shown


def _columns(keys: list[str], rows: list[tuple]) -> dict[str, list]:
    """{key: values} from rows of tuples (empty lists when there are no rows)."""
    return {k: [row[i] for row in rows] for i, k in enumerate(keys)}


def _texts(wb: Workbook, values) -> list[str]:
    """Free text with hidden names replaced ('' for missing values)."""
    return [wb.pseudonyms.text(v) if isinstance(v, str) else "" for v in values]


def _owners(wb: Workbook, owners: list[str], owner_note: str) -> str:
    """A task's owners as one text: names, "alle deelnemers", and the owner note."""
    names = [
        wb.labels("everyone") if o == ALL_PARTICIPANTS else wb.pseudonyms.name(o) for o in owners
    ]
    if owner_note:
        names.append(wb.pseudonyms.text(owner_note))
    return ", ".join(names)


def _turn_person(turns: pd.DataFrame | None, start: int, end: int) -> str | None:
    """The person the first turn within [start, end) of the transcript is mapped to, if any
    (the paragraph's own speaker: a paragraph may hold more turns, one a line)."""
    if turns is None:
        return None
    inside = turns[(turns["start"] >= start) & (turns["start"] < end)]["person"]
    first = inside.iloc[0] if len(inside) else None
    return first if isinstance(first, str) and first else None


def _split_speaker(paragraph: str) -> tuple[str, str]:
    """("Name", "text") for "Name: text"; ("", paragraph) when there is no speaker."""
    match = _SPEAKER.match(paragraph)
    if match is None:
        return "", paragraph
    return match.group(1).strip(), paragraph[match.end() :]
