"""A session as it is published: its ID3 tags, its sidecar files, and the playlist.

Both `render` (into the output folder) and `export` (into a folder, a zip or the LAN share)
build them here from a Label and a Timeline, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from softpace.atomic import update_bytes_atomic
from softpace.plan.model import Plan
from softpace.publish import sidecars
from softpace.publish.cover import cover_png
from softpace.publish.labels import PLAYLIST_NAME, Label, label_for
from softpace.publish.tags import SessionTags, timeline_chapters
from softpace.timeline import Timeline


@dataclass(frozen=True)
class OutFile:
    name: str
    data: bytes


def session_tags(label: Label, timeline: Timeline) -> SessionTags:
    return SessionTags(
        title=label.title,
        artist=label.artist,
        album=label.album,
        track=label.number,
        track_total=label.track_total,
        comment=label.comment,
        chapters=timeline_chapters(timeline, label.chapter_title),
        cover_png=cover_png(label),
        transcript=sidecars.transcript(timeline),
    )


def sidecar_files(label: Label, timeline: Timeline) -> tuple[OutFile, ...]:
    """`<stem>.lrc` and `<stem>.vtt`."""
    return (
        OutFile(label.lrc, sidecars.lrc(timeline, label).encode()),
        OutFile(label.vtt, sidecars.vtt(timeline).encode()),
    )


def playlist_file(sessions: Sequence[tuple[Label, Timeline]]) -> OutFile:
    """`playlist.m3u8`, the sessions in the order given (stage order)."""
    entries = [
        sidecars.PlaylistEntry(label.mp3, timeline.duration_s, label.title, label.artist)
        for label, timeline in sessions
    ]
    return OutFile(PLAYLIST_NAME, sidecars.m3u8(entries).encode())


def write_files(files: Sequence[OutFile], folder: Path) -> list[str]:
    """Write each file atomically, leaving files that already hold the same bytes untouched;
    returns the names written."""
    return [f.name for f in files if update_bytes_atomic(folder / f.name, f.data)]


def refresh_playlist(plan: Plan, folder: Path) -> None:
    """Rewrite the output folder's playlist to list every session rendered there."""
    from softpace.publish.catalog import rendered_sessions

    sessions = rendered_sessions(plan, folder)
    write_files([playlist_file([(label_for(plan, s.stage), s.timeline) for s in sessions])], folder)
