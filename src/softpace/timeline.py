"""The Timeline: absolute start and end of every speech cue, breath phase, hold and bell.

Times are kept as whole samples at the session's sample rate, so nothing drifts by
rounding; seconds are derived. The JSON form (`<stage>.timeline.json`) is the contract
in DESIGN.md, with a schema version; `write_timeline` and `read_timeline` are the only
writer and reader of that file (render, verify, export and the share page use them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from softpace.constants import SAMPLE_RATE_HZ
from softpace.errors import OutputError

SCHEMA_VERSION = 1  # bump when the JSON shape changes; readers refuse versions they don't know
TIMELINE_SUFFIX = ".timeline.json"

__all__ = [
    "SAMPLE_RATE_HZ",
    "SCHEMA_VERSION",
    "Event",
    "EventKind",
    "Segment",
    "Timeline",
    "read_timeline",
    "write_timeline",
]


class EventKind(StrEnum):
    """What happens during an event; 'pause' is internal and never written to the file."""

    SPEECH = "speech"
    INHALE = "inhale"
    EXHALE = "exhale"
    HOLD = "hold"
    BELL = "bell"
    PAUSE = "pause"


class _SampleSpan:
    """Start and end in samples, read in seconds (Event and Segment share this)."""

    start_n: int
    end_n: int

    @property
    def start_s(self) -> float:
        return self.start_n / SAMPLE_RATE_HZ

    @property
    def end_s(self) -> float:
        return self.end_n / SAMPLE_RATE_HZ


@dataclass(frozen=True)
class Event(_SampleSpan):
    """One thing that happens between start_n and end_n (samples from the session start)."""

    kind: EventKind
    start_n: int
    end_n: int
    segment: str
    text: str | None = None
    origin: str | None = None  # "template.j2:12", where the cue came from

    def __post_init__(self) -> None:
        # Callers may pass the plain string ("speech"); it is checked and kept as the enum.
        object.__setattr__(self, "kind", EventKind(self.kind))


@dataclass(frozen=True)
class Segment(_SampleSpan):
    """One block of the session (opening, an exercise, close): a chapter."""

    id: str
    title: str
    start_n: int
    end_n: int


@dataclass(frozen=True)
class Timeline:
    stage: str
    title: str
    n_samples: int
    inhale_s: float
    exhale_s: float
    segments: tuple[Segment, ...]
    events: tuple[Event, ...]
    sample_rate_hz: int = SAMPLE_RATE_HZ

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate_hz

    def speech(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind is EventKind.SPEECH)

    def to_json_dict(self) -> dict[str, Any]:
        """The DESIGN.md shape; 'pause' events are internal and left out."""
        return {
            "schema": SCHEMA_VERSION,
            "stage": self.stage,
            "title": self.title,
            "duration_s": round(self.duration_s, 4),
            "sample_rate_hz": self.sample_rate_hz,
            "breath": {"inhale_s": self.inhale_s, "exhale_s": self.exhale_s},
            "segments": [
                {
                    "id": s.id,
                    "title": s.title,
                    "start_s": round(s.start_s, 4),
                    "end_s": round(s.end_s, 4),
                }
                for s in self.segments
            ],
            "events": [_event_json(e) for e in self.events if e.kind is not EventKind.PAUSE],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Timeline:
        """Read back the to_json_dict() shape (a rendered session's timeline file).

        Raises KeyError, TypeError or ValueError on a malformed document (read_timeline
        names the file); an unknown schema version is a ValueError saying so.
        """
        schema = data.get("schema", 1)  # files from before the version field are version 1
        if schema != SCHEMA_VERSION:
            raise ValueError(
                f"timeline schema {schema!r}, but this softpace reads schema {SCHEMA_VERSION}"
            )
        rate = int(data.get("sample_rate_hz", SAMPLE_RATE_HZ))

        def n(seconds: Any) -> int:
            return seconds_to_samples(float(seconds), rate)

        return cls(
            stage=str(data["stage"]),
            title=str(data["title"]),
            n_samples=n(data["duration_s"]),
            inhale_s=float(data["breath"]["inhale_s"]),
            exhale_s=float(data["breath"]["exhale_s"]),
            segments=tuple(
                Segment(str(s["id"]), str(s["title"]), n(s["start_s"]), n(s["end_s"]))
                for s in data["segments"]
            ),
            events=tuple(
                Event(
                    kind=EventKind(e["kind"]),
                    start_n=n(e["start_s"]),
                    end_n=n(e["end_s"]),
                    segment=str(e["segment"]),
                    text=None if e.get("text") is None else str(e["text"]),
                )
                for e in data["events"]
            ),
            sample_rate_hz=rate,
        )


def timeline_json(timeline: Timeline, extra: dict[str, Any] | None = None) -> str:
    """The text of a timeline file, with `extra` top-level keys (the render's stamp)."""
    document = timeline.to_json_dict()
    document.update(extra or {})
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_timeline(path: Path, timeline: Timeline) -> Path:
    """Write `<stage>.timeline.json` atomically (render writes through timeline_json)."""
    from softpace.atomic import write_text_atomic

    write_text_atomic(path, timeline.to_json())
    return path


def read_timeline_key(path: Path, key: str) -> Any:
    """One top-level value of a timeline file (e.g. the render stamp); None when the file
    or the key is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get(key) if isinstance(data, dict) else None


def read_timeline(path: Path) -> Timeline:
    """Read a timeline file; anything else (missing, not JSON, wrong shape, a schema this
    softpace does not know) is an OutputError naming the file and what to do."""
    stage = path.name.removesuffix(TIMELINE_SUFFIX)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OutputError(
            f"no timeline {path}; it is written beside the MP3 by `softpace render {stage}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read the timeline {path} ({exc})") from exc
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        return Timeline.from_json_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise OutputError(
            f"{path} is not a softpace timeline this version can read ({exc}); "
            f"render it again with `softpace render {stage}`"
        ) from exc


def _event_json(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": event.kind.value,
        "start_s": round(event.start_s, 4),
        "end_s": round(event.end_s, 4),
    }
    if event.text is not None:
        out["text"] = event.text
    out["segment"] = event.segment
    return out


def format_mmss(seconds: float) -> str:
    """0-based clock for a printed script: 75.4 -> '01:15'."""
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def seconds_to_samples(seconds: float, sample_rate_hz: int = SAMPLE_RATE_HZ) -> int:
    return round(seconds * sample_rate_hz)
