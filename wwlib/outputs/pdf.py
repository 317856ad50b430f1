"""The final report as PDF, printed by headless Chromium when it is installed.

Chromium prints the self-contained HTML report as it is: the report's print CSS puts every
section and every board ("flap") on a new page and keeps figures whole. A virtual time budget
lets plotly draw the figures before the page is printed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from wwlib.core.errors import WorkbookError

DEBIAN_CHROMIUM = "/usr/bin/chromium"
RENDER_BUDGET_MS = 20_000  # virtual time for scripts (plotly) before printing; costs no waiting
# plotly fixes a figure's size in pixels when it draws it, at the window's width: a window as
# wide as A4's printable width (180 mm = 680 px) plus the report's side padding (2 × 34 px)
# draws figures as wide as they are printed, so Chromium need not shrink the pages to fit
WINDOW_SIZE = "748,1058"


def chromium_path() -> str | None:
    """The Chromium to print with: $WW_CHROMIUM, Debian's /usr/bin/chromium, or `chromium` /
    `chromium-browser` on PATH; None when there is none."""
    chosen = os.environ.get("WW_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_pdf(html_path: str | Path, pdf_path: str | Path, timeout: float = 120) -> Path:
    """Print the HTML file at `html_path` to `pdf_path` with headless Chromium; the PDF's path.

    Raises `WorkbookError` when Chromium is missing, fails, runs past `timeout` seconds or writes
    no PDF.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not html_path.is_file():
        raise WorkbookError(f"no report to print at {html_path}; write the HTML report first")
    chromium = chromium_path()
    if chromium is None:
        where = os.environ.get("WW_CHROMIUM")
        fix = (
            f"WW_CHROMIUM={where} is not a program; set it to Chromium's path"
            if where
            else "install it (Debian: apt-get install chromium) or set WW_CHROMIUM to its path"
        )
        raise WorkbookError(f"no Chromium to print the PDF with: {fix}; the HTML is at {html_path}")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf_path.with_name(f".{pdf_path.name}.partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ww-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={profile}",  # its own profile: two prints can run at once
            "--no-pdf-header-footer",
            f"--virtual-time-budget={RENDER_BUDGET_MS}",
            f"--window-size={WINDOW_SIZE}",
            f"--print-to-pdf={partial}",
            html_path.as_uri(),
        ]
        try:
            returncode, stderr = run_in_group(command, timeout)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise WorkbookError(
                f"Chromium did not print {html_path} within {timeout:g} s; "
                "try again with a longer timeout"
            ) from None
        except OSError as exc:
            raise WorkbookError(f"could not start Chromium at {chromium}: {exc}") from None
    if returncode != 0 or not _is_pdf(partial):
        partial.unlink(missing_ok=True)
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise WorkbookError(
            f"Chromium ({chromium}) could not print {html_path} (exit code {returncode}):\n{tail}"
        )
    os.replace(partial, pdf_path)
    return pdf_path


def run_in_group(command: list[str], timeout: float) -> tuple[int, str]:
    """Run a program (Chromium, LibreOffice) in a process group of its own, ended whole when it
    runs past `timeout`; its exit code and what it said on stderr."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its helpers (zygote, renderers) share the group
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return process.returncode, stderr


def _is_pdf(path: Path) -> bool:
    """Whether `path` exists and starts like a PDF."""
    try:
        with path.open("rb") as file:
            return file.read(5) == b"%PDF-"
    except FileNotFoundError:
        return False
