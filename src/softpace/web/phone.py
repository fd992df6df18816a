"""The Phone page's share: started from the app, with the phone's check-in.

The share (softpace.share) runs in a thread of the app's process, on this computer's
network address (127.0.0.1 in tests), behind its own token. Its check-in desk accepts
only check-in entries, each with an idempotency key, and never shows the log unless
the user allowed it on the Phone page.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from softpace.app import AppContext
from softpace.errors import SoftpaceError
from softpace.share.inbox import INBOX_NAME, Inbox
from softpace.web import checkin

RECENT_LIMIT = 7


class Desk:
    """The phone's check-in: `submit` takes the JSON the phone's page sends."""

    def __init__(
        self,
        context: Callable[[], AppContext],
        inbox: Inbox,
        show_history: Callable[[], bool],
        discreet: bool,
        lock: threading.Lock,
    ) -> None:
        self._context = context
        self._inbox = inbox
        self._show_history = show_history
        self.discreet = discreet
        self._lock = lock

    def form(self) -> dict[str, Any]:
        from softpace import app
        from softpace.web.views import awaiting_day

        ctx = self._context()
        waiting = awaiting_day(app.history(ctx), ctx.today())
        return {"info": checkin.form_info(ctx), "awaiting": waiting is not None}

    def recent(self) -> list[dict[str, Any]] | None:
        if not self._show_history():
            return None
        from softpace import app
        from softpace.web.views import entry_rows

        ctx = self._context()
        return entry_rows(app.history(ctx), ctx.plan)[:RECENT_LIMIT]

    def submit(self, payload: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(payload, dict):
            return 400, {"message": "That was not a check-in; nothing was saved."}
        key = payload.get("key")
        fields: dict[str, list[str]] = {}
        for name in ("on", "during", "after", "dilator", "note", "felt_safe"):
            value = payload.get(name)
            if value is not None:
                fields[name] = [value] if isinstance(value, str) else [str(value)[:50]]
        for name in ("symptom", "red_flag"):
            value = payload.get(name)
            if value is not None:
                fields[name] = list(value) if isinstance(value, list) else [value]
        try:
            with self._lock, self._inbox.claim(str(key or "")) as (earlier, box):
                if earlier is not None:
                    return 409, {
                        "message": "This check-in was already saved; nothing changed.",
                        "duplicate": True,
                    }
                ctx = self._context()
                saved = checkin.save(ctx, checkin.parse(ctx, fields))
                box.append(" ".join(saved.messages))
        except SoftpaceError as exc:
            return 400, {"message": f"Not saved: {exc}"}
        return 200, {"message": " ".join(saved.messages), "safety": saved.safety}


@dataclass
class PhoneShare:
    """A running share: its address, why it stopped (once it has), its thread."""

    url: str
    thread: threading.Thread
    stopper: Any
    stopped: str | None = None


class Phone:
    """Starts and stops the share for the Phone page (at most one at a time)."""

    def __init__(self, host: str | None = None, port: int = 0) -> None:
        self.host = host  # None: this computer's network address
        self.port = port
        self.current: PhoneShare | None = None
        self.last_stop: str | None = None
        self.show_history = False
        self._lock = threading.Lock()

    def start(
        self, ctx: AppContext, write_lock: threading.Lock, context: Callable[[], AppContext]
    ) -> PhoneShare:
        from softpace.share import lifecycle, routes
        from softpace.share.gate import Activity
        from softpace.share.security import new_token

        with self._lock:
            if self.current is not None and self.current.thread.is_alive():
                return self.current
            host = self.host or lifecycle.lan_address()
            if host is None:
                raise SoftpaceError(
                    "this computer has no network address (is Wi-Fi on?); connect it to the "
                    "same Wi-Fi as your phone and try again"
                )
            inbox = Inbox(ctx.home / INBOX_NAME)
            desk = Desk(
                context, inbox, lambda: self.show_history, ctx.settings.discreet, write_lock
            )
            stopper = lifecycle.Stopper()
            ready = threading.Event()
            box: dict[str, Any] = {}

            def run() -> None:
                try:
                    with _shared_folder() as folder:
                        share = routes.Share(
                            ctx.plan,
                            ctx.out_dir,
                            folder,
                            ctx.settings.discreet,
                            today=lambda: _today_note(context()),
                            desk=desk,
                        )
                        share.current()
                        sock = lifecycle.bind(host, self.port)
                        token = new_token()
                        box["url"] = routes.share_url(sock, token)
                        ready.set()
                        why = routes.run_share(
                            share, sock, token, stopper=stopper, activity=Activity()
                        )
                        box["why"] = why
                except SoftpaceError as exc:
                    box["error"] = str(exc)
                finally:
                    ready.set()
                    self.last_stop = box.get("why") or box.get("error")

            thread = threading.Thread(target=run, name="softpace-phone-share", daemon=True)
            thread.start()
            ready.wait(timeout=30)
            if "url" not in box:
                thread.join(timeout=5)
                raise SoftpaceError(box.get("error", "the share did not start"))
            self.current = PhoneShare(box["url"], thread, stopper)
            return self.current

    def stop(self) -> None:
        with self._lock:
            current = self.current
            self.current = None
        if current is not None:
            current.stopper.stop("stopped from the app")
            current.thread.join(timeout=10)

    def running(self) -> PhoneShare | None:
        current = self.current
        if current is not None and not current.thread.is_alive():
            self.current = None
            return None
        return current


@contextlib.contextmanager
def _shared_folder() -> Iterator[Path]:
    from softpace.share.lifecycle import private_folder

    with private_folder() as folder:
        yield folder


def _today_note(ctx: AppContext) -> Any:
    from softpace.share.routes import Today
    from softpace.web.views import today_view

    view = today_view(ctx)
    if view.paused:
        return Today(None, "Exposure practice is paused: see the note on your computer.")
    return Today(view.stage_id, "Today's session:", view.recipe)
