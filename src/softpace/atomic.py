"""Atomic file writes: write a temporary file beside the target, then rename it into place.

An interrupted write never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from softpace.errors import OutputError


@contextlib.contextmanager
def atomic_path(final: Path, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `final` (with `mode`), on
    failure it is removed. Use mode 0o600 for anything holding health data."""
    with atomic_update(final, mode, keep_unchanged=False) as update:
        yield update.temp


@dataclass
class Update:
    temp: Path
    changed: bool = False


@contextlib.contextmanager
def atomic_update(final: Path, mode: int = 0o644, keep_unchanged: bool = True) -> Iterator[Update]:
    """Like atomic_path, but when the new content equals the file already there, that file
    is left untouched (its modification time too) and `update.changed` stays False."""
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".partial", dir=final.parent
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write in {final.parent} ({exc.strerror}); choose a folder you can write to"
        ) from exc
    os.close(fd)
    update = Update(Path(temp_name))
    try:
        yield update
        if keep_unchanged and final.is_file() and filecmp.cmp(update.temp, final, shallow=False):
            update.temp.unlink()
            return
        _put_in_place(update.temp, final, mode)
        update.changed = True
    except BaseException:
        with contextlib.suppress(OSError):
            update.temp.unlink()
        raise


def _put_in_place(temp: Path, final: Path, mode: int) -> None:
    """fsync, chmod and rename `temp` over `final`; an OS refusal (a folder in the way, a
    full disk, a busy mount point) is one clear OutputError."""
    if final.is_dir():
        raise OutputError(f"{final} is a folder; give a file name to write")
    try:
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, final)
    except OSError as exc:
        raise OutputError(
            f"cannot write {final} ({exc.strerror or exc}); nothing was changed there"
        ) from exc


def write_text_atomic(final: Path, text: str) -> None:
    with atomic_path(final) as temp:
        temp.write_text(text, encoding="utf-8")


def write_bytes_atomic(final: Path, data: bytes) -> None:
    with atomic_path(final) as temp:
        temp.write_bytes(data)


def update_bytes_atomic(final: Path, data: bytes) -> bool:
    """Write `data` to `final` atomically unless it already holds exactly that; True if
    written. An unchanged file is only read (a phone over USB reads faster than it writes)."""
    with contextlib.suppress(OSError):
        if final.stat().st_size == len(data) and final.read_bytes() == data:
            return False
    write_bytes_atomic(final, data)
    return True


def ensure_writable_dir(folder: Path, option: str = "--out", what: str = "output folder") -> Path:
    """Create `folder` if needed and prove it is writable, or say clearly why not (naming
    the `option` that chose it)."""
    hint = f"pass {option} with a folder you can write to"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the {what} {folder} ({exc.strerror}); {hint}") from exc
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder; {hint}")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".softpace-probe-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write to the {what} {folder} ({exc.strerror}); {hint}") from exc
    return folder
