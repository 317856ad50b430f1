"""Serving the phase notebooks as Voila dashboards on this computer, behind a token.

Voila (0.5) runs every browser tab in a kernel of its own, started with the page's query string
in the environment variable QUERY_STRING; `wwlib.open_workbook` reads `cohort`, `lang` and
`pseudonymise` from it, so `.../01_kickoff.ipynb?cohort=limburg-2020&lang=en` picks the cohort.
`--token` sets the server's token (jupyter_server's identity provider): a first request carries
it as `?token=...` and gets a login cookie; a request without either is sent to the login page.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from wwlib.core.errors import RunError

DEFAULT_PORT = 8866
HOST = "127.0.0.1"


def new_token() -> str:
    """A fresh random token for one run of the server."""
    return secrets.token_urlsafe(24)


def free_port() -> int:
    """A TCP port that is free on this computer right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def voila_command(
    notebooks_dir: str | Path, port: int, token: str, python: str = sys.executable
) -> list[str]:
    """The command that serves a notebooks folder with Voila: the folder's page lists the
    phases, the server listens on 127.0.0.1 only, asks for `token` ("" turns that off) and
    sends no notebook source to the browser.
    """
    return [
        python, "-m", "voila", str(Path(notebooks_dir).resolve()),
        f"--port={port}",
        "--Voila.port_retries=0",  # another port would not match the URLs we print
        f"--Voila.ip={HOST}",
        f"--token={token}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--no-browser",
    ]  # fmt: skip


def cohorts(data_dir: str | Path) -> list[str]:
    """The cohorts bundled in a data folder: each sub-folder with a cohort.yaml."""
    return sorted(p.parent.name for p in Path(data_dir).glob("*/cohort.yaml"))


def phases(notebooks_dir: str | Path) -> list[str]:
    """The phase notebooks of a folder, in order (01_kickoff.ipynb, 02_interviews.ipynb, ...)."""
    return sorted(p.name for p in Path(notebooks_dir).glob("*.ipynb"))


@dataclass
class Dashboard:
    """A running Voila server: its process, port and token."""

    process: subprocess.Popen
    port: int
    token: str

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, notebook: str = "", **query: str) -> str:
        """The address of a notebook's dashboard (or of the folder's list without one)."""
        path = f"/voila/render/{urllib.parse.quote(notebook)}" if notebook else "/voila/tree"
        params = {k: v for k, v in query.items() if v} | (
            {"token": self.token} if self.token else {}
        )
        return self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")

    def stop(self, timeout: float = 10) -> None:
        """Stop the server (Voila shuts its kernels down on SIGTERM)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(
    notebooks_dir: str | Path,
    port: int | None = None,
    token: str | None = None,
    env: dict | None = None,
    output=None,
    timeout: float = 60,
) -> Dashboard:
    """Start Voila on a notebooks folder and return once it accepts connections.

    `port` defaults to a free one, `token` to a new random one; `env` is the server's (and so
    its kernels') environment, e.g. with WW_HOME; `output` a file for Voila's log.
    """
    if not Path(notebooks_dir).is_dir():
        raise RunError(f"notebooks folder {notebooks_dir} does not exist")
    port = port or free_port()
    token = new_token() if token is None else token
    command = voila_command(notebooks_dir, port, token)
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    dashboard = Dashboard(process, port, token)
    try:
        _wait_until_listening(process, port, timeout)
    except BaseException:
        dashboard.stop()
        raise
    return dashboard


def _wait_until_listening(process: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RunError(
                f"Voila stopped with exit code {process.returncode} before serving on port "
                f"{port}; its output says why (is the port taken? try another --port)"
            )
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
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
) -> int:
    """Serve the dashboards until Ctrl+C; print the address of each phase per cohort."""
    with start(notebooks_dir, port, token) as dashboard:
        print(f"Wij-Werken dashboards: {dashboard.url()}", flush=True)
        for cohort, urls in dashboard_urls(dashboard, notebooks_dir, data_dir).items():
            print(f"\n{cohort}:", *urls, sep="\n  ", flush=True)
        try:
            return dashboard.process.wait()
        except KeyboardInterrupt:
            return 0
