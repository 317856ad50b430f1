"""The analysis day for a workbook: labelled tables, pseudonymised quotes, widgets, the export."""

from __future__ import annotations

import pandas as pd

from wwlib.app import cli
from wwlib.core.labels import Labels
from wwlib.core.pseudonym import Pseudonymiser
from wwlib.outputs import exports
from wwlib.present import look
from wwlib.present.workbook import Workbook
from wwlib.ui import QuotePanel, ShortlistPanel
from wwlib.ui.base import StaticView


def workbook(store, pseudonymise=False, lang="nl", interactive=False):
    names = Pseudonymiser(store.people(), pseudonymise, store.cohort().mentioned_names)
    return Workbook(store, Labels(lang), names, lang, pseudonymise, interactive=interactive)


def participant_names(store):
    people = store.people()
    return list(people.loc[people["role"] == "participant", "name"])


def all_text(frames) -> str:
    return "\n".join(
        " ".join(map(str, frame.columns)) + "\n" + frame.astype(str).to_string() for frame in frames
    )


def test_quotes_are_the_exact_transcript_text(lindeveen):
    wb = workbook(lindeveen)
    quotes = look.quotes_table(wb)
    codings = lindeveen.codings()
    first = look.tables(wb)["quotes"].iloc[0]
    text = lindeveen.transcript(first["interview"])[first["start"] : first["end"]]
    assert quotes.iloc[0]["Citaat"] == text
    assert quotes.groupby("Code").size().max() == 3
    assert set(quotes["Code"]) <= set(lindeveen.codes()["name"])
    assert len(codings) > len(quotes)


def test_pseudonymised_tables_name_no_participant(lindeveen):
    wb = workbook(lindeveen, pseudonymise=True)
    text = all_text(look.sheets(wb).values())
    for name in participant_names(lindeveen) + ["Henk", "Mirjam", "Fatima"]:
        assert name not in text, name
    assert "P01" in text


def test_tables_follow_the_store(lindeveen_copy):
    wb = workbook(lindeveen_copy)
    before = look.tables(wb)
    assert look.tables(wb) is before  # computed once per state of the store
    lindeveen_copy.set_shortlist(["digitaal-samenwerken"])
    assert look.tables(wb) is not before
    assert look.shortlist_table(wb)["Thema"].tolist() == ["Digitaal samenwerken"]


def test_english_headers(lindeveen):
    sheets = look.sheets(workbook(lindeveen, lang="en"))
    assert "Saturation" in sheets and "New codes" in sheets["Saturation"].columns


def test_xlsx_reads_back_sheet_by_sheet(lindeveen, tmp_path):
    wb = workbook(lindeveen)
    path = exports.analysis_xlsx(wb, tmp_path / "analyse.xlsx")
    read = pd.read_excel(path, sheet_name=None)
    made = look.sheets(wb)
    assert list(read) == list(made)
    for name, frame in made.items():
        assert read[name].shape == frame.shape, name
    assert read["Frequenties"]["Fragmenten"].sum() == made["Frequenties"]["Fragmenten"].sum()


def test_ww_export_xlsx(tmp_path, capsys):
    out = tmp_path / "tabellen.xlsx"
    assert cli.main(["export", "xlsx", "data/lindeveen-2026", str(out), "--lang", "en"]) == 0
    assert "Agreement" in pd.read_excel(out, sheet_name=None)
    assert cli.main(["export", "xlsx", "data/lindeveen-2026", str(out), "--compare-by", "x"]) == 1
    assert "choose one of organisation, municipality, function" in capsys.readouterr().err


def test_limburg_has_no_codings_and_says_so(limburg_store):
    wb = workbook(limburg_store)
    sheets = look.sheets(wb)
    assert sheets["Citaten"].empty and sheets["Overeenstemming"].empty
    assert sheets["Focusgroepen"].iloc[0]["Focusgroep"] == "Alle deelnemers samen"
    assert len(sheets["Shortlist thema's"]) == 5
    # a public record: its source holds no codings, none are still to come
    assert "geen coderingen in de bron" in QuotePanel(wb)._repr_html_()


def test_static_panels_show_tables(lindeveen):
    wb = workbook(lindeveen, pseudonymise=True)
    shortlist = ShortlistPanel(wb)
    assert isinstance(shortlist, StaticView)
    html = shortlist._repr_html_()
    assert "Focusgroep wijk en partners" in html and "Bas Willemsen" not in html
    quotes = QuotePanel(wb)._repr_html_()
    used = (look.tables(wb)["code_frequencies"]["fragments"] > 0).sum()
    assert quotes.count('class="ww-quote-group"') == quotes.count('class="ww-quote"') == used


def test_shortlist_panel_saves_every_change(lindeveen_copy):
    wb = workbook(lindeveen_copy, interactive=True)
    panel = ShortlistPanel(wb)
    panel.shortlist.value = ["Ruimte en leiderschap", "Wijkgericht werken"]
    assert lindeveen_copy.shortlist()["code"].tolist() == [
        "ruimte-en-leiderschap",
        "wijkgericht-werken",
    ]
    members = panel.groups.children[0].group[2]
    members.value = [*members.value, "Ineke Verhoeven"]  # she is in the other group: refused
    assert "ineke-verhoeven" not in lindeveen_copy.focus_groups().loc[0, "members"]
    assert "twee" in panel.status.value or "two" in panel.status.value
    members.value = [m for m in members.value if m != "Ineke Verhoeven"]  # typed fix: saved
    panel.new_group.value = "Iedereen"
    panel._on_add_group(None)
    assert lindeveen_copy.focus_groups()["name"].tolist()[-1] == "Iedereen"


def test_quote_panel_follows_the_code(lindeveen):
    panel = QuotePanel(workbook(lindeveen, interactive=True))
    code = panel.code.options[-1][1]
    panel.code.value = code
    first = look.quotes_table(panel.wb, code).iloc[0]["Citaat"][:30]
    assert first.split("'")[0][:20] in panel.quotes.value or first[:10] in panel.quotes.value
