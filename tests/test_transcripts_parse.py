"""wwlib.transcripts' parsers: the real layouts in the corpus, every bad file, and properties."""

from __future__ import annotations

import html
import io
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wwlib.core.errors import WorkbookError
from wwlib.core.model import Person
from wwlib.transcripts import TranscriptError, map_speakers, parse_bytes, parse_file
from wwlib.transcripts.plain import NOT_SPEAKERS, speaker_label
from wwlib.transcripts.records import clock_seconds

CORPUS = Path(__file__).resolve().parent / "fixtures" / "transcripts"
ZOOM = "GMT20240227-100312_Recording.transcript.vtt"
TEAMS_VTT = "Interview dinsdag 27 februari.vtt"
TEAMS_DOCX = "Wij-Werken interview dinsdag.docx"
BUILT = {"docx", "docx-teams", "vtt-zoom", "vtt-teams"}

# file, format, speakers in order, number of turns, first turn's words, its (start, end) time
GOOD = [
    ("chloe-peeters.txt", "txt", ["Femke Bos", "Chloë Peeters"], 6,
     "Fijn dat je tijd hebt, Chloë. Wat ging er goed in de afgelopen maanden?", (None, None)),
    ("p03.md", "md", ["Femke", "Chloë"], 4,
     "Fijn dat je tijd hebt. Wat ging er goed in de afgelopen maanden?", (None, None)),
    ("chloe-uitgewerkt.docx", "docx", ["Femke", "Chloë"], 4,
     "Fijn dat je tijd hebt. Wat ging er goed in de afgelopen maanden?", (None, None)),
    (TEAMS_DOCX, "docx-teams", ["Femke Bos", "Chloë Peeters (Guest)"], 7,
     "Goedemorgen Chloë, fijn dat je er bent. Hoor je me goed?", (4.0, None)),
    ("teams-classic-p03.docx", "docx-teams", ["Femke Bos", "Chloë Peeters"], 2,
     "Zullen we beginnen?", (0.0, 5.32)),
    (ZOOM, "vtt-zoom", ["F. Bos", "Chloë Peeters (Guest)", "Vergaderruimte 2.14"], 8,
     "Goedemorgen Chloë, fijn dat je er bent. Hoor je me goed?", (2.31, 6.82)),
    (TEAMS_VTT, "vtt-teams", ["Femke Bos", "Chloë Peeters (Guest)"], 8,
     "Goedemorgen Chloë, fijn dat je er bent.", (3.12, 6.48)),
    ("teams-graph-p03.vtt", "vtt-teams", ["Femke Bos", "Chloë Peeters"], 2,
     "Zullen we beginnen?", (0.0, 5.32)),
]  # fmt: skip
GOOD_FILES = [row[0] for row in GOOD]


def words(parsed, number: int) -> str:
    turn = parsed.turns[number]
    return parsed.text[turn.start : turn.end]


@pytest.mark.parametrize("name, fmt, speakers, count, first, times", GOOD, ids=GOOD_FILES)
def test_corpus_file_reads_into_its_turns(name, fmt, speakers, count, first, times):
    parsed = parse_file(CORPUS / name)
    assert (parsed.source, parsed.format, parsed.speakers()) == (name, fmt, speakers)
    assert len(parsed.turns) == count
    assert words(parsed, 0) == first
    assert (parsed.turns[0].time_start, parsed.turns[0].time_end) == times


@pytest.mark.parametrize("name", GOOD_FILES)
def test_turn_spans_are_in_order_and_cut_out_the_words(name):
    parsed = parse_file(CORPUS / name)
    previous_end = 0
    for turn in parsed.turns:
        assert previous_end <= turn.start < turn.end <= len(parsed.text)
        assert parsed.text[turn.start : turn.end] == parsed.text[turn.start : turn.end].strip()
        previous_end = turn.end


@pytest.mark.parametrize("name", [n for n, fmt, *_ in GOOD if fmt in ("txt", "md")])
def test_text_files_are_stored_as_decoded_with_the_bom_dropped(name):
    raw = (CORPUS / name).read_bytes()
    parsed = parse_file(CORPUS / name)
    assert parsed.text == raw.decode("utf-8").removeprefix("\ufeff")
    assert "\ufeff" not in parsed.text


def test_crlf_is_kept_in_a_plain_text_transcript():
    parsed = parse_file(CORPUS / "chloe-peeters.txt")
    assert parsed.text.count("\r\n") == 7
    assert words(parsed, 3) == (
        "De formulieren. Voor elke kleine uitgave drie handtekeningen.\r\nDat kost ons dagen."
    )


