"""Plan stage -> narration script: render the session template, parse its cues, compile.

The one entry point other steps use is `build_timeline`; `script_text` gives the raw
cue text (handy for tests and for template authors). What a session says is shaped by
`SessionOptions`: the pace of the breath, the variant, the symptom modifiers (declared
in the plan's troubleshooting table), the day (which phrasings and hip openers), and how
many easy practices the user has had at this stage (how far each plan range has grown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from softpace.errors import OptionError
from softpace.plan.model import Exercise, Plan, Span, Stage, Variant
from softpace.script.compiler import Measure, compile_timeline
from softpace.script.cues import parse_cues
from softpace.script.environment import make_environment, render_template, spoken_number
from softpace.script.options import SessionOptions, check_breath_s
from softpace.script.phrasing import RULE, RULE_IN_HOLD, Phrasebook, day_seed
from softpace.timeline import Timeline

# Breath words are spoken only when each phase leaves room for a few calm words.
BREATH_WORDS_MIN_PHASE_S = 3.5
# The speaking rate assumed for voice-free estimates: espeak at the "calm" profile's set
# 135 words per minute measures about 146 on the audio (issue 11's review).
ASSUMED_VOICE_WPM = 146.0
# How finely each grown range moves: whole seconds of holds in fives, blocks in half minutes.
_STEP = {"hold_s": 5.0, "settle_s": 5.0, "check_in_s": 5.0, "distance_m": 5.0, "warm_up_s": 60.0}
_WHOLE = frozenset({"repeats", "sets"})
_BLOCK_STEP_S = 30.0
# Exposure steps a sore body skips in full; the blocks that grow instead ("more hip
# openers and warmth").
# Next-day soreness: "decrease time/size; add hip openers and warmth". How far along its
# range each of these blocks goes while sore; the exposure step shrinks to SORE_STEP_MAX_S,
# so the session as a whole is shorter than a standard one at the start of the stage.
_SORE_FRACTION = {"hip-openers": 1.0, "warmth-and-lubrication": 0.25}
SORE_STEP_MAX_S = 120.0


def growth(plan: Plan, stage: Stage, options: SessionOptions) -> float:
    """How far along each range this session is: 0 at the low end, 1 at the top."""
    if options.variant is Variant.SHORT:
        return 0.0
    return min(1.0, options.easy_practices / max(1, plan.easy_needed(stage) - 1))


@dataclass(frozen=True)
class Block:
    """An exercise as the templates see it, with its length and ranges for this session."""

    exercise: Exercise
    fraction: float  # 0: the low end of every range, 1: the top
    duration_s: float

    @property
    def id(self) -> str:
        return self.exercise.id

    def pick(self, name: str) -> float:
        """This session's value of a ranged field, e.g. block.pick("hold_s")."""
        span = getattr(self.exercise, name)
        if not isinstance(span, Span):
            raise ValueError(f"exercise {self.exercise.id!r} has no range {name!r} in the plan")
        value = span.at(self.fraction)
        if name in _WHOLE:
            return float(round(value))
        step = _STEP.get(name)
        if step is None:
            return value
        return min(span.high, max(span.low, round(value / step) * step))


def _block_s(exercise: Exercise, fraction: float) -> float:
    minutes = exercise.minutes
    value = round(minutes.at(fraction) * 60 / _BLOCK_STEP_S) * _BLOCK_STEP_S
    return min(minutes.high * 60, max(minutes.low * 60, value))


def session_blocks(plan: Plan, stage: Stage, options: SessionOptions) -> tuple[Block, ...]:
    """The stage's exercises with this session's lengths.

    Soreness: every block at the low end, except more hip openers and warmth, and the
    exposure steps at most SORE_STEP_MAX_S (no full exposure while sore).
    """
    fraction = growth(plan, stage, options)
    sore = "soreness" in options.modifiers

    def fraction_of(ex: Exercise) -> float:
        if sore:
            return _SORE_FRACTION.get(ex.id, 0.0)
        return fraction

    def length_s(ex: Exercise) -> float:
        if sore and ex.kind == "step":
            return min(SORE_STEP_MAX_S, _block_s(ex, 0.0))
        return _block_s(ex, fraction_of(ex))

    return tuple(Block(ex, fraction_of(ex), length_s(ex)) for ex in plan.stage_exercises(stage))


def session_length_s(plan: Plan, stage: Stage, options: SessionOptions) -> float:
    """The exact length of this session: opening, every block, close."""
    blocks = sum(block.duration_s for block in session_blocks(plan, stage, options))
    return plan.opening_s + blocks + plan.close_s


def chosen_options(exercise: Exercise, options: SessionOptions) -> tuple[str, ...]:
    """Which of an exercise's options (hip-opener poses) this session uses.

    Soreness: all of them. A choice in the options: exactly `choose` known, distinct ids.
    Otherwise the pairs rotate by day (no day: the plan's default choice).
    """
    ids = tuple(o.id for o in exercise.options)
    if not ids:
        return ()
    if "soreness" in options.modifiers:
        return ids
    choose = exercise.choose or len(ids)
    if options.hip_openers is not None:
        picked = tuple(options.hip_openers)
        if len(set(picked)) != choose or not set(picked) <= set(ids):
            raise OptionError(
                f"hip openers must name {choose} different poses of: {', '.join(ids)}; "
                f"got {', '.join(picked) or 'none'}"
            )
        return tuple(i for i in ids if i in picked)
    if options.day is None:
        return exercise.default_choice
    pairs = list(combinations(ids, choose))
    return pairs[day_seed(options.day) % len(pairs)]


