"""Finding what identifies a person in free text besides the names a cohort lists.

`scan` finds e-mail addresses, Dutch phone numbers (06-12345678, +31 6 ..., 043-1234567),
postcodes (with their house number: "6101 AB 12"), IBANs (that pass the mod-97 check) and BSNs
(nine digits that pass the 11-proef); numbers that look like an IBAN or a BSN but fail the
check are `doubtful`, for a person to look at. `person_names` asks the Dutch de-identification
library deduce which words are names. Loading deduce takes seconds and about a gigabyte, so
only `ww privacy` and pseudonymised static outputs call it (through a store that keeps what it
found), never a dashboard's kernel.
"""

from __future__ import annotations

import gc
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

KINDS = ("email", "phone", "postcode", "iban", "bsn")
_SCAN = re.compile(
    r"(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<iban>(?<![\w])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![\w]))"
    r"|(?P<phone>(?<![\w+])(?:\+31|0031|0)(?:[ -]?\(0\))?(?:[ -]?[0-9]){9}(?![0-9]))"
    r"|(?P<postcode>(?<![\w])[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}(?![\w])"
    r"(?: ?[0-9]{1,5}(?:[ -]?[a-zA-Z])?(?![\w]))?)"
    r"|(?P<bsn>(?<![\w.-])(?:[0-9]{9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3})(?![\w]|\.[0-9]))"
)
# a character every scanned kind has: texts without one are not scanned at all
_MAYBE = re.compile(r"[0-9@]")


@dataclass(frozen=True)
class Found:
    """A stretch of text that identifies someone: where, what, which kind."""

    start: int
    end: int
    text: str
    kind: str  # one of KINDS, or "name", "variant", "unlisted"
    code: str = ""  # what replaces it ('' for a scanned kind: the caller's marker)


def scan(text: str) -> Iterator[tuple[Found, bool]]:
    """Every scanned find in `text` with whether it holds (a failing IBAN or BSN does not)."""
    if not text or not _MAYBE.search(text):
        return
    for match in _SCAN.finditer(text):
        kind, value = match.lastgroup or "", match.group()
        if kind == "iban":
            value = _valid_iban_start(value) or value  # "NL91 ABNA 0417 1643 00 EN" is one
            holds = valid_iban(value)
        else:
            holds = valid_bsn(value) if kind == "bsn" else True
        yield Found(match.start(), match.start() + len(value), value, kind), holds


def _valid_iban_start(value: str) -> str:
    """The longest start of `value`, ending before a space, that is a valid IBAN ('' if none)."""
    cuts = [i for i, c in enumerate(value) if c == " "] + [len(value)]
    return next((value[:i] for i in reversed(cuts) if valid_iban(value[:i])), "")


def valid_bsn(value: str) -> bool:
    """Whether nine digits pass the 11-proef (9·d1 + 8·d2 + ... + 2·d8 − d9 ≡ 0 mod 11)."""
    digits = [int(c) for c in value if c.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=False)) - digits[8]
    return total % 11 == 0


def valid_iban(value: str) -> bool:
    """Whether an IBAN passes the mod-97 check (ISO 13616)."""
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


# -- names the cohort does not list -------------------------------------------------------------

PERSON_TAGS = ("persoon", "patient")


@cache
def _deduce():
    """Deduce, loaded once per process (about 2 s and 1 GB; a minute once after installing,
    when it builds its lookup tables into its own folder: one process at a time does that)."""
    import fcntl
    from importlib.resources import files

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from deduce import Deduce

    handle = os.open(str(files("deduce") / "data" / "lookup"), os.O_RDONLY)
    collecting = gc.isenabled()
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        # The load makes millions of objects; the garbage collector would walk them again and
        # again while they are made (6.5 s to load; 1.6 s without it, measured here)
        gc.disable()
        model = Deduce()
    finally:
        if collecting:
            gc.enable()
        os.close(handle)
        # Deduce sets the root logger to DEBUG on stdout (papermill then prints every cell
        # of `ww run --pseudonymise`): the process's logging is put back as it was.
        root.setLevel(level)
        root.handlers[:] = handlers
    # Its lookup tables are millions of objects that live as long as the process. Frozen, the
    # garbage collector no longer walks them, in later collections or when the process ends:
    # a process that loaded deduce took 7 s to exit, under 1 s frozen (measured here).
    gc.freeze()
    return model


def person_names(texts: Iterable[str]) -> set[str]:
    """Every stretch of the texts that deduce takes for a person's name ("Jan Jansen")."""
    deduce = _deduce()
    found: set[str] = set()
    for text in texts:
        if not text or not text.strip():
            continue
        document = deduce.deidentify(text)
        found.update(a.text for a in document.annotations if any(t in a.tag for t in PERSON_TAGS))
    return found
