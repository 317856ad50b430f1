"""What a warm (preheated) Voila kernel does before its page asks: what every page does first.

`wwlib.present.parameters.wait_for_request` runs `warm_up` in a kernel that Voila keeps ready,
then waits for a person's request; the page then finds the imports done, the label catalogue
read, the templates compiled and Plotly's figure machinery built.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading

from wwlib.core.labels import Labels
from wwlib.figures.base import new_figure
from wwlib.present import render

# What the page's first widget then needs: the data stack, the store, the sections and the
# widgets of every phase notebook.
WARM_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "ipywidgets",
    "anywidget",
    "wwlib.figures",
    "wwlib.store",
    "wwlib.present.workbook",
    "wwlib.present.sections",
    "wwlib.present.display",
    "wwlib.present.chart",
    *(
        f"wwlib.ui.{name}"
        for name in ("notes", "board", "votes", "interviews", "coding", "codebook", "search")
    ),
    *(
        f"wwlib.ui.{name}"
        for name in ("shortlist", "plans", "tasks", "upload", "speakers", "evidence")
    ),
)


def warm_up() -> None:
    """Do what every page does first, before any page asks: the imports (`WARM_MODULES`), the
    label catalogue, the compiled templates and Plotly's first figure. About 2 s of a kernel's
    work on this machine, of which a page would otherwise wait for 0.3 to 0.5 s after its
    request.

    The work runs in a thread of lower priority (`WARM_NICENESS`): a pool refilling while
    people open their pages gives way to their kernels and to the server."""
    failed: list[BaseException] = []

    def work() -> None:
        try:
            _lower_priority()
            _warm()
        except BaseException as error:  # handed to the kernel's thread below
            failed.append(error)

    thread = threading.Thread(target=work, name="ww-warm-up")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


WARM_NICENESS = 10  # added to the warm-up thread's nice value (19: the lowest priority)


def _lower_priority() -> None:
    """Lower this thread's priority alone (on Linux a thread id is a process id to
    setpriority); elsewhere nothing."""
    if sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WARM_NICENESS)
    except OSError:
        pass  # not allowed here: warm up at the kernel's own priority


def _warm() -> None:
    for module in WARM_MODULES:
        importlib.import_module(module)
    render.environment().get_template("parts.html.j2")
    figure = new_figure(Labels(), "fig.frequencies", 300)
    figure.add_bar(x=[1], y=["a"], orientation="h")
    figure.to_json()
