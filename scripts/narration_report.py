"""Print, per stage, how the session sounds: pace, quiet, repetition, phrasings.

Usage: python scripts/narration_report.py [WORDS_PER_MINUTE]
Speech lengths come from the words-per-minute model (default: the voice's assumed rate).
"""

from __future__ import annotations

import sys
from datetime import date

from softpace.plan import load_plan
from softpace.script.narration import (
    ASSUMED_VOICE_WPM,
    SessionOptions,
    build_timeline,
    cue_phrasings,
    estimate_measure,
)
from softpace.script.pace import repeated_sentences, wordless_gaps, words_per_minute


def main() -> None:
    wpm = float(sys.argv[1]) if len(sys.argv) > 1 else ASSUMED_VOICE_WPM
    plan = load_plan()
    options = SessionOptions(day=date.today())
    for stage in plan.stages:
        timeline = build_timeline(plan, stage, options, estimate_measure(wpm))
        gap = max(wordless_gaps(timeline), key=lambda g: g.seconds)
        sentence, count = (repeated_sentences(timeline) or [("-", 0)])[0]
        cues = cue_phrasings(plan, stage, options)
        print(
            f"{stage.id}: {timeline.duration_s / 60:.1f} min, "
            f"{words_per_minute(timeline):.0f} wpm, longest quiet {gap.seconds:.0f} s "
            f"at {gap.start_s / 60:.1f} min, most repeated {sentence!r} x{count}"
        )
        print("  phrasings: " + ", ".join(f"{k} {n}" for k, n in cues.items()))


if __name__ == "__main__":
    main()
