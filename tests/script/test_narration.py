"""Session options: symptom modifiers, the day, easy practices, the hip-opener choice;
and the plan's steps as the session carries them (issue 11)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations, pairwise

import pytest

from softpace.errors import OptionError
from softpace.plan import Variant
from softpace.script.narration import (
    SessionOptions,
    build_timeline,
    chosen_options,
    cue_phrasings,
    estimate_measure,
    session_blocks,
    session_length_s,
)
from softpace.script.phrasing import JAW_RELEASE, JAW_RELEASE_EVERY, JAW_RELEASE_QUICK

MODIFIERS = ("burning", "clench", "movement-hurts", "fear", "soreness")
MEASURE = estimate_measure(120)  # slower than any shipped voice


def _timeline(plan, stage_id, options):
    return build_timeline(plan, plan.stage(stage_id), options, MEASURE)


def _said(timeline) -> list[str]:
    return [e.text or "" for e in timeline.speech()]


@pytest.mark.slow
@pytest.mark.parametrize("stage_index", range(6))
@pytest.mark.parametrize("variant", list(Variant))
def test_every_mix_of_modifiers_fits_every_stage(plan, stage_index, variant) -> None:
    stage = plan.stages[stage_index]
    for size in range(len(MODIFIERS) + 1):
        for mix in combinations(MODIFIERS, size):
            options = SessionOptions(variant=variant).for_symptoms(frozenset(mix))
            timeline = build_timeline(plan, stage, options, MEASURE)
            assert timeline.duration_s == pytest.approx(session_length_s(plan, stage, options))


def test_burning_slows_the_breath_by_the_plans_factor_and_suggests_side_lying(plan) -> None:
    options = SessionOptions().for_symptoms({"burning"})
    factor = plan.modifier("burning").breath_factor
    timeline = _timeline(plan, "entrance-contact", options)
    assert (timeline.inhale_s, timeline.exhale_s) == (4.0 * factor, 6.0 * factor)
    slow = SessionOptions(inhale_s=9, exhale_s=10).for_symptoms({"burning"})
    assert slow.paced(plan).exhale_s == 10
    said = " ".join(_said(timeline))
    assert "side" in said and "even more than usual" in said


def _jaw_prompts(timeline, phrases=JAW_RELEASE):
    return [e for e in timeline.events if e.kind == "speech" and e.text in phrases]


def test_clench_pairs_the_jaw_release_with_every_few_exhales_in_varied_words(plan) -> None:
    timeline = _timeline(plan, "shallow-insertion", SessionOptions().for_symptoms({"clench"}))
    prompts = _jaw_prompts(timeline)
    exhales = [e for e in timeline.events if e.kind == "exhale"]
    assert len(exhales) / (JAW_RELEASE_EVERY + 2) < len(prompts) <= len(exhales) / JAW_RELEASE_EVERY
    assert len({p.text for p in prompts}) == len(JAW_RELEASE)
    assert all("jaw" in p.lower() or "hum" in p.lower() for p in JAW_RELEASE)
    exhale_starts = {e.start_n for e in exhales}
    assert all(p.start_n in exhale_starts for p in prompts)
    speech = sorted(timeline.speech(), key=lambda e: e.start_n)
    for before, after in pairwise(speech):
        assert before.end_n <= after.start_n, (before.text, after.text)


def test_clench_at_a_quick_pace_uses_two_words_at_most(plan) -> None:
    options = SessionOptions(inhale_s=2, exhale_s=2.5).for_symptoms({"clench"})
    prompts = _jaw_prompts(_timeline(plan, "external-mapping", options), JAW_RELEASE_QUICK)
    assert prompts and all(len((p.text or "").split()) <= 2 for p in prompts)


def test_soreness_is_shorter_and_smaller_with_all_hip_openers_and_no_exposure(plan) -> None:
    stage = plan.stage("shallow-insertion")
    options = SessionOptions(variant=Variant.SHORT).for_symptoms({"soreness"})
    blocks = {b.id: b for b in session_blocks(plan, stage, options)}
    assert blocks["hip-openers"].duration_s == plan.exercise("hip-openers").minutes.high * 60
    assert blocks["shallow-insertion"].duration_s <= 120
    timeline = _timeline(plan, "shallow-insertion", options)
    assert not [e for e in timeline.events if e.kind == "hold"]
    said = " ".join(_said(timeline))
    assert "Three gentle poses" in said and "no insertion" in said
    assert "go back to the last step that felt easy" in said
    assert session_length_s(plan, stage, options) < session_length_s(plan, stage, SessionOptions())


def test_fear_ends_with_the_journal_prompt(plan) -> None:
    timeline = _timeline(plan, "entrance-contact", SessionOptions().for_symptoms({"fear"}))
    assert _said(timeline)[-1].endswith("What felt safe today?")


def test_movement_hurts_returns_micro_movements_to_stillness(plan) -> None:
    plain = " ".join(_said(_timeline(plan, "micro-movements", SessionOptions())))
    adapted = " ".join(
        _said(_timeline(plan, "micro-movements", SessionOptions().for_symptoms({"movement-hurts"})))
    )
    assert "stillness" in adapted and "Movement has hurt lately" in adapted
    assert "Movement has hurt lately" not in plain


def test_no_modifiers_changes_nothing(plan) -> None:
    plain = _timeline(plan, "micro-movements", SessionOptions())
    assert _timeline(plan, "micro-movements", SessionOptions().for_symptoms(set())) == plain


def test_ranges_start_low_and_grow_with_easy_practices_but_short_stays_low(plan) -> None:
    stage = plan.stage("micro-movements")

    def dilator(options):
        return next(b for b in session_blocks(plan, stage, options) if b.id == "dilator")

    low, mid, top = (dilator(SessionOptions(easy_practices=n)) for n in (0, 1, 5))
    assert (low.pick("hold_s"), mid.pick("hold_s"), top.pick("hold_s")) == (60, 120, 180)
    assert low.duration_s < mid.duration_s < top.duration_s
    short = dilator(SessionOptions(variant=Variant.SHORT, easy_practices=5))
    assert short.pick("hold_s") == 60 and short.duration_s == low.duration_s
    with pytest.raises(OptionError):
        SessionOptions(easy_practices=-1)


def test_hip_openers_choose_two_of_three_rotating_by_day(plan) -> None:
    hips = plan.exercise("hip-openers")
    assert chosen_options(hips, SessionOptions()) == hips.default_choice
    start = date(2026, 12, 1)
    pairs = {chosen_options(hips, SessionOptions(day=start + timedelta(n))) for n in range(3)}
    assert len(pairs) == 3 and all(len(p) == 2 for p in pairs)
    picked = SessionOptions(hip_openers=("figure-four", "happy-baby"))
    assert chosen_options(hips, picked) == ("happy-baby", "figure-four")
    said = " ".join(_said(_timeline(plan, "external-mapping", picked)))
    assert "Happy baby." in said and "Child's pose." not in said
    for bad in (("happy-baby",), ("happy-baby", "happy-baby"), ("happy-baby", "lotus")):
        with pytest.raises(OptionError, match="childs-pose, happy-baby, figure-four"):
            chosen_options(hips, SessionOptions(hip_openers=bad))


def test_the_day_changes_the_phrasing_deterministically(plan) -> None:
    day1, day9 = date(2026, 12, 1), date(2026, 12, 9)
    first = _said(_timeline(plan, "entrance-contact", SessionOptions(day=day1)))
    again = _said(_timeline(plan, "entrance-contact", SessionOptions(day=day1)))
    later = _said(_timeline(plan, "entrance-contact", SessionOptions(day=day9)))
    assert first == again
    assert len(set(later) - set(first)) >= 10


def test_recurring_cues_have_several_phrasings(plan) -> None:
    for stage in plan.stages:
        counts = cue_phrasings(plan, stage, SessionOptions().for_symptoms({"clench"}))
        assert counts and all(n >= 2 for n in counts.values()), (stage.id, counts)


def test_entrance_contact_never_invites_going_further(plan) -> None:
    said = " ".join(_said(_timeline(plan, "entrance-contact", SessionOptions(easy_practices=5))))
    assert "as far as" not in said and "further" not in said and "deeper" not in said
    assert said.count("No pushing in.") + said.count("no pushing in") >= 1


def test_micro_movements_put_the_dilator_back_in_and_take_it_out_at_the_end(plan) -> None:
    timeline = _timeline(plan, "micro-movements", SessionOptions())
    said = [e.text or "" for e in timeline.speech() if e.segment == "micro-movements"]
    inserted = next(i for i, s in enumerate(said) if "ease the dilator back in" in s)
    removed = next(i for i, s in enumerate(said) if "remove the dilator" in s)
    moved = next(i for i, s in enumerate(said) if "smallest movements" in s)
    assert inserted < moved < removed


def test_partner_progression_warms_up_ten_minutes_checks_in_and_ends(plan) -> None:
    timeline = _timeline(plan, "partner-progression", SessionOptions())
    block = next(s for s in timeline.segments if s.id == "partner-progression")
    bells = [e for e in timeline.events if e.kind == "bell" and e.segment == block.id]
    chimes = [b for b in bells if b.text == "check-in"]
    plain = [b for b in bells if b.text is None]
    assert chimes and plain
    assert {c.end_n - c.start_n for c in chimes}.isdisjoint({b.end_n - b.start_n for b in plain})
    said = [e for e in timeline.speech() if e.segment == block.id]
    warm = next(e for e in said if "warm up together" in (e.text or ""))
    assert chimes[0].start_s - warm.start_s >= 600
    after = [e.text for e in said if e.start_s > chimes[0].start_s and e.start_s < chimes[-1].end_s]
    assert len(set(after)) >= 4
    text = " ".join(e.text or "" for e in said)
    for words in plan.exercise("partner-progression").phrases:
        assert words in text
    assert "stop word" in text and "come to an end" in text
    assert "Spooning" in text


def test_glute_bridges_do_every_set_with_announced_rests(plan) -> None:
    timeline = _timeline(plan, "gentle-strength", SessionOptions())
    said = [e.text or "" for e in timeline.speech() if e.segment == "glute-bridges"]
    assert said.count("Rise") == 20 and "Set one." in said and "Last set." in said
    assert "rest" in " ".join(said).lower() and "next set" in " ".join(said)
    lifts = [e.text for e in timeline.speech() if e.segment == "breath-and-lift"]
    assert lifts.count("Lift") == 5 * plan.exercise("breath-and-lift").sets.low


def test_the_scale_and_its_anchors_in_the_words_come_from_the_plan(plan) -> None:
    from dataclasses import replace

    rule = replace(plan.comfort_rule, scale_max=20, max_discomfort=4, high_anchor="unbearable")
    wide = replace(plan, comfort_rule=rule)
    said = " ".join(_said(_timeline(wide, "micro-movements", SessionOptions(easy_practices=2))))
    assert "to twenty, unbearable" in said and "four or" in said.lower()
    assert "ten is" not in said and ", to ten" not in said
