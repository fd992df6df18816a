"""The speech engine interface: text + voice profile -> a mono clip of 16-bit samples.

Engines are adapters (pyttsx3 is the default); tests swap in a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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
    name: str

    def voices(self) -> list[EngineVoice]: ...

    def synthesize(
        self, text: str, voice: str, rate_wpm: int, pitch: int, volume: float
    ) -> RawClip:
        """Speak `text`; raises VoiceError for an unknown voice, SpeechEngineError on failure."""
        ...


Request = tuple[str, str, int, int, float]  # text, voice, rate_wpm, pitch, volume


def get_engine(name: str) -> SpeechEngine:
    from softpace.errors import VoiceError

    if name == "pyttsx3":
        from softpace.voice.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine.shared()
    raise VoiceError(f"unknown speech engine {name!r}; softpace supports: pyttsx3")
