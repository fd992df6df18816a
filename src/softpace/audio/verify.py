"""`softpace verify`: decode a rendered session and check it against its timeline.

Checks, each reported on one line:
- duration: the decoded length matches the timeline within 40 ms;
- speech: every speech event carries speech energy;
- breath: at every turn of the breath (away from speech and bells) the tone bed dips
  within 40 ms of the timeline's phase change;
- loudness: integrated loudness within 1 LU of the target;
- true peak: at or below the ceiling;
- clicks: no sudden, isolated jumps outside the spoken lines (a consonant's onset is
  sharp by nature; the lines' own edges are ramped when they are prepared).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from softpace.audio.loudness import LoudnessMeter, true_peak_dbtp
from softpace.audio.master import TARGET_LUFS, TRUE_PEAK_CEILING_DBTP
from softpace.errors import OutputError
from softpace.timeline import read_timeline

TIMING_TOLERANCE_S = 0.040
LOUDNESS_TOLERANCE_LU = 1.0
SPEECH_MIN_DBFS = -35.0  # a spoken line's RMS at -19 LUFS sits near -22 dBFS
TURN_SEARCH_S = 0.25  # look this far either side of a phase change for the dip
TURN_CLEAR_S = 0.5  # only turns this far from speech and bells
ENVELOPE_WINDOW_S = 0.010
BED_PRESENT_DBFS = -60.0  # below this the session was rendered with --tones off
CLICK_FRAME_N = 32
CLICK_CONTEXT_FRAMES = 71  # about 50 ms of background around each frame
CLICK_RATIO = 12.0  # a frame's peak jump this many times its background is a click
CLICK_FLOOR = 0.01  # ... and at least this large (-40 dBFS), so codec noise never counts
SPEECH_PAD_S = 0.010  # spoken lines (and this much around them) are words, not clicks
CHUNK_N = 1 << 20


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def lines(self) -> list[str]:
        return [f"{'ok  ' if c.ok else 'FAIL'} {c.name:<10} {c.detail}" for c in self.checks]


def load_timeline(path: Path) -> dict[str, Any]:
    """The timeline file as its JSON shape, read (and checked) by softpace.timeline."""
    return read_timeline(path).to_json_dict()


def decode(path: Path) -> tuple[np.ndarray, int]:
    """An MP3 as int16 mono samples and its sample rate."""
    import miniaudio

    try:
        data = path.read_bytes()
        if not data:
            raise OutputError(f"{path} is empty (0 bytes); render it again")
        decoded = miniaudio.mp3_read_s16(data)
    except FileNotFoundError:
        raise OutputError(f"no such file: {path}") from None
    except (OSError, miniaudio.DecodeError) as exc:
        raise OutputError(f"cannot decode {path} as MP3: {exc}") from exc
    samples = np.frombuffer(decoded.samples, dtype=np.int16)
    if not len(samples):
        raise OutputError(f"{path} holds no MP3 audio (empty or cut short); render it again")
    if decoded.nchannels > 1:
        samples = samples.reshape(-1, decoded.nchannels).mean(axis=1).astype(np.int16)
    return samples, decoded.sample_rate


def verify_mp3(mp3: Path, timeline_path: Path | None = None) -> Report:
    """Every check on a rendered file. An empty or truncated MP3 is an OutputError (one
    line saying so), not a list of failures: nothing past its end can be checked."""
    samples, rate = decode(mp3)
    timeline = load_timeline(timeline_path or mp3.with_name(mp3.stem + ".timeline.json"))
    missing_s = float(timeline["duration_s"]) - len(samples) / rate
    if missing_s > TIMING_TOLERANCE_S:
        raise OutputError(
            f"{mp3} is cut short: {len(samples) / rate:.1f} s of audio where its timeline "
            f"says {float(timeline['duration_s']):.1f} s (an interrupted copy or render?); "
            "render it again"
        )
    return verify_samples(samples, rate, timeline)


def verify_samples(samples: np.ndarray, rate: int, timeline: dict[str, Any]) -> Report:
    """Every check, on int16 (or float in [-1, 1]) mono samples."""
    events = timeline["events"]
    return Report(
        (
            _duration(samples, rate, float(timeline["duration_s"])),
            _speech(samples, rate, events),
            _breath(samples, rate, events),
            *_level(samples, rate),
            _clicks(samples, rate, events),
        )
    )


# -- helpers ---------------------------------------------------------------------------
def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 (full scale 32768) or float samples as float32 in [-1, 1]."""
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / 32768.0
    return samples.astype(np.float32)


