from __future__ import annotations

import numpy as np

from softpace.audio.mixer import MixSettings, mix_blocks
from softpace.script.compiler import compile_timeline
from softpace.script.cues import parse_cues
from tests.conftest import rms_db

SR = 44_100


def _session(fake_speaker, text):
    timeline = compile_timeline(
        parse_cues(text), fake_speaker.measure, stage="t", title="T", inhale_s=4, exhale_s=6
    )
    clips = {e.text: fake_speaker.clip(e.text) for e in timeline.speech()}
    return timeline, clips


def _mix(timeline, clips, **kwargs):
    blocks = [b.copy() for b in mix_blocks(timeline, clips, MixSettings(**kwargs))]
    return np.concatenate(blocks).astype(np.float32) / 32768.0


def test_length_and_block_size_do_not_change_the_result(fake_speaker):
    timeline, clips = _session(
        fake_speaker,
        "segment a 40 A\nsay Settle in and breathe.\nbreathe 2 say In | Out\n"
        "bell\nhold 12 countdown\n",
    )
    a = _mix(timeline, clips, block_s=4.0)
    b = _mix(timeline, clips, block_s=0.37)
    assert len(a) == timeline.n_samples
    np.testing.assert_array_equal(a, b)


def test_speech_and_tones_sit_where_the_timeline_puts_them(fake_speaker):
    timeline, clips = _session(
        fake_speaker,
        "segment a 60 A\nsay A long sentence to settle into the practice.\n"
        "breathe 2\npause 3\nbreathe 2 say Inhale widen | exhale soften\n",
    )
    audio = _mix(timeline, clips)
    speech = timeline.speech()
    first = speech[0]
    assert rms_db(audio[first.start_n + 2000 : first.end_n - 2000]) > -25
    quiet = next(e for e in timeline.events if e.kind == "pause" and e.start_n > first.end_n)
    assert rms_db(audio[quiet.start_n + 5000 : quiet.end_n - 5000]) < -80
    breaths = [e for e in timeline.events if e.kind in ("inhale", "exhale")]
    plain = breaths[:4]
    for e in plain:
        middle = audio[(e.start_n * 3 + e.end_n) // 4 : (e.start_n + e.end_n * 3) // 4]
        assert -50 < rms_db(middle) < -25


def test_tones_duck_at_least_ten_db_under_speech(fake_speaker):
    timeline, clips = _session(fake_speaker, "segment a 30 A\nbreathe 2 say In now | Out now\n")
    tones_only = _mix(timeline, {k: np.zeros_like(v) for k, v in clips.items()})
    no_duck = _mix(timeline, {k: np.zeros_like(v) for k, v in clips.items()}, duck_db=0.0)
    said = timeline.speech()[1]  # "Out now" over the exhale's full-level start
    inner = slice(said.start_n + 4000, said.end_n - 1000)
    assert rms_db(no_duck[inner]) - rms_db(tones_only[inner]) >= 12
    with_voice = _mix(timeline, clips)
    assert rms_db(with_voice[inner]) - rms_db(tones_only[inner]) >= 10


def test_tones_off_leaves_only_voice_and_bells(fake_speaker):
    timeline, clips = _session(fake_speaker, "segment a 31 A\nbreathe 3\n")
    assert np.abs(_mix(timeline, clips, tones=False)).max() == 0


def test_tone_beds_soft_normal_and_off(fake_speaker):
    import pytest

    from softpace.errors import OptionError

    timeline, clips = _session(fake_speaker, "segment a 30 A\nbreathe fill\n")
    silent = {k: np.zeros_like(v) for k, v in clips.items()}
    normal = rms_db(_mix(timeline, silent, **vars(MixSettings.for_bed("normal"))))
    soft = rms_db(_mix(timeline, silent, **vars(MixSettings.for_bed("soft"))))
    off = rms_db(_mix(timeline, silent, **vars(MixSettings.for_bed("off"))))
    assert normal - soft == pytest.approx(6.0, abs=0.2)
    assert off < -90
    with pytest.raises(OptionError, match="soft, normal, off"):
        MixSettings.for_bed("loud")
