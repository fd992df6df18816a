"""Running the share: the idle stop never cuts a download in progress, a connection that
never sends its request is closed, a stop request ends it cleanly. Loopback only."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from softpace.errors import ShareError
from softpace.share import lifecycle
from softpace.share.gate import Activity
from softpace.share.routes import Share, run_share
from softpace.share.security import new_token


def _serve(share: Share, idle_stop_s: float):
    sock = lifecycle.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    token = new_token()
    stopper = lifecycle.Stopper()
    result: dict[str, str] = {}

    def run() -> None:
        result["why"] = run_share(share, sock, token, idle_stop_s, Activity(), stopper)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, token, stopper, thread, result


def _request(port: int, path: str, rcvbuf: int | None = None) -> socket.socket:
    conn = socket.socket()
    if rcvbuf:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    conn.connect(("127.0.0.1", port))
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return conn


@pytest.mark.slow
def test_the_idle_stop_never_cuts_a_download_in_progress(plan, rendered, tmp_path):
    mp3 = rendered / "external-mapping.mp3"
    # big enough that the socket buffers cannot hold it: the server is still sending
    mp3.write_bytes(mp3.read_bytes() + bytes(30_000_000))
    # ...and still one render's files: its timeline records the longer audio
    timeline = rendered / "external-mapping.timeline.json"
    document = json.loads(timeline.read_text())
    document["render"]["audio_bytes"] += 30_000_000
    timeline.write_text(json.dumps(document))
    share = Share(plan, rendered, tmp_path / "share")
    port, token, _stopper, thread, result = _serve(share, idle_stop_s=0.5)
    conn = _request(port, f"/{token}/files/external-mapping.mp3", rcvbuf=4096)
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(1024)
    header, _, body = head.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in header.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))  # fmt: skip
    time.sleep(1.5)  # three idle limits while the phone is still downloading
    assert thread.is_alive()
    conn.settimeout(10)
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, f"cut after {len(body)} of {length} bytes"
        body += chunk
    conn.close()
    thread.join(timeout=10)  # once the download is done, the idle stop comes
    assert not thread.is_alive() and result["why"] == "no visit for 0.5 s"


def test_a_half_open_connection_is_closed(plan, rendered, tmp_path, monkeypatch):
    monkeypatch.setattr(lifecycle, "REQUEST_TIMEOUT_S", 0.3)
    share = Share(plan, rendered, tmp_path / "share")
    port, _token, stopper, thread, _result = _serve(share, idle_stop_s=60)
    try:
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET / HTTP/1.1\r\nHo")  # and then nothing more
        started = time.monotonic()
        assert conn.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 3
        conn.close()
    finally:
        stopper.stop("test over")
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 0.0, -5.0])
def test_an_idle_stop_that_is_not_a_positive_number_is_refused(seconds):
    with pytest.raises(ShareError, match="idle stop"):
        lifecycle.check_idle_stop(seconds)
