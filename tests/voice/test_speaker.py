from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from softpace.errors import SpeechEngineError
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker, load_clip


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


def test_cache_key_follows_engine_settings(fake_engine, tmp_path):
    profile = get_profile("calm")
    Speaker(fake_engine, profile, tmp_path / "c").clip("hello")
    slower = replace(
        profile, settings=replace(profile.settings, speed=profile.settings.speed - 0.05)
    )
    other = Speaker(fake_engine, slower, tmp_path / "c")
    other.clip("hello")
    assert other.synthesized == 1


def test_the_engine_receives_the_lexicon_form(fake_engine, tmp_path):
    hibari = Speaker(fake_engine, get_profile("calm"), tmp_path / "c")
    hibari.clip("Reverse Kegels, 2 cm.")
    espeak = Speaker(fake_engine, get_profile("espeak-calm"), tmp_path / "c")
    espeak.clip("Reverse Kegels, 2 cm.")
    assert fake_engine.calls == [
        "Reverse [Kegels](/kˈiɡᵊlz/), 2 centimetres.",
        "Reverse [[k'i:g@lz]], 2 centimetres.",
    ]


def _damage_every_clip(folder, damage):
    paths = list(folder.rglob("*.clip"))
    assert paths
    for path in paths:
        path.write_bytes(damage(path.read_bytes()))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",  # empty: once gave "Aborted!"
        lambda data: b"not numpy",
        lambda data: data[:-7] + b"\x7f" * 7,  # random bytes in the samples: a loud burst
        lambda data: data[:40] + bytes(reversed(data[40:])),
        lambda data: data[: len(data) // 2],  # truncated
    ],
)
def test_a_damaged_cache_entry_is_detected_and_remade(fake_engine, tmp_path, damage):
    profile = get_profile("calm")
    first = Speaker(fake_engine, profile, tmp_path / "c").clip("hello there")
    _damage_every_clip(tmp_path / "c", damage)
    for path in (tmp_path / "c").rglob("*.clip"):
        assert load_clip(path) is None
    again = Speaker(fake_engine, profile, tmp_path / "c")
    assert np.array_equal(again.clip("hello there"), first)
    assert again.synthesized == 1
    third = Speaker(fake_engine, profile, tmp_path / "c")  # the repaired entry is good
    third.clip("hello there")
    assert third.synthesized == 0


@pytest.mark.parametrize(
    "samples",
    [np.zeros((2, 3), np.int16), np.ones(5, np.float32), np.zeros(0, np.int16)],
    ids=["two-dimensional", "float", "empty"],
)
def test_a_clip_of_the_wrong_shape_is_remade(fake_engine, tmp_path, samples):
    """A cache file whose checksum is good but whose samples are not a clip."""
    import hashlib
    import io

    from softpace.voice import speaker

    profile = get_profile("calm")
    first = Speaker(fake_engine, profile, tmp_path / "c").clip("hello")
    (path,) = (tmp_path / "c").rglob("*.clip")
    buffer = io.BytesIO()
    np.save(buffer, samples, allow_pickle=False)
    payload = buffer.getvalue()
    path.write_bytes(speaker._MAGIC + hashlib.sha256(payload).digest() + payload)
    assert load_clip(path) is None
    again = Speaker(fake_engine, profile, tmp_path / "c")
    assert np.array_equal(again.clip("hello"), first) and again.synthesized == 1


def test_a_clips_digest_names_its_samples_made_or_read_back(fake_engine, tmp_path):
    """The mix key takes each clip's checksum from its cache file instead of hashing the
    samples again: the same figure whether the clip was just made or read back."""
    import hashlib
    import io

    made = Speaker(fake_engine, get_profile("calm"), tmp_path / "c")
    read = Speaker(fake_engine, get_profile("calm"), tmp_path / "c")
    held = Speaker(fake_engine, get_profile("calm"), None)
    for text in ("hello", "soft jaw"):
        fresh = made.digest(text)
        buffer = io.BytesIO()
        np.save(buffer, made.clip(text), allow_pickle=False)
        assert fresh == hashlib.sha256(buffer.getvalue()).digest()
        assert read.digest(text) == fresh == held.digest(text)
    assert read.synthesized == 0 and made.digest("hello") != made.digest("soft jaw")


