"""Engine rate -> session rate at the same quality whatever the ratio.

Whole-number up-sampling (espeak and Piper: 22,050 -> 44,100 Hz) keeps the windowed-sinc
filter in audio/dsp.py, so those clips are unchanged. Other ratios (hibari's 24 kHz,
recordings at 48 kHz) use a polyphase windowed-sinc filter here: linear interpolation
would mirror hibari's speech above 12 kHz as audible hiss.
"""

from __future__ import annotations

import functools
from math import gcd

import numpy as np

ZERO_CROSSINGS = 16  # filter half-length, in zero crossings of the lower rate's sinc
ROLLOFF = 0.94  # pass band edge as a fraction of the lower Nyquist frequency
KAISER_BETA = 8.6  # about 80 dB of stop-band attenuation


def to_rate(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """float32 in (any scale), float32 out at `to_hz`."""
    from softpace.audio.dsp import resample

    x = np.asarray(samples, dtype=np.float32)
    if from_hz == to_hz or len(x) == 0 or to_hz % from_hz == 0:
        return resample(x, from_hz, to_hz)
    divisor = gcd(from_hz, to_hz)
    return polyphase(x, to_hz // divisor, from_hz // divisor)


@functools.lru_cache(maxsize=8)
def _table(up: int, down: int) -> tuple[np.ndarray, int]:
    """Per output phase, the filter taps (rows sum to 1); and the half-width K."""
    cutoff = min(1.0, up / down) * ROLLOFF  # relative to the input's Nyquist
    half = int(np.ceil(ZERO_CROSSINGS / cutoff))
    offsets = np.arange(-half + 1, half + 1)  # input samples around floor(t)
    phases = np.arange(up)[:, None] / up  # the fractional input position of each phase
    t = phases - offsets[None, :]
    window = np.kaiser(2 * half + 1, KAISER_BETA)
    # the window, sampled at t (continuous) by interpolating the tabulated Kaiser
    w = np.interp(t, np.arange(-half, half + 1), window, left=0.0, right=0.0)
    taps = cutoff * np.sinc(cutoff * t) * w
    taps /= taps.sum(axis=1, keepdims=True)
    return taps.astype(np.float32), half


def polyphase(x: np.ndarray, up: int, down: int) -> np.ndarray:
    """Output n reads 2K inputs from floor(n * down / up) - K + 1 with the taps of its
    phase. Outputs n, n + up, n + 2 up, ... share a phase and step `down` inputs apart,
    so each phase is one strided matrix-vector product."""
    taps, half = _table(up, down)
    n_out = (len(x) * up) // down
    padded = np.concatenate([np.zeros(half, np.float32), x, np.zeros(half + 1, np.float32)])
    out = np.empty(n_out, np.float32)
    step = padded.strides[0]
    for first in range(min(up, n_out)):
        count = len(range(first, n_out, up))
        start = (first * down) // up + 1
        rows = np.lib.stride_tricks.as_strided(
            padded[start:], shape=(count, 2 * half), strides=(down * step, step), writeable=False
        )
        out[first::up] = rows @ taps[(first * down) % up]
    return out
