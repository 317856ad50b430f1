"""The parameters every phase notebook starts with, their check, and Voila's query string."""

from __future__ import annotations

import importlib
import os
import urllib.parse
from dataclasses import dataclass, fields

from wwlib.core.errors import ParameterError, ValidationError
from wwlib.core.labels import check_lang
from wwlib.core.model import SLUG, Role


@dataclass(frozen=True)
class NotebookParameters:
    """The parameters every phase notebook starts with: names, types and defaults, in one place.

    The notebooks' parameters cells, `open_workbook` and the runner follow it (a test checks
    the cells).
    """

    cohort: str
    data_dir: str = "../data"
    lang: str = "nl"
    pseudonymise: bool = False
    store: str = ""
    interactive: bool = True  # False in a static run (ww run): panels show HTML, not widgets


_TYPES = {"str": str, "bool": bool}
PARAMETER_TYPES = {  # what `check_parameters` accepts: the notebooks' and the actor
    **{f.name: _TYPES[str(f.type)] for f in fields(NotebookParameters)},
    "actor": str,
    "person": str,  # the person a dashboard page acts as ('' in a notebook or `ww run`)
    "role": str,
}
ROLES = tuple(role.value for role in Role)


def check_parameters(**params: object) -> dict:
    """Check notebook parameters' types and values before anything is read."""
    for name, value in params.items():
        expected = PARAMETER_TYPES.get(name)
        if expected is None:
            raise ParameterError(f"unknown parameter '{name}'; known: {', '.join(PARAMETER_TYPES)}")
        if not isinstance(value, expected):
            raise ParameterError(
                f"parameter '{name}' must be {expected.__name__} (got {type(value).__name__} "
                f"{value!r}); e.g. papermill -p {name} ..."
            )
    try:
        check_lang(params.get("lang", "nl"))
    except ValidationError as exc:
        raise ParameterError(f"parameter {exc}") from None
    if not SLUG.match(str(params.get("cohort", ""))):
        raise ParameterError(
            f"parameter 'cohort' must be a cohort id such as 'limburg-2020' "
            f"(got {params.get('cohort')!r})"
        )
    return params


def from_request(params: dict) -> dict:
    """What a dashboard page's request settles, over the notebook's parameters.

    Voila hands the kernel the page's query string (QUERY_STRING) and the server's environment.
    A cohort served to its group (`ww dashboard DIR`) fixes the cohort, its store and
    pseudonymisation in the server's environment (WW_DASHBOARD_*), and the person: the server
    knew them from their personal link and set HTTP_X_WW_PERSON and HTTP_X_WW_ROLE itself.
    A page's URL chooses only the language, and on a researcher's own server (no cohort
    fixed) the cohort. Pseudonymisation is never taken from a URL: a participant could remove it.
    """
    wait_for_request()
    env = os.environ
    query = urllib.parse.parse_qs(env.get("QUERY_STRING", ""))
    if query.get("lang"):
        params["lang"] = query["lang"][0]
    if env.get("WW_DASHBOARD_COHORT"):
        params |= {
            "cohort": env["WW_DASHBOARD_COHORT"],
            "store": env.get("WW_DASHBOARD_STORE", ""),
            "data_dir": env.get("WW_DASHBOARD_DATA", params["data_dir"]),
            "pseudonymise": env.get("WW_DASHBOARD_PSEUDONYMISE") == "1",
            "person": env.get("HTTP_X_WW_PERSON", ""),
            "role": env.get("HTTP_X_WW_ROLE", ""),
        }
        if not params["person"] or params["role"] not in ROLES:
            raise ParameterError(
                "this page was opened without a personal link; open the link you were sent"
            )
    else:
        if query.get("cohort"):
            params["cohort"] = query["cohort"][0]
        if env.get("WW_DASHBOARD_PSEUDONYMISE") == "1":
            params["pseudonymise"] = True
    return params


# Set by `ww dashboard` for its server and so for every kernel it starts: its pages have no
# plotly extension, so a figure is drawn by `wwlib.present.chart`.
DASHBOARD_ENV = "WW_DASHBOARD"

# What a warm (preheated) kernel does while it waits for its page's request: named, not
# imported, as it loads the widgets, the layer above this one.
WARM_UP = "wwlib.ui.warm"


_requested = False  # a preheated kernel has had its page's request


def wait_for_request() -> None:
    """In a preheated Voila kernel: warm up (`wwlib.ui.warm`), then wait until a page's request
    arrives (Voila then puts the request's query string and headers in the environment); once.
    Elsewhere: nothing."""
    global _requested
    if os.environ.get("VOILA_PREHEAT") != "True" or _requested:
        return
    importlib.import_module(WARM_UP).warm_up()
    from voila.utils import wait_for_request as wait

    wait()
    _requested = True
