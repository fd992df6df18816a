from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from softpace.errors import CueError, TemplateError
from softpace.script.cues import ORIGIN_MARK
from softpace.script.environment import _QuietBytecodeCache, tag_lines
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure, script_text


def test_tag_lines_marks_output_lines_only():
    source = (
        "{% set x = 1 %}\n"
        "say hello {{ name }}\n"
        "{% set long = [\n"
        "  1, 2,\n"
        "] %}\n"
        "{# a comment #}\n"
        "breathe fill\n"
    )
    lines = tag_lines(source, "t.j2").split("\n")
    assert lines[0] == "{% set x = 1 %}"
    assert lines[1] == f"say hello {{{{ name }}}}{ORIGIN_MARK}t.j2:2"
    assert ORIGIN_MARK not in "".join(lines[2:6])
    assert lines[6] == f"breathe fill{ORIGIN_MARK}t.j2:7"


def _override(tmp_path: Path, name: str, text: str) -> SessionOptions:
    path = tmp_path / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return SessionOptions(template_dirs=(tmp_path / "templates",))


def test_template_syntax_error_names_file_and_line(plan, tmp_path):
    options = _override(tmp_path, "exercises/reverse-kegels.j2", "say fine\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"^exercises/reverse-kegels.j2:2: template syntax"):
        script_text(plan, plan.stage("external-mapping"), options)


def test_undefined_variable_names_file_and_line(plan, tmp_path):
    options = _override(tmp_path, "exercises/reverse-kegels.j2", "say one\nsay {{ nope }}\n")
    with pytest.raises(TemplateError) as err:
        script_text(plan, plan.stage("external-mapping"), options)
    assert str(err.value).startswith("exercises/reverse-kegels.j2:2:")
    assert "nope" in str(err.value)


def test_words_too_long_for_their_block_name_the_template_line(plan, tmp_path):
    long_words = " ".join(["slowly"] * 400)
    options = _override(
        tmp_path,
        "exercises/jaw-pelvic-pairing.j2",
        f"say A short line.\nsay {long_words}\nbreathe fill\n",
    )
    with pytest.raises(CueError) as err:
        build_timeline(plan, plan.stage("external-mapping"), options, estimate_measure())
    message = str(err.value)
    assert message.startswith("exercises/jaw-pelvic-pairing.j2:2:")
    assert "block 'jaw-pelvic-pairing'" in message


def test_a_bad_cue_in_a_template_names_its_line(plan, tmp_path):
    options = _override(
        tmp_path, "close.j2", "segment close 50 Closing\nsay Thank you.\nwhisper goodbye\n"
    )
    with pytest.raises(CueError, match=r"^close.j2:3: unknown cue 'whisper'"):
        build_timeline(plan, plan.stage("external-mapping"), options, estimate_measure())


def test_every_session_has_the_safety_opening_and_the_close(plan):
    for stage in plan.stages:
        t = build_timeline(plan, stage, SessionOptions(), estimate_measure())
        words = [e.text for e in t.speech()]
        opening = [e.text for e in t.speech() if e.segment == "opening"]
        said = " ".join(opening).lower()
        assert "discomfort" in said and "two" in said and "none at all" in said
        assert all(word in said for word in ("paus", "stop", "skip")), said
        close = " ".join(e.text for e in t.speech() if e.segment == "close")
        assert "from zero, none at all, to ten" in close and "Tomorrow" in close
        assert "What felt safe today?" in close
        assert [s.id for s in t.segments] == ["opening", *stage.exercises, "close"]
        assert words


def test_exposure_holds_have_spoken_countdowns(plan):
    for stage_id in ("entrance-contact", "shallow-insertion", "micro-movements"):
        t = build_timeline(plan, plan.stage(stage_id), SessionOptions(), estimate_measure())
        holds = [e for e in t.events if e.kind == "hold"]
        assert holds, stage_id
        for hold in holds:
            said = [e.text for e in t.speech() if hold.start_n <= e.start_n < hold.end_n]
            assert said[-3:] == ["Three.", "Two.", "One."]


def test_hold_lengths_follow_the_plan(plan):
    def holds(stage_id, options):
        t = build_timeline(plan, plan.stage(stage_id), options, estimate_measure())
        return [round(e.end_s - e.start_s) for e in t.events if e.kind == "hold"]

    from softpace.plan import Variant

    # a stage starts at the low end of every range, and grows with easy practices there
    assert holds("entrance-contact", SessionOptions()) == [30, 30]
    assert holds("entrance-contact", SessionOptions(easy_practices=1)) == [45, 45]
    assert holds("entrance-contact", SessionOptions(easy_practices=2)) == [60, 60]
    assert holds("shallow-insertion", SessionOptions()) == [20, 20]
    assert holds("shallow-insertion", SessionOptions(easy_practices=9)) == [30, 30, 30]
    short = SessionOptions(variant=Variant.SHORT, easy_practices=9)
    assert holds("shallow-insertion", short) == [20, 20]
    assert holds("micro-movements", SessionOptions()) == [60]
    assert holds("micro-movements", SessionOptions(easy_practices=1)) == [120]
    assert holds("micro-movements", SessionOptions(easy_practices=2)) == [180]


SOURCE = Path(__file__).resolve().parents[3] / "shared" / "source" / "home-plan.txt"


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source plan is not beside the repo")
def test_narration_is_our_own_words(plan):
    """No run of eight words from the source plan is spoken verbatim."""

    def words(text):
        return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))

    source = words(SOURCE.read_text("utf-8"))
    runs = {tuple(source[i : i + 8]) for i in range(len(source) - 7)}
    for stage in plan.stages:
        t = build_timeline(plan, stage, SessionOptions(), estimate_measure())
        spoken = words(" ".join(e.text for e in t.speech()))
        copied = [
            " ".join(spoken[i : i + 8])
            for i in range(len(spoken) - 7)
            if tuple(spoken[i : i + 8]) in runs
        ]
        assert not copied, copied


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.0])
def test_a_damaged_template_cache_only_means_compiling_again(tmp_path, keep) -> None:
    """The compiled-template cache saves each render ~0.07 s; a file in it that is cut
    short or not Jinja's is ignored, and one that cannot be written is skipped."""
    cache = _QuietBytecodeCache(str(tmp_path))
    loader = jinja2.DictLoader({"t.j2": "Breathe {{ n }} times."})
    first = jinja2.Environment(loader=loader, bytecode_cache=cache)
    assert first.get_template("t.j2").render(n=4) == "Breathe 4 times."
    [stored] = tmp_path.iterdir()
    whole = stored.read_bytes()
    stored.write_bytes(whole[: int(len(whole) * keep)])  # cut short, as by a full disk
    again = jinja2.Environment(loader=loader, bytecode_cache=cache)
    assert again.get_template("t.j2").render(n=5) == "Breathe 5 times."
    nowhere = _QuietBytecodeCache(str(tmp_path / "gone"))  # cannot be written
    third = jinja2.Environment(loader=loader, bytecode_cache=nowhere)
    assert third.get_template("t.j2").render(n=6) == "Breathe 6 times."
