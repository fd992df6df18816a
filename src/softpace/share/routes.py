"""The private LAN share: a page, a podcast feed, the session files, and (when the app
starts it) the phone's check-in.

Starlette serves it (with HTTP Range on the audio, which iOS Safari needs) behind the
token gate (gate.py) and the Host check (security.py). Only the names in the current
export are served: no directory listing, no path built from what a client sends. The
share is an export (bundle.py) into a private temporary folder, refreshed when the
rendered sessions change, so a podcast app picks up new sessions.

A discreet share says nothing about health anywhere: not in titles, not in the note
about today, not in attributes, not in error answers; it never shows a date from the
comfort log or a path on the computer.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from softpace.errors import SoftpaceError
from softpace.plan.model import Plan
from softpace.publish.catalog import find_sessions, signature
from softpace.publish.cover import neutral_cover_png
from softpace.publish.labels import DISCREET_ALBUM, PLAYLIST_NAME
from softpace.share.bundle import ExportedSession, ExportResult, export_to_folder
from softpace.share.feed import feed_xml
from softpace.share.fit import Recipe, fits
from softpace.share.gate import Activity, TokenGate
from softpace.share.lifecycle import IDLE_STOP_S, watch_idle
from softpace.share.security import (
    NO_STORE,
    BodyTooLarge,
    HostCheck,
    new_nonce,
    page_headers,
    read_body,
)

MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".lrc": "text/plain; charset=utf-8",
    ".m3u8": "audio/x-mpegurl; charset=utf-8",
}
DISCREET_PAUSED = "Nothing to play today. See the note on your computer."


@dataclass(frozen=True)
class Today:
    """What the comfort log says about today, for the top of the page."""

    stage_id: str | None  # None: no session today (paused, or the log could not be read)
    note: str
    recipe: Recipe | None = None  # how today's session is shaped (stage and adaptations)


class PhoneDesk(Protocol):
    """The phone's check-in, provided by the app (the share alone has none)."""

    def form(self) -> dict[str, Any]: ...

    def submit(self, payload: Any) -> tuple[int, dict[str, Any]]: ...

    def recent(self) -> list[dict[str, Any]] | None: ...


class Share:
    """The shared sessions: an export of `source_dir` into `share_dir`, redone when a
    rendered session is written, added or removed."""

    def __init__(
        self,
        plan: Plan,
        source_dir: Path,
        share_dir: Path,
        discreet: bool = False,
        today: Callable[[], Today] | None = None,
        desk: PhoneDesk | None = None,
    ) -> None:
        self.plan = plan
        self.source_dir = source_dir
        self.share_dir = share_dir
        self.discreet = discreet
        self.desk = desk
        self._today = today or (lambda: Today(None, ""))
        self._lock = threading.Lock()
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._export: ExportResult | None = None

    def current(self) -> ExportResult:
        """The current export; the first call raises if nothing is rendered. When a later
        refresh fails (a session half re-rendered, say), the last good export stays."""
        with self._lock:
            now = signature(self.plan, self.source_dir)
            if self._export is None or now != self._signature:
                try:
                    sessions = find_sessions(self.plan, self.source_dir)
                    self._export = export_to_folder(
                        self.plan, sessions, self.share_dir, self.discreet
                    )
                    self._signature = now
                except SoftpaceError:
                    if self._export is None:
                        raise
            return self._export

    def path_of(self, name: str) -> Path | None:
        """The shared file called `name`, or None: only names of the current export."""
        export = self.current()
        names = {PLAYLIST_NAME, *(n for s in export.sessions for n in s.file_names)}
        return self.share_dir / name if name in names else None

    def today(self) -> Today:
        try:
            today = self._today()
        except SoftpaceError as exc:
            note = "" if self.discreet else f"Could not read your comfort log: {exc}"
            return Today(None, note)
        if self.discreet and today.stage_id is None:
            return Today(None, DISCREET_PAUSED if today.note else "")
        return today

    def today_session(self, today: Today) -> ExportedSession | None:
        """The shared session that is today's: same stage, same adaptations."""
        if today.stage_id is None or today.recipe is None:
            return None
        for session in self.current().sessions:
            if fits(
                self.plan, self.source_dir, today.recipe, session.timeline, session.rendered_ns
            ):
                return session
        return None

    def album(self) -> str:
        return DISCREET_ALBUM if self.discreet else self.plan.title


