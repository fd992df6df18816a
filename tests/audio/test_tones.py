from __future__ import annotations

import numpy as np

from softpace.audio.tones import PITCH_HZ, bell, breath_tone

SR = 44_100


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / SR)[np.argmax(spectrum)])


def test_inhale_rises_and_exhale_falls_in_level_and_pitch():
    n_in, n_out = 4 * SR, 6 * SR
    inhale = breath_tone("inhale", n_in, 0, n_in, SR)
    exhale = breath_tone("exhale", n_out, 0, n_out, SR)
    q = SR // 2
    # level: inhale swells toward its end, exhale fades from its start
    assert np.abs(inhale[-2 * q : -q]).max() > 2 * np.abs(inhale[q : 2 * q]).max()
    assert np.abs(exhale[q : 2 * q]).max() > 2 * np.abs(exhale[-2 * q : -q]).max()
    # pitch: the inhale sits higher than the exhale, inside its glide
    assert PITCH_HZ["inhale"][0] - 3 <= dominant_hz(inhale) <= PITCH_HZ["inhale"][1] + 3
    assert PITCH_HZ["exhale"][1] - 3 <= dominant_hz(exhale) <= PITCH_HZ["exhale"][0] + 3
    assert dominant_hz(inhale) > dominant_hz(exhale) + 15


def test_envelopes_start_and_end_at_silence():
    for kind, n in (("inhale", 2 * SR), ("exhale", 10 * SR)):
        tone = breath_tone(kind, n, 0, n, SR)
        assert abs(tone[0]) < 1e-4 and abs(tone[-1]) < 1e-4
    chime = bell(3 * SR, 0, 3 * SR, SR)
    assert abs(chime[0]) < 1e-4 and abs(chime[-1]) < 1e-4


def test_no_clicks_anywhere():
    """Sample-to-sample steps stay far below what an edge or a jump would make."""
    for kind in ("inhale", "exhale"):
        tone = breath_tone(kind, 4 * SR, 0, 4 * SR, SR)
        peak = np.abs(tone).max()
        # a pure 220 Hz sine with harmonics steps at most ~ 2*pi*f*3/SR of its peak
        assert np.abs(np.diff(tone)).max() < peak * 0.12
    chime = bell(3 * SR, 0, 3 * SR, SR)
    assert np.abs(np.diff(chime)).max() < np.abs(chime).max() * 0.5


def test_any_slice_renders_the_same_samples():
    n = 6 * SR
    whole = breath_tone("exhale", n, 0, n, SR)
    pieces = np.concatenate(
        [breath_tone("exhale", n, a, min(n, a + 12_345) - a, SR) for a in range(0, n, 12_345)]
    )
    np.testing.assert_allclose(pieces, whole, atol=1e-6)
