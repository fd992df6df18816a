"""The Timeline: absolute start and end of every speech cue, breath phase, hold and bell.

Times are kept as whole samples at the session's sample rate, so nothing drifts by
rounding; seconds are derived. The JSON form is the contract in DESIGN.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SAMPLE_RATE_HZ = 44_100

EVENT_KINDS = ("speech", "inhale", "exhale", "hold", "bell", "pause")


@dataclass(frozen=True)
class Event:
    """One thing that happens between start_n and end_n (samples from the session start)."""

    kind: str
    start_n: int
    end_n: int
    segment: str
    text: str | None = None
    origin: str | None = None  # "template.j2:12", where the cue came from

    @property
    def start_s(self) -> float:
        return self.start_n / SAMPLE_RATE_HZ

    @property
    def end_s(self) -> float:
        return self.end_n / SAMPLE_RATE_HZ


@dataclass(frozen=True)
class Segment:
    """One block of the session (opening, an exercise, close): a chapter."""

    id: str
    title: str
    start_n: int
    end_n: int

    @property
    def start_s(self) -> float:
        return self.start_n / SAMPLE_RATE_HZ

    @property
    def end_s(self) -> float:
        return self.end_n / SAMPLE_RATE_HZ


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
        return tuple(e for e in self.events if e.kind == "speech")

    def to_json_dict(self) -> dict[str, Any]:
        """The DESIGN.md shape; 'pause' events are internal and left out."""
        return {
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
            "events": [_event_json(e) for e in self.events if e.kind != "pause"],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Timeline:
        """Read back the to_json_dict() shape (a rendered session's timeline file).

        Raises KeyError, TypeError or ValueError on a malformed document; callers name
        the file.
        """
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
                    kind=str(e["kind"]),
                    start_n=n(e["start_s"]),
                    end_n=n(e["end_s"]),
                    segment=str(e["segment"]),
                    text=None if e.get("text") is None else str(e["text"]),
                )
                for e in data["events"]
            ),
            sample_rate_hz=rate,
        )


def _event_json(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": event.kind,
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
