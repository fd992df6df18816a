"""Every shipped engine renders every stage that `softpace verify` passes: resampled to
the session rate, loudness matched, no clicks. Each engine renders in its own process,
as a user runs it (`render --all`: one worker per core)."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from softpace.plan import load_plan

pytestmark = pytest.mark.slow

PROFILES = {
    "espeak-calm": "pyttsx3",
    "piper-joe": "piper",
}  # one profile per engine; calm (hibari) renders every stage in tests/test_render.py


def softpace(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "softpace", *args], capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module", params=sorted(PROFILES))
def rendered(request, tmp_path_factory) -> tuple[str, Path]:
    profile = request.param
    if find_spec(PROFILES[profile]) is None:
        pytest.skip(f"{profile}'s engine is not installed")
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp(profile)
    result = softpace(
        "--home", str(home), "render", "--all", "--short", "--voice", profile, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "speaking with" not in result.stderr  # no fallback: this engine spoke
    return profile, out


@pytest.mark.parametrize("stage", load_plan().stage_ids)
def test_verify_passes_every_stage_with_every_engine(rendered, stage):
    profile, out = rendered
    result = softpace("verify", str(out / f"{stage}.mp3"))
    assert result.returncode == 0, (profile, result.stdout)
    assert "FAIL" not in result.stdout


@pytest.mark.parametrize(
    "profile", ["calm", "espeak-calm", "espeak-warm", "espeak-british", "piper-joe"]
)
def test_voices_preview_works_for_every_shipped_profile(profile, tmp_path):
    import wave

    if profile == "piper-joe" and find_spec("piper") is None:
        pytest.skip("piper is not installed")
    out = tmp_path / f"{profile}.wav"
    result = softpace("--home", str(tmp_path), "voices", "--preview", profile, "--out", str(out))
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as wav:
        assert 15 <= wav.getnframes() / wav.getframerate() <= 25


FALLBACK = """
import sys
sys.modules["hibari"] = None  # as if hibari-tts were missing
from softpace.cli import main
sys.argv = ["softpace", *sys.argv[1:]]
main()
"""


def test_without_hibari_the_default_falls_back_to_espeak_saying_so_once(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            FALLBACK,
            "--home",
            str(tmp_path),
            "render",
            "external-mapping",
            "--short",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "speaking with" in line]
    assert notes == [
        "softpace: voice 'calm': hibari-tts is not installed (pip install hibari-tts==0.2.1); "
        "speaking with 'espeak-calm' instead"
    ]
    assert (tmp_path / "out" / "external-mapping.mp3").stat().st_size > 100_000
