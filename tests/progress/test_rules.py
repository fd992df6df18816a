"""The rules engine, driven by a table of scenarios: a log in, the Decision out.

Days are offsets from D0. A practice is written P(day, stage, during, next_day), its
next-day rating given the day after unless `rated_on` says otherwise.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from softpace.plan import Variant, load_plan
from softpace.progress import (
    Action,
    ComfortLog,
    Evaluation,
    Kind,
    Observation,
    Practice,
    decide,
)

D0 = date(2026, 3, 1)
STAGES = load_plan().stage_ids
S1, S2, S3, S4, S5, S6 = STAGES
_ids = itertools.count(1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def stamp(n: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 1, 12, minute, tzinfo=UTC) + timedelta(days=n)


def P(n: int, stage: str, during: int, after: int | None = None, rated_on: int | None = None):
    return Practice(
        id=next(_ids),
        on=day(n),
        stage=stage,
        during=during,
        next_day=after,
        next_day_on=None if after is None else day(n + 1 if rated_on is None else rated_on),
    )


def easy(stage: str, *days: int) -> list[Practice]:
    return [P(n, stage, 1, 1) for n in days]


def flag(n: int, slug: str = "bleeding", practice: Practice | None = None, minute: int = 0):
    return Observation(
        id=next(_ids),
        on=day(n),
        kind=Kind.RED_FLAG,
        slug=slug,
        logged_at=stamp(n, minute),
        practice_id=practice.id if practice else None,
    )


def symptom(n: int, slug: str) -> Observation:
    return Observation(id=next(_ids), on=day(n), kind=Kind.SYMPTOM, slug=slug, logged_at=stamp(n))


def evaluated(n: int, minute: int = 30) -> Evaluation:
    return Evaluation(id=next(_ids), on=day(n), logged_at=stamp(n, minute))


# The 2-week schedule, every practice easy: stage k is reached on these days.
SCHEDULE = {S1: (0, 1, 2), S2: (3, 4, 5), S3: (6, 7, 8, 9), S4: (10, 11, 12, 13)}
REACHED_ON = {S1: 0, S2: 3, S3: 6, S4: 10, S5: 14}


def path_to(stage: str) -> list[Practice]:
    """Easy practices that bring the user to `stage` (following the 2-week schedule)."""
    out: list[Practice] = []
    for s in STAGES[: STAGES.index(stage)]:
        if s == S5:
            out += easy(S5, 14, 15, 16, 17, 18)
        else:
            out += easy(s, *SCHEDULE[s])
    return out


@dataclass
class Scenario:
    name: str
    practices: list[Practice]
    as_of: int
    stage: str
    action: Action
    streak: int | None = None
    variant: Variant = Variant.STANDARD
    observations: list[Observation] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    physio: bool = False
    returning_to: str | None = None
    modifiers: frozenset[str] = frozenset()
    flags: tuple[str, ...] = ()


def _spike_at(stage: str) -> Scenario:
    start = REACHED_ON.get(stage, 19)
    before = STAGES[max(0, STAGES.index(stage) - 1)]
    return Scenario(
        f"a spike at {stage} steps back to {before}",
        [*path_to(stage), P(start, stage, 4)],
        start,
        before,
        Action.STEP_BACK if stage != S1 else Action.STAY,
        streak=0,
        variant=Variant.SHORT,
        returning_to=stage if stage != S1 else None,
    )


def _return_to(stage: str) -> Scenario:
    start = REACHED_ON.get(stage, 19)
    before = STAGES[STAGES.index(stage) - 1]
    return Scenario(
        f"after a spike at {stage}, one easy practice a day later returns to it",
        [*path_to(stage), P(start, stage, 3), P(start + 1, before, 1, 1)],
        start + 2,
        stage,
        Action.ADVANCE,
        streak=0,
    )


def _advance_out_of(stage: str) -> Scenario:
    index = STAGES.index(stage)
    following = STAGES[index + 1]
    last = path_to(following)
    return Scenario(
        f"easy practices advance out of {stage} into {following}",
        last,
        last[-1].on.toordinal() - D0.toordinal() + 1,
        following,
        Action.ADVANCE,
        streak=0,
    )


SCENARIOS = [
    Scenario("first day: nothing logged", [], 0, S1, Action.START, streak=0),
    Scenario("a practice today is not rated yet", [P(0, S1, 1)], 0, S1, Action.STAY, streak=0),
    Scenario(
        "yesterday's practice without a rating is not easy",
        [P(0, S1, 1)],
        1,
        S1,
        Action.STAY,
        streak=0,
    ),
    Scenario("two easy days: stay", easy(S1, 0, 1), 2, S1, Action.STAY, streak=2),
    *[_advance_out_of(s) for s in (S1, S2, S3, S4, S5)],
    Scenario(
        "three easy practices on one day count once",
        easy(S1, 0, 0, 0),
        1,
        S1,
        Action.STAY,
        streak=1,
    ),
    Scenario(
        "the latest practice must be easy: an unrated fourth holds the advance",
        [*easy(S1, 0, 1, 2)[:2], P(2, S1, 1, 1, rated_on=4), P(3, S1, 1)],
        3,
        S1,
        Action.STAY,
        streak=2,
    ),
    Scenario(
        "a missing rating in the middle: the others still count",
        [P(0, S1, 1, 1), P(1, S1, 1), P(2, S1, 1, 0)],
        3,
        S1,
        Action.STAY,
        streak=2,
    ),
    Scenario(
        "a missing rating filled in late counts once given",
        [P(0, S1, 1, 1), P(1, S1, 1, 2, rated_on=4), P(2, S1, 1, 0)],
        4,
        S2,
        Action.ADVANCE,
        streak=0,
    ),
    Scenario(
        "shallow insertion needs 4 days: 3 easy days in a row are not enough",
        [*path_to(S3), *easy(S3, 6, 7, 8)],
        9,
        S3,
        Action.STAY,
        streak=3,
    ),
    Scenario(
        "micro-movements needs 4 days too",
        [*path_to(S4), *easy(S4, 10, 11, 12)],
        13,
        S4,
        Action.STAY,
        streak=3,
    ),
    Scenario(
        "strength stays closed after 3 easy partner practices",
        [*path_to(S5), *easy(S5, 14, 15, 16)],
        17,
        S5,
        Action.STAY,
        streak=3,
    ),
    Scenario(
        "strength stays closed when a spike breaks the run of 5",
        [*path_to(S5), *easy(S5, 14, 15, 16), P(17, S5, 3), P(18, S4, 1, 1), *easy(S5, 20, 21, 22)],
        23,
        S5,
        Action.STAY,
        streak=3,
    ),
    *[_spike_at(s) for s in STAGES],
    Scenario(
        "a spike from the next-day rating steps back too",
        [*path_to(S2), P(3, S2, 1, 4)],
        4,
        S1,
        Action.STEP_BACK,
        streak=0,
        variant=Variant.SHORT,
        returning_to=S2,
    ),
    *[_return_to(s) for s in (S2, S3, S4, S5, S6)],
    Scenario(
        "no return within 24 h: an easy practice the same day as the spike",
        [*path_to(S2), P(3, S2, 3), P(3, S1, 1, 1)],
        4,
        S1,
        Action.STAY,
        streak=1,
        variant=Variant.SHORT,
        returning_to=S2,
    ),
    Scenario(
        "a spike while stepped back steps back again",
        [*path_to(S3), P(6, S3, 4), P(7, S2, 3)],
        7,
        S1,
        Action.STEP_BACK,
        variant=Variant.SHORT,
        returning_to=S2,
    ),
    Scenario(
        "a late bad rating from before a spike is the same flare",
        [*path_to(S3), P(6, S3, 1, 5, rated_on=8), P(7, S3, 4)],
        8,
        S2,
        Action.STEP_BACK,
        variant=Variant.SHORT,
        returning_to=S3,
    ),
    Scenario(
        "a practice at another stage does not count here",
        [*easy(S1, 0, 1), P(2, S2, 1, 1)],
        3,
        S1,
        Action.STEP_BACK,
        streak=2,
    ),
    Scenario(
        "entries after the as-of day are ignored",
        [*easy(S1, 0, 1, 2), P(3, S2, 5)],
        2,
        S1,
        Action.STAY,
        streak=2,
    ),
    Scenario(
        "a red flag on a practice stops exposure",
        (ps := easy(S1, 0, 1)),
        2,
        S1,
        Action.STOP,
        observations=[flag(1, practice=ps[1])],
        flags=("bleeding",),
    ),
    Scenario(
        "a red flag logged alone stops exposure",
        easy(S1, 0),
        1,
        S1,
        Action.STOP,
        observations=[flag(1, "infection")],
        flags=("infection",),
    ),
    Scenario(
        "an evaluation after the flag clears it, and the run starts again",
        easy(S1, 0, 1, 3),
        4,
        S1,
        Action.STAY,
        streak=1,
        observations=[flag(2)],
        evaluations=[evaluated(3)],
    ),
    Scenario(
        "an evaluation logged before a same-day flag does not clear it",
        easy(S1, 0),
        2,
        S1,
        Action.STOP,
        observations=[flag(2, minute=40)],
        evaluations=[evaluated(2, minute=10)],
        flags=("bleeding",),
    ),
    Scenario(
        "a flag after the as-of day is not seen yet",
        easy(S1, 0),
        1,
        S1,
        Action.STAY,
        streak=1,
        observations=[flag(3)],
    ),
    Scenario(
        "28 days without an advance suggests a physiotherapist",
        [P(0, S1, 1, 1), *[P(n, S1, 3) for n in range(1, 28, 3)]],
        28,
        S1,
        Action.STAY,
        variant=Variant.SHORT,
        physio=True,
    ),
    Scenario(
        "27 days is not a stall yet",
        [P(0, S1, 1, 1), *[P(n, S1, 3) for n in range(1, 27, 3)]],
        27,
        S1,
        Action.STAY,
        variant=Variant.SHORT,
    ),
    Scenario(
        "the last stage never stalls", [*path_to(S6), *easy(S6, 20, 40, 60)], 61, S6, Action.STAY
    ),
    Scenario(
        "symptoms from the last 3 days adapt the session; soreness shortens it",
        easy(S1, 0, 1),
        4,
        S1,
        Action.STAY,
        variant=Variant.SHORT,
        observations=[symptom(1, "clench"), symptom(2, "soreness"), symptom(4, "burning")],
        modifiers=frozenset({"soreness", "burning"}),
    ),
    Scenario(
        "fear shortens the session",
        easy(S1, 0),
        1,
        S1,
        Action.STAY,
        variant=Variant.SHORT,
        observations=[symptom(1, "fear")],
        modifiers=frozenset({"fear"}),
    ),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[c.name for c in SCENARIOS])
def test_scenario(plan, case: Scenario) -> None:
    log = ComfortLog(tuple(case.practices), tuple(case.observations), tuple(case.evaluations))
    decision = decide(log, plan, day(case.as_of))
    assert (decision.stage, decision.action) == (case.stage, case.action), decision.reasons
    if case.streak is not None:
        assert decision.easy_streak == case.streak, decision.reasons
    assert decision.variant is case.variant, decision.reasons
    assert decision.suggest_physio is case.physio
    assert decision.returning_to == case.returning_to
    assert decision.modifiers == case.modifiers
    assert decision.red_flags == case.flags
    assert decision.reasons and all(r.strip() for r in decision.reasons)


def test_there_are_at_least_25_scenarios() -> None:
    assert len(SCENARIOS) >= 25


def test_the_two_week_schedule_reaches_partner_progression_on_day_15(plan) -> None:
    log = ComfortLog(tuple(path_to(S5)))
    moves = decide(log, plan, day(14)).moves
    assert [(m.on, m.stage) for m in moves] == [
        (day(3), S2),
        (day(6), S3),
        (day(10), S4),
        (day(14), S5),
    ]


def test_a_stop_names_the_clinician_and_how_to_clear(plan) -> None:
    log = ComfortLog(tuple(easy(S1, 0)), (flag(1, "sharp-pain"),))
    decision = decide(log, plan, day(1))
    text = " ".join(decision.reasons)
    assert "pelvic health physiotherapist" in text
    assert "sharp, escalating pain" in text
    assert "softpace clear-flags --evaluated" in decision.next_log


def test_awaiting_rating_says_what_to_log(plan) -> None:
    practices = (P(0, S1, 1), P(1, S1, 1, 1))
    decision = decide(ComfortLog(practices), plan, day(3))
    assert decision.awaiting_next_day == (practices[0].id,)
    assert "softpace log --after N --date 2026-03-02" in decision.next_log


def test_after_practising_today_it_asks_for_tomorrows_rating(plan) -> None:
    decision = decide(ComfortLog((P(0, S1, 1),)), plan, day(0))
    assert "tomorrow" in decision.next_log.lower()


def test_json_has_the_contract_keys(plan) -> None:
    data = decide(ComfortLog(tuple(easy(S1, 0, 1, 2))), plan, day(3)).to_json_dict()
    assert {"stage", "action", "reasons", "easy_streak", "days_at_stage"} <= data.keys()
    assert data["stage"] == S2 and data["action"] == "advance"
    assert isinstance(data["reasons"], list)


def test_the_engine_is_pure(plan) -> None:
    log = ComfortLog(tuple(easy(S1, 0, 1)), (symptom(1, "clench"),))
    assert decide(log, plan, day(2)) == decide(log, plan, day(2))


def test_todays_practice_awaits_its_next_day_rating(plan) -> None:
    practices = (P(0, S1, 1, 1), P(1, S1, 1))
    decision = decide(ComfortLog(practices), plan, day(1))
    assert decision.awaiting_next_day == (practices[1].id,)
    assert "tomorrow" in decision.next_log.lower()
    assert not any("no next-day rating" in r for r in decision.reasons)  # not overdue yet


def test_easy_practices_at_stage_counts_this_runs_easy_practices(plan) -> None:
    log = ComfortLog((*easy(S1, 0, 1), P(1, S1, 2, 1), P(2, S1, 1)))
    decision = decide(log, plan, day(2))
    assert decision.stage == S1
    assert decision.easy_practices_at_stage == 3 and decision.easy_streak == 2
    assert decide(ComfortLog(tuple(easy(S1, 0, 1, 2))), plan, day(3)).easy_practices_at_stage == 0


def test_moves_carry_typed_reasons_and_spikes(plan) -> None:
    from softpace.progress.model import MoveReason, SpikeWhen

    log = ComfortLog((*path_to(S2), P(3, S2, 5), P(4, S1, 1, 1), P(6, S1, 1, 1)))
    moves = decide(log, plan, day(8)).moves
    assert [m.reason for m in moves] == [
        MoveReason.EASY_PRACTICES,
        MoveReason.SPIKE,
        MoveReason.RETURN,
    ]
    spike = moves[1].spike
    assert spike is not None and (spike.value, spike.when) == (5, SpikeWhen.DURING)


def test_the_scale_in_the_words_comes_from_the_plan(plan) -> None:
    from dataclasses import replace

    wide = replace(plan, comfort_rule=replace(plan.comfort_rule, scale_max=20))
    log = ComfortLog((P(0, S1, 9),))
    text = " ".join(decide(log, wide, day(0)).reasons) + decide(log, wide, day(1)).next_log
    assert "9/20" in text and "/10" not in text
    assert "0 to 20" in decide(ComfortLog(), wide, day(0)).next_log


def test_shorter_sessions_follow_the_plans_modifier_table(plan) -> None:
    from dataclasses import replace

    log = ComfortLog(tuple(easy(S1, 0)), (symptom(1, "clench"),))
    assert decide(log, plan, day(1)).variant is Variant.STANDARD
    table = tuple(replace(m, shorter=True) if m.id == "clench" else m for m in plan.troubleshooting)
    assert decide(log, replace(plan, troubleshooting=table), day(1)).variant is Variant.SHORT
