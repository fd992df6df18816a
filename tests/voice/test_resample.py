"""Any engine rate to the session rate, at the quality of today's whole-number path."""

from __future__ import annotations

import numpy as np
import pytest

from softpace.voice.resample import to_rate


def tone(freq_hz: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return np.sin(2 * np.pi * freq_hz * t).astype(np.float32)


def spectrum_db(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    power = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / rate), 20 * np.log10(power / power.max() + 1e-12)


@pytest.mark.parametrize("freq_hz", [200.0, 1000.0, 4000.0, 9000.0])
def test_hibari_rate_keeps_pitch_and_level_with_no_images(freq_hz):
    out = to_rate(tone(freq_hz, 24_000), 24_000, 44_100)
    assert len(out) == 44_100
    middle = out[2000:-2000]
    assert abs(np.sqrt(np.mean(middle**2)) - np.sqrt(0.5)) < 0.01
    freqs, db = spectrum_db(middle, 44_100)
    assert abs(freqs[db.argmax()] - freq_hz) < 3
    # linear interpolation leaves images near 24 kHz - f at about -40 dB
    assert db[np.abs(freqs - freq_hz) > 300].max() < -70


def test_down_sampling_removes_what_the_session_rate_cannot_hold():
    out = to_rate(tone(23_500, 48_000), 48_000, 44_100)
    assert np.sqrt(np.mean(out[2000:-2000] ** 2)) < 0.02 * np.sqrt(0.5)


def test_whole_number_ratios_keep_todays_filter():
    from softpace.audio.dsp import resample

    x = np.random.default_rng(1).standard_normal(2205).astype(np.float32)
    assert np.array_equal(to_rate(x, 22_050, 44_100), resample(x, 22_050, 44_100))
