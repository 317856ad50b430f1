"""`ww national`: one picture across municipalities, from any number of Parquet exports.

    national_report([O/lindeveen-2026, O/limburg-2020, ...], out) -> [national.html, national.xlsx]

DuckDB reads the exports (`ww export parquet`, `wwlib.outputs.parquet`) as SQL over their
Parquet files, one `read_parquet([...], union_by_name=true)` view per file kind, and answers
four questions: which themes and codes recur across municipalities (in how many cohorts and
municipalities, what share of the cohorts), how the plans progress (tasks done, open, overdue
per theme), and how saturation grows across cohorts (codes new to the programme per added
cohort and interview). A theme or code is the same across cohorts when its name is (case and
spaces aside). Small groups are not shown: a cell that counts people (participants,
interviews) and is below the threshold (the largest `min_group` of the cohorts, or what is
passed) is shown as "< k", not as its number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import pyarrow.parquet as pq
from markupsafe import Markup

from wwlib.core.errors import FileError, ValidationError, WorkbookError
from wwlib.core.labels import Labels
from wwlib.outputs.parquet import MANIFEST, METADATA_KEY, SCHEMA, SCHEMA_NAME, SCHEMA_VERSION
from wwlib.outputs.report import workbook_version
from wwlib.outputs.spreadsheet import write_sheets, write_whole
from wwlib.present.render import TABLE_CSS, table_html
from wwlib.present.views import long_date

# the overview's counts -> their label (`count.<label>`, with singular and plural)
COUNTED = {
    "cohorts": "cohort",
    "municipalities": "municipality",
    "participants": "participant",
    "interviews": "interview",
    "codings": "coding",
    "tasks": "task",
}

KNOWN_VERSIONS = (SCHEMA_VERSION,)  # the export schema versions this module reads
PEOPLE_COLUMNS = ("participants", "interviews")  # cells that count people: suppressed when small
SATURATION_STEPS = 10  # the interviews in tenths: new codes per added interview in each
_KEY = "lower(regexp_replace(trim({0}), '\\s+', ' ', 'g'))"  # a name, case and spaces aside


def national_report(
    folders: Iterable[str | Path],
    out: str | Path,
    lang: str = "nl",
    min_group: int | None = None,
    generated: dt.datetime | None = None,
) -> list[Path]:
    """Write `out/national.html` and `out/national.xlsx` from export folders; their paths.

    A folder is one cohort's export or a folder holding several (`ww export parquet`'s O).
    """
    labels = Labels(lang)
    if min_group is not None and (not isinstance(min_group, int) or min_group < 1):
        raise ValidationError("min_group", "a whole number of 1 or more", min_group)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValidationError("out", "a folder", str(out), "give a folder name, e.g. landelijk/")
    tables = national_tables(export_folders(folders))
    threshold = min_group or int(tables.pop("min_group")["min_group"].iloc[0])
    tables.pop("min_group", None)
    shown = {name: suppressed(table, threshold) for name, table in tables.items()}
    html = _html(shown, labels, threshold, generated or dt.datetime.now())
    written = [write_whole(out / "national.html", html.encode("utf-8"))]
    sheets = {labels(f"national.sheet.{name}"): _labelled(t, labels) for name, t in shown.items()}
    written.append(write_sheets(sheets, out / "national.xlsx", labels("export.date_format")))
    return written


# -- the exports --------------------------------------------------------------------------


def export_folders(folders: Iterable[str | Path]) -> list[Path]:
    """Every cohort export in `folders` (a folder with manifest.json, or one holding such
    folders), each checked: a known schema version, every file there and of that version."""
    found: list[Path] = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise FileError(str(folder), "", "is no folder", "give a `ww export parquet` folder")
        inner = sorted(p.parent for p in folder.glob(f"*/{MANIFEST}"))
        found += [folder] if (folder / MANIFEST).is_file() or not inner else inner
    cohorts: dict[str, Path] = {}
    for folder in found:
        cohort = check_export(folder)
        if cohort in cohorts:
            raise FileError(
                str(folder), MANIFEST, f"cohort '{cohort}' is also exported in {cohorts[cohort]}",
                "pass each cohort's export once",
            )  # fmt: skip
        cohorts[cohort] = folder
    if not found:
        raise WorkbookError("ww national needs at least one `ww export parquet` folder")
    return found


def check_export(folder: Path) -> str:
    """The cohort id of a checked export folder (see `export_folders`)."""
    manifest = folder / MANIFEST
    fix = "export the cohort again with `ww export parquet DIR O` and pass O/<cohort id>"
    if not manifest.is_file():
        raise FileError(
            str(folder), "", f"is not a `ww export parquet` folder (no {MANIFEST})", fix
        )
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileError(str(manifest), "", f"cannot be read ({exc})", fix) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
        raise FileError(str(manifest), "schema", f"is not a '{SCHEMA_NAME}' manifest", fix)
    version = data.get("schema_version")
    if version not in KNOWN_VERSIONS:
        raise FileError(
            str(folder), f"{MANIFEST}, schema_version",
            f"schema version {version!r} is unknown to this workbook (it reads "
            f"{', '.join(map(str, KNOWN_VERSIONS))})",
            "export the cohort with this workbook's version, or update the workbook",
        )  # fmt: skip
    for name in SCHEMA:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise FileError(str(folder), f"{name}.parquet", "is missing", fix)
        try:
            found = (pq.read_schema(path).metadata or {}).get(METADATA_KEY, b"").decode()
        except (OSError, ValueError) as exc:
            raise FileError(str(path), "", f"is no Parquet file ({exc})", fix) from None
        if found != str(version):
            raise FileError(
                str(path), "metadata", f"has schema version {found or 'none'}, the manifest "
                f"{version}", fix,
            )  # fmt: skip
    return str(data.get("cohort"))


# -- the tables ---------------------------------------------------------------------------


def national_tables(exports: list[Path]) -> dict[str, pd.DataFrame]:
    """The national tables (English column names, people counts as numbers), by name."""
    con = duckdb.connect()
    try:
        return _tables(con, exports)
    except duckdb.Error as exc:
        raise WorkbookError(
            f"the exports cannot be read together ({exc}); export every cohort again with "
            "this workbook's `ww export parquet`"
        ) from None
    finally:
        con.close()


def _tables(con, exports: list[Path]) -> dict[str, pd.DataFrame]:
    """One view per file kind over every export (`union_by_name`), then each table."""
    for name in SCHEMA:
        paths = _sql_list([folder / f"{name}.parquet" for folder in exports])
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet({paths}, union_by_name=true)"
        )
    con.execute(
        "CREATE MACRO total(x) AS CAST(coalesce(sum(x), 0) AS BIGINT); "
        "CREATE VIEW places AS SELECT cohort, unnest(municipalities) AS municipality "
        "FROM cohort"
    )
    return {
        "overview": _overview(con),
        "themes": _recurring(con, "themes", _THEME_PRESENT),
        "codes": _recurring(con, "codes", "fragments > 0"),
        "plans": _plans(con),
        "saturation": _saturation(con),
        "saturation_cohorts": _saturation_cohorts(con),
        "cohorts": _cohorts(con),
        # the strictest `min_group` of the cohorts: the national threshold by default
        "min_group": con.sql("SELECT max(min_group) AS min_group FROM cohort").df(),
    }


def _sql_list(paths: list[Path]) -> str:
    """Paths as an SQL list of string literals (a quote in a folder name doubled)."""
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


_THEME_PRESENT = "fragments > 0 OR shortlisted OR plan IS NOT NULL"


def _overview(con) -> pd.DataFrame:
    return con.sql(
        "SELECT count(*) AS cohorts, (SELECT count(DISTINCT municipality) FROM places) "
        "AS municipalities, total(participants) AS participants, total(interviews) AS interviews, "
        "total(codings) AS codings, (SELECT count(*) FROM tasks) AS tasks FROM cohort"
    ).df()


def _recurring(con, view: str, present: str) -> pd.DataFrame:
    """Per theme or code (by name): in how many cohorts and municipalities, what share; a
    code's category, a theme's shortlists, priorities and plans."""
    key = _KEY.format("name")
    category = "mode(category) AS category, " if view == "codes" else ""
    themes = (
        ", count(*) FILTER (WHERE shortlisted) AS shortlisted, "
        "count(*) FILTER (WHERE priority IS NOT NULL) AS prioritised, count(plan) AS plans"
        if view == "themes"
        else ""
    )
    return con.sql(
        f"WITH used AS (SELECT *, {key} AS key FROM {view} WHERE {present}), "
        "total AS (SELECT count(*) AS n FROM cohort), "
        "spread AS (SELECT key, count(DISTINCT municipality) AS municipalities "
        "FROM used JOIN places USING (cohort) GROUP BY key) "
        f"SELECT mode(name) AS name, {category}count(DISTINCT cohort) AS cohorts, "
        "round(100.0 * count(DISTINCT cohort) / any_value(total.n), 1) AS share, "
        "any_value(spread.municipalities) AS municipalities, "
        f"total(participants) AS participants, total(fragments) AS fragments{themes} "
        "FROM used JOIN spread USING (key), total GROUP BY key "
        "ORDER BY cohorts DESC, fragments DESC, name"
    ).df()


def _plans(con) -> pd.DataFrame:
    """Per theme (by name), and the integration plans: plans, tasks and where they stand."""
    key = _KEY.format("th.name")
    return con.sql(
        "WITH counted AS (SELECT cohort, plan, count(*) AS tasks, "
        "count(*) FILTER (WHERE state = 'done') AS done, "
        "count(*) FILTER (WHERE state = 'open') AS open, "
        "count(*) FILTER (WHERE state = 'overdue') AS overdue, "
        "count(*) FILTER (WHERE state = 'cancelled') AS cancelled "
        "FROM tasks GROUP BY cohort, plan), "
        f"named AS (SELECT p.cohort, p.kind, coalesce({key}, '') AS key, th.name, "
        "coalesce(c.tasks, 0) AS tasks, coalesce(c.done, 0) AS done, "
        "coalesce(c.open, 0) AS open, coalesce(c.overdue, 0) AS overdue, "
        "coalesce(c.cancelled, 0) AS cancelled FROM plans p "
        "LEFT JOIN themes th ON th.cohort = p.cohort AND th.theme = p.theme "
        "LEFT JOIN counted c ON c.cohort = p.cohort AND c.plan = p.plan) "
        "SELECT any_value(kind) AS kind, mode(name) AS name, count(DISTINCT cohort) AS cohorts, "
        "count(*) AS plans, total(tasks) AS tasks, total(done) AS done, total(open) AS open, "
        "total(overdue) AS overdue, total(cancelled) AS cancelled, "
        "round(100.0 * sum(done) / nullif(sum(tasks) - sum(cancelled), 0), 1) AS done_share "
        "FROM named GROUP BY kind, key ORDER BY kind DESC, tasks DESC, name"
    ).df()


_SEQUENCE = (
    "WITH ordered AS (SELECT s.cohort, s.number, s.interview, row_number() OVER "
    "(ORDER BY c.start, s.cohort, s.number) AS seq "
    "FROM saturation s JOIN cohort c USING (cohort)), "
    "coded AS (SELECT o.seq, {key} AS key FROM interview_codes i "
    "JOIN codes k ON k.cohort = i.cohort AND k.code = i.code "
    "JOIN ordered o ON o.cohort = i.cohort AND o.interview = i.interview), "
    "firsts AS (SELECT key, min(seq) AS seq FROM coded GROUP BY key), "
    "added AS (SELECT o.cohort, o.seq, count(f.key) AS new FROM ordered o "
    "LEFT JOIN firsts f USING (seq) GROUP BY o.cohort, o.seq) "
).format(key=_KEY.format("k.name"))


def _saturation(con) -> pd.DataFrame:
    """The programme's interviews in order (cohorts by week), in tenths: new codes per added
    interview in each tenth, and the codes known after it."""
    return con.sql(
        _SEQUENCE + "SELECT min(seq) AS first, max(seq) AS last, total(new) AS new, "
        "round(sum(new) / count(*), 2) AS per_interview, CAST(max(cum) AS BIGINT) AS cumulative "
        "FROM (SELECT *, ntile(?) OVER (ORDER BY seq) AS part, "
        "sum(new) OVER (ORDER BY seq) AS cum FROM added) GROUP BY part ORDER BY part",
        params=[SATURATION_STEPS],
    ).df()


def _saturation_cohorts(con) -> pd.DataFrame:
    """Per cohort, in week order: its interviews, the codes new to the programme it added
    (in all and per interview) and the codes known after it."""
    return con.sql(
        _SEQUENCE + ", per AS (SELECT cohort, count(*) AS interviews, total(new) AS new, "
        "min(seq) AS seq FROM added GROUP BY cohort) "
        "SELECT c.cohort, array_to_string(c.municipalities, ', ') AS municipalities, c.start, "
        "coalesce(p.interviews, 0) AS interviews, coalesce(p.new, 0) AS new, "
        "round(p.new / p.interviews, 2) AS per_interview, "
        "CAST(sum(coalesce(p.new, 0)) OVER (ORDER BY c.start, c.cohort) AS BIGINT) AS cumulative "
        "FROM cohort c LEFT JOIN per p USING (cohort) ORDER BY c.start, c.cohort"
    ).df()


def _cohorts(con) -> pd.DataFrame:
    return con.sql(
        "SELECT cohort, array_to_string(municipalities, ', ') AS municipalities, start, "
        '"end", as_of, participants, interviews, codes, codings FROM cohort ORDER BY start, cohort'
    ).df()


# -- showing ------------------------------------------------------------------------------


def suppressed(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The table with every people count from 1 to `threshold` - 1 shown as "< threshold"."""
    shown = table.copy()
    for column in PEOPLE_COLUMNS:
        if column in shown.columns:
            shown[column] = [
                f"< {threshold}" if pd.notna(v) and 0 < v < threshold else _plain(v)
                for v in shown[column]
            ]
    return shown


