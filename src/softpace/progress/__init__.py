"""Where the user is: the SQLite comfort log, and the pure rules engine that reads it."""

from softpace.progress.model import (
    Action,
    ComfortLog,
    Decision,
    Evaluation,
    Kind,
    Move,
    Observation,
    Practice,
)
from softpace.progress.rules import decide

__all__ = [
    "Action",
    "ComfortLog",
    "Decision",
    "Evaluation",
    "Kind",
    "Move",
    "Observation",
    "Practice",
    "decide",
]
