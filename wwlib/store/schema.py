"""The store's schema as an ordered list of migrations; `PRAGMA user_version` counts them."""

from __future__ import annotations

V1 = """
CREATE TABLE cohort (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    municipalities TEXT NOT NULL,          -- JSON list
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    language TEXT NOT NULL,
    research_question TEXT NOT NULL DEFAULT '',
    prioritised_themes TEXT NOT NULL DEFAULT '[]',  -- JSON list of code ids
    source TEXT NOT NULL DEFAULT '',
    mentioned_names TEXT NOT NULL DEFAULT '[]'      -- JSON list
);
CREATE TABLE person (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('participant', 'facilitator', 'support')),
    organisation TEXT NOT NULL DEFAULT '',
    municipality TEXT NOT NULL DEFAULT '',
    function TEXT NOT NULL DEFAULT '',
    pseudonym TEXT NOT NULL UNIQUE,
    consent_named INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL
);
CREATE TABLE session (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    start TEXT NOT NULL DEFAULT '',
    "end" TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL CHECK (phase IN ('look', 'think', 'act')),
    activity TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE interview (
    participant TEXT PRIMARY KEY REFERENCES person(id),
    interviewer TEXT NOT NULL REFERENCES person(id),
    date TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'coded'))
);
CREATE TABLE transcript (
    interview TEXT PRIMARY KEY REFERENCES interview(participant),
    source TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE code (
    id TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    colour TEXT NOT NULL,
    parent TEXT REFERENCES code(id),
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE TABLE fragment (
    id INTEGER PRIMARY KEY,
    interview TEXT NOT NULL REFERENCES transcript(interview),
    start INTEGER NOT NULL CHECK (start >= 0),
    "end" INTEGER NOT NULL CHECK ("end" > start),
    UNIQUE (interview, start, "end")
);
CREATE TABLE coding (
    id INTEGER PRIMARY KEY,
    fragment INTEGER NOT NULL REFERENCES fragment(id),
    code TEXT NOT NULL REFERENCES code(id),
    coder TEXT NOT NULL REFERENCES person(id),
    memo TEXT NOT NULL DEFAULT '',
    UNIQUE (fragment, code, coder)
);
CREATE TABLE board (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    theme TEXT REFERENCES code(id),
    position INTEGER NOT NULL
);
CREATE TABLE note (
    id TEXT PRIMARY KEY,
    board TEXT NOT NULL REFERENCES board(id),
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    author TEXT REFERENCES person(id),
    cluster TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE TABLE note_fragment (
    note TEXT NOT NULL REFERENCES note(id),
    fragment INTEGER NOT NULL REFERENCES fragment(id),
    PRIMARY KEY (note, fragment)
);
CREATE TABLE vote (
    id INTEGER PRIMARY KEY,
    round INTEGER NOT NULL CHECK (round >= 1),
    voter TEXT NOT NULL REFERENCES person(id),
    note TEXT NOT NULL REFERENCES note(id),
    dots INTEGER NOT NULL CHECK (dots >= 1)
);
CREATE TABLE plan (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('theme', 'integration')),
    theme TEXT REFERENCES code(id),
    title TEXT NOT NULL,
    goal TEXT NOT NULL DEFAULT '',
    current TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE TABLE step (
    id INTEGER PRIMARY KEY,
    plan TEXT NOT NULL REFERENCES plan(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (plan, position)
);
CREATE TABLE task (
    id TEXT PRIMARY KEY,
    step INTEGER NOT NULL REFERENCES step(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    owner_note TEXT NOT NULL DEFAULT '',
    due_text TEXT NOT NULL DEFAULT '',
    due_kind TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE task_owner (
    task TEXT NOT NULL REFERENCES task(id),
    owner TEXT NOT NULL,            -- a person id or '@participants'
    position INTEGER NOT NULL,
    PRIMARY KEY (task, owner)
);
CREATE TABLE plan_obstacle (
    plan TEXT NOT NULL REFERENCES plan(id),
    position INTEGER NOT NULL,
    obstacle TEXT NOT NULL,
    way_to_deal TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan, position)
);
CREATE TABLE plan_factor (
    plan TEXT NOT NULL REFERENCES plan(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (plan, position)
);
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE INDEX coding_code ON coding(code);
CREATE INDEX fragment_interview ON fragment(interview);
CREATE INDEX note_board ON note(board);
CREATE INDEX vote_note ON vote(note);
CREATE INDEX task_step ON task(step);
"""

