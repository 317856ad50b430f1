"""Serving the phase notebooks as Voila dashboards: on this computer, or to a whole group.

Two ways to serve:

- **A cohort to its group** (`ww dashboard DIR --links FILE`): every person of the cohort gets a
  personal link per phase notebook; the server knows them from its secret alone
  (`wwlib.app.identity.PersonalLinks`) and hands the person to the page's kernel. The cohort,
  its store and pseudonymisation are the server's, set here in the kernels' environment
  (`WW_DASHBOARD_*`); a page's URL can choose only the language.
- **Every cohort to one researcher** (`ww dashboard` without DIR): the server asks for a token,
  listens on 127.0.0.1 only, and `?cohort=...&lang=...` picks what a page shows.

Voila (0.5) runs every browser tab in a kernel of its own. With `preheat`, it keeps kernels
started (and the notebook run up to `open_workbook`, which waits for the request) so that a
person's first widget appears at once: `preheat` kernels for each notebook, or for the
session's notebooks alone (`preheat_notebooks`); a taken kernel is replaced `FILL_DELAY`
seconds later, once the people who joined together have their pages. Kernels idle for
`cull_idle` seconds are stopped, and stopping the server stops every kernel it started.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from wwlib.core.errors import RunError
from wwlib.present.parameters import DASHBOARD_ENV

DEFAULT_PORT = 8866
HOST = "127.0.0.1"
CULL_IDLE = 30 * 60  # seconds a kernel may idle (a closed tab) before it is stopped
CONFIG = Path(__file__).resolve().parent / "voila_config"  # voila.json
PLOTLY_EXTENSION = "jupyterlab-plotly"
IOPUB_TIMEOUT = 60  # seconds Voila waits for a cell's outputs after the cell has run
# Seconds before a preheated pool starts a kernel for one that was taken: after the rush of a
# group joining together, whose pages would otherwise share the cores with eleven new kernels
# (benchmarks/live_session.py: first widget p95 40 s with 10 s, 22 s with 45 s). Until then a
# late joiner waits for a refill, unless the pool was made a few kernels larger than the group.
FILL_DELAY = 30
SERVER_ENV = (  # what the server tells every kernel; a page's URL cannot change it
    "WW_DASHBOARD_COHORT",
    "WW_DASHBOARD_STORE",
    "WW_DASHBOARD_DATA",
    "WW_DASHBOARD_PSEUDONYMISE",
)


def new_token() -> str:
    """A fresh random token for one run of the server."""
    return secrets.token_urlsafe(24)


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on this computer right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Room:
    """A cohort served to its group with personal links (see the module's docstring)."""

    cohort: str  # the cohort id
    folder: Path  # the cohort folder
    store: Path  # its store
    lang: str = "nl"  # of the error pages
    pseudonymise: bool = False

    def environment(self) -> dict[str, str]:
        return {
            "WW_DASHBOARD_COHORT": self.cohort,
            "WW_DASHBOARD_STORE": str(self.store),
            "WW_DASHBOARD_DATA": str(self.folder.parent),
            "WW_DASHBOARD_PSEUDONYMISE": "1" if self.pseudonymise else "0",
        }


def room(folder: Path, store: Path | None, links: Path | None, pseudonymise: bool) -> Room:
    """The room for serving a cohort folder to its group: its store (made if missing), cohort
    and language. The links file must be named, and lie outside the cohort folder (it holds
    everyone's secret; a cohort folder goes into git and to colleagues)."""
    from wwlib.cohorts.home import open_cohort_store

    if links is None:
        raise RunError(
            f"give --links FILE: where to write everyone's personal links for {folder} "
            "(outside the cohort folder: the file holds their secrets)"
        )
    if links.resolve().is_relative_to(folder.resolve()):
        raise RunError(
            f"--links {links} lies inside the cohort folder {folder}; write it elsewhere "
            "(the file holds everyone's secret, the folder is shared)"
        )
    with open_cohort_store(folder, store, actor="ww dashboard") as opened:
        cohort, path = opened.cohort(), Path(opened.path)
    return Room(cohort.id, folder, path.absolute(), cohort.language, pseudonymise)


@dataclass(frozen=True)
class Serving:
    """How the server listens: address, the URL people use, warm and idle kernels."""

    host: str = HOST
    public_url: str = ""  # e.g. https://ww.gemeente.nl/week/ behind a TLS reverse proxy
    preheat: int = 0  # kernels kept warm per notebook; 0: none
    preheat_notebooks: tuple[str, ...] = ()  # the notebooks (file names) kept warm; (): all
    cull_idle: int = CULL_IDLE
    room: Room | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)

    @property
    def base_path(self) -> str:
        """The path the proxy serves the dashboards under ('/' without a public URL)."""
        path = urllib.parse.urlsplit(self.public_url).path if self.public_url else "/"
        return path if path.endswith("/") else path + "/"


