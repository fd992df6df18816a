"""The cue syntax templates emit, and its parser: script text -> Cues.

One cue a line; blank lines and lines starting with '#' are ignored.

    segment ID SECONDS|auto TITLE    start a block lasting exactly SECONDS (auto: its content)
    say TEXT                         speak TEXT (sentence by sentence), then go on
    do TEXT                          an instruction: speak TEXT, then leave time to do it
    pause SECONDS                    silence
    bell [check-in]                  a soft bell (BELL_S long); check-in: the shorter,
                                     distinct chime of a partner check-in
    breathe N [say IN | OUT]         N breath cycles (inhale, then exhale); optional words
                                     spoken at the start of every inhale / exhale
    breathe fill [say IN | OUT]      breath cycles in whatever time the block has free
    breathe until M:SS [say IN|OUT]  breath cycles until M:SS into the block
    hold SECONDS [countdown]         a timed hold, breathing; with countdown the voice
                                     counts down the last seconds ("ten more seconds",
                                     "three", "two", "one")

A breathe or hold cue may end with `with LINE || LINE ...`: lines of company, spoken
at even steps through it so that no stretch of it goes without words for long (the
compiler decides how many it needs, taking them in order and starting over if it needs
more); a breathe cue takes either breath words or company lines, not both.

The template loader tags each template line with its origin (file:line) after an
ORIGIN_MARK, so a cue that is malformed or does not fit can name where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from softpace.errors import CueError

ORIGIN_MARK = "\x1f@"

_CLOCK = re.compile(r"^(?:(\d+):)?(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Cue:
    origin: str


@dataclass(frozen=True)
class SegmentCue(Cue):
    id: str
    title: str
    seconds: float | None  # None: 'auto', the block lasts as long as its content


@dataclass(frozen=True)
class Say(Cue):
    text: str
    after_s: float = 0.0  # extra quiet after the words (an instruction: time to do it)


@dataclass(frozen=True)
class Pause(Cue):
    seconds: float


@dataclass(frozen=True)
class Bell(Cue):
    variant: str | None = None  # None: the block bell; "check-in": the partner check-in chime


@dataclass(frozen=True)
class Breathe(Cue):
    """cycles set: a fixed count; until_s set: up to a time in the block; neither: fill."""

    cycles: int | None = None
    until_s: float | None = None
    inhale_text: str | None = None
    exhale_text: str | None = None
    company: tuple[str, ...] = ()

    @property
    def flexible(self) -> bool:
        return self.cycles is None


@dataclass(frozen=True)
class Hold(Cue):
    seconds: float
    countdown: bool = False
    company: tuple[str, ...] = ()


INSTRUCTION_PAUSE_S = 1.0  # after a `do` line: time to follow it before the next words
BELL_VARIANTS = ("check-in",)


def parse_clock(value: str) -> float:
    """'1:30' -> 90.0, '45' -> 45.0; raises ValueError on anything else."""
    match = _CLOCK.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time like 1:30 or 45")
    minutes = int(match.group(1) or 0)
    seconds = float(match.group(2))
    if match.group(1) is not None and seconds >= 60:
        raise ValueError(f"{value!r}: seconds must be below 60")
    return minutes * 60 + seconds


def split_origin(line: str, fallback: str) -> tuple[str, str]:
    """Separate a line's cue text from the innermost origin tag the loader put on it."""
    if ORIGIN_MARK not in line:
        return line, fallback
    body, *tags = line.split(ORIGIN_MARK)
    return body, tags[0].strip() or fallback


def parse_cues(text: str, source: str = "<script>") -> tuple[Cue, ...]:
    cues: list[Cue] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        body, origin = split_origin(raw, f"{source}:{number}")
        body = " ".join(body.split())
        if not body or body.startswith("#"):
            continue
        cues.append(_parse_line(body, origin))
    return tuple(cues)


