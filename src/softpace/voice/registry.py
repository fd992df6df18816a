"""Speech engines by name: the built-in ones, anything registered, and test substitutes.

Built-in kinds are imported only when named, so a process that speaks with espeak never
imports onnxruntime, and a worker opens only the engine its profile uses. Each engine is
opened once per process (models are large; espeak is process-global).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from softpace.errors import VoiceError
from softpace.voice.engine import EngineKind, SpeechEngine

_BUILT_IN = {
    "espeak": "softpace.voice.pyttsx3_engine:KIND",
    "hibari": "softpace.voice.hibari_engine:KIND",
    "piper": "softpace.voice.piper_engine:KIND",
    "recorded": "softpace.voice.recorded:KIND",
}
ALIASES = {"pyttsx3": "espeak"}  # profiles written before the registry said "pyttsx3"

_kinds: dict[str, EngineKind] = {}
_engines: dict[str, SpeechEngine] = {}
_substitute: SpeechEngine | None = None


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


def names() -> list[str]:
    return sorted({*_BUILT_IN, *_kinds})


def kind(name: str) -> EngineKind:
    name = canonical(name)
    if name not in _kinds:
        if name not in _BUILT_IN:
            raise VoiceError(
                f"unknown speech engine {name!r}; softpace knows: {', '.join(names())}"
            )
        module, attr = _BUILT_IN[name].split(":")
        _kinds[name] = getattr(importlib.import_module(module), attr)
    return _kinds[name]


def register(new: EngineKind) -> None:
    """Add (or replace) an engine kind under its name; its engine is opened afresh."""
    _kinds[new.name] = new
    _engines.pop(new.name, None)


def unregister(name: str) -> None:
    _kinds.pop(name, None)
    _engines.pop(name, None)


def engine(name: str) -> SpeechEngine:
    """The opened engine for `name` (or the substitute, in tests)."""
    if _substitute is not None:
        return _substitute
    name = canonical(name)
    if name not in _engines:
        _engines[name] = kind(name).open()
    return _engines[name]


@contextlib.contextmanager
def substitute(fake: SpeechEngine) -> Iterator[SpeechEngine]:
    """Every profile speaks through `fake` while the block runs (tests): its settings
    are still parsed and checked by the profile's own engine kind."""
    global _substitute
    previous, _substitute = _substitute, fake
    try:
        yield fake
    finally:
        _substitute = previous


def substituted() -> bool:
    return _substitute is not None
