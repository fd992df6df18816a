"""Issue 11, checked on the compiled script of every stage, variant and modifier mix.

Speech lengths come from the words-per-minute model `estimate_measure` at the voice's
assumed rate (ASSUMED_VOICE_WPM, espeak's measured rate) and at a slower 120 wpm, so the
checks hold for a slower voice too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from itertools import combinations, pairwise
from typing import Any

import pytest

from softpace.plan import Variant, load_plan
from softpace.script.environment import spoken_number
from softpace.script.narration import (
    ASSUMED_VOICE_WPM,
    SessionOptions,
    build_timeline,
    estimate_measure,
)
from softpace.script.pace import repeated_sentences, wordless_gaps, words_per_minute
from softpace.timeline import Timeline

PLAN = load_plan()
MODIFIERS = tuple(m.id for m in PLAN.troubleshooting)
MIXES = [frozenset(c) for k in range(len(MODIFIERS) + 1) for c in combinations(MODIFIERS, k)]
# Every stage, variant and modifier mix at the voice's rate; a slower voice on a sample.
CASES = [
    (stage.id, variant, mix, ASSUMED_VOICE_WPM)
    for stage in PLAN.stages
    for variant in Variant
    for mix in MIXES
]
CASES += [(stage_id, variant, mix, 120.0) for stage_id, variant, mix, _ in CASES[::9]]
Case = tuple[str, Variant, frozenset[str], float]
MAX_QUIET_S = 60.0  # unannounced
MAX_ANNOUNCED_QUIET_S = 180.0
MAX_REPEATS = 12


@cache
def timeline(stage_id: str, variant: Variant, mix: frozenset[str], wpm: float) -> Timeline:
    options = SessionOptions(variant=variant, day=date(2026, 12, 1)).for_symptoms(mix)
    return build_timeline(PLAN, PLAN.stage(stage_id), options, estimate_measure(wpm))


def case_id(case: Case) -> str:
    stage_id, variant, mix, wpm = case
    return f"{stage_id}-{variant.value}-{'+'.join(sorted(mix)) or 'plain'}-{wpm:g}"


def is_exposure(stage_id: str) -> bool:
    return any(ex.kind == "step" for ex in PLAN.stage_exercises(PLAN.stage(stage_id)))


def said_in(t: Timeline, segment: str, until_s: float | None = None) -> str:
    return " ".join(
        e.text or ""
        for e in t.speech()
        if e.segment == segment and (until_s is None or e.start_s < until_s)
    )


def has_rule(text: str) -> bool:
    """The discomfort rule with its anchors: the word, the limit, the scale and both ends."""
    rule = PLAN.comfort_rule
    lowered = text.lower()
    return (
        "discomfort" in lowered
        and spoken_number(rule.max_discomfort) in lowered
        and spoken_number(rule.scale_max) in lowered
        and rule.low_anchor in lowered
        and rule.high_anchor in lowered
    )


def has_red_flags(text: str) -> bool:
    lowered = text.lower()
    flags = [f.spoken.lower() for f in PLAN.red_flags if f.spoken]
    return bool(flags) and all(f in lowered for f in flags) and PLAN.referral in text


EXPOSURE_CASES = [c for c in CASES if is_exposure(c[0])]


def run_all(cases: list[Case], check: Callable[[Case], None]) -> None:
    for case in cases:
        try:
            check(case)
        except AssertionError as exc:
            raise AssertionError(f"{case_id(case)}: {exc}") from exc


def each(cases: list[Case]) -> list[Any]:
    """One test per stage; each loops over that stage's cases (fast, and clear on failure)."""
    stages = dict.fromkeys(c[0] for c in cases)
    return [pytest.param([c for c in cases if c[0] == s], id=s) for s in stages]


@pytest.mark.parametrize("cases", each(EXPOSURE_CASES))
def test_red_flags_and_referral_in_the_opening_and_before_the_first_touch(cases) -> None:
    run_all(cases, _red_flags_and_referral_in_the_opening_and_before_the_first_touch)


def _red_flags_and_referral_in_the_opening_and_before_the_first_touch(case: Case) -> None:
    t = timeline(*case)
    assert has_red_flags(said_in(t, "opening"))
    first = next(s for s in t.segments if PLAN.exercise_kind(s.id) == "step")
    first_hold = next((e.start_s for e in t.events if e.kind == "hold"), None)
    assert has_red_flags(said_in(t, first.id, first_hold))


@pytest.mark.parametrize("cases", each(EXPOSURE_CASES))
def test_discomfort_rule_with_anchors_opens_every_exposure_block(cases) -> None:
    run_all(cases, _discomfort_rule_with_anchors_opens_every_exposure_block)