def first_exposure(blocks: Sequence[Block]) -> str | None:
    """The id of the first desensitization step: where the first touch happens."""
    return next((b.id for b in blocks if b.exercise.kind == "step"), None)


def _context(plan: Plan, stage: Stage, options: SessionOptions, book: Phrasebook) -> dict[str, Any]:
    blocks = session_blocks(plan, stage, options)
    cycle_s = options.inhale_s + options.exhale_s

    def breath_words(inhale: str, exhale: str) -> str:
        """'say IN | OUT' for a breathe cue, or nothing when the pace is too quick for words."""
        if min(options.inhale_s, options.exhale_s) < BREATH_WORDS_MIN_PHASE_S:
            return ""
        return f"say {inhale} | {exhale}"

    def fit_sets(wanted: float, reps: int, block_s: float, spare_s: float, rest_s: float) -> int:
        """The plan's sets, or fewer (at least one) when a slow pace would not fit them:
        each set takes `reps` breaths and a rest, and `spare_s` goes to the words around."""
        room = int((block_s - spare_s + rest_s) // (reps * cycle_s + rest_s))
        return max(1, min(int(wanted), room))

    rule = plan.comfort_rule
    top = spoken_number(rule.max_discomfort)
    fields = {
        "top": top,
        "Top": top[:1].upper() + top[1:],
        "max": spoken_number(rule.scale_max),
        "low": rule.low_anchor,
        "high": rule.high_anchor,
    }
    return {
        "plan": plan,
        "stage": stage,
        "blocks": blocks,
        "variant": options.variant.value,
        "short": options.variant is Variant.SHORT,
        "modifiers": sorted(options.modifiers),
        "inhale_s": options.inhale_s,
        "exhale_s": options.exhale_s,
        "cycle_s": cycle_s,
        "max_discomfort": rule.max_discomfort,
        "scale_max": rule.scale_max,
        "low_anchor": rule.low_anchor,
        "high_anchor": rule.high_anchor,
        "red_flags": [_sentence(f.spoken) for f in plan.red_flags if f.spoken],
        "rule": lambda: book.vary("rule", *(line.format(**fields) for line in RULE)),
        "rule_in_hold": lambda: book.vary(
            "rule-in-hold", *(line.format(**fields) for line in RULE_IN_HOLD)
        ),
        "referral": plan.referral,
        "opening_s": plan.opening_s,
        "close_s": plan.close_s,
        "is_first_stage": stage.number == 1,
        "first_sessions": stage.number == 1 and options.easy_practices < plan.easy_needed(stage),
        "exposure": first_exposure(blocks) is not None,
        "first_touch": first_exposure(blocks),
        "has_dilator": "dilator" in stage.exercises,
        "chosen": lambda block: chosen_options(block.exercise, options),
        "breath_words": breath_words,
        "fit_sets": fit_sets,
        "vary": book.vary,
        "company": book.company,
    }


def script_text(plan: Plan, stage: Stage, options: SessionOptions) -> str:
    return _render(plan, stage, options.paced(plan), Phrasebook(options.day))


def _render(plan: Plan, stage: Stage, options: SessionOptions, book: Phrasebook) -> str:
    env = make_environment(options.template_dirs)
    return render_template(env, "session.j2", _context(plan, stage, options, book))


def cue_phrasings(plan: Plan, stage: Stage, options: SessionOptions) -> dict[str, int]:
    """How many phrasings each recurring cue of this session has (key -> count)."""
    paced = options.paced(plan)
    book = Phrasebook(options.day)
    _render(plan, stage, paced, book)
    if "clench" in paced.modifiers:
        book.exhale_prompts(paced.exhale_s < BREATH_WORDS_MIN_PHASE_S)
    return dict(sorted(book.sizes.items()))


def build_timeline(
    plan: Plan,
    stage: Stage,
    options: SessionOptions,
    measure: Measure,
) -> Timeline:
    paced = options.paced(plan)
    book = Phrasebook(options.day)
    cues = parse_cues(_render(plan, stage, paced, book), source="session.j2")
    prompts = None
    if "clench" in paced.modifiers:
        prompts = book.exhale_prompts(paced.exhale_s < BREATH_WORDS_MIN_PHASE_S)
    return compile_timeline(
        cues,
        measure,
        stage=stage.id,
        title=stage.title,
        inhale_s=paced.inhale_s,
        exhale_s=paced.exhale_s,
        exhale_prompts=prompts,
    )


def estimate_measure(
    words_per_minute: float = ASSUMED_VOICE_WPM, sample_rate_hz: int = 44_100
) -> Measure:
    """A voice-free speech length estimate (for golden tests and quick checks)."""

    def measure(text: str) -> int:
        words = max(1, len(text.split()))
        return round(words * 60.0 / words_per_minute * sample_rate_hz)

    return measure


__all__: Sequence[str] = [
    "ASSUMED_VOICE_WPM",
    "Block",
    "SessionOptions",
    "build_timeline",
    "check_breath_s",
    "chosen_options",
    "cue_phrasings",
    "estimate_measure",
    "growth",
    "script_text",
    "session_blocks",
    "session_length_s",
]


def _sentence(words: str) -> str:
    """'a fever' -> 'A fever.': a plan phrase said as a sentence of its own."""
    return words[:1].upper() + words[1:].rstrip(".") + "."
