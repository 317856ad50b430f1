"""Who is asking: the dashboard server knows each person from the secret of their personal link.

`PersonalLinks` is a jupyter_server identity provider, which Voila asks on every request before
it does anything else. A request carries the secret as `?key=...` (the personal link) or, after
the first page, in a signed cookie that holds the secret's hash. The provider looks the hash up
in the cohort's store (`Store.person_for_secret`), so a revoked link stops working on the next
request, cookie or not.

The person reaches the kernel through the request, never through the browser: the provider
overwrites the headers `X-WW-Person` and `X-WW-Role` of every request (whatever the browser
sent), and Voila hands those two headers, and only those, to the kernel it starts for the page
(`VoilaConfiguration.http_header_envs`), where `open_workbook` reads them. A page request with a
wrong, revoked or missing secret gets an error page in the cohort's language and no kernel.
"""

from __future__ import annotations

import html

from jupyter_server.auth import IdentityProvider, User
from tornado import web
from traitlets import Bool, Unicode

from wwlib.core.labels import Labels
from wwlib.store import Store
from wwlib.store.session import secret_hash

PERSON_HEADER = "X-WW-Person"
ROLE_HEADER = "X-WW-Role"
COOKIE = "ww-link"
PAGES = ("/voila/render", "/voila/tree", "/voila/files")  # what a person opens in a browser


class PersonalLinks(IdentityProvider):
    """Identity from a personal link's secret, checked against the cohort's store."""

    store = Unicode("", config=True, help="the cohort's store file")
    lang = Unicode("nl", config=True, help="the language of the error page")
    https = Bool(False, config=True, help="people reach the server over https (a TLS proxy)")

    _opened: Store | None = None

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return False  # no login form: the link is the login

    @property
    def logout_available(self) -> bool:
        return False

    def get_handlers(self) -> list:
        return []

    def get_user(self, handler: web.RequestHandler) -> User | None:
        headers = handler.request.headers
        for name in (PERSON_HEADER, ROLE_HEADER):
            if name in headers:
                del headers[name]  # never what the browser says
        key = handler.get_query_argument("key", None)
        digest = secret_hash(key) if key else self._cookie(handler)
        found = self._store().person_for_hash(digest) if digest else None
        if found is None:
            if _is_page(handler):
                self._refuse(handler, "wrong" if key or digest else "missing")
            return None
        person, role = found
        if key:  # the first page of a link: later requests (widgets, static files) use a cookie
            handler.set_secure_cookie(
                COOKIE,
                digest,
                httponly=True,
                samesite="Strict",
                secure=self.https or handler.request.protocol == "https",
                path=handler.base_url,
            )
        headers[PERSON_HEADER] = person
        headers[ROLE_HEADER] = role
        # As jupyter_server treats a token: the page's own requests (a closed tab's kernel
        # shutdown, sent without an _xsrf field) pass. Another site cannot forge them: the
        # cookie is SameSite=Strict, so a request from elsewhere carries no identity at all.
        handler._token_authenticated = True
        return User(username=person, name=person, display_name=person, initials=role[:1])

    def _cookie(self, handler: web.RequestHandler) -> str:
        value = handler.get_secure_cookie(COOKIE, max_age_days=7)
        return value.decode("ascii", "replace") if value else ""

    def _store(self) -> Store:
        if self._opened is None:
            self._opened = Store(self.store, actor="dashboard")
        return self._opened

    def _refuse(self, handler: web.RequestHandler, why: str) -> None:
        """The error page: status 403, in the cohort's language; the request ends here."""
        labels = Labels(self.lang)
        title = labels("dashboard.refused.title")
        text = labels(f"dashboard.refused.{why}")
        handler.clear_cookie(COOKIE, path=handler.base_url)
        handler.set_status(403)
        handler.set_header("Content-Type", "text/html; charset=utf-8")
        handler.set_header("Cache-Control", "no-store")
        raise web.Finish(refusal_page(self.lang, title, text))


def _is_page(handler: web.RequestHandler) -> bool:
    path = handler.request.path[len(handler.base_url.rstrip("/")) :]
    return path in ("", "/", "/voila", "/voila/") or path.startswith(PAGES)


def refusal_page(lang: str, title: str, text: str) -> str:
    """A small self-contained page (nothing loaded from elsewhere)."""
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>body{{font:16px/1.5 system-ui,sans-serif;"
        "max-width:36em;margin:3em auto;padding:0 1em;color:#1a1a1a}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></main></body></html>"
    )
