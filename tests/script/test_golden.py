"""Golden scripts and one compact timeline, with the words-per-minute speech estimate.

The scripts are what a reviewer reads aloud; the timeline golden is the JSON contract in
a compact form (one line per segment and per speech event; breath runs summarised).
Update: see conftest.py (an update fails the run, so a golden can never pass by itself).
"""

from __future__ import annotations

from datetime import date

import pytest

from softpace.plan import Variant
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure
from softpace.script.printing import format_script
from softpace.timeline import Timeline
from tests.script.conftest import check_golden

DAY = date(2026, 12, 1)
CASES = [
    ("external-mapping", SessionOptions()),
    ("entrance-contact", SessionOptions()),
    ("shallow-insertion", SessionOptions()),
    ("micro-movements", SessionOptions()),
    ("partner-progression", SessionOptions()),
    ("gentle-strength", SessionOptions()),
    ("entrance-contact", SessionOptions(variant=Variant.SHORT)),
    ("entrance-contact", SessionOptions(day=DAY, easy_practices=2)),
    ("gentle-strength", SessionOptions(inhale_s=10, exhale_s=10)),
    (
        "shallow-insertion",
        SessionOptions(variant=Variant.SHORT).for_symptoms({"soreness", "burning"}),
    ),
    ("micro-movements", SessionOptions().for_symptoms({"clench", "movement-hurts", "fear"})),
]


def _name(stage_id: str, options: SessionOptions) -> str:
    suffix = ""
    if (options.variant, options.inhale_s, options.exhale_s) != (Variant.STANDARD, 4.0, 6.0):
        suffix = f"-{options.variant.value}-{options.inhale_s:g}-{options.exhale_s:g}"
    if options.day is not None:
        suffix += f"-{options.day.isoformat()}"
    if options.easy_practices:
        suffix += f"-easy{options.easy_practices}"
    if options.modifiers:
        suffix += "+" + "+".join(sorted(options.modifiers))
    return f"{stage_id}{suffix}.txt"


@pytest.mark.parametrize(("stage_id", "options"), CASES, ids=[_name(*c) for c in CASES])
def test_script_matches_golden(plan, golden, stage_id, options):
    timeline = build_timeline(plan, plan.stage(stage_id), options, estimate_measure())
    golden(f"script/{_name(stage_id, options)}", format_script(timeline))


def compact_timeline(timeline: Timeline) -> str:
    """The timeline's JSON, compact: header, segments, then speech, bells and holds one a
    line; unbroken runs of breath (inhale, exhale, ...) one line each with their cycles."""
    data = timeline.to_json_dict()
    lines = [
        f"stage {data['stage']} | {data['title']} | {data['duration_s']} s | "
        f"{data['sample_rate_hz']} Hz | breath {data['breath']['inhale_s']:g}/"
        f"{data['breath']['exhale_s']:g} s"
    ]
    for segment in data["segments"]:
        lines.append(
            f"== {segment['id']} {segment['start_s']}-{segment['end_s']} {segment['title']}"
        )
        inside = [e for e in data["events"] if e["segment"] == segment["id"]]
        rows: list[tuple[float, str]] = []
        runs: list[list[float]] = []  # [start, end, inhales]
        for e in inside:
            if e["kind"] not in ("inhale", "exhale"):
                text = f" {e['text']}" if "text" in e else ""
                rows.append((e["start_s"], f"{e['start_s']}-{e['end_s']} {e['kind']}{text}"))
            elif runs and runs[-1][1] == e["start_s"]:
                runs[-1][1] = e["end_s"]
                runs[-1][2] += e["kind"] == "inhale"
            else:
                runs.append([e["start_s"], e["end_s"], float(e["kind"] == "inhale")])
        rows += [(a, f"{a}-{b} breath x{n:g}") for a, b, n in runs]
        lines += [f"   {row}" for _, row in sorted(rows, key=lambda r: r[0])]
    return "\n".join(lines) + "\n"


def test_timeline_json_matches_golden(plan, golden):
    options = SessionOptions(day=DAY)
    timeline = build_timeline(plan, plan.stage("entrance-contact"), options, estimate_measure())
    golden("timeline/entrance-contact.txt", compact_timeline(timeline))


def test_timeline_json_reads_back(plan):
    timeline = build_timeline(
        plan, plan.stage("entrance-contact"), SessionOptions(), estimate_measure()
    )
    again = Timeline.from_json_dict(timeline.to_json_dict())
    assert again.to_json_dict() == timeline.to_json_dict()


def test_a_golden_in_update_mode_fails_the_run(tmp_path):
    path = tmp_path / "script" / "x.txt"
    with pytest.raises(pytest.fail.Exception, match="updated"):
        check_golden(path, "said\n", update=True)
    assert path.read_text("utf-8") == "said\n"
    check_golden(path, "said\n", update=False)  # a match passes
    with pytest.raises(AssertionError, match="differs"):
        check_golden(path, "changed\n", update=False)
    with pytest.raises(AssertionError, match="no golden file"):
        check_golden(tmp_path / "missing.txt", "said\n", update=False)
