"""Export rendered sessions, with their sidecars and a playlist, to a folder or a zip.

Each session becomes `<stem>.mp3` (tagged for the chosen label: plain or discreet),
`<stem>.lrc` and `<stem>.vtt`; `playlist.m3u8` lists them in stage order. Files that
already hold the same bytes are left untouched, so re-exporting to a synced folder or a
phone copies only what changed. A zip is rebuilt beside the old one and replaces it only
when its contents differ.

A folder export also removes softpace's own files from an earlier export there under the
other naming (`entrance-contact.mp3` after switching to discreet `practice-2.mp3`, or
back), so a discreet folder never keeps revealing names. Only files softpace can tell
are its own go: an MP3 whose tags say softpace made it, and the .lrc/.vtt beside it.
Anything else with such a name is left alone, and the export is refused with a message.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from softpace.atomic import atomic_update, ensure_writable_dir
from softpace.errors import OutputError
from softpace.plan.model import Plan
from softpace.publish.catalog import SessionFiles
from softpace.publish.labels import Label, label_for
from softpace.publish.publish import (
    OutFile,
    playlist_file,
    session_tags,
    sidecar_files,
    write_files,
)
from softpace.publish.tags import retag
from softpace.timeline import Timeline

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


@dataclass(frozen=True)
class ExportedSession:
    label: Label
    timeline: Timeline
    mp3_name: str
    mp3_bytes: int
    rendered_ns: int  # when the source MP3 was rendered (its modification time)

    @property
    def file_names(self) -> tuple[str, ...]:
        return (self.mp3_name, self.label.lrc, self.label.vtt)


@dataclass(frozen=True)
class ExportResult:
    destination: Path
    sessions: tuple[ExportedSession, ...]
    written: tuple[str, ...]  # names (re)written this time
    unchanged: tuple[str, ...]  # names that already held the same bytes


def export_to_folder(
    plan: Plan, sessions: Sequence[SessionFiles], folder: Path, discreet: bool = False
) -> ExportResult:
    ensure_writable_dir(folder, option="DIR", what="export folder")
    stale = _other_naming(plan, folder, discreet)
    exported: list[ExportedSession] = []
    written: list[str] = []
    unchanged: list[str] = []
    for files, _session in _bundle(plan, sessions, discreet, exported):
        done = write_files(files, folder)
        written += done
        unchanged += [f.name for f in files if f.name not in done]
    for path in stale:
        path.unlink(missing_ok=True)
    return ExportResult(folder, tuple(exported), tuple(written), tuple(unchanged))


def _other_naming(plan: Plan, folder: Path, discreet: bool) -> list[Path]:
    """softpace's own files in `folder` named the other way (plain vs discreet), to
    remove after this export; refuses when a file has such a name but is not ours."""
    from softpace.publish.labels import ARTIST, DISCREET_ALBUM

    found: list[Path] = []
    strangers: list[str] = []
    for stage in plan.stages:
        other = label_for(plan, stage, not discreet)
        mp3 = folder / other.mp3
        sidecars = [folder / other.lrc, folder / other.vtt]
        present = [p for p in (mp3, *sidecars) if p.is_file()]
        if not present:
            continue
        artist = _mp3_artist(mp3) if mp3.is_file() else None
        ours = artist == (DISCREET_ALBUM if other.discreet else ARTIST)
        if ours:
            found += present
        else:
            strangers += [p.name for p in present]
    if strangers:
        raise OutputError(
            f"{folder} holds {', '.join(sorted(strangers))}, named like softpace's "
            f"{'plain' if discreet else 'discreet'} sessions but not made by it; "
            "move them away or export into another folder (nothing was exported)"
        )
    return found


def _mp3_artist(path: Path) -> str | None:
    from mutagen import MutagenError
    from mutagen.id3 import ID3

    try:
        frame = ID3(path).get("TPE1")  # type: ignore[no-untyped-call, unused-ignore]  # mutagen: untyped
    except (MutagenError, OSError, ValueError):
        return None
    return str(frame.text[0]) if frame is not None and frame.text else None


def export_to_zip(
    plan: Plan, sessions: Sequence[SessionFiles], zip_path: Path, discreet: bool = False
) -> ExportResult:
    ensure_writable_dir(zip_path.parent, option="--zip", what="folder for the zip")
    exported: list[ExportedSession] = []
    names: list[str] = []
    with atomic_update(zip_path) as update, zipfile.ZipFile(update.temp, "w") as archive:
        for files, session in _bundle(plan, sessions, discreet, exported):
            stamp = ZIP_EPOCH if session is None else _zip_time(session.mtime_ns)
            for file in files:
                _add_to_zip(archive, file, stamp)
                names.append(file.name)
    if update.changed:
        return ExportResult(zip_path, tuple(exported), tuple(names), ())
    return ExportResult(zip_path, tuple(exported), (), tuple(names))


def _bundle(
    plan: Plan,
    sessions: Sequence[SessionFiles],
    discreet: bool,
    exported: list[ExportedSession],
) -> Iterator[tuple[list[OutFile], SessionFiles | None]]:
    """The files of each session in turn (one MP3 in memory at a time), then the playlist
    (with None); appends what each session became to `exported`."""
    labelled = [(label_for(plan, s.stage, discreet), s) for s in sessions]
    for label, session in labelled:
        mp3 = OutFile(
            label.mp3,
            retag(session.mp3_path.read_bytes(), session_tags(label, session.timeline)),
        )
        exported.append(
            ExportedSession(label, session.timeline, mp3.name, len(mp3.data), session.mtime_ns)
        )
        yield [mp3, *sidecar_files(label, session.timeline)], session
    yield [playlist_file([(label, session.timeline) for label, session in labelled])], None


def _add_to_zip(archive: zipfile.ZipFile, file: OutFile, stamp: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(file.name, date_time=stamp)  # type: ignore[arg-type]
    info.external_attr = 0o644 << 16
    # MP3 is already compressed; the text sidecars shrink well
    info.compress_type = zipfile.ZIP_STORED if file.name.endswith(".mp3") else zipfile.ZIP_DEFLATED
    archive.writestr(info, file.data)


def _zip_time(mtime_ns: int) -> tuple[int, ...]:
    moment = datetime.fromtimestamp(mtime_ns / 1e9)
    return max(ZIP_EPOCH, moment.timetuple()[:6])
