"""A synthetic national programme: one store per cohort, as ~340 municipalities would make.

    generate(folder, cohorts=340, interviews=10, fragments=150) -> [national-001.sqlite, ...]

Each cohort gets one participant per interview and two facilitators who interview and code; a
shared codebook of 40 codes over the five categories; one transcript per interview of
`fragments` spoken fragments of 150-250 characters; and codings whose popularity is Zipf-like,
with participants in three latent clusters that prefer different codes. The first facilitator
codes every interview, the second re-codes 30 % of them, agreeing on about 80 % of fragments.

The stores are made the product's way: model records (`wwlib.core.model`) in a `Dataset`, written
by the store's own bulk load (`Store.load_dataset`), so schema, triggers and GUIDs are real.
A manifest records the generator's version and parameters; a folder that matches is reused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from itertools import accumulate, repeat
from pathlib import Path

from wwlib.core.model import Code, Coding, Cohort, Fragment, Interview, Person, Transcript
from wwlib.folder.dataset import Dataset
from wwlib.folder.identity import speaker_turns
from wwlib.store import Store

VERSION = 1  # bump when the generated content changes, so old folders are made again
MANIFEST = "manifest.json"
SEED = 2026
CLUSTERS = 3
PREFERRED = 6  # codes a cluster prefers, outside the nationally most popular ones
BOOST = 10  # how much more a cluster uses the codes it prefers
SECOND_CODER_SHARE = 0.3  # of the interviews, re-coded by the second facilitator
AGREEMENT = 0.8  # share of fragments where the second coder gives the first coder's codes
TWO_CODES = 0.131  # share of fragments with two codes: ~750,000 codings at full size
MEMO_SHARE = 0.02

CODEBOOK = {
    "success_factor": [
        "Korte lijnen", "Vertrouwen en mandaat", "Samen met partners", "Eén aanspreekpunt",
        "Gedeeld doel", "Zichtbare leiding", "Snelle besluiten", "Kennis van de wijk",
    ],
    "theme": [
        "Wijkgericht werken", "Vitaliteit en werkdruk", "Informatie en communicatie",
        "Ruimte en leiderschap", "Samenwerking in de keten", "Inwoners betrekken",
        "Digitale dienstverlening", "Wonen en zorg",
    ],
    "idea_or_need": [
        "Vaste ochtendronde", "Wijkbudget", "Gedeelde agenda", "Scholing voor teams",
        "Eén loket", "Tijd voor evaluatie", "Flexibele pool", "Heldere regels voor inkoop",
    ],
    "obstacle": [
        "Regeldruk", "Verkokering", "Hoge werkdruk", "Onduidelijk mandaat",
        "Budget per potje", "Wisselende bezetting", "Trage besluitvorming", "Wantrouwen",
    ],
    "way_to_deal": [
        "Mandaat vastleggen", "Pilot in een wijk", "Budgetten bundelen", "Werkdruk bespreken",
        "Partners aan tafel", "Evaluatie inplannen", "Ambassadeurs aanwijzen", "Regels schrappen",
    ],
}  # fmt: skip
PLACE_STARTS = [
    "Linde", "Bram", "Eller", "Oost", "West", "Noord", "Zuid", "Hoog", "Laag", "Groen",
    "Beek", "Molen", "Dijk", "Zand", "Berg", "Wald", "Heide", "Veen", "Broek", "Kamp",
]  # fmt: skip
PLACE_ENDS = [
    "veen", "dorp", "hoven", "wijk", "horst", "berg", "dam", "land", "stad", "haven",
    "broek", "sum", "lo", "recht", "meer", "ooi", "ede",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Bas", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanna", "Ivo", "Joost", "Karin",
    "Lars", "Marit", "Naima", "Otto", "Petra", "Ruud", "Sanne", "Thijs", "Ugur", "Vera",
    "Wim", "Yara", "Zeynep", "Ineke", "Dennis", "Marloes", "Kees", "Fatima", "Rik",
]  # fmt: skip
SURNAMES = [
    "de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Kamphuis", "Bakkali", "Hofstede", "van der Meulen",
    "Yilmaz", "Verhoeven", "Willemsen",
]  # fmt: skip
DEPARTMENTS = ["Sociaal Domein", "Openbare Ruimte", "Dienstverlening", "Bedrijfsvoering"]
PARTNERS = ["Woonstichting", "Stichting Welzijn"]
FUNCTIONS = [
    "beleidsmedewerker", "teamleider", "wijkcoördinator", "adviseur", "medewerker KCC",
    "opbouwwerker", "consulent", "projectleider",
]  # fmt: skip
QUESTIONS = [
    "Als je terugkijkt op het afgelopen jaar, wat is je dan het meest bijgebleven?",
    "Wat ging er goed, en wat maakte dat het goed ging?",
    "Kun je een moment noemen waarop de samenwerking echt werkte?",
    "Welke ruimte kreeg je om zelf te beslissen?",
    "Wat wil je vasthouden in het gewone werk?",
    "Welke thema's zijn daarbij voor jou het belangrijkst?",
    "Welke ideeën heb je, en wat heb je daarvoor nodig?",
    "Wat staat dat in de weg?",
    "Hoe zou je met die belemmeringen om kunnen gaan?",
    "Hoe gaat het nu met jou en je team?",
    "Wanneer is deze week over een jaar geslaagd?",
]
WORDS = (
    "we de het een in wijk team gemeente inwoners samen werk tijd ruimte vertrouwen overleg "
    "partners budget regels collega's ochtend snel gewoon eigenlijk echt nu weer toen altijd "
    "nooit vaak soms goed lastig moeilijk mooi nodig belangrijk besluit mandaat lijnen loket "
    "zorg wonen welzijn buurt straat school project plan aanpak rol taak vraag antwoord "
    "leidinggevende directie bestuur wethouder raad budgetten potjes formulieren evaluatie "
    "afspraak afspraken kennis ervaring werkdruk verzuim energie trots zorgen ideeën pilot "
    "hebben moeten kunnen willen zien doen maken regelen vragen helpen bellen praten houden"
).split()


def generate(
    folder: Path,
    cohorts: int = 340,
    interviews: int = 10,
    fragments: int = 150,
    seed: int = SEED,
    jobs: int = 2,
) -> list[Path]:
    """One store per cohort in `folder` (national-001.sqlite, ...), reused when they match.

    Deterministic for a seed (the GUIDs and log times aside, which the store makes itself).
    """
    folder, params = Path(folder), _params(cohorts, interviews, fragments, seed)
    paths = store_paths(folder, cohorts)
    if is_current(folder, cohorts, interviews, fragments, seed):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    for old in folder.glob("national-*.sqlite*"):
        old.unlink()
    start = time.perf_counter()
    args = (paths, range(1, cohorts + 1), repeat(interviews), repeat(fragments), repeat(seed))
    if jobs == 1:
        codings = sum(map(_make_store, *args))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            codings = sum(pool.map(_make_store, *args, chunksize=4))
    made = params | {"codings": codings, "seconds": round(time.perf_counter() - start, 1)}
    (folder / MANIFEST).write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
    return paths


def manifest(folder: Path) -> dict:
    """What the generator wrote about a folder (parameters, codings, seconds), or {}."""
    path = Path(folder) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def is_current(
    folder: Path, cohorts: int, interviews: int, fragments: int, seed: int = SEED
) -> bool:
    """Whether `folder` holds every store this generator version makes for these parameters."""
    params, found = _params(cohorts, interviews, fragments, seed), manifest(folder)
    same = {k: found.get(k) for k in params} == params
    return same and all(p.is_file() for p in store_paths(folder, cohorts))


def store_paths(folder: Path, cohorts: int) -> list[Path]:
    """The store files of the first `cohorts` cohorts in `folder`."""
    return [Path(folder) / f"{cohort_id(n)}.sqlite" for n in range(1, cohorts + 1)]


def cohort_id(number: int) -> str:
    """The id of the n-th cohort (from 1): national-001, national-002, ..."""
    return f"national-{number:03d}"


def _params(cohorts: int, interviews: int, fragments: int, seed: int) -> dict:
    return {
        "version": VERSION,
        "cohorts": cohorts,
        "interviews": interviews,
        "fragments": fragments,
        "seed": seed,
    }


def _make_store(path: Path, number: int, interviews: int, fragments: int, seed: int) -> int:
    """Write one cohort's store through a temporary file; returns its number of codings."""
    dataset = synthetic_cohort(number, interviews, fragments, seed)
    tmp = path.with_name(f".{path.name}.tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    with Store(tmp, actor="benchmarks/national_data.py", create=True) as store:
        store.load_dataset(dataset, source="synthetic")
    os.replace(tmp, path)
    return len(dataset.codings)


# -- one cohort ---------------------------------------------------------------------------


def synthetic_cohort(number: int, interviews: int, fragments: int, seed: int = SEED) -> Dataset:
    """The model records of one synthetic cohort, as the dataset loader would return them."""
    rng = random.Random(f"{seed}-{number}")
    cohort = _cohort(rng, number, seed)
    clusters = [i % CLUSTERS for i in range(interviews)]  # latent: not in the store
    rng.shuffle(clusters)
    facilitators, participants = _people(rng, cohort, clusters)
    ds = Dataset(Path("synthetic") / cohort.id, cohort, people=facilitators + participants)
    ds.codes = list(codebook())
    weights = [_cluster_weights(cluster, seed) for cluster in range(CLUSTERS)]
    double_coded = max(1, round(SECOND_CODER_SHARE * interviews))
    for position, (participant, cluster) in enumerate(zip(participants, clusters, strict=True)):
        interviewer = facilitators[position % 2]
        ds.interviews.append(
            Interview(participant.id, interviewer.id, "coded", cohort.start + dt.timedelta(1))
        )
        text, spans = _transcript(rng, interviewer.name, participant.name, fragments, seed)
        ds.transcripts.append(Transcript(participant.id, f"{participant.id}.md", text))
        second = facilitators[1].id if position < double_coded else None
        coders = (facilitators[0].id, second)
        ds.codings += _codings(rng, participant.id, spans, weights[cluster], *coders)
    ds.speaker_turns = speaker_turns(ds)  # as the folder reader does: turns with their people
    return ds


def _cohort(rng: random.Random, number: int, seed: int) -> Cohort:
    places = _places(seed)
    home = places[(number - 1) % len(places)]
    municipalities = (home,) if rng.random() < 0.7 else (home, rng.choice(places))
    start = dt.date(2026, 1, 5) + dt.timedelta(weeks=(number - 1) % 100)
    return Cohort(
        id=cohort_id(number),
        title=f"Wij-Werken Week {home}",
        municipalities=tuple(dict.fromkeys(municipalities)),
        start=start,
        end=start + dt.timedelta(days=4),
        research_question=f"Hoe houden we vast wat werkte in {home}?",
        prioritised_themes=tuple(_slug(name) for name in CODEBOOK["theme"][:3]),
        source="Synthetisch cohort voor de landelijke benchmark (benchmarks/national_data.py).",
        interview_guide=tuple(QUESTIONS),
    )


def _people(rng: random.Random, cohort: Cohort, clusters: list[int]):
    """Two facilitators and one participant per cluster given; a cluster leans to an
    organisation, so that comparing organisations finds something."""
    pool = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    wanted = len(clusters) + 2
    if wanted > len(pool):  # one very large cohort (the search benchmark): names repeat, numbered
        pool = [f"{name} {n}" for n in range(1, wanted // len(pool) + 2) for name in pool]
    names = rng.sample(pool, wanted)
    home = cohort.municipalities[0]
    organisations = [f"Gemeente {home} ({d})" for d in DEPARTMENTS]
    organisations += [f"{p} {home}" for p in PARTNERS]
    facilitators = [
        Person(_slug(name), name, "facilitator", f"F{i:02d}", "Wij-Werken", home)
        for i, name in enumerate(names[:2], start=1)
    ]
    people = [
        Person(
            _slug(name),
            name,
            "participant",
            f"P{i:02d}",
            organisation=_organisation(rng, organisations, cluster),
            municipality=rng.choice(cohort.municipalities),
            function=rng.choice(FUNCTIONS),
            consent_named=rng.random() < 0.6,
        )
        for i, (name, cluster) in enumerate(zip(names[2:], clusters, strict=True), start=1)
    ]
    return facilitators, people


def _organisation(rng: random.Random, organisations: list[str], cluster: int) -> str:
    """Mostly the organisation the participant's cluster leans to, else any."""
    return organisations[cluster] if rng.random() < 0.6 else rng.choice(organisations)


@lru_cache
def codebook() -> tuple[Code, ...]:
    """The shared codebook: eight codes per category, the same ids in every cohort."""
    return tuple(
        Code(_slug(name), category, name, description=f"{name} ({category.replace('_', ' ')}).")
        for category, names in CODEBOOK.items()
        for name in names
    )


@lru_cache
def _cluster_weights(cluster: int, seed: int) -> list[float]:
    """Cumulative Zipf-like weights of the codes, boosted for the codes a cluster prefers.

    The national order is Zipf (weight 1/rank); each cluster prefers codes of its own, none of
    them among the four most popular, so that a cluster's codes are not drowned by those.
    """
    count = len(codebook())
    order = random.Random(seed).sample(range(count), count)  # codes, most popular first
    weights = [0.0] * count
    for rank, index in enumerate(order, start=1):
        weights[index] = 1.0 / rank
    preferred = order[4:][cluster * PREFERRED : (cluster + 1) * PREFERRED]
    for index in preferred:
        weights[index] *= BOOST
    return list(accumulate(weights))


def _places(seed: int) -> list[str]:
    places = [a + b for a in PLACE_STARTS for b in PLACE_ENDS]
    return random.Random(seed).sample(places, len(places))


def _slug(name: str) -> str:
    plain = name.lower().replace("é", "e").replace("'", "")
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


# -- transcripts and codings --------------------------------------------------------------


@lru_cache
def _sentences(seed: int) -> tuple[str, ...]:
    """A pool of Dutch-ish sentences without colons (a colon could read as a speaker)."""
    rng = random.Random(f"{seed}-sentences")
    pool = []
    for _ in range(4000):
        words = rng.choices(WORDS, k=rng.randint(6, 15))
        pool.append(" ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"]))
    return tuple(pool)


def _transcript(rng: random.Random, interviewer: str, participant: str, count: int, seed: int):
    """The text of one interview and the spans of its `count` answer fragments."""
    sentences, parts, spans, position = _sentences(seed), [], [], 0
    while len(spans) < count:
        parts.append(f"{interviewer}: {rng.choice(QUESTIONS)}\n\n{participant}: ")
        position += len(parts[-1])
        for paragraph in range(min(rng.randint(1, 3), count - len(spans))):
            if paragraph:
                parts.append("\n\n")
                position += 2
            fragment = _fragment_text(rng, sentences)
            spans.append((position, position + len(fragment)))
            parts.append(fragment)
            position += len(fragment)
        parts.append("\n\n")
        position += 2
    return "".join(parts), spans


def _fragment_text(rng: random.Random, sentences: tuple[str, ...]) -> str:
    """Sentences until the text is 150 characters or more (at most about 250)."""
    text = rng.choice(sentences)
    while len(text) < 150:
        text += " " + rng.choice(sentences)
    return text[:250].rstrip()


def _codings(rng, interview, spans, cum_weights, coder, second) -> list[Coding]:
    """The first coder's codings of every fragment, and the second coder's if there is one."""
    codings = []
    for start, end in spans:
        codes = _draw(rng, cum_weights)
        memo = "Mooi citaat voor het verslag." if rng.random() < MEMO_SHARE else ""
        fragment = Fragment(interview, start, end)
        codings += [Coding(fragment, code, coder, memo) for code in codes]
        if second:
            if rng.random() >= AGREEMENT:
                codes = _draw(rng, cum_weights)  # a disagreement (it may agree by chance)
            fragment = _shifted(rng, interview, start, end)
            codings += [Coding(fragment, code, second) for code in codes]
    return codings


def _draw(rng: random.Random, cum_weights: list[float]) -> list[str]:
    """One code, or two different ones, drawn by the cluster's weights."""
    codes = codebook()
    first = rng.choices(codes, cum_weights=cum_weights)[0].id
    if rng.random() >= TWO_CODES:
        return [first]
    other = first
    while other == first:
        other = rng.choices(codes, cum_weights=cum_weights)[0].id
    return [first, other]


def _shifted(rng: random.Random, interview: str, start: int, end: int) -> Fragment:
    """The same span, or (one time in three) one moved a few characters inside it."""
    if rng.random() < 2 / 3:
        return Fragment(interview, start, end)
    new_start = start + rng.randint(0, 12)
    new_end = max(new_start + 1, end - rng.randint(0, 12))
    return Fragment(interview, new_start, new_end)