def test_a_read_only_cache_does_not_stop_speech(fake_engine, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        speaker = Speaker(fake_engine, get_profile("calm"), folder / "cache")
        assert len(speaker.clip("hello")) > 0
    finally:
        folder.chmod(0o700)


def test_engine_errors_name_the_profile_file(tmp_path):
    class Failing:
        name = "failing"

        def identity(self, settings):
            return ("failing",)

        def synthesize(self, text, settings):
            raise SpeechEngineError("the model fell over")

    (tmp_path / "mine.toml").write_text('engine = "hibari"\n')
    speaker = Speaker(Failing(), get_profile("mine", tmp_path), None)
    with pytest.raises(SpeechEngineError, match=r"mine\.toml: the model fell over"):
        speaker.clip("hello")


def test_a_stored_clip_is_read_back_not_held(fake_engine, tmp_path):
    """Measuring a session's words keeps none of their samples in memory once each is in
    the cache: the mix reads them back, the same samples, without speaking again."""
    speaker = Speaker(fake_engine, get_profile("calm"), tmp_path / "cache")
    made = speaker.clip("Let the jaw hang soft.")
    assert not speaker._memo
    again = speaker.clip("Let the jaw hang soft.")
    assert np.array_equal(made, again)
    assert speaker.synthesized == 1 and fake_engine.calls == ["Let the jaw hang soft."]
    assert not again.flags.writeable and not made.flags.writeable


@pytest.mark.parametrize("cache", ["none", "unwritable"])
def test_a_clip_that_cannot_be_stored_is_held(fake_engine, tmp_path, cache):
    blocked = tmp_path / "a-file"  # a cache folder under a file cannot be made, even by root
    blocked.write_text("")
    where = None if cache == "none" else blocked / "cache"
    speaker = Speaker(fake_engine, get_profile("calm"), where)
    first = speaker.clip("hello")
    assert speaker.clip("hello") is first
    assert fake_engine.calls == ["hello"]


class _Releasing:
    """The fake engine's speech, counting the releases it is asked for."""

    name = "releasing"

    def __init__(self, engine):
        self.engine = engine
        self.released = 0

    def identity(self, settings):
        return self.engine.identity(settings)

    def synthesize(self, text, settings):
        return self.engine.synthesize(text, settings)

    def release(self):
        self.released += 1


def test_release_lets_the_engine_drop_its_models(fake_engine, tmp_path):
    engine = _Releasing(fake_engine)
    speaker = Speaker(engine, get_profile("calm"), tmp_path / "cache")
    speaker.release()
    assert engine.released == 0  # nothing spoken, so no model was loaded
    speaker.clip("hello")
    speaker.release()
    assert engine.released == 1
    speaker.clip("hello again")  # speaking after a release still works
    assert speaker.synthesized == 2


def test_release_of_an_engine_without_models_is_harmless(fake_speaker):
    fake_speaker.clip("hello")
    fake_speaker.release()
    assert len(fake_speaker.clip("hello")) > 0


def test_a_forgotten_clip_is_read_again_not_spoken_again(fake_engine, tmp_path):
    speaker = Speaker(fake_engine, get_profile("calm"), tmp_path / "cache")
    first = speaker.clip("Let the shoulders drop.")
    again = speaker.clip("Let the shoulders drop.")  # read back, and held
    assert speaker._memo
    speaker.forget()
    assert not speaker._memo
    assert np.array_equal(speaker.clip("Let the shoulders drop."), first)
    assert np.array_equal(again, first) and speaker.synthesized == 1


def test_a_stored_take_that_goes_missing_is_spoken_once_more_and_held(fake_engine, tmp_path):
    speaker = Speaker(fake_engine, get_profile("calm"), tmp_path / "cache")
    measured = speaker.measure("Rest here for a while.")
    for path in (tmp_path / "cache").rglob("*.clip"):
        path.unlink()  # gone between measuring and mixing
    mixed = speaker.clip("Rest here for a while.")
    speaker.forget()
    assert len(mixed) == measured and speaker.clip("Rest here for a while.") is mixed
    assert speaker.synthesized == 2


def test_a_take_changed_under_a_render_is_never_mixed_at_the_wrong_length(tmp_path):
    """Another render stores a take of another length after this one measured the line:
    this render speaks it again, and a take that no longer fits is a clear error."""
    from tests.conftest import FakeEngine

    class Drifting(FakeEngine):
        def synthesize(self, text, settings):
            return super().synthesize(text + " and" * len(self.calls), settings)

    speaker = Speaker(Drifting(), get_profile("calm"), tmp_path / "cache")
    speaker.measure("Breathe out slowly.")
    other = Speaker(Drifting(), get_profile("calm"), tmp_path / "cache")
    other.engine.calls.append("an earlier line")  # its take comes out longer
    (path,) = (tmp_path / "cache").rglob("*.clip")
    path.unlink()
    other.clip("Breathe out slowly.")
    with pytest.raises(SpeechEngineError, match="changed while this render was using it"):
        speaker.clip("Breathe out slowly.")


def test_forgetting_keeps_the_clips_the_cache_does_not_have(fake_engine, tmp_path):
    speaker = Speaker(fake_engine, get_profile("calm"), None)
    first = speaker.clip("hello")
    speaker.forget()
    assert speaker.clip("hello") is first and speaker.synthesized == 1


def test_a_clip_stored_in_the_other_byte_order_reads_the_same(fake_engine, tmp_path):
    import hashlib
    import io

    from softpace.voice import speaker as module

    samples = np.array([1, -2, 300, -32768, 32767], np.int16)
    buffer = io.BytesIO()
    np.save(buffer, samples.astype(">i2"), allow_pickle=False)
    payload = buffer.getvalue()
    path = tmp_path / "big-endian.clip"
    path.write_bytes(module._MAGIC + hashlib.sha256(payload).digest() + payload)
    clip = load_clip(path)
    assert clip is not None and clip.samples.dtype == np.int16
    assert np.array_equal(clip.samples, samples)