V2 = """
-- Interviews issue: speaker turns with timestamps, memos, the interview guide, and GUIDs that
-- REFI-QDA exchange keeps stable across an export and an import.
ALTER TABLE cohort ADD COLUMN interview_guide TEXT NOT NULL DEFAULT '[]';  -- JSON list
ALTER TABLE transcript ADD COLUMN format TEXT NOT NULL DEFAULT 'md';
ALTER TABLE transcript ADD COLUMN imported_at TEXT;
CREATE TABLE turn (
    interview TEXT NOT NULL REFERENCES transcript(interview),
    position INTEGER NOT NULL,
    speaker TEXT NOT NULL,                 -- the speaker as the file names them
    person TEXT REFERENCES person(id),     -- who that is in the cohort (a step may correct it)
    start INTEGER NOT NULL,                -- code points into the transcript text, half-open
    "end" INTEGER NOT NULL CHECK ("end" >= start),
    time_start REAL,                       -- seconds from the start of the recording
    time_end REAL,
    PRIMARY KEY (interview, position)
);
CREATE TABLE memo (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL CHECK (target IN ('fragment', 'code', 'interview', 'cohort')),
    target_id TEXT NOT NULL,
    author TEXT REFERENCES person(id),
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    guid TEXT
);
CREATE INDEX memo_target ON memo(target, target_id);
"""

# A random (version 4) UUID, in SQL, for the triggers that give new rows their GUID.
_NEW_GUID = """(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
    || substr(lower(hex(randomblob(2))), 2) || '-'
    || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2)
    || '-' || lower(hex(randomblob(6))))"""


def _guids(table: str, add_column: bool = True) -> str:
    """Give every row of `table` a GUID now, and every new row one when it is inserted."""
    add = f"ALTER TABLE {table} ADD COLUMN guid TEXT;\n" if add_column else ""
    return (
        f"{add}UPDATE {table} SET guid = {_NEW_GUID} WHERE guid IS NULL;\n"
        f"CREATE UNIQUE INDEX {table}_guid ON {table}(guid);\n"
        f"CREATE TRIGGER {table}_new_guid AFTER INSERT ON {table} WHEN NEW.guid IS NULL\n"
        f"BEGIN UPDATE {table} SET guid = {_NEW_GUID} WHERE rowid = NEW.rowid; END;\n"
    )


V2 += "".join(_guids(t) for t in ("cohort", "person", "code", "transcript", "fragment", "coding"))
V2 += _guids("memo", add_column=False)

V3 = """
-- Analysis issue: Wednesday's shortlist of themes for Thursday, and the focus groups.
CREATE TABLE shortlist (
    code TEXT PRIMARY KEY REFERENCES code(id),
    position INTEGER NOT NULL
);
CREATE TABLE focus_group (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE focus_group_member (
    focus_group TEXT NOT NULL REFERENCES focus_group(id),
    person TEXT NOT NULL UNIQUE REFERENCES person(id),   -- one group per person
    position INTEGER NOT NULL,
    PRIMARY KEY (focus_group, person)
);
CREATE TABLE focus_group_theme (
    focus_group TEXT NOT NULL REFERENCES focus_group(id),
    code TEXT NOT NULL REFERENCES code(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (focus_group, code)
);
-- A store made before the shortlist existed: its prioritised themes were on the shortlist.
INSERT INTO shortlist (code, position)
    SELECT j.value, j.key FROM cohort, json_each(cohort.prioritised_themes) AS j;
"""

V4 = """
-- Think/Act issue: voting rounds the facilitator opens and closes, and the feedback moment.
CREATE TABLE vote_round (
    round INTEGER PRIMARY KEY CHECK (round >= 1),
    board TEXT REFERENCES board(id),        -- the board voted on; NULL: notes of any board
    budget INTEGER NOT NULL CHECK (budget >= 1),  -- dots per participant in this round
    anonymous INTEGER NOT NULL DEFAULT 0,   -- 1: no view shows who voted for what
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at TEXT,
    closed_at TEXT
);
ALTER TABLE step ADD COLUMN feedback INTEGER NOT NULL DEFAULT 0;  -- the feedback moment
"""
# Rounds of votes that came in without one (an import, a store made before V4): closed, on
# their board when all their notes share one, with the most any voter spent as the budget.
CLOSED_ROUNDS = """
INSERT INTO vote_round (round, board, budget, anonymous, status)
SELECT round, CASE WHEN count(DISTINCT board) = 1 THEN min(board) END, max(spent), 0, 'closed'
FROM (
    SELECT v.round, n.board,
           sum(v.dots) OVER (PARTITION BY v.round, v.voter) AS spent
    FROM vote v JOIN note n ON n.id = v.note
)
WHERE round NOT IN (SELECT round FROM vote_round)
GROUP BY round
"""
V4 += CLOSED_ROUNDS + ";\n"

