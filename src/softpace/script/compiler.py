"""Cues -> Timeline: lay every cue on an absolute clock, in samples.

Each block (segment) lasts exactly what it asks for. Fixed cues (speech, pauses, counted
breaths, holds, bells) take their own time; flexible breath cues ('breathe fill',
'breathe until M:SS') share what is left as whole breath cycles, and any part of a cycle
left over becomes a quiet rest. Speech that does not fit is an error naming the cue's
template line: nothing is silently squeezed, overlapped or allowed to drift.

Speech lengths come from `measure(text) -> n_samples`, so the same compiler serves the
real voice and the fixed-rate estimate used by golden tests.

Pace lives here: every sentence is its own speech event followed by SPEECH_GAP_S of quiet,
an instruction (`do`) leaves INSTRUCTION_PAUSE_S more, and company lines keep every long
breath span and hold from going wordless for more than about COMPANY_EVERY_S.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from softpace.errors import CueError
from softpace.script.cues import Bell, Breathe, Cue, Hold, Pause, Say, SegmentCue
from softpace.timeline import (
    SAMPLE_RATE_HZ,
    Event,
    EventKind,
    Segment,
    Timeline,
    format_mmss,
    seconds_to_samples,
)

Measure = Callable[[str], int]

LEAD_IN_S = 0.6  # quiet before the first words (also absorbs the MP3 encoder's start delay)
SPEECH_GAP_S = 1.0  # at least this much quiet after every sentence
BELL_S = 3.0
CHECK_IN_BELL_S = 1.5  # the partner check-in chime: shorter than the block bell
COUNTDOWN = ((10, "Ten more seconds."), (3, "Three."), (2, "Two."), (1, "One."))
PROMPT_MARGIN_S = 0.15  # breath words must end this long before the phase turns
COMPANY_EVERY_S = 40.0  # company lines: at most this long between them in a span
BREATH_WORDS = "breath words"  # origin tag of words paced by the breath (not narration)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def split_sentences(text: str) -> tuple[str, ...]:
    """'Rest. Then breathe.' -> ('Rest.', 'Then breathe.'): each is spoken on its own."""
    return tuple(part for part in _SENTENCE_END.split(text.strip()) if part)


@dataclass(frozen=True)
class ExhalePrompts:
    """Words paired with the exhale every `every` unworded exhales, in turn from `start`."""

    phrases: tuple[str, ...]
    every: int = 3
    start: int = 0


@dataclass(frozen=True)
class _Pace:
    inhale_n: int
    exhale_n: int

    @property
    def cycle_n(self) -> int:
        return self.inhale_n + self.exhale_n


def compile_timeline(
    cues: Sequence[Cue],
    measure: Measure,
    *,
    stage: str,
    title: str,
    inhale_s: float,
    exhale_s: float,
    exhale_prompts: ExhalePrompts | None = None,
) -> Timeline:
    """Lay `cues` on the clock. `exhale_prompts`, when given, are spoken at the start of every
    few exhales that have no words of their own and no other speech over them (holds: only
    where no countdown word follows)."""
    pace = _Pace(seconds_to_samples(inhale_s), seconds_to_samples(exhale_s))
    blocks = _split_blocks(cues)
    builder = _Builder(measure, pace, exhale_prompts)
    for index, (head, body) in enumerate(blocks):
        if index == 0:
            body = [Pause(head.origin, LEAD_IN_S), *body]
        builder.block(head, body)
    return Timeline(
        stage=stage,
        title=title,
        n_samples=builder.cursor,
        inhale_s=inhale_s,
        exhale_s=exhale_s,
        segments=tuple(builder.segments),
        events=tuple(sorted(builder.events, key=lambda e: (e.start_n, e.kind != "hold"))),
    )


def _split_blocks(cues: Sequence[Cue]) -> list[tuple[SegmentCue, list[Cue]]]:
    blocks: list[tuple[SegmentCue, list[Cue]]] = []
    for cue in cues:
        if isinstance(cue, SegmentCue):
            if any(head.id == cue.id for head, _ in blocks):
                raise CueError(f"{cue.origin}: segment id {cue.id!r} is used twice")
            blocks.append((cue, []))
        elif not blocks:
            raise CueError(f"{cue.origin}: a cue comes before the first 'segment' line")
        else:
            blocks[-1][1].append(cue)
    if not blocks:
        raise CueError("the script has no 'segment' lines, so there is nothing to render")
    return blocks


class _Builder:
    def __init__(
        self, measure: Measure, pace: _Pace, exhale_prompts: ExhalePrompts | None = None
    ) -> None:
        self.measure = measure
        self.pace = pace
        self.prompts = exhale_prompts if exhale_prompts and exhale_prompts.phrases else None
        self.unworded = 0  # exhales so far without words of their own
        self.prompted = 0  # exhale prompts said so far
        self.cursor = 0
        self.events: list[Event] = []
        self.segments: list[Segment] = []
        self._speech_cache: dict[str, int] = {}
        self.gap_n = seconds_to_samples(SPEECH_GAP_S)
        self.company_n = seconds_to_samples(COMPANY_EVERY_S)

    def speech_n(self, text: str) -> int:
        if text not in self._speech_cache:
            self._speech_cache[text] = self.measure(text)
        return self._speech_cache[text]

    def said_n(self, text: str) -> int:
        """Samples from the first word of `text` to the end of the quiet after its last."""
        return sum(self.speech_n(s) + self.gap_n for s in split_sentences(text))

    def say_at(self, text: str, t: int, segment: str, origin: str) -> int:
        """Emit `text` sentence by sentence from `t`; returns where the quiet after it ends."""
        for sentence in split_sentences(text):
            n = self.speech_n(sentence)
            self.events.append(Event(EventKind.SPEECH, t, t + n, segment, sentence, origin))
            t += n + self.gap_n
        return t

    @staticmethod
    def bell_n(cue: Bell) -> int:
        return seconds_to_samples(CHECK_IN_BELL_S if cue.variant == "check-in" else BELL_S)

    # -- sizes ------------------------------------------------------------
    def fixed_n(self, cue: Cue) -> int:
        if isinstance(cue, Say):
            return self.said_n(cue.text) + seconds_to_samples(cue.after_s)
        if isinstance(cue, Pause | Hold):
            return seconds_to_samples(cue.seconds)
        if isinstance(cue, Bell):
            return self.bell_n(cue)
        if isinstance(cue, Breathe) and cue.cycles is not None:
            return cue.cycles * self.pace.cycle_n
        return 0  # flexible breath

    # -- one block --------------------------------------------------------
    def block(self, head: SegmentCue, body: list[Cue]) -> None:
        start = self.cursor
        if head.seconds is None:
            for cue in body:
                if isinstance(cue, Breathe) and cue.flexible:
                    raise CueError(
                        f"{cue.origin}: 'breathe fill' and 'breathe until' need a block with "
                        f"a length; segment {head.id!r} is 'auto'"
                    )
            end = start + sum(self.fixed_n(c) for c in body)
        else:
            end = start + seconds_to_samples(head.seconds)
        flex = self._share_flexible_time(head, body, start, end)
        for cue in body:
            self.emit(cue, head.id, flex.get(id(cue), (0, 0)))
        if self.cursor != end:  # only possible through a bug in the sharing above
            raise CueError(f"{head.origin}: block {head.id!r} came out at the wrong length")
        self.segments.append(Segment(head.id, head.title, start, end))

    def _share_flexible_time(
        self, head: SegmentCue, body: list[Cue], start: int, end: int
    ) -> dict[int, tuple[int, int]]:
        """Per flexible cue: (breath cycles, rest samples); spans end at each until and the end."""
        shares: dict[int, tuple[int, int]] = {}
        span_start = start
        span: list[Cue] = []
        for cue in [*body, None]:
            if cue is not None:
                span.append(cue)
            is_anchor = isinstance(cue, Breathe) and cue.until_s is not None
            if not is_anchor and cue is not None:
                continue
            if is_anchor:
                assert isinstance(cue, Breathe) and cue.until_s is not None
                anchor = start + seconds_to_samples(cue.until_s)
                if anchor > end:
                    raise CueError(
                        f"{cue.origin}: 'until {format_mmss(cue.until_s)}' is past the end of "
                        f"block {head.id!r}, which lasts {(end - start) / SAMPLE_RATE_HZ:g} s"
                    )
            else:
                anchor = end
            self._check_fits(head, span, span_start, anchor, start)
            free = anchor - span_start - sum(self.fixed_n(c) for c in span)
            fills = [c for c in span if isinstance(c, Breathe) and c.flexible]
            if not fills and free > 0:
                filler = Breathe(head.origin)
                body.append(filler)
                fills = [filler]
            if fills:
                cycles, rest = divmod(free, self.pace.cycle_n)
                base, extra = divmod(cycles, len(fills))
                for i, fill in enumerate(fills):
                    shares[id(fill)] = (
                        base + (1 if i < extra else 0),
                        rest if fill is fills[-1] else 0,
                    )
            span_start, span = anchor, []
        return shares

    def _check_fits(
        self, head: SegmentCue, span: list[Cue], span_start: int, anchor: int, block_start: int
    ) -> None:
        cursor = span_start
        for cue in span:
            need = self.fixed_n(cue)
            if cursor + need > anchor:
                left = max(0, anchor - cursor)
                what = f"{cue.text!r} takes" if isinstance(cue, Say) else "this cue needs"
                raise CueError(
                    f"{cue.origin}: {what} {need / SAMPLE_RATE_HZ:.1f} s but only "
                    f"{left / SAMPLE_RATE_HZ:.1f} s are left before "
                    f"{format_mmss((anchor - block_start) / SAMPLE_RATE_HZ)} in block "
                    f"{head.id!r}; shorten the words or give the block more time"
                )
            cursor += need

    # -- events -----------------------------------------------------------
    def emit(self, cue: Cue, segment: str, share: tuple[int, int]) -> None:
        t = self.cursor
        if isinstance(cue, Say):
            self.say_at(cue.text, t, segment, cue.origin)
        elif isinstance(cue, Pause):
            self.events.append(
                Event(EventKind.PAUSE, t, t + self.fixed_n(cue), segment, None, cue.origin)
            )
        elif isinstance(cue, Bell):
            n = self.bell_n(cue)
            self.events.append(Event(EventKind.BELL, t, t + n, segment, cue.variant, cue.origin))
        elif isinstance(cue, Hold):
            self.hold(cue, segment)
        elif isinstance(cue, Breathe):
            cycles, rest = (cue.cycles, 0) if cue.cycles is not None else share
            span_n = cycles * self.pace.cycle_n + rest
            lines = self.place(cue.company, span_n, cycles)
            end = self.breaths(cue, segment, t, cycles, None, lines, t + span_n)
            if rest:
                self.events.append(
                    Event(EventKind.PAUSE, end, end + rest, segment, None, cue.origin)
                )
            self.cursor = end + rest
            return
        self.cursor = t + self.fixed_n(cue)

    def place(self, company: tuple[str, ...], span_n: int, cycles: int) -> dict[int, str]:
        """Company lines by breath cycle: as many as keep gaps within COMPANY_EVERY_S."""
        needed = max(0, math.ceil(span_n / self.company_n) - 1) if company else 0
        needed = min(needed, cycles - 1)
        if needed <= 0:
            return {}
        return {
            round((i + 1) * cycles / (needed + 1)): company[i % len(company)] for i in range(needed)
        }

    def breaths(
        self,
        cue: Cue,
        segment: str,
        t: int,
        cycles: int,
        prompt_until: int | None = None,
        lines: dict[int, str] | None = None,
        lines_until: int | None = None,
    ) -> int:
        """`cycles` breaths from `t`, company `lines` at the start of their cycles (ending by
        `lines_until`); exhale prompts only where nothing else is said and they end by
        `prompt_until`."""
        inhale_text = cue.inhale_text if isinstance(cue, Breathe) else None
        exhale_text = cue.exhale_text if isinstance(cue, Breathe) else None
        busy_until = t
        tagged = f"{cue.origin} [{BREATH_WORDS}]"
        for cycle in range(cycles):
            line = (lines or {}).get(cycle)
            if line is not None:
                busy_until = self.say_at(line, t, segment, cue.origin)
                limit = lines_until if lines_until is not None else t + cycles * self.pace.cycle_n
                following = [c for c in (lines or {}) if c > cycle]
                if following:
                    limit = min(limit, t + (min(following) - cycle) * self.pace.cycle_n)
                if busy_until - self.gap_n > limit:
                    raise CueError(
                        f"{cue.origin}: the company line {line!r} does not fit before what "
                        "follows it; use fewer words or a longer span"
                    )
            for kind, n, words in (
                ("inhale", self.pace.inhale_n, inhale_text),
                ("exhale", self.pace.exhale_n, exhale_text),
            ):
                self.events.append(Event(EventKind(kind), t, t + n, segment, None, cue.origin))
                if kind == "exhale" and not words and t >= busy_until:
                    words = self.exhale_prompt(t, prompt_until)
                if words:
                    said = self.speech_n(words)
                    if said + seconds_to_samples(PROMPT_MARGIN_S) > n:
                        raise CueError(
                            f"{cue.origin}: {words!r} takes {said / SAMPLE_RATE_HZ:.1f} s but "
                            f"the {kind} lasts {n / SAMPLE_RATE_HZ:g} s; use fewer words or a "
                            "slower breath"
                        )
                    self.events.append(Event(EventKind.SPEECH, t, t + said, segment, words, tagged))
                t += n
        return t

    def exhale_prompt(self, t: int, prompt_until: int | None) -> str | None:
        """Every few unworded exhales, the next prompt in turn (if it ends in time)."""
        if self.prompts is None:
            return None
        self.unworded += 1
        if self.unworded % self.prompts.every:
            return None
        phrases = self.prompts.phrases
        words = phrases[(self.prompts.start + self.prompted) % len(phrases)]
        if prompt_until is not None and t + self.speech_n(words) > prompt_until:
            return None
        self.prompted += 1
        return words

    def hold(self, cue: Hold, segment: str) -> None:
        start = self.cursor
        n = seconds_to_samples(cue.seconds)
        end = start + n
        self.events.append(
            Event(EventKind.HOLD, start, end, segment, f"hold {cue.seconds:g} s", cue.origin)
        )
        marks = [
            (start + n - seconds_to_samples(left), words)
            for left, words in COUNTDOWN
            if cue.countdown and left * 2 <= cue.seconds
        ]
        quiet_from = marks[0][0] - self.gap_n if marks else None
        talk_until = quiet_from if quiet_from is not None else end
        room_cycles = (talk_until - start) // self.pace.cycle_n
        lines = self.place(cue.company, talk_until - start, room_cycles)
        self.breaths(cue, segment, start, n // self.pace.cycle_n, quiet_from, lines, talk_until)
        if not marks:
            return
        for (at, words), nxt in zip(marks, [m[0] for m in marks[1:]] + [end], strict=True):
            said = self.speech_n(words)
            if at + said > nxt:
                raise CueError(
                    f"{cue.origin}: the countdown word {words!r} takes "
                    f"{said / SAMPLE_RATE_HZ:.1f} s, longer than its "
                    f"{(nxt - at) / SAMPLE_RATE_HZ:g} s slot; choose a faster voice"
                )
            self.events.append(
                Event(
                    EventKind.SPEECH,
                    at,
                    at + said,
                    segment,
                    words,
                    f"{cue.origin} [{BREATH_WORDS}]",
                )
            )
