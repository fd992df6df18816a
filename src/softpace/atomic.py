"""Atomic file writes: write a temporary file beside the target, then rename it into place.

An interrupted write never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from softpace.errors import OutputError


@contextlib.contextmanager
def atomic_path(final: Path, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `final` (with `mode`), on
    failure it is removed. Use mode 0o600 for anything holding health data."""
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".partial", dir=final.parent
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write in {final.parent} ({exc.strerror}); choose a folder you can write to"
        ) from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_text_atomic(final: Path, text: str) -> None:
    with atomic_path(final) as temp:
        temp.write_text(text, encoding="utf-8")


def write_bytes_atomic(final: Path, data: bytes) -> None:
    with atomic_path(final) as temp:
        temp.write_bytes(data)


def ensure_writable_dir(folder: Path) -> Path:
    """Create `folder` if needed and prove it is writable, or say clearly why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {folder} ({exc.strerror}); "
            "pass --out with a folder you can write to"
        ) from exc
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder; pass --out with a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".softpace-probe-"):
            pass
    except OSError as exc:
        raise OutputError(
            f"cannot write to the output folder {folder} ({exc.strerror}); "
            "pass --out with a folder you can write to"
        ) from exc
    return folder
