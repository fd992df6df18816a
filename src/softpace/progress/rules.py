"""The rules engine: comfort log + plan + a day in, a Decision out. Pure: no files, no clock.

The log is replayed in the order things became known: a practice on its day, its
next-day rating on the day it was given (ratings given on a day come before that
day's practices). The plan's comfort rule decides every move:

- a practice is *easy* when comfort during and the next day are both <= 2; without a
  next-day rating it is not easy yet; a practice carrying a red flag is never easy;
- *advance* after `advance_easy_days` easy practices at the current stage on different
  days, the latest practice there among them, spanning at least the stage's `min_days`
  (a stage that needs consistent comfort asks `consistent_easy_days` of the one before);
- a *spike* (during >= 3, or next day >= 3) steps back one stage, never below the first;
  the spiking stage comes back after one easy practice at least 24 h after the spike,
  and sessions are the shorter variant until then;
- a *red flag* stops exposure practice until an evaluation is logged after it;
- `stall_days` without reaching a new stage suggests a pelvic health physiotherapist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from softpace.plan.model import Plan, Variant
from softpace.progress.model import (
    Action,
    ComfortLog,
    Decision,
    Kind,
    Move,
    Observation,
    Practice,
)

# Symptoms whose fix in the plan is a shorter session.
SHORTENING_SYMPTOMS = frozenset({"soreness", "fear"})
CLINICIAN = "a pelvic health physiotherapist or a knowledgeable clinician"


@dataclass
class _State:
    """The replay's working state (private; the result is an immutable Decision)."""

    current: int = 0
    since: date | None = None  # start of the current run at this stage (entry or reset)
    first_practice_on: date | None = None  # first practice at this stage in this run
    easy_days: set[date] = field(default_factory=set)
    latest: Practice | None = None  # latest practice at this stage in this run
    returning_to: int | None = None
    spike_on: date | None = None
    recovering: bool = False
    best: int = 0
    best_on: date | None = None
    moves: list[Move] = field(default_factory=list)
    last_spike: str = ""

    def reset(self, on: date) -> None:
        self.since = on
        self.first_practice_on = None
        self.easy_days = set()
        self.latest = None


def decide(log: ComfortLog, plan: Plan, as_of: date) -> Decision:
    """Where the user is on `as_of` (entries dated later are ignored) and why, in plain words."""
    return _Replay(log, plan, as_of).decision()


