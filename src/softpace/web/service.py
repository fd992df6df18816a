"""What the pages show and do, as plain data: today, the check-in, the log, corrections.

The only place the web app reaches the rest of softpace (the plan, the comfort log, the
rules, the renderer). Each function takes the app's context and plain values and returns
frozen data; errors are softpace's own, turned into a message on the page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from softpace.errors import LogEntryError, SoftpaceError
from softpace.plan.model import Plan, Variant
from softpace.progress.model import Action, ComfortLog, Decision, Kind

EARLIEST_DAY = date(2000, 1, 1)  # before this a date is a typo, not a practice


@dataclass(frozen=True)
class Choice:
    id: str
    title: str


@dataclass(frozen=True)
class TodayView:
    """Today's decision in plain words."""

    decision: Decision
    stage_number: int
    stage_title: str
    paused: bool
    headline: str
    reasons: tuple[str, ...]
    adaptations: tuple[str, ...]  # plain words for each symptom the session adapts to
    short: bool
    awaiting_rating: bool  # a practice before today still wants its next-day rating
    awaiting_day: date | None


@dataclass(frozen=True)
class CheckinForm:
    """What the check-in form offers (from the plan)."""

    scale_max: int
    limit: int
    symptoms: tuple[Choice, ...]
    red_flags: tuple[Choice, ...]


@dataclass(frozen=True)
class CheckinResult:
    messages: tuple[str, ...]
    safety: bool  # a red flag was logged: exposure sessions are paused


@dataclass(frozen=True)
class Checkin:
    """A check-in as typed into the form (strings; checked by `submit_checkin`)."""

    on: date
    during: int | None = None
    after: int | None = None
    dilator: str | None = None
    symptoms: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    note: str = ""
    felt_safe: str = ""


SAFETY_MESSAGE = (
    "Red flag noted. Exposure sessions are paused: please see a pelvic health "
    "physiotherapist or a knowledgeable clinician. The breathing and relaxation practice "
    "stays safe to do."
)


@dataclass
class Context:
    """Where softpace's data lives for this app: the home folder, the plan, the output."""

    home: Path | None
    plan_path: Path | None
    out_dir: Path
    today: Callable[[], date] = date.today
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self) -> Plan:
        from softpace.plan import load_plan

        return load_plan(self.plan_path)

    def log_path(self) -> Path:
        from softpace.paths import data_home
        from softpace.progress.store import log_path

        return log_path(data_home(self.home))

    def load(self) -> ComfortLog:
        from softpace.progress.store import ComfortStore

        with ComfortStore.open(self.log_path(), create=False) as store:
            return store.load()

    def decide(self, as_of: date | None = None) -> Decision:
        from softpace.progress import decide

        return decide(self.load(), self.plan(), as_of or self.today())


def today_view(ctx: Context) -> TodayView:
    plan = ctx.plan()
    log = ctx.load()
    from softpace.progress import decide

    day = ctx.today()
    decision = decide(log, plan, day)
    stage = plan.stage(decision.stage)
    titles = {i.id: i.title for i in plan.troubleshooting}
    paused = decision.action is Action.STOP
    awaiting = [p for p in log.practices if p.on < day and p.next_day is None]
    latest = max((p.on for p in log.practices if p.on < day), default=None)
    awaiting_day = latest if latest is not None and any(p.on == latest for p in awaiting) else None
    if paused:
        headline = "No exposure session today: practice is paused."
    elif decision.action is Action.START:
        headline = f"Start with stage {stage.number}: {stage.title}."
    elif decision.action is Action.ADVANCE:
        headline = f"Move on to stage {stage.number}: {stage.title}."
    elif decision.action is Action.STEP_BACK:
        headline = f"Step back to stage {stage.number} for now: {stage.title}."
    else:
        headline = f"Stay with stage {stage.number}: {stage.title}."
    return TodayView(
        decision=decision,
        stage_number=stage.number,
        stage_title=stage.title,
        paused=paused,
        headline=headline,
        reasons=decision.reasons,
        adaptations=tuple(titles.get(m, m) for m in sorted(decision.modifiers)),
        short=decision.variant is Variant.SHORT,
        awaiting_rating=awaiting_day is not None,
        awaiting_day=awaiting_day,
    )


