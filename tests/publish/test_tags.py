"""ID3 tags: chapters in time order (whatever mutagen does), cover, words, retagging."""

from __future__ import annotations

import io

from hypothesis import given, settings, strategies as st
from mutagen.id3 import CHAP, ID3, TIT2

from softpace.publish.tags import (
    Chapter,
    SessionTags,
    order_chapter_frames,
    retag,
    split_tag,
    tag_bytes,
    timeline_chapters,
)
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
TITLE_CHARS = st.characters(exclude_categories=("Cc", "Cs"))  # titles are printable text
AUDIO = bytes([0xFF, 0xFB, 0x70, 0x00]) + bytes(1000)


def _tags(chapters: tuple[Chapter, ...], **extra) -> SessionTags:
    return SessionTags(
        title="1. A stage", artist="softpace", album="Plan", track=1, track_total=6,
        chapters=chapters, **extra,
    )  # fmt: skip


def _chapters(titles: list[str]) -> tuple[Chapter, ...]:
    return tuple(
        Chapter(f"chp{i:03d}", title, i * 60_000, (i + 1) * 60_000)
        for i, title in enumerate(titles, start=1)
    )


def _read(data: bytes) -> ID3:
    return ID3(io.BytesIO(data))


def test_mutagen_alone_saves_chapters_out_of_order():
    """The reason order_chapter_frames exists: mutagen sorts frames by size."""
    id3 = ID3()
    for c in _chapters(["A much longer chapter title", "B", "Cc"]):
        sub = [TIT2(encoding=3, text=c.title)]
        id3.add(CHAP(element_id=c.element_id, start_time=c.start_ms, end_time=c.end_ms,
                     sub_frames=sub))  # fmt: skip
    saved = io.BytesIO()
    id3.save(saved, v2_version=4)
    starts = [f.start_time for f in _read(saved.getvalue()).getall("CHAP")]
    assert starts != sorted(starts)
    fixed = order_chapter_frames(saved.getvalue())
    assert len(fixed) == len(saved.getvalue())
    assert [f.start_time for f in _read(fixed).getall("CHAP")] == sorted(starts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(TITLE_CHARS, min_size=1, max_size=40), min_size=1, max_size=12))
def test_saved_chapters_are_in_time_order(titles):
    chapters = _chapters(titles)
    id3 = _read(tag_bytes(_tags(chapters)))
    saved = id3.getall("CHAP")  # file order
    assert [(f.element_id, f.start_time, f.end_time) for f in saved] == [
        (c.element_id, c.start_ms, c.end_ms) for c in chapters
    ]
    assert [f.sub_frames["TIT2"].text[0] for f in saved] == titles
    (toc,) = id3.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert toc.flags == 3  # top level and ordered


def test_chapters_follow_the_timeline_segments(plan):
    timeline = build_timeline(
        plan, plan.stage("micro-movements"), SessionOptions(), estimate_measure(150)
    )
    chapters = timeline_chapters(timeline)
    assert [c.title for c in chapters] == [s.title for s in timeline.segments]
    for chapter, segment in zip(chapters, timeline.segments, strict=True):
        assert abs(chapter.start_ms - segment.start_s * 1000) <= 0.5
        assert abs(chapter.end_ms - segment.end_s * 1000) <= 0.5
    renamed = timeline_chapters(timeline, lambda n, title: f"Part {n}")
    assert [c.title for c in renamed] == [f"Part {n}" for n in range(1, len(chapters) + 1)]


def test_cover_words_and_titles():
    tags = _tags(_chapters(["One"]), cover_png=PNG, transcript="Breathe in.\nBreathe out.\n",
                 comment="softpace session: x")  # fmt: skip
    id3 = _read(tag_bytes(tags))
    assert str(id3["TIT2"]) == "1. A stage" and str(id3["TRCK"]) == "1/6"
    (apic,) = id3.getall("APIC")
    assert apic.data == PNG and apic.mime == "image/png" and apic.type == 3
    (uslt,) = id3.getall("USLT")
    assert uslt.text == "Breathe in.\nBreathe out.\n"
    assert str(id3.getall("COMM")[0]) == "softpace session: x"


def test_retag_replaces_the_tag_and_keeps_the_audio():
    first = tag_bytes(_tags(_chapters(["One", "Two"]))) + AUDIO
    second = retag(first, _tags(_chapters(["Part 1", "Part 2"]), cover_png=PNG))
    tag, audio = split_tag(second)
    assert audio == AUDIO
    assert [f.sub_frames["TIT2"].text[0] for f in _read(tag).getall("CHAP")] == [
        "Part 1",
        "Part 2",
    ]
    assert split_tag(AUDIO) == (b"", AUDIO)