def voila_command(
    notebooks_dir: str | Path,
    port: int,
    token: str,
    python: str = sys.executable,
    serving: Serving = Serving(),
) -> list[str]:
    """The command that serves a notebooks folder with Voila: the folder's page lists the
    phases, the server listens on `serving.host` (127.0.0.1 unless told), sends no notebook
    source to the browser, and knows people by their personal links (`serving.room`) or by
    `token` ("" turns that off).
    """
    command = [
        python, "-m", "voila", str(Path(notebooks_dir).resolve()),
        f"--port={port}",
        "--Voila.port_retries=0",  # another port would not match the URLs we print
        f"--Voila.ip={serving.host}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--no-browser",
        f"--MappingKernelManager.cull_idle_timeout={serving.cull_idle}",
        f"--MappingKernelManager.cull_interval={max(10, min(60, serving.cull_idle // 2))}",
        "--MappingKernelManager.cull_connected=False",
        # voila.json beside this module: a Content-Security-Policy that lets the pages load
        # nothing from elsewhere (Voila's template asks a CDN for icons, which no page uses;
        # behind a municipal firewall that request would hang) and no framing by other sites
        "--Voila.config_file_paths", str(CONFIG),
        # no plotly extension in the pages: 4.7 MB of script for every page, chart or not;
        # a figure is drawn by the plotly.js the package ships (wwlib.present.chart)
        "--VoilaConfiguration.extension_denylist", PLOTLY_EXTENSION,
        # wait for a cell's last output as long as a busy machine needs: after 4 s (nbclient's
        # default) Voila goes on to the next cell and the late output, e.g. a panel, is lost
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
    ]  # fmt: skip
    if serving.base_path != "/":
        command.append(f"--Voila.base_url={serving.base_path}")
    # the pages' <html lang>: the cohort's language (WCAG 3.1.1; nbconvert's default is "en")
    command.append(f"--HTMLExporter.language_code={serving.room.lang if serving.room else 'nl'}")
    if serving.room:
        command += [
            "--Voila.identity_provider_class=wwlib.app.identity.PersonalLinks",
            f"--PersonalLinks.store={serving.room.store}",
            f"--PersonalLinks.lang={serving.room.lang}",
            # behind a TLS proxy the server sees plain http (Voila does not read the proxy's
            # X-Forwarded-Proto): the public URL says whether the cookie must be Secure
            f"--PersonalLinks.https={serving.public_url.startswith('https://')}",
            "--VoilaConfiguration.http_header_envs", "X-WW-Person",
            "--VoilaConfiguration.http_header_envs", "X-WW-Role",
        ]  # fmt: skip
    else:
        command.append(f"--token={token}")
    if serving.preheat:
        command += [
            "--preheat_kernel=True",
            f"--pool_size={serving.preheat}",
            *_pools(serving),
            # refill the pool once the people who took its kernels have their pages
            f"--VoilaKernelManager.fill_delay={FILL_DELAY}",
        ]
    return command + list(serving.extra)


def _pools(serving: Serving) -> list[str]:
    """Voila's pools when only some notebooks are kept warm: none for the others."""
    if not serving.preheat_notebooks:
        return []
    pools = {"default": {"pool_size": 0}}
    pools |= {name: {"pool_size": serving.preheat} for name in serving.preheat_notebooks}
    return [f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}"]


def preheated(notebooks_dir: str | Path, names: list[str]) -> tuple[str, ...]:
    """The phase notebooks `names` (with or without .ipynb) as file names; a name that is not a
    phase of `notebooks_dir` is refused with the phases that are."""
    known = phases(notebooks_dir)
    chosen = []
    for name in names:
        file = name if name.endswith(".ipynb") else f"{name}.ipynb"
        if file not in known:
            raise RunError(
                f"--preheat-notebook {name}: no such phase notebook in {notebooks_dir}; "
                f"choose from {', '.join(n.removesuffix('.ipynb') for n in known)}"
            )
        chosen.append(file)
    return tuple(dict.fromkeys(chosen))


def cohorts(data_dir: str | Path) -> list[str]:
    """The cohorts bundled in a data folder: each sub-folder with a cohort.yaml."""
    return sorted(p.parent.name for p in Path(data_dir).glob("*/cohort.yaml"))


def phases(notebooks_dir: str | Path) -> list[str]:
    """The phase notebooks of a folder, in order (01_kickoff.ipynb, 02_interviews.ipynb, ...)."""
    return sorted(p.name for p in Path(notebooks_dir).glob("*.ipynb"))


