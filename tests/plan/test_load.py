from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from softpace.errors import PlanError, UnknownStageError
from softpace.plan import Variant, builtin_plan_path, load_plan, parse_plan

EXPECTED_STAGES = (
    "external-mapping",
    "entrance-contact",
    "shallow-insertion",
    "micro-movements",
    "partner-progression",
    "gentle-strength",
)


def test_builtin_plan_has_every_stage_in_order(plan):
    assert plan.stage_ids == EXPECTED_STAGES
    assert [s.number for s in plan.stages] == [1, 2, 3, 4, 5, 6]
    assert [s.min_days for s in plan.stages[:4]] == [3, 3, 4, 4]


def test_circuit_matches_the_source_plan(plan):
    circuit = [e for e in plan.exercises if e.kind == "circuit"]
    assert [e.id for e in circuit] == [
        "diaphragm-breath",
        "jaw-pelvic-pairing",
        "hip-openers",
        "reverse-kegels",
        "warmth-and-lubrication",
    ]
    minutes = {e.id: (e.minutes.low, e.minutes.high) for e in circuit}
    assert minutes == {
        "diaphragm-breath": (3, 3),
        "jaw-pelvic-pairing": (2, 2),
        "hip-openers": (3, 4),
        "reverse-kegels": (2, 2),
        "warmth-and-lubrication": (1, 3),
    }
    hips = plan.exercise("hip-openers")
    assert hips.choose == 2 and {o.id for o in hips.options} == {
        "childs-pose",
        "happy-baby",
        "figure-four",
    }
    assert plan.exercise("diaphragm-breath").cue == "Inhale widen, exhale soften."


def test_steps_carry_their_holds(plan):
    steps = {e.number: e for e in plan.exercises if e.kind == "step"}
    assert sorted(steps) == [1, 2, 3, 4, 5, 6]
    assert (steps[1].settle_s.low, steps[1].settle_s.high) == (30, 60)
    assert (steps[2].hold_s.low, steps[2].hold_s.high) == (30, 60)
    assert (steps[3].hold_s.low, steps[3].hold_s.high) == (20, 30)
    assert steps[3].repeats.high == 3
    assert (steps[4].hold_s.low, steps[4].hold_s.high) == (60, 180)
    assert (steps[6].check_in_s.low, steps[6].check_in_s.high) == (30, 60)


def test_rules_symptoms_and_red_flags_are_data(plan):
    assert plan.comfort_rule.max_discomfort == 2
    assert {i.id for i in plan.troubleshooting} == {
        "burning",
        "clench",
        "movement-hurts",
        "fear",
        "soreness",
    }
    assert {"bleeding", "infection", "bulge", "sharp-pain", "pain-not-settling"} <= {
        i.id for i in plan.red_flags
    }
    strength = plan.stage("gentle-strength")
    assert strength.requires_consistent_comfort
    assert plan.stages[-1] is strength


def test_session_lengths_follow_the_variant(plan):
    stage = plan.stage("entrance-contact")
    assert plan.session_length_s(stage, Variant.SHORT) < plan.session_length_s(stage)
    # circuit 14 min + step 5 min (the top of each range) + opening and close
    assert plan.session_length_s(stage) == 14 * 60 + 5 * 60 + plan.opening_s + plan.close_s


def test_unknown_stage_lists_valid_ids(plan):
    with pytest.raises(UnknownStageError) as err:
        plan.stage("dilators")
    assert "dilators" in str(err.value)
    for stage_id in EXPECTED_STAGES:
        assert stage_id in str(err.value)


def _builtin_text() -> str:
    return builtin_plan_path().read_text("utf-8")


def _error_for(text: str) -> str:
    with pytest.raises(PlanError) as err:
        parse_plan(text, Path("my-plan.toml"))
    return str(err.value)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_toml_syntax_error_names_file_and_line():
    text = _builtin_text().replace("min_days = 3\n", "min_days = = 3\n", 1)
    message = _error_for(text)
    assert message.startswith(f"my-plan.toml:{_line_of(text, 'min_days = = 3')}:")


def test_unknown_key_names_its_line():
    text = _builtin_text().replace("min_days = 4\n", "min_days = 4\nmax_dayz = 9\n", 1)
    message = _error_for(text)
    assert message.startswith(f"my-plan.toml:{_line_of(text, 'max_dayz')}:")
    assert "max_dayz" in message and "unknown key" in message


def test_wrong_type_names_key_and_line():
    text = _builtin_text().replace("minutes = [3, 3]", 'minutes = "three"', 1)
    message = _error_for(text)
    line = _line_of(text, 'minutes = "three"')
    assert message.startswith(f"my-plan.toml:{line}:")
    assert "circuit[1].minutes" in message


