"""Reminders without an account: an iCalendar file (RFC 5545) any phone calendar imports.

Two daily events: the practice at the chosen time, and the next-morning check-in ("how
did yesterday's practice settle?"). Times are floating local times (no time zone), so
the phone's calendar rings at that hour wherever it is. Each event carries a display
alarm at its start. Discreet wording names nothing intimate, not even softpace, since
a calendar shows titles on the lock screen. Nothing here talks to a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from softpace.errors import OptionError

DEFAULT_PRACTICE_AT = time(20, 0)
DEFAULT_CHECKIN_AT = time(8, 30)

_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
LINE_LIMIT_OCTETS = 75  # RFC 5545 3.1: fold longer content lines


@dataclass(frozen=True)
class Wording:
    uid: str
    summary: str
    description: str


PLAIN = {
    "practice": Wording(
        "softpace-practice",
        "softpace: today's practice",
        "Time for today's session. Open softpace (softpace app) and press play; "
        "go at your own pace.",
    ),
    "checkin": Wording(
        "softpace-checkin",
        "softpace: how did yesterday settle?",
        "Rate how yesterday's practice settled (0-10) in softpace's check-in.",
    ),
}
DISCREET = {
    "practice": Wording("evening-practice", "Evening practice", "Time for your practice."),
    "checkin": Wording("morning-note", "Morning note", "A minute for yesterday's note."),
}


def parse_clock(text: str, what: str = "time") -> time:
    """'HH:MM' (24-hour) as a time, or an OptionError saying how to write it."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise OptionError(f"{what} {text!r} is not a time; write it as HH:MM, e.g. 20:30")
    return time(int(match[1]), int(match[2]))


def reminders_ics(
    practice_at: time,
    checkin_at: time,
    *,
    starts_on: date,
    discreet: bool = False,
    now: datetime | None = None,
) -> bytes:
    """The calendar as bytes (UTF-8, CRLF line ends): a daily practice reminder from
    `starts_on`, and a daily check-in reminder from the day after."""
    words = DISCREET if discreet else PLAIN
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Evening practice//reminders//EN" if discreet else "PRODID:-//softpace//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    checkin_from = date.fromordinal(starts_on.toordinal() + 1)
    for key, day, at in (
        ("practice", starts_on, practice_at),
        ("checkin", checkin_from, checkin_at),
    ):
        wording = words[key]
        start = datetime.combine(day, at).strftime("%Y%m%dT%H%M%S")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{wording.uid}@localhost",  # stable: importing again updates the event
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start}",
            "DURATION:PT15M",
            "RRULE:FREQ=DAILY",
            f"SUMMARY:{_escape(wording.summary)}",
            f"DESCRIPTION:{_escape(wording.description)}",
            "TRANSP:TRANSPARENT",  # a reminder, not a busy block in the day
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:PT0M",
            f"DESCRIPTION:{_escape(wording.summary)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    out: list[str] = []
    current = ""
    limit = LINE_LIMIT_OCTETS
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
            limit = LINE_LIMIT_OCTETS - 1  # continuation lines start with a space
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


@dataclass(frozen=True)
class Calendar:
    data: bytes
    practice_at: time
    checkin_at: time


def calendar_for(
    practice_at: time | None,
    checkin_at: time | None,
    *,
    starts_on: date,
    discreet: bool,
) -> Calendar:
    """The calendar at the chosen times (the defaults where none is chosen)."""
    practice = practice_at or DEFAULT_PRACTICE_AT
    checkin = checkin_at or DEFAULT_CHECKIN_AT
    data = reminders_ics(practice, checkin, starts_on=starts_on, discreet=discreet)
    return Calendar(data, practice, checkin)
