"""Render sessions end to end: stage -> Timeline -> speech -> mix -> MP3 (tags, chapters,
cover) + timeline JSON + LRC/VTT sidecars, and the folder's playlist.

This is the one place the pipeline steps meet; each step stays a plain function over
plain data. A render's files appear together under their final names, or not at all
(see renderset). What costs time is kept to the MP3 encoder's own pace:
- a session whose inputs (timeline, voice, settings, code) match the set already in the
  folder is left alone (`force` renders it anyway);
- the loudness measurement is cached by what is mixed, so a repeated render mixes once;
- mixing block N+1 overlaps encoding block N (lameenc releases the GIL: audio.encode);
- `render_all` builds every timeline once, here, and hands the stages, longest first, to
  one worker process per core as each timeline is ready; workers die with this process
  and leave no partial files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from softpace import renderset
from softpace.atomic import ensure_writable_dir
from softpace.plan.model import Plan, Stage
from softpace.renderpool import Progress, Work, Workers, signals_raise
from softpace.script.narration import SessionOptions, build_timeline, session_length_s
from softpace.timeline import Timeline, seconds_to_samples, timeline_json
from softpace.voice.profiles import VoiceProfile
from softpace.voice.speaker import Speaker

MASTERING_CACHE = "mastering"  # measured loudness per mix, in the speech cache folder
COVER_CACHE = "covers"


@dataclass(frozen=True)
class RenderedSession:
    stage: str
    mp3_path: Path
    timeline_path: Path
    duration_s: float
    speech_clips: int
    synthesized: int
    skipped: bool = False  # the files in place already came from the same inputs


@dataclass(frozen=True)
class RenderJob:
    """What to render and how; `speaker` supplies clips for the chosen voice."""

    plan: Plan
    stages: tuple[Stage, ...]
    out_dir: Path
    options: SessionOptions = field(default_factory=SessionOptions)
    tones: str = "normal"  # the breath-tone bed: soft, normal or off
    force: bool = False  # render even when the files in place match the inputs


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
    force: bool = False,
) -> RenderedSession:
    ensure_writable_dir(out_dir)
    _tidy(plan, out_dir)
    before = speaker.synthesized
    timeline = session_timeline(plan, stage, options, speaker)
    made = speaker.synthesized - before
    speaker.release()  # every word is measured: the voice model's memory goes before mixing
    rendered = _render_timeline(
        plan, stage, timeline, speaker, out_dir, tones, force, progress, made
    )
    assert rendered is not None  # only check_only returns None
    return rendered


def _render_timeline(
    plan: Plan,
    stage: Stage,
    timeline: Timeline,
    speaker: Speaker,
    out_dir: Path,
    tones: str,
    force: bool,
    progress: Progress | None = None,
    synthesized: int = 0,
    check_only: bool = False,
) -> RenderedSession | None:
    """Mix, encode and put the set in place, or leave an up-to-date set alone (unless
    `force`). `synthesized`: how many clips the engine made for this timeline, for the
    report. With `check_only`, render nothing: the skipped result, or None if out of date."""
    from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
    from softpace.audio.master import master
    from softpace.audio.mixer import MixSettings
    from softpace.publish.catalog import session_paths
    from softpace.publish.cover import cache_covers_in
    from softpace.publish.labels import label_for
    from softpace.publish.publish import session_tags, sidecar_files
    from softpace.publish.tags import tag_bytes

    if check_only and force:  # out of date by decree: nothing to look at here
        return None
    clips = {event.text or "": speaker.clip(event.text or "") for event in timeline.speech()}
    settings = MixSettings.for_bed(tones)
    label = label_for(plan, stage)
    mix_key = _digest(_mix_inputs(timeline, clips, speaker), repr(settings), str(ENCODER_DELAY_N))
    inputs = _digest(mix_key, repr(label))
    mp3_path, timeline_path = session_paths(out_dir, stage.id)
    sidecars = {out_dir / f.name: f.data for f in sidecar_files(label, timeline)}
    done = RenderedSession(
        stage=stage.id,
        mp3_path=mp3_path,
        timeline_path=timeline_path,
        duration_s=timeline.duration_s,
        speech_clips=len(clips),
        synthesized=synthesized,
    )
    if not force and _up_to_date(mp3_path, timeline_path, list(sidecars), inputs):
        if progress is not None:
            progress(timeline.n_samples)
        return replace(done, skipped=True)
    if check_only:
        return None

    cache = speaker.cache_dir
    if cache is not None:
        cache_covers_in(cache / COVER_CACHE)
    render_id = renderset.new_render_id()
    header = tag_bytes(replace(session_tags(label, timeline), render_id=render_id))
    measured = _cached_loudness(cache, mix_key)
    # committed in this order: the sidecars, the MP3, the timeline last
    order = [*sidecars, mp3_path, timeline_path]
    partials = {final: renderset.partial_path(final, render_id) for final in order}
    try:
        with renderset.disk_errors(out_dir):
            for final, data in sidecars.items():
                partials[final].write_bytes(data)
            mastering, blocks = master(
                timeline, clips, settings, start_n=ENCODER_DELAY_N, measured_lufs=measured
            )
            if measured is None:
                _store_loudness(cache, mix_key, mastering.measured_lufs)
            encode_mp3(blocks, partials[mp3_path], timeline.sample_rate_hz, progress, header)
            audio_bytes = partials[mp3_path].stat().st_size - len(header)
            stamp = renderset.RenderStamp(render_id, inputs, audio_bytes)
            partials[timeline_path].write_text(_timeline_json(timeline, stamp), "utf-8")
        renderset.commit([(partials[f], f) for f in order], out_dir, render_id)
    except BaseException:
        renderset.discard(list(partials.values()))
        raise
    return done


def _timeline_json(timeline: Timeline, stamp: renderset.RenderStamp) -> str:
    return timeline_json(timeline, {renderset.RENDER_KEY: stamp.to_json_dict()})


def _up_to_date(mp3: Path, timeline_path: Path, sidecars: Sequence[Path], inputs: str) -> bool:
    stamp = renderset.read_stamp(timeline_path)
    return (
        stamp is not None
        and stamp.inputs == inputs
        and all(path.is_file() for path in sidecars)
        and renderset.session_is_consistent(mp3, timeline_path)
    )


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _mix_inputs(timeline: Timeline, clips: Collection[str], speaker: Speaker) -> str:
    """Everything a mix is made from but its settings: the timeline, the `clips` (named
    by the checksums their cache files carry) and the code (any change of softpace
    measures again)."""
    voice = hashlib.sha256()
    for text in sorted(clips):
        voice.update(text.encode("utf-8", "surrogatepass"))
        voice.update(speaker.digest(text))
    return _digest(timeline.to_json(), voice.hexdigest(), renderset.code_version())


def _cached_loudness(cache: Path | None, key: str) -> float | None:
    if cache is None:
        return None
    try:
        return float(json.loads((cache / MASTERING_CACHE / f"{key}.json").read_text())["lufs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store_loudness(cache: Path | None, key: str, lufs: float) -> None:
    from softpace.atomic import write_text_atomic
    from softpace.errors import OutputError

    if cache is None:
        return
    with contextlib.suppress(OSError, OutputError):  # a cache that cannot be written stops nothing
        (cache / MASTERING_CACHE).mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache / MASTERING_CACHE / f"{key}.json", json.dumps({"lufs": lufs}))


def _tidy(plan: Plan, out_dir: Path) -> None:
    """Finish interrupted commits and sweep partial files older than an hour."""
    from softpace.publish.catalog import session_paths
    from softpace.publish.labels import PLAYLIST_NAME, label_for

    renderset.recover(out_dir)
    finals = {PLAYLIST_NAME}
    for stage in plan.stages:
        label = label_for(plan, stage)
        finals |= {p.name for p in session_paths(out_dir, stage.id)} | {label.lrc, label.vtt}
    renderset.sweep_partials(out_dir, finals)


@dataclass(frozen=True)
class Voice:
    """How to make a Speaker: plain data, so worker processes can make their own."""

    profile: VoiceProfile
    cache_dir: Path | None
    # A stand-in engine (tests): importable by name, so spawned workers can make it too.
    engine_factory: Callable[[], Any] | None = None

    def speaker(self) -> Speaker:
        if self.engine_factory is not None:
            return Speaker(self.engine_factory(), self.profile, self.cache_dir)
        from softpace.voice.speaker import open_speaker

        speaker: Speaker = open_speaker(self.profile, self.cache_dir)
        return speaker


def render_all(
    job: RenderJob,
    voice: Voice,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Sequence[RenderedSession]:
    """Render every stage of the job, returned in the order of the job's stages.

    Stages are taken longest first (by the plan's length, known before any word is
    measured). Each timeline is built here, once (synthesizing its words into the speech
    cache); a stage whose files are up to date is skipped. With more than one core, the
    stages to render go to worker processes as soon as their timelines are ready, so the
    workers encode while the next timelines are built and every core stays busy to the
    end (workers only read the speech cache). The first stage found out of date waits for
    a second (unless `force`, which makes them all out of date): if it is the only one,
    it renders here, with its progress, and no worker is started.
    """
    from softpace.publish.publish import refresh_playlist

    ensure_writable_dir(job.out_dir)
    speaker = voice.speaker()
    workers = min(len(job.stages), workers or os.cpu_count() or 1)
    pool = Workers(workers) if workers > 1 and voice.cache_dir is not None else None
    longest_first = sorted(job.stages, key=lambda s: -session_length_s(job.plan, s, job.options))
    done: dict[str, RenderedSession] = {}
    held: Work | None = None  # the first stage out of date, until a second one is found
    with signals_raise():
        try:
            _tidy(job.plan, job.out_dir)
            for stage in longest_first:
                # The last stage's clips are in a worker's hands or in place: holding them
                # all would grow this process by every stage's words.
                speaker.forget()
                before = speaker.synthesized
                timeline = session_timeline(job.plan, stage, job.options, speaker)
                work = Work(stage, timeline, speaker.synthesized - before)
                if stage is longest_first[-1]:
                    speaker.release()  # every word is measured: no model held while mixing
                rendered = _render_timeline(
                    job.plan, stage, timeline, speaker, job.out_dir, job.tones, job.force,
                    progress, work.made, check_only=pool is not None,
                )  # fmt: skip
                if rendered is not None:
                    done[stage.id] = rendered
                    continue
                assert pool is not None
                pool.raise_first_failure()
                if held is None and not job.force and not pool.started:
                    held = work
                    continue
                for waiting in (held, work):
                    if waiting is not None:
                        pool.submit(job, waiting, voice)
                held = None
            if held is not None:  # the only stage to render: here, with its progress
                rendered = _render_timeline(
                    job.plan, held.stage, held.timeline, speaker, job.out_dir, job.tones,
                    job.force, progress, held.made,
                )  # fmt: skip
                assert rendered is not None
                done[held.stage.id] = rendered
            if pool is not None:
                done |= pool.results(progress)
        except BaseException:
            if pool is not None:
                pool.stop()
            raise
    refresh_playlist(job.plan, job.out_dir)
    return [done[stage.id] for stage in job.stages]


def total_samples(job: RenderJob) -> int:
    """For a progress bar: the samples the job will encode."""
    return sum(_stage_samples(job, stage) for stage in job.stages)


def _stage_samples(job: RenderJob, stage: Stage) -> int:
    return seconds_to_samples(session_length_s(job.plan, stage, job.options))
