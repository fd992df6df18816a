"""What `softpace voices` shows: every profile with its engine, gender, accent, whether it
can speak here, and its licence. Cheap: no engine is opened, no model loaded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from softpace.errors import VoiceError
from softpace.voice import registry
from softpace.voice.profiles import DEFAULT_PROFILE, VoiceProfile, list_profiles


@dataclass(frozen=True)
class ProfileRow:
    name: str
    description: str
    engine: str
    gender: str
    accent: str
    installed: bool
    licence: str
    default: bool
    problem: str = ""  # why it cannot speak here, when not installed
    source: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "engine": self.engine,
            "installed": self.installed,
            "default": self.default,
            "gender": self.gender,
            "accent": self.accent,
            "licence": self.licence,
            "description": self.description,
            "problem": self.problem or None,
        }


@dataclass(frozen=True)
class Catalog:
    rows: tuple[ProfileRow, ...]
    problems: tuple[str, ...]  # one line per profile file that does not load


def row_for(profile: VoiceProfile) -> ProfileRow:
    kind = registry.kind(profile.engine)
    try:
        problem = kind.problem(profile.settings)
    except VoiceError as exc:
        problem = str(exc)
    return ProfileRow(
        name=profile.name,
        description=profile.description,
        engine=profile.engine,
        gender=profile.gender,
        accent=profile.accent,
        installed=problem is None,
        licence=kind.licence(profile.settings),
        default=profile.name == DEFAULT_PROFILE,
        problem=problem or "",
        source=profile.source,
    )


def catalog(user_dir: Path | None) -> Catalog:
    listing = list_profiles(user_dir)
    return Catalog(tuple(row_for(p) for p in listing.profiles.values()), listing.problems)
