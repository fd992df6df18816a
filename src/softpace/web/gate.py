"""The local app's door: a per-launch secret, a session cookie, CSRF on every POST.

`softpace app` prints (and opens) `http://127.0.0.1:PORT/open?key=SECRET`. That visit
trades the secret for a cookie (HttpOnly, SameSite=Strict, a value of its own), then
redirects to the page without the key. Every other request needs the cookie; a POST also
needs the CSRF token the pages carry (a form field or the X-CSRF-Token header) and, when
the browser names an Origin, one of ours. The body of a POST is read here once, up to
a limit, so a 10 MB note is refused before anything looks at it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.parse
from collections.abc import Iterable

from softpace.share.security import (
    NO_STORE,
    ASGIApp,
    BodyTooLarge,
    Message,
    Receive,
    Scope,
    Send,
    header,
    plain,
    read_body,
    same_secret,
)

COOKIE = "softpace_session"
CSRF_FIELD = "csrf"
OPEN_PATH = "/open"
BODY_KEY = "softpace.body"  # where the POST body read here is handed to the route

NOT_SIGNED_IN = (
    "This page needs the address softpace printed when it started (it holds a one-time "
    "key). Run `softpace app` again, or open the address it printed."
)


class Keys:
    """The secrets of one launch: the opening key, the cookie value, the CSRF token."""

    def __init__(self, launch_key: str | None = None) -> None:
        self.launch_key = launch_key or secrets.token_urlsafe(24)
        self.cookie = secrets.token_urlsafe(32)
        self.csrf = hmac.new(self.cookie.encode(), b"csrf", hashlib.sha256).hexdigest()


class LaunchGate:
    """ASGI middleware in front of the app (after the Host check)."""

    def __init__(self, app: ASGIApp, keys: Keys, origins: Iterable[str]) -> None:
        self.app = app
        self.keys = keys
        self.origins = frozenset(o.lower() for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == OPEN_PATH:
            await self._open(scope, send)
            return
        if not same_secret(_cookie(scope, COOKIE) or "", self.keys.cookie):
            await plain(send, 403, NOT_SIGNED_IN, NO_STORE)
            return
        if scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await plain(send, 405, "Method Not Allowed", {"Allow": "GET, POST"})
            return
        origin = header(scope, b"origin")
        if origin is not None and origin.lower() not in self.origins:
            await plain(send, 403, "This request came from another site; nothing was changed.")
            return
        try:
            body = await read_body(receive, scope)
        except BodyTooLarge:
            await plain(send, 413, "That is too much text to save; nothing was changed.")
            return
        given = header(scope, b"x-csrf-token") or _form_field(body, CSRF_FIELD)
        if not same_secret(given or "", self.keys.csrf):
            await plain(
                send,
                403,
                "This form is out of date (missing or wrong security token); reload the page "
                "and try again. Nothing was changed.",
            )
            return
        scope[BODY_KEY] = body
        await self.app(scope, _replay(body), send)

    async def _open(self, scope: Scope, send: Send) -> None:
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("key") or [""])[0]
        if not same_secret(given, self.keys.launch_key):
            await plain(send, 403, NOT_SIGNED_IN, NO_STORE)
            return
        cookie = f"{COOKIE}={self.keys.cookie}; HttpOnly; SameSite=Strict; Path=/"
        headers = [
            (b"location", b"/"),
            (b"set-cookie", cookie.encode()),
            (b"cache-control", b"no-store"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _cookie(scope: Scope, name: str) -> str | None:
    raw = header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _form_field(body: bytes, name: str) -> str | None:
    try:
        fields = urllib.parse.parse_qs(body.decode("utf-8"), max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        return None
    values = fields.get(name)
    return values[0] if values else None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
