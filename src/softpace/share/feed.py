"""The share's podcast feed: RSS 2.0 with absolute LAN URLs and audio/mpeg enclosures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from softpace.share.bundle import ExportedSession

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def feed_xml(
    album: str, discreet: bool, sessions: Sequence[ExportedSession], base_url: str
) -> bytes:
    ET.register_namespace("itunes", ITUNES_NS)
    ET.register_namespace("podcast", PODCAST_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", album)
    _text(channel, "link", base_url)
    _text(channel, "description", f"{album}: guided practice sessions, shared from your computer.")
    _text(channel, "language", "en")
    _text(channel, f"{{{ITUNES_NS}}}author", album if discreet else "softpace")
    _text(channel, f"{{{ITUNES_NS}}}block", "Yes")  # never list it in a directory
    _text(channel, f"{{{ITUNES_NS}}}explicit", "false")
    ET.SubElement(channel, f"{{{ITUNES_NS}}}image", {"href": f"{base_url}cover.png"})
    image = ET.SubElement(channel, "image")
    _text(image, "url", f"{base_url}cover.png")
    _text(image, "title", album)
    _text(image, "link", base_url)
    for session in sessions:
        label = session.label
        item = ET.SubElement(channel, "item")
        _text(item, "title", label.title)
        chapters = [
            label.chapter_title(n, s.title) for n, s in enumerate(session.timeline.segments, 1)
        ]
        _text(item, "description", "Chapters: " + ", ".join(chapters))
        # a new render is a new episode, so a podcast app fetches it again
        guid = ET.SubElement(item, "guid", {"isPermaLink": "false"})
        guid.text = f"{label.stem}-{session.rendered_ns}"
        rendered = datetime.fromtimestamp(session.rendered_ns / 1e9, tz=UTC)
        _text(item, "pubDate", format_datetime(rendered))
        ET.SubElement(
            item,
            "enclosure",
            {
                "url": f"{base_url}files/{session.mp3_name}",
                "length": str(session.mp3_bytes),
                "type": "audio/mpeg",
            },
        )
        _text(item, f"{{{ITUNES_NS}}}duration", str(round(session.timeline.duration_s)))
        _text(item, f"{{{ITUNES_NS}}}episode", str(label.number))
        ET.SubElement(
            item,
            f"{{{PODCAST_NS}}}transcript",
            {"url": f"{base_url}files/{label.vtt}", "type": "text/vtt"},
        )
    return bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True))


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text