def _chunks(samples: np.ndarray) -> Iterator[np.ndarray]:
    for i in range(0, len(samples), CHUNK_N):
        yield to_float(samples[i : i + CHUNK_N])


def _rms_db(x: np.ndarray) -> float:
    if not len(x):
        return -np.inf
    return float(20 * np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12))


def _span(samples: np.ndarray, rate: int, start_s: float, end_s: float) -> np.ndarray:
    lo, hi = max(0, round(start_s * rate)), min(len(samples), round(end_s * rate))
    return to_float(samples[lo : max(lo, hi)])


# -- the checks --------------------------------------------------------------------------
def _duration(samples: np.ndarray, rate: int, duration_s: float) -> Check:
    got_s = len(samples) / rate
    off_ms = abs(got_s - duration_s) * 1000
    return Check(
        "duration",
        off_ms <= TIMING_TOLERANCE_S * 1000,
        f"{got_s:.3f} s decoded, timeline {duration_s:.3f} s (off by {off_ms:.0f} ms)",
    )


def _speech(samples: np.ndarray, rate: int, events: Sequence[dict[str, Any]]) -> Check:
    speech = [e for e in events if e["kind"] == "speech"]
    quiet = []
    for e in speech:
        trim = min(0.05, (e["end_s"] - e["start_s"]) / 4)
        level = _rms_db(_span(samples, rate, e["start_s"] + trim, e["end_s"] - trim))
        if level < SPEECH_MIN_DBFS:
            quiet.append(f"{e['start_s']:.2f} s ({level:.0f} dBFS)")
    detail = f"{len(speech) - len(quiet)}/{len(speech)} spoken lines carry speech"
    if quiet:
        detail += "; silent at " + ", ".join(quiet[:5]) + (" ..." if len(quiet) > 5 else "")
    return Check("speech", not quiet, detail)


def _breath(samples: np.ndarray, rate: int, events: Sequence[dict[str, Any]]) -> Check:
    breaths = sorted(
        (e for e in events if e["kind"] in ("inhale", "exhale")), key=lambda e: e["start_s"]
    )
    busy = [(e["start_s"], e["end_s"]) for e in events if e["kind"] in ("speech", "bell")]
    turns = [
        a["end_s"]
        for a, b in itertools.pairwise(breaths)
        if abs(a["end_s"] - b["start_s"]) < 1e-6
        and not any(s - TURN_CLEAR_S < a["end_s"] < e + TURN_CLEAR_S for s, e in busy)
    ]
    if not turns:
        return Check("breath", True, "no breath turns clear of speech to check")
    window_n = max(1, int(ENVELOPE_WINDOW_S * rate))
    errors_ms, bed_db = [], []
    for turn in turns:
        x = _span(samples, rate, turn - TURN_SEARCH_S, turn + TURN_SEARCH_S)
        if len(x) < window_n:  # past the end of the audio: the duration check says so
            continue
        bed_db.append(_rms_db(x))
        power = np.convolve(np.square(x), np.ones(window_n) / window_n, mode="same")
        dip_s = turn - TURN_SEARCH_S + int(np.argmin(power)) / rate
        errors_ms.append(abs(dip_s - turn) * 1000)
    if not bed_db:
        return Check("breath", False, "no audio where the breath turns should be")
    if max(bed_db) < BED_PRESENT_DBFS:
        return Check("breath", True, f"no tone bed (rendered with --tones off); {len(turns)} turns")
    late = [t for t, err in zip(turns, errors_ms, strict=True) if err > TIMING_TOLERANCE_S * 1000]
    detail = f"{len(turns)} turns, the tone dips within {max(errors_ms):.0f} ms of the timeline"
    if late:
        detail += f"; {len(late)} off by more than 40 ms, first at {late[0]:.2f} s"
    return Check("breath", not late, detail)