def test_stage_referring_to_unknown_exercise():
    text = _builtin_text().replace('"entrance-contact"]', '"entrance-kontakt"]', 1)
    message = _error_for(text)
    assert "entrance-kontakt" in message and "stages[2].exercises" in message
    assert message.startswith(f"my-plan.toml:{_line_of(text, 'entrance-kontakt')}:")


def test_duplicate_stage_id():
    text = _builtin_text().replace(
        'id = "entrance-contact"\ntitle = "Days 4-6',
        'id = "external-mapping"\ntitle = "Days 4-6',
        1,
    )
    assert "duplicate stage id 'external-mapping'" in _error_for(text)


def test_bad_range_and_bad_slug():
    assert "0 < low <= high" in _error_for(
        _builtin_text().replace("hold_s = [30, 60]", "hold_s = [60, 30]", 1)
    )
    assert "lowercase hyphenated slug" in _error_for(
        _builtin_text().replace('id = "bleeding"', 'id = "Bleeding Badly"', 1)
    )


def test_missing_plan_file_and_missing_key(tmp_path):
    with pytest.raises(PlanError, match="cannot read"):
        load_plan(tmp_path / "nope.toml")
    text = _builtin_text().replace('cue = "Soft jaw, soft pelvic floor."\n', "", 1)
    assert "circuit[2].cue: is missing" in _error_for(text)


def test_a_custom_plan_file_loads(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(_builtin_text().replace("opening_s = 165", "opening_s = 60"), "utf-8")
    assert load_plan(path).opening_s == 60


@pytest.mark.parametrize(
    ("old", "new", "key", "allowed"),
    [
        ("minutes = [3, 3]", "minutes = [nan, 3]", "circuit[1].minutes", "0 < low <= high"),
        ("minutes = [3, 3]", "minutes = [3, inf]", "circuit[1].minutes", "finite"),
        ("minutes = [3, 3]", "minutes = [-3, 3]", "circuit[1].minutes", "0 < low <= high"),
        ("inhale_s = 4.0", "inhale_s = nan", "breath.inhale_s", "finite number of at least 1"),
        ("opening_s = 165", "opening_s = inf", "session.opening_s", "at least 10"),
        ("close_s = 90", "close_s = -5", "session.close_s", "at least 10"),
        (
            "max_discomfort = 2",
            "max_discomfort = 11",
            "comfort_rule.max_discomfort",
            "from 0 to 9",
        ),
        ("max_discomfort = 2", "max_discomfort = -1", "comfort_rule.max_discomfort", "least 0"),
        ("max_discomfort = 2", "max_discomfort = 2.5", "comfort_rule.max_discomfort", "whole"),
        ("hold_s = [60, 180]", "hold_s = [60, 400]", "steps[4].hold_s", "less than 360 s"),
        ("hold_s = [30, 60]", "hold_s = [30, 200]", "steps[2].hold_s", "less than 150 s"),
        ("breath_factor = 1.25", "breath_factor = 3", "troubleshooting[1].breath_factor", "1 to 2"),
    ],
)
def test_the_plan_is_validated_on_load_naming_file_key_and_range(old, new, key, allowed):
    text = _builtin_text()
    assert old in text
    text = text.replace(old, new, 1)
    message = _error_for(text)
    assert message.startswith(f"my-plan.toml:{_line_of(text, new)}: {key}:"), message
    assert allowed in message, message


def test_modifiers_are_declared_once_in_the_plan(plan):
    modifiers = {m.id: m for m in plan.troubleshooting}
    assert set(modifiers) == {"burning", "clench", "movement-hurts", "fear", "soreness"}
    assert modifiers["burning"].breath_factor > 1
    assert {m.id for m in plan.troubleshooting if m.shorter} == {"fear", "soreness"}
    assert all(m.changes for m in plan.troubleshooting)


def test_the_scale_and_its_anchors_come_from_the_plan(tmp_path):
    text = _builtin_text().replace("scale_max = 10", "scale_max = 20")
    text = text.replace('high_anchor = "the worst you can imagine"', 'high_anchor = "unbearable"')
    rule = parse_plan(text, Path("p.toml")).comfort_rule
    assert (rule.scale_max, rule.high_anchor, rule.out_of(3)) == (20, "unbearable", "3/20")


def test_the_plan_parses_once_and_a_derived_plan_leaves_it_alone() -> None:
    """The app loads the plan for every operation, so a process parses the same file once;
    a plan made from it with `replace` has its own exercise look-up."""
    plan = load_plan()
    assert load_plan() is plan
    first = plan.exercises[0]
    derived = replace(plan, exercises=(replace(first, title="Changed"),))
    assert derived.exercise(first.id).title == "Changed"
    assert load_plan().exercise(first.id).title == first.title