@pytest.mark.parametrize("name", [n for n, fmt, *_ in GOOD if fmt in BUILT])
def test_docx_and_vtt_text_is_built_as_speaker_paragraphs(name):
    parsed = parse_file(CORPUS / name)
    paragraphs = [
        f"{t.speaker}: {parsed.text[t.start : t.end]}"
        if t.speaker
        else parsed.text[t.start : t.end]
        for t in parsed.turns
    ]
    assert parsed.text == "\n\n".join(paragraphs)


# -- the quirks of each layout ------------------------------------------------------------


def test_zoom_merges_a_speakers_cues_and_keeps_a_cue_without_speaker():
    parsed = parse_file(CORPUS / ZOOM)
    merged = parsed.turns[3]
    assert (merged.speaker, merged.time_start, merged.time_end) == (
        "Chloë Peeters (Guest)", 17.05, 31.7,
    )  # fmt: skip
    assert words(parsed, 3).startswith("Het samenwerken met Westerkerk. Dat liep echt… …beter")
    nameless = parsed.turns[4]
    assert (nameless.speaker, words(parsed, 4)) == ("", "Nou ja: dat scheelde veel mailen.")
    assert "\n\nNou ja: dat scheelde" in parsed.text
    assert any("no speaker" in w for w in parsed.warnings)
    assert words(parsed, 7) == "De oude regels & procedures. Die zijn niet meer van deze tijd."


def test_teams_vtt_voices_without_end_tag_two_voices_entities_and_guid_ids():
    parsed = parse_file(CORPUS / TEAMS_VTT)
    assert words(parsed, 3) == (
        "Het samenwerken met Westerkerk & het welzijnswerk. We hadden "
        "elke ochtend een kort overleg <15 minuten>."
    )
    assert (parsed.turns[3].time_start, parsed.turns[3].time_end) == (13.05, 24.1)
    same_cue = parsed.turns[4:6]
    assert [t.speaker for t in same_cue] == ["Femke Bos", "Chloë Peeters (Guest)"]
    assert {(t.time_start, t.time_end) for t in same_cue} == {(24.8, 26.02)}
    assert [words(parsed, n) for n in (6, 7)] == [
        "En wat zit in de weg?",
        "De formulieren. Drie handtekeningen voor één uitgave.",
    ]
    assert "8f6d7c1e" not in parsed.text and "<v" not in parsed.text


def test_graph_api_short_timestamps_count_milliseconds():
    parsed = parse_file(CORPUS / "teams-graph-p03.vtt")
    assert (parsed.turns[1].time_start, parsed.turns[1].time_end) == (6.09, 12.08)


@pytest.mark.parametrize(
    "clock, seconds",
    [("0:04", 4), ("1:02", 62), ("1:01:15", 3675), ("00:01:02.500", 62.5), ("0:0:6.90", 6.09),
     ("0:0:5.320", 5.32), ("0:0:0.0", 0)],
)  # fmt: skip
def test_clock_seconds(clock, seconds):
    assert clock_seconds(clock) == seconds


def test_teams_docx_reads_turns_inside_paragraphs_and_leaves_the_header_out():
    parsed = parse_file(CORPUS / TEAMS_DOCX)
    assert words(parsed, 3) == (
        "Het samenwerken met Westerkerk. We hadden elke ochtend een kort overleg "
        "van een kwartier, en dan wist iedereen wat er speelde."
    )
    assert parsed.turns[-1].time_start == 3675.0
    assert "started transcription" not in parsed.text and "Meeting Recording" not in parsed.text
    assert "paragraph(s) 1, 2, 3, 11" in parsed.warnings[0]
    assert "started transcription" in parsed.warnings[0]


def test_typed_docx_joins_a_paragraph_without_name_to_the_turn_before():
    parsed = parse_file(CORPUS / "chloe-uitgewerkt.docx")
    assert words(parsed, 1) == (
        "Het samenwerken met Westerkerk. We belden elke ochtend even.\n"
        "Daardoor wist iedereen wat er speelde, ook het welzijnswerk."
    )
    assert "Datum" not in parsed.speakers()
    assert "paragraph(s) 1, 2" in parsed.warnings[0]


