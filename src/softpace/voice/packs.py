"""Recorded voice packs: a person's own recordings of the sessions' lines.

A pack is a folder, `<home>/voices/PACK/` or `voices/PACK/` in the current folder, of
recordings named by line id (`lines.line_id`) in WAV, FLAC, MP3 or M4A, and optionally a
`pack.toml` (`description`, `fallback` = the profile that speaks unrecorded lines,
default `calm`). WAV is read by pydub directly; compressed formats are decoded by the
ffmpeg that ships in the imageio-ffmpeg wheel (no system package).

Each recording is resampled to the session rate, freed of rumble, its tone (the balance
of presence to body) brought towards the neural voice's, its silence trimmed against
its own noise floor, and its loudness matched to every other spoken line.
"""

from __future__ import annotations

import io
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from softpace.errors import VoiceError

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a")
PACK_FILE = "pack.toml"
PROCESS_VERSION = 1

# Tone: energy 2-6 kHz relative to 150-1000 Hz, in dB. TARGET_TILT_DB is hibari's "heart"
# over the preview passage (measured with tone_tilt_db); recordings are moved towards it
# by at most MAX_TONE_DB, so a dull or boomy microphone sits beside the neural voice.
TARGET_TILT_DB = -14.0
MAX_TONE_DB = 6.0
SHELF_HZ = 1500.0
RUMBLE_HZ = (60.0, 100.0)  # removed below the first, kept above the second

# What `voices check` reports.
CLIP_LEVEL = 0.999
CLIPPED_FRACTION = 0.0005
QUIET_LUFS = -40.0
SILENT_DBFS = -50.0  # a recording whose peak is below this is silent
TRIM_FLOOR_DBFS = -70.0
FRAME_S = 0.01
TRIM_ABOVE_FLOOR_DB = 14.0
TRIM_MARGIN_S = 0.05


@dataclass(frozen=True)
class Pack:
    name: str
    folder: Path
    description: str
    fallback: str  # the profile that speaks lines without a recording


def pack_folders(user_dir: Path | None) -> list[Path]:
    """Where packs live: the home's voices folder, then ./voices."""
    return [p for p in (user_dir, Path.cwd() / "voices") if p is not None]


def find_pack(name: str, user_dir: Path | None) -> Pack | None:
    for base in pack_folders(user_dir):
        folder = base / name
        if folder.is_dir() and (recordings(folder) or (folder / PACK_FILE).is_file()):
            return read_pack(name, folder)
    return None


def all_packs(user_dir: Path | None) -> list[Pack]:
    found: dict[str, Pack] = {}
    for base in reversed(pack_folders(user_dir)):  # the home's win
        if base.is_dir():
            for folder in sorted(p for p in base.iterdir() if p.is_dir()):
                if recordings(folder) or (folder / PACK_FILE).is_file():
                    found[folder.name] = read_pack(folder.name, folder)
    return [found[k] for k in sorted(found)]


def read_pack(name: str, folder: Path) -> Pack:
    from softpace.voice.profiles import DEFAULT_PROFILE

    data: dict[str, object] = {}
    path = folder / PACK_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise VoiceError(f"{path}: cannot read it ({exc})") from exc
    unknown = sorted(set(data) - {"description", "fallback"})
    if unknown:
        raise VoiceError(f"{path}: unknown key {unknown[0]!r}; expected: description, fallback")
    return Pack(
        name=name,
        folder=folder,
        description=str(data.get("description", f"Recorded voice pack {name}")),
        fallback=str(data.get("fallback", DEFAULT_PROFILE)),
    )


def recordings(folder: Path) -> dict[str, Path]:
    """Recordings by line id (the file name without its suffix)."""
    found: dict[str, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in AUDIO_SUFFIXES and path.is_file():
                found.setdefault(path.stem.lower(), path)
    return found


# -- reading ---------------------------------------------------------------------------


def ffmpeg() -> str:
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise VoiceError(
            "reading MP3, FLAC or M4A recordings needs imageio-ffmpeg (pip install imageio-ffmpeg)"
        ) from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1] and the file's sample rate."""
    import warnings

    with warnings.catch_warnings():  # pydub warns at import when no ffmpeg is on PATH:
        warnings.simplefilter("ignore", RuntimeWarning)  # softpace brings its own
        from pydub import AudioSegment

    try:
        if path.suffix.lower() == ".wav":
            segment = AudioSegment.from_wav(str(path))
        else:
            wav = subprocess.run(
                [ffmpeg(), "-v", "error", "-i", str(path), "-vn", "-f", "wav", "-"],
                capture_output=True,
                check=True,
            ).stdout
            segment = AudioSegment.from_wav(io.BytesIO(wav))
    except (subprocess.CalledProcessError, OSError, ValueError, EOFError) as exc:
        detail = getattr(exc, "stderr", b"") or str(exc).encode()
        first = detail.decode("utf-8", "replace").strip().splitlines()[:1]
        raise VoiceError(f"{path}: cannot read this recording ({''.join(first)})") from exc
    except Exception as exc:  # pydub's CouldntDecodeError and wave.Error
        raise VoiceError(f"{path}: cannot read this recording ({exc})") from exc
    channels = segment.split_to_mono()
    full_scale = float(1 << (8 * segment.sample_width - 1))
    arrays = [np.array(c.get_array_of_samples(), dtype=np.float32) / full_scale for c in channels]
    return np.mean(arrays, axis=0).astype(np.float32), int(segment.frame_rate)


