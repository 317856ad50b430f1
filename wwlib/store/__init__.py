"""The store: one SQLite file per cohort, the live truth. All SQL lives in this package."""

from __future__ import annotations

from wwlib.store.boards import BoardMixin
from wwlib.store.codebook import CodebookMixin
from wwlib.store.core import StoreCore
from wwlib.store.exchange import ExchangeMixin
from wwlib.store.folder import FolderMixin
from wwlib.store.forget import ForgetMixin
from wwlib.store.groups import GroupMixin
from wwlib.store.load import LoadMixin
from wwlib.store.plans import PlanMixin
from wwlib.store.privacy import PrivacyMixin
from wwlib.store.reads import ReadMixin
from wwlib.store.schema import SCHEMA_VERSION
from wwlib.store.search import SearchMixin
from wwlib.store.session import SessionMixin
from wwlib.store.transcripts import TranscriptMixin
from wwlib.store.votes import VoteMixin
from wwlib.store.writes import WriteMixin

__all__ = ["Store", "SCHEMA_VERSION"]


class Store(
    LoadMixin,
    ReadMixin,
    WriteMixin,
    TranscriptMixin,
    CodebookMixin,
    GroupMixin,
    BoardMixin,
    VoteMixin,
    PlanMixin,
    ExchangeMixin,
    FolderMixin,
    ForgetMixin,
    SessionMixin,
    PrivacyMixin,
    SearchMixin,
    StoreCore,
):
    """One cohort's store: `Store(path)` opens it, `Store(path, create=True)` makes it."""
