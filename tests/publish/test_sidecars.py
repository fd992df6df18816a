"""LRC, WebVTT and M3U8 from a timeline: times match the timeline, text is safe."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from softpace.publish import sidecars
from softpace.publish.labels import label_for
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure
from softpace.timeline import Event, Timeline

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sidecars"
LRC_LINE = re.compile(r"^\[(\d{2,}):(\d{2})\.(\d{2})\](.*)$")
VTT_TIMES = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


@pytest.fixture(scope="module")
def timeline(plan) -> Timeline:
    return build_timeline(
        plan, plan.stage("entrance-contact"), SessionOptions(), estimate_measure(135)
    )


def test_lrc_times_match_the_timeline(plan, timeline):
    text = sidecars.lrc(timeline, label_for(plan, plan.stage("entrance-contact")))
    timed = [LRC_LINE.match(line) for line in text.splitlines() if LRC_LINE.match(line)]
    words = [(int(m[1]) * 60 + int(m[2]) + int(m[3]) / 100, m[4]) for m in timed if m[4]]
    speech = timeline.speech()
    assert [w for _, w in words] == [e.text for e in speech]
    for (at_s, _), event in zip(words, speech, strict=True):
        assert abs(at_s - event.start_s) <= 0.005
    clears = [int(m[1]) * 60 + int(m[2]) + int(m[3]) / 100 for m in timed if not m[4]]
    ends = [e.end_s for e in speech]
    assert clears and all(min(abs(c - end) for end in ends) <= 0.005 for c in clears)
    assert abs(clears[-1] - speech[-1].end_s) <= 0.005  # the words clear after the last line
    assert "[length:" in text and "[ti:2. Days 4-6: entrance contact]" in text


def test_vtt_cues_match_the_timeline(timeline):
    text = sidecars.vtt(timeline)
    assert text.startswith("WEBVTT\n\n")
    cues = [block.splitlines() for block in text.split("\n\n")[1:] if block.strip()]
    speech = timeline.speech()
    assert len(cues) == len(speech)
    for (number, times, words), event in zip(cues, speech, strict=True):
        m = VTT_TIMES.match(times)
        assert m, times
        start = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) + int(m[4]) / 1000
        end = int(m[5]) * 3600 + int(m[6]) * 60 + int(m[7]) + int(m[8]) / 1000
        assert abs(start - event.start_s) <= 0.0005 and abs(end - event.end_s) <= 0.0005
        assert words == event.text and number.isdigit()


def test_vtt_escapes_markup_and_arrows():
    event = Event("speech", 0, 44_100, "s", text="Slow <breath> & rest --> then\nrelax")
    timeline = Timeline("x", "X", 88_200, 4, 6, (), (event,))
    cue = sidecars.vtt(timeline).split("\n\n")[1]
    assert cue.splitlines()[2] == "Slow &lt;breath&gt; &amp; rest --&gt; then relax"


def test_times_past_an_hour():
    assert sidecars._lrc_time(3725.456) == "62:05.46"
    assert sidecars._vtt_time(3725.4564) == "01:02:05.456"


def test_playlist_lists_sessions_in_the_order_given():
    entries = [
        sidecars.PlaylistEntry("a.mp3", 1175.4, "1. First", "softpace"),
        sidecars.PlaylistEntry("b.mp3", 1415.6, "2. Second", "softpace"),
    ]
    assert sidecars.m3u8(entries) == (
        "#EXTM3U\n#EXTINF:1175,softpace - 1. First\na.mp3\n"
        "#EXTINF:1416,softpace - 2. Second\nb.mp3\n"
    )


def test_transcript_keeps_every_line_with_a_gap_between_segments(timeline):
    text = sidecars.transcript(timeline)
    assert [line for line in text.splitlines() if line] == [e.text for e in timeline.speech()]
    assert text.count("\n\n") == len({e.segment for e in timeline.speech()}) - 1


@pytest.mark.parametrize("kind", ["lrc", "vtt"])
def test_sidecar_matches_golden(plan, timeline, kind):
    label = label_for(plan, plan.stage("entrance-contact"))
    text = sidecars.lrc(timeline, label) if kind == "lrc" else sidecars.vtt(timeline)
    path = GOLDEN / f"entrance-contact.{kind}"
    if os.environ.get("SOFTPACE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file {path}; run with SOFTPACE_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8")