def checkin_form(plan: Plan) -> CheckinForm:
    return CheckinForm(
        scale_max=plan.comfort_rule.scale_max,
        limit=plan.comfort_rule.max_discomfort,
        symptoms=tuple(Choice(i.id, i.title) for i in plan.troubleshooting),
        red_flags=tuple(Choice(i.id, i.title) for i in plan.red_flags),
    )


def parse_checkin(fields: Mapping[str, Sequence[str]], today: date) -> Checkin:
    """A check-in from form fields (all strings), or a LogEntryError naming the field."""

    def one(name: str) -> str:
        values = fields.get(name) or [""]
        if len(values) != 1 or not isinstance(values[0], str):
            raise LogEntryError(f"the form sent {name!r} more than once; reload the page")
        return values[0].strip()

    def rating(name: str, what: str) -> int | None:
        text = one(name)
        if not text:
            return None
        if not text.isdigit() or len(text) > 3:
            raise LogEntryError(f"{what} must be a whole number, got {text[:20]!r}")
        return int(text)

    day_text = one("on") or today.isoformat()
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise LogEntryError(f"{day_text[:20]!r} is not a date; use YYYY-MM-DD") from None
    if day > today:
        raise LogEntryError(
            f"{day.isoformat()} is in the future (today is {today.isoformat()}); "
            "log a practice on or after the day it happens"
        )
    if day < EARLIEST_DAY:
        raise LogEntryError(f"{day.isoformat()} is before 2000; check the year")
    names = ("symptom", "red_flag")
    for name in names:
        if any(not isinstance(v, str) for v in fields.get(name, ())):
            raise LogEntryError(f"the form sent a malformed {name!r}; reload the page")
    return Checkin(
        on=day,
        during=rating("during", "Discomfort during practice"),
        after=rating("after", "How yesterday's practice settled"),
        dilator=one("dilator") or None,
        symptoms=tuple(fields.get("symptom", ())),
        red_flags=tuple(fields.get("red_flag", ())),
        note=one("note"),
        felt_safe=one("felt_safe"),
    )


def submit_checkin(ctx: Context, checkin: Checkin) -> CheckinResult:
    """Write a check-in: the next-day rating, the practice, what was noticed. Everything
    is checked before anything is written."""
    from softpace.progress import decide
    from softpace.progress.entries import (
        check_names,
        clean_note,
        next_day_entry,
        practice_entry,
    )
    from softpace.progress.store import ComfortStore

    plan = ctx.plan()
    note = clean_note(
        "\n".join(
            part
            for part in (checkin.note, checkin.felt_safe and f"What felt safe: {checkin.felt_safe}")
            if part
        )
    )
    symptoms = check_names(checkin.symptoms, plan.troubleshooting, "symptom")
    flags = check_names(checkin.red_flags, plan.red_flags, "red flag")
    if checkin.during is None and checkin.after is None and not (symptoms or flags):
        raise LogEntryError(
            "nothing to save: choose how much discomfort you felt (or how yesterday settled), "
            "or a symptom"
        )
    if checkin.during is None and (checkin.dilator or note):
        raise LogEntryError(
            "a dilator size or a note goes with a practice: choose the discomfort during it too"
        )
    with_practice = checkin.during is not None
    after = (
        next_day_entry(
            plan,
            on=checkin.on,
            rating=checkin.after,
            symptoms=() if with_practice else symptoms,
            red_flags=() if with_practice else flags,
        )
        if checkin.after is not None
        else None
    )
    messages: list[str] = []
    with ctx._lock, ComfortStore.open(ctx.log_path(), create=True) as store:
        stage = decide(store.load(), plan, checkin.on).stage
        practice = (
            practice_entry(
                plan,
                on=checkin.on,
                stage=stage,
                during=checkin.during,
                dilator=checkin.dilator,
                note=note,
                symptoms=symptoms,
                red_flags=flags,
            )
            if checkin.during is not None
            else None
        )
        if after is not None:
            rated = store.add_next_day(after)[0]
            messages.append(
                f"Saved: yesterday's practice ({rated.on.strftime('%a %d %b')}) settled at "
                f"{after.rating} of {plan.comfort_rule.scale_max}."
            )
        if practice is not None:
            store.add_practice(practice)
            messages.append(
                f"Saved: today's practice, discomfort {practice.during} of "
                f"{plan.comfort_rule.scale_max}."
            )
            if practice.during > plan.comfort_rule.max_discomfort:
                messages.append(
                    "That is above the plan's limit: the next sessions step back and are "
                    "shorter. Be gentle with yourself today."
                )
            else:
                messages.append("Tomorrow, say here how it settled.")
        if after is None and practice is None:
            store.add_observations(checkin.on, symptoms, flags)
            messages.append("Saved what you noticed.")
    if flags:
        messages.append(SAFETY_MESSAGE)
    return CheckinResult(tuple(messages), safety=bool(flags))


