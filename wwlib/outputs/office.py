"""The Word report as OpenDocument (.odt) and as PDF/A-2b, converted by LibreOffice, headless.

ODF and PDF/A are on the Dutch government's list of mandatory open standards. LibreOffice
converts the report.docx that `wwlib.outputs.report_docx` writes, so the three documents hold
the same chapters, tables, figures and appendices. Debian's `libreoffice-writer-nogui` is
enough (no desktop). Each conversion gets a profile of its own in a temporary folder, so two
can run at once and nothing of the user's own LibreOffice is touched or read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from wwlib.core.errors import WorkbookError
from wwlib.outputs.pdf import run_in_group

# LibreOffice's export filters; SelectPdfVersion 2 is PDF/A-2b
FILTERS = {
    "odt": "odt:writer8",
    "pdf": 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}',
}
INSTALL = "install it (Debian: apt-get install libreoffice-writer-nogui) or set WW_LIBREOFFICE"


def libreoffice_path() -> str | None:
    """LibreOffice's program: $WW_LIBREOFFICE, else `soffice` or `libreoffice` on PATH; None
    when there is none."""
    chosen = os.environ.get("WW_LIBREOFFICE")
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    return shutil.which("soffice") or shutil.which("libreoffice")


def why_not() -> str:
    """Why LibreOffice cannot convert on this machine ('' when it can)."""
    if libreoffice_path() is not None:
        return ""
    where = os.environ.get("WW_LIBREOFFICE")
    if where:
        return f"WW_LIBREOFFICE={where} is not a program; set it to LibreOffice's path"
    return f"LibreOffice is not installed: {INSTALL} to its path"


def write_odt(docx_path: str | Path, odt_path: str | Path, timeout: float = 120) -> Path:
    """The Word document at `docx_path` as OpenDocument text at `odt_path`; the path."""
    return _convert(Path(docx_path), Path(odt_path), "odt", timeout)


def write_pdfa(docx_path: str | Path, pdf_path: str | Path, timeout: float = 120) -> Path:
    """The Word document at `docx_path` as PDF/A-2b at `pdf_path` (fonts embedded, the
    claim in its XMP metadata checked); the path."""
    written = _convert(Path(docx_path), Path(pdf_path), "pdf", timeout)
    claim = pdfa_claim(written.read_bytes())
    if claim != ("2", "B"):
        written.unlink()
        raise WorkbookError(
            f"LibreOffice wrote a PDF that does not claim PDF/A-2b (it claims {claim or 'none'}); "
            "update LibreOffice (7.4 or later)"
        )
    return written


def pdfa_claim(data: bytes) -> tuple[str, str] | None:
    """The PDF/A part and conformance a PDF claims in its XMP metadata: ('2', 'B'), or None."""
    part = re.search(rb"pdfaid:part(?:>|=[\"'])\s*(\d)", data)
    conformance = re.search(rb"pdfaid:conformance(?:>|=[\"'])\s*([ABU])", data)
    if not part or not conformance:
        return None
    return part.group(1).decode(), conformance.group(1).decode()


def _convert(source: Path, target: Path, kind: str, timeout: float) -> Path:
    """`source` converted by LibreOffice into `target` (whole or not at all)."""
    program = libreoffice_path()
    if program is None:
        raise WorkbookError(f"no .{kind} written: {why_not()}")
    if not source.is_file():
        raise WorkbookError(f"no Word report to convert at {source}; write it first")
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ww-office-") as work:
        command = [
            program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={Path(work, 'profile').as_uri()}",
            "--convert-to",
            FILTERS[kind],
            "--outdir",
            work,
            str(source.absolute()),
        ]
        try:
            returncode, stderr = run_in_group(command, timeout)
        except subprocess.TimeoutExpired:
            raise WorkbookError(
                f"LibreOffice did not convert {source} within {timeout:g} s; try again"
            ) from None
        except OSError as exc:
            raise WorkbookError(f"could not start LibreOffice at {program}: {exc}") from None
        made = Path(work) / f"{source.stem}.{kind}"
        if returncode != 0 or not made.is_file():
            tail = "\n".join(stderr.strip().splitlines()[-5:])
            raise WorkbookError(
                f"LibreOffice ({program}) could not convert {source} to .{kind} "
                f"(exit code {returncode}):\n{tail}"
            )
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(made, partial)
        os.replace(partial, target)
    return target
