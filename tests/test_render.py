"""End to end with the real voice and encoder: `softpace render --all`, then decode and measure."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from softpace.cli import cli
from softpace.plan import load_plan
from tests.conftest import decode_mp3, rms_db

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        cli,
        ["--home", str(home), "render", "--all", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out, home, result


def test_every_stage_is_rendered(rendered, plan):
    out, _, result = rendered
    for stage in plan.stage_ids:
        assert (out / f"{stage}.mp3").stat().st_size > 100_000
        assert (out / f"{stage}.timeline.json").exists()
        assert f"{stage}.mp3" in result.output
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("stage", load_plan().stage_ids)
def test_softpace_verify_passes_every_stage(rendered, stage):
    """Loudness -19 LUFS +/- 1, true peak <= -1.5 dBTP, no clicks, speech and breath turns
    where the timeline says: `softpace verify` on every rendered stage."""
    result = CliRunner().invoke(cli, ["verify", str(rendered[0] / f"{stage}.mp3")])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


@pytest.mark.parametrize("stage", load_plan().stage_ids)
def test_chapters_words_and_sidecars_come_with_every_stage(rendered, plan, stage):
    """Chapters read back with mutagen equal the timeline segments, in time order; the
    cover, the words (USLT), LRC and VTT ride along."""
    out = rendered[0]
    timeline = json.loads((out / f"{stage}.timeline.json").read_text())
    id3 = ID3(out / f"{stage}.mp3")
    assert [
        (c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in id3.getall("CHAP")
    ] == [
        (s["title"], round(s["start_s"] * 1000), round(s["end_s"] * 1000))
        for s in timeline["segments"]
    ]
    assert id3.getall("CTOC")[0].child_element_ids == [c.element_id for c in id3.getall("CHAP")]
    assert id3.getall("APIC")[0].data.startswith(b"\x89PNG")
    spoken = [e["text"] for e in timeline["events"] if e["kind"] == "speech"]
    assert [line for line in id3.getall("USLT")[0].text.splitlines() if line] == spoken
    assert len((out / f"{stage}.vtt").read_text().split(" --> ")) == len(spoken) + 1
    assert (out / f"{stage}.lrc").read_text().count("]") >= len(spoken)
    playlist = (out / "playlist.m3u8").read_text().splitlines()
    assert [line for line in playlist if line.endswith(".mp3")] == [
        f"{s}.mp3" for s in plan.stage_ids
    ]


def _load(out, stage):
    timeline = json.loads((out / f"{stage}.timeline.json").read_text())
    audio, rate = decode_mp3(out / f"{stage}.mp3")
    return timeline, audio, rate


@pytest.mark.parametrize("stage", ["external-mapping", "micro-movements", "gentle-strength"])
def test_decoded_duration_matches_the_timeline(rendered, stage):
    timeline, audio, rate = _load(rendered[0], stage)
    assert rate == 44_100
    assert abs(len(audio) / rate - timeline["duration_s"]) <= 0.040


def _window(audio, rate, start_s, end_s, trim_s=0.05):
    return audio[int((start_s + trim_s) * rate) : int((end_s - trim_s) * rate)]


def _overlaps(event, others, pad_s=0.4):
    return any(
        o is not event
        and o["start_s"] - pad_s < event["end_s"]
        and event["start_s"] < o["end_s"] + pad_s
        for o in others
    )


@pytest.mark.parametrize("stage", ["entrance-contact", "partner-progression"])
def test_speech_and_tones_sit_where_the_timeline_says(rendered, stage):
    timeline, audio, rate = _load(rendered[0], stage)
    events = timeline["events"]
    speech = [e for e in events if e["kind"] == "speech" and e["end_s"] - e["start_s"] > 0.6]
    loud = [e for e in events if e["kind"] in ("speech", "bell")]
    speech_db = [rms_db(_window(audio, rate, e["start_s"], e["end_s"])) for e in speech]
    assert min(speech_db) > -32, "every spoken line carries speech energy"

    breaths = [e for e in events if e["kind"] in ("inhale", "exhale") and not _overlaps(e, loud)]
    assert len(breaths) > 20
    breath_db = []
    for e in breaths:
        span = e["end_s"] - e["start_s"]
        middle = _window(audio, rate, e["start_s"] + span / 4, e["end_s"] - span / 4, 0)
        breath_db.append(rms_db(middle))
        spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
        peak_hz = np.fft.rfftfreq(len(middle), 1 / rate)[np.argmax(spectrum)]
        expected = (190, 226) if e["kind"] == "inhale" else (140, 180)
        assert expected[0] <= peak_hz <= expected[1], (e, peak_hz)
    assert max(breath_db) < -22 and min(breath_db) > -50
    assert np.mean(speech_db) - np.mean(breath_db) >= 10, "the voice sits clearly above the tones"

    # stretches where the timeline has nothing are quiet
    busy = sorted((e["start_s"], e["end_s"]) for e in events if e["kind"] != "hold")
    gaps, last_end = [], 0.0
    for start, end in busy:
        if start - last_end > 1.5:
            gaps.append((last_end + 0.4, start - 0.4))
        last_end = max(last_end, end)
    assert gaps
    for start, end in gaps:
        assert rms_db(_window(audio, rate, start, end, 0)) < -60


def test_timeline_json_has_the_documented_shape(rendered):
    timeline = json.loads((rendered[0] / "entrance-contact.timeline.json").read_text())
    assert {"stage", "title", "duration_s", "breath", "segments", "events"} <= set(timeline)
    assert timeline["breath"] == {"inhale_s": 4.0, "exhale_s": 6.0}
    assert timeline["segments"][0]["start_s"] == 0
    assert timeline["segments"][-1]["end_s"] == timeline["duration_s"]
    kinds = {e["kind"] for e in timeline["events"]}
    assert kinds == {"speech", "inhale", "exhale", "hold", "bell"}
    for event in timeline["events"]:
        assert event["segment"] in {s["id"] for s in timeline["segments"]}
        assert event["start_s"] < event["end_s"]


def test_a_second_render_synthesizes_nothing(rendered, tmp_path):
    _, home, _ = rendered
    from softpace.voice import registry

    real = registry.engine("hibari")  # the default voice's engine
    calls = []

    class Counting:
        name = real.name
        identity = staticmethod(real.identity)

        def synthesize(self, text, settings):
            calls.append(text)
            return real.synthesize(text, settings)

    with registry.substitute(Counting()):
        result = CliRunner().invoke(
            cli, ["--home", str(home), "render", "entrance-contact", "--out", str(tmp_path)]
        )
    assert result.exit_code == 0, result.output
    assert calls == []


def test_a_render_that_fails_mid_encode_leaves_no_half_written_mp3(
    plan, fake_speaker, tmp_path, monkeypatch
):
    from softpace.audio import encode
    from softpace.render import render_session
    from softpace.script.narration import SessionOptions

    stage = plan.stage("entrance-contact")
    out = tmp_path / "out"
    out.mkdir()
    (out / "entrance-contact.mp3").write_bytes(b"yesterday's good session")

    def failing_encode(blocks, path, sample_rate_hz, progress=None, header=b""):
        with open(path, "wb") as handle:
            handle.write(header)
            for i, block in enumerate(blocks):
                handle.write(block.tobytes())
                if i == 3:
                    raise KeyboardInterrupt

    monkeypatch.setattr(encode, "encode_mp3", failing_encode)
    with pytest.raises(KeyboardInterrupt):
        render_session(plan, stage, SessionOptions(), fake_speaker, out)
    assert (out / "entrance-contact.mp3").read_bytes() == b"yesterday's good session"
    assert sorted(p.name for p in out.iterdir()) == ["entrance-contact.mp3"]
