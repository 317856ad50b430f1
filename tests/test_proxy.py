"""The reverse proxy of docs/serving.md, run as written: docs/nginx.conf (with test ports and a
self-signed certificate) in front of a real `ww dashboard` server, and chromium opening a
personal link over https, its widgets talking to their kernel over WebSockets through nginx."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_helpers import DATA, ROOT, browser_cohort, chromium

from wwlib.app import dashboard
from wwlib.app.links import read_links, write_links
from wwlib.cohorts.home import init_cohort
from wwlib.store import Store

SITE = ROOT / "docs" / "nginx.conf"
PREFIX = "/wij-werken/"  # the dashboards' path in docs/nginx.conf
COHORT = browser_cohort()
TIMEOUT_MS = 150_000  # a page waits for its kernel, which shares two cores with the other worker
INSTALL = "sudo apt-get install nginx (or run `make chromium` as root)"


@dataclass(frozen=True)
class Proxy:
    """nginx running docs/nginx.conf, with every file of it in `folder`."""

    process: subprocess.Popen
    folder: Path
    https_port: int
    http_port: int
    upstream_port: int  # where it expects `ww dashboard`

    @property
    def public_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}{PREFIX}"

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""


def nginx_binary() -> str:
    """Debian's nginx (in /usr/sbin, often not on a user's PATH); fails saying how to get it."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        pytest.fail(f"the proxy test needs nginx and there is none: {INSTALL}")
    return found


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, valid for a day, and its key."""
    assert shutil.which("openssl"), "the proxy test needs openssl: sudo apt-get install openssl"
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    command += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


def site_config(https_port: int, http_port: int, upstream_port: int, folder: Path) -> str:
    """docs/nginx.conf with its markers filled in and its ports moved to free ones on 127.0.0.1."""
    cert, key = self_signed_certificate(folder)
    text = SITE.read_text()
    for old, new in {
        "{{server_name}}": "127.0.0.1",
        "{{certificate}}": str(cert),
        "{{certificate_key}}": str(key),
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "proxy_pass http://127.0.0.1:8866;": f"proxy_pass http://127.0.0.1:{upstream_port};",
    }.items():
        assert old in text, f"{SITE} no longer says {old!r}: change this test along with it"
        text = text.replace(old, new)
    settings = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "{{" not in settings, f"{SITE} has a marker this test does not fill in"
    return text


def main_config(folder: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every file in `folder`."""
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "worker_processes 1;\nevents {}\nhttp {\n"
        f"    access_log {folder / 'access.log'};\n{temp}"
        f"    include {folder / 'site.conf'};\n}}\n"
    )


def start_nginx(folder: Path) -> Proxy:
    """nginx on free ports of 127.0.0.1, in the foreground, as whoever runs the tests."""
    binary = nginx_binary()
    ports = [dashboard.free_port() for _ in range(3)]
    (folder / "site.conf").write_text(site_config(*ports, folder))
    (folder / "nginx.conf").write_text(main_config(folder))
    settings = f"daemon off; pid {folder / 'nginx.pid'};"
    if os.geteuid() == 0:
        settings += " user root;"  # its workers would be nobody, shut out of the temp folders
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    command += ["-e", str(folder / "error.log"), "-g", settings]
    with open(folder / "nginx.out", "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    proxy = Proxy(process, folder, *ports)
    deadline = time.monotonic() + 10
    while not listening(proxy.https_port):
        assert process.poll() is None and time.monotonic() < deadline, (
            f"nginx did not start on {SITE}: {proxy.log('nginx.out')}{proxy.log('error.log')}"
        )
        time.sleep(0.05)
    return proxy


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    proxy = start_nginx(tmp_path_factory.mktemp("nginx"))
    yield proxy
    proxy.process.terminate()
    proxy.process.wait(10)


@pytest.fixture(scope="module")
def room(proxy, tmp_path_factory):
    """`ww dashboard` behind the proxy: the fixture cohort's links point at nginx's https port."""
    tmp = tmp_path_factory.mktemp("room")
    store = init_cohort(DATA / COHORT, tmp / "store.sqlite")
    room = dashboard.Room(COHORT, DATA / COHORT, store)
    serving = dashboard.Serving(public_url=proxy.public_url, room=room)
    with open(tmp / "voila.log", "wb") as log:
        server = dashboard.start(
            ROOT / "notebooks", port=proxy.upstream_port, output=log, serving=serving
        )
        with server:
            links = read_links(write_links(store, server, ["01_kickoff.ipynb"], tmp / "l.csv"))
            yield store, links, tmp / "voila.log"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scheme", "path", "status", "location"),
    [
        ("http", f"{PREFIX}voila/tree?key=x", 301, f"https://127.0.0.1{PREFIX}voila/tree?key=x"),
        ("https", PREFIX.rstrip("/"), 301, f"https://127.0.0.1:{{https_port}}{PREFIX}"),
        ("https", "/", 404, None),
        ("https", "/api/kernels", 404, None),  # only the dashboards' path reaches the server
    ],
)
def test_the_proxy_sends_plain_http_to_https_and_serves_only_its_path(
    proxy, scheme, path, status, location
):
    if scheme == "http":
        connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    else:
        trusted = ssl.create_default_context(cafile=proxy.folder / "cert.pem")
        connection = http.client.HTTPSConnection(
            "127.0.0.1", proxy.https_port, timeout=10, context=trusted
        )
    connection.request("GET", path)
    response = connection.getresponse()
    connection.close()
    assert response.status == status
    assert response.getheader("Location") == (
        location and location.format(https_port=proxy.https_port)
    )