def _plain(value):
    return int(value) if pd.notna(value) else None


def _labelled(table: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """The table with the catalogue's headers and values (kinds, categories, dates)."""
    shown = table.copy()
    if "kind" in shown.columns:
        shown["name"] = [
            labels("national.integration") if k == "integration" else n
            for k, n in zip(shown["kind"], shown["name"], strict=True)
        ]
        shown = shown.drop(columns="kind")
    if "category" in shown.columns:
        shown["category"] = [labels(f"category.{c}") for c in shown["category"]]
    for column in ("start", "end", "as_of"):
        if column in shown.columns:
            shown[column] = [v.date() if hasattr(v, "date") else v for v in shown[column]]
    shown.columns = [labels(f"national.col.{c}") for c in shown.columns]
    shown.attrs["lang"] = labels.lang
    return shown


def _html(shown: dict, labels: Labels, threshold: int, generated) -> str:
    # counts with their noun in the form the number takes ("1 gemeente", "3 gemeenten"); a
    # small count of people as "< k deelnemers"
    overview = {
        key: labels(f"count.{COUNTED.get(key, key)}", n=v if isinstance(v, str) else int(v or 0))
        if COUNTED.get(key)
        else (v if isinstance(v, str) else labels.number(int(v or 0)))
        for key, v in shown["overview"].iloc[0].items()
    }
    sections = {}
    for name in ("themes", "codes", "plans", "saturation", "saturation_cohorts", "cohorts"):
        table = shown[name]
        for column in ("start", "end", "as_of"):  # dates as the language writes them
            if column in table.columns:
                days = [long_date(v, labels, weekday=False) for v in table[column]]
                table = table.assign(**{column: days})
        sections[name] = table_html(_labelled(table, labels)) if len(table) else None
    template = _environment().get_template("national.html.j2")
    return template.render(
        t=labels,
        lang=labels.lang,
        css=Markup(TABLE_CSS),
        overview=overview,
        threshold=threshold,
        sections=sections,
        generated=labels(
            "report.generated",
            date=long_date(generated.date(), labels),
            time=generated.strftime("%H:%M"),
        ),
        version=workbook_version(),
    )


def _environment() -> jinja2.Environment:
    folder = resources.files("wwlib.outputs").joinpath("templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
