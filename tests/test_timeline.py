"""The Timeline core type: event kinds, and the one reader and writer of its JSON file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from softpace.errors import OutputError
from softpace.timeline import (
    SCHEMA_VERSION,
    Event,
    EventKind,
    Segment,
    Timeline,
    read_timeline,
    write_timeline,
)


def _timeline(events: tuple[Event, ...] = ()) -> Timeline:
    events = events or (
        Event("speech", 0, 44_100, "opening", text="Settle in."),
        Event(EventKind.INHALE, 44_100, 220_500, "opening"),
        Event(EventKind.PAUSE, 220_500, 230_000, "opening"),
        Event(EventKind.BELL, 230_000, 264_600, "opening"),
    )
    return Timeline(
        stage="external-mapping",
        title="Days 1-3",
        n_samples=264_600,
        inhale_s=4.0,
        exhale_s=6.0,
        segments=(Segment("opening", "Before you begin", 0, 264_600),),
        events=events,
    )


def test_kinds_are_an_enum_even_when_given_as_text() -> None:
    event = Event("hold", 0, 10, "x")
    assert event.kind is EventKind.HOLD
    with pytest.raises(ValueError):
        Event("dance", 0, 10, "x")


def test_write_then_read(tmp_path: Path) -> None:
    path = write_timeline(tmp_path / "external-mapping.timeline.json", _timeline())
    data = json.loads(path.read_text())
    assert data["schema"] == SCHEMA_VERSION
    assert [e["kind"] for e in data["events"]] == ["speech", "inhale", "bell"]  # no pause
    back = read_timeline(path)
    assert back.speech()[0].text == "Settle in."
    assert [e.kind for e in back.events] == [EventKind.SPEECH, EventKind.INHALE, EventKind.BELL]
    assert back.duration_s == pytest.approx(6.0)


def test_a_file_without_a_schema_is_version_1(tmp_path: Path) -> None:
    path = tmp_path / "external-mapping.timeline.json"
    data = _timeline().to_json_dict()
    del data["schema"]
    path.write_text(json.dumps(data))
    assert read_timeline(path).stage == "external-mapping"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema=2), "schema 2, but this softpace reads schema 1"),
        (lambda d: d["events"].append({"kind": "dance"}), "not a softpace timeline"),
        (lambda d: d.pop("stage"), "not a softpace timeline"),
    ],
)
def test_refused_files_name_the_file_and_the_fix(tmp_path: Path, change, message) -> None:
    path = tmp_path / "external-mapping.timeline.json"
    data = _timeline().to_json_dict()
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(OutputError, match=message) as info:
        read_timeline(path)
    assert str(path) in str(info.value) and "softpace render external-mapping" in str(info.value)


@given(st.binary(max_size=200))
def test_any_bytes_are_a_timeline_or_one_clear_error(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("t") / "x.timeline.json"
    path.write_bytes(data)
    with pytest.raises(OutputError):
        read_timeline(path)


def test_a_missing_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no timeline .*softpace render gone"):
        read_timeline(tmp_path / "gone.timeline.json")


def test_nothing_else_parses_timeline_files() -> None:
    """read_timeline is the one reader: no other module calls from_json_dict, or loads JSON
    where it names timeline files."""
    import softpace

    root = Path(softpace.__file__).parent

    def reads_timelines(text: str) -> bool:
        names_files = "timeline.json" in text or "TIMELINE_SUFFIX" in text
        return "from_json_dict(" in text or ("json.load" in text and names_files)

    readers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "timeline.py" and reads_timelines(path.read_text("utf-8"))
    }
    assert readers == set()