@pytest.mark.browser
def test_a_personal_link_works_over_https_and_websockets_through_nginx(proxy, room):
    """The page renders, a sticky note reaches the store as the link's person, the login
    cookie is Secure, and nothing the page asks for leaves the proxy."""
    store, links, voila_log = room
    mine = next(r for r in links if r["role"] == "participant")
    assert mine["url"].startswith(f"{proxy.public_url}voila/render/01_kickoff.ipynb?key=")
    text = f"Geeltje via nginx van {mine['person']} {time.time_ns()}"
    escaped, sockets, cookies, scripts = add_a_note(proxy, mine["url"], text)
    with Store(store) as opened:
        note = opened.notes().query("text == @text")
        log = opened.change_log()
    assert len(note) == 1, voila_log.read_text(errors="replace")[-3000:]
    assert log[log["entity_id"] == note["id"].iloc[0]]["actor"].tolist() == [mine["person"]]
    # Voila's template asks a CDN for icons; the server's Content-Security-Policy, passed on
    # by nginx, stops that in the browser, so not even that request reaches the network.
    assert escaped == []
    kernel = f"wss://127.0.0.1:{proxy.https_port}{PREFIX}api/kernels/"
    assert any(url.startswith(kernel) for url in sockets)
    upgraded = rf'"GET {PREFIX}api/kernels/\S+/channels\S* HTTP/1.1" 101 '
    assert re.search(upgraded, proxy.log("access.log"))  # the WebSocket went through nginx
    login = [c for c in cookies if c["name"] == "ww-link"]
    assert [(c["secure"], c["sameSite"], c["path"]) for c in login] == [(True, "Strict", PREFIX)]
    # the page's JavaScript (about 5 MB) travels compressed
    assert len(scripts) > 20 and set(scripts.values()) == {"gzip"}, scripts


def add_a_note(proxy: Proxy, url: str, text: str) -> tuple[list, list, list, dict]:
    """Open a personal link in chromium and add a sticky note. Returns the requests for
    elsewhere than the proxy that reached the network (stopped there), the page's WebSockets,
    the browser's cookies, and the content encoding of each of the page's scripts of 1 KB
    or more (nginx compresses nothing smaller)."""
    escaped, sockets, scripts = [], [], {}

    def script(response) -> None:
        size = int(response.headers.get("content-length") or 1024)
        if response.url.split("?")[0].endswith(".js") and size >= 1024:
            scripts[response.url] = response.headers.get("content-encoding", "")

    with chromium() as browser:
        context = browser.new_context(ignore_https_errors=True)
        context.route(
            lambda address: not address.startswith(proxy.public_url),
            lambda route: escaped.append(route.request.url) or route.abort(),
        )
        page = context.new_page()
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.on("response", script)
        page.goto(url, timeout=TIMEOUT_MS)
        page.wait_for_selector(".jupyter-widgets", timeout=TIMEOUT_MS)
        page.fill(".ww-note-text textarea", text)
        page.click(".ww-note-add")
        page.wait_for_selector(".ww-status .ww-ok", timeout=TIMEOUT_MS)
        return escaped, sockets, context.cookies(), scripts
