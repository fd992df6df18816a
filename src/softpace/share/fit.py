"""Which rendered session fits today: the stage AND how it was adapted.

A render writes `<stage>.mp3` whatever the variant or symptom adaptations, so the stage
alone cannot say whether the file is today's session (a shorter one after a flare, a
slower breath for burning). `today` and the app record the recipe of each render in
`<stage>.recipe.json`, with the MP3's modification time: the record counts only while
the MP3 is the one it describes. Without a record (rendered by `render`, or before
records existed) a session fits only when nothing adapts today's session and its breath
pace and length are those of the plain standard or short session.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from softpace.atomic import write_text_atomic
from softpace.plan.model import Plan, Variant
from softpace.script.options import SessionOptions
from softpace.timeline import Timeline

RECIPE_SUFFIX = ".recipe.json"
LENGTH_TOLERANCE_S = 0.5


@dataclass(frozen=True)
class Recipe:
    """What shaped a session besides the stage."""

    stage: str
    variant: str
    modifiers: tuple[str, ...]
    inhale_s: float
    exhale_s: float


def recipe_of(stage_id: str, options: SessionOptions) -> Recipe:
    """The recipe of a session rendered for `stage_id` with these options."""
    return Recipe(
        stage=stage_id,
        variant=options.variant.value,
        modifiers=tuple(sorted(options.modifiers)),
        inhale_s=options.inhale_s,
        exhale_s=options.exhale_s,
    )


def recipe_path(folder: Path, stage_id: str) -> Path:
    return folder / f"{stage_id}{RECIPE_SUFFIX}"


def write_recipe(folder: Path, recipe: Recipe, mp3_path: Path) -> None:
    record = {**asdict(recipe), "mp3_mtime_ns": mp3_path.stat().st_mtime_ns}
    write_text_atomic(recipe_path(folder, recipe.stage), json.dumps(record, indent=2) + "\n")


def read_recipe(folder: Path, stage_id: str, mp3_mtime_ns: int) -> Recipe | None:
    """The recorded recipe, if there is one and it describes this very MP3."""
    try:
        record = json.loads(recipe_path(folder, stage_id).read_text(encoding="utf-8"))
        if record.get("mp3_mtime_ns") != mp3_mtime_ns:
            return None
        return Recipe(
            stage=str(record["stage"]),
            variant=str(record["variant"]),
            modifiers=tuple(sorted(str(m) for m in record["modifiers"])),
            inhale_s=float(record["inhale_s"]),
            exhale_s=float(record["exhale_s"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def fits(
    plan: Plan,
    folder: Path,
    wanted: Recipe,
    timeline: Timeline,
    mp3_mtime_ns: int,
) -> bool:
    """Whether the session rendered in `folder` for `timeline.stage` is `wanted`."""
    if timeline.stage != wanted.stage:
        return False
    recorded = read_recipe(folder, wanted.stage, mp3_mtime_ns)
    if recorded is not None:
        return _same(recorded, wanted)
    if wanted.modifiers:
        return False
    length = plan.session_length_s(plan.stage(wanted.stage), Variant(wanted.variant))
    return (
        abs(timeline.inhale_s - wanted.inhale_s) < 1e-6
        and abs(timeline.exhale_s - wanted.exhale_s) < 1e-6
        and abs(timeline.duration_s - length) <= LENGTH_TOLERANCE_S
    )


def mp3_mtime_ns(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _same(a: Recipe, b: Recipe) -> bool:
    return (
        a.stage == b.stage
        and a.variant == b.variant
        and tuple(sorted(a.modifiers)) == tuple(sorted(b.modifiers))
        and abs(a.inhale_s - b.inhale_s) < 1e-6
        and abs(a.exhale_s - b.exhale_s) < 1e-6
    )
