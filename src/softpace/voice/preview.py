"""`softpace voices --preview NAME`: the same calm passage in any voice, about 20 s, so a
user compares voices by ear. Written as a 16-bit WAV at the session rate, lines brought
to the session's speech loudness, a calm gap between sentences; optionally played."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from softpace.voice.profiles import VoiceProfile
from softpace.voice.speaker import SESSION_RATE_HZ, open_speaker

PASSAGE = (
    "Breathe in slowly through your nose, and let your belly soften.",
    "As you breathe out, let your jaw and your pelvic floor release together.",
    "There is no hurry; you can pause or stop at any time.",
)
GAP_S = 1.2
PLAYERS = (
    ("paplay",),
    ("aplay", "-q"),
    ("afplay",),
    ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
    ("play", "-q"),
)


@dataclass(frozen=True)
class Preview:
    path: Path
    duration_s: float
    profile: str  # the profile that spoke it (the fallback's, if the engine could not run)


def render_preview(profile: VoiceProfile, cache_dir: Path | None, out: Path) -> Preview:
    """Speak PASSAGE with `profile` into the WAV file `out` (atomically)."""
    from softpace.atomic import atomic_path

    speaker = open_speaker(profile, cache_dir, fallback=False)
    gap = np.zeros(round(GAP_S * SESSION_RATE_HZ), np.int16)
    parts: list[np.ndarray] = [gap[: len(gap) // 2]]
    for line in PASSAGE:
        parts += [speaker.clip(line), gap]
    samples = np.concatenate(parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as temp, wave.open(str(temp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SESSION_RATE_HZ)
        wav.writeframes(samples.astype("<i2").tobytes())
    return Preview(out, len(samples) / SESSION_RATE_HZ, speaker.profile.name)


def player() -> tuple[str, ...] | None:
    """The first audio player found on this system, as a command prefix."""
    for command in PLAYERS:
        if shutil.which(command[0]):
            return command
    return None


def play(path: Path) -> bool:
    """Play `path` and wait; False when no player is installed."""
    command = player()
    if command is None:
        return False
    subprocess.run([*command, str(path)], check=False)
    return True
