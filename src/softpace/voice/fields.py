"""Checked reads of profile keys: each bad value is one line naming the file and key."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from softpace.errors import VoiceError


def number(
    table: Mapping[str, Any],
    key: str,
    default: float,
    low: float,
    high: float,
    source: str,
    *,
    integer: bool = False,
) -> float:
    """A finite number in [low, high] (an int when `integer`), or `default` when absent."""
    value = table.get(key, default)
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VoiceError(f"{source}: {key} must be {kind}, got {value!r}")
    if not math.isfinite(value) or not low <= value <= high:
        raise VoiceError(f"{source}: {key} must be between {low:g} and {high:g}, got {value!r}")
    if integer and value != int(value):
        raise VoiceError(f"{source}: {key} must be {kind}, got {value!r}")
    return int(value) if integer else float(value)


def text(table: Mapping[str, Any], key: str, default: str, source: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise VoiceError(f"{source}: {key} must be a non-empty string, got {value!r}")
    return value.strip()


def no_unknown_keys(table: Mapping[str, Any], allowed: frozenset[str], source: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise VoiceError(
            f"{source}: unknown key {unknown[0]!r}; expected: {', '.join(sorted(allowed))}"
        )
