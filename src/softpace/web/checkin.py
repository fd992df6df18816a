"""The check-in form: from form fields (the app's page or the phone's JSON) to the
application layer's log operations, and the words said back.

One check-in can carry yesterday's next-day rating, today's practice, and what was
noticed; everything is checked before anything is written (the next-day rating is
checked again by the store, which knows which day it rates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from softpace import app
from softpace.app import AppContext
from softpace.errors import LogEntryError
from softpace.progress.entries import check_names, check_rating, clean_dilator, clean_note

MAX_FIELD_CHARS = 2000
SAFETY_MESSAGE = (
    "Red flag noted. Exposure sessions are paused: please see a pelvic health "
    "physiotherapist or a knowledgeable clinician. Breathing and relaxation stay safe to do."
)


@dataclass(frozen=True)
class Checkin:
    """A check-in as typed, its values checked (names, ratings, lengths), not yet saved."""

    on: date
    during: int | None = None
    after: int | None = None
    dilator: str | None = None
    symptoms: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Saved:
    messages: tuple[str, ...]
    safety: bool  # a red flag was logged: exposure sessions are paused


@dataclass(frozen=True)
class Choice:
    id: str
    title: str


@dataclass(frozen=True)
class FormInfo:
    scale_max: int
    limit: int
    symptoms: tuple[Choice, ...]
    red_flags: tuple[Choice, ...]


def form_info(ctx: AppContext) -> FormInfo:
    plan = ctx.plan
    return FormInfo(
        scale_max=plan.comfort_rule.scale_max,
        limit=plan.comfort_rule.max_discomfort,
        symptoms=tuple(Choice(i.id, i.title) for i in plan.troubleshooting),
        red_flags=tuple(Choice(i.id, i.title) for i in plan.red_flags),
    )


def parse(ctx: AppContext, fields: Mapping[str, Sequence[str]]) -> Checkin:
    """A checked Checkin from form fields (lists of strings), or a LogEntryError."""

    def one(name: str) -> str:
        values = list(fields.get(name) or [""])
        if len(values) != 1 or not isinstance(values[0], str):
            raise LogEntryError(f"the form sent {name!r} more than once; reload the page")
        if len(values[0]) > MAX_FIELD_CHARS:
            raise LogEntryError(
                f"the {name.replace('_', ' ')} is {len(values[0])} characters; keep it under "
                f"{MAX_FIELD_CHARS}. Nothing was saved."
            )
        return values[0].strip()

    def many(name: str) -> tuple[str, ...]:
        values = fields.get(name) or []
        if not all(isinstance(v, str) and len(v) <= 100 for v in values):
            raise LogEntryError(f"the form sent a malformed {name!r}; reload the page")
        return tuple(values)

    def rating(name: str, what: str) -> int | None:
        text = one(name)
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or len(text) > 3:
            raise LogEntryError(f"{what} must be a whole number, got {text[:20]!r}")
        return check_rating(int(text), ctx.plan, what)

    plan = ctx.plan
    day = ctx.day(one("on") or None, "The date")
    felt_safe = one("felt_safe")
    note = clean_note(
        "\n".join(p for p in (one("note"), felt_safe and f"What felt safe: {felt_safe}") if p)
    )
    return Checkin(
        on=day,
        during=rating("during", "Discomfort during practice"),
        after=rating("after", "How yesterday's practice settled"),
        dilator=clean_dilator(one("dilator") or None),
        symptoms=check_names(many("symptom"), plan.troubleshooting, "symptom"),
        red_flags=check_names(many("red_flag"), plan.red_flags, "red flag"),
        note=note,
    )


def save(ctx: AppContext, checkin: Checkin) -> Saved:
    """Write the check-in through the application layer: the next-day rating first, then
    today's practice with what was noticed (or what was noticed alone)."""
    top = ctx.plan.comfort_rule.scale_max
    if (
        checkin.during is None
        and checkin.after is None
        and not (checkin.symptoms or checkin.red_flags)
    ):
        raise LogEntryError(
            "nothing to save: choose the discomfort during today's practice, how yesterday "
            "settled, or something you noticed"
        )
    if checkin.during is None and (checkin.dilator or checkin.note):
        raise LogEntryError(
            "a dilator size or a note goes with a practice: choose the discomfort during it too"
        )
    messages: list[str] = []
    noticed_with_rating = checkin.during is None
    if checkin.after is not None:
        rated = app.log_next_day(
            ctx,
            checkin.after,
            on=checkin.on,
            symptoms=checkin.symptoms if noticed_with_rating else (),
            red_flags=checkin.red_flags if noticed_with_rating else (),
        )
        messages.append(
            f"Saved: the practice of {rated.rated.on.strftime('%a %d %b')} settled at "
            f"{rated.rating} of {top}."
        )
    if checkin.during is not None:
        logged = app.log_practice(
            ctx,
            checkin.during,
            on=checkin.on,
            dilator=checkin.dilator,
            note=checkin.note,
            symptoms=checkin.symptoms,
            red_flags=checkin.red_flags,
        )
        messages.append(f"Saved: today's practice, discomfort {checkin.during} of {top}.")
        if logged.above_limit:
            messages.append(
                "That is above the plan's limit: the next sessions step back and are shorter. "
                "Be gentle with yourself today."
            )
        else:
            messages.append("Tomorrow, say here how it settled.")
    elif checkin.after is None:
        app.log_observations(
            ctx, on=checkin.on, symptoms=checkin.symptoms, red_flags=checkin.red_flags
        )
        messages.append("Saved what you noticed.")
    if checkin.red_flags:
        messages.append(SAFETY_MESSAGE)
    return Saved(tuple(messages), safety=bool(checkin.red_flags))
