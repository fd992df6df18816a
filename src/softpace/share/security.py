"""Security shared by the phone share and the local app: headers, Host check, body limits.

Both serve health data on a machine that other pages (in the same browser) and other
devices (on the same network) can reach, so every answer carries the same privacy
headers, a Content-Security-Policy whose only scripts are those with the page's nonce,
and a request whose Host header is not one of ours is refused (a web page that
rebinds its own domain name to 127.0.0.1 cannot read or post anything).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_BYTES = 16  # 128 bits, as text 22 URL-safe characters
MAX_BODY_BYTES = 64 * 1024  # a check-in is a few hundred bytes; a 10 MB note is refused

PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",  # a token in the address never leaves in a Referer
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
NO_STORE = {"Cache-Control": "no-store"}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (as UTF-8)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def content_security_policy(nonce: str, *, forms: bool) -> str:
    """Nothing from elsewhere; scripts only with this page's nonce; styles only from us."""
    return (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; "
        "font-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        + ("form-action 'self'" if forms else "form-action 'none'")
    )


def page_headers(nonce: str, *, forms: bool = False) -> dict[str, str]:
    return {**NO_STORE, "Content-Security-Policy": content_security_policy(nonce, forms=forms)}


def host_of(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return str(value.decode("latin-1")).lower()
    return ""


def header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def with_headers(send: Send, extra: dict[str, str]) -> Send:
    """`send`, adding `extra` headers to the response start (replacing none)."""
    encoded = [(k.lower().encode(), v.encode()) for k, v in extra.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name for name, _ in message.get("headers", [])}
            added = [(k, v) for k, v in encoded if k not in present]
            message = dict(message, headers=[*message.get("headers", []), *added])
        await send(message)

    return wrapped


async def plain(send: Send, status: int, text: str, extra: dict[str, str] | None = None) -> None:
    """A short plain-text answer (no HTML, so nothing in it can run)."""
    body = text.encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (extra or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HostCheck:
    """ASGI middleware: only requests whose Host header names one of `allowed`
    (host:port, lower case) reach the app; the rest get a plain 421. Adds the privacy
    headers to every answer, refused or not."""

    def __init__(
        self, app: ASGIApp, allowed: Iterable[str], headers: dict[str, str] | None = None
    ) -> None:
        self.app = app
        self.allowed = frozenset(a.lower() for a in allowed)
        self.headers = PRIVATE_HEADERS if headers is None else headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})  # no websockets here
            return
        send = with_headers(send, self.headers)
        if host_of(scope) not in self.allowed:
            await plain(send, 421, "Misdirected request", NO_STORE)
            return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised when a request body passes its limit (answered 413, nothing written)."""


async def read_body(receive: Receive, scope: Scope, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole request body, refusing (before reading it all) past `limit` bytes."""
    declared = header(scope, b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
