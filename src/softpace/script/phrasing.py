"""Several phrasings for every recurring cue, chosen deterministically by the day.

A session said word for word every day stops being heard. Templates call `vary(key,
*phrasings)`: the first time a key is used in a session it gives the phrasing the day
points at (the first one when there is no day), and each later use the next one, so
neither day 9 nor the tenth hold sounds like a recording of the first. `company(key,
*lines)` gives all the lines of a span's company in that rotated order, joined for the
cue syntax. The phrasebook remembers how many phrasings each key has (for reports).
"""

from __future__ import annotations

import zlib
from datetime import date

from softpace.script.compiler import ExhalePrompts

# Automatic clench: the jaw release paired with the out-breath, every few breaths.
JAW_RELEASE = (
    "Hum, and let your jaw go.",
    "Sigh it out. Soft jaw.",
    "Let the out-breath loosen your jaw.",
    "Teeth apart, jaw heavy.",
    "A soft hum. Jaw easy.",
    "Sigh, and let your jaw hang.",
)
# For a quick exhale (under BREATH_WORDS_MIN_PHASE_S): two words at most.
JAW_RELEASE_QUICK = ("Soft jaw.", "Sigh.", "Jaw loose.", "Hum.")
JAW_RELEASE_EVERY = 3  # "pair the exhale with jaw release" every few breaths, not every one


# The discomfort rule with its anchors. Fields: top (the limit), max (the scale's top),
# low and high (the anchors' words), Top (the limit, capitalised).
RULE = (
    "Keep your discomfort at {top} or below, on a scale where zero is {low}, and {max} is {high}.",
    "Let discomfort be your guide: zero is {low}, {max} is {high}. Stay at {top} or less.",
    "If discomfort rises above {top}, where zero is {low} and {max} is {high}, ease off, or stop.",
    "Notice your discomfort, from zero, {low}, to {max}, {high}. {Top} or less is the place "
    "to stay.",
)
# The same rule said inside a long hold: the way out is part of it.
RULE_IN_HOLD = (
    "Discomfort at {top} or less, where zero is {low} and {max} is {high}. Above that, ease out.",
    "Check in: zero is {low}, {max} is {high}. If you are above {top}, ease out, or stop.",
    "If discomfort passes {top}, on a scale from zero, {low}, to {max}, {high}, gently come out.",
)


def day_seed(day: date | None) -> int:
    return 0 if day is None else day.toordinal()


class Phrasebook:
    """Rotating phrasings for one session (one instance per rendering)."""

    def __init__(self, day: date | None) -> None:
        self.seed = day_seed(day)
        self.uses: dict[str, int] = {}
        self.sizes: dict[str, int] = {}

    def _start(self, key: str) -> int:
        return 0 if self.seed == 0 else self.seed + zlib.crc32(key.encode())

    def _turn(self, caller: str, key: str, size: int, needs: str) -> int:
        """Where this use of `key` starts among its `size` choices (the day's turn plus
        one per earlier use), counting the use."""
        if not size:
            raise ValueError(f"{caller}({key!r}) needs at least one {needs}")
        used = self.uses.get(key, 0)
        self.uses[key] = used + 1
        self.sizes[key] = size
        return (self._start(key) + used) % size

    def vary(self, key: str, *phrasings: str) -> str:
        return phrasings[self._turn("vary", key, len(phrasings), "phrasing")]

    def company(self, key: str, *lines: str) -> str:
        """All `lines`, starting at the day's (and this use's) turn, as 'A || B || C'."""
        start = self._turn("company", key, len(lines), "line")
        return " || ".join(lines[start:] + lines[:start])

    def exhale_prompts(self, quick: bool) -> ExhalePrompts:
        phrases = JAW_RELEASE_QUICK if quick else JAW_RELEASE
        self.sizes["jaw-release"] = len(phrases)
        return ExhalePrompts(phrases, JAW_RELEASE_EVERY, self._start("jaw-release") % len(phrases))
