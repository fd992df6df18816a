"""Voice profiles: TOML files naming an engine and that engine's settings.

Shipped profiles live in the project's voices/ folder (package softpace.voice_profiles);
a user adds or overrides profiles in <data home>/voices/. A profile has a few keys of its
own (description, engine, gender, accent); every other key belongs to its engine, whose
kind checks it. Loading one profile reads only its file, so a broken profile blocks only
the renders that use it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from softpace.errors import VoiceError
from softpace.voice import fields, registry

DEFAULT_PROFILE = "calm"
FALLBACK_PROFILE = "espeak-calm"  # when the default engine cannot run here
_OWN_KEYS = frozenset({"description", "engine", "gender", "accent"})


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    description: str
    engine: str  # a registry name (espeak, hibari, piper, ...)
    settings: Any  # the engine's frozen settings object
    source: str  # the file it came from, for messages
    gender: str = ""
    accent: str = ""


@dataclass(frozen=True)
class ProfileList:
    """Every profile that loaded, and one line per file that did not."""

    profiles: dict[str, VoiceProfile]
    problems: tuple[str, ...] = ()


def parse_profile(name: str, text: str, source: str) -> VoiceProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VoiceError(f"{source}: not valid TOML: {exc}") from exc
    engine = registry.canonical(fields.text(data, "engine", "espeak", source))
    try:
        kind = registry.kind(engine)
    except VoiceError as exc:
        raise VoiceError(f"{source}: {exc}") from exc
    fields.no_unknown_keys(data, _OWN_KEYS | kind.settings_keys(), source)
    own = {k: data[k] for k in data if k in _OWN_KEYS}
    return VoiceProfile(
        name=name,
        description=fields.text(own, "description", name, source),
        engine=engine,
        settings=kind.parse_settings({k: v for k, v in data.items() if k not in _OWN_KEYS}, source),
        source=source,
        gender=str(own.get("gender", "")),
        accent=str(own.get("accent", "")),
    )


def _read(entry: Path | Traversable, source: str) -> str:
    if entry.is_dir():
        raise VoiceError(f"{source} is a folder, not a voice profile; rename or remove it")
    try:
        data = entry.read_bytes()
    except OSError as exc:
        raise VoiceError(f"{source}: cannot read it ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VoiceError(f"{source}: not UTF-8 text; save it as UTF-8") from exc


def _shipped() -> dict[str, Traversable]:
    return {
        entry.name[: -len(".toml")]: entry
        for entry in resources.files("softpace.voice_profiles").iterdir()
        if entry.name.endswith(".toml")
    }


def _user(user_dir: Path | None) -> dict[str, Path]:
    if user_dir is None or not user_dir.is_dir():
        return {}
    return {path.stem: path for path in sorted(user_dir.glob("*.toml"))}


def load_profiles(user_dir: Path | None = None) -> dict[str, VoiceProfile]:
    """All profiles by name (user ones override shipped ones); any bad file is an error."""
    listing = list_profiles(user_dir)
    if listing.problems:
        raise VoiceError(listing.problems[0])
    return listing.profiles


def list_profiles(user_dir: Path | None = None) -> ProfileList:
    """All profiles that load, and a one-line problem for each file that does not."""
    profiles: dict[str, VoiceProfile] = {}
    problems: list[str] = []
    sources: dict[str, tuple[Path | Traversable, str]] = {
        name: (entry, f"voices/{entry.name}") for name, entry in _shipped().items()
    }
    sources.update({name: (path, str(path)) for name, path in _user(user_dir).items()})
    for name, (entry, source) in sorted(sources.items()):
        try:
            profiles[name] = parse_profile(name, _read(entry, source), source)
        except VoiceError as exc:
            problems.append(str(exc))
    try:
        from softpace.voice import packs

        for pack in packs.all_packs(user_dir):
            if pack.name not in sources:
                profiles[pack.name] = _pack_profile(pack, user_dir)
    except VoiceError as exc:
        problems.append(str(exc))
    return ProfileList(dict(sorted(profiles.items())), tuple(problems))


def _pack_profile(pack: Any, user_dir: Path | None) -> VoiceProfile:
    from softpace.voice.recorded import pack_profile

    if pack.fallback == pack.name:
        raise VoiceError(f"{pack.folder}: the pack's fallback cannot be the pack itself")
    return pack_profile(pack, get_profile(pack.fallback, user_dir))


def get_profile(name: str, user_dir: Path | None = None) -> VoiceProfile:
    """One profile by name, reading only its own file (the user's first)."""
    user = _user(user_dir)
    if name in user:
        return parse_profile(name, _read(user[name], str(user[name])), str(user[name]))
    shipped = _shipped()
    if name in shipped:
        entry = shipped[name]
        source = f"voices/{entry.name}"
        return parse_profile(name, _read(entry, source), source)
    from softpace.voice import packs

    pack = packs.find_pack(name, user_dir)
    if pack is not None:
        return _pack_profile(pack, user_dir)
    known = sorted({*shipped, *user})
    raise VoiceError(
        f"unknown voice {name!r}; available voices: {', '.join(known)} (see `softpace voices`)"
    )
