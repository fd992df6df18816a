"""Shared fixtures: the plan, a temporary home, a fake speech engine for fast tests, and
sessions rendered with it (for export and serve)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from softpace.plan import Plan, Variant, load_plan
from softpace.publish.publish import refresh_playlist
from softpace.render import render_session
from softpace.script.narration import SessionOptions
from softpace.voice.engine import EngineVoice, RawClip
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker
from tests.shared_render import SharedRender

FAKE_RATE_HZ = 22_050
FAKE_S_PER_CHAR = 0.055


class FakeEngine:
    """Speech-like noise bursts whose length follows the text: deterministic and fast."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def voices(self) -> list[EngineVoice]:
        return [EngineVoice("gmw/en-us", "English (America)"), EngineVoice("gmw/en", "English")]

    def identity(self, settings: object) -> tuple[str, ...]:
        return ("fake", repr(settings))

    def synthesize(self, text: str, settings: object) -> RawClip:
        self.calls.append(text)
        n = int(len(text) * FAKE_S_PER_CHAR * FAKE_RATE_HZ)
        rng = np.random.default_rng(zlib.crc32(text.encode()))
        t = np.arange(n) / FAKE_RATE_HZ
        voiced = np.sin(2 * np.pi * 140 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
        signal = 0.5 * voiced + 0.1 * rng.standard_normal(n)
        pad = np.zeros(int(0.1 * FAKE_RATE_HZ))
        samples = np.concatenate([pad, signal, pad]) * 0.7
        return RawClip((samples * 32767).astype(np.int16), FAKE_RATE_HZ)


@pytest.fixture(scope="session")
def plan():
    return load_plan()


TINY_EXERCISE = "warmth-and-lubrication"  # one minute in the short variant


# The fake engine speaks faster than a real voice: the opening and close still hold all
# their words (the safety lines too) in this much time, with some room to spare.
TINY_OPENING_S = 110.0
TINY_CLOSE_S = 55.0


def make_tiny_plan(plan: Plan) -> Plan:
    """The plan's stages (same ids, numbers and titles) with one short block each, and an
    opening and close as long as the fake engine's words need: short sessions, so tests
    that need rendered files render them in a few seconds."""
    return replace(
        plan,
        opening_s=TINY_OPENING_S,
        close_s=TINY_CLOSE_S,
        stages=tuple(replace(s, exercises=(TINY_EXERCISE,)) for s in plan.stages),
    )


@pytest.fixture(scope="session")
def tiny_plan(plan) -> Plan:
    return make_tiny_plan(plan)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("SOFTPACE_HOME", str(folder))
    return folder


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def fake_speaker(fake_engine: FakeEngine, tmp_path: Path) -> Speaker:
    return Speaker(fake_engine, get_profile("calm"), tmp_path / "cache")


def decode_mp3(path: Path) -> tuple[np.ndarray, int]:
    """Decode an MP3 to float samples in [-1, 1] (softpace's own decoder, as verify uses)."""
    from softpace.audio.verify import decode, to_float

    samples, rate = decode(path)
    return to_float(samples), rate


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(samples, dtype=np.float64))) + 1e-12))


RENDERED_STAGES = ("external-mapping", "entrance-contact")


def render_fixture_sessions(folder: Path) -> None:
    """Short sessions of RENDERED_STAGES, rendered with the fake engine from the tiny plan
    (stage ids and titles as in the real plan, so export and share label them alike)."""
    plan = make_tiny_plan(load_plan())
    speaker = Speaker(FakeEngine(), get_profile("calm"), folder.parent / "fake-cache")
    for stage_id in RENDERED_STAGES:
        options = SessionOptions(variant=Variant.SHORT)
        render_session(plan, plan.stage(stage_id), options, speaker, folder)
    refresh_playlist(plan, folder)


@pytest.fixture(scope="session", autouse=True)
def background_render(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[SharedRender]:
    """Starts the one render every xdist worker shares, as soon as the run begins and only
    if a selected test needs it: the workers run other tests meanwhile."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    render = SharedRender(shared / "rendered")
    items = request.session.items
    if any("rendered_once" in getattr(item, "fixturenames", ()) for item in items):
        render.start()
    yield render
    render.stop()


@pytest.fixture(scope="session")
def rendered_once(background_render: SharedRender) -> Path:
    """The shared rendered folder (read only: use `rendered` to change it)."""
    return background_render.wait()


@pytest.fixture
def rendered(rendered_once: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered folder, for tests that change it."""
    return Path(shutil.copytree(rendered_once, tmp_path / "output"))


def start_serve(
    home: Path,
    source: Path,
    *extra: str,
    tmpdir: Path | None = None,
    host: tuple[str, ...] = ("--host", "127.0.0.1"),
):
    """`softpace serve` in a child process; returns (process, url) once it listens."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    process = subprocess.Popen(
        [sys.executable, "-m", "softpace", "--home", str(home), "serve", "--from", str(source),
         *host, "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("http://"):
            return process, line.strip()
    process.wait(timeout=10)
    raise AssertionError(f"serve did not start: {process.stderr.read() if process.stderr else ''}")
