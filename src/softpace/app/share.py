"""Operations that get sessions onto the phone: export to a folder or zip, share over Wi-Fi."""

from __future__ import annotations

import contextlib
import math
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from softpace.app.context import AppContext
from softpace.app.sessions import today_stage_or_stop
from softpace.constants import DEFAULT_IDLE_STOP_MIN, DEFAULT_PORT
from softpace.errors import NothingRenderedError, OptionError

if TYPE_CHECKING:
    from softpace.share.bundle import ExportResult
    from softpace.share.routes import Share, Today


def export_sessions(
    ctx: AppContext,
    *,
    folder: Path | None = None,
    zip_path: Path | None = None,
    discreet: bool | None = None,
    today_only: bool = False,
    as_of: date | str | None = None,
) -> ExportResult:
    """Copy the sessions rendered in ctx.out_dir into `folder`, or one zip at `zip_path`.

    `discreet` None follows the settings. With `today_only`, only today's session (a
    SafetyStopError after a red flag).
    """
    from softpace.publish.catalog import find_sessions
    from softpace.share.bundle import export_to_folder, export_to_zip

    if (folder is None) == (zip_path is None):
        raise OptionError("give a folder DEST, or --zip FILE (not both)")
    hide = ctx.settings.discreet if discreet is None else discreet
    sessions = find_sessions(ctx.plan, ctx.out_dir)
    if today_only:
        stage_id = today_stage_or_stop(ctx, as_of)
        sessions = tuple(s for s in sessions if s.stage.id == stage_id)
        if not sessions:
            raise NothingRenderedError(
                f"today's session ({stage_id}) is not rendered in {ctx.out_dir}: "
                "run `softpace today` first"
            )
    if zip_path is not None:
        return export_to_zip(ctx.plan, sessions, zip_path, hide)
    return export_to_folder(ctx.plan, sessions, folder or Path(), hide)


@dataclass(frozen=True)
class ShareRequest:
    host: str | None = None  # None: this computer's address on the network
    port: int = DEFAULT_PORT
    idle_stop_min: float = DEFAULT_IDLE_STOP_MIN
    discreet: bool | None = None  # None: as in the settings


@dataclass(frozen=True)
class Sharing:
    """A share that is bound and ready: give the user `url`, then call `serve()`."""

    share: Share
    sock: socket.socket
    token: str
    url: str
    idle_stop_s: float
    no_network: bool  # no network address found: only this computer can reach it

    @property
    def feed_url(self) -> str:
        return f"{self.url}feed.xml"

    @property
    def local_only(self) -> bool:
        return self.sock.getsockname()[0] in ("127.0.0.1", "::1")

    def serve(self, stopper: Any = None) -> str:
        """Serve until idle or stopped (Ctrl-C, SIGTERM, SIGHUP, `stopper.stop`); returns
        why it stopped ('Ctrl-C' on interrupt). Nothing is re-raised: cleanup runs."""
        from softpace.share.routes import run_share

        return run_share(self.share, self.sock, self.token, self.idle_stop_s, stopper=stopper)


@contextlib.contextmanager
def open_share(ctx: AppContext, request: ShareRequest | None = None) -> Iterator[Sharing]:
    """Export ctx.out_dir into a private temporary folder and bind the share's socket;
    everything is removed when the block ends."""
    from softpace.share import lifecycle
    from softpace.share.routes import Share, share_url
    from softpace.share.security import new_token

    req = request or ShareRequest()
    if not (math.isfinite(req.idle_stop_min) and req.idle_stop_min > 0):
        raise OptionError(
            f"--idle-stop must be a number of minutes above 0, got {req.idle_stop_min}"
        )
    discreet = ctx.settings.discreet if req.discreet is None else req.discreet
    with lifecycle.private_folder() as folder:
        share = Share(ctx.plan, ctx.out_dir, folder, discreet, today=lambda: today_note(ctx))
        share.current()  # nothing rendered: say so before listening
        host = req.host or lifecycle.lan_address()
        sock = lifecycle.bind(host or "127.0.0.1", req.port)
        token = new_token()
        try:
            yield Sharing(
                share,
                sock,
                token,
                share_url(sock, token),
                req.idle_stop_min * 60,
                no_network=host is None,
            )
        finally:
            sock.close()


def today_note(ctx: AppContext) -> Today:
    """What the comfort log says about today, for the top of the share page: the stage and
    how today's session is adapted (so the page shows the session only when it fits)."""
    from softpace.app.sessions import plan_today
    from softpace.share.fit import recipe_of
    from softpace.share.routes import Today

    session = plan_today(ctx)
    if session.stop is not None or session.stage is None:
        reason = session.reasons[0] if session.reasons else ""
        return Today(None, f"Exposure practice is paused. {reason}".strip())
    return Today(
        session.stage.id,
        f"Today: session {session.stage.number}.",
        recipe_of(session.stage.id, session.options),
    )
