"""The parameters every phase notebook starts with, their check, and Voila's query string."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, fields

from wwlib.core.errors import ParameterError, ValidationError
from wwlib.core.labels import check_lang
from wwlib.core.model import SLUG


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
}


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


def _from_query_string(params: dict) -> dict:
    """Voila passes the page's query string (?cohort=...&lang=en) to the kernel."""
    query = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    for name in ("cohort", "lang"):
        if query.get(name):
            params[name] = query[name][0]
    if query.get("pseudonymise"):
        params["pseudonymise"] = query["pseudonymise"][0] in ("1", "true", "ja", "yes")
    return params