def _level(samples: np.ndarray, rate: int) -> tuple[Check, Check]:
    meter = LoudnessMeter(rate)
    for chunk in _chunks(samples):
        meter.feed(chunk)
    lufs = meter.integrated_lufs()
    peak = true_peak_dbtp(_chunks(samples))
    return (
        Check(
            "loudness",
            abs(lufs - TARGET_LUFS) <= LOUDNESS_TOLERANCE_LU,
            f"{lufs:.1f} LUFS (target {TARGET_LUFS:g} +/- {LOUDNESS_TOLERANCE_LU:g})",
        ),
        Check(
            "true peak",
            peak <= TRUE_PEAK_CEILING_DBTP,
            f"{peak:.1f} dBTP (at most {TRUE_PEAK_CEILING_DBTP:g})",
        ),
    )


def find_clicks(
    samples: np.ndarray, rate: int, skip: Sequence[tuple[float, float]] = ()
) -> list[float]:
    """Times (s) of isolated jumps: a frame whose sharpest change (second difference) is
    CLICK_RATIO times the typical change around it, and above CLICK_FLOOR. Spans in
    `skip` (spoken lines, where consonants are sharp by nature) are left out.
    Works through the file in chunks, each with enough context on both sides.
    """
    frames = len(samples) // CLICK_FRAME_N
    keep = np.ones(frames, dtype=bool)
    for start_s, end_s in skip:
        lo = max(0, int(start_s * rate) // CLICK_FRAME_N)
        hi = min(frames, int(end_s * rate) // CLICK_FRAME_N + 1)
        keep[lo:hi] = False
    chunk_frames = CHUNK_N // CLICK_FRAME_N
    margin = CLICK_CONTEXT_FRAMES
    found: list[float] = []
    for first in range(0, frames, chunk_frames):
        lo = max(0, first - margin)
        hi = min(frames, first + chunk_frames + margin)
        suspect = _suspect_frames(samples[lo * CLICK_FRAME_N : hi * CLICK_FRAME_N])
        inside = np.arange(lo, hi)
        mine = (inside >= first) & (inside < first + chunk_frames) & keep[lo:hi] & suspect
        found += [int(i) * CLICK_FRAME_N / rate for i in inside[mine]]
    return found


def _suspect_frames(samples: np.ndarray) -> np.ndarray:
    from scipy.ndimage import median_filter

    x = to_float(samples)
    jump = np.abs(np.diff(x, n=2, prepend=x[:1], append=x[-1:]))
    framed = jump.reshape(-1, CLICK_FRAME_N)
    peak = framed.max(axis=1)
    typical = median_filter(np.sqrt(np.mean(np.square(framed), axis=1)), CLICK_CONTEXT_FRAMES)
    return (peak > CLICK_FLOOR) & (peak > CLICK_RATIO * np.maximum(typical, 1e-9))


def _clicks(samples: np.ndarray, rate: int, events: Sequence[dict[str, Any]]) -> Check:
    words = [
        (e["start_s"] - SPEECH_PAD_S, e["end_s"] + SPEECH_PAD_S)
        for e in events
        if e["kind"] == "speech"
    ]
    found = find_clicks(samples, rate, words)
    if not found:
        return Check("clicks", True, "none outside the spoken lines")
    shown = ", ".join(f"{t:.3f} s" for t in found[:5])
    return Check(
        "clicks", False, f"{len(found)} found, at {shown}" + (" ..." if len(found) > 5 else "")
    )
