"""One render of the fixture sessions for the whole test run, made in a process of its own.

The first xdist worker to start its tests launches `render_child.py fixture FOLDER` (an
atomic mkdir decides which) and records the child's pid; every worker that needs the
files waits for FOLDER to appear. The child renders into a staging folder and renames it
into place, so a waiter never sees half a render. If it fails it leaves its traceback in
FOLDER.failed; if it dies without one (killed, say), waiters see its pid gone. Either
way every waiter fails at once with the reason. The launcher's session does not end before
the child has.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = Path(__file__).with_name("render_child.py")
WAIT_LIMIT_S = 600.0
POLL_S = 0.05


class SharedRender:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.failed = folder.with_name(folder.name + ".failed")
        self._started = folder.with_name(folder.name + ".started")
        self._pid = self._started / "pid"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Launch the render unless another worker already has."""
        try:
            self._started.mkdir()
        except FileExistsError:
            return
        try:
            self._process = subprocess.Popen(
                [sys.executable, str(CHILD), "fixture", str(self.folder)],
                stdout=subprocess.DEVNULL,
            )
        except OSError as exc:
            self.failed.write_text(f"could not start the render: {exc}")
            raise
        partial = self._pid.with_suffix(".partial")
        partial.write_text(str(self._process.pid))
        partial.rename(self._pid)

    def wait(self) -> Path:
        """The rendered folder, once it is whole (started here if nobody had)."""
        self.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not self.folder.is_dir():
            if self.failed.exists():
                raise RuntimeError(f"the fixture render failed:\n{self.failed.read_text()}")
            if not self._child_alive() and not self.folder.is_dir():
                raise RuntimeError("the fixture render ended without its files or an error")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the fixture render did not finish in {WAIT_LIMIT_S:.0f} s")
            time.sleep(POLL_S)
        return self.folder

    def stop(self) -> None:
        """At the end of the launcher's session: no render is left running. It is waited
        for, not killed, since another worker may still be waiting for its files."""
        if self._process is None:
            return
        try:
            self._process.wait(timeout=WAIT_LIMIT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _child_alive(self) -> bool:
        if self._process is not None:
            return self._process.poll() is None
        try:
            pid = int(self._pid.read_text())
        except (OSError, ValueError):
            return True  # its launcher is still starting it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        # Linux: a child its launcher has not reaped yet is a zombie, and ended.
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            return stat.rsplit(")", 1)[1].split()[0] != "Z"
        return True