V5 = """
-- New-cohort issue: the rows the cohort folder and the store last agreed on (`ww init`, `ww save`,
-- `ww update`), one digest per row of a folder file, so that `ww update` can tell a row changed
-- in the folder from one changed in the store since then (a three-way merge).
CREATE TABLE folder_baseline (
    file TEXT NOT NULL,            -- the folder file, e.g. people.csv or transcripts/p01.md
    key TEXT NOT NULL,             -- the row's key within the file (JSON)
    digest TEXT NOT NULL,          -- SHA-256 of the row as the folder writes it
    PRIMARY KEY (file, key)
);
CREATE TABLE folder_sync (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: when and with which folder
    folder TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL
);
"""

V6 = """
-- Live-session issue: personal links and the facilitator's controls of the room.
-- A person's link carries a secret; the store keeps only its SHA-256 (a secret of 32 random
-- bytes needs no slow hash). No foreign key: `ww init --replace` reloads the people, and the
-- links of the people who stay keep working.
CREATE TABLE person_link (
    person TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL
);
ALTER TABLE board ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;   -- 1: no notes added or moved
ALTER TABLE board ADD COLUMN private INTEGER NOT NULL DEFAULT 0;  -- 1: each sees only own notes
ALTER TABLE board ADD COLUMN ends_at TEXT;           -- a timebox's end (UTC ISO), NULL: none
ALTER TABLE vote_round ADD COLUMN ends_at TEXT;      -- the round's countdown end, NULL: none
ALTER TABLE vote_round ADD COLUMN close_at_end INTEGER NOT NULL DEFAULT 0;  -- 1: closes itself
"""

# A closed anonymous round keeps its totals and forgets who voted (the budget needs the voter
# only while the round is open): its votes become a row per former voter and note without a
# voter (the dots one participant put on that note, not who), its number of voters moves to the
# round, and the change log's lines of its votes lose the voter and the actor. For every closed
# anonymous round that still names a voter: run when a round closes, after a load (a round can
# come in closed) and once in V7 for the stores made before.
_NAMED_ANONYMOUS = (
    "SELECT round FROM vote_round WHERE anonymous = 1 AND status = 'closed' "
    "AND round IN (SELECT round FROM vote WHERE voter IS NOT NULL)"
)
FORGET_VOTERS = (
    "UPDATE vote_round SET voters = coalesce(voters, 0) + (SELECT count(DISTINCT v.voter) "
    f"FROM vote v WHERE v.round = vote_round.round) WHERE round IN ({_NAMED_ANONYMOUS})",
    "UPDATE change_log SET actor = 'anonymous', detail = json_set(json_remove(detail, "
    "'$.voter'), '$.redacted', 'anonymous round') WHERE entity = 'vote' AND "
    f"json_extract(detail, '$.round') IN ({_NAMED_ANONYMOUS}) "
    "AND json_extract(detail, '$.redacted') IS NULL",
    "INSERT INTO vote (round, voter, note, dots) SELECT round, NULL, note, sum(dots) FROM vote "
    f"WHERE voter IS NOT NULL AND round IN ({_NAMED_ANONYMOUS}) "
    "GROUP BY round, voter, note ORDER BY round, note, sum(dots) DESC",
    f"DELETE FROM vote WHERE voter IS NOT NULL AND round IN ({_NAMED_ANONYMOUS})",
)

V7 = """
-- Privacy issue: a closed anonymous round forgets who voted (FORGET_VOTERS), and the change log
-- may be redacted (an anonymous round's voters, a person forgotten with `ww forget`): a line
-- keeps its id, time, action and entity, and a redacted detail says so; lines are never removed.
CREATE TABLE vote_new (
    id INTEGER PRIMARY KEY,
    round INTEGER NOT NULL CHECK (round >= 1),
    voter TEXT REFERENCES person(id),      -- NULL: a closed anonymous round's, voter forgotten
    note TEXT NOT NULL REFERENCES note(id),
    dots INTEGER NOT NULL CHECK (dots >= 1)
);
INSERT INTO vote_new (id, round, voter, note, dots) SELECT id, round, voter, note, dots FROM vote;
DROP TABLE vote;
ALTER TABLE vote_new RENAME TO vote;
CREATE INDEX vote_note ON vote(note);
ALTER TABLE vote_round ADD COLUMN voters INTEGER;  -- a closed anonymous round's voters, else NULL
DROP TRIGGER change_log_no_update;
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
    OR NEW.entity IS NOT OLD.entity OR json_extract(NEW.detail, '$.redacted') IS NULL
BEGIN SELECT RAISE(ABORT, 'change_log is append-only; a line may only be redacted'); END;
"""
V7 += ";\n".join(FORGET_VOTERS) + ";\n"

