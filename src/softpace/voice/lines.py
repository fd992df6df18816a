"""Every distinct line the sessions speak, with a stable id: what a recorded voice pack
records, and where each line is used.

A line's id is a hash of its normalised text (Unicode NFC, whitespace collapsed, case
folded), so it stays the same wherever and whenever the line is said, and a recording
named by it keeps working after unrelated wording changes. The lines are collected by
compiling every stage's script with every symptom modifier and both lengths (and, where
the narration rotates phrasings by day, over a span of days).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import html
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from softpace.plan.model import Plan, Variant
from softpace.script.compiler import Measure
from softpace.script.narration import SessionOptions, build_timeline, estimate_measure

ID_CHARS = 10
__all__ = ["Line", "Measure", "line_id", "normalise", "spoken_lines", "write_record_list"]
ROTATION_DAYS = 14  # phrasings rotate by day: two weeks covers every rotation


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def line_id(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:ID_CHARS]


@dataclass(frozen=True)
class Line:
    id: str
    text: str
    uses: tuple[str, ...]  # "stage: chapter", in session order, each once

    @property
    def where(self) -> str:
        return "; ".join(self.uses)


def session_options(plan: Plan) -> Iterator[SessionOptions]:
    """Every way a session can be shaped that changes its words: both lengths, each
    symptom modifier, and (where the narration rotates phrasings by day) each day of a
    rotation, which is independent of length and modifiers."""
    for variant in Variant:
        yield SessionOptions(variant=variant)
        for item in plan.troubleshooting:
            yield SessionOptions(variant=variant).for_symptoms(frozenset({item.id}))
    start = date(2026, 1, 1)
    for n in range(ROTATION_DAYS):
        yield dataclasses.replace(SessionOptions(), day=start + timedelta(days=n))


def spoken_lines(plan: Plan) -> tuple[Line, ...]:
    """Every distinct spoken line of every session, in first-heard order."""
    measure = estimate_measure()
    texts: dict[str, str] = {}
    uses: dict[str, dict[str, None]] = {}
    for options in session_options(plan):
        for stage in plan.stages:
            timeline = build_timeline(plan, stage, options, measure)
            titles = {s.id: s.title for s in timeline.segments}
            for event in timeline.speech():
                text = event.text or ""
                key = line_id(text)
                texts.setdefault(key, text)
                uses.setdefault(key, {})[f"{stage.id}: {titles.get(event.segment, '')}"] = None
    return tuple(Line(key, texts[key], tuple(uses[key])) for key in texts)


def record_list_csv(lines: tuple[Line, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "text", "where used"])
    for line in lines:
        writer.writerow([line.id, line.text, line.where])
    return buffer.getvalue()


def record_list_html(lines: tuple[Line, ...], pack: str) -> str:
    rows = "\n".join(
        f"<tr><td><code>{line.id}</code></td><td>{html.escape(line.text)}</td>"
        f"<td>{html.escape(line.where)}</td></tr>"
        for line in lines
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>softpace voice pack {html.escape(pack)}: lines to record</title>
<style>
body {{ font: 12pt/1.4 Georgia, serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #bbb; padding: .4em; vertical-align: top; text-align: left; }}
td:nth-child(2) {{ font-size: 14pt; }}
td:nth-child(3) {{ font-size: 9pt; color: #444; }}
@media print {{ tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>Lines to record for the pack “{html.escape(pack)}”</h1>
<p>{len(lines)} lines. Read each calmly and slowly, with a breath of silence before and after.
Save each as <code>ID.wav</code> (or .flac, .mp3, .m4a) in the pack's folder.
Lines you leave out are spoken by the pack's fallback voice.</p>
<table><thead><tr><th>id</th><th>line</th><th>where it is said</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def write_record_list(lines: tuple[Line, ...], folder: Path, pack: str) -> tuple[Path, Path]:
    """`PACK-lines.csv` and `PACK-lines.html` in `folder`; returns their paths."""
    from softpace.atomic import ensure_writable_dir, write_text_atomic

    ensure_writable_dir(folder, option="--out", what="folder")
    csv_path, html_path = folder / f"{pack}-lines.csv", folder / f"{pack}-lines.html"
    write_text_atomic(csv_path, record_list_csv(lines))
    write_text_atomic(html_path, record_list_html(lines, pack))
    return csv_path, html_path
