"""Where stores live, making a cohort's store from its folder, and opening it for a notebook."""

from __future__ import annotations

import os
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

from wwlib.dataset import load_dataset
from wwlib.errors import ParameterError, StoreError, ValidationError
from wwlib.labels import Labels, check_lang
from wwlib.model import SLUG
from wwlib.pseudonym import Pseudonymiser
from wwlib.store import Store


def home() -> Path:
    """The workbook's own folder: $WW_HOME, or ~/.local/share/wij-werken."""
    return Path(
        os.environ.get("WW_HOME") or Path.home() / ".local" / "share" / "wij-werken"
    ).absolute()


def default_store_path(cohort_id: str) -> Path:
    """Where a cohort's store lives unless told otherwise."""
    return home() / "stores" / f"{cohort_id}.sqlite"


def cohort_id_of(folder: str | Path) -> str:
    """The id written in a cohort folder's cohort.yaml (validated with the rest on import)."""
    return load_dataset(folder).cohort.id


def init_cohort(
    folder: str | Path,
    store: str | Path | None = None,
    replace: bool = False,
    discard_unsaved: bool = False,
) -> Path:
    """Load a cohort folder into a new store; all or nothing. Returns the store's path.

    The store is built in a temporary file beside its destination and moved into place only when
    complete, so a failed import leaves no store and an existing one untouched. An existing store
    is only rebuilt with `replace=True`, in place (its change log kept), and only when it holds
    nothing the folder does not, unless `discard_unsaved`; a backup is kept beside it.
    """
    from wwlib.sync import replace_store
    from wwlib.sync_rows import baseline_of

    dataset = load_dataset(folder)
    path = Path(store) if store else default_store_path(dataset.cohort.id)
    if path.exists() and not replace:
        raise StoreError(
            f"store {path} exists already and holds what was typed during the week; open it as "
            "it is, bring folder edits in with `ww update`, or pass --replace to rebuild it "
            "from the folder (a backup is kept)"
        )
    if path.exists():
        with Store(path, actor="ww init") as old:
            replace_store(folder, old, dataset, discard_unsaved=discard_unsaved)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.unlink(tmp)
    try:
        with Store(tmp, actor="ww init", create=True) as new:
            new.load_dataset(dataset, source=str(Path(folder).resolve()))
            new.set_baseline(
                baseline_of(new.folder_rows(), Path(folder)), str(Path(folder).resolve()), "init"
            )
        try:  # a hard link never overwrites: two processes may init at once
            os.link(tmp, path)
        except FileExistsError:
            raise StoreError(
                f"store {path} was made by another process meanwhile; open it as it is"
            ) from None
    finally:
        for leftover in (tmp, f"{tmp}-wal", f"{tmp}-shm"):
            Path(leftover).unlink(missing_ok=True)
    return path


def open_cohort_store(
    folder: str | Path, store: str | Path | None = None, actor: str = "ww"
) -> Store:
    """The store of a cohort folder (`store`, or its default place), made first if missing."""
    path = _store_path(folder, store)
    if not path.exists():
        init_cohort(folder, path)
    return Store(path, actor=actor)


def existing_store(folder: str | Path, store: str | Path | None = None, actor: str = "ww") -> Store:
    """The store of a cohort folder, which must exist (`ww save` and `ww update` make none)."""
    path = _store_path(folder, store)
    if not path.exists():
        raise StoreError(
            f"there is no store at {path} for {folder} yet; make it with `ww init {folder}`"
        )
    return Store(path, actor=actor)


def _store_path(folder: str | Path, store: str | Path | None) -> Path:
    return Path(store) if store else default_store_path(cohort_id_of(folder))


@dataclass
class Workbook:
    """What a phase notebook works with: the store, labels and the pseudonymiser."""

    store: Store
    labels: Labels
    pseudonyms: Pseudonymiser
    lang: str
    pseudonymise: bool
    interactive: bool = True  # False in a static run (papermill): panels show HTML, not widgets

    @property
    def cohort(self):
        return self.store.cohort()

    def people(self):
        """The cohort's people with `name` as it may be shown (pseudonymised where needed)."""
        people = self.store.people()
        people["name"] = self.pseudonyms.names(people["id"])
        return people

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
    params = _from_query_string(
        dict(
            cohort=cohort,
            data_dir=data_dir,
            lang=lang,
            pseudonymise=pseudonymise,
            store=store,
            actor=actor,
            interactive=interactive,
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
    opened = Store(path, actor=params["actor"] or os.environ.get("USER", "notebook"))
    if opened.cohort().id != params["cohort"]:
        raise ParameterError(
            f"store {path} holds cohort '{opened.cohort().id}', not '{params['cohort']}'"
        )
    return Workbook(
        opened,
        Labels(params["lang"]),
        Pseudonymiser(opened.people(), params["pseudonymise"], opened.cohort().mentioned_names),
        params["lang"],
        params["pseudonymise"],
        params["interactive"],
    )


@contextmanager
def opened_workbook(
    folder, store=None, lang: str = "nl", pseudonymise: bool = False, actor: str = "ww"
) -> Iterator[Workbook]:
    """A static `Workbook` on a cohort folder's store (made when missing), closed afterwards.

    For commands such as `ww export`: no widgets, labels in `lang`, names as `pseudonymise`
    says, the cohort's mentioned names hidden too.
    """
    labels = Labels(lang)  # a wrong language fails before any store is made
    if not isinstance(pseudonymise, bool):
        raise ValidationError("pseudonymise", "true or false", pseudonymise)
    with open_cohort_store(folder, store, actor=actor) as opened:
        names = Pseudonymiser(opened.people(), pseudonymise, opened.cohort().mentioned_names)
        yield Workbook(opened, labels, names, lang, pseudonymise, interactive=False)
