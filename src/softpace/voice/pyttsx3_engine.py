"""pyttsx3 behind the SpeechEngine interface, with its espeak driver's traps handled.

Seen with pyttsx3 2.99 (espeak driver): queued save_to_file calls overwrite each other
(only one file per runAndWait), it prints "Audio saved to ..." on stdout, the WAV is
always 22050 Hz mono whatever the name says, an unknown voice id is silently ignored,
and some versions return before the file exists. So: one utterance per runAndWait,
stdout swallowed (Python and file-descriptor level), the rate read from the WAV header,
voice ids checked against the engine's list, and the file awaited until it is complete.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from softpace.errors import SpeechEngineError, VoiceError
from softpace.voice.engine import EngineVoice, RawClip

FILE_WAIT_S = 10.0


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Swallow anything printed, by Python code or by the C library, while synthesizing."""
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
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        if saved is not None:
            os.dup2(saved, fd)
            os.close(saved)
        os.close(devnull)


class Pyttsx3Engine:
    name = "pyttsx3"
    _shared: ClassVar[Pyttsx3Engine | None] = None

    def __init__(self) -> None:
        from softpace.voice import espeak_runtime

        self.espeak_source = espeak_runtime.prepare()
        try:
            import pyttsx3

            with _quiet_stdout():
                driver = "espeak" if sys.platform.startswith("linux") else None
                self._engine: Any = pyttsx3.init(driver) if driver else pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
            raise SpeechEngineError(
                f"the pyttsx3 speech engine could not start ({exc}); reinstall softpace "
                "(pip install --force-reinstall softpace) or install espeak-ng"
            ) from exc
        self._voice_ids: set[str] | None = None
        self._workdir = Path(tempfile.mkdtemp(prefix="softpace-tts-"))
        self._counter = 0

    @classmethod
    def shared(cls) -> Pyttsx3Engine:
        """espeak can be initialised only once per process, so there is one engine."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def voices(self) -> list[EngineVoice]:
        found = []
        for v in self._engine.getProperty("voices"):
            langs = tuple(str(x) for x in (getattr(v, "languages", None) or ()))
            found.append(EngineVoice(id=str(v.id), name=str(v.name), languages=langs))
        return found

    def check_voice(self, voice: str) -> None:
        if self._voice_ids is None:
            self._voice_ids = {v.id for v in self.voices()}
        base = voice.split("+", 1)[0]  # espeak variants: "gmw/en-us+f3"
        if base not in self._voice_ids:
            english = sorted(v for v in self._voice_ids if v.split("/")[-1].startswith("en"))
            raise VoiceError(
                f"the speech engine has no voice {voice!r}; English voices here: "
                f"{', '.join(english) or 'none'} (`softpace voices` lists them all)"
            )

    def synthesize(
        self, text: str, voice: str, rate_wpm: int, pitch: int, volume: float
    ) -> RawClip:
        self.check_voice(voice)
        self._counter += 1
        path = self._workdir / f"u{os.getpid()}-{self._counter}.wav"
        engine = self._engine
        try:
            with _quiet_stdout():
                engine.setProperty("voice", voice)
                engine.setProperty("rate", int(rate_wpm))
                engine.setProperty("volume", float(volume))
                with contextlib.suppress(KeyError, ValueError):
                    engine.setProperty("pitch", int(pitch))
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            return _read_complete_wav(path, text)
        finally:
            with contextlib.suppress(OSError):
                path.unlink()


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
                expected = 44 + n_frames * width * channels
                if n_frames > 0 and size >= expected:
                    frames = wav.readframes(n_frames)
                    rate = wav.getframerate()
                    if width != 2:
                        raise SpeechEngineError(f"speech engine wrote {8 * width}-bit audio")
                    samples = np.frombuffer(frames, dtype="<i2")
                    if channels > 1:
                        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
                    return RawClip(samples.copy(), rate)
                last_error = f"the file is incomplete ({size} bytes)"
        except (FileNotFoundError, EOFError, wave.Error) as exc:
            last_error = str(exc) or type(exc).__name__
        time.sleep(0.01)
    raise SpeechEngineError(f"the speech engine produced no audio for {text[:60]!r} ({last_error})")
