from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings, strategies as st

from softpace.errors import CueError
from softpace.script.compiler import BELL_S, LEAD_IN_S, SPEECH_GAP_S, compile_timeline
from softpace.script.cues import parse_cues
from softpace.timeline import SAMPLE_RATE_HZ, seconds_to_samples

SR = SAMPLE_RATE_HZ


def per_word(seconds_per_word: float = 0.5):
    return lambda text: round(len(text.split()) * seconds_per_word * SR)


def compile_text(text: str, measure=None, inhale_s=4.0, exhale_s=6.0):
    return compile_timeline(
        parse_cues(text, source="t.j2"),
        measure or per_word(),
        stage="test",
        title="Test",
        inhale_s=inhale_s,
        exhale_s=exhale_s,
    )


def kinds(timeline, segment=None):
    return [e.kind for e in timeline.events if segment in (None, e.segment)]


def test_blocks_last_exactly_their_length_and_breath_fills_the_gap():
    t = compile_text(
        "segment a 60 A\nsay one two three four\nbreathe fill\nsegment b 30 B\nsay hi\n"
    )
    assert [(s.id, s.start_s, s.end_s) for s in t.segments] == [("a", 0, 60), ("b", 60, 90)]
    assert t.n_samples == 90 * SR
    speech = t.speech()
    assert speech[0].start_s == pytest.approx(LEAD_IN_S)
    assert speech[0].end_s - speech[0].start_s == pytest.approx(2.0)
    # 60 - 0.6 lead-in - 2.0 speech - 0.6 gap = 56.8 s free: 5 cycles and 6.8 s rest
    breaths = [e for e in t.events if e.kind in ("inhale", "exhale") and e.segment == "a"]
    assert len(breaths) == 10
    assert breaths[0].start_s == pytest.approx(LEAD_IN_S + 2.0 + SPEECH_GAP_S)
    assert [round(e.end_s - e.start_s, 6) for e in breaths[:2]] == [4.0, 6.0]
    # block b has no breathe cue: free time is filled by breathing after the words
    assert kinds(t, "b")[:2] == ["speech", "inhale"]


def test_phases_alternate_and_touch():
    t = compile_text("segment a 41 A\nbreathe 4\n")
    phases = [e for e in t.events if e.kind in ("inhale", "exhale")]
    assert [e.kind for e in phases] == ["inhale", "exhale"] * 4
    for before, after in itertools.pairwise(phases):
        assert before.end_n == after.start_n


def test_breathe_until_anchors_the_next_words():
    t = compile_text(
        "segment a 120 A\nsay start now\nbreathe until 1:00\nsay halfway there\nbreathe fill\n"
    )
    words = {e.text: e.start_s for e in t.speech()}
    assert words["halfway there"] == pytest.approx(60.0)


def test_flexible_time_is_shared_between_fills():
    t = compile_text("segment a 100 A\nbreathe fill\nsay middle\nbreathe fill\n")
    middle = next(e for e in t.speech() if e.text == "middle")
    first = [e for e in t.events if e.kind == "inhale" and e.end_n <= middle.start_n]
    second = [e for e in t.events if e.kind == "inhale" and e.start_n >= middle.end_n]
    assert abs(len(first) - len(second)) <= 1


def test_breath_words_sit_on_each_phase():
    t = compile_text("segment a 30 A\nbreathe 2 say in now | out now\n", measure=per_word(0.8))
    said = [(e.text, e.start_n) for e in t.speech()]
    phases = [(e.kind, e.start_n) for e in t.events if e.kind in ("inhale", "exhale")]
    assert said[:4] == [
        ("in now", phases[0][1]),
        ("out now", phases[1][1]),
        ("in now", phases[2][1]),
        ("out now", phases[3][1]),
    ]


def test_hold_counts_down_its_last_seconds():
    t = compile_text("segment a 60 A\nhold 30 countdown\n", measure=per_word(0.4))
    hold = next(e for e in t.events if e.kind == "hold")
    assert hold.end_s - hold.start_s == pytest.approx(30)
    count = {e.text: e.start_n for e in t.speech()}
    assert count["Ten more seconds."] == hold.end_n - seconds_to_samples(10)
    assert [count["Three."], count["Two."], count["One."]] == [
        hold.end_n - seconds_to_samples(k) for k in (3, 2, 1)
    ]
    inside = [e for e in t.events if e.kind == "inhale" and hold.start_n <= e.start_n < hold.end_n]
    assert len(inside) == 3


