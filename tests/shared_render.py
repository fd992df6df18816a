"""One render of the fixture sessions for the whole test run, made in a process of its own.

The first xdist worker to start its tests launches `render_child.py fixture FOLDER` (an
atomic mkdir decides which); every worker that needs the files waits for FOLDER to appear.
The child renders into a staging folder and renames it into place, so a waiter never sees
half a render; if it fails, it leaves its traceback in FOLDER.failed and every waiter
fails with it.
"""

from __future__ import annotations

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
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Launch the render unless another worker already has."""
        try:
            self._started.mkdir()
        except FileExistsError:
            return
        self._process = subprocess.Popen(
            [sys.executable, str(CHILD), "fixture", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )

    def wait(self) -> Path:
        """The rendered folder, once it is whole (started here if nobody had)."""
        self.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not self.folder.is_dir():
            if self.failed.exists():
                raise RuntimeError(f"the fixture render failed:\n{self.failed.read_text()}")
            if self._process is not None and self._process.poll() not in (None, 0):
                raise RuntimeError(f"the fixture render exited with {self._process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the fixture render did not finish in {WAIT_LIMIT_S:.0f} s")
            time.sleep(POLL_S)
        return self.folder
