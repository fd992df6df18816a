"""The speech engine interface: text + engine settings -> a mono clip of 16-bit samples.

Two layers, so listing and validating profiles never loads a model:
- an `EngineKind` (cheap, registered by name in `registry`) parses a profile's settings,
  says whether the engine can run here, names its licence, and opens the engine;
- a `SpeechEngine` (opened on demand, once per process) synthesizes and reads phonemes;
  one that loads models may offer `release()`, to drop them until it is next asked.
Tests register a fake kind (or substitute a fake engine) through the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class EngineVoice:
    id: str
    name: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RawClip:
    """What an engine returns: int16 mono samples at the engine's own rate."""

    samples: np.ndarray
    sample_rate_hz: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate_hz


class SpeechEngine(Protocol):
    """A loaded engine. `settings` is the frozen settings object its kind parsed."""

    name: str

    def voices(self) -> list[EngineVoice]: ...

    def identity(self, settings: Any) -> tuple[str, ...]:
        """What makes its audio what it is besides the text (model, version, settings):
        part of the speech cache key."""
        ...

    def synthesize(self, text: str, settings: Any) -> RawClip:
        """Speak `text` (already passed through the lexicon); raises VoiceError for a
        setting the engine cannot use, SpeechEngineError on failure."""
        ...


class PhonemeReader(Protocol):
    """Engines that can say which phonemes they will speak (for the lexicon test)."""

    def phonemes(self, text: str, settings: Any) -> str: ...


class EngineKind(Protocol):
    """What the registry holds for each engine name; all of it cheap (no model loaded)."""

    name: str
    lexicon: str  # which column of the pronunciation lexicon this engine reads

    def parse_settings(self, table: Mapping[str, Any], source: str) -> Any:
        """The engine's settings from a profile's keys; VoiceError naming `source` if bad."""
        ...

    def settings_keys(self) -> frozenset[str]: ...

    def problem(self, settings: Any) -> str | None:
        """None when the engine can run here with these settings, else why not (one line)."""
        ...

    def licence(self, settings: Any) -> str: ...

    def open(self) -> SpeechEngine:
        """The engine itself, made once per process; loading may be deferred to first use."""
        ...


def get_engine(name: str) -> SpeechEngine:
    """The engine registered under `name` (kept for callers that predate the registry)."""
    from softpace.voice import registry

    return registry.engine(name)
