"""The rules engine: comfort log + plan + a day in, a Decision out. Pure: no files, no clock.

The log is replayed, in the order things became known, through a state machine with typed
states: a practice on its day, its next-day rating on the day it was given (ratings given
on a day come before that day's practices), a red flag on its day. The plan's comfort rule
decides every transition:

- a practice is *easy* when discomfort during and the next day are both within the limit;
  without a next-day rating it is not easy yet; a practice carrying a red flag never is;
- *advance* after `easy_needed` easy practices at the current stage on different days, the
  latest practice there among them, spanning at least the stage's `min_days`;
- a *spike* (above the limit, during or the next day) steps back one stage, never below the
  first; the spiking stage comes back after one easy practice at least the plan's shortest
  step-back time after the spike, and sessions are the shorter variant until then;
- a *red flag* stops exposure practice until an evaluation is logged after it;
- `stall_days` without reaching a new stage suggests a pelvic health physiotherapist.

The reasons shown to the user are rendered from the final state afterwards (reasons.py);
nothing here reads state back from words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from softpace.plan.model import Plan, Variant
from softpace.progress.model import (
    Action,
    ComfortLog,
    Decision,
    Kind,
    Move,
    MoveReason,
    Observation,
    Practice,
    Spike,
    SpikeWhen,
)
from softpace.progress.reasons import Situation, next_log, reasons


@dataclass(frozen=True)
class StageState:
    """Where the replay stands after each event (immutable; each transition returns anew)."""

    current: int = 0
    since: date | None = None  # start of the current run at this stage (entry or reset)
    first_practice_on: date | None = None  # first practice at this stage in this run
    easy_days: frozenset[date] = frozenset()
    easy_ids: frozenset[int] = frozenset()  # the easy practices themselves
    latest: Practice | None = None  # latest practice at this stage in this run
    returning_to: int | None = None
    spike: Spike | None = None  # the latest spike
    recovering: bool = False
    best: int = 0
    best_on: date | None = None
    moves: tuple[Move, ...] = ()

    def reset(self, on: date) -> StageState:
        return replace(
            self,
            since=on,
            first_practice_on=None,
            easy_days=frozenset(),
            easy_ids=frozenset(),
            latest=None,
        )


@dataclass(frozen=True)
class PracticeLogged:
    on: date
    practice: Practice


@dataclass(frozen=True)
class RatingGiven:
    on: date
    practice: Practice


@dataclass(frozen=True)
class FlagRaised:
    on: date
    flag: Observation


Event = PracticeLogged | RatingGiven | FlagRaised


def decide(log: ComfortLog, plan: Plan, as_of: date) -> Decision:
    """Where the user is on `as_of` (entries dated later are ignored) and why, in plain words."""
    machine = Machine(log, plan, as_of)
    state = machine.replay()
    return machine.decision(state)


@dataclass
class Machine:
    """The transitions, given the plan and the day; `replay` folds the log's events."""

    log: ComfortLog
    plan: Plan
    as_of: date
    practices: list[Practice] = field(init=False)
    observations: tuple[Observation, ...] = field(init=False)
    flagged: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        self.practices = sorted(
            (p for p in self.log.practices if p.on <= self.as_of), key=lambda p: (p.on, p.id)
        )
        self.observations = tuple(o for o in self.log.observations if o.on <= self.as_of)
        self.flagged = frozenset(
            o.practice_id for o in self.observations if o.kind is Kind.RED_FLAG and o.practice_id
        )
        self.limit = self.plan.comfort_rule.max_discomfort
        self.recovery_days = max(1, math.ceil(self.plan.comfort_rule.step_back_hours.low / 24))

    # -- classification -------------------------------------------------
    def easy(self, p: Practice) -> bool:
        after = p.next_day_known(self.as_of)
        return (
            p.during <= self.limit
            and after is not None
            and after <= self.limit
            and p.id not in self.flagged
        )

    def stage_id(self, index: int) -> str:
        return self.plan.stages[index].id

    def needed(self, index: int) -> int:
        return self.plan.easy_needed(self.plan.stages[index])

    # -- the replay -----------------------------------------------------
    def events(self) -> list[Event]:
        keyed: list[tuple[tuple[date, int, int], Event]] = []
        for p in self.practices:
            keyed.append(((p.on, 1, p.id), PracticeLogged(p.on, p)))
            if p.next_day_known(self.as_of) is not None and p.next_day_on is not None:
                keyed.append(((p.next_day_on, 0, p.id), RatingGiven(p.next_day_on, p)))
        for o in self.observations:
            if o.kind is Kind.RED_FLAG:
                keyed.append(((o.on, 2, o.id), FlagRaised(o.on, o)))
        return [event for _, event in sorted(keyed, key=lambda k: k[0])]

    def replay(self) -> StageState:
        state = StageState()
        if self.practices:
            first = self.practices[0].on
            state = replace(state, since=first, best_on=first)
        for event in self.events():
            state = self.step(state, event)
        return state

    def step(self, state: StageState, event: Event) -> StageState:
        if isinstance(event, PracticeLogged):
            return self.on_practice(state, event.on, event.practice)
        if isinstance(event, RatingGiven):
            return self.on_rating(state, event.on, event.practice)
        return state.reset(event.on)

    def on_practice(self, st: StageState, on: date, p: Practice) -> StageState:
        index = self.plan.index(p.stage)
        if p.during > self.limit:
            return self.spike(st, index, Spike(on, p.on, p.during, SpikeWhen.DURING))
        if index != st.current:
            return st
        first = st.first_practice_on if st.first_practice_on is not None else p.on
        return replace(st, latest=p, first_practice_on=first)

    def on_rating(self, st: StageState, on: date, p: Practice) -> StageState:
        index = self.plan.index(p.stage)
        after = p.next_day or 0
        if after > self.limit:
            # A late rating of a practice from before the last spike is the same flare.
            already = st.spike is not None and p.on < st.spike.on
            if p.during <= self.limit and not already:
                return self.spike(st, index, Spike(on, p.on, after, SpikeWhen.NEXT_DAY))
            return st
        if not self.easy(p) or index != st.current or st.since is None or p.on < st.since:
            return st
        st = replace(st, easy_days=st.easy_days | {p.on}, easy_ids=st.easy_ids | {p.id})
        if st.recovering:
            if st.spike is not None and p.on >= st.spike.on + timedelta(self.recovery_days):
                return self.recover(st, on)
            return st
        return self.maybe_advance(st, on)

    def spike(self, st: StageState, index: int, spike: Spike) -> StageState:
        spiking = min(st.current, index)
        target = max(0, spiking - 1)
        action = Action.STEP_BACK if target < spiking else Action.STAY
        move = Move(spike.on, self.stage_id(target), action, MoveReason.SPIKE, spike)
        return replace(
            st,
            returning_to=spiking if target < spiking else None,
            current=target,
            spike=spike,
            recovering=True,
            moves=(*st.moves, move),
        ).reset(spike.on)

    def recover(self, st: StageState, on: date) -> StageState:
        st = replace(st, recovering=False)
        if st.returning_to is None:
            return st
        back = st.returning_to
        move = Move(on, self.stage_id(back), Action.ADVANCE, MoveReason.RETURN)
        return replace(st, current=back, returning_to=None, moves=(*st.moves, move)).reset(on)

    def span_days(self, st: StageState) -> int:
        if st.first_practice_on is None or not st.easy_days:
            return 0
        return (max(st.easy_days) - st.first_practice_on).days + 1

    def ready(self, st: StageState) -> bool:
        return (
            not st.recovering
            and st.current + 1 < len(self.plan.stages)
            and len(st.easy_days) >= self.needed(st.current)
            and st.latest is not None
            and self.easy(st.latest)
            and self.span_days(st) >= self.plan.stages[st.current].min_days
        )

    def maybe_advance(self, st: StageState, on: date) -> StageState:
        if not self.ready(st):
            return st
        current = st.current + 1
        move = Move(on, self.stage_id(current), Action.ADVANCE, MoveReason.EASY_PRACTICES)
        best, best_on = (current, on) if current > st.best else (st.best, st.best_on)
        return replace(
            st, current=current, best=best, best_on=best_on, moves=(*st.moves, move)
        ).reset(on)

    # -- the decision ---------------------------------------------------
    def decision(self, st: StageState) -> Decision:
        stage = self.plan.stages[st.current]
        flags = self.active_flags()
        symptoms = self.recent_symptoms()
        modifiers = frozenset(o.slug for o in symptoms)
        shorter = tuple(m.id for m in self.plan.troubleshooting if m.shorter and m.id in modifiers)
        awaiting = self.awaiting(st)
        overdue = [p for p in awaiting if p.on < self.as_of]
        situation = Situation(
            plan=self.plan,
            as_of=self.as_of,
            state_stage=st.current,
            action=self.action(st, flags),
            flags=tuple(flags),
            symptoms=tuple(symptoms),
            shorter_for=shorter,
            recovering=st.recovering,
            returning_to=st.returning_to,
            spike=st.spike,
            last_move=st.moves[-1] if st.moves else None,
            last_practice_stage=self.practices[-1].stage if self.practices else None,
            easy_days=len(st.easy_days),
            easy_needed=self.needed(st.current),
            days_at_stage=self.days_at_stage(st),
            overdue=tuple(overdue),
            practised_today=any(p.on == self.as_of for p in self.practices),
            later_practice_after=tuple(p.on for p in self.practices if p.on < self.as_of),
            stalled_days=self.stalled_days(st),
        )
        return Decision(
            as_of=self.as_of,
            stage=stage.id,
            action=situation.action,
            reasons=reasons(situation),
            easy_streak=len(st.easy_days),
            easy_needed=self.needed(st.current) if st.current + 1 < len(self.plan.stages) else 0,
            days_at_stage=situation.days_at_stage,
            min_days=stage.min_days,
            variant=Variant.SHORT if st.recovering or shorter else Variant.STANDARD,
            modifiers=modifiers,
            red_flags=tuple(dict.fromkeys(o.slug for o in flags)),
            suggest_physio=situation.stalled_days is not None,
            returning_to=(self.stage_id(st.returning_to) if st.returning_to is not None else None),
            awaiting_next_day=tuple(p.id for p in awaiting),
            next_log=next_log(situation),
            moves=st.moves,
            easy_practices_at_stage=len(st.easy_ids),
        )

    def action(self, st: StageState, flags: list[Observation]) -> Action:
        if flags:
            return Action.STOP
        if not self.practices:
            return Action.START
        last = self.plan.index(self.practices[-1].stage)
        if st.current > last:
            return Action.ADVANCE
        if st.current < last:
            return Action.STEP_BACK
        return Action.STAY

    def days_at_stage(self, st: StageState) -> int:
        first = st.first_practice_on
        return 0 if first is None else (self.as_of - first).days + 1

    def active_flags(self) -> list[Observation]:
        """Red flags not followed by an evaluation (same day: the later one wins)."""
        evaluations = [e for e in self.log.evaluations if e.on <= self.as_of]
        latest = max(((e.on, e.logged_at) for e in evaluations), default=None)
        return [
            o
            for o in self.observations
            if o.kind is Kind.RED_FLAG and (latest is None or (o.on, o.logged_at) > latest)
        ]

    def recent_symptoms(self) -> list[Observation]:
        """The latest report of each symptom logged within the symptom window."""
        first = self.as_of - timedelta(self.plan.progress.symptom_window_days - 1)
        latest: dict[str, Observation] = {}
        for o in sorted(self.observations, key=lambda o: (o.on, o.logged_at)):
            if o.kind is Kind.SYMPTOM and o.on >= first:
                latest[o.slug] = o
        order = [item.id for item in self.plan.troubleshooting]
        return sorted(
            latest.values(), key=lambda o: order.index(o.slug) if o.slug in order else len(order)
        )

    def awaiting(self, st: StageState) -> list[Practice]:
        """Practices since this run began, today's included, still without a next-day rating."""
        since = st.since or self.as_of
        return [
            p
            for p in self.practices
            if since <= p.on <= self.as_of
            and p.next_day_known(self.as_of) is None
            and p.during <= self.limit
        ]

    def stalled_days(self, st: StageState) -> int | None:
        if not self.practices or st.best_on is None or st.best + 1 >= len(self.plan.stages):
            return None
        days = (self.as_of - st.best_on).days
        return days if days >= self.plan.progress.stall_days else None