class _Replay:
    def __init__(self, log: ComfortLog, plan: Plan, as_of: date) -> None:
        self.plan = plan
        self.rule = plan.comfort_rule
        self.progress = plan.progress
        self.as_of = as_of
        self.practices = sorted((p for p in log.practices if p.on <= as_of), key=_practice_key)
        self.observations = tuple(o for o in log.observations if o.on <= as_of)
        self.evaluations = tuple(e for e in log.evaluations if e.on <= as_of)
        self.flagged = {
            o.practice_id for o in self.observations if o.kind is Kind.RED_FLAG and o.practice_id
        }
        self.recovery_days = max(1, math.ceil(self.rule.step_back_hours.low / 24))
        self.state = _State()

    # -- classification -------------------------------------------------
    def easy(self, p: Practice) -> bool:
        limit = self.rule.max_discomfort
        after = p.next_day_known(self.as_of)
        return (
            p.during <= limit and after is not None and after <= limit and p.id not in self.flagged
        )

    def stage_id(self, index: int) -> str:
        return self.plan.stages[index].id

    # -- replay ---------------------------------------------------------
    def run(self) -> None:
        st = self.state
        if not self.practices:
            return
        st.since = st.best_on = self.practices[0].on
        events: list[tuple[date, int, int, str, object]] = []
        for p in self.practices:
            events.append((p.on, 1, p.id, "practice", p))
            if p.next_day_known(self.as_of) is not None and p.next_day_on is not None:
                events.append((p.next_day_on, 0, p.id, "rating", p))
        for o in self.observations:
            if o.kind is Kind.RED_FLAG:
                events.append((o.on, 2, o.id, "flag", o))
        for on, _, _, kind, item in sorted(events, key=lambda e: e[:3]):
            if kind == "practice":
                assert isinstance(item, Practice)
                self.on_practice(on, item)
            elif kind == "rating":
                assert isinstance(item, Practice)
                self.on_rating(on, item)
            else:
                assert isinstance(item, Observation)
                self.state.reset(on)

    def on_practice(self, on: date, p: Practice) -> None:
        st = self.state
        index = self.plan.index(p.stage)
        if p.during > self.rule.max_discomfort:
            self.spike(on, index, f"comfort during was {p.during}/10 on {p.on.isoformat()}")
            return
        if index == st.current:
            st.latest = p
            if st.first_practice_on is None:
                st.first_practice_on = p.on

    def on_rating(self, on: date, p: Practice) -> None:
        st = self.state
        index = self.plan.index(p.stage)
        after = p.next_day or 0
        if after > self.rule.max_discomfort:
            # A late rating of a practice from before the last spike is the same flare.
            already = st.spike_on is not None and p.on < st.spike_on
            if p.during <= self.rule.max_discomfort and not already:
                self.spike(
                    on,
                    index,
                    f"the day after your {p.on.isoformat()} practice, discomfort was {after}/10",
                )
            return
        if not self.easy(p) or index != st.current or st.since is None or p.on < st.since:
            return
        st.easy_days.add(p.on)
        if st.recovering:
            if st.spike_on is not None and p.on >= st.spike_on + timedelta(self.recovery_days):
                self.recover(on)
            return
        self.maybe_advance(on)

    def spike(self, on: date, index: int, why: str) -> None:
        st = self.state
        spiking = min(st.current, index)
        target = max(0, spiking - 1)
        st.returning_to = spiking if target < spiking else None
        st.current = target
        st.spike_on = on
        st.recovering = True
        st.last_spike = why
        st.reset(on)
        action = Action.STEP_BACK if target < spiking else Action.STAY
        st.moves.append(Move(on, self.stage_id(target), action, f"spike: {why}"))

    def recover(self, on: date) -> None:
        st = self.state
        st.recovering = False
        if st.returning_to is not None:
            st.current = st.returning_to
            st.returning_to = None
            st.reset(on)
            st.moves.append(
                Move(on, self.stage_id(st.current), Action.ADVANCE, "return after a flare")
            )

    def needed(self, index: int) -> int:
        """Easy practices at stage `index` that open the next stage."""
        following = index + 1
        if (
            following < len(self.plan.stages)
            and self.plan.stages[following].requires_consistent_comfort
        ):
            return self.progress.consistent_easy_days
        return self.progress.advance_easy_days

    def span_days(self) -> int:
        st = self.state
        if st.first_practice_on is None or not st.easy_days:
            return 0
        return (max(st.easy_days) - st.first_practice_on).days + 1

    def ready(self) -> bool:
        st = self.state
        stage = self.plan.stages[st.current]
        return (
            not st.recovering
            and st.current + 1 < len(self.plan.stages)
            and len(st.easy_days) >= self.needed(st.current)
            and st.latest is not None
            and self.easy(st.latest)
            and self.span_days() >= stage.min_days
        )

    def maybe_advance(self, on: date) -> None:
        st = self.state
        if not self.ready():
            return
        st.current += 1
        st.reset(on)
        if st.current > st.best:
            st.best, st.best_on = st.current, on
        st.moves.append(Move(on, self.stage_id(st.current), Action.ADVANCE, "easy practices"))

    # -- the decision ---------------------------------------------------
    def decision(self) -> Decision:
        self.run()
        st = self.state
        stage = self.plan.stages[st.current]
        flags = self.active_flags()
        stalled = self.stalled_days()
        symptoms = self.recent_symptoms()
        modifiers = frozenset(o.slug for o in symptoms)
        short_for = sorted(modifiers & SHORTENING_SYMPTOMS)
        variant = Variant.SHORT if st.recovering or short_for else Variant.STANDARD
        awaiting = self.awaiting()

        reasons: list[str] = []
        action = self.action(flags)
        if flags:
            reasons += self.stop_reasons(flags)
        else:
            reasons += self.position_reasons(action, awaiting)
            if st.recovering:
                reasons.append(
                    "Sessions are the shorter version until then: short and easy is what helps now."
                )
            for slug in short_for:
                reasons.append(
                    f"You logged {self.symptom_title(slug).lower()} recently, so today's session "
                    "is the shorter version."
                )
            for o in symptoms:
                fixes = "; ".join(f[:1].lower() + f[1:] for f in self.symptom_fixes(o.slug))
                reasons.append(
                    f"{self.symptom_title(o.slug)} (logged {o.on.isoformat()}) adapts today's "
                    f"session. What helps: {fixes}."
                )
        if stalled is not None:
            reasons.append(
                f"It has been {stalled} days since you last moved to a new stage. That is okay: "
                f"keep going at your own pace. {CLINICIAN.capitalize()} can tailor the next "
                "steps to you, and is worth seeing now."
            )
        return Decision(
            as_of=self.as_of,
            stage=stage.id,
            action=action,
            reasons=tuple(reasons),
            easy_streak=len(st.easy_days),
            easy_needed=self.needed(st.current) if st.current + 1 < len(self.plan.stages) else 0,
            days_at_stage=self.days_at_stage(),
            min_days=stage.min_days,
            variant=variant,
            modifiers=modifiers,
            red_flags=tuple(dict.fromkeys(o.slug for o in flags)),
            suggest_physio=stalled is not None,
            returning_to=(self.stage_id(st.returning_to) if st.returning_to is not None else None),
            awaiting_next_day=tuple(p.id for p in awaiting),
            next_log=self.next_log(flags, awaiting),
            moves=tuple(st.moves),
        )

    def action(self, flags: list[Observation]) -> Action:
        if flags:
            return Action.STOP
        if not self.practices:
            return Action.START
        last = self.plan.index(self.practices[-1].stage)
        if self.state.current > last:
            return Action.ADVANCE
        if self.state.current < last:
            return Action.STEP_BACK
        return Action.STAY

    def days_at_stage(self) -> int:
        first = self.state.first_practice_on
        return 0 if first is None else (self.as_of - first).days + 1

    def active_flags(self) -> list[Observation]:
        """Red flags not followed by an evaluation (same day: the later one wins)."""
        latest = max(((e.on, e.logged_at) for e in self.evaluations), default=None)
        return [
            o
            for o in self.observations
            if o.kind is Kind.RED_FLAG and (latest is None or (o.on, o.logged_at) > latest)
        ]

    def recent_symptoms(self) -> list[Observation]:
        """The latest report of each symptom logged within the symptom window."""
        first = self.as_of - timedelta(self.progress.symptom_window_days - 1)
        latest: dict[str, Observation] = {}
        for o in sorted(self.observations, key=lambda o: (o.on, o.logged_at)):
            if o.kind is Kind.SYMPTOM and o.on >= first:
                latest[o.slug] = o
        order = [item.id for item in self.plan.troubleshooting]
        return sorted(
            latest.values(), key=lambda o: order.index(o.slug) if o.slug in order else len(order)
        )

    def awaiting(self) -> list[Practice]:
        """Practices since this run began, before today, still without a next-day rating."""
        since = self.state.since or self.as_of
        return [
            p
            for p in self.practices
            if since <= p.on < self.as_of
            and p.next_day_known(self.as_of) is None
            and p.during <= self.rule.max_discomfort
        ]

    def stalled_days(self) -> int | None:
        st = self.state
        if not self.practices or st.best_on is None or st.best + 1 >= len(self.plan.stages):
            return None
        days = (self.as_of - st.best_on).days
        return days if days >= self.progress.stall_days else None

    def symptom_title(self, slug: str) -> str:
        return next((i.title for i in self.plan.troubleshooting if i.id == slug), slug)

    def symptom_fixes(self, slug: str) -> tuple[str, ...]:
        return next((i.fixes for i in self.plan.troubleshooting if i.id == slug), ())

    # -- words ----------------------------------------------------------
    def stop_reasons(self, flags: list[Observation]) -> list[str]:
        titles = {i.id: i.title for i in self.plan.red_flags}
        seen = ", ".join(
            f"{titles.get(o.slug, o.slug).lower()} ({o.on.isoformat()})"
            for o in {o.slug: o for o in flags}.values()
        )
        return [
            f"You logged a red flag: {seen}.",
            "Pause exposure practice for now. This is a time to get checked, not to push on.",
            f"Please see {CLINICIAN}, such as your doctor or gynaecologist.",
            "Once you have been evaluated, record it with `softpace clear-flags --evaluated`, "
            "and sessions start again where you left off.",
        ]

    def position_reasons(self, action: Action, awaiting: list[Practice]) -> list[str]:
        st = self.state
        stage = self.plan.stages[st.current]
        limit = self.rule.max_discomfort
        reasons: list[str] = []
        if action is Action.START:
            return [
                f"Nothing is logged yet, so you begin at stage 1: {stage.title}.",
                f"A practice counts as easy when discomfort stays at {limit}/10 or less during "
                "it and the next day.",
            ]
        if action is Action.ADVANCE:
            last_move = st.moves[-1] if st.moves else None
            if last_move is not None and last_move.reason == "return after a flare":
                reasons.append(
                    f"You had an easy practice at least a day after the flare, so you can "
                    f"return to stage {stage.number}: {stage.title}."
                )
            else:
                previous = self.plan.stages[st.current - 1]
                needed = self.needed(st.current - 1)
                reasons.append(
                    f"You had {needed} easy practices on different days at stage "
                    f"{previous.number}, so you move on to stage {stage.number}: {stage.title}."
                )
        elif action is Action.STEP_BACK and not st.recovering:
            last = self.plan.stages[self.plan.index(self.practices[-1].stage)]
            reasons.append(
                f"Your last practice was at stage {last.number}, ahead of where the plan has "
                f"you: stage {stage.number}: {stage.title}. Practices count toward moving on "
                "at the stage you are at."
            )
        elif st.recovering:
            reasons.append(
                f"A spike: {st.last_spike}, above {limit}/10. That is a signal to ease off, "
                "not a failure."
            )
            if st.returning_to is not None:
                back = self.plan.stages[st.returning_to]
                reasons.append(
                    f"Step back to stage {stage.number}: {stage.title}. You return to stage "
                    f"{back.number} after one easy practice here, at least a day after the spike."
                )
            else:
                reasons.append(
                    f"Stay at stage {stage.number}: {stage.title}, with gentler sessions, until "
                    "one easy practice at least a day after the spike."
                )
        else:
            reasons.append(f"Stay at stage {stage.number}: {stage.title}.")
        if not st.recovering and st.current + 1 < len(self.plan.stages):
            reasons.append(self.progress_words())
        if awaiting:
            days = ", ".join(sorted({p.on.isoformat() for p in awaiting}))
            reasons.append(
                f"Your practice on {days} has no next-day rating yet, so it does not count as "
                "easy yet."
            )
        return reasons

    def progress_words(self) -> str:
        st = self.state
        stage = self.plan.stages[st.current]
        following = self.plan.stages[st.current + 1]
        needed = self.needed(st.current)
        words = f"Easy practices at this stage: {len(st.easy_days)} of {needed}, on different days"
        if following.requires_consistent_comfort:
            words += (
                f". {following.title} opens once comfort here is consistent: {needed} easy "
                "practices with no spike between them"
            )
        if stage.min_days:
            words += (
                f"; and at least {stage.min_days} days of practice at this stage "
                f"({self.days_at_stage()} so far)"
            )
        return words + "."

    def next_log(self, flags: list[Observation], awaiting: list[Practice]) -> str:
        if flags:
            return "After your evaluation: softpace clear-flags --evaluated"
        steps = []
        if awaiting:
            day = max(p.on for p in awaiting)
            later = any(day < p.on < self.as_of for p in self.practices)
            date_flag = f" --date {(day + timedelta(1)).isoformat()}" if later else ""
            steps.append(
                f"rate the day after your {day.isoformat()} practice: "
                f"softpace log --after N{date_flag}"
            )
        if any(p.on == self.as_of for p in self.practices):
            steps.append("tomorrow, rate how today's practice settled: softpace log --after N")
        else:
            steps.append("after today's practice: softpace log --during N (N from 0 to 10)")
        text = "; then ".join(steps)
        return text[0].upper() + text[1:]


def _practice_key(p: Practice) -> tuple[date, int]:
    return (p.on, p.id)
