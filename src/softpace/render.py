"""Render sessions end to end: stage -> Timeline -> speech -> mix -> MP3 (tags, chapters,
cover) + timeline JSON + LRC/VTT sidecars, and the folder's playlist.

This is the one place the pipeline steps meet; each step stays a plain function over
plain data. Files appear under their final names only when complete.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from softpace.atomic import atomic_path, ensure_writable_dir
from softpace.plan.model import Plan, Stage
from softpace.script.narration import SessionOptions, build_timeline, session_length_s
from softpace.timeline import Timeline, seconds_to_samples, write_timeline
from softpace.voice.profiles import VoiceProfile
from softpace.voice.speaker import Speaker

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
    from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
    from softpace.audio.master import master
    from softpace.audio.mixer import MixSettings
    from softpace.publish.catalog import session_paths
    from softpace.publish.labels import label_for
    from softpace.publish.publish import session_tags, sidecar_files, write_files
    from softpace.publish.tags import tag_bytes

    ensure_writable_dir(out_dir)
    before = speaker.synthesized
    timeline = session_timeline(plan, stage, options, speaker)
    clips = {event.text or "": speaker.clip(event.text or "") for event in timeline.speech()}
    mp3_path, timeline_path = session_paths(out_dir, stage.id)
    label = label_for(plan, stage)
    with atomic_path(mp3_path) as temp:
        _, blocks = master(timeline, clips, MixSettings.for_bed(tones), start_n=ENCODER_DELAY_N)
        header = tag_bytes(session_tags(label, timeline))
        encode_mp3(blocks, temp, timeline.sample_rate_hz, progress, header=header)
    write_timeline(timeline_path, timeline)
    write_files(sidecar_files(label, timeline), out_dir)
    return RenderedSession(
        stage=stage.id,
        mp3_path=mp3_path,
        timeline_path=timeline_path,
        duration_s=timeline.duration_s,
        speech_clips=len(clips),
        synthesized=speaker.synthesized - before,
    )


@dataclass(frozen=True)
class Voice:
    """How to make a Speaker: plain data, so worker processes can make their own."""

    profile: VoiceProfile
    cache_dir: Path | None

    def speaker(self) -> Speaker:
        from softpace.voice.engine import get_engine

        return Speaker(get_engine(self.profile.engine), self.profile, self.cache_dir)


def render_all(
    job: RenderJob,
    voice: Voice,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Sequence[RenderedSession]:
    """Render every stage of the job, in order of the job's stages.

    With more than one stage, stages render in parallel worker processes (one per core
    by default). The words are synthesized here first, once, so workers only read the
    speech cache: espeak runs in one process and shared lines are made once.
    """
    from softpace.publish.publish import refresh_playlist

    workers = min(len(job.stages), workers or os.cpu_count() or 1)
    speaker = voice.speaker()
    if workers <= 1 or voice.cache_dir is None:
        results = [
            render_session(job.plan, stage, job.options, speaker, job.out_dir, progress, job.tones)
            for stage in job.stages
        ]
        refresh_playlist(job.plan, job.out_dir)
        return results
    for stage in job.stages:
        session_timeline(job.plan, stage, job.options, speaker)  # fills the speech cache
    ensure_writable_dir(job.out_dir)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_render_in_worker, job, stage, voice): stage for stage in job.stages}
        try:
            for future in as_completed(futures):
                future.result()  # the first failure stops the rest
                if progress is not None:
                    progress(_stage_samples(job, futures[future]))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        done = {futures[f].id: f.result() for f in futures}
    refresh_playlist(job.plan, job.out_dir)
    return [done[stage.id] for stage in job.stages]


def _render_in_worker(job: RenderJob, stage: Stage, voice: Voice) -> RenderedSession:
    return render_session(
        job.plan, stage, job.options, voice.speaker(), job.out_dir, None, job.tones
    )


def total_samples(job: RenderJob) -> int:
    """For a progress bar: the samples the job will encode."""
    return sum(_stage_samples(job, stage) for stage in job.stages)


def _stage_samples(job: RenderJob, stage: Stage) -> int:
    return seconds_to_samples(session_length_s(job.plan, stage, job.options))
