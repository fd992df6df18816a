"""Plan stage -> narration script: render the session template, parse its cues, compile.

The one entry point other steps use is `build_timeline`; `script_text` gives the raw
cue text (handy for tests and for template authors).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from softpace.errors import OptionError
from softpace.plan.model import Exercise, Plan, Span, Stage, Variant
from softpace.script.compiler import Measure, compile_timeline
from softpace.script.cues import parse_cues
from softpace.script.environment import make_environment, render_template
from softpace.timeline import Timeline

MIN_BREATH_S = 2.0
MAX_BREATH_S = 10.0


@dataclass(frozen=True)
class SessionOptions:
    """What shapes one session besides the stage: pace, length, and symptom modifiers."""

    inhale_s: float = 4.0
    exhale_s: float = 6.0
    variant: Variant = Variant.STANDARD
    modifiers: frozenset[str] = field(default_factory=frozenset)
    template_dirs: tuple[Path, ...] = ()
    day: date | None = None  # seeds phrasings and the hip-opener rotation; None: no rotation
    easy_practices: int = 0  # easy practices already logged at this stage
    hip_openers: tuple[str, ...] | None = None  # the two chosen poses; None: rotate by day

    def __post_init__(self) -> None:
        check_breath_s("inhale", self.inhale_s)
        check_breath_s("exhale", self.exhale_s)

    def for_symptoms(self, modifiers: frozenset[str] | set[str]) -> SessionOptions:
        """These options adapted to recent symptoms (the plan's troubleshooting ids).

        Burning slows the breath; the rest change what the templates say (see
        templates/*.j2 and `exhale_prompt`). The variant is the caller's to choose.
        """
        options = replace(self, modifiers=frozenset(modifiers))
        if "burning" in modifiers:
            options = replace(
                options,
                inhale_s=min(MAX_BREATH_S, round(self.inhale_s * SLOWER_BREATH_FACTOR, 2)),
                exhale_s=min(MAX_BREATH_S, round(self.exhale_s * SLOWER_BREATH_FACTOR, 2)),
            )
        return options

    @property
    def exhale_prompt(self) -> str | None:
        """Automatic clench: a hum or sigh cue on every exhale that has no words of its own."""
        if "clench" not in self.modifiers:
            return None
        return CLENCH_PROMPT if self.exhale_s >= BREATH_WORDS_MIN_PHASE_S else CLENCH_PROMPT_QUICK


def check_breath_s(name: str, seconds: float) -> None:
    if not MIN_BREATH_S <= seconds <= MAX_BREATH_S:
        raise OptionError(
            f"{name} must be between {MIN_BREATH_S:g} and {MAX_BREATH_S:g} seconds, "
            f"got {seconds:g}; try --{name} 4"
        )


# Breath words are spoken only when each phase leaves room for a few calm words.
BREATH_WORDS_MIN_PHASE_S = 3.5
SLOWER_BREATH_FACTOR = 1.25  # burning at the entrance: a slower breath
CLENCH_PROMPT = "Hum, or sigh."
CLENCH_PROMPT_QUICK = "Sigh."
# Next-day soreness: "more hip openers and warmth", so these keep their full length.
LONGER_WHEN_SORE = frozenset({"hip-openers", "warmth-and-lubrication"})


@dataclass(frozen=True)
class Block:
    """An exercise as the templates see it, with its length for this session."""

    exercise: Exercise
    variant: Variant
    duration_s: float

    @property
    def id(self) -> str:
        return self.exercise.id

    def pick(self, name: str) -> float:
        """This session's value of a ranged field, e.g. block.pick("hold_s")."""
        span = getattr(self.exercise, name)
        if not isinstance(span, Span):
            raise ValueError(f"exercise {self.exercise.id!r} has no range {name!r} in the plan")
        return span.pick(self.variant)


def session_blocks(plan: Plan, stage: Stage, options: SessionOptions) -> tuple[Block, ...]:
    """The stage's exercises with this session's lengths."""
    sore = "soreness" in options.modifiers

    def variant_of(ex: Exercise) -> Variant:
        return Variant.STANDARD if sore and ex.id in LONGER_WHEN_SORE else options.variant

    return tuple(
        Block(ex, variant_of(ex), ex.duration_s(variant_of(ex)))
        for ex in plan.stage_exercises(stage)
    )


def session_length_s(plan: Plan, stage: Stage, options: SessionOptions) -> float:
    """The exact length of this session: opening, every block, close."""
    blocks = sum(block.duration_s for block in session_blocks(plan, stage, options))
    return plan.opening_s + blocks + plan.close_s


def script_text(plan: Plan, stage: Stage, options: SessionOptions) -> str:
    blocks = session_blocks(plan, stage, options)
    cycle_s = options.inhale_s + options.exhale_s

    def breath_words(inhale: str, exhale: str) -> str:
        """'say IN | OUT' for a breathe cue, or nothing when the pace is too quick for words."""
        if min(options.inhale_s, options.exhale_s) < BREATH_WORDS_MIN_PHASE_S:
            return ""
        return f"say {inhale} | {exhale}"

    def fit_sets(wanted: float, reps: int, block_s: float, spare_s: float = 40.0) -> int:
        """The plan's sets, or fewer (at least one) when a slow pace would not fit them."""
        room = int((block_s - spare_s) // (reps * cycle_s + cycle_s))
        return max(1, min(int(wanted), room))

    context = {
        "plan": plan,
        "stage": stage,
        "blocks": blocks,
        "variant": options.variant.value,
        "short": options.variant is Variant.SHORT,
        "modifiers": sorted(options.modifiers),
        "inhale_s": options.inhale_s,
        "exhale_s": options.exhale_s,
        "max_discomfort": plan.comfort_rule.max_discomfort,
        "opening_s": plan.opening_s,
        "close_s": plan.close_s,
        "is_first_stage": stage.number == 1,
        "breath_words": breath_words,
        "fit_sets": fit_sets,
    }
    env = make_environment(options.template_dirs)
    return render_template(env, "session.j2", context)


def build_timeline(
    plan: Plan,
    stage: Stage,
    options: SessionOptions,
    measure: Measure,
) -> Timeline:
    cues = parse_cues(script_text(plan, stage, options), source="session.j2")
    return compile_timeline(
        cues,
        measure,
        stage=stage.id,
        title=stage.title,
        inhale_s=options.inhale_s,
        exhale_s=options.exhale_s,
        exhale_prompt=options.exhale_prompt,
    )


def estimate_measure(words_per_minute: float = 135.0, sample_rate_hz: int = 44_100) -> Measure:
    """A voice-free speech length estimate (for golden tests and quick checks)."""

    def measure(text: str) -> int:
        words = max(1, len(text.split()))
        return round(words * 60.0 / words_per_minute * sample_rate_hz)

    return measure


__all__: Sequence[str] = [
    "Block",
    "SessionOptions",
    "build_timeline",
    "check_breath_s",
    "estimate_measure",
    "script_text",
    "session_blocks",
    "session_length_s",
]
