"""Speech clips for a session: engine + profile + a content-addressed cache.

A clip is cached under a hash of the text, the voice settings, the engine and the
processing version, as processed float-ready int16 at the session rate; a second render
of the same words synthesizes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from softpace.audio.dsp import SPEECH_CEILING_DBTP, SPEECH_LUFS, prepare_speech
from softpace.voice.engine import SpeechEngine
from softpace.voice.profiles import VoiceProfile

CACHE_VERSION = 2  # 2: lines are loudness-normalized and peak-limited


class Speaker:
    def __init__(
        self,
        engine: SpeechEngine,
        profile: VoiceProfile,
        cache_dir: Path | None,
        sample_rate_hz: int = 44_100,
    ) -> None:
        self.engine = engine
        self.profile = profile
        self.cache_dir = cache_dir
        self.sample_rate_hz = sample_rate_hz
        self._memo: dict[str, np.ndarray] = {}
        self.synthesized = 0  # how many clips the engine made (not from cache)

    def _key(self, text: str) -> str:
        p = self.profile
        blob = json.dumps(
            [
                CACHE_VERSION,
                self.engine.name,
                p.voice,
                p.rate_wpm,
                p.pitch,
                p.volume,
                self.sample_rate_hz,
                SPEECH_LUFS,
                SPEECH_CEILING_DBTP,
                text,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, text: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = self._key(text)
        return self.cache_dir / "speech" / key[:2] / f"{key}.npy"

    def _cached(self, text: str) -> np.ndarray | None:
        if text in self._memo:
            return self._memo[text]
        path = self._path(text)
        if path is None or not path.exists():
            return None
        try:
            samples = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # a damaged entry is simply made again
        return self._remember(text, samples)

    def _remember(self, text: str, samples: np.ndarray) -> np.ndarray:
        samples.setflags(write=False)
        self._memo[text] = samples
        return samples

    def clip(self, text: str) -> np.ndarray:
        """int16 samples at the session rate, trimmed of silence, edges ramped."""
        cached = self._cached(text)
        if cached is not None:
            return cached
        p = self.profile
        raw = self.engine.synthesize(text, p.voice, p.rate_wpm, p.pitch, p.volume)
        self.synthesized += 1
        samples = prepare_speech(raw.samples, raw.sample_rate_hz, self.sample_rate_hz)
        path = self._path(text)
        if path is not None:
            _save_atomic(path, samples)
        return self._remember(text, samples)

    def measure(self, text: str) -> int:
        return len(self.clip(text))


def _save_atomic(path: Path, samples: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, samples, allow_pickle=False)
        os.replace(temp, path)
    except OSError:
        # The cache is an optimisation: a read-only cache folder must not stop a render.
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temp)
