"""The user's settings: one small TOML file in the home folder, private to its owner.

The CLI and the web Settings page read and write the same file. Command-line options
override a setting for one run; a missing file means every default. Every value is
checked on load and on save, and a bad one is named with its allowed range.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from softpace.atomic import atomic_path
from softpace.constants import MAX_BREATH_S, MIN_BREATH_S, SETTINGS_NAME, TONES
from softpace.errors import SettingsError
from softpace.paths import private_dir


@dataclass(frozen=True)
class Settings:
    """What the user chose once and wants every time. None means "softpace's default"."""

    voice: str | None = None  # a voice profile name; None: the default profile
    inhale_s: float = 4.0
    exhale_s: float = 6.0
    tones: str = "normal"  # one of TONES
    short: bool = False  # the shorter variant of every session
    hip_openers: tuple[str, ...] | None = None  # two pose ids; None: rotate by day
    discreet: bool = False  # titles and file names that reveal nothing intimate
    reminder_time: dt.time | None = None  # daily practice reminder (calendar file)
    checkin_time: dt.time | None = None  # next-morning check-in reminder

    def __post_init__(self) -> None:
        _check(self)


KEYS = tuple(f.name for f in fields(Settings))


def settings_path(home: Path) -> Path:
    return home / SETTINGS_NAME


def load_settings(home: Path) -> Settings:
    """The settings saved in `home`, or the defaults when there is no file yet."""
    path = settings_path(home)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path} ({exc}); fix or remove it") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc
    try:
        return from_mapping(data)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from exc


def save_settings(home: Path, settings: Settings) -> Path:
    """Write the settings atomically, readable by their owner only (0600)."""
    private_dir(home, option="--home", what="data folder")  # 0700 whoever creates it
    path = settings_path(home)
    with atomic_path(path, mode=0o600) as temp:
        temp.write_text(to_toml(settings), "utf-8")
    return path


def from_mapping(data: Mapping[str, object]) -> Settings:
    """Settings from parsed TOML (or a web form's values); unknown keys are refused."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]!r}; known: {', '.join(KEYS)}")
    values: dict[str, object] = {}
    for key, raw in data.items():
        values[key] = _coerce(key, raw)
    return Settings(**values)  # type: ignore[arg-type]  # each value checked by _coerce


def with_value(settings: Settings, assignment: str) -> Settings:
    """`key=value` as typed after `softpace settings --set`; an empty value resets the key."""
    key, sep, text = assignment.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or key not in KEYS:
        raise SettingsError(
            f"--set {assignment!r}: write KEY=VALUE with KEY one of {', '.join(KEYS)}"
        )
    data = {k: getattr(settings, k) for k in KEYS if getattr(settings, k) is not None}
    data.pop(key, None)
    if text.strip():
        data[key] = _parse_text(key, text.strip())
    return from_mapping(data)


def to_toml(settings: Settings) -> str:
    lines = ["# softpace settings (see `softpace settings`); command-line options override these"]
    for key in KEYS:
        value = getattr(settings, key)
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def as_display(settings: Settings) -> dict[str, str]:
    """Each setting as the user would type it (empty: softpace's default)."""
    return {key: _text(getattr(settings, key)) for key in KEYS}


# -- checking -------------------------------------------------------------------
def _check(s: Settings) -> None:
    for key in ("inhale_s", "exhale_s"):
        value = getattr(s, key)
        if not (math.isfinite(value) and MIN_BREATH_S <= value <= MAX_BREATH_S):
            raise SettingsError(
                f"{key} must be between {MIN_BREATH_S:g} and {MAX_BREATH_S:g} seconds, "
                f"got {value!r}"
            )
    if s.tones not in TONES:
        raise SettingsError(f"tones must be one of {', '.join(TONES)}, got {s.tones!r}")
    if s.voice is not None and not (s.voice.strip() and s.voice.isprintable()):
        raise SettingsError(
            f"voice must be a profile name (see `softpace voices`), got {s.voice!r}"
        )
    if s.hip_openers is not None and (
        len(s.hip_openers) != 2 or len(set(s.hip_openers)) != 2 or not all(s.hip_openers)
    ):
        raise SettingsError(
            f"hip_openers must name two different poses, e.g. childs-pose,figure-four; "
            f"got {','.join(s.hip_openers) or 'nothing'}"
        )


def _coerce(key: str, raw: object) -> object:
    """A TOML value as the field's type, or a SettingsError naming the key."""
    if key in ("inhale_s", "exhale_s"):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        raise SettingsError(f"{key} must be a number of seconds, got {raw!r}")
    if key in ("short", "discreet"):
        if isinstance(raw, bool):
            return raw
        raise SettingsError(f"{key} must be true or false, got {raw!r}")
    if key in ("voice", "tones"):
        if isinstance(raw, str):
            return raw.strip()
        raise SettingsError(f"{key} must be text, got {raw!r}")
    if key == "hip_openers":
        if isinstance(raw, list | tuple) and all(isinstance(x, str) for x in raw):
            return tuple(str(x).strip().lower() for x in raw)
        raise SettingsError(f"hip_openers must be a list of two pose ids, got {raw!r}")
    return _time(key, raw)


def _time(key: str, raw: object) -> dt.time:
    if isinstance(raw, dt.time):
        return raw.replace(second=0, microsecond=0)
    if isinstance(raw, str):
        try:
            return dt.time.fromisoformat(raw.strip()).replace(second=0, microsecond=0)
        except ValueError:
            pass
    raise SettingsError(f"{key} must be a time of day as HH:MM, e.g. 20:30; got {raw!r}")


def _parse_text(key: str, text: str) -> object:
    """A value typed on the command line, as TOML would give it for this key."""
    if key in ("inhale_s", "exhale_s"):
        try:
            return float(text)
        except ValueError:
            raise SettingsError(f"{key} must be a number of seconds, got {text!r}") from None
    if key in ("short", "discreet"):
        lowered = text.lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise SettingsError(f"{key} must be true or false, got {text!r}")
    if key == "hip_openers":
        return [part for part in text.split(",") if part.strip()]
    return text


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dt.time):
        return f'"{value.strftime("%H:%M")}"'
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return f"{value:g}" if isinstance(value, float) else str(value)
