"""hibari (hibari-tts): a small neural English voice, the default, offline and pip-only.

"heart" (a calm American female voice distilled from Kokoro-82M's af_heart) ships inside
the wheel; hibari's other voices download on first use, which softpace never allows:
a profile naming one that is not already in hibari's cache is reported as not installed.
One onnxruntime thread per process (a second gains nothing, and `render --all` runs one
process per core) and a fixed seed, so the same words always give the same samples.
Lexicon entries reach hibari as its inline phonemes: [word](/phonemes/).
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from softpace.errors import SpeechEngineError, VoiceError
from softpace.voice import fields
from softpace.voice.engine import EngineVoice, RawClip

LICENCE = "Apache-2.0 (hibari; model from Kokoro-82M, Apache-2.0; lexicons from misaki)"
THREADS = 1


@dataclass(frozen=True)
class HibariSettings:
    voice: str = "heart"
    speed: float = 0.6  # hibari's own scale: 1.0 is its teacher's pace (~170 wpm)
    seed: int = 1  # fixes the noise component: repeatable audio


def _offline_model(voice: str) -> str:
    """The voice's ONNX file if it is here without any download, else VoiceError."""
    from hibari.voices import VOICES, voice_path

    if voice not in VOICES:
        raise VoiceError(f"hibari has no voice {voice!r}; it has: {', '.join(VOICES)}")
    try:
        return str(voice_path(voice, download_missing=False))
    except FileNotFoundError as exc:
        raise VoiceError(
            f"hibari's voice {voice!r} is not installed (only 'heart' ships in the package, "
            "and softpace downloads nothing)"
        ) from exc


@functools.cache
def installed_version() -> str:
    """hibari-tts's version, without importing hibari (it loads scipy: a second of
    start-up that a warm render, whose words all come from the cache, never needs): the
    package's own `__version__` line, else its distribution's metadata (importing
    importlib.metadata costs a render about 10 ms)."""
    spec = find_spec("hibari")
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            source = Path(spec.origin).read_text("utf-8")
            found = re.search(r"^__version__ = [\"']([^\"']+)[\"']$", source, re.M)
            if found:
                return found.group(1)
    from importlib import metadata

    return metadata.version("hibari-tts")


def _bundled(locations: Iterable[str] | None, voice: str) -> bool:
    """True when `voice` ships inside the installed hibari package, file present."""
    import json

    for folder in locations or []:
        assets = Path(folder) / "assets"
        try:
            info = json.loads((assets / "voices.json").read_text("utf-8")).get(voice, {})
        except (OSError, ValueError):
            continue
        if info.get("bundled") and (assets / str(info.get("file"))).is_file():
            return True
    return False


class HibariEngine:
    name = "hibari"

    def __init__(self) -> None:
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _model(self, voice: str) -> Any:
        with self._lock:
            if voice not in self._models:
                path = _offline_model(voice)
                try:
                    from hibari import Hibari

                    self._models[voice] = Hibari(voice=voice, model=path, threads=THREADS)
                except Exception as exc:  # onnxruntime raises its own error types
                    raise SpeechEngineError(f"hibari could not load {path} ({exc})") from exc
            return self._models[voice]

    def release(self) -> None:
        """Drop the loaded models (the G2P's lexicons are most of their 200 MB)."""
        with self._lock:
            self._models.clear()

    def voices(self) -> list[EngineVoice]:
        from hibari.voices import VOICES

        found = []
        for name, info in VOICES.items():
            try:
                _offline_model(name)
            except VoiceError:
                continue
            found.append(
                EngineVoice(name, f"{info['accent']} {info['gender']}", (info["language"],))
            )
        return found

    def identity(self, settings: HibariSettings) -> tuple[str, ...]:
        # The bundled voices ship inside the pinned wheel, so its version names the model.
        return ("hibari", installed_version(), settings.voice, repr(settings))

    def synthesize(self, text: str, settings: HibariSettings) -> RawClip:
        model = self._model(settings.voice)
        try:
            audio = model(text, speed=settings.speed, seed=settings.seed)
        except Exception as exc:
            raise SpeechEngineError(f"hibari failed on {text[:60]!r} ({exc})") from exc
        if len(audio) == 0:
            raise SpeechEngineError(f"hibari produced no audio for {text[:60]!r}")
        pcm = np.clip(np.round(np.asarray(audio, np.float32) * 32767.0), -32768, 32767)
        return RawClip(pcm.astype(np.int16), int(model.sample_rate))

    def phonemes(self, text: str, settings: HibariSettings) -> str:
        return " ".join(self._model(settings.voice).phonemize(text))


class HibariKind:
    name = "hibari"
    lexicon = "hibari"

    def settings_keys(self) -> frozenset[str]:
        return frozenset({"voice", "speed", "seed"})

    def parse_settings(self, table: Mapping[str, object], source: str) -> HibariSettings:
        return HibariSettings(
            voice=fields.text(table, "voice", HibariSettings.voice, source),
            speed=fields.number(table, "speed", HibariSettings.speed, 0.5, 2.0, source),
            seed=int(fields.number(table, "seed", 1, 0, 2**32 - 1, source, integer=True)),
        )

    def problem(self, settings: HibariSettings) -> str | None:
        spec = find_spec("hibari")
        if spec is None or find_spec("onnxruntime") is None:
            return "hibari-tts is not installed (pip install hibari-tts==0.2.1)"
        if _bundled(spec.submodule_search_locations, settings.voice):
            return None  # checked without importing hibari (listing stays light)
        try:
            _offline_model(settings.voice)
        except VoiceError as exc:
            return str(exc)
        except Exception as exc:  # a broken install
            return f"hibari cannot load ({exc})"
        return None

    def licence(self, settings: HibariSettings) -> str:
        return LICENCE

    def open(self) -> HibariEngine:
        return HibariEngine()


KIND = HibariKind()
