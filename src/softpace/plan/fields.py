"""Reading a plan file's TOML data: typed getters whose errors name file, line and key."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, TypeVar

from softpace.errors import PlanError
from softpace.plan.model import Span

T = TypeVar("T")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FieldReader:
    """Typed reads of raw TOML values; finds the line of a bad value for the message."""

    def __init__(self, text: str, path: Path) -> None:
        self.lines = text.splitlines()
        self.path = path

    # -- locating lines -------------------------------------------------
    def _line_of(self, where: tuple[str, int | None, str | None]) -> int:
        table, index, key = where
        start = 0
        if table:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            seen = -1
            for number, line in enumerate(self.lines):
                if header.match(line):
                    seen += 1
                    if index is None or seen == index:
                        start = number
                        break
        if key:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for number in range(start, len(self.lines)):
                if number > start and self.lines[number].lstrip().startswith("[["):
                    break
                if pattern.match(self.lines[number]):
                    return number + 1
        return start + 1

    def fail(self, where: tuple[str, int | None, str | None], message: str) -> PlanError:
        table, index, key = where
        name = table + (f"[{index + 1}]" if index is not None else "") + (f".{key}" if key else "")
        return PlanError(f"{self.path}:{self._line_of(where)}: {name.lstrip('.')}: {message}")

    # -- typed getters --------------------------------------------------
    def get(
        self,
        raw: dict[str, Any],
        key: str,
        kind: type[T] | tuple[type, ...],
        where: tuple[str, int | None],
        default: Any = ...,
    ) -> Any:
        spot = (where[0], where[1], key)
        if key not in raw:
            if default is ...:
                raise self.fail(spot, "is missing")
            return default
        value = raw[key]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(spot, f"must be {_kind_name(kind)}, not true/false")
        if not isinstance(value, kind):
            raise self.fail(spot, f"must be {_kind_name(kind)}, got {value!r}")
        return value

    def text(self, raw: dict[str, Any], key: str, where: tuple[str, int | None]) -> str:
        value: str = self.get(raw, key, str, where)
        if not value.strip():
            raise self.fail((where[0], where[1], key), "must not be empty")
        return value.strip()

    def slug(self, raw: dict[str, Any], where: tuple[str, int | None]) -> str:
        value = self.text(raw, "id", where)
        if not _SLUG.match(value):
            raise self.fail(
                (where[0], where[1], "id"),
                f"{value!r} must be a lowercase hyphenated slug such as 'entrance-contact'",
            )
        return value

    def number(
        self, raw: dict[str, Any], key: str, where: tuple[str, int | None], minimum: float = 0
    ) -> float:
        value = float(self.get(raw, key, (int, float), where))
        if not math.isfinite(value) or value < minimum:
            raise self.fail(
                (where[0], where[1], key),
                f"must be a finite number of at least {minimum:g}, got {value!r}",
            )
        return value

    def span(
        self, raw: dict[str, Any], key: str, where: tuple[str, int | None], optional: bool = False
    ) -> Span | None:
        if optional and key not in raw:
            return None
        value = self.get(raw, key, list, where)
        spot = (where[0], where[1], key)
        if len(value) != 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            raise self.fail(spot, f"must be a [low, high] pair of numbers, got {value!r}")
        low, high = float(value[0]), float(value[1])
        if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or high < low:
            raise self.fail(spot, f"must be finite numbers with 0 < low <= high, got {show(value)}")
        return Span(low, high)

    def strings(
        self, raw: dict[str, Any], key: str, where: tuple[str, int | None], default: Any = ...
    ) -> tuple[str, ...]:
        value = self.get(raw, key, list, where, default)
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail((where[0], where[1], key), "must be a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def table_list(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail((key, None, None), f"must be an array of tables ([[{key}]])")
        return value

    def no_unknown(
        self, raw: dict[str, Any], allowed: set[str], where: tuple[str, int | None]
    ) -> None:
        for key in raw:
            if key not in allowed:
                raise self.fail(
                    (where[0], where[1], key),
                    f"unknown key; expected one of: {', '.join(sorted(allowed))}",
                )


def show(values: list[Any]) -> str:
    """[3, 5.0] -> '[3, 5]' (NaN and inf as TOML spells them)."""
    return "[" + ", ".join(f"{v:g}" if isinstance(v, float) else repr(v) for v in values) + "]"


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
        bool: "true or false",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
