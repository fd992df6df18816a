"""Cues -> Timeline: lay every cue on an absolute clock, in samples.

Each block (segment) lasts exactly what it asks for. Fixed cues (speech, pauses, counted
breaths, holds, bells) take their own time; flexible breath cues ('breathe fill',
'breathe until M:SS') share what is left as whole breath cycles, and any part of a cycle
left over becomes a quiet rest. Speech that does not fit is an error naming the cue's
template line: nothing is silently squeezed, overlapped or allowed to drift.

Speech lengths come from `measure(text) -> n_samples`, so the same compiler serves the
real voice and the fixed-rate estimate used by golden tests.
"""

from __future__ import annotations

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
SPEECH_GAP_S = 0.6  # a calm breath of silence after each spoken line
BELL_S = 3.0
COUNTDOWN = ((10, "Ten more seconds."), (3, "Three."), (2, "Two."), (1, "One."))
PROMPT_MARGIN_S = 0.15  # breath words must end this long before the phase turns


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
    exhale_prompt: str | None = None,
) -> Timeline:
    """Lay `cues` on the clock. `exhale_prompt`, when given, is spoken at the start of every
    exhale that has no words of its own (holds: only where no countdown word follows)."""
    pace = _Pace(seconds_to_samples(inhale_s), seconds_to_samples(exhale_s))
    blocks = _split_blocks(cues)
    builder = _Builder(measure, pace, exhale_prompt)
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
    def __init__(self, measure: Measure, pace: _Pace, exhale_prompt: str | None = None) -> None:
        self.measure = measure
        self.pace = pace
        self.exhale_prompt = exhale_prompt
        self.cursor = 0
        self.events: list[Event] = []
        self.segments: list[Segment] = []
        self._speech_cache: dict[str, int] = {}
        self.gap_n = seconds_to_samples(SPEECH_GAP_S)
        self.bell_n = seconds_to_samples(BELL_S)

    def speech_n(self, text: str) -> int:
        if text not in self._speech_cache:
            self._speech_cache[text] = self.measure(text)
        return self._speech_cache[text]

    # -- sizes ------------------------------------------------------------
    def fixed_n(self, cue: Cue) -> int:
        if isinstance(cue, Say):
            return self.speech_n(cue.text) + self.gap_n
        if isinstance(cue, Pause | Hold):
            return seconds_to_samples(cue.seconds)
        if isinstance(cue, Bell):
            return self.bell_n
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
            n = self.speech_n(cue.text)
            self.events.append(Event(EventKind.SPEECH, t, t + n, segment, cue.text, cue.origin))
        elif isinstance(cue, Pause):
            self.events.append(
                Event(EventKind.PAUSE, t, t + self.fixed_n(cue), segment, None, cue.origin)
            )
        elif isinstance(cue, Bell):
            self.events.append(Event(EventKind.BELL, t, t + self.bell_n, segment, None, cue.origin))
        elif isinstance(cue, Hold):
            self.hold(cue, segment)
        elif isinstance(cue, Breathe):
            cycles, rest = (cue.cycles, 0) if cue.cycles is not None else share
            end = self.breaths(cue, segment, t, cycles)
            if rest:
                self.events.append(
                    Event(EventKind.PAUSE, end, end + rest, segment, None, cue.origin)
                )
            self.cursor = end + rest
            return
        self.cursor = t + self.fixed_n(cue)

    def breaths(
        self, cue: Cue, segment: str, t: int, cycles: int, prompt_until: int | None = None
    ) -> int:
        """`cycles` breaths from `t`; the exhale prompt only where it ends by `prompt_until`."""
        inhale_text = cue.inhale_text if isinstance(cue, Breathe) else None
        exhale_text = cue.exhale_text if isinstance(cue, Breathe) else None
        for _ in range(cycles):
            for kind, n, words in (
                ("inhale", self.pace.inhale_n, inhale_text),
                ("exhale", self.pace.exhale_n, exhale_text),
            ):
                self.events.append(Event(EventKind(kind), t, t + n, segment, None, cue.origin))
                if kind == "exhale" and not words and self.exhale_prompt:
                    ends = t + self.speech_n(self.exhale_prompt)
                    words = (
                        self.exhale_prompt if prompt_until is None or ends <= prompt_until else None
                    )
                if words:
                    said = self.speech_n(words)
                    if said + seconds_to_samples(PROMPT_MARGIN_S) > n:
                        raise CueError(
                            f"{cue.origin}: {words!r} takes {said / SAMPLE_RATE_HZ:.1f} s but "
                            f"the {kind} lasts {n / SAMPLE_RATE_HZ:g} s; use fewer words or a "
                            "slower breath"
                        )
                    self.events.append(
                        Event(EventKind.SPEECH, t, t + said, segment, words, cue.origin)
                    )
                t += n
        return t

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
        self.breaths(cue, segment, start, n // self.pace.cycle_n, quiet_from)
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
            self.events.append(Event(EventKind.SPEECH, at, at + said, segment, words, cue.origin))