def _discomfort_rule_with_anchors_opens_every_exposure_block(case: Case) -> None:
    t = timeline(*case)
    for segment in t.segments:
        if PLAN.exercise_kind(segment.id) != "step":
            continue
        holds = [e for e in t.events if e.kind == "hold" and e.segment == segment.id]
        before = holds[0].start_s if holds else segment.start_s + 90
        assert has_rule(said_in(t, segment.id, before)), segment.id


@pytest.mark.parametrize("cases", each(CASES))
def test_discomfort_rule_with_anchors_inside_every_hold_over_a_minute(cases) -> None:
    run_all(cases, _discomfort_rule_with_anchors_inside_every_hold_over_a_minute)


def _discomfort_rule_with_anchors_inside_every_hold_over_a_minute(case: Case) -> None:
    t = timeline(*case)
    for hold in (e for e in t.events if e.kind == "hold" and e.end_s - e.start_s > 60):
        inside = " ".join(
            e.text or "" for e in t.speech() if hold.start_s <= e.start_s < hold.end_s
        )
        assert has_rule(inside), (hold.segment, hold.start_s)


@pytest.mark.parametrize("cases", each(CASES))
def test_the_close_asks_for_discomfort_with_its_anchors_in_the_log_words(cases) -> None:
    run_all(cases, _the_close_asks_for_discomfort_with_its_anchors_in_the_log_words)


def _the_close_asks_for_discomfort_with_its_anchors_in_the_log_words(case: Case) -> None:
    close = said_in(timeline(*case), "close").lower()
    rule = PLAN.comfort_rule
    asked = f"discomfort during it, from zero, {rule.low_anchor}, to "
    assert asked in close and f"{spoken_number(rule.scale_max)}, {rule.high_anchor}" in close
    assert "comfort from" not in close.lower()  # the old inverted "rate your comfort" question


@pytest.mark.parametrize("cases", each(CASES))
def test_no_unannounced_wordless_gap_over_a_minute(cases) -> None:
    run_all(cases, _no_unannounced_wordless_gap_over_a_minute)


def _no_unannounced_wordless_gap_over_a_minute(case: Case) -> None:
    t = timeline(*case)
    bells = [e.start_s for e in t.events if e.kind == "bell"]
    for gap in wordless_gaps(t):
        where = f"{gap.seconds:.0f} s of quiet from {gap.start_s:.0f} s"
        assert gap.seconds <= MAX_ANNOUNCED_QUIET_S, where
        if gap.seconds <= MAX_QUIET_S:
            continue
        announced = gap.before is not None and "bell" in (gap.before.text or "").lower()
        if not announced and gap.before is not None:
            earlier = said_in(t, gap.before.segment, gap.start_s).lower()
            announced = "quiet" in earlier and "bell" in earlier
        assert announced, f"{where} was not announced"
        assert any(abs(b - gap.end_s) < 3.5 for b in bells), f"{where} does not end with a bell"


@pytest.mark.parametrize("cases", each(CASES))
def test_no_sentence_over_two_words_said_more_than_twelve_times(cases) -> None:
    run_all(cases, _no_sentence_over_two_words_said_more_than_twelve_times)


def _no_sentence_over_two_words_said_more_than_twelve_times(case: Case) -> None:
    most = repeated_sentences(timeline(*case))[:1]
    assert not most or most[0][1] <= MAX_REPEATS, most


@pytest.mark.parametrize("stage_id", PLAN.stage_ids)
def test_talking_pace_is_about_120_words_a_minute(stage_id) -> None:
    t = timeline(stage_id, Variant.STANDARD, frozenset(), ASSUMED_VOICE_WPM)
    assert 100 <= words_per_minute(t) <= 125


@pytest.mark.parametrize("cases", each(CASES[::3]))
def test_at_least_a_second_between_sentences(cases) -> None:
    run_all(cases, _at_least_a_second_between_sentences)


def _at_least_a_second_between_sentences(case: Case) -> None:
    speech = timeline(*case).speech()
    for a, b in pairwise(speech):
        if b.start_s < a.end_s + 1.0 - 1e-9:
            # only breath words and countdowns may follow closer: their beat is the breath
            assert "[breath words]" in (a.origin or "") + (b.origin or ""), (a.text, b.text)


@pytest.mark.parametrize("cases", each(CASES[::3]))
def test_no_written_forms_are_read_out(cases) -> None:
    run_all(cases, _no_written_forms_are_read_out)


def _no_written_forms_are_read_out(case: Case) -> None:
    said = " ".join(e.text or "" for e in timeline(*case).speech())
    for written in ("/10", " cm", "90/90", "Figure-4", "1-2", "e.g.", " id "):
        assert written not in said, written
    assert not [w for w in said.split() if any(c.isdigit() for c in w)]
