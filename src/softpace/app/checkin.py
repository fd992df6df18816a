"""Operations on the comfort log: log a practice, a next-day rating, symptoms and red flags;
correct or delete an entry; clear red flags after an evaluation; status and history.

Every input is checked before the log is opened; a red flag in any entry comes back as
`paused=True` with the safety message every front end shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from softpace.app.context import AppContext
from softpace.errors import LogEntryError
from softpace.progress.entries import (
    check_names,
    clean_note,
    next_day_entry,
    practice_entry,
)
from softpace.progress.model import ComfortLog, Decision, Practice

RED_FLAG_MESSAGE = (
    "Red flag noted. Exposure sessions are paused until you have been evaluated by a "
    "pelvic health physiotherapist or a knowledgeable clinician; then run "
    "`softpace clear-flags --evaluated`."
)


class EntryKind(StrEnum):
    """The kinds of comfort-log entry that can be deleted (the store's table names)."""

    PRACTICE = "practice"
    OBSERVATION = "observation"
    EVALUATION = "evaluation"


class _Pauses:
    """A logged entry's result: exposure sessions pause when it carries a red flag."""

    red_flags: tuple[str, ...]

    @property
    def paused(self) -> bool:
        return bool(self.red_flags)


@dataclass(frozen=True)
class PracticeLogged(_Pauses):
    practice: Practice
    max_discomfort: int  # the plan's limit: above it, the next sessions step back
    scale_max: int
    symptoms: tuple[str, ...]
    red_flags: tuple[str, ...]

    @property
    def above_limit(self) -> bool:
        return self.practice.during > self.max_discomfort


@dataclass(frozen=True)
class NextDayLogged(_Pauses):
    rated: Practice  # the latest practice of the rated day, as it was before the rating
    rating: int
    replaced: int | None  # the earlier next-day rating this one replaces
    scale_max: int
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class ObservationsLogged(_Pauses):
    on: date
    symptoms: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class FlagsCleared:
    on: date
    cleared: tuple[str, ...]  # empty: there was nothing to clear and nothing was recorded


@dataclass(frozen=True)
class Status:
    decision: Decision
    log: ComfortLog
    plot_path: Path | None = None


def log_practice(
    ctx: AppContext,
    during: int,
    *,
    on: date | str | None = None,
    stage: str | None = None,
    dilator: str | None = None,
    note: str | None = None,
    symptoms: Sequence[str] = (),
    red_flags: Sequence[str] = (),
) -> PracticeLogged:
    """Record a practice; without `stage`, the stage the log says is today's."""
    plan = ctx.plan
    day = ctx.day(on, "--date")
    # Checked before the log is opened; the first stage stands in for a missing one.
    entry = practice_entry(
        plan,
        on=day,
        stage=stage or plan.stages[0].id,
        during=during,
        dilator=dilator,
        note=note,
        symptoms=symptoms,
        red_flags=red_flags,
    )
    with ctx.open_log(create=True) as store:
        if stage is None:
            from softpace.progress.rules import decide

            entry = replace(entry, stage=decide(store.load(), plan, day).stage)
        practice = store.add_practice(entry)
    rule = plan.comfort_rule
    return PracticeLogged(
        practice, rule.max_discomfort, rule.scale_max, entry.symptoms, entry.red_flags
    )


def log_next_day(
    ctx: AppContext,
    rating: int,
    *,
    on: date | str | None = None,
    symptoms: Sequence[str] = (),
    red_flags: Sequence[str] = (),
) -> NextDayLogged:
    """Rate how the latest practice day before `on` settled."""
    day = ctx.day(on, "--date")
    entry = next_day_entry(ctx.plan, on=day, rating=rating, symptoms=symptoms, red_flags=red_flags)
    # A missing log has no practice to rate: reading it as empty lets the store say so.
    with ctx.open_log(create=ctx.log_path.exists()) as store:
        before = store.add_next_day(entry)
    replaced = [p.next_day for p in before if p.next_day is not None]
    return NextDayLogged(
        before[0],
        entry.rating,
        replaced[-1] if replaced else None,
        ctx.plan.comfort_rule.scale_max,
        entry.red_flags,
    )


def log_observations(
    ctx: AppContext,
    *,
    on: date | str | None = None,
    symptoms: Sequence[str] = (),
    red_flags: Sequence[str] = (),
) -> ObservationsLogged:
    """Symptoms or red flags noticed on a day, without a practice."""
    day = ctx.day(on, "--date")
    names = check_names(symptoms, ctx.plan.troubleshooting, "--symptom")
    flags = check_names(red_flags, ctx.plan.red_flags, "--red-flag")
    if not (names or flags):
        raise LogEntryError("nothing to log: name a symptom or a red flag")
    with ctx.open_log(create=True) as store:
        store.add_observations(day, names, flags)
    return ObservationsLogged(day, names, flags)


def correct_practice(
    ctx: AppContext,
    practice_id: int,
    during: int,
    *,
    on: date | str | None = None,
    stage: str,
    dilator: str | None = None,
    note: str | None = None,
    symptoms: Sequence[str] = (),
    red_flags: Sequence[str] = (),
) -> PracticeLogged:
    """Replace what a logged practice says; the stage decision follows the corrected log."""
    plan = ctx.plan
    entry = practice_entry(
        plan,
        on=ctx.day(on, "--date"),
        stage=stage,
        during=during,
        dilator=dilator,
        note=note,
        symptoms=symptoms,
        red_flags=red_flags,
    )
    if not ctx.log_path.exists():
        raise LogEntryError(f"there is no practice #{practice_id} in the log")
    with ctx.open_log(create=True) as store:
        practice = store.correct_practice(practice_id, entry)
    rule = plan.comfort_rule
    return PracticeLogged(
        practice, rule.max_discomfort, rule.scale_max, entry.symptoms, entry.red_flags
    )


def delete_entry(ctx: AppContext, kind: EntryKind | str, entry_id: int) -> None:
    """Delete one entry; a practice goes with the symptoms and red flags logged with it."""
    try:
        table = EntryKind(kind)
    except ValueError:
        raise LogEntryError(
            f"unknown kind of entry {kind!r}; choose from {', '.join(EntryKind)}"
        ) from None
    if not ctx.log_path.exists():
        raise LogEntryError(f"there is no {table.value} #{entry_id} in the log")
    with ctx.open_log(create=True) as store:
        store.delete_entry(table.value, entry_id)


def clear_flags(
    ctx: AppContext, *, on: date | str | None = None, note: str | None = None
) -> FlagsCleared:
    """Record a clinician's evaluation, which lets sessions start again."""
    day = ctx.day(on, "--date")
    text = clean_note(note)
    active = ctx.decide(day).red_flags
    if not active:
        return FlagsCleared(day, ())
    with ctx.open_log(create=True) as store:
        store.add_evaluation(day, text)
    return FlagsCleared(day, active)


def status(
    ctx: AppContext, as_of: date | str | None = None, plot_path: Path | None = None
) -> Status:
    """Where the user is and why; with `plot_path`, comfort over time drawn there (PNG)."""
    from softpace.progress.rules import decide

    day = ctx.day(as_of, "--as-of")
    log = ctx.read_log()
    decision = decide(log, ctx.plan, day)
    if plot_path is not None:
        from softpace.progress.plot import plot_comfort

        plot_comfort(log, decision, ctx.plan, plot_path)
    return Status(decision, log, plot_path)


def history(ctx: AppContext) -> ComfortLog:
    return ctx.read_log()
