from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

from softpace.audio.dsp import prepare_speech, ramp_edges, resample, trim_silence


def test_resample_doubles_length_and_keeps_pitch():
    t = np.arange(22_050) / 22_050
    x = np.sin(2 * np.pi * 300 * t).astype(np.float32)
    y = resample(x, 22_050, 44_100)
    assert len(y) == 44_100
    spectrum = np.abs(np.fft.rfft(y))
    assert abs(np.fft.rfftfreq(len(y), 1 / 44_100)[np.argmax(spectrum)] - 300) < 2
    assert 0.95 < np.abs(y[1000:-1000]).max() < 1.05


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5000), st.sampled_from([16_000, 22_050, 24_000, 44_100]))
def test_resample_length_follows_the_rate_ratio(n, rate):
    y = resample(np.ones(n, dtype=np.float32), rate, 44_100)
    assert abs(len(y) - n * 44_100 / rate) <= 1


def test_trim_and_ramp():
    x = np.concatenate([np.zeros(1000), np.full(5000, 0.5), np.zeros(1000)]).astype(np.float32)
    trimmed = trim_silence(x, 44_100)
    assert 5000 <= len(trimmed) <= 5000 + 2 * 882
    ramped = ramp_edges(np.ones(1000, dtype=np.float32), 100)
    assert ramped[0] < 0.01 and ramped[-1] < 0.01 and ramped[500] == 1.0
    assert len(trim_silence(np.zeros(100, dtype=np.float32), 44_100)) == 0


def test_prepare_speech_gives_int16_at_the_session_rate():
    raw = (np.sin(np.arange(22_050) / 5) * 20_000).astype(np.int16)
    out = prepare_speech(raw, 22_050, 44_100)
    assert out.dtype == np.int16 and abs(len(out) - 44_100) < 900
