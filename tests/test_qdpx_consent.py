"""A QDPX project says a person consented to be named only as the consent rule does
(`wwlib.core.consent`): `ja` with the day it was given on record."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from lxml import etree

from wwlib.cohorts.home import init_cohort
from wwlib.qdpx.write import project_files
from wwlib.store import Store

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
NS = {"q": "urn:QDA-XML:project:1.0"}


def consent_named_of_cases(content) -> dict[str, str]:
    root = etree.fromstring(project_files(content).qde)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    said = {}
    for case in root.iterfind(".//q:Case", NS):
        for value in case.iterfind("q:VariableValue", NS):
            if variables[value.find("q:VariableRef", NS).get("targetGUID")] == "consent_named":
                said[case.get("name")] = value[1].text
    return said


def test_yes_without_the_day_on_record_is_exported_as_no_consent(tmp_path):
    with Store(init_cohort(MINI, tmp_path / "mini.sqlite")) as store:
        content = store.exchange_content()
    day = dt.date(2024, 2, 26)
    first, second, *rest = content.people
    people = [
        replace(first, consent_named=True, consent_date=day),
        replace(second, consent_named=True, consent_date=None),
        *rest,
    ]
    said = consent_named_of_cases(replace(content, people=people))
    assert said[first.name] == "true"
    assert said[second.name] == "false"
    assert people[0].consented("named") and not people[1].consented("named")