# -- processing ------------------------------------------------------------------------


def _band_power(spectrum: np.ndarray, freqs: np.ndarray, lo: float, hi: float) -> float:
    band = (freqs >= lo) & (freqs < hi)
    return float(np.sum(spectrum[band])) + 1e-20


def tone_tilt_db(samples: np.ndarray, sample_rate_hz: int) -> float:
    """Presence (2-6 kHz) over body (150-1000 Hz), in dB."""
    power = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1.0 / sample_rate_hz)
    high = _band_power(power, freqs, 2000.0, 6000.0)
    low = _band_power(power, freqs, 150.0, 1000.0)
    return float(10.0 * np.log10(high / low))


def _equalise(samples: np.ndarray, sample_rate_hz: int, shelf_db: float) -> np.ndarray:
    """Rumble removed and a smooth high shelf of `shelf_db`, as one zero-phase filter."""
    n = len(samples)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate_hz)
    lo, hi = RUMBLE_HZ
    rumble = np.clip((freqs - lo) / (hi - lo), 0.0, 1.0)
    rumble = 0.5 - 0.5 * np.cos(np.pi * rumble)
    octaves = np.log2(np.maximum(freqs, 1.0) / SHELF_HZ)
    shelf = 10.0 ** (shelf_db / 20.0 / (1.0 + np.exp(-3.0 * octaves)))
    return np.fft.irfft(spectrum * rumble * shelf, n).astype(np.float32)


def match_tone(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    if len(samples) < sample_rate_hz // 10:
        return _equalise(samples, sample_rate_hz, 0.0)
    shelf_db = 0.0
    out = samples
    for _ in range(3):  # the shelf also touches the body band a little: converge
        out = _equalise(samples, sample_rate_hz, shelf_db)
        shelf_db += TARGET_TILT_DB - tone_tilt_db(out, sample_rate_hz)
        shelf_db = float(np.clip(shelf_db, -MAX_TONE_DB, MAX_TONE_DB))
    return _equalise(samples, sample_rate_hz, shelf_db)


def _frame_db(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    n = max(1, int(FRAME_S * sample_rate_hz))
    frames = len(samples) // n
    if frames == 0:
        return np.full(1, -120.0)
    rms = np.sqrt(np.mean(np.square(samples[: frames * n].reshape(frames, n)), axis=1))
    return np.asarray(20.0 * np.log10(rms + 1e-9))


def trim(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Leading and trailing silence cut against the recording's own noise floor."""
    levels = _frame_db(samples, sample_rate_hz)
    floor = float(np.percentile(levels, 10))
    threshold = max(floor + TRIM_ABOVE_FLOOR_DB, float(levels.max()) - 45.0, TRIM_FLOOR_DBFS)
    loud = np.flatnonzero(levels > threshold)
    if len(loud) == 0:
        return samples[:0]
    n = int(FRAME_S * sample_rate_hz)
    margin = int(TRIM_MARGIN_S * sample_rate_hz)
    return samples[max(0, loud[0] * n - margin) : (loud[-1] + 1) * n + margin]


def prepare_recording(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """A recording -> session-rate int16 speech, like every synthesized line."""
    from softpace.audio.dsp import SPEECH_LUFS, db_to_gain
    from softpace.audio.loudness import clip_loudness_lufs
    from softpace.voice.resample import to_rate
    from softpace.voice.speaker import session_speech

    x = to_rate(samples, from_hz, to_hz)
    x = trim(match_tone(x, to_hz), to_hz)
    if len(x) == 0:
        return np.zeros(0, np.int16)
    # to speech level first, so the engines' fixed -45 dBFS edge trim sees a voice
    x = x * db_to_gain(SPEECH_LUFS - clip_loudness_lufs(x, to_hz))
    return session_speech(x * 32768.0, to_hz, to_hz)


# -- checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    line_id: str
    path: Path
    problem: str


def recording_problems(samples: np.ndarray, sample_rate_hz: int) -> list[str]:
    """What is wrong with one recording as recorded: silent, clipped or too quiet."""
    from softpace.audio.loudness import clip_loudness_lufs

    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if (
        peak == 0.0
        or 20.0 * np.log10(peak) < SILENT_DBFS
        or len(trim(samples, sample_rate_hz)) == 0
    ):
        return ["silent"]
    problems = []
    clipped = int(np.count_nonzero(np.abs(samples) >= CLIP_LEVEL))
    if clipped > max(3, CLIPPED_FRACTION * len(samples)):
        problems.append(f"clipped ({clipped} samples at full scale); record a little softer")
    loudness = clip_loudness_lufs(samples.astype(np.float32), sample_rate_hz)
    if loudness < QUIET_LUFS:
        problems.append(
            f"too quiet ({loudness:.0f} LUFS, below {QUIET_LUFS:.0f}); record closer to the "
            "microphone"
        )
    return problems
