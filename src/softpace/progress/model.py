"""What the comfort log holds, and what the rules engine decides: plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from softpace.plan.model import Variant


class Kind(StrEnum):
    """What an observation records: a troubleshooting symptom or a red flag."""

    SYMPTOM = "symptom"
    RED_FLAG = "red-flag"


@dataclass(frozen=True)
class Practice:
    """One logged practice: its day, stage, discomfort during (0 to the plan's scale_max) and,
    later, the next day."""

    id: int
    on: date
    stage: str
    during: int
    next_day: int | None = None
    next_day_on: date | None = None
    dilator: str | None = None
    note: str = ""

    def next_day_known(self, as_of: date) -> int | None:
        """The next-day rating if it had been given by `as_of`, else None."""
        if self.next_day is None or self.next_day_on is None or self.next_day_on > as_of:
            return None
        return self.next_day


@dataclass(frozen=True)
class Observation:
    """A symptom or red flag noticed on a day, with or without a practice."""

    id: int
    on: date
    kind: Kind
    slug: str
    logged_at: datetime
    practice_id: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """`clear-flags --evaluated`: a clinician has looked at the red flags logged so far."""

    id: int
    on: date
    logged_at: datetime
    note: str = ""


@dataclass(frozen=True)
class ComfortLog:
    """Everything the user has logged, oldest first within each kind."""

    practices: tuple[Practice, ...] = ()
    observations: tuple[Observation, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()

    def practice(self, practice_id: int) -> Practice | None:
        return next((p for p in self.practices if p.id == practice_id), None)


class Action(StrEnum):
    """What today's session means compared with the last practice."""

    START = "start"  # nothing logged yet: begin at the first stage
    STAY = "stay"  # keep practising the same stage
    ADVANCE = "advance"  # move on to the next stage
    STEP_BACK = "step-back"  # a spike: practise one stage earlier for now
    STOP = "stop"  # a red flag: no exposure session until evaluated


class MoveReason(StrEnum):
    """Why the replay changed stage (typed: wording is rendered from it, never read back)."""

    EASY_PRACTICES = "easy practices"
    SPIKE = "spike"
    RETURN = "return after a flare"


class SpikeWhen(StrEnum):
    DURING = "during"
    NEXT_DAY = "next-day"


@dataclass(frozen=True)
class Spike:
    """Discomfort above the plan's limit: `value` during the practice of `practice_on`, or
    the day after it; noticed on `on`."""

    on: date
    practice_on: date
    value: int
    when: SpikeWhen


@dataclass(frozen=True)
class Move:
    """A change of stage found while replaying the log (for history and the plot's bands)."""

    on: date
    stage: str
    action: Action
    reason: MoveReason
    spike: Spike | None = None


@dataclass(frozen=True)
class Decision:
    """Where the user is and why. `stage` is always the stage to practise next."""

    as_of: date
    stage: str
    action: Action
    reasons: tuple[str, ...]
    easy_streak: int
    easy_needed: int
    days_at_stage: int
    min_days: int
    variant: Variant = Variant.STANDARD
    modifiers: frozenset[str] = field(default_factory=frozenset)
    red_flags: tuple[str, ...] = ()
    suggest_physio: bool = False
    returning_to: str | None = None
    awaiting_next_day: tuple[int, ...] = ()
    next_log: str = ""
    moves: tuple[Move, ...] = ()
    easy_practices_at_stage: int = 0  # easy practices in this run at `stage` (sessions grow)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "action": self.action.value,
            "reasons": list(self.reasons),
            "easy_streak": self.easy_streak,
            "easy_needed": self.easy_needed,
            "days_at_stage": self.days_at_stage,
            "min_days": self.min_days,
            "variant": self.variant.value,
            "modifiers": sorted(self.modifiers),
            "red_flags": list(self.red_flags),
            "suggest_physio": self.suggest_physio,
            "returning_to": self.returning_to,
            "awaiting_next_day": list(self.awaiting_next_day),
            "easy_practices_at_stage": self.easy_practices_at_stage,
            "next_log": self.next_log,
            "moves": [
                {"on": m.on.isoformat(), "stage": m.stage, "action": m.action.value}
                for m in self.moves
            ],
        }
