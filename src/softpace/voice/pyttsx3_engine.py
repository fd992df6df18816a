"""pyttsx3 behind the SpeechEngine interface, with its espeak driver's traps handled.

Seen with pyttsx3 2.99's espeak driver: queued save_to_file calls overwrite each other
(one file per runAndWait), it prints "Audio saved to ..." on stdout, the WAV is always
22050 Hz mono, an unknown voice id is silently ignored, and some versions return before
the file exists. Measured here, worse: the driver runs espeak in its asynchronous
"retrieval" mode, and runAndWait returns while espeak's own thread may still be working,
so a clip can come out at the previous utterance's rate, carry part of the previous
clip, or (after a few hundred utterances) be empty. That happened even in a freshly
forked process, one utterance each, about one time in five under load.

So on Linux this adapter drives libespeak-ng through pyttsx3's own ctypes binding
(pyttsx3.drivers._espeak) in *synchronous* mode: voice, rate, pitch and volume are set
in order and espeak_Synth returns only when every sample has been handed to our
callback. No thread, no file, nothing printed, one complete clip per call; a voice
espeak does not know is an error. Elsewhere (macOS, Windows) pyttsx3's engine runs as
documented, one utterance per runAndWait, stdout silenced, the WAV awaited until whole.

Registered as the `espeak` engine (profiles written as "pyttsx3" still work): the
fallback voice and the one fast tests use. Lexicon entries reach espeak as its own
phoneme input, [[...]] in Kirshenbaum-like mnemonics.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import tempfile
import time
import wave
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from softpace.errors import SpeechEngineError, VoiceError
from softpace.voice import fields
from softpace.voice.engine import EngineVoice, RawClip

FILE_WAIT_S = 10.0
USE_ESPEAK_BINDING = sys.platform.startswith("linux")
LICENCE = "GPL-3.0 (espeak-ng)"


@dataclass(frozen=True)
class EspeakSettings:
    voice: str = "gmw/en-us"  # an espeak voice id; variants as "gmw/en-us+f3"
    rate_wpm: int = 135
    pitch: int = 50  # 0-100, 50 is neutral
    volume: float = 1.0  # above 0, at most 1


Request = tuple[str, EspeakSettings]


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Swallow anything printed, by Python code or by a C library, while synthesizing."""
    sys.stdout.flush()
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        saved = None
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        if saved is not None:
            os.dup2(devnull, fd)
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            yield
    finally:
        if saved is not None:
            os.dup2(saved, fd)
            os.close(saved)
        os.close(devnull)


