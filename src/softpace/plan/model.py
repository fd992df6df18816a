"""What to practise: the plan as plain, immutable data (built and validated by plan.load)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from softpace.errors import UnknownStageError


class Variant(StrEnum):
    """How long a session runs: standard uses the long end of each range, short the low end."""

    STANDARD = "standard"
    SHORT = "short"


@dataclass(frozen=True)
class Span:
    """A range from the plan, e.g. 'hold 30-60 s' is Span(30, 60)."""

    low: float
    high: float

    def pick(self, variant: Variant) -> float:
        return self.low if variant is Variant.SHORT else self.high

    def at(self, fraction: float) -> float:
        """The value `fraction` of the way from low (0) to high (1), clamped to the range."""
        return self.low + (self.high - self.low) * min(1.0, max(0.0, fraction))


@dataclass(frozen=True)
class Option:
    """One choice inside an exercise (a hip-opener pose)."""

    id: str
    title: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    """One block of a session: a circuit exercise, a desensitization step or a strength move."""

    id: str
    kind: str  # "circuit" | "step" | "strength"
    title: str
    minutes: Span
    steps: tuple[str, ...]
    cue: str
    position: str | None = None
    spoken: str | None = None  # the title as said aloud, when the written one reads badly
    number: int | None = None
    target: str | None = None
    hold_s: Span | None = None
    repeats: Span | None = None
    settle_s: Span | None = None
    check_in_s: Span | None = None
    sets: Span | None = None
    reps: int | None = None
    distance_m: Span | None = None
    warm_up_s: Span | None = None
    phrases: tuple[str, ...] = ()  # words the listener may say (partner: "words that help")
    positions: tuple[str, ...] = ()  # positions that ease tension
    choose: int | None = None
    options: tuple[Option, ...] = ()
    default_choice: tuple[str, ...] = ()

    def duration_s(self, variant: Variant) -> float:
        return self.minutes.pick(variant) * 60.0


@dataclass(frozen=True)
class Stage:
    """A stage the user moves through; `number` is its 1-based position in the plan."""

    id: str
    number: int
    title: str
    min_days: int
    exercises: tuple[str, ...]
    days: Span | None = None
    requires_consistent_comfort: bool = False


@dataclass(frozen=True)
class Item:
    """A named entry of a plan list: a red flag (or, as Modifier, a troubleshooting symptom).

    `spoken` is the plain wording a session says aloud ("" = not said in sessions).
    """

    id: str
    title: str
    fixes: tuple[str, ...] = ()
    spoken: str = ""


@dataclass(frozen=True)
class Modifier(Item):
    """A troubleshooting symptom that adapts the rules and the session (one plan entry each).

    `shorter`: the rules give the shorter session while it is recent; `breath_factor`:
    the breath is slowed by this factor; `changes`: what the session does differently, in
    words (CLI help and the status page show it). The templates branch on `id`.
    """

    shorter: bool = False
    breath_factor: float = 1.0
    changes: str = ""


@dataclass(frozen=True)
class ComfortRule:
    """The plan's discomfort scale (0..scale_max, with its spoken anchors) and its limit."""

    max_discomfort: int
    scale_max: int
    step_back_hours: Span
    low_anchor: str = "none at all"  # what 0 means, in the words the log and sessions use
    high_anchor: str = "the worst you can imagine"  # what scale_max means

    def out_of(self, value: int) -> str:
        """'2/10' on this plan's scale (for printed text; sessions say it in words)."""
        return f"{value}/{self.scale_max}"


@dataclass(frozen=True)
class ProgressRule:
    """How the comfort rule turns into stage moves (softpace's numbers; see the README)."""

    advance_easy_days: int = 3  # easy practices, on different days, to advance a stage
    consistent_easy_days: int = 5  # easy practices that open a consistent-comfort stage
    stall_days: int = 28  # days without an advance before suggesting a physiotherapist
    symptom_window_days: int = 3  # symptoms logged this recently adapt the session


DEFAULT_REFERRAL = "a pelvic health physiotherapist or a knowledgeable clinician"


@dataclass(frozen=True)
class Plan:
    """The whole home plan. Look-ups raise clear errors instead of KeyError."""

    title: str
    source_path: Path
    comfort_rule: ComfortRule
    inhale_s: float
    exhale_s: float
    opening_s: float
    close_s: float
    exercises: tuple[Exercise, ...]
    stages: tuple[Stage, ...]
    troubleshooting: tuple[Modifier, ...] = ()
    red_flags: tuple[Item, ...] = ()
    progress: ProgressRule = field(default_factory=ProgressRule)
    referral: str = DEFAULT_REFERRAL
    # Built from `exercises` by each Plan itself (never passed on by `replace`, so a plan
    # derived from a shared one cannot change the shared one's look-up).
    _by_id: dict[str, Exercise] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {ex.id: ex for ex in self.exercises})

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise UnknownStageError(
            f"unknown stage {stage_id!r}; valid stages are: {', '.join(self.stage_ids)}"
        )

    def index(self, stage_id: str) -> int:
        """0-based position of a stage (raises UnknownStageError for an unknown id)."""
        return self.stage(stage_id).number - 1

    def exercise(self, exercise_id: str) -> Exercise:
        return self._by_id[exercise_id]

    def exercise_kind(self, block_id: str) -> str | None:
        """'circuit', 'step' or 'strength' for an exercise id; None for opening and close."""
        exercise = self._by_id.get(block_id)
        return exercise.kind if exercise else None

    def modifier(self, modifier_id: str) -> Modifier | None:
        return next((m for m in self.troubleshooting if m.id == modifier_id), None)

    def easy_needed(self, stage: Stage) -> int:
        """Easy practices at `stage` that open the next one (the last stage: as a normal one).

        A stage followed by one that needs consistent comfort asks consistent_easy_days.
        """
        following = stage.number  # 0-based index of the next stage
        if following < len(self.stages) and self.stages[following].requires_consistent_comfort:
            return self.progress.consistent_easy_days
        return self.progress.advance_easy_days

    def stage_exercises(self, stage: Stage) -> tuple[Exercise, ...]:
        return tuple(self._by_id[ex_id] for ex_id in stage.exercises)

    def session_length_s(self, stage: Stage, variant: Variant = Variant.STANDARD) -> float:
        """Exact session length: every block lasts what the plan gives it."""
        blocks = sum(ex.duration_s(variant) for ex in self.stage_exercises(stage))
        return self.opening_s + blocks + self.close_s
