"""Voice profiles: TOML files naming the engine, voice id, rate, pitch and volume.

Shipped profiles live in the project's voices/ folder (package softpace.voice_profiles);
a user can add or override profiles in <data home>/voices/.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from softpace.errors import VoiceError

DEFAULT_PROFILE = "calm"
_FIELDS = {"description", "engine", "voice", "rate_wpm", "pitch", "volume"}


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    description: str
    engine: str
    voice: str
    rate_wpm: int
    pitch: int  # espeak's 0-100, 50 is neutral
    volume: float  # 0-1
    source: str


def _parse(name: str, text: str, source: str) -> VoiceProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VoiceError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(data) - _FIELDS
    if unknown:
        raise VoiceError(
            f"{source}: unknown key {sorted(unknown)[0]!r}; expected: {', '.join(sorted(_FIELDS))}"
        )
    try:
        profile = VoiceProfile(
            name=name,
            description=str(data.get("description", name)),
            engine=str(data.get("engine", "pyttsx3")),
            voice=str(data["voice"]),
            rate_wpm=int(data.get("rate_wpm", 140)),
            pitch=int(data.get("pitch", 50)),
            volume=float(data.get("volume", 1.0)),
            source=source,
        )
    except KeyError as exc:
        raise VoiceError(f"{source}: missing key {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise VoiceError(f"{source}: {exc}") from exc
    if not 80 <= profile.rate_wpm <= 400:
        raise VoiceError(f"{source}: rate_wpm must be between 80 and 400, got {profile.rate_wpm}")
    if not 0 <= profile.pitch <= 100:
        raise VoiceError(f"{source}: pitch must be between 0 and 100, got {profile.pitch}")
    if not 0 < profile.volume <= 1:
        raise VoiceError(f"{source}: volume must be above 0 and at most 1, got {profile.volume}")
    return profile


def load_profiles(user_dir: Path | None = None) -> dict[str, VoiceProfile]:
    """All profiles by name: shipped ones first, then the user's (which may override)."""
    profiles: dict[str, VoiceProfile] = {}
    for entry in resources.files("softpace.voice_profiles").iterdir():
        if entry.name.endswith(".toml"):
            name = entry.name[: -len(".toml")]
            profiles[name] = _parse(name, entry.read_text("utf-8"), f"voices/{entry.name}")
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            profiles[path.stem] = _parse(path.stem, path.read_text("utf-8"), str(path))
    return dict(sorted(profiles.items()))


def get_profile(name: str, user_dir: Path | None = None) -> VoiceProfile:
    profiles = load_profiles(user_dir)
    if name not in profiles:
        raise VoiceError(
            f"unknown voice {name!r}; available voices: {', '.join(profiles)} "
            "(see `softpace voices`)"
        )
    return profiles[name]
