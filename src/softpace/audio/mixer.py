"""Timeline + speech clips -> the session's samples, one block at a time.

The session is never held whole: each block (a few seconds) is one preallocated buffer
that the tones, bells and speech overlapping it are added into, so the cost grows
linearly with session length and memory stays flat. Tones are ducked under speech with
smooth ramps (computed once per session as float32 and sliced per event). Positions are
whole samples from the Timeline.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from softpace.audio.dsp import db_to_gain
from softpace.audio.tones import TONE_PEAK_DBFS, bell, breath_tone
from softpace.errors import OptionError
from softpace.timeline import Event, Timeline

BLOCK_S = 4.0
DUCK_DB = -14.0
DUCK_ATTACK_S = 0.08
DUCK_RELEASE_S = 0.35


# --tones: the breath-tone bed's peak level (dBFS before mastering), or no tones at all.
TONE_BEDS: dict[str, float | None] = {
    "soft": TONE_PEAK_DBFS - 6.0,
    "normal": TONE_PEAK_DBFS,
    "off": None,
}


@dataclass(frozen=True)
class MixSettings:
    tone_peak_dbfs: float = TONE_PEAK_DBFS
    tones: bool = True
    duck_db: float = DUCK_DB
    block_s: float = BLOCK_S
    bed_gain_db: float = 0.0  # mastering gain for tones and bells
    voice_gain_db: float = 0.0  # mastering gain for speech

    @classmethod
    def for_bed(cls, bed: str) -> MixSettings:
        """Settings for a --tones choice: soft, normal or off (bells stay)."""
        if bed not in TONE_BEDS:
            raise OptionError(f"--tones must be one of {', '.join(TONE_BEDS)}, got {bed!r}")
        peak = TONE_BEDS[bed]
        return cls(tones=False) if peak is None else cls(tone_peak_dbfs=peak)


@functools.lru_cache(maxsize=64)
def _whole_sound(kind: str, length_n: int, sample_rate_hz: int) -> np.ndarray:
    """Every inhale (exhale, bell) of one length is the same wave: render it once."""
    if kind == "bell":
        wave = bell(length_n, 0, length_n, sample_rate_hz)
    else:
        wave = breath_tone(kind, length_n, 0, length_n, sample_rate_hz)
    wave.setflags(write=False)
    return wave


@functools.lru_cache(maxsize=8)
def _duck_ramps(attack_n: int, release_n: int, duck_gain: float) -> tuple[np.ndarray, np.ndarray]:
    """The tone gain over the attack (1 -> duck_gain) and the release (duck_gain -> 1).

    Between them the gain sits at duck_gain, so every event's curve is these two ramps
    and a constant: nothing is computed per event or per block.
    """
    attack = np.arange(attack_n, dtype=np.float64) / max(1, attack_n)
    release = (release_n - np.arange(release_n, dtype=np.float64)) / max(1, release_n)
    ramps = []
    for depth in (attack, release):
        ramp = (1.0 - (1.0 - duck_gain) * (0.5 - 0.5 * np.cos(np.pi * depth))).astype(np.float32)
        ramp.setflags(write=False)
        ramps.append(ramp)
    return ramps[0], ramps[1]


class _Index:
    """Events of some kinds, sorted by start, with fast 'which overlap [b0, b1)' look-ups."""

    def __init__(self, events: list[Event], pad_before_n: int = 0, pad_after_n: int = 0) -> None:
        self.events = sorted(events, key=lambda e: e.start_n)
        self.starts = np.array([e.start_n - pad_before_n for e in self.events], dtype=np.int64)
        self.max_len = max((e.end_n - e.start_n for e in self.events), default=0)
        self.pad = pad_before_n + pad_after_n

    def overlapping(self, b0: int, b1: int) -> list[Event]:
        lo = int(np.searchsorted(self.starts, b0 - self.max_len - self.pad, side="left"))
        hi = int(np.searchsorted(self.starts, b1, side="left"))
        return self.events[lo:hi]


def mix_blocks(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    settings: MixSettings = MixSettings(),
    start_n: int = 0,
) -> Iterator[np.ndarray]:
    """Yield int16 blocks covering samples [start_n, timeline.n_samples) (the buffer is reused)."""
    out = np.zeros(max(1, int(settings.block_s * timeline.sample_rate_hz)), dtype=np.int16)
    for mixed in mix_float_blocks(timeline, clips, settings, start_n):
        np.clip(mixed, -1.0, 1.0, out=mixed)
        np.multiply(mixed, 32767.0, out=mixed)
        size = len(mixed)
        out[:size] = np.rint(mixed)
        yield out[:size]


def mix_float_blocks(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    settings: MixSettings = MixSettings(),
    start_n: int = 0,
    end_n: int | None = None,
) -> Iterator[np.ndarray]:
    """Yield float32 blocks of [start_n, end_n) (full scale 1.0, not clipped; the buffer
    is reused). `clips` are int16 (full scale 32768) or float32 (full scale 1.0); they are
    read slice by slice, never copied whole.
    """
    end_n = timeline.n_samples if end_n is None else min(end_n, timeline.n_samples)
    sr = timeline.sample_rate_hz
    voice_gain = db_to_gain(settings.voice_gain_db)
    scales = {
        text: np.float32(voice_gain / 32768.0 if clip.dtype == np.int16 else voice_gain)
        for text, clip in clips.items()
    }
    block_n = max(1, int(settings.block_s * sr))
    attack_n, release_n = int(DUCK_ATTACK_S * sr), int(DUCK_RELEASE_S * sr)
    duck_gain = db_to_gain(settings.duck_db)
    ramps = _duck_ramps(attack_n, release_n, duck_gain)
    kinds = ("inhale", "exhale", "bell") if settings.tones else ("bell",)
    sounds = _Index([e for e in timeline.events if e.kind in kinds])
    speech = _Index(list(timeline.speech()))
    ducks = _Index(list(timeline.speech()), pad_before_n=attack_n, pad_after_n=release_n)
    bed_gain = db_to_gain(settings.bed_gain_db)
    tone_scale = db_to_gain(settings.tone_peak_dbfs - TONE_PEAK_DBFS) * bed_gain

    tone_bus = np.zeros(block_n, dtype=np.float32)
    voice_bus = np.zeros(block_n, dtype=np.float32)
    gain = np.ones(block_n, dtype=np.float32)
    mixed = np.zeros(block_n, dtype=np.float32)

    for b0 in range(start_n, end_n, block_n):
        b1 = min(b0 + block_n, end_n)
        size = b1 - b0
        tone_bus[:size] = 0.0
        voice_bus[:size] = 0.0
        gain[:size] = 1.0
        for event in sounds.overlapping(b0, b1):
            lo, hi = max(b0, event.start_n), min(b1, event.end_n)
            if lo >= hi:
                continue
            wave = _whole_sound(event.kind, event.end_n - event.start_n, sr)
            piece = wave[lo - event.start_n : hi - event.start_n]
            scale = bed_gain if event.kind == "bell" else tone_scale
            tone_bus[lo - b0 : hi - b0] += piece * scale
        for event in speech.overlapping(b0, b1):
            text = event.text or ""
            clip = clips[text]
            lo, hi = max(b0, event.start_n), min(b1, event.start_n + len(clip))
            if lo < hi:
                piece = clip[lo - event.start_n : hi - event.start_n]
                voice_bus[lo - b0 : hi - b0] += piece * scales[text]
        for event in ducks.overlapping(b0, b1):
            _apply_duck(gain[:size], b0, event, ramps, duck_gain)
        np.multiply(tone_bus[:size], gain[:size], out=mixed[:size])
        mixed[:size] += voice_bus[:size]
        yield mixed[:size]


def _apply_duck(
    gain: np.ndarray, b0: int, event: Event, ramps: tuple[np.ndarray, np.ndarray], duck_gain: float
) -> None:
    """Lower `gain` (the block starting at sample b0) toward duck_gain over
    [start - attack, end + release): the attack ramp, the held level, the release ramp."""
    attack, release = ramps
    b1 = b0 + len(gain)
    for lo, hi, curve in (
        (event.start_n - len(attack), event.start_n, attack),
        (event.start_n, event.end_n, None),
        (event.end_n, event.end_n + len(release), release),
    ):
        a, b = max(b0, lo), min(b1, hi)
        if a >= b:
            continue
        view = gain[a - b0 : b - b0]
        if curve is None:
            np.minimum(view, np.float32(duck_gain), out=view)
        else:
            np.minimum(view, curve[a - lo : b - lo], out=view)
