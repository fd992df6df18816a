"""Small signal helpers: resampling, silence trimming, smooth edge ramps, dB conversion."""

from __future__ import annotations

import numpy as np

SILENCE_DBFS = -45.0
EDGE_MARGIN_S = 0.02
EDGE_RAMP_S = 0.008
# Every spoken line is brought to this loudness (BS.1770, the line's own) with its true
# peaks limited to SPEECH_CEILING_DBTP, once, when it enters the speech cache.
SPEECH_LUFS = -17.5  # a little above the session target, so mastering turns it down
SPEECH_CEILING_DBTP = -2.3


def db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def raised_cosine(n: int) -> np.ndarray:
    """0 -> 1 over n samples with zero slope at both ends (no clicks)."""
    if n <= 0:
        return np.zeros(0, dtype=np.float32)
    t = (np.arange(n, dtype=np.float64) + 0.5) / n
    return (0.5 - 0.5 * np.cos(np.pi * t)).astype(np.float32)


def ramp_edges(samples: np.ndarray, ramp_n: int) -> np.ndarray:
    """Fade the first and last ramp_n samples in and out (returns a new float32 array)."""
    out = samples.astype(np.float32, copy=True)
    ramp_n = min(ramp_n, len(out) // 2)
    if ramp_n > 0:
        ramp = raised_cosine(ramp_n)
        out[:ramp_n] *= ramp
        out[-ramp_n:] *= ramp[::-1]
    return out


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """float32 in, float32 out. Whole-number up-sampling uses a windowed-sinc low-pass."""
    x = np.asarray(samples, dtype=np.float32)
    if from_hz == to_hz or len(x) == 0:
        return x.copy()
    if to_hz % from_hz == 0:
        factor = to_hz // from_hz
        stuffed = np.zeros(len(x) * factor, dtype=np.float32)
        stuffed[::factor] = x
        taps = 24 * factor + 1
        n = np.arange(taps) - (taps - 1) / 2
        kernel = np.sinc(n / factor) / factor * np.blackman(taps)
        # every factor-th input is non-zero, so a kernel summing to `factor` keeps the level
        kernel = (kernel / kernel.sum() * factor).astype(np.float32)
        full = np.convolve(stuffed, kernel)  # 'same' mode misbehaves for inputs < kernel
        offset = (taps - 1) // 2
        return full[offset : offset + len(stuffed)].astype(np.float32)
    n_out = round(len(x) * to_hz / from_hz)
    positions = np.arange(n_out, dtype=np.float64) * (from_hz / to_hz)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


def trim_silence(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Cut leading and trailing silence, keeping a short margin around the sound."""
    level = db_to_gain(SILENCE_DBFS)
    loud = np.flatnonzero(np.abs(samples) > level)
    if len(loud) == 0:
        return samples[:0]
    margin = int(EDGE_MARGIN_S * sample_rate_hz)
    return samples[max(0, loud[0] - margin) : loud[-1] + 1 + margin]


def prepare_speech(raw: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Engine int16 -> session-rate int16: resampled, trimmed, brought to SPEECH_LUFS with
    peaks limited to SPEECH_CEILING_DBTP, edges ramped."""
    from softpace.audio.loudness import clip_loudness_lufs, limit_peaks

    x = resample(raw.astype(np.float32) / 32768.0, from_hz, to_hz)
    x = trim_silence(x, to_hz)
    if len(x):
        x = x * db_to_gain(SPEECH_LUFS - clip_loudness_lufs(x, to_hz))
        x = limit_peaks(x, SPEECH_CEILING_DBTP, to_hz)
    x = ramp_edges(x, int(EDGE_RAMP_S * to_hz))
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)
