"""A live session under load: 9 participants and 2 facilitators on one board, all at once.

    .venv/bin/python benchmarks/live_session.py [--preheat 0,11] [--notebook 01_kickoff]

For each preheat (kernels kept warm per notebook) a fresh store of the fictional cohort is
served with personal links (`ww dashboard DIR --links FILE`, here `dashboard.start` with a
`Room`), and one Debian chromium drives eleven people, each in a browser context of their own:

1. everyone opens their personal link at the same moment (time to the first widget: the box
   for a new note);
2. the first facilitator opens a voting round (`.ww-vote-open`);
3. everyone adds 3 notes (`.ww-note-text textarea`, `.ww-note-add`);
4. every participant spends the round's dots by clicking note cards (`.ww-note-card`): the
   even ones click without waiting for the server, and twice more than their budget; the odd
   ones wait until their own page shows each dot (`data-mine`).

Each page records, in the page itself, when each note card first appears and when its dots
(`data-dots`) change. "Click to another page" is the time from a click (a note added, a dot
cast) to that change on each other person's page; for a dot, the first change of that card's
dots after the click (several people vote on one card at once, so a click is not told apart
from another on the same card). Memory is read with psutil over the server and its kernels
after the session: RSS, USS (what a kernel alone holds) and PSS (shared pages shared out; the
sum is the true total). Only the session's notebook is served, so that a preheat warms that
notebook alone (`ww dashboard --preheat N` warms N kernels for each of the five). The browser
shares the machine with the server, as eleven people's browsers would not: a row says who used
the CPU while everyone joined (the browser, the kernels, the server, and the rest: other work
on the machine, which makes the figures worthless when it is large).

Prints a table with the issue's targets beside the figures, then a PASS or FAIL line per
check (every note stored once and by its author, every budget exact, no write lost); exits 1
when a check fails. The targets are printed, not checked: they depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from wwlib.app import dashboard  # noqa: E402
from wwlib.app.links import read_links, write_links  # noqa: E402
from wwlib.cohorts.home import init_cohort  # noqa: E402
from wwlib.store import Store  # noqa: E402

COHORT = "lindeveen-2026"
FOLDER = ROOT / "data" / COHORT
PARTICIPANTS, FACILITATORS, NOTES_EACH, EXTRA_CLICKS = 9, 2, 3, 2
FIRST_WIDGET = ".ww-note-text textarea"
CARD = ".ww-note-card[data-note]"
KEEP_LOG = os.environ.get("WW_BENCH_LOG_DIR", "")  # a folder to keep Voila's log in
TIMEOUT_MS = int(os.environ.get("WW_BENCH_TIMEOUT_MS", 240_000))
SPARE = 2  # warm kernels beyond the group (README): for a late joiner or a reloaded page
TARGETS = {"first": 2.0, "other": 1.0, "memory": 4.0}  # s, s, GB (issue 12)

# Runs in every page before Voila's own scripts: note when each card appears and when its
# dots change, in the page's own clock (Date.now(): the same clock as Python's time.time()).
OBSERVER = """
window.__ww = {first: {}, dots: {}, changes: []};
const look = () => {
  const now = Date.now();
  for (const card of document.querySelectorAll('.ww-note-card[data-note]')) {
    const id = card.getAttribute('data-note');
    if (!(id in window.__ww.first)) window.__ww.first[id] = [now, card.textContent];
    const dots = card.getAttribute('data-dots');
    if (dots !== null && window.__ww.dots[id] !== dots) {
      window.__ww.dots[id] = dots;
      window.__ww.changes.push([id, Number(dots), now]);
    }
  }
};
new MutationObserver(look).observe(document, {
  subtree: true, childList: true, attributes: true, characterData: true,
});
"""


@dataclass
class Person:
    id: str
    role: str
    url: str
    page: object = None
    first_widget: float = float("nan")
    notes: list[tuple[str, float]] = field(default_factory=list)  # (text, clicked at, ms)
    dots: list[tuple[str, float]] = field(default_factory=list)  # (note, clicked at, ms)
    extra: int = 0  # clicks beyond the budget (refused; not timed)
    error: str = ""


@dataclass
class Run:
    preheat: int
    everyone: list[Person]
    budget: int = 0
    seen: dict = field(default_factory=dict)  # person -> the page's record
    memory: dict = field(default_factory=dict)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    server_pid: int = 0
    warm_up: float = 0.0  # seconds until the preheated pool was ready
    join_cpu: dict = field(default_factory=dict)  # CPU seconds while everyone joined

    @property
    def people(self) -> list[Person]:
        """Those whose page showed its first widget: they take part in the rest."""
        return [p for p in self.everyone if not p.error]


def now_ms() -> float:
    return time.time() * 1000


# -- one person --------------------------------------------------------------------------------


async def join(person: Person, start: float) -> None:
    """Open the personal link; the first widget is the box for a new note. A page that never
    shows it keeps what it shows instead in `error` and takes no further part."""
    from playwright.async_api import TimeoutError as PageTimeout

    try:
        await person.page.goto(person.url, wait_until="commit", timeout=TIMEOUT_MS)
        await person.page.wait_for_selector(FIRST_WIDGET, state="visible", timeout=TIMEOUT_MS)
    except PageTimeout:
        shown = " ".join((await person.page.inner_text("body")).split())
        person.error = f"no first widget in {TIMEOUT_MS // 1000} s; the page ends: {shown[-160:]!r}"
        return
    person.first_widget = time.monotonic() - start


async def add_notes(person: Person, nonce: str, number: int) -> None:
    """Add NOTES_EACH notes, each once the page shows the last one. The texts name the
    person by number: a name or id in a note is shown pseudonymised where it must be."""
    page = person.page
    for n in range(1, NOTES_EACH + 1):
        text = f"{nonce} {number:02d}.{n}: korte lijnen <en> ruimte"
        await page.fill(FIRST_WIDGET, text)
        person.notes.append((text, now_ms()))
        await page.click(".ww-note-add")
        await page.wait_for_function(
            f"s => [...document.querySelectorAll('{CARD}')].some(c => c.textContent.includes(s))",
            arg=text,
            timeout=TIMEOUT_MS,
        )


async def vote(person: Person, notes: list[str], budget: int, fast: bool, offset: int) -> None:
    """Spend the budget on cards in turn: fast without waiting (and EXTRA_CLICKS more), or
    waiting after each click until the page shows one more of one's own dots on the card."""
    page = person.page
    clicks = budget + (EXTRA_CLICKS if fast else 0)
    for k in range(clicks):
        note = notes[(offset + k) % len(notes)]
        card = f'.ww-note-card[data-note="{note}"]'
        before = await page.get_attribute(card, "data-mine")
        if k < budget:
            person.dots.append((note, now_ms()))
        else:
            person.extra += 1
        await page.click(card, timeout=TIMEOUT_MS)
        if not fast:
            await page.wait_for_function(
                "([sel, was]) => document.querySelector(sel)?.getAttribute('data-mine') !== was",
                arg=[card, before],
                timeout=TIMEOUT_MS,
            )


