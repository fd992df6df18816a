"""Checking what the user types before anything is written: dates, ratings, names, notes.

Pure functions: each returns the clean value or raises LogEntryError saying what was
wrong and what to type instead. Front ends (the CLI, the web app) call these and print
the message; they do no checking of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from softpace.errors import LogEntryError
from softpace.plan.model import Item, Plan

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_NOTE_CHARS = 2000
MAX_DILATOR_CHARS = 40
# The plan has no start date; a day before this is almost surely a typo in the year (and
# the rules count back from a day, which must stay far from date.min).
EARLIEST_DAY = date(2000, 1, 1)


@dataclass(frozen=True)
class PracticeEntry:
    """A practice to record: day, stage, comfort during, and what was noticed."""

    on: date
    stage: str
    during: int
    dilator: str | None = None
    note: str = ""
    symptoms: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    scale_max: int = 10  # the top of the plan's discomfort scale `during` is on


@dataclass(frozen=True)
class NextDayEntry:
    """A next-day rating, given on `on`, for the latest practice day before it."""

    on: date
    rating: int
    symptoms: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    scale_max: int = 10  # the top of the plan's discomfort scale `rating` is on


def parse_day(text: str, today: date, what: str = "--date") -> date:
    """'YYYY-MM-DD', 'today' or 'yesterday'; from EARLIEST_DAY to `today`."""
    cleaned = text.strip().lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    if not _DAY.fullmatch(cleaned):
        raise LogEntryError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. {today.isoformat()}"
        )
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise LogEntryError(
            f"{what} {text!r} is not a real calendar date; write it as YYYY-MM-DD"
        ) from None
    return check_day(day, today, what)


def check_day(day: date, today: date, what: str = "--date") -> date:
    """`day` if it is from EARLIEST_DAY to `today`; else a LogEntryError naming the bounds."""
    if day < EARLIEST_DAY:
        raise LogEntryError(
            f"{what} {day.isoformat()} is before {EARLIEST_DAY.isoformat()}, the earliest day "
            "softpace keeps; check the year (write it as YYYY-MM-DD)"
        )
    if day > today:
        raise LogEntryError(
            f"{what} {day.isoformat()} is in the future (today is {today.isoformat()}); "
            "log things on or after the day they happen"
        )
    return day


# The name callers used before days had a lower bound too (same checks).
check_not_future = check_day


def check_rating(value: int, plan: Plan, what: str) -> int:
    top = plan.comfort_rule.scale_max
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise LogEntryError(
            f"{what} must be a whole number from 0 (none) to {top} (worst), got {value!r}"
        )
    return value


def check_names(values: Iterable[str], items: tuple[Item, ...], option: str) -> tuple[str, ...]:
    """Known slugs, in the order given, each once; an unknown one lists the valid names."""
    known = {item.id for item in items}
    chosen: list[str] = []
    for raw in values:
        slug = raw.strip().lower()
        if slug not in known:
            raise LogEntryError(
                f"unknown {option} {raw!r}; choose from: {', '.join(i.id for i in items)} "
                f"(see `softpace log --help`)"
            )
        if slug not in chosen:
            chosen.append(slug)
    return tuple(chosen)


def clean_note(note: str | None, what: str = "--note") -> str:
    """The note without surrounding space: at most MAX_NOTE_CHARS characters of real text."""
    text = (note or "").strip()
    if len(text) > MAX_NOTE_CHARS:
        raise LogEntryError(
            f"{what} is {len(text):,} characters long; keep it to {MAX_NOTE_CHARS:,} or fewer"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: bytes that were not UTF-8 (a terminal set to another encoding).
        raise LogEntryError(
            f"{what} holds characters that are not valid text (perhaps the terminal uses "
            "another encoding than UTF-8); retype it, or leave out the unusual characters"
        ) from None
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise LogEntryError(
            f"{what} holds control characters; write plain text (new lines are fine)"
        )
    return text


def clean_dilator(size: str | None) -> str | None:
    if size is None:
        return None
    text = size.strip()
    if not text or len(text) > MAX_DILATOR_CHARS or not text.isprintable():
        raise LogEntryError(
            f"--dilator {size!r} is not a size softpace can keep; use a short label such as "
            "'2', 'S' or '19mm'"
        )
    return text


def practice_entry(
    plan: Plan,
    *,
    on: date,
    stage: str,
    during: int,
    dilator: str | None = None,
    note: str | None = None,
    symptoms: Iterable[str] = (),
    red_flags: Iterable[str] = (),
) -> PracticeEntry:
    """A checked practice entry (raises LogEntryError or UnknownStageError)."""
    return PracticeEntry(
        on=on,
        stage=plan.stage(stage).id,
        during=check_rating(during, plan, "--during"),
        dilator=clean_dilator(dilator),
        note=clean_note(note),
        symptoms=check_names(symptoms, plan.troubleshooting, "--symptom"),
        red_flags=check_names(red_flags, plan.red_flags, "--red-flag"),
        scale_max=plan.comfort_rule.scale_max,
    )


def next_day_entry(
    plan: Plan,
    *,
    on: date,
    rating: int,
    symptoms: Iterable[str] = (),
    red_flags: Iterable[str] = (),
) -> NextDayEntry:
    return NextDayEntry(
        on=on,
        rating=check_rating(rating, plan, "--after"),
        symptoms=check_names(symptoms, plan.troubleshooting, "--symptom"),
        red_flags=check_names(red_flags, plan.red_flags, "--red-flag"),
        scale_max=plan.comfort_rule.scale_max,
    )
