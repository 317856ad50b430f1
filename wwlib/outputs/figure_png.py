"""Plotly figures as PNG images, drawn by kaleido in the Chromium that is installed.

kaleido (>= 1) draws with a Chrome or Chromium already on the machine (through choreographer);
it is given the one `wwlib.outputs.pdf.chromium_path` finds (Debian's /usr/bin/chromium), so
nothing is ever downloaded. plotly.js comes from the installed plotly package and MathJax is
off: drawing needs no network. One browser draws all of a document's figures, one after the
other (starting it takes about a second).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import plotly.graph_objects as go

from wwlib.core.errors import WorkbookError
from wwlib.outputs.pdf import chromium_path

WIDTH = 900  # pixels: a Word page's 16 cm text width at about 140 dpi
HEIGHT = 450  # when the figure sets none
SCALE = 2  # twice the pixels, for print


def png_images(figures: list[go.Figure], timeout: float = 180) -> list[bytes]:
    """Each figure as PNG bytes, in order.

    Raises `WorkbookError` saying why when they cannot be drawn on this machine: kaleido not
    installed, no Chromium, Chromium failing, or drawing taking longer than `timeout` seconds.
    """
    if not figures:
        return []
    try:
        import kaleido
        from kaleido import errors
    except ImportError:
        raise WorkbookError(
            "kaleido is not installed, which draws the figures as images: "
            "pip install 'kaleido>=1,<2'"
        ) from None
    chromium = chromium_path()
    if chromium is None:
        raise WorkbookError(
            "no Chromium to draw the figures with: install it (Debian: apt-get install "
            "chromium) or set WW_CHROMIUM to its path"
        )
    failures = (
        errors.ChromeNotFoundError,
        errors.BrowserFailedError,
        errors.BrowserClosedError,
        errors.KaleidoError,
        errors.JavascriptError,
        OSError,
    )
    pool = ThreadPoolExecutor(max_workers=1)  # its own event loop, also in a notebook's kernel
    drawing = pool.submit(asyncio.run, _draw(kaleido.Kaleido, chromium, figures))
    try:
        return drawing.result(timeout)
    except FutureTimeout:
        raise WorkbookError(
            f"Chromium ({chromium}) did not draw the figures within {timeout:g} s"
        ) from None
    except failures as exc:
        raise WorkbookError(f"Chromium ({chromium}) could not draw the figures: {exc}") from None
    finally:
        pool.shutdown(wait=False)  # past the timeout, kaleido's own per-figure timeout ends it


async def _draw(kaleido, chromium: str, figures: list[go.Figure]) -> list[bytes]:
    """Every figure drawn by one browser."""
    async with kaleido(n=1, path=chromium, mathjax=False, timeout=60) as browser:
        return [await browser.calc_fig(fig, opts=png_options(fig)) for fig in figures]


def png_options(fig: go.Figure) -> dict:
    """kaleido's options for a figure: its own height (else `HEIGHT`) at the page's width."""
    height = fig.layout.height or HEIGHT
    return {"format": "png", "width": WIDTH, "height": height, "scale": SCALE}
