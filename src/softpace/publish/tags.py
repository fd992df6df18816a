"""ID3v2.4 tags for a session: title, album, artist, track, cover art, the words (USLT) and
one chapter per timeline segment (CHAP frames under an ordered, top-level CTOC frame).

The tag is built in memory, independent of the audio, so a renderer writes it first and
appends the MP3 frames after it, and an exporter swaps it on a copy.

mutagen sorts frames by their size when it saves, so CHAP frames can land out of time
order, and some players (AntennaPod) stop reading chapters at the first one out of order.
`order_chapter_frames` walks the saved tag and puts the CHAP frames back in time order.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from dataclasses import dataclass

from softpace.timeline import Timeline

TOC_ID = "toc"
GENRE = "Spoken Word"
RENDER_ID_DESC = "softpace render"
ID3_HEADER_BYTES = 10
FRAME_HEADER_BYTES = 10


@dataclass(frozen=True)
class Chapter:
    element_id: str
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class SessionTags:
    title: str
    artist: str
    album: str
    track: int
    track_total: int
    comment: str = ""
    chapters: tuple[Chapter, ...] = ()
    cover_png: bytes | None = None
    transcript: str = ""
    render_id: str = ""  # the render that made the file; its timeline carries the same id


def timeline_chapters(
    timeline: Timeline, title: Callable[[int, str], str] | None = None
) -> tuple[Chapter, ...]:
    """One chapter per segment, in time order; `title(number, segment_title)` may rename."""
    rate = timeline.sample_rate_hz
    return tuple(
        Chapter(
            element_id=f"chp{number:03d}",
            title=title(number, segment.title) if title else segment.title,
            start_ms=round(segment.start_n * 1000 / rate),
            end_ms=round(segment.end_n * 1000 / rate),
        )
        for number, segment in enumerate(timeline.segments, start=1)
    )


def tag_bytes(tags: SessionTags) -> bytes:
    """The complete ID3v2.4 tag (header, frames, padding), CHAP frames in time order."""
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TCON,
        TIT2,
        TPE1,
        TRCK,
        TXXX,
        USLT,
        CTOCFlags,
        PictureType,
    )

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.track_total}"))
    id3.add(TCON(encoding=3, text=GENRE))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.render_id:
        id3.add(TXXX(encoding=3, desc=RENDER_ID_DESC, text=tags.render_id))
    if tags.transcript:
        id3.add(USLT(encoding=3, lang="eng", desc="", text=tags.transcript))
    if tags.cover_png is not None:
        id3.add(
            APIC(
                encoding=3,
                mime="image/png",
                type=PictureType.COVER_FRONT,
                desc="Cover",
                data=tags.cover_png,
            )
        )
    if tags.chapters:
        id3.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=[c.element_id for c in tags.chapters],
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
        for chapter in tags.chapters:
            id3.add(
                CHAP(
                    element_id=chapter.element_id,
                    start_time=chapter.start_ms,
                    end_time=chapter.end_ms,
                    sub_frames=[TIT2(encoding=3, text=chapter.title)],
                )
            )
    buffer = io.BytesIO()
    id3.save(buffer, v2_version=4)
    return order_chapter_frames(buffer.getvalue())


def order_chapter_frames(tag: bytes) -> bytes:
    """The same ID3v2.4 tag with its CHAP frames in order of start time.

    The CHAP frames take the places the CHAP frames held; every other frame and the
    padding stay where they were, so the tag keeps its length.
    """
    frames, padding_at = _frames(tag)
    chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=_chapter_start)
    ordered = iter(chapters)
    body = b"".join(next(ordered) if f[:4] == b"CHAP" else f for f in frames)
    return tag[:ID3_HEADER_BYTES] + body + tag[padding_at:]


def split_tag(mp3: bytes) -> tuple[bytes, bytes]:
    """(the leading ID3v2 tag or b"", the rest of the file)."""
    if len(mp3) < ID3_HEADER_BYTES or mp3[:3] != b"ID3":
        return b"", mp3
    size = ID3_HEADER_BYTES + _syncsafe(mp3[6:10])
    if mp3[5] & 0x10:  # a footer follows the tag
        size += ID3_HEADER_BYTES
    return mp3[:size], mp3[size:]


def retag(mp3: bytes, tags: SessionTags) -> bytes:
    """The MP3 with its ID3v2 tag replaced by `tags` (the audio frames untouched)."""
    return tag_bytes(tags) + split_tag(mp3)[1]


def _frames(tag: bytes) -> tuple[list[bytes], int]:
    """The raw frames of an ID3v2.4 tag with no extended header, and where padding starts."""
    if tag[:3] != b"ID3" or tag[3] != 4 or tag[5] & 0xC0:
        raise ValueError("expected an ID3v2.4 tag without unsynchronisation or extended header")
    end = ID3_HEADER_BYTES + _syncsafe(tag[6:10])
    frames = []
    pos = ID3_HEADER_BYTES
    while pos + FRAME_HEADER_BYTES <= end and tag[pos] != 0:
        size = FRAME_HEADER_BYTES + _syncsafe(tag[pos + 4 : pos + 8])
        if pos + size > end:
            raise ValueError(f"ID3 frame {tag[pos : pos + 4]!r} runs past the end of the tag")
        frames.append(tag[pos : pos + size])
        pos += size
    return frames, pos


def _chapter_start(frame: bytes) -> tuple[int, bytes]:
    data = frame[FRAME_HEADER_BYTES:]
    id_end = data.index(b"\x00")
    (start_ms,) = struct.unpack(">I", data[id_end + 1 : id_end + 5])
    return start_ms, data[:id_end]


def _syncsafe(four: bytes) -> int:
    return (four[0] << 21) | (four[1] << 14) | (four[2] << 7) | four[3]