@dataclass
class Dashboard:
    """A running Voila server: its process, port, token and how it serves."""

    process: subprocess.Popen
    port: int
    token: str
    serving: Serving = Serving()

    @property
    def base_url(self) -> str:
        """Where people reach the server: the public URL, or this computer's address."""
        if self.serving.public_url:
            return self.serving.public_url.rstrip("/")
        host = self.serving.host
        if host in ("", "0.0.0.0", "::"):
            host = socket.getfqdn()
        return f"http://{host}:{self.port}{self.serving.base_path.rstrip('/')}"

    def url(self, notebook: str = "", **query: str) -> str:
        """The address of a notebook's dashboard (or of the folder's list without one)."""
        path = f"/voila/render/{urllib.parse.quote(notebook)}" if notebook else "/voila/tree"
        params = {k: v for k, v in query.items() if v}
        if self.token and not self.serving.room:
            params["token"] = self.token
        return self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")

    def stop(self, timeout: float = 10) -> None:
        """Stop the server and every kernel it started.

        Voila shuts its kernels down on SIGTERM; a kernel that survives it (a busy one, or a
        server that had to be killed) is stopped here, found as a child of the server.
        """
        if self.process.poll() is not None:
            return
        kernels = _children(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _stop_all(kernels, timeout)

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _children(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _stop_all(processes: list, timeout: float) -> None:
    import psutil

    alive = [p for p in processes if p.is_running()]
    for process in alive:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            continue
    _, left = psutil.wait_procs(alive, timeout=timeout)
    for process in left:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue


def start(
    notebooks_dir: str | Path,
    port: int | None = None,
    token: str | None = None,
    env: dict | None = None,
    output=None,
    timeout: float = 60,
    serving: Serving = Serving(),
) -> Dashboard:
    """Start Voila on a notebooks folder and return once it accepts connections.

    `port` defaults to a free one, `token` to a new random one; `env` is the server's (and so
    its kernels') environment, e.g. with WW_HOME; `output` a file for Voila's log. The server
    runs in a session of its own, so that Ctrl+C reaches `ww` (which stops it and its kernels)
    and not the server alone.
    """
    if not Path(notebooks_dir).is_dir():
        raise RunError(f"notebooks folder {notebooks_dir} does not exist")
    port = port or free_port()
    token = new_token() if token is None else token
    command = voila_command(notebooks_dir, port, token, serving=serving)
    environment = {k: v for k, v in (env or os.environ).items() if k not in SERVER_ENV}
    environment.pop("QUERY_STRING", None)
    if serving.room:
        environment |= serving.room.environment()
    environment[DASHBOARD_ENV] = "1"  # figures drawn without the plotly extension
    process = subprocess.Popen(
        command,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    dashboard = Dashboard(process, port, token, serving)
    try:
        _wait_until_listening(process, serving.host, port, timeout)
    except BaseException:
        dashboard.stop()
        raise
    return dashboard


def _wait_until_listening(process: subprocess.Popen, host: str, port: int, timeout: float) -> None:
    address = HOST if host in ("", "0.0.0.0") else "::1" if host == "::" else host
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RunError(
                f"Voila stopped with exit code {process.returncode} before serving on port "
                f"{port}; its output says why (is the port taken? try another --port)"
            )
        try:
            socket.create_connection((address, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RunError(f"Voila did not start serving on port {port} within {timeout:.0f} s")


def dashboard_urls(dashboard: Dashboard, notebooks_dir, data_dir) -> dict[str, list[str]]:
    """Every phase's dashboard address for every cohort in the data folder."""
    return {
        cohort: [dashboard.url(nb, cohort=cohort) for nb in phases(notebooks_dir)]
        for cohort in cohorts(data_dir)
    }


def serve(
    notebooks_dir: str | Path = "notebooks",
    data_dir: str | Path = "data",
    port: int = DEFAULT_PORT,
    token: str | None = None,
    serving: Serving = Serving(),
    links: Path | None = None,
) -> int:
    """Serve the dashboards until Ctrl+C or SIGTERM, then stop the server and its kernels.

    With a room (`serving.room`), write every person's personal links to `links` once the
    server serves and print where they are; otherwise print each phase's address per cohort.
    """
    from wwlib.app.links import write_links

    signal.signal(signal.SIGTERM, _interrupt)
    with start(notebooks_dir, port, token, serving=serving) as dashboard:
        if serving.room:
            written = write_links(serving.room.store, dashboard, phases(notebooks_dir), links)
            print(f"Wij-Werken dashboards for {serving.room.cohort}: {dashboard.base_url}/")
            print(f"personal links: {written} (keep it safe: each link opens as its person)")
        else:
            print(f"Wij-Werken dashboards: {dashboard.url()}", flush=True)
            for cohort, urls in dashboard_urls(dashboard, notebooks_dir, data_dir).items():
                print(f"\n{cohort}:", *urls, sep="\n  ", flush=True)
        sys.stdout.flush()
        try:
            return dashboard.process.wait()
        except KeyboardInterrupt:
            return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl+C does
