"""Reading boards.csv, notes.csv and votes.csv of a cohort folder."""

from __future__ import annotations

from wwlib.core.errors import ValidationError
from wwlib.core.model import MAX_DOTS, MAX_ROUND, Board, Fragment, Note, Role, Vote, VoteRound
from wwlib.folder.files import YES, as_int
from wwlib.folder.identity import parse_span


class BoardReading:
    """The part of the dataset loader that reads boards, sticky notes and dot votes."""

    def _boards(self) -> list[Board]:
        name, boards, ids = "boards.csv", [], set()
        for line, row in self._rows(name):
            board = self.build_row(name, line, Board, row)
            if not board or not self._unique(name, line, "id", board.id, ids):
                continue
            if board.theme and self._theme_problem(board.theme):
                self.problem(name, line, "theme", self._theme_problem(board.theme))
                continue
            boards.append(board)
        return boards

    def _notes(
        self, boards: set[str], coding_rows: dict[str, list[Fragment]], texts: dict[str, str]
    ) -> list[Note]:
        name, notes, ids = "notes.csv", [], set()
        for line, row in self._rows(name):
            if self._dangling("boards.csv", row["board"], boards):
                self.problem(name, line, "board", f"'{row['board']}' is not a board in boards.csv")
                continue
            if row["author"] and self._person_problem(name, line, "author", row["author"]):
                continue
            fragments = self._note_fragments(name, line, row["quotes"], coding_rows, texts)
            if fragments is None:
                continue
            category = row["category"] or "other"
            note = self.build_row(
                name, line, Note, row, category=category, fragments=tuple(fragments)
            )
            if note and self._unique(name, line, "id", note.id, ids):
                notes.append(note)
        return notes

    def _note_fragments(
        self, name, line, quotes: str, coding_rows, texts: dict[str, str]
    ) -> list[Fragment] | None:
        fragments = []
        for ref in filter(None, (q.strip() for q in quotes.split(";"))):
            if span := parse_span(ref, texts):  # interview:start-end, as `ww save` writes
                fragments.append(span)
                continue
            interview, _, number = ref.partition(":")
            rows = coding_rows.get(interview, [])
            in_range = number.isdigit() and 1 <= int(number) <= len(rows)
            if not in_range and number.isdigit() and self._codings_doubtful(interview):
                continue  # a problem in codings.csv or the interview is reported already
            if not in_range:
                self.problem(
                    name,
                    line,
                    "quotes",
                    f"'{ref}' does not name a row of codings.csv",
                    f"write interview:n with n from 1 to the interview's rows "
                    f"({len(rows)} for '{interview}'), or interview:start-end",
                )
                return None
            fragments.append(rows[int(number) - 1])
        return list(dict.fromkeys(fragments))

    def _codings_doubtful(self, interview: str) -> bool:
        """The interview's rows of codings.csv may be numbered wrongly: one has a problem."""
        return self._interview_doubtful(interview) or self.files.doubtful(
            "codings.csv", "interview", interview
        )

    def _votes(self, notes: set[str]) -> list[Vote]:
        """Dot votes; a row without a voter is a closed anonymous round's (one former voter's
        dots on the note), and may repeat."""
        name, votes, seen = "votes.csv", [], {}
        for line, row in self._rows(name):
            numbers = self._whole_numbers(name, line, row, round=MAX_ROUND, dots=MAX_DOTS)
            if numbers is None:
                continue
            voter = row["voter"]
            if voter and self._person_problem(name, line, "voter", voter, Role.PARTICIPANT):
                continue
            if self._dangling("notes.csv", row["note"], notes):
                self.problem(name, line, "note", f"'{row['note']}' is not a note in notes.csv")
                continue
            vote = self.build_row(name, line, Vote, row, **numbers)
            key = (numbers["round"], voter, row["note"])
            if vote and voter and key in seen:
                self.problem(
                    name,
                    line,
                    "note",
                    f"repeats the vote of line {seen[key]} (round {numbers['round']}, voter "
                    f"'{row['voter']}', note '{row['note']}')",
                    "keep one of the two rows and count every dot in its dots",
                )
            elif vote:
                seen[key] = line
                votes.append(vote)
        return votes

    def _rounds(self, boards: set[str]) -> list[VoteRound]:
        """Voting rounds as rounds.csv records them; a round with votes but no row is closed."""
        name, rounds, seen = "rounds.csv", [], set()
        for line, row in self._rows(name):
            if row["board"] and self._dangling("boards.csv", row["board"], boards):
                self.problem(name, line, "board", f"'{row['board']}' is not a board in boards.csv")
                continue
            anonymous = row["anonymous"].lower()
            if anonymous not in YES:
                self.problem(name, line, "anonymous", f"must be ja or nee (got {anonymous!r})")
                continue
            numbers = self._whole_numbers(name, line, row, round=MAX_ROUND, budget=MAX_DOTS)
            # only a closed anonymous round has voters here: its votes name none
            voters = row["voters"] and self._whole_numbers(name, line, row, voters=MAX_ROUND)
            if numbers is None or voters is None:
                continue
            made = self.build_row(
                name,
                line,
                VoteRound,
                row,
                **numbers,
                voters=voters["voters"] if voters else None,
                anonymous=YES[anonymous],
                status=row["status"] or "closed",
            )
            if made and self._unique(name, line, "round", str(made.round), seen):
                rounds.append(made)
        return rounds

    def _whole_numbers(self, name: str, line: int, row: dict, **highest: int) -> dict | None:
        """The row's columns that `highest` names as whole numbers from 1 to their highest;
        None, with a problem, when one is not."""
        try:
            return {
                column: as_int(row[column], column, 1, high) for column, high in highest.items()
            }
        except ValidationError as exc:
            self.problem(name, line, exc.field, str(exc))
            return None
