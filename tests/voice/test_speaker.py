from __future__ import annotations

from dataclasses import replace

import numpy as np

from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker


def test_clips_are_at_the_session_rate_and_trimmed(fake_speaker):
    clip = fake_speaker.clip("Soft jaw, soft pelvic floor.")
    assert clip.dtype == np.int16
    raw_s = len("Soft jaw, soft pelvic floor.") * 0.055
    # the fake engine adds 0.1 s of silence each side; the speaker trims it
    assert abs(len(clip) / 44_100 - raw_s) < 0.06
    assert abs(int(clip[0])) < 200 and abs(int(clip[-1])) < 200  # ramped edges
    assert fake_speaker.measure("Soft jaw, soft pelvic floor.") == len(clip)


def test_a_second_render_synthesizes_nothing(fake_engine, tmp_path):
    profile = get_profile("calm")
    first = Speaker(fake_engine, profile, tmp_path / "cache")
    texts = [f"line {i}" for i in range(20)]
    clips = [first.clip(t) for t in texts]
    assert first.synthesized == 20
    second = Speaker(fake_engine, profile, tmp_path / "cache")
    again = [second.clip(t) for t in texts]
    assert second.synthesized == 0
    assert all(np.array_equal(a, b) for a, b in zip(clips, again, strict=True))


def test_cache_key_follows_voice_settings(fake_engine, tmp_path):
    profile = get_profile("calm")
    Speaker(fake_engine, profile, tmp_path / "c").clip("hello")
    slower = Speaker(fake_engine, replace(profile, rate_wpm=100), tmp_path / "c")
    slower.clip("hello")
    assert slower.synthesized == 1


def test_a_damaged_cache_entry_is_remade(fake_engine, tmp_path):
    profile = get_profile("calm")
    Speaker(fake_engine, profile, tmp_path / "c").clip("hello")
    for path in (tmp_path / "c").rglob("*.npy"):
        path.write_bytes(b"not numpy")
    again = Speaker(fake_engine, profile, tmp_path / "c")
    assert len(again.clip("hello")) > 0
    assert again.synthesized == 1