def _parse_line(body: str, origin: str) -> Cue:
    word, _, rest = body.partition(" ")
    try:
        if word == "segment":
            return _segment(rest, origin)
        if word in ("say", "do"):
            if not rest:
                raise ValueError(f"'{word}' needs the words to speak")
            return Say(origin, rest, INSTRUCTION_PAUSE_S if word == "do" else 0.0)
        if word == "pause":
            return Pause(origin, _positive(rest, "pause"))
        if word == "bell":
            if rest and rest not in BELL_VARIANTS:
                raise ValueError(f"'bell' takes nothing, or one of: {', '.join(BELL_VARIANTS)}")
            return Bell(origin, rest or None)
        if word == "breathe":
            return _breathe(rest, origin)
        if word == "hold":
            return _hold(rest, origin)
    except ValueError as exc:
        raise CueError(f"{origin}: {exc} (in cue: {body!r})") from exc
    raise CueError(
        f"{origin}: unknown cue {word!r}; a cue starts with one of: "
        f"segment, say, do, pause, bell, breathe, hold (in cue: {body!r})"
    )


def _company(rest: str) -> tuple[str, tuple[str, ...]]:
    """Split 'HEAD with LINE || LINE' into HEAD and the lines."""
    head, sep, lines = rest.partition(" with ")
    if not sep:
        if rest.startswith("with "):
            raise ValueError("'with' lines come after the count or seconds")
        return rest, ()
    company = tuple(line.strip() for line in lines.split("||"))
    if not all(company):
        raise ValueError("'with' needs lines separated by '||', none of them empty")
    return head, company


def _positive(value: str, what: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"'{what}' needs a number of seconds, got {value!r}") from None
    if not 0 < seconds <= 3600:
        raise ValueError(f"'{what}' needs between 0 and 3600 seconds, got {value}")
    return seconds


def _segment(rest: str, origin: str) -> SegmentCue:
    parts = rest.split(" ", 2)
    if len(parts) < 3:
        raise ValueError("'segment' needs an id, a length in seconds (or auto) and a title")
    seg_id, length, title = parts
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", seg_id):
        raise ValueError(f"segment id {seg_id!r} must be a lowercase hyphenated slug")
    seconds = None if length == "auto" else _positive(length, "segment")
    return SegmentCue(origin, seg_id, title, seconds)


def _breathe(rest: str, origin: str) -> Breathe:
    rest, company = _company(rest)
    head, sep, words = rest.partition(" say ")
    if sep and company:
        raise ValueError("a breathe cue takes breath words ('say') or company ('with'), not both")
    if not sep and rest.startswith("say "):
        raise ValueError("'breathe' needs a count, 'fill' or 'until M:SS' before 'say'")
    inhale_text = exhale_text = None
    if sep:
        inhale, bar, exhale = words.partition("|")
        if not bar:
            raise ValueError("breath words go as 'say INHALE WORDS | EXHALE WORDS'")
        inhale_text, exhale_text = inhale.strip() or None, exhale.strip() or None
    head = head.strip()
    if head == "fill":
        return Breathe(origin, None, None, inhale_text, exhale_text, company)
    if head.startswith("until "):
        until_s = parse_clock(head[len("until ") :])
        return Breathe(origin, None, until_s, inhale_text, exhale_text, company)
    if not head.isdigit() or int(head) < 1:
        raise ValueError(
            f"'breathe' needs a whole number of cycles, 'fill' or 'until M:SS', got {head!r}"
        )
    return Breathe(origin, int(head), None, inhale_text, exhale_text, company)


def _hold(rest: str, origin: str) -> Hold:
    rest, company = _company(rest)
    seconds_text, _, flag = rest.strip().partition(" ")
    if flag not in ("", "countdown"):
        raise ValueError(f"'hold' takes seconds and optionally 'countdown', got {flag!r}")
    return Hold(
        origin, _positive(seconds_text, "hold"), countdown=flag == "countdown", company=company
    )
