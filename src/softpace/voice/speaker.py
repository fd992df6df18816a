"""Speech clips for a session: engine + profile + lexicon + a checked, content-addressed cache.

A clip is cached under a hash of the text as the engine receives it (after the
lexicon), the engine's identity (engine, model and version, settings), the processing
version and the session rate, as processed int16 at the session rate; a second render of
the same words synthesizes nothing. Each cache file carries a SHA-256 of its contents,
checked on every read: a damaged, empty or misshapen clip is made again, never mixed in.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from softpace.audio.dsp import SPEECH_CEILING_DBTP, SPEECH_LUFS, prepare_speech
from softpace.errors import SoftpaceError, SpeechEngineError, VoiceError
from softpace.voice import lexicon, registry
from softpace.voice.engine import SpeechEngine
from softpace.voice.profiles import FALLBACK_PROFILE, VoiceProfile, get_profile

CACHE_VERSION = 3  # 3: engine identity in the key, lexicon applied, checksummed files
SESSION_RATE_HZ = 44_100
_MAGIC = b"SOFTPACE-CLIP-3\n"
_DIGEST_N = 32
_HEADER_MAX_N = 1024
_INT16 = (np.dtype("<i2"), np.dtype(">i2"))


class Speaker:
    def __init__(
        self,
        engine: SpeechEngine,
        profile: VoiceProfile,
        cache_dir: Path | None,
        sample_rate_hz: int = SESSION_RATE_HZ,
        words: lexicon.Lexicon | None = None,
    ) -> None:
        self.engine = engine
        self.profile = profile
        self.cache_dir = cache_dir
        self.sample_rate_hz = sample_rate_hz
        self.lexicon = words if words is not None else lexicon.shipped()
        self._memo: dict[str, Clip] = {}  # read from the cache: let go by forget()
        self._held: dict[str, Clip] = {}  # not in the cache (none, or it cannot be written)
        self._lengths: dict[str, int] = {}  # of every take given out: what was measured
        self._identity: tuple[str, ...] | None = None
        self.synthesized = 0  # how many clips the engine made (not from cache)

    def spoken(self, text: str) -> str:
        """The text as this profile's engine receives it (lexicon applied)."""
        return self.lexicon.apply(text, self.profile.engine)

    def _key(self, text: str) -> str:
        if self._identity is None:
            self._identity = tuple(self.engine.identity(self.profile.settings))
        blob = json.dumps(
            [
                CACHE_VERSION,
                self._identity,
                self.sample_rate_hz,
                SPEECH_LUFS,
                SPEECH_CEILING_DBTP,
                self.spoken(text),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, text: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = self._key(text)
        return self.cache_dir / "speech" / key[:2] / f"{key}.clip"

    def _cached(self, text: str) -> Clip | None:
        if text in self._held:
            return self._held[text]
        if text in self._memo:
            return self._memo[text]
        path = self._path(text)
        stored = None if path is None else load_clip(path)
        if stored is None or len(stored.samples) != self._lengths.get(text, len(stored.samples)):
            return None  # missing, damaged, or another take than the one measured
        self._memo[text] = stored
        return stored

    def _clip(self, text: str) -> Clip:
        cached = self._cached(text)
        if cached is None:
            cached = self._speak(text)
        self._lengths.setdefault(text, len(cached.samples))
        return cached

    def _speak(self, text: str) -> Clip:
        try:
            raw = self.engine.synthesize(self.spoken(text), self.profile.settings)
        except SoftpaceError as exc:
            raise type(exc)(f"{self.profile.source}: {exc}") from exc
        self.synthesized += 1
        samples = session_speech(raw.samples, raw.sample_rate_hz, self.sample_rate_hz)
        if len(samples) == 0:
            raise SpeechEngineError(
                f"{self.profile.source}: the {self.profile.engine} engine gave only silence "
                f"for {text[:60]!r}"
            )
        made = new_clip(samples)
        measured = self._lengths.get(text)
        if measured is not None:
            # Its stored take went missing or changed after it was measured: this one
            # must fit the same place in the session, and is held from now on.
            if measured != len(samples):
                raise SpeechEngineError(
                    f"{self.profile.source}: the speech cache changed while this render was "
                    f"using it (another render at the same time?); render again"
                )
            self._held[text] = made
            return made
        path = self._path(text)
        if path is None or not write_clip(path, made):
            self._held[text] = made
        # Stored: read back when it is mixed. Measuring a whole session's words then
        # never holds all their samples beside the voice model.
        return made

    def clip(self, text: str) -> np.ndarray:
        """int16 samples at the session rate, trimmed of silence, edges ramped (read-only)."""
        return self._clip(text).samples

    def digest(self, text: str) -> bytes:
        """The SHA-256 of the clip's stored form: names its samples without hashing them
        again (checked when the clip was read)."""
        return self._clip(text).digest

    def measure(self, text: str) -> int:
        return len(self.clip(text))

    def forget(self) -> None:
        """Let go of the clips read from the cache so far (they are read again if asked
        for); clips the cache does not have are kept."""
        self._memo.clear()

    def release(self) -> None:
        """Done speaking for now: the engine drops its loaded models (they load again if
        asked) and the freed memory goes back to the system, before a render mixes."""
        if self.synthesized == 0:
            return  # no model was loaded: nothing to give back
        release = getattr(self.engine, "release", None)
        if release is not None:
            release()
        return_freed_memory()


def session_speech(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Engine samples (int16 scale) -> the session's processed int16 speech: resampled
    (polyphase for any ratio), trimmed, brought to the speech loudness, peaks limited."""
    from softpace.voice.resample import to_rate

    if from_hz != to_hz and to_hz % from_hz:
        samples, from_hz = to_rate(samples.astype(np.float32), from_hz, to_hz), to_hz
    return prepare_speech(samples, from_hz, to_hz)


def return_freed_memory() -> None:
    """Collect garbage, then ask the C allocator to hand free pages back to the system
    (glibc's malloc_trim; elsewhere nothing more). Without it, the megabytes a voice model
    freed stay in this process while the mix takes fresh ones."""
    import ctypes
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass(frozen=True, eq=False)
class Clip:
    """Processed speech: int16 samples (read-only) and the SHA-256 of their stored form,
    which the cache file carries and the mix key uses."""

    samples: np.ndarray
    digest: bytes


def _stored_form(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(samples, dtype=np.int16), allow_pickle=False)
    return buffer.getvalue()


def new_clip(samples: np.ndarray) -> Clip:
    samples.setflags(write=False)
    return Clip(samples, hashlib.sha256(_stored_form(samples)).digest())


def write_clip(path: Path, clip: Clip) -> bool:
    """Store a clip with its checksum, atomically (fsync before rename). False when the
    cache cannot be written (a read-only cache must not stop a render)."""
    from softpace.atomic import write_bytes_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, _MAGIC + clip.digest + _stored_form(clip.samples))
    except (OSError, SoftpaceError):
        return False
    return True


def load_clip(path: Path) -> Clip | None:
    """The clip stored at `path`, or None when it is missing or fails any check. The
    samples are used in place in the file's bytes (no copy)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST_N
    if len(data) <= head or not data.startswith(_MAGIC):
        return None
    digest = data[len(_MAGIC) : head]
    if hashlib.sha256(memoryview(data)[head:]).digest() != digest:
        return None
    header = io.BytesIO(data[head : head + _HEADER_MAX_N])  # a 1-D int16 header: 128 bytes
    try:
        version = np.lib.format.read_magic(header)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0}.get(
            version, np.lib.format.read_array_header_2_0
        )
        shape, fortran_order, dtype = read_header(header)
    except (OSError, ValueError):
        return None
    start = head + header.tell()
    if dtype not in _INT16 or fortran_order or len(shape) != 1 or shape[0] == 0:
        return None
    if len(data) - start != shape[0] * 2:
        return None
    samples = np.frombuffer(data, dtype=dtype, offset=start)
    if samples.dtype != np.int16:  # written on a machine of the other byte order
        samples = samples.astype(np.int16)
        samples.setflags(write=False)
    return Clip(samples, digest)


_noticed: set[str] = set()


def _notice(line: str) -> None:
    """One line on stderr, once per process, and not from worker processes (which make
    the same choice silently)."""
    if line in _noticed or multiprocessing.parent_process() is not None:
        return
    _noticed.add(line)
    print(f"softpace: {line}", file=sys.stderr)


def usable_profile(profile: VoiceProfile, fallback: bool = True) -> VoiceProfile:
    """`profile`, or the espeak fallback (saying so in one line) when its engine cannot
    run here. Without `fallback`, an engine that cannot run is a VoiceError."""
    if registry.substituted():
        return profile
    problem = registry.kind(profile.engine).problem(profile.settings)
    if problem is None:
        return profile
    spare = get_profile(FALLBACK_PROFILE)
    if not fallback or spare.engine == profile.engine:
        raise VoiceError(f"{profile.source}: {problem}")
    _notice(f"voice {profile.name!r}: {problem}; speaking with {spare.name!r} instead")
    return spare


def open_speaker(
    profile: VoiceProfile,
    cache_dir: Path | None,
    sample_rate_hz: int = SESSION_RATE_HZ,
    fallback: bool = True,
) -> Any:
    """A Speaker for `profile` (or its fallback), its engine opened through the registry;
    for a recorded pack, a RecordedSpeaker over a Speaker of the pack's fallback voice."""
    profile = usable_profile(profile, fallback)
    if profile.engine == "recorded":
        from softpace.voice.recorded import RecordedSpeaker

        spare = open_speaker(profile.settings.fallback, cache_dir, sample_rate_hz, fallback)
        return RecordedSpeaker(profile, spare, cache_dir, sample_rate_hz)
    try:
        engine = registry.engine(profile.engine)
    except SoftpaceError as exc:
        raise type(exc)(f"{profile.source}: {exc}") from exc
    return Speaker(engine, profile, cache_dir, sample_rate_hz)
