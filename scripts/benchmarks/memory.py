"""Peak memory of long sessions, as users run them: the real `softpace render` command, a
process of its own, given a plan file (`--plan`) whose one exposure step is stretched so
the session lasts 15 or 60 minutes."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from benchmarks.processes import Run, run_process, softpace_argv
from softpace.plan import Variant, load_plan
from softpace.plan.load import builtin_plan_path

STAGE = "external-mapping"
VARIANT = Variant.SHORT  # the short circuit, so that 15 minutes fits: `--short`


def long_plan_file(minutes: float, folder: Path) -> Path:
    """The built-in plan with the first stage cut to its opening, its step and its close,
    the step stretched so the session lasts about `minutes` (the step's template
    breathes through whatever time it is given). Only the length differs between the 15-
    and the 60-minute session, so their peaks show how memory grows with it."""
    plan = load_plan()
    step = plan.exercise(STAGE)
    step_min = max(1.0, round((minutes * 60 - plan.opening_s - plan.close_s) / 60, 2))
    text = builtin_plan_path().read_text("utf-8")
    text = _replace_once(
        text,
        rf'(id = "{step.id}"\n(?:[^\[\n][^\n]*\n)*?minutes = )\[[^\]]*\]',
        rf"\g<1>[{step_min}, {step_min}]",
    )
    text = _replace_once(
        text,
        rf'(\[\[stages\]\]\nid = "{STAGE}"\n(?:[^\[\n][^\n]*\n)*?exercises = )\[[^\]]*\]',
        rf'\g<1>["{step.id}"]',
    )
    path = folder / f"plan-{minutes:g}-min.toml"
    path.write_text(text, "utf-8")
    stretched = load_plan(path)
    length_min = stretched.session_length_s(stretched.stage(STAGE), VARIANT) / 60
    assert abs(length_min - minutes) < 1.0, f"the stretched plan lasts {length_min:.1f} min"
    return path


def _replace_once(text: str, pattern: str, replacement: str) -> str:
    changed, count = re.subn(pattern, replacement, text)
    if count != 1:
        raise SystemExit(f"the built-in plan is not in the shape this bench edits: {pattern}")
    return changed


def bench_memory() -> None:
    """Each length with an empty speech cache (the voice model is loaded and speaks every
    line), then again with the cache it filled (`--force`: the render alone, as every
    render after the first)."""
    cold: dict[float, Run] = {}
    warm: dict[float, Run] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for minutes in (15.0, 60.0):
            plan = long_plan_file(minutes, work)
            home, out = work / f"home-{minutes:g}", work / f"out-{minutes:g}"
            argv = [*softpace_argv(), "--home", str(home), "--plan", str(plan),
                    "render", STAGE, "--short", "--out", str(out)]  # fmt: skip
            cold[minutes] = run_process(argv)
            warm[minutes] = run_process([*argv, "--force"])
    report_memory("speech cached (the render itself)", warm)
    report_memory("empty speech cache (the voice model speaks every line)", cold)


def report_memory(what: str, runs: dict[float, Run]) -> None:
    short, long = runs[15.0], runs[60.0]
    print(f"peak RSS of `softpace render`, {what}:")
    print(f"    15-minute session:                {short.peak_mb:7.0f} MB  ({short.seconds:.1f} s)")
    print(f"    60-minute session:                {long.peak_mb:7.0f} MB  ({long.seconds:.1f} s)"
          "  (target < 300)")  # fmt: skip
    ratio = long.peak_mb / short.peak_mb
    print(f"    60 / 15:                          {ratio:7.2f} x  (target <= 1.5)")
