"""The real hibari engine, the default voice: repeatable, one thread, ~120 wpm, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest

from softpace.voice.profiles import get_profile
from softpace.voice.registry import engine as open_engine
from softpace.voice.speaker import Speaker

pytestmark = pytest.mark.slow

LINES = (
    "Let your breath slow down, and let your belly soften as you breathe in.",
    "As you breathe out, let your jaw and your pelvic floor release together.",
    "If discomfort rises above two out of ten, stop, or step back to something easier.",
    "There is no hurry. You can pause or stop at any time.",
    "Rest the dilator at the entrance, only as far as feels easy, and breathe.",
    "Notice the support under you, and let your shoulders settle.",
)


@pytest.fixture(scope="module")
def calm():
    return get_profile("calm")


def test_the_same_words_give_the_same_samples_in_a_fresh_process(calm):
    from softpace.voice.hibari_engine import HibariEngine

    first = HibariEngine().synthesize(LINES[0], calm.settings)
    second = HibariEngine().synthesize(LINES[0], calm.settings)
    assert first.sample_rate_hz == 24_000
    assert np.array_equal(first.samples, second.samples)
    code = (
        "import sys, hashlib\n"
        "from softpace.voice.hibari_engine import HibariEngine\n"
        "from softpace.voice.profiles import get_profile\n"
        f"clip = HibariEngine().synthesize({LINES[0]!r}, get_profile('calm').settings)\n"
        "print(hashlib.sha256(clip.samples.tobytes()).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import hashlib

    assert out.stdout.strip() == hashlib.sha256(first.samples.tobytes()).hexdigest()


def session_wpm(speaker) -> float:
    """Words per minute of speaking time over a whole session, as the listener hears it."""
    from softpace.plan import Variant, load_plan
    from softpace.script.narration import SessionOptions, build_timeline

    plan = load_plan()
    options = SessionOptions(variant=Variant.SHORT)
    timeline = build_timeline(plan, plan.stage("entrance-contact"), options, speaker.measure)
    words = sum(len((e.text or "").split()) for e in timeline.speech())
    return words / sum(e.end_s - e.start_s for e in timeline.speech()) * 60


def test_a_released_engine_lets_go_of_its_model_and_speaks_the_same_after(calm):
    from softpace.voice.hibari_engine import HibariEngine

    engine = HibariEngine()
    before = engine.synthesize(LINES[3], calm.settings)
    engine.release()
    assert not engine._models
    after = engine.synthesize(LINES[3], calm.settings)
    assert np.array_equal(before.samples, after.samples)


def test_the_version_in_the_cache_key_is_the_installed_distributions():
    from importlib import metadata

    from softpace.voice.hibari_engine import installed_version

    assert installed_version() == metadata.version("hibari-tts")


def test_calm_speaks_about_120_words_a_minute_measured_on_the_audio(calm):
    assert 112 <= session_wpm(Speaker(open_engine("hibari"), calm, None)) <= 128


def test_one_onnx_thread(calm):
    model = open_engine("hibari")._model(calm.settings.voice)
    options = model.sess.get_session_options()
    assert options.intra_op_num_threads == 1
    assert options.inter_op_num_threads == 1


def test_speech_reaches_the_session_rate_loud_and_unclipped(calm):
    from softpace.audio.dsp import SPEECH_LUFS
    from softpace.audio.loudness import clip_loudness_lufs

    clip = Speaker(open_engine("hibari"), calm, None).clip(LINES[1])
    x = clip.astype(np.float32) / 32768
    assert clip_loudness_lufs(x, 44_100) == pytest.approx(SPEECH_LUFS, abs=0.3)
    assert np.abs(x).max() < 0.9


OFFLINE = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network use during a render")
socket.socket.connect = refuse
socket.create_connection = refuse
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import open_speaker
speaker = open_speaker(get_profile("calm"), None)
assert speaker.profile.engine == "hibari", speaker.profile.name
print(len(speaker.clip("Breathe in, and let your jaw soften.")))
"""


def test_the_default_voice_works_with_no_network_and_downloads_nothing(tmp_path):
    """With sockets refused, an empty HIBARI_HOME and HF_HUB_OFFLINE, and (where this
    machine allows it) inside a network namespace with no interfaces."""
    env = {
        "HIBARI_HOME": str(tmp_path / "hibari"),
        "HF_HUB_OFFLINE": "1",
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    command = [sys.executable, "-c", OFFLINE]
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        command = [unshare, "-n", *command]
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 44_100
    assert not any((tmp_path / "hibari").rglob("*")) if (tmp_path / "hibari").exists() else True
    assert not (tmp_path / "xdg" / "hibari").exists()
