"""Mastering: the whole session at the spoken-word loudness, peaks under the ceiling.

Speech arrives already at SPEECH_LUFS with its true peaks limited (done once per line,
when it enters the speech cache: see audio.dsp.prepare_speech), and the tones sit well
below it, so what is left per session is one gain. A first pass over the mix, block by
block (nothing held whole), measures integrated loudness (BS.1770); the second pass mixes
again with the gain that reaches TARGET_LUFS. A gain below 0 dB only lowers the peaks;
a gain well above it (a session that is mostly quiet breathing) limits the lines again
at their final level. The measurement depends only on what is mixed, so a caller that
already knows it (render caches it by the timeline, the voice and the settings) passes
it in and the session is mixed once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from softpace.audio.dsp import SPEECH_CEILING_DBTP
from softpace.audio.loudness import SILENCE_LUFS, LoudnessMeter, gated_lufs, limit_peaks
from softpace.audio.mixer import MixSettings, mix_blocks, mix_float_blocks
from softpace.timeline import Timeline

TARGET_LUFS = -19.0  # spoken word, mono (the -16 LUFS stereo convention)
TRUE_PEAK_CEILING_DBTP = -1.5  # the most a decoded session may reach
# The MP3 encoder's low-pass takes away some of the high end that K-weighting counts:
# decoded sessions measured 0.45 LU below the mix on every stage, so the mix aims above.
MP3_LOUDNESS_LOSS_LU = 0.45
# Lines are limited 0.8 dB under TRUE_PEAK_CEILING_DBTP (0.3 dB of it is the
# MP3's own overshoot), so a gain up to 0.5 dB needs no second limiting.
LIMIT_AGAIN_ABOVE_DB = 0.5
WARM_UP_S = 1.0  # K-weighting filters settle within milliseconds; one second is ample


@dataclass(frozen=True)
class Mastering:
    measured_lufs: float  # the mix before mastering
    gain_db: float  # applied to reach the target


def measure_mix(
    timeline: Timeline, clips: Mapping[str, np.ndarray], settings: MixSettings, start_n: int = 0
) -> float:
    """Integrated loudness (LUFS) of the mix as `settings` make it.

    The two halves are mixed and measured in two threads (numpy releases the GIL
    for its loops). The second half's filters settle on WARM_UP_S of audio before
    its cut, which is on a 100 ms hop boundary, so the halves join seamlessly.
    """
    sr = timeline.sample_rate_hz
    hop_n = LoudnessMeter(sr).hop_n
    middle = start_n + ((timeline.n_samples - start_n) // 2 // hop_n) * hop_n
    warm_n = min(middle - start_n, int(WARM_UP_S * sr))

    def measure(lo: int, hi: int, warm_from: int) -> list[float]:
        meter = LoudnessMeter(sr)
        if warm_from < lo:
            for block in mix_float_blocks(timeline, clips, settings, warm_from, lo):
                meter.feed(block, warm_up=True)
        for block in mix_float_blocks(timeline, clips, settings, lo, hi):
            meter.feed(block)
        return meter.hop_energies()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(measure, start_n, middle, start_n)
        second = pool.submit(measure, middle, timeline.n_samples, middle - warm_n)
        hops = first.result() + second.result()
    return gated_lufs(hops, hop_n)


def master(
    timeline: Timeline,
    clips: Mapping[str, np.ndarray],
    settings: MixSettings | None = None,
    start_n: int = 0,
    target_lufs: float = TARGET_LUFS,
    measured_lufs: float | None = None,
) -> tuple[Mastering, Iterator[np.ndarray]]:
    """The mastering figures, and the mastered session as int16 blocks (for the MP3
    encoder: the decoded file lands on `target_lufs`). `measured_lufs`, when given, is
    what measure_mix returned for the same timeline, clips, settings and start_n."""
    settings = settings or MixSettings()
    if measured_lufs is None:
        measured_lufs = measure_mix(timeline, clips, settings, start_n)
    measured = measured_lufs
    aim = target_lufs + MP3_LOUDNESS_LOSS_LU
    gain_db = 0.0 if measured <= SILENCE_LUFS else aim - measured
    final = replace(settings, bed_gain_db=settings.bed_gain_db + gain_db)
    voices = clips
    if gain_db > LIMIT_AGAIN_ABOVE_DB:  # much louder than the lines were prepared for
        gain = np.float32(10 ** (gain_db / 20.0) / 32768.0)
        sr = timeline.sample_rate_hz
        voices = {t: limit_peaks(c * gain, SPEECH_CEILING_DBTP, sr) for t, c in clips.items()}
    else:
        final = replace(final, voice_gain_db=settings.voice_gain_db + gain_db)
    return Mastering(measured, gain_db), mix_blocks(timeline, voices, final, start_n)
