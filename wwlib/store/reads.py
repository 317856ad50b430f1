"""Reading the store as pandas DataFrames (one column per field, ids as plain strings)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from wwlib.core.errors import NotFound, StoreError
from wwlib.core.model import Cohort

COHORT_COLUMNS = (
    'id, title, municipalities, start, "end", language, research_question, '
    "prioritised_themes, source, mentioned_names, interview_guide, never_replace, min_group, "
    "retention"
)


def cohort_from_row(row: tuple) -> Cohort:
    """A `Cohort` from a row of `COHORT_COLUMNS` (the JSON lists decoded)."""
    return Cohort(
        id=row[0],
        title=row[1],
        municipalities=tuple(json.loads(row[2])),
        start=dt.date.fromisoformat(row[3]),
        end=dt.date.fromisoformat(row[4]),
        language=row[5],
        research_question=row[6],
        prioritised_themes=tuple(json.loads(row[7])),
        source=row[8],
        mentioned_names=tuple(json.loads(row[9])),
        interview_guide=tuple(json.loads(row[10])),
        never_replace=tuple(json.loads(row[11])),
        min_group=int(row[12]),
        retention=dt.date.fromisoformat(row[13]) if row[13] else None,
    )


class ReadMixin:
    def cohort(self) -> Cohort:
        """The cohort this store holds."""
        row = self._con.execute(f"SELECT {COHORT_COLUMNS} FROM cohort").fetchone()
        if row is None:
            raise StoreError(f"store {self.path} holds no cohort yet; load one with `ww init`")
        return cohort_from_row(row)

    def people(self) -> pd.DataFrame:
        """Everyone in the cohort, in dataset order; the consents (`consent_named`,
        `consent_recording`, `consent_quotes`) as bool, `consent_date` ISO text ('' if none)."""
        df = self._frame("SELECT * FROM person ORDER BY position").drop(columns="position")
        for consent in ("consent_named", "consent_recording", "consent_quotes"):
            df[consent] = df[consent].astype(bool)
        return df

    def sessions(self) -> pd.DataFrame:
        """The week's programme, by date and position."""
        return self._frame("SELECT * FROM session ORDER BY date, position").drop(columns="position")

    def interviews(self) -> pd.DataFrame:
        """One row per interview, with whether it has a transcript and how many codings."""
        return self._frame(
            "SELECT i.participant, i.interviewer, i.date, i.status, "
            "t.source AS transcript, length(t.text) AS characters, "
            "(SELECT count(*) FROM coding c JOIN fragment f ON f.id = c.fragment "
            " WHERE f.interview = i.participant) AS codings "
            "FROM interview i LEFT JOIN transcript t ON t.interview = i.participant "
            "JOIN person p ON p.id = i.participant ORDER BY p.position"
        )

    def transcript(self, interview: str) -> str:
        """The exact text of one interview's transcript."""
        row = self._con.execute(
            "SELECT text FROM transcript WHERE interview = ?", (interview,)
        ).fetchone()
        if row is None:
            raise NotFound(f"interview '{interview}' has no transcript in {self.path}")
        return row[0]

    def codes(self) -> pd.DataFrame:
        """The codebook, in dataset order."""
        return self._frame("SELECT * FROM code ORDER BY position").drop(columns="position")

    def codings(self) -> pd.DataFrame:
        """Every coding with its fragment span and its code's category."""
        return self._frame(
            'SELECT c.id, f.id AS fragment, f.interview, f.start, f."end", c.code, k.category, '
            "c.coder, c.memo FROM coding c JOIN fragment f ON f.id = c.fragment "
            "JOIN code k ON k.id = c.code ORDER BY f.interview, f.start, c.id"
        )

    def fragment_texts(self, fragments: list[int]) -> dict[int, str]:
        """The exact text of each fragment (SQLite's substr counts code points, as spans do)."""
        found: dict[int, str] = {}
        ids = [int(f) for f in fragments]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                self._con.execute(
                    'SELECT f.id, substr(t.text, f.start + 1, f."end" - f.start) FROM fragment f '
                    "JOIN transcript t ON t.interview = f.interview "
                    f"WHERE f.id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found

    def change_count(self) -> int:
        """The id of the last change-log line: it grows with every change to the store."""
        return self._con.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]

    def boards(self) -> pd.DataFrame:
        """The boards ("flappen") in appendix order, with how many notes each holds."""
        return self._frame(
            "SELECT b.id, b.title, b.kind, b.theme, b.position + 1 AS number, "
            "(SELECT count(*) FROM note n WHERE n.board = b.id) AS notes "
            "FROM board b ORDER BY b.position"
        )

    def notes(self, board: str | None = None) -> pd.DataFrame:
        """Sticky notes (of one board, or all), in the order they were added."""
        sql = "SELECT * FROM note" + (" WHERE board = ?" if board else "") + " ORDER BY position"
        return self._frame(sql, (board,) if board else ()).drop(columns="position")

    def note_fragments(self) -> pd.DataFrame:
        """Which interview fragments each note came from."""
        return self._frame(
            'SELECT nf.note, f.interview, f.start, f."end" FROM note_fragment nf '
            "JOIN fragment f ON f.id = nf.fragment ORDER BY nf.note, f.interview, f.start"
        )

    def votes(self) -> pd.DataFrame:
        """Every vote as cast (voter None: a closed anonymous round's, whose voter is forgotten)."""
        return self._frame("SELECT * FROM vote ORDER BY id")

    def plans(self) -> pd.DataFrame:
        """Road to Progress plans and the integration plan, in dataset order."""
        return self._frame("SELECT * FROM plan ORDER BY position").drop(columns="position")

    def steps(self) -> pd.DataFrame:
        """Every plan's steps, numbered from 1 within the plan."""
        return self._frame(
            "SELECT s.id, s.plan, s.position + 1 AS number, s.title, s.description, "
            "s.feedback = 1 AS feedback "
            "FROM step s JOIN plan p ON p.id = s.plan ORDER BY p.position, s.position"
        )

    def tasks(self) -> pd.DataFrame:
        """Every task with its plan, step number and owners (a list of ids)."""
        df = self._frame(
            "SELECT t.id, s.plan, s.position + 1 AS step, t.position + 1 AS number, t.title, "
            "t.owner_note, t.due_text, t.due_kind, t.due_date, t.status, t.note, "
            "(SELECT json_group_array(owner) FROM (SELECT owner FROM task_owner o "
            " WHERE o.task = t.id ORDER BY o.position)) AS owners "
            "FROM task t JOIN step s ON s.id = t.step JOIN plan p ON p.id = s.plan "
            "ORDER BY p.position, s.position, t.position"
        )
        df["owners"] = [json.loads(o) for o in df["owners"]]
        return df

    def plan_obstacles(self) -> pd.DataFrame:
        """Obstacles with the ways to deal with them, per plan."""
        return self._frame("SELECT * FROM plan_obstacle ORDER BY plan, position")

    def plan_factors(self) -> pd.DataFrame:
        """Helping factors per plan."""
        return self._frame("SELECT * FROM plan_factor ORDER BY plan, position")

    def change_log(self) -> pd.DataFrame:
        """The append-only audit trail: who changed what, when."""
        df = self._frame("SELECT * FROM change_log ORDER BY id")
        df["detail"] = [json.loads(d) for d in df["detail"]]
        return df