class _SyncEspeak:
    """libespeak-ng in synchronous mode, through pyttsx3's binding."""

    def __init__(self) -> None:
        from pyttsx3.drivers import _espeak

        self.lib = _espeak
        with _quiet_stdout():
            rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 500)
        if rate <= 0:
            raise SpeechEngineError("espeak-ng could not initialise its voice data")
        self.sample_rate_hz = int(rate)
        self._chunks: list[bytes] = []
        _espeak.SetSynthCallback(self._on_synth)

    def _on_synth(self, wav: Any, numsamples: int, events: Any) -> int:
        if numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short)))
        return 0

    def voices(self) -> list[EngineVoice]:
        found = []
        for v in self.lib.ListVoices(None):
            languages = (v.languages[1:].decode("utf-8", "ignore"),) if v.languages else ()
            found.append(
                EngineVoice(v.identifier.decode("utf-8").lower(), v.name.decode("utf-8"), languages)
            )
        return found

    def _set(self, settings: EspeakSettings) -> None:
        lib = self.lib
        if lib.SetVoiceByName(settings.voice.encode("utf-8")) != 0:
            raise VoiceError(f"espeak-ng could not load the voice {settings.voice!r}")
        lib.SetParameter(lib.RATE, int(settings.rate_wpm), 0)
        lib.SetParameter(lib.PITCH, int(settings.pitch), 0)
        lib.SetParameter(lib.VOLUME, round(float(settings.volume) * 100), 0)

    def speak(self, request: Request) -> RawClip:
        text, settings = request
        lib = self.lib
        self._set(settings)
        self._chunks = []
        with _quiet_stdout():
            # PHONEMES: [[...]] from the lexicon is read as espeak's phoneme input
            lib.Synth(text.encode("utf-8"), flags=lib.ENDPAUSE | lib.CHARS_UTF8 | lib.PHONEMES)
        data = b"".join(self._chunks)
        if not data:
            raise SpeechEngineError(f"the speech engine produced no audio for {text[:60]!r}")
        return RawClip(np.frombuffer(data, dtype=np.int16).copy(), self.sample_rate_hz)

    def phonemes(self, text: str, settings: EspeakSettings) -> str:
        """espeak's own phoneme mnemonics for `text`, [[...]] input honoured."""
        lib = self.lib
        self._set(settings)
        with _quiet_stdout():
            # espeak keeps the phoneme-input option from the last Synth call: set it
            lib.Synth(b" ", flags=lib.CHARS_UTF8 | lib.PHONEMES)
        to_phonemes = lib.dll.espeak_TextToPhonemes
        to_phonemes.restype = ctypes.c_char_p
        to_phonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        buffer = ctypes.c_char_p(text.encode("utf-8"))
        pointer = ctypes.pointer(buffer)
        out = []
        while pointer.contents.value:
            out.append((to_phonemes(pointer, lib.CHARS_UTF8, 0) or b"").decode("utf-8"))
        return " ".join(part.strip() for part in out if part.strip())


class _Pyttsx3Files:
    """pyttsx3's own engine (non-Linux): one utterance per runAndWait, WAV awaited."""

    def __init__(self) -> None:
        import pyttsx3

        with _quiet_stdout():
            self.engine: Any = pyttsx3.init()
        self.workdir = Path(tempfile.mkdtemp(prefix="softpace-tts-"))
        self.counter = 0

    def voices(self) -> list[EngineVoice]:
        return [
            EngineVoice(str(v.id), str(v.name), tuple(str(x) for x in (v.languages or ())))
            for v in self.engine.getProperty("voices")
        ]

    def speak(self, request: Request) -> RawClip:
        text, settings = request
        self.counter += 1
        path = self.workdir / f"u{self.counter}.wav"
        try:
            with _quiet_stdout():
                self.engine.setProperty("voice", settings.voice)
                self.engine.setProperty("rate", int(settings.rate_wpm))
                self.engine.setProperty("volume", float(settings.volume))
                self.engine.save_to_file(text, str(path))
                self.engine.runAndWait()
            return _read_complete_wav(path, text)
        finally:
            with contextlib.suppress(OSError):
                path.unlink()


