"""The private LAN share: a page, a podcast feed and the session files, behind a secret URL.

Starlette serves it (with HTTP Range on the audio, which iOS Safari needs) and uvicorn runs
it. Every address starts with a random token; a request without it gets a plain 404, and
tokens are compared in constant time. Only the names in the current export are served:
no directory listing, no path built from what a client sends. The share is an export
(see bundle.py) into a private temporary folder, refreshed when the rendered sessions
change, so a podcast app picks up new sessions. The server stops itself after a period
without requests that carry the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from softpace.errors import ShareError, SoftpaceError
from softpace.export.bundle import ExportedSession, ExportResult, export_to_folder
from softpace.plan.model import Plan
from softpace.publish.catalog import find_sessions, signature
from softpace.publish.cover import neutral_cover_png
from softpace.publish.labels import DISCREET_ALBUM, PLAYLIST_NAME

DEFAULT_PORT = 8765
IDLE_STOP_S = 30 * 60
IDLE_CHECK_S = 1.0
TOKEN_BYTES = 16  # 128 bits, as text 22 URL-safe characters

MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".lrc": "text/plain; charset=utf-8",
    ".m3u8": "audio/x-mpegurl; charset=utf-8",
}
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",  # the token never leaves in a Referer header
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class Today:
    """What the comfort log says about today, for the top of the page."""

    stage_id: str | None  # None: no session today (paused, or the log could not be read)
    note: str


class Activity:
    """When the last request with the token came in (a monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()

    def touch(self) -> None:
        self._last = self._clock()

    def idle_s(self) -> float:
        return self._clock() - self._last


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
    ) -> None:
        self.plan = plan
        self.source_dir = source_dir
        self.share_dir = share_dir
        self.discreet = discreet
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
            return self._today()
        except SoftpaceError as exc:
            return Today(None, f"Could not read your comfort log: {exc}")

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
    """The ASGI app. `base_url` is the absolute address with the token, ending in '/'.
    `on_idle` is called once no request has carried the token for `idle_stop_s`."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    def page(request: Request) -> Response:
        export = share.current()
        nonce = secrets.token_urlsafe(12)
        html = _render_page(share, export, share.today(), nonce)
        return HTMLResponse(html, headers=_page_headers(nonce))

    def feed(request: Request) -> Response:
        xml = _feed_xml(share, share.current(), base_url)
        return Response(xml, media_type="application/rss+xml; charset=utf-8", headers=NO_STORE)

    def cover(request: Request) -> Response:
        return Response(neutral_cover_png(), media_type="image/png", headers=NO_STORE)

    def file(request: Request) -> Response:
        path = share.path_of(request.path_params["name"])
        if path is None or not path.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        watcher = asyncio.create_task(_watch_idle(activity, idle_stop_s, on_idle))
        try:
            yield
        finally:
            watcher.cancel()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/feed.xml", feed),
            Route("/cover.png", cover),
            Route("/files/{name}", file),
        ],
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirect would drop the token from the path
    return TokenGate(app, token, activity)


NO_STORE = {"Cache-Control": "no-store"}


class TokenGate:
    """ASGI middleware: only `/<token>/...` reaches the app (as `/...`); anything else is a
    plain 404 that says nothing about what is here. Adds privacy headers to every answer."""

    def __init__(self, app: Any, token: str, activity: Activity) -> None:
        self.app = app
        self._token = token.encode()
        self._activity = activity

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.responses import PlainTextResponse, RedirectResponse

        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # no websockets here
            return
        send = _with_headers(send, PRIVATE_HEADERS)
        first, slash, rest = scope["path"].removeprefix("/").partition("/")
        if not hmac.compare_digest(first.encode(), self._token):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        self._activity.touch()
        if not slash:  # /<token> -> /<token>/, so relative links work
            await RedirectResponse(f"/{first}/", status_code=308)(scope, receive, send)
            return
        inner = dict(scope, path=f"/{rest}", raw_path=f"/{rest}".encode(), root_path="")
        await self.app(inner, receive, send)


def _with_headers(send: Any, extra: dict[str, str]) -> Any:
    encoded = [(k.lower().encode(), v.encode()) for k, v in extra.items()]

    async def wrapped(message: Any) -> None:
        if message["type"] == "http.response.start":
            message = dict(message, headers=[*message.get("headers", []), *encoded])
        await send(message)

    return wrapped


async def _watch_idle(activity: Activity, limit_s: float, on_idle: Callable[[], None]) -> None:
    while True:
        await asyncio.sleep(min(IDLE_CHECK_S, limit_s / 4))
        if activity.idle_s() >= limit_s:
            on_idle()
            return


def _page_headers(nonce: str) -> dict[str, str]:
    return {
        **NO_STORE,
        "Content-Security-Policy": (
            "default-src 'self'; media-src 'self'; img-src 'self'; "
            f"style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
    }


def _render_page(share: Share, export: ExportResult, today: Today, nonce: str) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("softpace.export", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    cards = [_card(s) for s in export.sessions]
    today_card = next((c for c in cards if c["stage_id"] == today.stage_id), None)
    return env.get_template("share.html.j2").render(
        album=share.album(), today=today, today_card=today_card, cards=cards, nonce=nonce
    )


def _card(session: ExportedSession) -> dict[str, Any]:
    from softpace.publish.sidecars import transcript
    from softpace.timeline import format_mmss

    label = session.label
    return {
        "stage_id": label.stage_id,
        "title": label.title,
        "duration": format_mmss(session.timeline.duration_s),
        "mp3": f"files/{session.mp3_name}",
        "vtt": f"files/{label.vtt}",
        "mp3_mb": f"{session.mp3_bytes / 1e6:.1f}",
        "chapters": [
            {
                "title": label.chapter_title(n, s.title),
                "start_s": f"{s.start_s:.3f}",
                "at": format_mmss(s.start_s),
            }
            for n, s in enumerate(session.timeline.segments, start=1)
        ],
        "words": [p.splitlines() for p in transcript(session.timeline).strip().split("\n\n")],
    }


def _feed_xml(share: Share, export: ExportResult, base_url: str) -> bytes:
    """A podcast RSS 2.0 feed with absolute LAN URLs and audio/mpeg enclosures."""
    ET.register_namespace("itunes", ITUNES_NS)
    ET.register_namespace("podcast", PODCAST_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    album = share.album()
    _text(channel, "title", album)
    _text(channel, "link", base_url)
    _text(channel, "description", f"{album}: guided practice sessions, shared from your computer.")
    _text(channel, "language", "en")
    _text(channel, f"{{{ITUNES_NS}}}author", album if share.discreet else "softpace")
    _text(channel, f"{{{ITUNES_NS}}}block", "Yes")  # never list it in a directory
    _text(channel, f"{{{ITUNES_NS}}}explicit", "false")
    ET.SubElement(channel, f"{{{ITUNES_NS}}}image", {"href": f"{base_url}cover.png"})
    image = ET.SubElement(channel, "image")
    _text(image, "url", f"{base_url}cover.png")
    _text(image, "title", album)
    _text(image, "link", base_url)
    for session in export.sessions:
        label = session.label
        item = ET.SubElement(channel, "item")
        _text(item, "title", label.title)
        chapters = [label.chapter_title(n, s.title) for n, s in enumerate(
            session.timeline.segments, start=1)]  # fmt: skip
        _text(item, "description", "Chapters: " + ", ".join(chapters))
        # a new render is a new episode, so a podcast app fetches it again
        guid = ET.SubElement(item, "guid", {"isPermaLink": "false"})
        guid.text = f"{label.stem}-{session.rendered_ns}"
        rendered = datetime.fromtimestamp(session.rendered_ns / 1e9, tz=UTC)
        _text(item, "pubDate", format_datetime(rendered))
        ET.SubElement(
            item,
            "enclosure",
            {
                "url": f"{base_url}files/{session.mp3_name}",
                "length": str(session.mp3_bytes),
                "type": "audio/mpeg",
            },
        )
        _text(item, f"{{{ITUNES_NS}}}duration", str(round(session.timeline.duration_s)))
        _text(item, f"{{{ITUNES_NS}}}episode", str(label.number))
        ET.SubElement(
            item,
            f"{{{PODCAST_NS}}}transcript",
            {"url": f"{base_url}files/{label.vtt}", "type": "text/vtt"},
        )
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


# -- running it -------------------------------------------------------------------------


def lan_address() -> str | None:
    """This machine's address on its local network (the one its default route uses), or
    None when it has none. No packet is sent: connecting a UDP socket only picks a route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a ShareError that says what to change."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ShareError(
            f"{host!r} is not an address this computer can listen on ({exc.strerror}); "
            "leave out --host to use its network address"
        ) from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ShareError(
                f"port {port} on {host} is already in use (is another `softpace serve` "
                "running?); pass --port with another number, or --port 0 for any free port"
            ) from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ShareError(
                f"{host} is not an address of this computer; leave out --host to use its "
                "network address"
            ) from exc
        raise ShareError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    sock.setblocking(False)
    return sock


def share_url(sock: socket.socket, token: str) -> str:
    """The address to open: where `sock` listens, or this machine's network address when
    it listens on every interface."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = lan_address() or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/{token}/"


@contextlib.contextmanager
def private_folder() -> Any:
    """A temporary folder only this user can read, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="softpace-share-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_share(
    share: Share,
    sock: socket.socket,
    token: str,
    idle_stop_s: float = IDLE_STOP_S,
    activity: Activity | None = None,
) -> str:
    """Serve until Ctrl-C (raises KeyboardInterrupt after a clean shutdown) or until idle
    for `idle_stop_s`; returns why it stopped."""
    import uvicorn

    activity = activity or Activity()
    stopped = {"why": "stopped"}
    server: uvicorn.Server | None = None

    def on_idle() -> None:
        stopped["why"] = f"no requests for {_minutes(idle_stop_s)}"
        if server is not None:
            server.should_exit = True

    app = create_app(share, token, share_url(sock, token), activity, on_idle, idle_stop_s)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # the token is in every path: keep it out of logs
        lifespan="on",
        timeout_graceful_shutdown=2,
        server_header=False,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return stopped["why"]


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minute(s)" if seconds >= 60 else f"{seconds:g} s"
