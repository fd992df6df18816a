"""Export to a folder or a zip: tags per label, sidecars, playlist, nothing rewritten twice."""

from __future__ import annotations

import io
import zipfile

import pytest
from mutagen.id3 import ID3

from softpace.errors import NothingRenderedError, OutputError
from softpace.publish.catalog import find_sessions, rendered_sessions
from softpace.publish.tags import split_tag
from softpace.share.bundle import export_to_folder, export_to_zip
from tests.conftest import RENDERED_STAGES


def _names(result) -> set[str]:
    return set(result.written) | set(result.unchanged)


def test_export_copies_sessions_sidecars_and_playlist(plan, rendered, tmp_path):
    sessions = find_sessions(plan, rendered)
    assert [s.stage.id for s in sessions] == list(RENDERED_STAGES)
    dest = tmp_path / "phone"
    result = export_to_folder(plan, sessions, dest)
    expected = {f"{s}{ext}" for s in RENDERED_STAGES for ext in (".mp3", ".lrc", ".vtt")}
    assert _names(result) == expected | {"playlist.m3u8"}
    assert {p.name for p in dest.iterdir()} == expected | {"playlist.m3u8"}
    for session in sessions:
        copy = dest / f"{session.stage.id}.mp3"
        # same audio frames, same chapters as the timeline
        assert split_tag(copy.read_bytes())[1] == split_tag(session.mp3_path.read_bytes())[1]
        chapters = ID3(copy).getall("CHAP")
        assert [(c.start_time, c.end_time) for c in chapters] == [
            (round(s.start_s * 1000), round(s.end_s * 1000)) for s in session.timeline.segments
        ]
    playlist = (dest / "playlist.m3u8").read_text().splitlines()
    assert [line for line in playlist if line.endswith(".mp3")] == [
        f"{s}.mp3" for s in RENDERED_STAGES
    ]


def test_reexport_leaves_unchanged_files_untouched(plan, rendered, tmp_path):
    dest = tmp_path / "phone"
    export_to_folder(plan, find_sessions(plan, rendered), dest)
    before = {p.name: p.stat().st_mtime_ns for p in dest.iterdir()}
    again = export_to_folder(plan, find_sessions(plan, rendered), dest)
    assert again.written == ()
    assert {p.name: p.stat().st_mtime_ns for p in dest.iterdir()} == before
    # a changed session is copied again, and only its files
    timeline = rendered / "entrance-contact.timeline.json"
    timeline.write_text(timeline.read_text().replace("Closing", "Ending"))
    third = export_to_folder(plan, find_sessions(plan, rendered), dest)
    assert third.written == ("entrance-contact.mp3",)  # chapter titles live in the tag only
    assert ID3(dest / "entrance-contact.mp3").getall("CHAP")[-1].sub_frames["TIT2"] == "Ending"


def test_discreet_export_reveals_nothing_in_names_or_tags(plan, rendered, tmp_path):
    dest = tmp_path / "phone"
    result = export_to_folder(plan, find_sessions(plan, rendered), dest, discreet=True)
    assert {p.name for p in dest.iterdir()} == {
        "practice-1.mp3", "practice-1.lrc", "practice-1.vtt",
        "practice-2.mp3", "practice-2.lrc", "practice-2.vtt", "playlist.m3u8",
    }  # fmt: skip
    id3 = ID3(dest / "practice-2.mp3")
    assert str(id3["TIT2"]) == "Evening practice 2"
    assert str(id3["TALB"]) == "Evening practice" and str(id3["TPE1"]) == "Evening practice"
    titles = [str(c.sub_frames["TIT2"]) for c in id3.getall("CHAP")]
    assert titles == [f"Part {n}" for n in range(1, len(titles) + 1)]
    assert not id3.getall("COMM")
    assert "entrance" not in (dest / "playlist.m3u8").read_text().lower()
    assert [s.mp3_name for s in result.sessions] == ["practice-1.mp3", "practice-2.mp3"]
    assert result.sessions[1].mp3_bytes == (dest / "practice-2.mp3").stat().st_size


def test_zip_export_holds_the_same_files_and_is_rewritten_only_on_change(plan, rendered, tmp_path):
    sessions = find_sessions(plan, rendered)
    folder = export_to_folder(plan, sessions, tmp_path / "folder")
    zip_path = tmp_path / "sessions.zip"
    first = export_to_zip(plan, sessions, zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        assert set(archive.namelist()) == _names(folder)
        for name in archive.namelist():
            assert archive.read(name) == (tmp_path / "folder" / name).read_bytes()
        assert archive.getinfo("external-mapping.mp3").compress_type == zipfile.ZIP_STORED
    assert set(first.written) == _names(folder)
    stamp = zip_path.stat().st_mtime_ns
    second = export_to_zip(plan, sessions, zip_path)
    assert second.written == () and zip_path.stat().st_mtime_ns == stamp
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    with zipfile.ZipFile(io.BytesIO(zip_path.read_bytes())) as archive:
        assert archive.testzip() is None


def test_nothing_rendered_says_what_to_run(plan, tmp_path):
    with pytest.raises(NothingRenderedError, match="softpace today"):
        find_sessions(plan, tmp_path / "empty")
    assert rendered_sessions(plan, tmp_path) == ()


def test_a_broken_timeline_is_named(plan, rendered):
    (rendered / "entrance-contact.timeline.json").write_text("{not json")
    with pytest.raises(OutputError, match="entrance-contact.timeline.json is not a softpace"):
        find_sessions(plan, rendered)


def test_export_into_a_file_is_refused_and_writes_nothing(plan, rendered, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="DIR"):
        export_to_folder(plan, find_sessions(plan, rendered), blocker / "phone")
    assert blocker.read_text() == "x"


def test_a_discreet_export_removes_the_plain_names_softpace_left_there(plan, rendered, tmp_path):
    sessions = find_sessions(plan, rendered)
    dest = tmp_path / "phone"
    export_to_folder(plan, sessions, dest)
    (dest / "my-own-notes.txt").write_text("keep me")
    export_to_folder(plan, sessions, dest, discreet=True)
    names = {p.name for p in dest.iterdir()}
    assert not [n for n in names if any(s in n for s in RENDERED_STAGES)], names
    assert "practice-1.mp3" in names and "my-own-notes.txt" in names
    # and back: the discreet names go when exporting plainly again
    export_to_folder(plan, sessions, dest)
    assert not [n for n in (p.name for p in dest.iterdir()) if n.startswith("practice-")]


def test_a_file_with_a_session_name_that_is_not_ours_is_never_removed(plan, rendered, tmp_path):
    sessions = find_sessions(plan, rendered)
    dest = tmp_path / "phone"
    dest.mkdir()
    (dest / "entrance-contact.mp3").write_bytes(b"someone else's recording")
    with pytest.raises(OutputError, match="not made by it"):
        export_to_folder(plan, sessions, dest, discreet=True)
    assert (dest / "entrance-contact.mp3").read_bytes() == b"someone else's recording"
    assert not (dest / "practice-1.mp3").exists()  # nothing exported