def correct_practice(
    ctx: Context,
    practice_id: int,
    *,
    during: int,
    next_day: int | None,
    dilator: str | None,
    note: str,
) -> None:
    from softpace.progress.corrections import correct_practice as correct
    from softpace.progress.entries import check_rating, clean_dilator, clean_note
    from softpace.progress.store import ComfortStore

    plan = ctx.plan()
    check_rating(during, plan, "Discomfort during practice")
    if next_day is not None:
        check_rating(next_day, plan, "Next-day discomfort")
    dilator = clean_dilator(dilator)
    note = clean_note(note)
    with ctx._lock, ComfortStore.open(ctx.log_path(), create=False) as store:
        correct(
            store, practice_id, during=during, next_day=next_day, dilator=dilator, note=note
        )


def delete_entry(ctx: Context, kind: str, entry_id: int) -> None:
    from softpace.progress.corrections import delete_observation, delete_practice
    from softpace.progress.store import ComfortStore

    if not ctx.log_path().exists():
        raise LogEntryError("the log is empty: there is nothing to delete")
    with ctx._lock, ComfortStore.open(ctx.log_path(), create=False) as store:
        if kind == "practice":
            delete_practice(store, entry_id)
        elif kind == "observation":
            delete_observation(store, entry_id)
        else:
            raise LogEntryError(f"unknown kind of entry {kind[:20]!r}")


def recent_entries(log: ComfortLog, plan: Plan, limit: int | None = None) -> list[dict[str, object]]:
    """The log newest first, one row a practice or a lone observation, in plain words."""
    titles = {i.id: i.title for i in (*plan.troubleshooting, *plan.red_flags)}
    flags = {i.id for i in plan.red_flags}
    noticed: dict[int, list[tuple[int, str, bool]]] = {}
    rows: list[dict[str, object]] = []
    for o in log.observations:
        item = (o.id, titles.get(o.slug, o.slug), o.kind is Kind.RED_FLAG or o.slug in flags)
        if o.practice_id is None:
            rows.append({"kind": "observation", "id": o.id, "on": o.on, "noticed": [item]})
        else:
            noticed.setdefault(o.practice_id, []).append(item)
    for p in log.practices:
        rows.append(
            {
                "kind": "practice",
                "id": p.id,
                "on": p.on,
                "stage": plan.stage(p.stage).title if p.stage in plan.stage_ids else p.stage,
                "during": p.during,
                "next_day": p.next_day,
                "dilator": p.dilator or "",
                "note": p.note,
                "noticed": noticed.get(p.id, []),
            }
        )
    rows.sort(key=lambda r: (r["on"], r["kind"] == "practice", r["id"]), reverse=True)  # type: ignore[arg-type, return-value]
    return rows[:limit] if limit else rows


def is_error(exc: BaseException) -> bool:
    return isinstance(exc, SoftpaceError)