def create_app(
    share: Share,
    token: str,
    base_url: str,
    activity: Activity,
    on_idle: Callable[[], None] = lambda: None,
    idle_stop_s: float = IDLE_STOP_S,
) -> Any:
    """The ASGI app. `base_url` is the absolute address with the token, ending in '/'
    (its host:port is the only Host header accepted). `on_idle` is called once no
    request has carried the token for `idle_stop_s`."""
    import urllib.parse

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import (
        FileResponse,
        HTMLResponse,
        JSONResponse,
        PlainTextResponse,
        Response,
    )
    from starlette.routing import Route

    from softpace.share.page import render_page

    def page(request: Request) -> Response:
        nonce = new_nonce()
        html = render_page(share, share.current(), share.today(), nonce, token)
        return HTMLResponse(html, headers=page_headers(nonce))

    def note(request: Request) -> Response:
        from softpace.share.page import render_note

        if share.desk is None:
            return PlainTextResponse("Not Found", status_code=404)
        nonce = new_nonce()
        return HTMLResponse(render_note(share, nonce, token), headers=page_headers(nonce))

    def feed(request: Request) -> Response:
        xml = feed_xml(share.album(), share.discreet, share.current().sessions, base_url)
        return Response(xml, media_type="application/rss+xml; charset=utf-8", headers=NO_STORE)

    def cover(request: Request) -> Response:
        return Response(neutral_cover_png(), media_type="image/png", headers=NO_STORE)

    def static(request: Request) -> Response:
        from softpace.web.assets import asset

        found = asset(request.path_params["name"])
        if found is None:
            return PlainTextResponse("Not Found", status_code=404)
        body, media_type = found
        return Response(body, media_type=media_type, headers={"Cache-Control": "private"})

    def file(request: Request) -> Response:
        path = share.path_of(request.path_params["name"])
        if path is None or not path.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})

    async def checkin(request: Request) -> Response:
        if share.desk is None:
            return PlainTextResponse("Not Found", status_code=404)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            # a form posted from another site cannot send JSON without asking first
            return JSONResponse({"message": "Send the check-in as JSON."}, status_code=415)
        try:
            body = await read_body(request.receive, request.scope)
        except BodyTooLarge:
            return JSONResponse(
                {"message": "That is too much text to save; nothing was changed."},
                status_code=413,
            )
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return JSONResponse({"message": "That was not a check-in."}, status_code=400)
        status, answer = share.desk.submit(payload)
        return JSONResponse(answer, status_code=status, headers=NO_STORE)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        import asyncio

        watcher = asyncio.create_task(watch_idle(activity, idle_stop_s, on_idle))
        try:
            yield
        finally:
            watcher.cancel()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/note", note),
            Route("/feed.xml", feed),
            Route("/cover.png", cover),
            Route("/static/{name}", static),
            Route("/files/{name}", file),
            Route("/checkin", checkin, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirect would drop the token from the path
    host = urllib.parse.urlsplit(base_url).netloc.lower()
    return HostCheck(TokenGate(app, token, activity), [host])


def run_share(
    share: Share,
    sock: Any,
    token: str,
    idle_stop_s: float = IDLE_STOP_S,
    activity: Activity | None = None,
    stopper: Any = None,
) -> str:
    """Serve until stopped (Ctrl-C, SIGTERM, SIGHUP, `stopper.stop`) or idle for
    `idle_stop_s`; returns why it stopped. The caller's cleanup always runs after."""
    from softpace.share.lifecycle import Stopper, check_idle_stop, host_port, make_server, minutes

    check_idle_stop(idle_stop_s)
    activity = activity or Activity()
    stopper = stopper or Stopper()
    base_url = f"http://{host_port(sock)}/{token}/"
    app = create_app(
        share,
        token,
        base_url,
        activity,
        lambda: stopper.stop(f"no visit for {minutes(idle_stop_s)}"),
        idle_stop_s,
    )
    make_server(app, stopper).run(sockets=[sock])
    return str(stopper.why)


def share_url(sock: Any, token: str) -> str:
    from softpace.share.lifecycle import host_port

    return f"http://{host_port(sock)}/{token}/"
