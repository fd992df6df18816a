"""The running app's state: the context, the launch's keys, the render in progress, the
phone share, and the one-shot message shown after a POST (the app has one user)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from softpace.app import AppContext
from softpace.errors import SoftpaceError
from softpace.web.gate import Keys
from softpace.web.phone import Phone

RenderFn = Callable[[AppContext, Callable[[float], None]], None]


@dataclass
class RenderState:
    running: bool = False
    fraction: float = 0.0
    error: str | None = None
    done: bool = False


@dataclass
class Flash:
    lines: tuple[str, ...] = ()
    safety: bool = False


@dataclass
class WebState:
    ctx: AppContext
    keys: Keys
    phone: Phone
    render_fn: RenderFn | None = None  # tests render with a fake engine
    origins: tuple[str, ...] = ()
    render: RenderState = field(default_factory=RenderState)
    flash: Flash = field(default_factory=Flash)
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def context(self) -> AppContext:
        return self.ctx

    def say(self, *lines: str, safety: bool = False) -> None:
        self.flash = Flash(tuple(lines), safety)

    def take_flash(self) -> Flash:
        flash, self.flash = self.flash, Flash()
        return flash

    @property
    def app_name(self) -> str:
        return "Evening practice" if self.ctx.settings.discreet else "softpace"

    def start_render(self) -> None:
        """Render today's session in a thread; the Today page follows its progress."""
        if self.render.running:
            return
        self.render = RenderState(running=True)
        state = self.render

        def advance(fraction: float) -> None:
            state.fraction = max(state.fraction, min(1.0, fraction))

        def run() -> None:
            try:
                (self.render_fn or render_today)(self.ctx, advance)
                state.done = True
            except SoftpaceError as exc:
                state.error = str(exc)
            except Exception as exc:  # a page must say it failed, not spin forever
                state.error = f"the session could not be prepared ({type(exc).__name__})"
            finally:
                state.running = False

        threading.Thread(target=run, name="softpace-render", daemon=True).start()


def render_today(ctx: AppContext, advance: Callable[[float], None]) -> None:
    """Render today's session through the application layer (which records its recipe)."""
    from softpace import app

    app.today(ctx, progress=lambda p: advance(p.fraction))


def make_state(ctx: AppContext, phone: Phone | None = None, **kwargs: Any) -> WebState:
    return WebState(ctx=ctx, keys=Keys(), phone=phone or Phone(), **kwargs)
