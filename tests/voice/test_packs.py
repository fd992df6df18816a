"""Recorded packs: small real recordings made here with espeak (WAV and MP3), checked for
coverage, fallback, loudness and tone match, and every problem the report names."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from softpace.audio.dsp import SPEECH_LUFS
from softpace.audio.loudness import clip_loudness_lufs
from softpace.voice import packs, registry
from softpace.voice.lines import line_id, spoken_lines
from softpace.voice.profiles import get_profile
from softpace.voice.recorded import RecordedSpeaker, check_pack
from softpace.voice.resample import to_rate
from softpace.voice.speaker import Speaker, open_speaker

RATE = 48_000  # a phone or a USB microphone


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())


def write_mp3(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(128)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    path.write_bytes(bytes(encoder.encode(pcm.tobytes()) + encoder.flush()))


def dull(samples: np.ndarray) -> np.ndarray:
    """A muffled microphone: everything above ~1.5 kHz rolled off."""
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    return np.fft.irfft(spectrum / (1 + (freqs / 1500) ** 2), len(samples)).astype(np.float32)


@pytest.fixture(scope="module")
def recorded(plan, tmp_path_factory):
    """A pack with six real recordings (two good, four faulty) and a stray file."""
    home = tmp_path_factory.mktemp("home")
    folder = home / "voices" / "mine"
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text('fallback = "espeak-calm"\n')
    lines = spoken_lines(plan)
    long_lines = sorted((line for line in lines if len(line.text) > 60), key=lambda x: x.text)
    good_wav, good_mp3, loud, quiet, silent = long_lines[:5]
    three = next(line for line in lines if line.text == "Three.")
    warm = get_profile("espeak-warm")
    voice = registry.engine("espeak")

    def say(text: str) -> np.ndarray:
        raw = voice.synthesize(text, warm.settings)
        speech = to_rate(raw.samples.astype(np.float32) / 32768, raw.sample_rate_hz, RATE)
        rng = np.random.default_rng(len(text))
        quiet_room = np.zeros(RATE // 2, np.float32)
        take = np.concatenate([quiet_room, 0.3 * speech, quiet_room])
        return (take + 0.0005 * rng.standard_normal(len(take))).astype(np.float32)

    write_wav(folder / f"{good_wav.id}.wav", say(good_wav.text))
    write_mp3(folder / f"{good_mp3.id}.mp3", dull(say(good_mp3.text)))
    write_wav(folder / f"{loud.id}.wav", np.clip(say(loud.text) * 12, -1, 1))
    write_wav(folder / f"{quiet.id}.wav", say(quiet.text) * 0.02)
    write_wav(folder / f"{silent.id}.wav", np.zeros(RATE, np.float32))
    write_wav(folder / f"{three.id}.wav", say("Three. " + good_wav.text))  # 1 s slot
    write_wav(folder / "not-a-line.wav", say("Hello."))
    return {
        "home": home,
        "folder": folder,
        "lines": lines,
        "good": (good_wav, good_mp3),
        "faulty": {"clipped": loud, "too quiet": quiet, "silent": silent, "too long": three},
    }


@pytest.fixture
def pack_speaker(recorded, fake_engine, tmp_path):
    with registry.substitute(fake_engine):  # the fallback voice: fast and deterministic
        profile = get_profile("mine", recorded["home"] / "voices")
        yield open_speaker(profile, tmp_path / "cache")


@pytest.mark.slow
def test_the_report_gives_coverage_and_names_each_faulty_recording(plan, recorded, pack_speaker):
    report = check_pack(plan, pack_speaker)
    assert len(report.lines) == len(recorded["lines"])
    assert len(report.recorded) == 6
    assert report.coverage == pytest.approx(6 / len(recorded["lines"]))
    assert [p.name for p in report.unknown] == ["not-a-line.wav"]
    problems = {f.line_id: f.problem for f in report.findings}
    for kind, line in recorded["faulty"].items():
        assert problems[line.id].startswith(kind), (kind, problems)
    for line in recorded["good"]:
        assert line.id not in problems
    assert len(report.findings) == 4
    assert not report.ok


@pytest.mark.slow
def test_recordings_are_used_where_they_exist_and_the_fallback_speaks_the_rest(
    recorded, pack_speaker, fake_engine
):
    assert isinstance(pack_speaker, RecordedSpeaker)
    assert pack_speaker.fallback.profile.name == "espeak-calm"
    good_wav, good_mp3 = recorded["good"]
    unrecorded = next(line for line in recorded["lines"] if line.id not in pack_speaker.recordings)
    for line in (good_wav, good_mp3):
        pack_speaker.clip(line.text)
    assert fake_engine.calls == []
    pack_speaker.clip(unrecorded.text)
    assert fake_engine.calls == [unrecorded.text]
    assert pack_speaker.processed == 2


@pytest.mark.slow
def test_recordings_match_the_loudness_and_tone_of_the_voices(recorded, pack_speaker):
    good_wav, good_mp3 = recorded["good"]
    espeak = Speaker(registry.kind("espeak").open(), get_profile("espeak-warm"), None)
    for line in (good_wav, good_mp3):
        clip = pack_speaker.clip(line.text).astype(np.float32) / 32768
        assert clip_loudness_lufs(clip, 44_100) == pytest.approx(SPEECH_LUFS, abs=0.5)
        # the half-second of room noise each side is trimmed: as long as the voice itself
        same = espeak.clip(line.text)
        assert abs(len(clip) - len(same)) / 44_100 < 0.15
    muffled = pack_speaker.clip(good_mp3.text).astype(np.float32) / 32768
    raw, rate = packs.read_audio(pack_speaker.recordings[good_mp3.id])
    before = packs.tone_tilt_db(raw, rate)
    after = packs.tone_tilt_db(muffled, 44_100)
    assert abs(after - packs.TARGET_TILT_DB) < abs(before - packs.TARGET_TILT_DB) - 3


@pytest.mark.slow
def test_processed_recordings_are_cached_by_their_content(recorded, fake_engine, tmp_path):
    with registry.substitute(fake_engine):
        profile = get_profile("mine", recorded["home"] / "voices")
        good_wav, _ = recorded["good"]
        first = open_speaker(profile, tmp_path / "cache")
        first.clip(good_wav.text)
        second = open_speaker(profile, tmp_path / "cache")
        second.clip(good_wav.text)
    assert (first.processed, second.processed) == (1, 0)


@pytest.mark.slow
def test_voices_check_prints_the_report_and_exits_1(recorded, fake_engine):
    from softpace.cli import cli

    with registry.substitute(fake_engine):
        result = CliRunner().invoke(
            cli, ["--home", str(recorded["home"]), "voices", "check", "mine"]
        )
    assert result.exit_code == 1, result.output
    total = len(recorded["lines"])
    assert f"mine ({recorded['folder']}): 6 of {total} lines recorded" in result.output
    assert f"the other {total - 6} are spoken by espeak-calm" in result.output
    assert "not-a-line.wav: matches no line id" in result.output
    assert "clipped" in result.output and "too quiet" in result.output


def test_line_ids_are_stable_and_ignore_case_and_spacing():
    assert line_id("Three.") == line_id("  three. ") == line_id("THREE.")
    assert line_id("Three.") != line_id("Three")
    assert line_id("Three.") == "0bc1476135"  # a recording named by it keeps working


def test_tone_matching_moves_a_dull_voice_towards_the_target():
    rng = np.random.default_rng(3)
    noise = rng.standard_normal(44_100).astype(np.float32)
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(len(noise), 1 / 44_100)
    muffled = np.fft.irfft(spectrum / (1 + (freqs / 800) ** 2), len(noise)).astype(np.float32)
    before = packs.tone_tilt_db(muffled, 44_100)
    after = packs.tone_tilt_db(packs.match_tone(muffled, 44_100), 44_100)
    expected = min(packs.TARGET_TILT_DB, before + packs.MAX_TONE_DB)
    assert after == pytest.approx(expected, abs=1.0)


def test_trimming_follows_the_recordings_own_noise_floor():
    rng = np.random.default_rng(4)
    room = 0.003 * rng.standard_normal(44_100).astype(np.float32)  # -50 dBFS hiss
    t = np.arange(22_050) / 44_100
    voice = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    take = np.concatenate([room, voice + room[:22_050], room])
    kept = packs.trim(take, 44_100)
    assert 0.5 <= len(kept) / 44_100 <= 0.62


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".flac", ".m4a", ".mp3", ".wav"])
def test_every_recording_format_reads_back_as_the_same_voice(tmp_path, suffix):
    """FLAC and M4A (AAC) made with the ffmpeg of the imageio-ffmpeg wheel, read through
    softpace's reader: the same sound, at the file's own rate."""
    import subprocess

    t = np.arange(RATE) / RATE
    voice = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2).astype(
        np.float32
    )
    source = tmp_path / "source.wav"
    write_wav(source, voice)
    target = tmp_path / f"take{suffix}"
    if suffix == ".wav":
        target = source
    else:
        subprocess.run([packs.ffmpeg(), "-v", "error", "-i", str(source), str(target)], check=True)
    samples, rate = packs.read_audio(target)
    assert rate == RATE
    assert abs(len(samples) - len(voice)) < 0.05 * RATE  # codec padding at most
    level = 20 * np.log10(np.sqrt(np.mean(samples**2)) / np.sqrt(np.mean(voice**2)))
    assert abs(level) < 0.5


def test_an_unreadable_recording_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "0bc1476135.mp3"
    bad.write_bytes(b"ID3 not really an mp3")
    from softpace.errors import VoiceError

    with pytest.raises(VoiceError, match=r"0bc1476135\.mp3: cannot read this recording"):
        packs.read_audio(bad)