def test_markdown_heading_and_date_line_belong_to_no_turn():
    parsed = parse_file(CORPUS / "p03.md")
    assert parsed.warnings == ("lines 1-3 come before the first speaker and belong to no turn",)
    assert words(parsed, 1).endswith("ook de mensen van het welzijnswerk. 🙂")


def test_text_without_any_speaker_is_kept_with_a_warning():
    parsed = parse_bytes(b"Aantekeningen van het gesprek.\nGeen sprekers.\n", "notes.md")
    assert parsed.turns == () and "no speaker turns" in parsed.warnings[0]


@pytest.mark.parametrize(
    "line, speaker",
    [
        ("Joost van der Meulen: ja", "Joost van der Meulen"),
        ("**Femke:** Hoi", "Femke"),
        ("**Femke**: Hoi", "Femke"),
        ("dr. A. Jansen: Goedemorgen", "dr. A. Jansen"),
        ("Chloë Peeters (Guest): ja", "Chloë Peeters (Guest)"),
        ("Marit's iPhone: hallo", "Marit's iPhone"),
        ("Spreker 1: ja", "Spreker 1"),
        ("王小明: 你好", "王小明"),
        ("Anna:", "Anna"),
        ("Nou ja: dat was het", None),
        ("Dat is het punt: we moeten", None),
        ("10:30 begonnen we", None),
        ("https://example.org: link", None),
        ("# Kop: tekst", None),
        ("- Anna: lijstje", None),
        ("Datum: 27 februari 2024", None),
        ("Anna:tekst zonder spatie", None),
        ("Een heel lange zin met veel te veel Woorden Voor Een Naam: x", None),
    ],
)
def test_speaker_label(line, speaker):
    found = speaker_label(line)
    assert (found[0] if found else None) == speaker


# -- bad files: each names the file and the place -------------------------------------------

BAD = [
    ("empty.txt", "byte 0", "is empty"),
    ("latin1.txt", "line 2, column 5", "not UTF-8 text: byte 0xeb"),
    ("broken-timestamps.vtt", "line 8 (cue 2)",
     "broken cue timing '00:00:07.400 --> 00:00:0x.150'"),
    ("broken-timestamps.vtt", "line 12 (cue 3)", "impossible time"),
    ("broken-timestamps.vtt", "line 16 (cue 4)", "ends before it starts"),
    ("truncated.vtt", "line 36 (cue 9)", "broken cue timing '00:00:45.100 --> 00:00:5'"),
    ("truncated.docx", f"byte {(CORPUS / 'truncated.docx').stat().st_size} (end of file)",
     "incomplete Word file"),
    ("renamed.docx", "byte 0 (start of file)", "is not a Word .docx file"),
    ("not-a-docx.docx", "ZIP contents", "not a Word document (holds interview.txt)"),
]  # fmt: skip


@pytest.mark.parametrize("name, place, message", BAD, ids=[f"{n}-{p}" for n, p, _ in BAD])
def test_bad_corpus_file_names_the_file_and_the_place(name, place, message):
    with pytest.raises(TranscriptError) as caught:
        parse_file(CORPUS / name)
    assert isinstance(caught.value, WorkbookError)
    found = [p for p in caught.value.problems if p.file == name and p.place.endswith(place)]
    assert len(found) == 1 and message in found[0].message
    assert name in str(caught.value) and place in str(caught.value)


ZOOM_TEXT = (CORPUS / ZOOM).read_text("utf-8")
MADE_BAD = [
    ("blank.md", b"  \n\n \n", "lines 1-4", "only white space"),
    ("utf16.txt", "Anna: hoi".encode("utf-16"), "byte 0", "UTF-16"),
    ("utf16-no-bom.md", "Femke: Hoi\nAnna: Dag".encode("utf-16-le"), "line 1", "NUL characters"),
    ("cut.txt", "Anna: één 🙂".encode()[:-1], "line 1, column 11", "cut off"),
    ("header.vtt", b"1\n00:00:01.000 --> 00:00:02.000\nAnna: hoi\n", "line 1",
     "must start with WEBVTT"),
    ("no-cues.vtt", b"WEBVTT\n\n", "lines 1-3", "no spoken text"),
    ("cut-after-id.vtt", ZOOM_TEXT[: ZOOM_TEXT.index("00:00:45.100")].encode(), "line 35",
     "ends inside a cue"),
    ("long-ms.vtt", b"WEBVTT\n\n00:00:04.3001 --> 00:00:05.000\nA: b\n", "line 3", "broken cue"),
    ("empty.docx", b"", "byte 0", "is empty"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "byte 0 (start of file)",
     "an old Word .doc"),
    ("interview.pdf", b"%PDF-1.7", "file name", "cannot be imported (.pdf)"),
]  # fmt: skip