def test_bell_and_auto_segments():
    t = compile_text("segment a auto A\nbell\nsay two words\n")
    assert t.duration_s == pytest.approx(LEAD_IN_S + BELL_S + 1.0 + SPEECH_GAP_S)


def test_words_that_do_not_fit_name_the_template_line():
    with pytest.raises(CueError) as err:
        compile_text("segment a 10 A\nsay " + "word " * 30 + "\n")
    message = str(err.value)
    assert message.startswith("t.j2:2:")
    assert "takes 16.0 s but only 9.4 s are left before 00:10 in block 'a'" in message


def test_overflow_before_an_until_is_caught():
    with pytest.raises(CueError, match=r"^t.j2:3:"):
        compile_text("segment a 60 A\nsay hello\nsay " + "x " * 40 + "\nbreathe until 0:20\n")


def test_until_past_the_block_end():
    with pytest.raises(CueError, match="past the end"):
        compile_text("segment a 60 A\nbreathe until 1:30\n")


def test_breath_words_longer_than_the_phase():
    with pytest.raises(CueError, match=r"^t.j2:2: 'a b c d e f g h' takes 4.0 s but the inhale"):
        compile_text("segment a 60 A\nbreathe 1 say a b c d e f g h | out\n")


def test_countdown_word_too_slow_for_its_slot():
    with pytest.raises(CueError, match="countdown word 'Three.'"):
        compile_text("segment a 60 A\nhold 30 countdown\n", measure=per_word(1.5))


def test_fill_in_an_auto_block_and_cues_before_any_segment():
    with pytest.raises(CueError, match="need a block with a length"):
        compile_text("segment a auto A\nbreathe fill\n")
    with pytest.raises(CueError, match="before the first 'segment'"):
        compile_text("say hello\nsegment a 10 A\n")
    with pytest.raises(CueError, match="used twice"):
        compile_text("segment a 10 A\nsegment a 10 A\n")


cue_line = st.one_of(
    st.builds(lambda n: f"say {' '.join(['word'] * n)}", st.integers(1, 6)),
    st.builds(lambda s: f"pause {s}", st.integers(1, 5)),
    st.just("bell"),
    st.builds(lambda n: f"breathe {n}", st.integers(1, 2)),
    st.just("breathe fill"),
    st.builds(lambda s: f"hold {s} countdown", st.integers(20, 40)),
)


@settings(max_examples=60, deadline=None)
@given(
    blocks=st.lists(st.lists(cue_line, max_size=5), min_size=1, max_size=4),
    inhale_s=st.floats(2, 10),
    exhale_s=st.floats(2, 10),
)
def test_timing_invariants(blocks, inhale_s, exhale_s):
    """Blocks tile the session exactly; events stay in their block; breaths never overlap."""
    lines = []
    for i, body in enumerate(blocks):
        lines.append(f"segment b{i} 300 Block {i}")
        lines += body
    t = compile_text("\n".join(lines) + "\n", inhale_s=inhale_s, exhale_s=exhale_s)
    assert t.segments[0].start_n == 0
    for seg, nxt in zip(t.segments, t.segments[1:], strict=False):
        assert seg.end_n == nxt.start_n
        assert seg.end_n - seg.start_n == 300 * SR
    assert t.n_samples == t.segments[-1].end_n == len(blocks) * 300 * SR
    bounds = {s.id: (s.start_n, s.end_n) for s in t.segments}
    for e in t.events:
        lo, hi = bounds[e.segment]
        assert lo <= e.start_n < e.end_n <= hi
    breaths = sorted(
        (e for e in t.events if e.kind in ("inhale", "exhale")), key=lambda e: e.start_n
    )
    for a, b in itertools.pairwise(breaths):
        assert a.end_n <= b.start_n
    top_level_speech = [e for e in t.speech() if e.text and e.text.startswith("word")]
    for a, b in itertools.pairwise(top_level_speech):
        assert a.end_n <= b.start_n
