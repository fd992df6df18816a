"""Running a server (the LAN share or the local app): where it listens, how it stops.

- `bind` makes the listening socket, with a message that says what to change when the
  port is taken or the address is not ours;
- `serve` runs an ASGI app with uvicorn until it is told to stop, an idle limit passes,
  or a signal comes (Ctrl-C, SIGTERM, SIGHUP). Signals are turned into a clean stop and
  never re-raised afterwards, so the caller's cleanup (the share's temporary copy)
  always runs;
- connections that never finish sending a request, or stop reading a response (a phone
  gone away mid-download), are closed after a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import math
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from softpace.errors import ShareError
from softpace.share.gate import Activity

IDLE_STOP_S = 30 * 60
IDLE_CHECK_S = 1.0
REQUEST_TIMEOUT_S = 10.0  # to send a whole request head once connected
WRITE_STALL_S = 60.0  # a client that reads nothing of a response for this long is gone
STOP_SIGNALS = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)
SIGNAL_NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C"}


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


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


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
                f"port {port} on {host} is already in use (is another softpace server "
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


def host_port(sock: socket.socket) -> str:
    """How a browser names where `sock` listens (host:port; the network address when it
    listens on every interface)."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = lan_address() or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}"


def check_idle_stop(seconds: float) -> float:
    if not math.isfinite(seconds) or seconds <= 0:
        raise ShareError(f"the idle stop must be a positive number of minutes, got {seconds!r}")
    return seconds


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A temporary folder only this user can read, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="softpace-share-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def guarded_protocol() -> type:
    """uvicorn's HTTP/1.1 protocol with a request-head timeout and a write-stall timeout."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Guarded(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None
        _stall_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm_head()

        def _arm_head(self) -> None:
            self._cancel("_head_timer")
            self._head_timer = self.loop.call_later(REQUEST_TIMEOUT_S, self._head_overdue)

        def _head_overdue(self) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._cancel("_head_timer")

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_head()

        def pause_writing(self) -> None:
            super().pause_writing()
            self._cancel("_stall_timer")
            self._stall_timer = self.loop.call_later(WRITE_STALL_S, self.transport.abort)

        def resume_writing(self) -> None:
            super().resume_writing()
            self._cancel("_stall_timer")

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel("_head_timer")
            self._cancel("_stall_timer")
            super().connection_lost(exc)

        def _cancel(self, name: str) -> None:
            timer = getattr(self, name)
            if timer is not None:
                timer.cancel()
                setattr(self, name, None)

    return Guarded


class Stopper:
    """Why a server stopped; `stop(why)` asks it to stop (from any thread)."""

    def __init__(self) -> None:
        self.why = "stopped"
        self.server: Any = None
        self._early = False

    def stop(self, why: str) -> None:
        self.why = why
        if self.server is not None:
            self.server.should_exit = True
        else:
            self._early = True


def _signal_words(sig: int) -> str:
    return SIGNAL_NAMES.get(sig, f"{signal.Signals(sig).name} received")


@contextlib.contextmanager
def stop_on_signals(stopper: Stopper) -> Iterator[Stopper]:
    """While the block runs (in the main thread), Ctrl-C, SIGTERM and SIGHUP ask
    `stopper` to stop instead of killing the process, so cleanup always runs: a signal
    that comes before the server is up stops it as soon as it starts."""
    if threading.current_thread() is not threading.main_thread():
        yield stopper
        return

    def handle(sig: int, frame: Any) -> None:
        stopper.stop(_signal_words(sig))

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    try:
        yield stopper
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def make_server(app: Any, stopper: Stopper) -> Any:
    """A uvicorn Server for `app` that turns stop signals into a clean stop."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # uvicorn re-raises a caught signal after shutting down, which kills the
            # process before the caller's cleanup; here a signal is just a stop.
            if threading.current_thread() is not threading.main_thread():
                yield
                return

            def handle(sig: int, frame: Any) -> None:
                if self.should_exit and sig == signal.SIGINT:
                    self.force_exit = True
                stopper.stop(_signal_words(sig))

            previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # a token may be in the path: keep it out of logs
        lifespan="on",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=5,
        server_header=False,
        http=guarded_protocol(),
    )
    server = Server(config)
    stopper.server = server
    if stopper._early:
        server.should_exit = True
    return server


async def watch_idle(activity: Activity, limit_s: float, on_idle: Callable[[], None]) -> None:
    while True:
        await asyncio.sleep(min(IDLE_CHECK_S, limit_s / 4))
        if activity.idle_s() >= limit_s:
            on_idle()
            return


def minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minute(s)" if seconds >= 60 else f"{seconds:g} s"
