"""`softpace app`: the local web app, assembled and run.

Listens on 127.0.0.1 only (the phone share, started from the Phone page, is a separate
server on the network address). In front of the routes: the Host check (only
127.0.0.1:PORT and localhost:PORT), then the launch gate (cookie, CSRF). Errors inside a
page become a plain page that names no path and no traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from softpace.errors import SoftpaceError
from softpace.share.security import PRIVATE_HEADERS, HostCheck
from softpace.web import actions, pages
from softpace.web.gate import LaunchGate
from softpace.web.state import WebState

log = logging.getLogger("softpace.web")


def allowed_hosts(port: int) -> tuple[str, ...]:
    return (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}")


def create_app(state: WebState, port: int) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def bound(handler: Callable[[WebState, Request], Response]) -> Callable[[Request], Any]:
        @functools.wraps(handler)
        def endpoint(request: Request) -> Response:
            try:
                return handler(state, request)
            except SoftpaceError as exc:
                return pages.error_page(state, 400, "Something needs your attention", str(exc), "/")

        return endpoint

    get = [
        ("/", pages.today_page),
        ("/checkin", pages.checkin_page),
        ("/progress", pages.progress_page),
        ("/settings", pages.settings_page),
        ("/phone", pages.phone_page),
        ("/reminders", pages.reminders_page),
        ("/reminders.ics", pages.reminders_ics),
        ("/render/status", pages.render_status),
        ("/media/{name}", pages.media),
        ("/static/{name}", pages.static),
    ]
    post = [
        ("/checkin", actions.save_checkin),
        ("/entries/practice/{entry_id}/correct", actions.correct_entry),
        ("/entries/{kind}/{entry_id}/delete", actions.delete_entry),
        ("/settings", actions.save_settings),
        ("/render", actions.start_render),
        ("/phone/start", actions.phone_start),
        ("/phone/stop", actions.phone_stop),
        ("/phone/history", actions.phone_history),
    ]
    routes = [Route(p, bound(h), methods=["GET", "HEAD"]) for p, h in get]
    routes += [Route(p, bound(h), methods=["POST"]) for p, h in post]

    async def not_found(request: Request, exc: Exception) -> Response:
        return pages.error_page(state, 404, "Not here", "There is no such page.", "/")

    async def failed(request: Request, exc: Exception) -> Response:
        log.error("page failed: %s", type(exc).__name__)
        return pages.error_page(
            state, 500, "Something went wrong", "The page could not be shown; try again.", "/"
        )

    app = Starlette(routes=routes, exception_handlers={404: not_found, Exception: failed})
    hosts = allowed_hosts(port)
    origins = tuple(f"http://{h}" for h in hosts)
    # same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on a
    # form POST, and the Origin check below needs the real one; no page links elsewhere
    headers = {**PRIVATE_HEADERS, "Referrer-Policy": "same-origin"}
    return HostCheck(LaunchGate(app, state.keys, origins), hosts, headers)


def open_url(port: int, state: WebState) -> str:
    return f"http://127.0.0.1:{port}/open?key={state.keys.launch_key}"


def run_app(state: WebState, sock: Any, stopper: Any) -> str:
    """Serve until Ctrl-C, SIGTERM or SIGHUP; the phone share stops with it."""
    from softpace.share.lifecycle import make_server

    port = sock.getsockname()[1]
    try:
        make_server(create_app(state, port), stopper).run(sockets=[sock])
    finally:
        state.phone.stop()
    return str(stopper.why)