V8 = """
-- Privacy issue: words never to replace in pseudonymised outputs (a place that is also a
-- surname), the smallest group a pseudonymised comparison shows, and what deduce found in the
-- cohort's texts (kept per state of the texts: loading deduce takes seconds).
ALTER TABLE cohort ADD COLUMN never_replace TEXT NOT NULL DEFAULT '[]';  -- JSON list
ALTER TABLE cohort ADD COLUMN min_group INTEGER NOT NULL DEFAULT 3 CHECK (min_group >= 1);
CREATE TABLE name_scan (
    digest TEXT PRIMARY KEY,      -- SHA-256 of the texts scanned and of deduce's version
    names TEXT NOT NULL           -- JSON list: what deduce took for names that the list lacks
);
"""

V9 = """
-- Privacy issue: how long the cohort's personal data may be kept (`ww purge` after that date),
-- and each person's consent on record: named or not (consent_named, V1), a recording of their
-- interview, quotes in the report, the date it was given and what it covers.
ALTER TABLE cohort ADD COLUMN retention TEXT;  -- ISO date; NULL: none set
ALTER TABLE person ADD COLUMN consent_recording INTEGER NOT NULL DEFAULT 0;
ALTER TABLE person ADD COLUMN consent_quotes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE person ADD COLUMN consent_date TEXT NOT NULL DEFAULT '';   -- ISO date; '': not given
ALTER TABLE person ADD COLUMN consent_covers TEXT NOT NULL DEFAULT '';  -- what it covers, in words
"""

V10 = """
-- Search issue: a full-text index (SQLite FTS5) of every transcript's speaker turns (the whole
-- text when it has none), note and memo. FTS5 has no Dutch stemmer, so it indexes each unit's
-- terms (folded and stemmed in Python, wwlib/analysis/search.py) and a hit is mapped back to
-- the exact words by the unit's span. Triggers mark what changed in `search_stale`; every write
-- transaction re-indexes what it marked before it commits (wwlib/store/search.py), whichever
-- code path wrote. The inserts at the end mark everything, so this migration builds the index
-- of a store made before.
CREATE TABLE search_unit (
    id INTEGER PRIMARY KEY,            -- the rowid of its terms in search_terms
    kind TEXT NOT NULL CHECK (kind IN ('transcript', 'note', 'memo')),
    source TEXT NOT NULL,              -- the interview, note or memo id
    position INTEGER,                  -- the turn's position; NULL: the whole text
    start INTEGER NOT NULL,            -- code points into the source's text, half-open
    "end" INTEGER NOT NULL CHECK ("end" >= start)
);
CREATE INDEX search_unit_source ON search_unit(kind, source);
CREATE VIRTUAL TABLE search_terms USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE search_stale (
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (kind, source)
) WITHOUT ROWID;
"""


def _search_triggers(table: str, kind: str, key: str) -> str:
    """Triggers that mark a unit of the search index stale when a row of `table` changes."""
    script = ""
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        marks = "".join(
            f"INSERT OR IGNORE INTO search_stale VALUES ('{kind}', {row}.{key}); " for row in rows
        )
        script += (
            f"CREATE TRIGGER {table}_search_{event.lower()} AFTER {event} ON {table}\n"
            f"BEGIN {marks}END;\n"
        )
    return script


V10 += _search_triggers("transcript", "transcript", "interview")
V10 += _search_triggers("turn", "transcript", "interview")
V10 += _search_triggers("note", "note", "id")
V10 += _search_triggers("memo", "memo", "id")
V10 += """
INSERT OR IGNORE INTO search_stale SELECT 'transcript', interview FROM transcript;
INSERT OR IGNORE INTO search_stale SELECT 'note', id FROM note;
INSERT OR IGNORE INTO search_stale SELECT 'memo', id FROM memo;
"""

# v11: the search index again, with Porter's Dutch stemmer (`wwlib.analysis.search._stemmer`):
# every unit is marked stale, and the migration's transaction indexes it anew.
V11 = """
INSERT OR IGNORE INTO search_stale SELECT 'transcript', interview FROM transcript;
INSERT OR IGNORE INTO search_stale SELECT 'note', id FROM note;
INSERT OR IGNORE INTO search_stale SELECT 'memo', id FROM memo;
"""

# Append a script to change the schema; never edit one that has shipped.
MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11]
SEARCH_SINCE = 10  # the schema version from which the store keeps its search index
SCHEMA_VERSION = len(MIGRATIONS)
