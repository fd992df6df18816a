"""The real pyttsx3 engine (espeak-ng from the espeakng-loader wheel): its traps, handled."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from softpace.errors import VoiceError
from softpace.voice.pyttsx3_engine import EspeakSettings
from softpace.voice.registry import engine as open_engine


@pytest.fixture(scope="module")
def engine():
    return open_engine("espeak")


def test_two_hundred_utterances_give_two_hundred_complete_clips(engine, capfd):
    lengths = []
    for i in range(200):
        clip = engine.synthesize(
            f"Breath number {i}. Soft jaw.", EspeakSettings("gmw/en-us", 175, 50, 1.0)
        )
        assert clip.sample_rate_hz == 22_050  # read from the WAV header, not assumed
        assert clip.samples.dtype == np.int16
        # each clip holds speech: about a second or more, and not silence
        assert clip.duration_s > 0.8
        assert np.abs(clip.samples).max() > 3000
        lengths.append(len(clip.samples))
    # different words make different clips (no clip overwritten by the next)
    short = engine.synthesize("Soft.", EspeakSettings("gmw/en-us", 175, 50, 1.0))
    assert len(short.samples) < min(lengths)
    out, _ = capfd.readouterr()
    assert out == ""  # "Audio saved to ..." never reaches stdout


def test_nothing_printed_to_python_stdout(engine, capsys):
    engine.synthesize("Quiet please.", EspeakSettings("gmw/en-us", 150, 50, 1.0))
    assert capsys.readouterr().out == ""
    assert sys.stdout is not None


def test_a_bad_voice_is_a_clear_error(engine):
    with pytest.raises(VoiceError) as err:
        engine.synthesize("Hello.", EspeakSettings("no-such-voice", 150, 50, 1.0))
    assert "no-such-voice" in str(err.value)
    assert "gmw/en-us" in str(err.value)


def test_voice_variants_and_rate_are_applied(engine):
    slow = engine.synthesize(
        "Let your jaw soften and your breath slow.", EspeakSettings("gmw/en-us", 100, 50, 1.0)
    )
    fast = engine.synthesize(
        "Let your jaw soften and your breath slow.", EspeakSettings("gmw/en-us", 250, 50, 1.0)
    )
    assert slow.duration_s > 1.6 * fast.duration_s
    variant = engine.synthesize("Hello there.", EspeakSettings("gmw/en-us+f3", 150, 50, 1.0))
    assert variant.duration_s > 0.3


def test_engine_lists_installed_voices(engine):
    ids = {v.id for v in engine.voices()}
    assert {"gmw/en-us", "gmw/en"} <= ids
    assert len(ids) > 50


def test_each_utterance_gets_its_own_rate_and_voice(engine):
    """Regression: pyttsx3's async espeak driver let the previous rate and audio leak
    into the next clip. The same request must give the same clip (espeak itself varies
    by a few milliseconds), and the rate must always be the one asked for."""
    lengths: dict[tuple, set[int]] = {}
    for i in range(40):
        request = (
            f"Breath number {i % 4}.",
            "gmw/en-us+f3" if i % 3 else "gmw/en-us",
            100 if i % 2 else 250,
            50,
            1.0,
        )
        clip = engine.synthesize(request[0], EspeakSettings(*request[1:]))
        lengths.setdefault(request, set()).add(len(clip.samples))
    for request, seen in lengths.items():
        assert max(seen) <= min(seen) * 1.02, (request, seen)
    by_rate = {rate: [min(v) for k, v in lengths.items() if k[2] == rate] for rate in (100, 250)}
    assert min(by_rate[100]) > 2 * max(by_rate[250])
