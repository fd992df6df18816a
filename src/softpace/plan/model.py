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
    number: int | None = None
    target: str | None = None
    hold_s: Span | None = None
    repeats: Span | None = None
    settle_s: Span | None = None
    check_in_s: Span | None = None
    sets: Span | None = None
    reps: int | None = None
    distance_m: Span | None = None
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
    """A named entry of a plan list: a troubleshooting symptom or a red flag."""

    id: str
    title: str
    fixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComfortRule:
    max_discomfort: int
    scale_max: int
    step_back_hours: Span


@dataclass(frozen=True)
class ProgressRule:
    """How the comfort rule turns into stage moves (softpace's numbers; see the README)."""

    advance_easy_days: int = 3  # easy practices, on different days, to advance a stage
    consistent_easy_days: int = 5  # easy practices that open a consistent-comfort stage
    stall_days: int = 28  # days without an advance before suggesting a physiotherapist
    symptom_window_days: int = 3  # symptoms logged this recently adapt the session


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
    troubleshooting: tuple[Item, ...] = ()
    red_flags: tuple[Item, ...] = ()
    progress: ProgressRule = field(default_factory=ProgressRule)
    _by_id: dict[str, Exercise] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({ex.id: ex for ex in self.exercises})

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

    def stage_exercises(self, stage: Stage) -> tuple[Exercise, ...]:
        return tuple(self._by_id[ex_id] for ex_id in stage.exercises)

    def session_length_s(self, stage: Stage, variant: Variant = Variant.STANDARD) -> float:
        """Exact session length: every block lasts what the plan gives it."""
        blocks = sum(ex.duration_s(variant) for ex in self.stage_exercises(stage))
        return self.opening_s + blocks + self.close_s
