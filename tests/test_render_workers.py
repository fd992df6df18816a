"""`render --all`'s worker processes die with their parent and leave no partial files,
whether the parent is killed outright (SIGKILL) or asked to stop (SIGTERM).
Real processes and real signals; the speech engine is the fast fake one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

CHILD = Path(__file__).with_name("render_child.py")


def _children(pid: int) -> set[int]:
    """Every living descendant of `pid`."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _start_render_all(tmp_path: Path) -> tuple[subprocess.Popen[str], Path, set[int]]:
    out = tmp_path / "out"
    parent = subprocess.Popen(
        [sys.executable, str(CHILD), "all", str(tmp_path / "home"), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def encoding():  # both workers are writing their MP3s
        partials = list(out.glob(".*.mp3.*.partial")) if out.is_dir() else []
        return len(partials) >= 2 and partials

    _wait_for(encoding, 600, "the workers to start encoding")
    workers = _children(parent.pid)
    assert len(workers) >= 2
    return parent, out, workers


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent_and_leave_no_partial_files(tmp_path, signum):
    parent, out, workers = _start_render_all(tmp_path)
    os.kill(parent.pid, signum)
    parent.wait(timeout=60)
    assert parent.returncode != 0
    _wait_for(lambda: not _alive(workers), 60, "the workers to exit")
    assert not list(out.glob(".*.partial")), sorted(p.name for p in out.iterdir())
    assert not list(out.glob("*.mp3")), "nothing was committed half-way"
