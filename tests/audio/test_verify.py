"""`verify` passes a well-made session and fails one with a shifted tone, a clipped peak
or an injected click."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
from softpace.audio.master import master
from softpace.audio.verify import find_clicks, verify_samples
from softpace.cli import cli
from softpace.script.compiler import compile_timeline
from softpace.script.cues import parse_cues
from softpace.timeline import Timeline
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker
from tests.conftest import FakeEngine

SR = 44_100
SCRIPT = (
    "segment a 60 A\n"
    "say Settle in, and let the breath slow down.\n"
    "breathe 2\n"
    "bell\n"
    "say Rest at the entrance, only as far as feels easy.\n"
    "hold 24 countdown\n"
    "breathe fill\n"
)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    speaker = Speaker(FakeEngine(), get_profile("calm"), tmp_path_factory.mktemp("cache"))
    timeline = compile_timeline(
        parse_cues(SCRIPT), speaker.measure, stage="t", title="T", inhale_s=4, exhale_s=6
    )
    clips = {e.text: speaker.clip(e.text) for e in timeline.speech()}
    return timeline, clips


@pytest.fixture(scope="module")
def audio(session) -> np.ndarray:
    """The session mastered once for the module (read only: tests change copies)."""
    mastered = _render(*session)
    mastered.setflags(write=False)
    return mastered


@pytest.fixture(scope="module")
def encoded(session, tmp_path_factory) -> bytes:
    """The session as an MP3 with a small ID3 tag in front, encoded once for the module."""
    timeline, clips = session
    path = tmp_path_factory.mktemp("encoded") / "whole.mp3"
    _, blocks = master(timeline, clips, start_n=ENCODER_DELAY_N)
    encode_mp3(blocks, path, SR, header=b"ID3\x04\x00\x00\x00\x00\x00\x00")
    return path.read_bytes()


def _render(timeline: Timeline, clips, start_n: int = 0) -> np.ndarray:
    _, blocks = master(timeline, clips, start_n=start_n)
    return np.concatenate([b.copy() for b in blocks])


def _failed(report) -> set[str]:
    return {c.name for c in report.checks if not c.ok}


def test_a_well_made_session_passes(session, audio) -> None:
    timeline, _ = session
    report = verify_samples(audio, SR, timeline.to_json_dict())
    assert report.ok, report.lines()
    assert "turns" in next(c.detail for c in report.checks if c.name == "breath")


def test_a_shifted_tone_fails_the_breath_check(session) -> None:
    timeline, clips = session
    shift_n = int(0.1 * SR)
    moved = replace(
        timeline,
        events=tuple(
            replace(e, start_n=e.start_n + shift_n, end_n=e.end_n + shift_n)
            if e.kind in ("inhale", "exhale") and e.end_n + shift_n <= timeline.n_samples
            else e
            for e in timeline.events
        ),
    )
    report = verify_samples(_render(moved, clips), SR, timeline.to_json_dict())
    assert _failed(report) == {"breath"}, report.lines()


def test_a_clipped_peak_fails_true_peak_and_loudness(session, audio) -> None:
    timeline, _ = session
    clipped = np.clip(audio.astype(np.float32) / 32768 * 4.0, -1.0, 1.0)
    report = verify_samples(clipped, SR, timeline.to_json_dict())
    assert {"true peak", "loudness"} <= _failed(report), report.lines()


def test_an_injected_click_is_found_where_it_is(session, audio) -> None:
    timeline, _ = session
    audio = audio.astype(np.float32) / 32768
    quiet_breath = next(
        e
        for e in timeline.events
        if e.kind == "exhale"
        and not any(s.start_n - SR < e.start_n < s.end_n + SR for s in timeline.speech())
    )
    at = (quiet_breath.start_n + quiet_breath.end_n) // 2
    audio[at] += 0.05  # one sample, -26 dBFS: small, but a click
    report = verify_samples(audio, SR, timeline.to_json_dict())
    assert _failed(report) == {"clicks"}, report.lines()
    assert find_clicks(audio, SR) and abs(find_clicks(audio, SR)[0] - at / SR) < 0.002


@pytest.mark.slow
def test_tones_turned_off_skip_the_breath_check(session) -> None:
    from softpace.audio.mixer import MixSettings

    timeline, clips = session
    _, blocks = master(timeline, clips, MixSettings.for_bed("off"))
    audio = np.concatenate([b.copy() for b in blocks])
    report = verify_samples(audio, SR, timeline.to_json_dict())
    assert report.ok, report.lines()
    assert "--tones off" in next(c.detail for c in report.checks if c.name == "breath")


@pytest.mark.slow
def test_cli_verify_passes_and_fails_with_exit_status(session, audio, encoded, tmp_path) -> None:
    timeline, _ = session
    good = tmp_path / "good.mp3"
    good.write_bytes(encoded)
    (tmp_path / "good.timeline.json").write_text(timeline.to_json())
    result = CliRunner().invoke(cli, ["verify", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 6

    loud = tmp_path / "loud.mp3"
    delayed = np.concatenate([np.zeros(ENCODER_DELAY_N, np.int16), audio])
    hot = np.clip(delayed.astype(np.int32) * 4, -32768, 32767).astype(np.int16)
    encode_mp3([hot], loud, SR)
    result = CliRunner().invoke(
        cli, ["verify", str(loud), "--timeline", str(tmp_path / "good.timeline.json")]
    )
    assert result.exit_code == 1
    assert "FAIL true peak" in result.output


def test_cli_verify_without_a_timeline_says_what_to_do(tmp_path, encoded) -> None:
    path = tmp_path / "lonely.mp3"
    path.write_bytes(encoded)
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1 and "timeline" in result.output


@pytest.mark.parametrize("keep", ["nothing", "the tag and a few frames", "half"])
def test_an_empty_or_cut_short_mp3_is_one_clear_line_and_exit_1(session, encoded, tmp_path, keep):
    timeline, _ = session
    data = encoded
    cut = {"nothing": 0, "the tag and a few frames": 10 + 2_000, "half": len(data) // 2}[keep]
    (tmp_path / "s.mp3").write_bytes(data[:cut])
    (tmp_path / "s.timeline.json").write_text(timeline.to_json())
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "s.mp3")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "render it again" in lines[0]
