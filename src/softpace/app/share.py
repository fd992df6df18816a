"""Operations that get sessions onto the phone: export to a folder or zip, share over Wi-Fi."""

from __future__ import annotations

import contextlib
import math
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from softpace.app.context import AppContext
from softpace.app.sessions import today_stage_or_stop
from softpace.constants import DEFAULT_IDLE_STOP_MIN, DEFAULT_PORT
from softpace.errors import NothingRenderedError, OptionError
from softpace.progress.model import Action

if TYPE_CHECKING:
    from softpace.export.bundle import ExportResult
    from softpace.export.server import Share, Today


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
    from softpace.export.bundle import export_to_folder, export_to_zip
    from softpace.publish.catalog import find_sessions

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

    def serve(self) -> str:
        """Serve until idle or stopped; returns why it stopped ('Ctrl-C' on interrupt)."""
        from softpace.export import server

        try:
            return server.run_share(self.share, self.sock, self.token, self.idle_stop_s)
        except KeyboardInterrupt:
            return "Ctrl-C"


@contextlib.contextmanager
def open_share(ctx: AppContext, request: ShareRequest | None = None) -> Iterator[Sharing]:
    """Export ctx.out_dir into a private temporary folder and bind the share's socket;
    everything is removed when the block ends."""
    from softpace.export import server

    req = request or ShareRequest()
    if not (math.isfinite(req.idle_stop_min) and req.idle_stop_min > 0):
        raise OptionError(
            f"--idle-stop must be a number of minutes above 0, got {req.idle_stop_min}"
        )
    discreet = ctx.settings.discreet if req.discreet is None else req.discreet
    with server.private_folder() as folder:
        share = server.Share(ctx.plan, ctx.out_dir, folder, discreet, today=lambda: today_note(ctx))
        share.current()  # nothing rendered: say so before listening
        host = req.host or server.lan_address()
        sock = server.bind(host or "127.0.0.1", req.port)
        token = server.new_token()
        try:
            yield Sharing(
                share,
                sock,
                token,
                server.share_url(sock, token),
                req.idle_stop_min * 60,
                no_network=host is None,
            )
        finally:
            sock.close()


def today_note(ctx: AppContext) -> Today:
    """What the comfort log says about today, for the top of the share page."""
    from softpace.export.server import Today

    decision = ctx.decide()
    if decision.action is Action.STOP:
        reason = decision.reasons[0] if decision.reasons else ""
        return Today(None, f"Exposure practice is paused. {reason}".strip())
    stage = ctx.plan.stage(decision.stage)
    return Today(stage.id, f"Today: session {stage.number}.")
