"""A rendered session as one set of files: MP3, timeline and sidecars from the same render.

Every file of a render is written first as a `.partial` file beside its final name. When
all are complete and on disk, a small commit note listing them is put in place (one
atomic rename: from then on the render counts as done), the partials are renamed over
the final names (sidecars, then the MP3, the timeline last) and the note is removed. A
render interrupted before its note leaves the previous set whole; one interrupted after
it is finished by the next render in that folder (`recover`). Each render stamps a fresh
id in the MP3's tag and in its timeline, so `session_is_consistent` can tell at once
whether an MP3 and a timeline belong together.

Partial files of a render killed outright (SIGKILL, power loss) are swept by the next
render once they are an hour old (a younger one may belong to a render still running).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from softpace.errors import OutputError

RENDER_KEY = "render"  # where a timeline file records the render it belongs to
PARTIAL_SUFFIX = ".partial"
COMMIT_SUFFIX = ".commit"
STALE_PARTIAL_S = 3600.0
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# `.<final name>.<a random or render part>.partial`, as written here and by softpace.atomic
_PARTIAL_NAME = re.compile(r"\.(?P<final>.+)\.[A-Za-z0-9_]+" + re.escape(PARTIAL_SUFFIX))
_NOTE = re.compile(r"[0-9a-f]{32}" + re.escape(COMMIT_SUFFIX))


@dataclass(frozen=True)
class RenderStamp:
    """What a timeline file says about the render that wrote it."""

    id: str  # fresh per render; the MP3's tag carries the same
    inputs: str  # a digest of everything the files are made from (see render.py)
    audio_bytes: int  # the MP3's length after its tag, as written

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "inputs": self.inputs, "audio_bytes": self.audio_bytes}


def new_render_id() -> str:
    return uuid.uuid4().hex


@lru_cache(maxsize=1)
@functools.cache
def code_version() -> str:
    """A digest of softpace's own source: any change of code renders sessions again (read
    once per process: the source does not change under a running program)."""
    from softpace import __version__

    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_stamp(timeline_path: Path) -> RenderStamp | None:
    """The render recorded in a timeline file; None when there is none or it is unreadable."""
    from softpace.timeline import read_timeline_key

    record = read_timeline_key(timeline_path, RENDER_KEY)
    try:
        return RenderStamp(str(record["id"]), str(record["inputs"]), int(record["audio_bytes"]))
    except (ValueError, KeyError, TypeError):
        return None


def mp3_render_id(mp3: Path) -> tuple[str | None, int]:
    """The render id in an MP3's ID3 tag (None if absent) and the length of its audio."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    from softpace.publish.tags import ID3_HEADER_BYTES, RENDER_ID_DESC

    with open(mp3, "rb") as handle:
        header = handle.read(ID3_HEADER_BYTES)
    size = mp3.stat().st_size
    if len(header) < ID3_HEADER_BYTES or header[:3] != b"ID3":
        return None, size
    tag_n = ID3_HEADER_BYTES + _syncsafe(header[6:10])
    try:
        frames = ID3(mp3).getall(f"TXXX:{RENDER_ID_DESC}")
    except (ID3NoHeaderError, ValueError, OSError):
        return None, size - tag_n
    return (str(frames[0].text[0]) if frames else None), size - tag_n


def session_is_consistent(mp3: Path, timeline: Path) -> bool:
    """True when `mp3` and `timeline` were written by the same render and the MP3's audio
    is whole (as long as that render wrote it). For export and serve: a False means the
    pair must not be published together (render the stage again)."""
    stamp = read_stamp(timeline)
    if stamp is None:
        return False
    try:
        render_id, audio_bytes = mp3_render_id(mp3)
    except OSError:
        return False
    return render_id == stamp.id and audio_bytes == stamp.audio_bytes


def partial_path(final: Path, render_id: str) -> Path:
    return final.with_name(f".{final.name}.{render_id[:12]}{PARTIAL_SUFFIX}")


@contextlib.contextmanager
def disk_errors(folder: Path) -> Iterator[None]:
    """OSErrors while writing a render become one clear line (a full disk above all)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            raise OutputError(
                f"no space left to write the session in {folder}; free some space "
                "(or pass --out with another folder) and render again"
            ) from exc
        raise OutputError(f"cannot write the session in {folder} ({exc.strerror or exc})") from exc


def commit(pairs: Sequence[tuple[Path, Path]], folder: Path, render_id: str) -> None:
    """Put complete partial files in place as one set: (partial, final) pairs, in the
    order given (the timeline last). Every partial must already be written."""
    with disk_errors(folder):
        for partial, _ in pairs:
            _fsync(partial)
        note = folder / f".{render_id}{COMMIT_SUFFIX}"
        note_partial = folder / f".{render_id}{COMMIT_SUFFIX}.note{PARTIAL_SUFFIX}"
        note_partial.write_text(json.dumps([[p.name, f.name] for p, f in pairs]), encoding="utf-8")
        _fsync(note_partial)
        os.replace(note_partial, note)  # the commit point
        _fsync_dir(folder)
    _finish(note)


def recover(folder: Path) -> None:
    """Finish every committed render in `folder` that was interrupted while renaming."""
    with contextlib.suppress(OSError):
        for note in folder.glob(f".*{COMMIT_SUFFIX}"):
            _finish(note)


def sweep_partials(
    folder: Path, finals: Collection[str], older_than_s: float = STALE_PARTIAL_S
) -> list[Path]:
    """Remove softpace's partial files in `folder` older than `older_than_s`: those of the
    files named in `finals` and of commit notes (never anything else); returns them."""
    swept = []
    cutoff = time.time() - older_than_s
    with contextlib.suppress(OSError):
        for path in folder.glob(f".*{PARTIAL_SUFFIX}"):
            match = _PARTIAL_NAME.fullmatch(path.name)
            if not match or not (match["final"] in finals or _NOTE.fullmatch(match["final"])):
                continue
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    swept.append(path)
    return swept


def discard(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _finish(note: Path) -> None:
    try:
        pairs = json.loads(note.read_text("utf-8"))
    except (OSError, ValueError):
        return
    for partial_name, final_name in pairs:
        with contextlib.suppress(FileNotFoundError):  # already renamed by an earlier try
            os.replace(note.parent / partial_name, note.parent / final_name)
    _fsync_dir(note.parent)
    with contextlib.suppress(OSError):
        note.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        _fsync(folder)


def _syncsafe(four: bytes) -> int:
    return (four[0] << 21) | (four[1] << 14) | (four[2] << 7) | four[3]
