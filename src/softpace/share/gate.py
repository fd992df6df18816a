"""The share's token gate: only `/<token>/...` reaches the share, as `/...`.

Every address of a share starts with a random 128-bit token. A request without it gets
the same plain 404 whatever it asks for, so nothing says what is here; tokens are
compared in constant time. A request with the token counts as activity, which keeps the
share from stopping itself (see lifecycle.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from softpace.share.security import (
    NO_STORE,
    ASGIApp,
    Receive,
    Scope,
    Send,
    plain,
    same_secret,
)


class Activity:
    """When the last request with the token came in (a monotonic clock), and how many
    responses are still being sent (a download in progress is never idle)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()
        self.in_flight = 0

    def touch(self) -> None:
        self._last = self._clock()

    def idle_s(self) -> float:
        if self.in_flight:
            return 0.0
        return self._clock() - self._last


class TokenGate:
    """ASGI middleware in front of the share (behind the Host check)."""

    def __init__(self, app: ASGIApp, token: str, activity: Activity) -> None:
        self.app = app
        self._token = token
        self._activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        first, slash, rest = scope["path"].removeprefix("/").partition("/")
        if not same_secret(first, self._token):
            await plain(send, 404, "Not Found", NO_STORE)
            return
        self._activity.touch()
        if not slash:  # /<token> -> /<token>/, so relative links work
            location = f"/{first}/".encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 308,
                    "headers": [(b"location", location), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        inner = dict(scope, path=f"/{rest}", raw_path=f"/{rest}".encode(), root_path="")
        self._activity.in_flight += 1
        try:
            await self.app(inner, receive, send)
        finally:
            self._activity.in_flight -= 1
            self._activity.touch()  # the end of a long download is activity too
