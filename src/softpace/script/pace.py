"""How a compiled session sounds, measured on its timeline: pace, silences, repetition.

Used by the tests that keep the narration humane, and by `scripts`/reviewers who want
figures. Speech lengths come from whatever measure compiled the timeline (the real
voice, or the words-per-minute estimate).

- words per minute: the pace a listener hears while being talked to: the words of the
  narration divided by its talking time, where each sentence counts its own length plus
  the quiet after it up to the next sound of words, at most TALK_GAP_CAP_S (longer quiet
  is practice time, not talk). Words paced by the breath (breath words, jaw-release
  prompts, countdowns) are left out: their pace is the breath's.
- wordless gaps: quiet between the end of one speech event and the start of the next.
- repetition: how often each sentence of more than two words is said.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from softpace.script.compiler import BREATH_WORDS, SPEECH_GAP_S
from softpace.script.cues import INSTRUCTION_PAUSE_S
from softpace.timeline import Event, Timeline

TALK_GAP_CAP_S = SPEECH_GAP_S + INSTRUCTION_PAUSE_S


@dataclass(frozen=True)
class Gap:
    start_s: float
    end_s: float
    before: Event | None  # the speech before the gap (None at the very start)

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


def is_narration(event: Event) -> bool:
    return event.kind == "speech" and not (event.origin or "").endswith(f"[{BREATH_WORDS}]")


def words_per_minute(timeline: Timeline) -> float:
    speech = timeline.speech()
    words = 0
    talk_s = 0.0
    for event, following in zip(speech, (*speech[1:], None), strict=True):
        if not is_narration(event):
            continue
        words += len(event.text.split()) if event.text else 0
        quiet = (following.start_s if following else timeline.duration_s) - event.end_s
        talk_s += event.end_s - event.start_s + min(max(0.0, quiet), TALK_GAP_CAP_S)
    return 60.0 * words / talk_s if talk_s else 0.0


def sentence_gaps(timeline: Timeline) -> list[float]:
    """The quiet after each narration sentence followed by another within TALK_GAP_CAP_S."""
    speech = timeline.speech()
    return [
        b.start_s - a.end_s
        for a, b in itertools.pairwise(speech)
        if is_narration(a) and is_narration(b) and b.start_s - a.end_s <= TALK_GAP_CAP_S
    ]


def wordless_gaps(timeline: Timeline) -> list[Gap]:
    gaps: list[Gap] = []
    last_end = 0.0
    before: Event | None = None
    for event in timeline.speech():
        if event.start_s > last_end:
            gaps.append(Gap(last_end, event.start_s, before))
        if event.end_s >= last_end:
            last_end, before = event.end_s, event
    if timeline.duration_s > last_end:
        gaps.append(Gap(last_end, timeline.duration_s, before))
    return gaps


def sentences(timeline: Timeline) -> list[str]:
    """Every sentence said, in order (speech events split at sentence ends)."""
    out: list[str] = []
    for event in timeline.speech():
        out += [s for s in re.split(r"(?<=[.!?])\s+", (event.text or "").strip()) if s]
    return out


def repeated_sentences(timeline: Timeline, min_words: int = 3) -> list[tuple[str, int]]:
    """Sentences of at least `min_words` words with how often each is said, most first."""
    counts = Counter(s for s in sentences(timeline) if len(s.split()) >= min_words)
    return counts.most_common()