# -- the session -------------------------------------------------------------------------------


async def session(run: Run, store_path: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for person in run.everyone:
            context = await browser.new_context()
            await context.add_init_script(OBSERVER)
            person.page = await context.new_page()
        before, start = cpu_seconds(run.server_pid), time.monotonic()
        await asyncio.gather(*(join(p, start) for p in run.everyone))
        after = cpu_seconds(run.server_pid)
        run.join_cpu = {k: after[k] - before[k] for k in after}

        facilitators = [p for p in run.people if p.role == "facilitator"]
        if not facilitators:
            lost = "; ".join(f"{p.id}: {p.error}" for p in run.everyone if p.error)
            raise RuntimeError(f"no facilitator's page opened, so no round: {lost}")
        facilitator = facilitators[0]
        await facilitator.page.click(".ww-vote-open", timeout=TIMEOUT_MS)
        run.budget = await open_budget(store_path)

        nonce = uuid.uuid4().hex[:6]
        await asyncio.gather(*(add_notes(p, nonce, k) for k, p in enumerate(run.people)))
        everyone = len(run.people) * NOTES_EACH
        await asyncio.gather(*(all_cards(p, nonce, everyone) for p in run.people))

        voters = [p for p in run.people if p.role == "participant"]
        notes = await card_ids(voters[0], nonce)
        await asyncio.gather(
            *(vote(p, notes, run.budget, fast=i % 2 == 0, offset=i) for i, p in enumerate(voters))
        )
        await settle(store_path)
        await asyncio.sleep(3)  # what the store holds now reaches every page
        run.memory = memory(run.server_pid)
        run.seen = {p.id: await p.page.evaluate("window.__ww") for p in run.people}
        await browser.close()


async def open_budget(store_path: Path) -> int:
    """The budget of the round the facilitator opened (waits until it is open)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        with Store(store_path) as store:
            rounds = store.rounds()
        opened = rounds[rounds["status"] == "open"]
        if len(opened):
            return int(opened["budget"].iloc[-1])
        await asyncio.sleep(0.1)
    raise RuntimeError("the facilitator's click on .ww-vote-open opened no round")


async def all_cards(person: Person, nonce: str, count: int) -> None:
    await person.page.wait_for_function(
        f"([s, n]) => [...document.querySelectorAll('{CARD}')]"
        ".filter(c => c.textContent.includes(s)).length >= n",
        arg=[nonce, count],
        timeout=TIMEOUT_MS,
    )


async def card_ids(person: Person, nonce: str) -> list[str]:
    """The ids of the session's notes as this page shows them."""
    return await person.page.evaluate(
        f"s => [...document.querySelectorAll('{CARD}')]"
        ".filter(c => c.textContent.includes(s)).map(c => c.getAttribute('data-note'))",
        nonce,
    )


async def settle(store_path: Path, quiet: float = 3.0) -> None:
    """Wait until the store has not changed for `quiet` seconds (the last clicks are in)."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < quiet:
        with Store(store_path) as store:
            count = store.change_count()
        if count != last:
            last, since = count, time.monotonic()
        await asyncio.sleep(0.2)


# -- figures -----------------------------------------------------------------------------------


def memory(server_pid: int) -> dict:
    """RSS, USS and PSS (MB) of each kernel, and the totals with the server."""
    server = psutil.Process(server_pid)
    kernels, total = [], {"rss": 0.0, "uss": 0.0, "pss": 0.0}
    for process in [server, *server.children(recursive=True)]:
        try:
            info = process.memory_full_info()
            kernel = "ipykernel" in " ".join(process.cmdline())
        except psutil.NoSuchProcess:
            continue
        sizes = {k: getattr(info, k) / 2**20 for k in total}
        total = {k: total[k] + sizes[k] for k in total}
        if kernel:
            kernels.append(sizes)
    return {"kernels": kernels, "total": total}


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the browser (this process and its other children), the
    kernels, the server, and the whole machine (other work on it shows as the rest)."""

    def used(process) -> float:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            return 0.0
        return times.user + times.system

    server = psutil.Process(server_pid)
    kernels = server.children(recursive=True)
    served = {server.pid} | {k.pid for k in kernels}
    me = psutil.Process()
    browser = [me] + [p for p in me.children(recursive=True) if p.pid not in served]
    machine = psutil.cpu_times()
    return {
        "browser": sum(map(used, browser)),
        "kernels": sum(map(used, kernels)),
        "server": used(server),
        "machine": machine.user + machine.system + machine.nice + machine.irq + machine.softirq,
    }


def note_latencies(run: Run) -> list[float]:
    """Seconds from a note's add click to its card on each other person's page."""
    found = []
    for person in run.people:
        for text, clicked in person.notes:
            for other in run.people:
                if other is person:
                    continue
                seen = [t for t, shown in run.seen[other.id]["first"].values() if text in shown]
                found += [(seen[0] - clicked) / 1000] if seen else []
    return found


def dot_latencies(run: Run) -> list[float]:
    """Seconds from a dot's click to the first change of that card's dots on each other page."""
    found = []
    for person in run.people:
        for note, clicked in person.dots:
            for other in run.people:
                if other is person:
                    continue
                changes = [t for n, _, t in run.seen[other.id]["changes"] if n == note]
                after = [t for t in changes if t >= clicked]
                found += [(after[0] - clicked) / 1000] if after else []
    return found


def check(run: Run, store_path: Path) -> None:
    """Every page opened; every note once and by its author, every budget exact, no write
    lost (of those whose page opened)."""
    lost = [f"{p.id}: {p.error}" for p in run.everyone if p.error]
    run.checks.append(("every page showed its first widget", not lost, "; ".join(lost)))
    with Store(store_path) as store:
        notes, log = store.notes(), store.change_log()
        open_round = store.rounds().query("status == 'open'")["round"].iloc[-1]
        votes = store.round_votes(int(open_round))
    added = log[(log["entity"] == "note") & (log["action"] == "add")]
    wrong = []
    for person in run.people:
        for text, _ in person.notes:
            stored = notes[notes["text"] == text]
            if len(stored) != 1:
                wrong.append(f"{text!r} stored {len(stored)}x")
                continue
            actor = added.loc[added["entity_id"] == stored["id"].iloc[0], "actor"].tolist()
            if actor != [person.id]:
                wrong.append(f"{text!r} added by {actor}, not {person.id}")
    expected = len(run.people) * NOTES_EACH
    run.checks.append(("every note stored once, by its author", not wrong, "; ".join(wrong)))
    spent = votes.groupby("voter")["dots"].sum()
    voters = [p.id for p in run.people if p.role == "participant"]
    off = {v: int(spent.get(v, 0)) for v in voters if int(spent.get(v, 0)) != run.budget}
    others = sorted(set(spent.index) - set(voters))
    budget_ok = not off and not others
    said = f"spent {off}" if off else (f"dots of non-participants {others}" if others else "")
    extra = sum(p.extra for p in run.people)
    what = f"every budget exact ({run.budget} dots each; {extra} clicks over it refused)"
    run.checks.append((what, budget_ok, said))
    stored = sum(1 for p in run.people for text, _ in p.notes if (notes["text"] == text).any())
    dots, due = int(votes["dots"].sum()), len(voters) * run.budget
    said = f"{stored} of {expected} notes, {dots} of {due} dots"
    run.checks.append(("no write lost", stored == expected and dots == due, said))


# -- one run per preheat -------------------------------------------------------------------


def one_run(tmp: Path, preheat: int, notebook: str) -> tuple[Run, list[float], list[float]]:
    """Serve a fresh store with personal links; run the session; read the figures."""
    store_path = init_cohort(FOLDER, tmp / "store.sqlite")
    served = tmp / "notebooks"
    served.mkdir()
    shutil.copy(ROOT / "notebooks" / f"{notebook}.ipynb", served)
    room = dashboard.Room(COHORT, FOLDER, store_path.absolute())
    serving = dashboard.Serving(room=room, preheat=preheat)
    env = {**os.environ, "WW_HOME": str(tmp / "home")}
    log_path = tmp / "voila.log"
    with (
        open(log_path, "wb") as log,
        dashboard.start(served, env=env, output=log, serving=serving) as server,
    ):
        rows = read_links(write_links(store_path, server, [f"{notebook}.ipynb"], tmp / "l.csv"))
        run = Run(preheat, group(rows))
        run.server_pid = server.process.pid
        if preheat:
            run.warm_up = warm(server.process.pid, log_path, preheat)
        try:
            asyncio.run(session(run, store_path))
        finally:
            if KEEP_LOG:
                shutil.copy(log_path, Path(KEEP_LOG) / f"voila-preheat-{preheat}.log")
    check(run, store_path)
    return run, note_latencies(run), dot_latencies(run)


def group(rows: list[dict]) -> list[Person]:
    participants = [r for r in rows if r["role"] == "participant"][:PARTICIPANTS]
    facilitators = [r for r in rows if r["role"] == "facilitator"][:FACILITATORS]
    return [Person(r["person"], r["role"], r["url"]) for r in facilitators + participants]


def warm(server_pid: int, log_path: Path, preheat: int, timeout: float = 900) -> float:
    """Wait until the pool is warm: Voila says it is filled and its kernels have gone quiet
    (each has run its notebook up to `open_workbook` and waits for its request). Seconds."""
    start = time.monotonic()
    server = psutil.Process(server_pid)
    while time.monotonic() - start < timeout:
        kernels = server.children(recursive=True)
        filled = "is filled with" in log_path.read_text(errors="replace")
        if filled and len(kernels) >= preheat and busy(kernels) < 0.1:
            return time.monotonic() - start
        time.sleep(0.5)
    raise RuntimeError(f"the pool of {preheat} warm kernels did not settle in {timeout:.0f} s")


def busy(processes: list, seconds: float = 1.0) -> float:
    """CPUs the processes used together over `seconds` (1.0: one core busy all the time)."""

    def used() -> float:
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    before = used()
    time.sleep(seconds)
    return (used() - before) / seconds


# -- the table ---------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def seconds(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} / {p95(values):.2f} / {max(values):.2f}"


FIGURES = (  # (name, target)
    ("first widget, s (median / p95 / max)", f"p95 <= {TARGETS['first']:.0f}"),
    ("pages without a first widget", "0"),
    ("note added -> another page, s (median / p95 / max)", f"p95 <= {TARGETS['other']:.0f}"),
    ("dot cast -> another page, s (median / p95 / max)", f"p95 <= {TARGETS['other']:.0f}"),
    ("pairs measured (notes / dots)", ""),
    ("CPU s while joining: browser / kernels / server / rest", ""),
    ("CPU s per page joining: browser / kernel + server", ""),
    ("floor: joining CPU / cores, s (all / without the browser)", ""),
    ("warm-up before joining, s", ""),
    ("kernels", ""),
    ("per kernel RSS, MB (median / max)", ""),
    ("per kernel USS, MB (median / max)", ""),
    ("total RSS (server + kernels), GB", ""),
    ("total PSS (server + kernels), GB", f"<= {TARGETS['memory']:.0f}"),
)


def figures(run: Run, notes: list[float], dots: list[float]) -> list[str]:
    """One run's column of the table, in the order of FIGURES."""
    kernels, total = run.memory["kernels"], run.memory["total"]
    cpu = dict(run.join_cpu)
    cpu["rest"] = cpu["machine"] - cpu["browser"] - cpu["kernels"] - cpu["server"]
    # the least time everyone's first widget could take on this machine: all the CPU the
    # joining needed, spread over every core (the browser's share runs elsewhere in a session)
    pages, cores = len(run.everyone), os.cpu_count() or 1
    busy_total = cpu["browser"] + cpu["kernels"] + cpu["server"]

    def per_kernel(kind: str) -> str:
        sizes = [k[kind] for k in kernels] or [0.0]
        return f"{statistics.median(sizes):.0f} / {max(sizes):.0f}"

    return [
        seconds([p.first_widget for p in run.people]),
        f"{len(run.everyone) - len(run.people)} of {len(run.everyone)}",
        seconds(notes),
        seconds(dots),
        f"{len(notes)} / {len(dots)}",
        " / ".join(f"{cpu[k]:.0f}" for k in ("browser", "kernels", "server", "rest")),
        f"{cpu['browser'] / pages:.2f} / {(cpu['kernels'] + cpu['server']) / pages:.2f}",
        f"{busy_total / cores:.1f} / {(busy_total - cpu['browser']) / cores:.1f}",
        f"{run.warm_up:.0f}",
        str(len(kernels)),
        per_kernel("rss"),
        per_kernel("uss"),
        f"{total['rss'] / 1024:.2f}",
        f"{total['pss'] / 1024:.2f}",
    ]


def table(results: list[tuple[Run, list[float], list[float]]]) -> list[tuple[str, ...]]:
    """One row per figure, one column per preheat, and the target."""
    columns = [figures(*result) for result in results]
    head = ("figure", *(f"preheat {run.preheat}" for run, _, _ in results), "target")
    return [head] + [
        (name, *(column[i] for column in columns), target)
        for i, (name, target) in enumerate(FIGURES)
    ]


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group_size = PARTICIPANTS + FACILITATORS + SPARE  # as the README advises
    parser.add_argument(
        "--preheat", default=f"0,{group_size}", help="warm kernels per run, comma-separated"
    )
    parser.add_argument("--notebook", default="01_kickoff", help="the session's notebook")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"no chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    results = []
    for preheat in (int(n) for n in args.preheat.split(",")):
        with tempfile.TemporaryDirectory(prefix="ww-live-") as tmp:
            print(f"  session with preheat {preheat} ...", file=sys.stderr, flush=True)
            results.append(one_run(Path(tmp), preheat, args.notebook))
    print(f"\nLive session: {PARTICIPANTS} participants and {FACILITATORS} facilitators on "
          f"{args.notebook}, {os.cpu_count()} cores\n")  # fmt: skip
    print_table(table(results))
    failed = False
    print()
    for run, _, _ in results:
        for what, ok, detail in run.checks:
            failed |= not ok
            print(f"{'PASS' if ok else 'FAIL'} preheat {run.preheat}: {what}"
                  + (f" ({detail})" if detail else ""))  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
