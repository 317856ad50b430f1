"""The Workbook a phase notebook works with, and opening one on a cohort's store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wwlib.cohorts.home import default_store_path, init_cohort, open_cohort_store
from wwlib.cohorts.privacy import pseudonymiser
from wwlib.core.consent import consenting
from wwlib.core.errors import ParameterError, StoreError, ValidationError
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.present.parameters import NotebookParameters, check_parameters, from_request
from wwlib.store import Store


@dataclass
class Workbook:
    """What a phase notebook works with: the store, labels and the pseudonymiser."""

    store: Store
    labels: Labels
    pseudonyms: Pseudonymiser
    lang: str
    pseudonymise: bool
    interactive: bool = True  # False in a static run (papermill): panels show HTML, not widgets
    # Who acts: on a page of a cohort served to its group, the person of the personal link and
    # their role; in a notebook, `ww run` or a researcher's own server, nobody in particular
    # ('') with the facilitator's controls.
    person: str = ""
    role: str = "facilitator"

    @property
    def facilitates(self) -> bool:
        """Whether this page shows the facilitator's controls (rounds, locks, timers)."""
        return self.role == "facilitator"

    @property
    def cohort(self):
        return self.store.cohort()

    def people(self):
        """The cohort's people with `name` as it may be shown (pseudonymised where needed)."""
        people = self.store.people()
        people["name"] = self.pseudonyms.names(people["id"])
        return people

    def unquoted(self) -> set[str]:
        """The people whose words may not be quoted verbatim (no `consent_quotes` on record,
        `wwlib.core.consent`): no fragment of their interview is shown as a quote in a report
        or an export."""
        people = self.store.people()
        return set(people["id"]) - consenting(people, "quotes")

    def board_id(self, kind: str) -> str:
        """The first board of a kind (kickoff, ideas, theme, integration), or '' if none."""
        boards = self.store.boards()
        matching = boards[boards["kind"] == kind]["id"]
        return str(matching.iloc[0]) if len(matching) else ""

    def first_interview(self) -> str:
        """The first interview that has a transcript, or '' when there is none."""
        interviews = self.store.interviews()
        with_text = interviews[interviews["transcript"].notna()]["participant"]
        return str(with_text.iloc[0]) if len(with_text) else ""

    def plan_id(self, kind: str) -> str:
        """The first plan of a kind (theme or integration), or '' if none."""
        plans = self.store.plans()
        matching = plans[plans["kind"] == kind]["id"]
        return str(matching.iloc[0]) if len(matching) else ""


def open_workbook(
    cohort: str,
    data_dir: str = NotebookParameters.data_dir,
    lang: str = NotebookParameters.lang,
    pseudonymise: bool = NotebookParameters.pseudonymise,
    store: str = NotebookParameters.store,
    actor: str = "",
    interactive: bool = NotebookParameters.interactive,
) -> Workbook:
    """Open a cohort for a notebook: check the parameters, then open (or make) its store.

    `interactive` false (what `ww run` passes) gives static panels instead of widgets.
    """
    params = from_request(
        dict(
            cohort=cohort,
            data_dir=data_dir,
            lang=lang,
            pseudonymise=pseudonymise,
            store=store,
            actor=actor,
            interactive=interactive,
            person="",
            role="facilitator",
        )
    )
    check_parameters(**params)
    path = Path(params["store"]) if params["store"] else default_store_path(params["cohort"])
    if not path.exists():
        folder = Path(params["data_dir"]) / params["cohort"]
        if not (folder / "cohort.yaml").is_file():
            known = sorted(p.parent.name for p in Path(params["data_dir"]).glob("*/cohort.yaml"))
            raise ParameterError(
                f"unknown cohort '{params['cohort']}': no store at {path} and no folder {folder}; "
                f"known cohorts in {params['data_dir']}: {', '.join(known) or 'none'}"
            )
        try:
            init_cohort(folder, path)
        except StoreError:
            if not path.exists():
                raise
    # the change log names the person of a dashboard page, or who runs the notebook
    actor = params["person"] or params["actor"] or os.environ.get("USER", "notebook")
    opened = Store(path, actor=actor)
    if opened.cohort().id != params["cohort"]:
        raise ParameterError(
            f"store {path} holds cohort '{opened.cohort().id}', not '{params['cohort']}'"
        )
    return Workbook(
        opened,
        Labels(params["lang"]),
        # deduce's finds are computed in static runs only (`ww run`): loading it takes seconds
        pseudonymiser(
            opened,
            params["pseudonymise"],
            params["lang"],
            scan=params["pseudonymise"] and not params["interactive"],
        ),
        params["lang"],
        params["pseudonymise"],
        params["interactive"],
        params["person"],
        params["role"],
    )


@contextmanager
def opened_workbook(
    folder, store=None, lang: str = "nl", pseudonymise: bool = False, actor: str = "ww"
) -> Iterator[Workbook]:
    """A static `Workbook` on a cohort folder's store (made when missing), closed afterwards.

    For commands such as `ww export`: no widgets, labels in `lang`, names as `pseudonymise`
    says, the cohort's mentioned names and the names deduce finds hidden too.
    """
    labels = Labels(lang)  # a wrong language fails before any store is made
    if not isinstance(pseudonymise, bool):
        raise ValidationError("pseudonymise", "true or false", pseudonymise)
    with open_cohort_store(folder, store, actor=actor) as opened:
        names = pseudonymiser(opened, pseudonymise, lang, scan=pseudonymise)
        yield Workbook(opened, labels, names, lang, pseudonymise, interactive=False)
