"""The one catalogue of labels: Dutch by default, English with lang="en".

Labels live in the YAML files of this folder (one per area, merged; a key may appear only once).
Each entry has an `nl` and an `en` text; `{name}` placeholders are filled by `Labels.__call__`.

A text that counts something has singular and plural forms: a mapping with `one` and `other`
(and `zero` where "geen ..." reads better than "0 ..."), chosen by the count `n`:

    count.task: {nl: {one: "{n} taak", other: "{n} taken"}, en: {one: "{n} task", other: ...}}
    labels.count("count.task", 2) == "2 taken"

Numbers are written as the language writes them, in one place: `format_number` (0,83 and
12.629 in Dutch; 0.83 and 12,629 in English). A count `n` is written that way too.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from numbers import Integral

import yaml

from wwlib.core.errors import ValidationError

LANGUAGES = ("nl", "en")
# libyaml's loader when PyYAML has it: the catalogue's 600 labels load in about 0.03 s instead
# of 0.38 s, in every kernel of every run
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


PLURAL_FORMS = ("zero", "one", "other")
# the thousands and decimal separators as each language writes them
SEPARATORS = {"nl": (".", ","), "en": (",", ".")}

Text = str | dict[str, str]  # one text, or its plural forms


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    """Every label key with its texts, from all YAML files here."""
    merged: dict[str, dict[str, Text]] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for key, texts in yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER).items():
            if key in merged:
                raise ValueError(f"label '{key}' is defined twice (again in {entry.name})")
            for lang, text in texts.items():
                _check_forms(key, lang, text, entry.name)
            merged[key] = texts
    return merged


def _check_forms(key: str, lang: str, text: Text, file: str) -> None:
    """Plural forms need `one` and `other`, and may add `zero`; nothing else."""
    if isinstance(text, dict) and not (
        {"one", "other"} <= text.keys() <= set(PLURAL_FORMS)
        and all(isinstance(t, str) for t in text.values())
    ):
        raise ValueError(
            f"label '{key}' ({lang}, {file}) must be a text or plural forms one, other and "
            f"optionally zero (got {sorted(text)})"
        )


def format_number(value: float, lang: str, digits: int = 0) -> str:
    """`value` with `digits` decimals and thousands grouped, as `lang` writes numbers.

    `format_number(12629.5, "nl", 1) == "12.629,5"`; in English `"12,629.5"`.
    """
    thousands, decimal = SEPARATORS[check_lang(lang)]
    return f"{value:,.{digits}f}".translate(str.maketrans({",": thousands, ".": decimal}))


def format_percent(share: float, lang: str, digits: int = 1) -> str:
    """A share of 0–1 as a percentage: `format_percent(0.125, "nl") == "12,5 %"`."""
    return f"{format_number(share * 100, lang, digits)} %"


def plural_form(forms: dict[str, str], n: int) -> str:
    """The form for count `n`: `zero` (when given) for 0, `one` for 1, else `other`.

    Dutch and English agree on this rule: 0 and 2 or more take the plural.
    """
    if n == 0 and "zero" in forms:
        return forms["zero"]
    return forms["one"] if n == 1 else forms["other"]


def check_lang(lang: object) -> str:
    """Return `lang` if it is a supported language, else raise naming the field."""
    if lang not in LANGUAGES:
        raise ValidationError("lang", "nl or en", lang)
    return str(lang)


class Labels:
    """Labels in one language: `labels("key")`, `labels("key", name="Anna")` or, for a text
    with singular and plural forms, `labels.count("key", n)` (the same as `labels("key", n=n)`).
    """

    def __init__(self, lang: str = "nl"):
        self.lang = check_lang(lang)

    def __call__(self, key: str, **values: object) -> str:
        texts = catalogue().get(key)
        if texts is None:
            raise KeyError(f"no label '{key}' in the catalogue (wwlib/labels/*.yaml)")
        text = texts[self.lang]
        if isinstance(text, dict):
            if "n" not in values:
                raise KeyError(f"label '{key}' counts: give its count, labels.count('{key}', n)")
            n = values["n"]
            text = plural_form(text, n)
            values["n"] = self.number(n) if isinstance(n, Integral) else n
        return text.format(**values) if values else text

    def count(self, key: str, n: int, **values: object) -> str:
        """The form of `key` that agrees with `n`: "1 taak", "2 taken" (n written as a number)."""
        return self(key, n=n, **values)

    def number(self, value: float, digits: int = 0) -> str:
        """`format_number` in this language: 0,83 in Dutch, 0.83 in English."""
        return format_number(value, self.lang, digits)

    def percent(self, share: float, digits: int = 1) -> str:
        """`format_percent` in this language: '12,5 %'."""
        return format_percent(share, self.lang, digits)

    def get(self, key: str, default: str) -> str:
        """The label, or `default` when the key is not in the catalogue (e.g. data values)."""
        return self(key) if key in catalogue() else default
