"""Cover art, drawn per stage with Pillow: a calm colour field with breath rings.

A stage's cover shows its number and title in a colour of its own; a discreet cover is a
neutral grey-beige field with rings and no words. Covers are deterministic (same label,
same PNG bytes), so re-exporting leaves unchanged files untouched. Drawing takes a tenth
of a second (and Pillow's import), so with a cache folder set (`cache_covers_in`) each
cover is drawn once and kept there, keyed by its inputs and this module's code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import textwrap
from functools import lru_cache
from pathlib import Path

from softpace.publish.labels import Label

COVER_PX = 600
SUPERSAMPLE = 2  # drawn at twice the size, then scaled down, for smooth edges

# (background, ring, text) per stage, in order; calm, low-contrast colours.
STAGE_COLOURS = (
    ((214, 228, 225), (181, 207, 201), (44, 72, 68)),  # sea glass
    ((222, 230, 212), (193, 208, 177), (55, 70, 44)),  # sage
    ((228, 222, 236), (203, 192, 219), (64, 52, 84)),  # lavender
    ((238, 228, 212), (219, 201, 174), (84, 66, 40)),  # sand
    ((238, 220, 220), (219, 190, 192), (88, 52, 56)),  # dusty rose
    ((214, 224, 236), (182, 199, 219), (40, 58, 84)),  # slate blue
)
NEUTRAL_COLOURS = ((226, 223, 217), (205, 200, 191), (80, 76, 70))
_disk_cache: list[Path] = []  # the folder covers are kept in, once set


def cache_covers_in(folder: Path) -> None:
    """Keep drawn covers in `folder` (a cache: losing it only costs a redraw)."""
    _disk_cache[:] = [folder]


def cover_png(label: Label) -> bytes:
    """The label's cover as PNG bytes (COVER_PX square)."""
    return _draw(label.discreet, label.number, "" if label.discreet else label.title)


def neutral_cover_png() -> bytes:
    """The discreet cover, which stands for the whole share (the podcast feed's artwork)."""
    return _draw(True, 0, "")


@lru_cache(maxsize=32)
def _draw(discreet: bool, number: int, title: str) -> bytes:
    if not _disk_cache:
        return _paint(discreet, number, title)
    from softpace.atomic import write_bytes_atomic
    from softpace.errors import OutputError

    inputs = repr((discreet, number, title)).encode() + Path(__file__).read_bytes()
    path = _disk_cache[0] / f"{hashlib.sha256(inputs).hexdigest()}.png"
    try:
        return path.read_bytes()
    except OSError:
        png = _paint(discreet, number, title)
    with contextlib.suppress(OSError, OutputError):  # an unwritable cache stops nothing
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, png)
    return png


def _paint(discreet: bool, number: int, title: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    size = COVER_PX * SUPERSAMPLE
    background, ring, ink = (
        NEUTRAL_COLOURS if discreet else STAGE_COLOURS[(number - 1) % len(STAGE_COLOURS)]
    )
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    centre_x, centre_y = size * 0.68, size * 0.70
    for step in range(6, 0, -1):  # rings breathing out from the lower right
        radius = size * 0.09 * step
        shade = tuple(b + (r - b) * (7 - step) // 6 for b, r in zip(background, ring, strict=True))
        draw.ellipse(
            (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
            fill=shade,
        )
    if not discreet:
        margin = size * 0.08
        draw.text((margin, margin), "softpace", fill=ink, font=ImageFont.load_default(size=56))
        draw.text(
            (margin, margin + 90), str(number), fill=ink, font=ImageFont.load_default(size=260)
        )
        lines = textwrap.wrap(title.split(". ", 1)[-1], width=20)[:4]
        draw.multiline_text(
            (margin, size * 0.42),
            "\n".join(lines),
            fill=ink,
            font=ImageFont.load_default(size=80),
            spacing=18,
        )
    image = image.resize((COVER_PX, COVER_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
