"""What shapes one session besides its stage (`SessionOptions`), apart from the narration
so the application layer and front ends can hold options without loading the templates."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from softpace.constants import MAX_BREATH_S, MIN_BREATH_S
from softpace.errors import OptionError
from softpace.plan.model import Plan, Variant


@dataclass(frozen=True)
class SessionOptions:
    """What shapes one session besides the stage.

    day: seeds the choice of phrasings and the hip-opener pair (None: first phrasing, the
    plan's default pair). easy_practices: easy practices already logged at this stage;
    each plan range grows from its low end toward the top as they accumulate (the short
    variant stays at the low end). hip_openers: the ids of the chosen poses (None: rotate
    pairs by day).
    """

    inhale_s: float = 4.0
    exhale_s: float = 6.0
    variant: Variant = Variant.STANDARD
    modifiers: frozenset[str] = field(default_factory=frozenset)
    template_dirs: tuple[Path, ...] = ()
    day: date | None = None
    easy_practices: int = 0
    hip_openers: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_breath_s("inhale", self.inhale_s)
        check_breath_s("exhale", self.exhale_s)
        if self.easy_practices < 0:
            raise OptionError(f"easy practices cannot be negative, got {self.easy_practices}")

    def for_symptoms(self, modifiers: frozenset[str] | set[str]) -> SessionOptions:
        """These options adapted to recent symptoms (ids of the plan's troubleshooting table).

        What each changes is declared in the plan (a slower breath, the shorter session)
        and in the templates' branch for its id; the variant stays the caller's choice.
        """
        return replace(self, modifiers=frozenset(modifiers))

    def paced(self, plan: Plan) -> SessionOptions:
        """The breath after the modifiers' breath factors (burning: a slower breath)."""
        factor = 1.0
        for modifier in plan.troubleshooting:
            if modifier.id in self.modifiers:
                factor = max(factor, modifier.breath_factor)
        if factor == 1.0:
            return self
        return replace(
            self,
            inhale_s=min(MAX_BREATH_S, round(self.inhale_s * factor, 2)),
            exhale_s=min(MAX_BREATH_S, round(self.exhale_s * factor, 2)),
        )


def check_breath_s(name: str, seconds: float) -> None:
    if not MIN_BREATH_S <= seconds <= MAX_BREATH_S:
        raise OptionError(
            f"{name} must be between {MIN_BREATH_S:g} and {MAX_BREATH_S:g} seconds, "
            f"got {seconds:g}; try --{name} 4"
        )
