"""Golden scripts: the timed text of every stage, with a fixed-rate speech estimate.

Regenerate after an intended change with SOFTPACE_UPDATE_GOLDEN=1 pytest tests/script.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from softpace.plan import Variant
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure
from softpace.script.printing import format_script

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = [
    ("external-mapping", SessionOptions()),
    ("entrance-contact", SessionOptions()),
    ("shallow-insertion", SessionOptions()),
    ("micro-movements", SessionOptions()),
    ("partner-progression", SessionOptions()),
    ("gentle-strength", SessionOptions()),
    ("entrance-contact", SessionOptions(variant=Variant.SHORT)),
    ("gentle-strength", SessionOptions(inhale_s=10, exhale_s=10)),
    (
        "shallow-insertion",
        SessionOptions(variant=Variant.SHORT).for_symptoms({"soreness", "burning"}),
    ),
    ("micro-movements", SessionOptions().for_symptoms({"clench", "movement-hurts", "fear"})),
]


def _name(stage_id: str, options: SessionOptions) -> str:
    suffix = (
        ""
        if options == SessionOptions()
        else (f"-{options.variant.value}-{options.inhale_s:g}-{options.exhale_s:g}")
    )
    if options.modifiers:
        suffix += "+" + "+".join(sorted(options.modifiers))
    return f"{stage_id}{suffix}.txt"


@pytest.mark.parametrize(("stage_id", "options"), CASES, ids=[_name(*c) for c in CASES])
def test_script_matches_golden(plan, stage_id, options):
    timeline = build_timeline(plan, plan.stage(stage_id), options, estimate_measure(135))
    text = format_script(timeline)
    path = GOLDEN / "script" / _name(stage_id, options)
    if os.environ.get("SOFTPACE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path}; run with SOFTPACE_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8")


def test_timeline_json_matches_golden(plan):
    timeline = build_timeline(
        plan, plan.stage("entrance-contact"), SessionOptions(), estimate_measure(135)
    )
    path = GOLDEN / "timeline" / "entrance-contact.json"
    if os.environ.get("SOFTPACE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(timeline.to_json(), "utf-8")
    assert timeline.to_json() == path.read_text("utf-8")