@pytest.mark.parametrize("name, data, place, message", MADE_BAD, ids=[r[0] for r in MADE_BAD])
def test_bad_bytes_name_the_file_and_the_place(name, data, place, message):
    with pytest.raises(TranscriptError) as caught:
        parse_bytes(data, name)
    [found] = caught.value.problems
    assert (found.file, found.place) == (name, place)
    assert message in found.message


def test_docx_without_turns_names_its_paragraphs():
    document = docx.Document()
    for text in ("Verslag", "Een tekst zonder sprekers."):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(TranscriptError, match=r"paragraphs 1-2: holds no speaker turns"):
        parse_bytes(buffer.getvalue(), "verslag.docx")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(TranscriptError, match="p09.vtt: does not exist"):
        parse_file(tmp_path / "p09.vtt")


# -- properties: any Unicode name and text comes back as turns that cut out exactly its words --

EMOJI = st.sampled_from(["😀", "👩🏽‍💻", "🇳🇱", "𝒜", "𠀀", "e\u0301", "n\u0303"])
NAME_WORD = st.builds(
    lambda first, rest: first + "".join(rest),
    st.characters(categories=["Lu"]).filter(str.isupper),
    st.lists(st.characters(categories=["Ll", "Lo", "Mn", "Nd"]) | EMOJI, max_size=6),
)
NAME = (
    st.lists(NAME_WORD, min_size=1, max_size=3)
    .map(" ".join)
    .filter(lambda name: name.casefold() not in NOT_SPEAKERS and len(name) <= 60)
)
SAFE = st.characters(
    blacklist_categories=["Cc", "Cs", "Cn", "Co", "Zl", "Zp"], blacklist_characters="\r\n"
)
WORDS = (
    st.lists(SAFE | EMOJI, min_size=1, max_size=40)
    .map("".join)
    .filter(lambda text: text == text.strip() and text != "")
    .filter(lambda text: "-->" not in text)
)
TURNS = st.lists(st.tuples(NAME, WORDS), min_size=1, max_size=6)
PROPERTY = settings(max_examples=60, deadline=None)
PROPERTY_DOCX = settings(max_examples=25, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


def merged(turns: list[tuple[str, str]], joiner: str = " ") -> list[tuple[str, str]]:
    """What a parser that merges a speaker's consecutive pieces must give."""
    result: list[tuple[str, str]] = []
    for speaker, text in turns:
        if result and result[-1][0] == speaker:
            result[-1] = (speaker, result[-1][1] + joiner + text)
        else:
            result.append((speaker, text))
    return result


def read_back(parsed) -> list[tuple[str, str]]:
    return [(t.speaker, parsed.text[t.start : t.end]) for t in parsed.turns]


@PROPERTY
@given(TURNS, st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\n"]))
def test_property_plain_text_turns(turns, newline, blank):
    text = (newline + blank).join(f"{name}: {words}" for name, words in turns) + newline
    parsed = parse_bytes(text.encode("utf-8"), "p01.md")
    assert parsed.text == text
    assert read_back(parsed) == turns


@PROPERTY
@given(TURNS)
def test_property_zoom_vtt_turns(turns):
    cues = [
        f"{n}\n00:00:{n:02d}.000 --> 00:00:{n:02d}.500\n{name}: {html.escape(words, quote=False)}"
        for n, (name, words) in enumerate(turns, start=1)
    ]
    parsed = parse_bytes(("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode(), "zoom.vtt")
    assert parsed.format == "vtt-zoom"
    assert read_back(parsed) == merged(turns)


@PROPERTY
@given(TURNS, st.booleans())
def test_property_teams_vtt_turns(turns, close_voice):
    end = "</v>" if close_voice else ""
    cues = [
        f"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/{n}-0\n00:00:{n:02d}.000 --> 00:00:{n:02d}.900\n"
        f"<v {name}>{html.escape(words, quote=False)}{end}"
        for n, (name, words) in enumerate(turns, start=1)
    ]
    parsed = parse_bytes(("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode(), "teams.vtt")
    assert parsed.format == "vtt-teams"
    assert read_back(parsed) == merged(turns)


def docx_bytes(paragraphs: list[list[str]]) -> bytes:
    """A .docx with one paragraph per item, its lines separated by line breaks."""
    document = docx.Document()
    for lines in paragraphs:
        paragraph = document.add_paragraph(lines[0])
        for line in lines[1:]:
            paragraph.add_run().add_break()
            paragraph.add_run(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@PROPERTY_DOCX
@given(TURNS)
def test_property_typed_docx_turns(turns):
    parsed = parse_bytes(docx_bytes([[f"{name}: {words}"] for name, words in turns]), "p01.docx")
    assert parsed.format == "docx"
    assert read_back(parsed) == turns


@PROPERTY_DOCX
@given(st.lists(st.tuples(NAME, st.lists(WORDS, min_size=1, max_size=3)), min_size=1, max_size=5))
def test_property_teams_docx_turns(turns):
    paragraphs = [["Interview"]] + [[f"{name}   0:{n:02d}", *lines] for n, (name, lines) in
                                    enumerate(turns)]  # fmt: skip
    parsed = parse_bytes(docx_bytes(paragraphs), "teams.docx")
    assert parsed.format == "docx-teams"
    assert read_back(parsed) == merged([(name, " ".join(lines)) for name, lines in turns])


def test_offsets_count_code_points_not_bytes_or_utf16_units():
    before = "👩🏽‍💻 Notities over e\u0301e\u0301n 🇳🇱 gesprek\n"
    text = before + "Zoë 😀: Één 𝒜 woord\u0303 🙂\n"
    parsed = parse_bytes(text.encode("utf-8"), "p01.md")
    [turn] = parsed.turns
    assert turn.speaker == "Zoë 😀"
    assert turn.start == len(before) + len("Zoë 😀: ")
    assert len(text.encode("utf-16-le")) // 2 > len(text)  # UTF-16 would count differently
    assert text[turn.start : turn.end] == "Één 𝒜 woord\u0303 🙂"


# -- speakers to people ------------------------------------------------------------------------

PEOPLE = [
    Person("anna-jansen", "Anna Jansen", "participant", "P01"),
    Person("bram-de-vries", "Bram de Vries", "participant", "P02"),
    Person("chloe-peeters", "Chloë Peeters", "participant", "P03"),
    Person("anna-de-boer", "Anna de Boer", "participant", "P04"),
    Person("femke-bos", "Femke Bos", "facilitator", "F01"),
]


@pytest.mark.parametrize(
    "label, prefer, person, how",
    [
        ("Anna Jansen", (), "anna-jansen", "full name"),
        ("ANNA  JANSEN", (), "anna-jansen", "full name"),
        ("Chloe Peeters", (), "chloe-peeters", "full name"),
        ("P03", (), "chloe-peeters", "id or pseudonym"),
        ("bram-de-vries", (), "bram-de-vries", "id or pseudonym"),
        ("Chloë Peeters (Guest)", (), "chloe-peeters", "name without brackets and dots"),
        ("Femke Bos (extern)", (), "femke-bos", "name without brackets and dots"),
        ("Femke Bos (Gast)", (), "femke-bos", "name without brackets and dots"),
        ("Bram de Vries.", (), "bram-de-vries", "name without brackets and dots"),
        ("Bos, Femke", (), "femke-bos", "name without brackets and dots"),
        ("Femke Bos - Onderzoeksbureau", (), "femke-bos", "name without brackets and dots"),
        ("F. Bos", (), "femke-bos", "initials and surname"),
        ("Jansen, A. (Anna)", (), "anna-jansen", "initials and surname"),
        ("Femke", (), "femke-bos", "first name"),
        ("Peeters", (), "chloe-peeters", "surname"),
        ("de Vries", (), "bram-de-vries", "surname"),
        ("Vries", (), "bram-de-vries", "surname"),
        ("Anna", (), None, "ambiguous"),
        ("Anna", ("anna-de-boer", "femke-bos"), "anna-de-boer", "first name"),
        ("Vergaderruimte 2.14", (), None, "not mapped"),
        ("Marit Hofstede", (), None, "not mapped"),
        ("", (), None, "no speaker"),
    ],
)
def test_speakers_map_to_people(label, prefer, person, how):
    match = map_speakers([label], PEOPLE, prefer)[label]
    assert (match.person, match.how) == (person, how)
    if how == "ambiguous":
        assert match.candidates == ("anna-de-boer", "anna-jansen")
        assert "could be anna-de-boer, anna-jansen" in str(match)
