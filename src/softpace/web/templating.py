"""The one Jinja environment for the app's and the share's pages (autoescaped, strict)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("softpace.web", "templates"),
                PackageLoader("softpace.share", "templates"),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    return env


def _day(value: date | None) -> str:
    """'Mon 30 Nov' for a date (the year only when it is not this year)."""
    if value is None:
        return ""
    text = value.strftime("%a %d %b")
    return text if value.year == date.today().year else f"{text} {value.year}"
