"""A recorded pack as a voice: recordings where they exist, a TTS voice for the rest.

`RecordedSpeaker` answers `clip` and `measure` like a Speaker, so the compiler, render
and verify use a pack exactly as they use an engine. Processed recordings are cached
under a hash of the file's bytes, so replacing a recording re-processes only that line.
`check_pack` reports coverage and every recording that is silent, clipped, too quiet,
unreadable or too long for the place it is said in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from softpace.audio.dsp import SPEECH_CEILING_DBTP, SPEECH_LUFS
from softpace.errors import CueError, VoiceError
from softpace.plan.model import Plan
from softpace.voice import lines, packs
from softpace.voice.lines import Line, Measure
from softpace.voice.profiles import VoiceProfile
from softpace.voice.speaker import (
    SESSION_RATE_HZ,
    Clip,
    Speaker,
    load_clip,
    new_clip,
    write_clip,
)

LICENCE = "your own recordings"


@dataclass(frozen=True)
class RecordedSettings:
    folder: str
    fallback: VoiceProfile  # speaks every line without a recording


class RecordedKind:
    """Registry entry: packs are folders, so there is nothing to parse from a profile file."""

    name = "recorded"
    lexicon = "recorded"

    def settings_keys(self) -> frozenset[str]:
        return frozenset()

    def parse_settings(self, table: Mapping[str, object], source: str) -> RecordedSettings:
        raise VoiceError(
            f"{source}: a recorded pack is a folder of recordings (voices/PACK/), not a "
            "profile file; see `softpace voices record-list PACK`"
        )

    def problem(self, settings: RecordedSettings) -> str | None:
        if not Path(settings.folder).is_dir():
            return f"the pack folder {settings.folder} is missing"
        return None

    def licence(self, settings: RecordedSettings) -> str:
        return LICENCE

    def open(self) -> Any:
        raise VoiceError("a recorded pack speaks through RecordedSpeaker, not an engine")


KIND = RecordedKind()


def pack_profile(pack: packs.Pack, fallback: VoiceProfile) -> VoiceProfile:
    return VoiceProfile(
        name=pack.name,
        description=pack.description,
        engine="recorded",
        settings=RecordedSettings(str(pack.folder), fallback),
        source=str(pack.folder),
        gender="",
        accent="",
    )


class RecordedSpeaker:
    def __init__(
        self,
        profile: VoiceProfile,
        fallback: Speaker,
        cache_dir: Path | None,
        sample_rate_hz: int = SESSION_RATE_HZ,
    ) -> None:
        self.profile = profile
        self.fallback = fallback
        self.cache_dir = cache_dir
        self.sample_rate_hz = sample_rate_hz
        self.recordings = packs.recordings(Path(profile.settings.folder))
        self._memo: dict[str, Clip] = {}
        self.processed = 0  # recordings processed (not from cache)

    @property
    def synthesized(self) -> int:
        return self.processed + self.fallback.synthesized

    def recording(self, text: str) -> Path | None:
        return self.recordings.get(lines.line_id(text))

    def _cache_path(self, path: Path) -> Path | None:
        if self.cache_dir is None:
            return None
        blob = json.dumps(
            [
                packs.PROCESS_VERSION,
                hashlib.sha256(path.read_bytes()).hexdigest(),
                self.sample_rate_hz,
                SPEECH_LUFS,
                SPEECH_CEILING_DBTP,
                packs.TARGET_TILT_DB,
            ]
        )
        key = hashlib.sha256(blob.encode()).hexdigest()
        return self.cache_dir / "recorded" / key[:2] / f"{key}.clip"

    def _clip(self, text: str, path: Path) -> Clip:
        if text in self._memo:
            return self._memo[text]
        cache = self._cache_path(path)
        made = load_clip(cache) if cache is not None else None
        if made is None:
            raw, rate = packs.read_audio(path)
            samples = packs.prepare_recording(raw, rate, self.sample_rate_hz)
            if len(samples) == 0:
                raise VoiceError(f"{path}: the recording is silent; record it again or remove it")
            self.processed += 1
            made = new_clip(samples)
            if cache is not None:
                write_clip(cache, made)
        self._memo[text] = made
        return made

    def clip(self, text: str) -> np.ndarray:
        path = self.recording(text)
        return self.fallback.clip(text) if path is None else self._clip(text, path).samples

    def digest(self, text: str) -> bytes:
        path = self.recording(text)
        return self.fallback.digest(text) if path is None else self._clip(text, path).digest

    def measure(self, text: str) -> int:
        return len(self.clip(text))

    def forget(self) -> None:
        self._memo.clear()
        self.fallback.forget()

    def release(self) -> None:
        self.fallback.release()


# -- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class PackReport:
    pack: str
    folder: Path
    lines: tuple[Line, ...]
    recorded: tuple[str, ...]  # line ids with a recording
    unknown: tuple[Path, ...]  # recordings whose name is no line id
    findings: tuple[packs.Finding, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> tuple[Line, ...]:
        have = set(self.recorded)
        return tuple(line for line in self.lines if line.id not in have)

    @property
    def coverage(self) -> float:
        return len(self.recorded) / len(self.lines) if self.lines else 0.0

    @property
    def ok(self) -> bool:
        return not self.findings and not self.unknown


def check_pack(plan: Plan, speaker: RecordedSpeaker) -> PackReport:
    """Coverage, and what is wrong with each recording (unrecorded lines are not faults:
    the fallback voice speaks them)."""
    from softpace.script.narration import build_timeline

    every = lines.spoken_lines(plan)
    by_id = {line.id: line for line in every}
    recorded = tuple(i for i in speaker.recordings if i in by_id)
    unknown = tuple(p for i, p in speaker.recordings.items() if i not in by_id)
    findings: list[packs.Finding] = []
    usable: set[str] = set()
    for line_id in recorded:
        path = speaker.recordings[line_id]
        try:
            samples, rate = packs.read_audio(path)
        except VoiceError as exc:
            findings.append(packs.Finding(line_id, path, str(exc).split(": ", 1)[-1]))
            continue
        problems = packs.recording_problems(samples, rate)
        findings += [packs.Finding(line_id, path, p) for p in problems]
        if "silent" not in problems:
            usable.add(line_id)

    def measure_with(only: set[str]) -> Measure:
        def measure(text: str) -> int:
            if lines.line_id(text) in only:
                return speaker.measure(text)
            return speaker.fallback.measure(text)

        return measure

    too_long: dict[str, str] = {}
    for options in lines.session_options(plan):
        for stage in plan.stages:
            try:
                build_timeline(plan, stage, options, measure_with(usable))
                continue
            except CueError:
                pass
            for line_id in sorted(usable - set(too_long)):
                if not any(u.startswith(f"{stage.id}:") for u in by_id[line_id].uses):
                    continue
                try:
                    build_timeline(plan, stage, options, measure_with({line_id}))
                except CueError:
                    seconds = speaker.measure(by_id[line_id].text) / speaker.sample_rate_hz
                    too_long[line_id] = (
                        f"too long for its slot ({seconds:.1f} s) in {stage.id}; "
                        "say it a little faster or trim the pauses"
                    )
    findings += [packs.Finding(i, speaker.recordings[i], p) for i, p in too_long.items()]
    findings.sort(key=lambda f: (f.path.name, f.problem))
    folder = Path(speaker.profile.settings.folder)
    return PackReport(speaker.profile.name, folder, every, recorded, unknown, tuple(findings))
