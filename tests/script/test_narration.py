"""Symptom modifiers: what each changes in a session, and that every mix still fits."""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest

from softpace.plan import Variant
from softpace.script.narration import (
    CLENCH_PROMPT,
    SessionOptions,
    build_timeline,
    estimate_measure,
    session_blocks,
    session_length_s,
)

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


def test_burning_slows_the_breath_and_suggests_side_lying(plan) -> None:
    options = SessionOptions().for_symptoms({"burning"})
    assert (options.inhale_s, options.exhale_s) == (5.0, 7.5)
    assert SessionOptions(inhale_s=9, exhale_s=10).for_symptoms({"burning"}).exhale_s == 10
    said = " ".join(_said(_timeline(plan, "entrance-contact", options)))
    assert "side" in said and "even more than usual" in said


def test_clench_puts_a_hum_or_sigh_on_exhales_but_never_over_a_countdown(plan) -> None:
    timeline = _timeline(plan, "shallow-insertion", SessionOptions().for_symptoms({"clench"}))
    prompts = [e for e in timeline.events if e.text == CLENCH_PROMPT]
    exhales = [e for e in timeline.events if e.kind == "exhale"]
    assert len(prompts) > len(exhales) / 2
    exhale_starts = {e.start_n for e in exhales}
    assert all(p.start_n in exhale_starts for p in prompts)
    speech = sorted(timeline.speech(), key=lambda e: e.start_n)
    for before, after in pairwise(speech):
        assert before.end_n <= after.start_n, (before.text, after.text)


def test_clench_at_a_quick_pace_uses_one_word(plan) -> None:
    options = SessionOptions(inhale_s=2, exhale_s=2.5).for_symptoms({"clench"})
    assert options.exhale_prompt == "Sigh."


def test_soreness_keeps_hip_openers_and_warmth_long_with_all_poses(plan) -> None:
    stage = plan.stage("shallow-insertion")
    options = SessionOptions(variant=Variant.SHORT).for_symptoms({"soreness"})
    blocks = {b.id: b for b in session_blocks(plan, stage, options)}
    hips = plan.exercise("hip-openers")
    assert blocks["hip-openers"].duration_s == hips.duration_s(Variant.STANDARD)
    assert blocks["shallow-insertion"].duration_s == plan.exercise("shallow-insertion").duration_s(
        Variant.SHORT
    )
    said = " ".join(_said(_timeline(plan, "shallow-insertion", options)))
    assert "Three gentle poses" in said
    assert "go back to the last step that felt easy" in said


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
