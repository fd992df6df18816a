"""Render sessions end to end: stage -> Timeline -> speech -> mix -> MP3 + timeline JSON.

This is the one place the pipeline steps meet; each step stays a plain function over
plain data. Files appear under their final names only when complete.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from softpace.atomic import atomic_path, ensure_writable_dir, write_text_atomic
from softpace.plan.model import Plan, Stage
from softpace.script.narration import SessionOptions, build_timeline, session_length_s
from softpace.script.timeline import Timeline, seconds_to_samples
from softpace.voice.speaker import Speaker

ARTIST = "softpace"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RenderedSession:
    stage: str
    mp3_path: Path
    timeline_path: Path
    duration_s: float
    speech_clips: int
    synthesized: int


@dataclass(frozen=True)
class RenderJob:
    """What to render and how; `speaker` supplies clips for the chosen voice."""

    plan: Plan
    stages: tuple[Stage, ...]
    out_dir: Path
    options: SessionOptions = field(default_factory=SessionOptions)
    tones: str = "normal"  # the breath-tone bed: soft, normal or off


def session_timeline(
    plan: Plan, stage: Stage, options: SessionOptions, speaker: Speaker
) -> Timeline:
    """The Timeline as the real voice will speak it (synthesizing and caching the words)."""
    return build_timeline(plan, stage, options, speaker.measure)


def render_session(
    plan: Plan,
    stage: Stage,
    options: SessionOptions,
    speaker: Speaker,
    out_dir: Path,
    progress: Progress | None = None,
    tones: str = "normal",
) -> RenderedSession:
    from softpace.audio.encode import ENCODER_DELAY_N, Tags, encode_mp3, write_tags
    from softpace.audio.master import master
    from softpace.audio.mixer import MixSettings

    ensure_writable_dir(out_dir)
    before = speaker.synthesized
    timeline = session_timeline(plan, stage, options, speaker)
    clips = {event.text or "": speaker.clip(event.text or "") for event in timeline.speech()}
    mp3_path = out_dir / f"{stage.id}.mp3"
    timeline_path = out_dir / f"{stage.id}.timeline.json"
    with atomic_path(mp3_path) as temp:
        _, blocks = master(timeline, clips, MixSettings.for_bed(tones), start_n=ENCODER_DELAY_N)
        encode_mp3(blocks, temp, timeline.sample_rate_hz, progress)
        write_tags(
            temp,
            Tags(
                title=f"{stage.number}. {stage.title}",
                artist=ARTIST,
                album=plan.title,
                track=stage.number,
                track_total=len(plan.stages),
                comment=f"softpace session: {stage.id}",
            ),
        )
    write_text_atomic(timeline_path, timeline.to_json())
    return RenderedSession(
        stage=stage.id,
        mp3_path=mp3_path,
        timeline_path=timeline_path,
        duration_s=timeline.duration_s,
        speech_clips=len(clips),
        synthesized=speaker.synthesized - before,
    )


def render_all(
    job: RenderJob, speaker: Speaker, progress: Progress | None = None
) -> Sequence[RenderedSession]:
    return [
        render_session(job.plan, stage, job.options, speaker, job.out_dir, progress, job.tones)
        for stage in job.stages
    ]


def total_samples(job: RenderJob) -> int:
    """For a progress bar: the samples the job will encode."""
    return sum(
        seconds_to_samples(session_length_s(job.plan, stage, job.options)) for stage in job.stages
    )
