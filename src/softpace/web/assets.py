"""The app's static files (CSS and the small scripts), served from the package itself."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
NAMES = ("app.css", "player.js", "checkin.js", "app.js")


@lru_cache(maxsize=len(NAMES))
def asset(name: str) -> tuple[bytes, str] | None:
    """(bytes, media type) of a known static file, or None: only these exact names."""
    if name not in NAMES:
        return None
    body = resources.files("softpace.web").joinpath("static", name).read_bytes()
    return body, MEDIA_TYPES[name[name.rindex(".") :]]
