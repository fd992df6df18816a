from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from softpace.errors import CueError
from softpace.script.cues import (
    ORIGIN_MARK,
    Bell,
    Breathe,
    Hold,
    Pause,
    Say,
    SegmentCue,
    parse_clock,
    parse_cues,
)


def test_every_cue_kind_parses():
    cues = parse_cues(
        "# a comment\n"
        "segment jaw 120 Jaw and pelvic floor\n"
        "\n"
        "say Soft jaw,   soft pelvic floor.\n"
        "pause 1.5\n"
        "bell\n"
        "breathe 3\n"
        "breathe 2 say Inhale widen | exhale soften\n"
        "breathe until 1:30\n"
        "breathe fill say | hum or sigh\n"
        "hold 45 countdown\n"
        "hold 20\n"
        "segment close auto Closing\n"
    )
    assert cues[0] == SegmentCue("<script>:2", "jaw", "Jaw and pelvic floor", 120.0)
    assert cues[1] == Say("<script>:4", "Soft jaw, soft pelvic floor.")
    assert cues[2] == Pause("<script>:5", 1.5)
    assert cues[3] == Bell("<script>:6")
    assert cues[4] == Breathe("<script>:7", cycles=3)
    assert cues[5] == Breathe(
        "<script>:8", cycles=2, inhale_text="Inhale widen", exhale_text="exhale soften"
    )
    assert cues[6] == Breathe("<script>:9", until_s=90.0)
    assert cues[7] == Breathe("<script>:10", exhale_text="hum or sigh")
    assert cues[7].flexible and not cues[4].flexible
    assert cues[8] == Hold("<script>:11", 45.0, countdown=True)
    assert cues[9] == Hold("<script>:12", 20.0)
    assert cues[10] == SegmentCue("<script>:13", "close", "Closing", None)


def test_origin_tags_from_the_template_loader_win():
    cues = parse_cues(f"say Hello{ORIGIN_MARK}exercises/x.j2:7{ORIGIN_MARK}session.j2:3\n")
    assert cues == (Say("exercises/x.j2:7", "Hello"),)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("shout Hello", "unknown cue 'shout'"),
        ("say", "needs the words"),
        ("pause soon", "needs a number of seconds"),
        ("pause -3", "between 0 and 3600"),
        ("bell loudly", "takes nothing"),
        ("breathe many", "whole number of cycles"),
        ("breathe 0", "whole number of cycles"),
        ("breathe until 1:75", "below 60"),
        ("breathe 2 say only inhale words", "INHALE WORDS | EXHALE WORDS"),
        ("hold 30 quietly", "optionally 'countdown'"),
        ("segment Bad_Id 30 Title", "slug"),
        ("segment intro 30", "needs an id"),
    ],
)
def test_malformed_cues_name_their_line(line, fragment):
    with pytest.raises(CueError) as err:
        parse_cues(f"segment a 10 A\n{line}\n", source="t.j2")
    message = str(err.value)
    assert fragment in message
    assert message.startswith("t.j2:2:") or message.startswith("t.j2:1:")


@given(st.integers(0, 120), st.integers(0, 59))
def test_parse_clock_round_trips_minutes_and_seconds(minutes, seconds):
    assert parse_clock(f"{minutes}:{seconds:02d}") == minutes * 60 + seconds
    assert parse_clock(str(minutes * 60 + seconds)) == minutes * 60 + seconds


@given(st.text(max_size=12))
def test_parse_clock_accepts_or_rejects_clearly(text):
    try:
        value = parse_clock(text)
    except ValueError as exc:
        assert "is not a time" in str(exc) or "below 60" in str(exc)
    else:
        assert value >= 0


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_line_parses_or_raises_cue_error(text):
    """Whatever a template emits, the parser either understands it or names the line."""
    try:
        parse_cues(f"segment a 10 A\n{text}\n", source="t.j2")
    except CueError as exc:
        assert str(exc).startswith("t.j2:")