class Pyttsx3Engine:
    name = "espeak"
    _shared: ClassVar[Pyttsx3Engine | None] = None

    def __init__(self) -> None:
        from softpace.voice import espeak_runtime

        try:
            self.espeak_source = espeak_runtime.prepare() if USE_ESPEAK_BINDING else "native"
            self._backend: _SyncEspeak | _Pyttsx3Files = (
                _SyncEspeak() if USE_ESPEAK_BINDING else _Pyttsx3Files()
            )
        except SpeechEngineError:
            raise
        except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
            raise SpeechEngineError(
                f"the pyttsx3 speech engine could not start ({exc}); reinstall softpace "
                "(pip install --force-reinstall softpace) or install espeak-ng"
            ) from exc
        self._voices: list[EngineVoice] | None = None
        self._voice_ids: frozenset[str] = frozenset()

    @classmethod
    def shared(cls) -> Pyttsx3Engine:
        """espeak is initialised once per process, so there is one engine."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def voices(self) -> list[EngineVoice]:
        if self._voices is None:
            self._voices = self._backend.voices()
            self._voice_ids = frozenset(v.id for v in self._voices)
        return self._voices

    def check_voice(self, voice: str) -> None:
        self.voices()
        ids = self._voice_ids
        base = voice.split("+", 1)[0]  # espeak variants: "gmw/en-us+f3"
        if base not in ids:
            english = sorted(v for v in ids if v.split("/")[-1].startswith("en"))
            raise VoiceError(
                f"the speech engine has no voice {voice!r}; English voices here: "
                f"{', '.join(english) or 'none'} (`softpace voices` lists them all)"
            )

    def identity(self, settings: EspeakSettings) -> tuple[str, ...]:
        return ("espeak-ng", _espeak_version(self.espeak_source), repr(settings))

    def synthesize(self, text: str, settings: EspeakSettings) -> RawClip:
        self.check_voice(settings.voice)
        return self._backend.speak((text, settings))

    def phonemes(self, text: str, settings: EspeakSettings) -> str:
        if not isinstance(self._backend, _SyncEspeak):
            raise SpeechEngineError("espeak phonemes are read only through libespeak-ng (Linux)")
        self.check_voice(settings.voice)
        return self._backend.phonemes(text, settings)


def _espeak_version(source: str) -> str:
    from importlib import metadata

    try:
        return f"espeakng-loader {metadata.version('espeakng-loader')}"
    except metadata.PackageNotFoundError:
        return source


class EspeakKind:
    """The `espeak` engine's registry entry: settings, licence, availability."""

    name = "espeak"
    lexicon = "espeak"

    def settings_keys(self) -> frozenset[str]:
        return frozenset({"voice", "rate_wpm", "pitch", "volume"})

    def parse_settings(self, table: Mapping[str, object], source: str) -> EspeakSettings:
        return EspeakSettings(
            voice=fields.text(table, "voice", EspeakSettings.voice, source),
            rate_wpm=int(fields.number(table, "rate_wpm", 135, 80, 400, source, integer=True)),
            pitch=int(fields.number(table, "pitch", 50, 0, 100, source, integer=True)),
            volume=fields.number(table, "volume", 1.0, 0.01, 1.0, source),
        )

    def problem(self, settings: EspeakSettings) -> str | None:
        from importlib.util import find_spec

        return None if find_spec("pyttsx3") else "pyttsx3 is not installed"

    def licence(self, settings: EspeakSettings) -> str:
        return LICENCE

    def open(self) -> Pyttsx3Engine:
        if "piper.espeakbridge" in sys.modules:
            # Piper carries its own libespeak-ng; two copies in one process crash it
            raise SpeechEngineError(
                "espeak cannot start in a process that already speaks with piper; "
                "use one of them per run"
            )
        return Pyttsx3Engine.shared()


KIND = EspeakKind()


def _read_complete_wav(path: Path, text: str) -> RawClip:
    """Wait until the engine's WAV exists and its data is all there, then read it."""
    deadline = time.monotonic() + FILE_WAIT_S
    last_error = "the file never appeared"
    while time.monotonic() < deadline:
        try:
            size = path.stat().st_size
            with wave.open(str(path), "rb") as wav:
                n_frames = wav.getnframes()
                width, channels = wav.getsampwidth(), wav.getnchannels()
                if n_frames > 0 and size >= 44 + n_frames * width * channels:
                    if width != 2:
                        raise SpeechEngineError(f"speech engine wrote {8 * width}-bit audio")
                    samples = np.frombuffer(wav.readframes(n_frames), dtype="<i2")
                    if channels > 1:
                        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
                    return RawClip(samples.copy(), wav.getframerate())
                last_error = f"the file is incomplete ({size} bytes)"
        except (FileNotFoundError, EOFError, wave.Error) as exc:
            last_error = str(exc) or type(exc).__name__
        time.sleep(0.01)
    raise SpeechEngineError(f"the speech engine produced no audio for {text[:60]!r} ({last_error})")
