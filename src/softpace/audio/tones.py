"""Breath-paced tones and the bell, generated with numpy.

Inhale: a soft tone that swells up while its pitch rises a little. Exhale: a lower tone
that starts full and fades away while its pitch falls. Both open and close on smooth
raised-cosine ramps, so the turn of the breath is a short, soft dip (no click) that sits
exactly on the Timeline's phase change.

Every function renders any slice [offset_n, offset_n + count) of an event, so the mixer
can work block by block and the waveform is the same whatever the block size.
"""

from __future__ import annotations

import numpy as np

from softpace.audio.dsp import db_to_gain

TONE_PEAK_DBFS = -33.0  # a soft bed: over 20 LU below the voice (-18 LUFS), under the gate
TURN_RAMP_S = 0.12  # the soft dip at each phase change
HARMONICS = ((1.0, 1.0), (2.0, 0.25), (3.0, 0.08))  # (multiple, relative level)

# (start Hz, end Hz) for each phase: the inhale rises, the exhale falls and sits lower.
PITCH_HZ = {"inhale": (196.0, 220.0), "exhale": (174.6, 146.8)}

BELL_PARTIALS = ((660.0, 1.0, 1.6), (1320.0, 0.35, 0.9), (1980.0, 0.12, 0.5), (2735.0, 0.08, 0.35))
BELL_PEAK_DBFS = -16.0
BELL_ATTACK_S = 0.006


def _ramp(t: np.ndarray) -> np.ndarray:
    """Raised cosine of t in [0, 1] (clipped)."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(t, 0.0, 1.0))


def breath_tone(
    kind: str,
    length_n: int,
    offset_n: int,
    count: int,
    sample_rate_hz: int,
    peak_dbfs: float = TONE_PEAK_DBFS,
) -> np.ndarray:
    """Samples [offset_n, offset_n + count) of one inhale or exhale tone lasting length_n."""
    n = np.arange(offset_n, offset_n + count, dtype=np.float64)
    t = n / sample_rate_hz
    length_s = length_n / sample_rate_hz
    f0, f1 = PITCH_HZ[kind]
    # phase of a linear glide f0 -> f1: 2*pi*(f0*t + (f1 - f0) * t^2 / (2 * T))
    phase = 2.0 * np.pi * (f0 * t + (f1 - f0) * t * t / (2.0 * length_s))
    wave = np.zeros(count, dtype=np.float64)
    for multiple, level in HARMONICS:
        wave += level * np.sin(multiple * phase)
    wave /= sum(level for _, level in HARMONICS)
    turn_s = min(TURN_RAMP_S, length_s / 4)
    edge_in = _ramp(t / turn_s)
    edge_out = _ramp((length_s - t) / turn_s)
    if kind == "inhale":
        swell = 0.25 + 0.75 * _ramp(t / length_s)  # grows toward the turn
    else:
        swell = 0.25 + 0.75 * _ramp((length_s - t) / length_s)  # fades away
    envelope = edge_in * edge_out * swell * db_to_gain(peak_dbfs)
    return (wave * envelope).astype(np.float32)


def bell(length_n: int, offset_n: int, count: int, sample_rate_hz: int) -> np.ndarray:
    """Samples of a soft struck bell: a quick smooth attack, decaying partials, a final fade."""
    n = np.arange(offset_n, offset_n + count, dtype=np.float64)
    t = n / sample_rate_hz
    length_s = length_n / sample_rate_hz
    wave = np.zeros(count, dtype=np.float64)
    for freq_hz, level, decay_s in BELL_PARTIALS:
        wave += level * np.exp(-t / decay_s) * np.sin(2.0 * np.pi * freq_hz * t)
    wave /= sum(level for _, level, _ in BELL_PARTIALS)
    envelope = _ramp(t / BELL_ATTACK_S) * _ramp((length_s - t) / 0.3)
    return (wave * envelope * db_to_gain(BELL_PEAK_DBFS)).astype(np.float32)
