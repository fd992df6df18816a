"""Files that travel beside a session, made from its Timeline: the plain transcript,
synchronized lyrics (LRC), WebVTT captions, and an M3U8 playlist.

LRC and VTT cue times are the speech events' times, rounded to the format's precision
(10 ms for LRC, 1 ms for VTT). During the long quiet stretches of breathing, an empty LRC
line clears the words from the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from softpace.publish.labels import Label
from softpace.timeline import Event, Timeline

LRC_CLEAR_AFTER_S = 1.0  # clear the words when the next line starts this much later


@dataclass(frozen=True)
class PlaylistEntry:
    file_name: str
    duration_s: float
    title: str
    artist: str


def transcript(timeline: Timeline) -> str:
    """Every spoken line in order; a blank line between segments."""
    paragraphs: list[list[str]] = []
    current = None
    for event in timeline.speech():
        if event.segment != current:
            paragraphs.append([])
            current = event.segment
        paragraphs[-1].append(_one_line(event))
    return "\n\n".join("\n".join(lines) for lines in paragraphs) + "\n"


def lrc(timeline: Timeline, label: Label) -> str:
    lines = [
        f"[ti:{_one_line_text(label.title)}]",
        f"[ar:{_one_line_text(label.artist)}]",
        f"[al:{_one_line_text(label.album)}]",
        f"[length:{_lrc_time(timeline.duration_s)[:5]}]",
    ]
    speech = timeline.speech()
    for event, following in zip(speech, (*speech[1:], None), strict=True):
        lines.append(f"[{_lrc_time(event.start_s)}]{_one_line(event)}")
        if following is None or following.start_s - event.end_s >= LRC_CLEAR_AFTER_S:
            lines.append(f"[{_lrc_time(event.end_s)}]")
    return "\n".join(lines) + "\n"


def vtt(timeline: Timeline) -> str:
    cues = [
        f"{number}\n{_vtt_time(e.start_s)} --> {_vtt_time(e.end_s)}\n{_vtt_text(e)}\n"
        for number, e in enumerate(timeline.speech(), start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def m3u8(entries: Sequence[PlaylistEntry]) -> str:
    lines = ["#EXTM3U"]
    for entry in entries:
        lines.append(
            f"#EXTINF:{round(entry.duration_s)},"
            f"{_one_line_text(entry.artist)} - {_one_line_text(entry.title)}"
        )
        lines.append(entry.file_name)
    return "\n".join(lines) + "\n"


def _lrc_time(seconds: float) -> str:
    """[mm:ss.xx]; minutes go past 59 rather than wrap."""
    centis = round(seconds * 100)
    minutes, centis = divmod(centis, 6000)
    return f"{minutes:02d}:{centis // 100:02d}.{centis % 100:02d}"


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def _one_line(event: Event) -> str:
    return _one_line_text(event.text or "")


def _one_line_text(text: str) -> str:
    return " ".join(text.split())


def _vtt_text(event: Event) -> str:
    """Cue text escapes &, < and > (so it can never hold '-->')."""
    return _one_line(event).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
