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
  one worker process per core; workers die with this process and leave no partial files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from softpace import renderset
from softpace.atomic import ensure_writable_dir
from softpace.plan.model import Plan, Stage
from softpace.script.narration import SessionOptions, build_timeline, session_length_s
from softpace.timeline import Timeline, seconds_to_samples, timeline_json
from softpace.voice.profiles import VoiceProfile
from softpace.voice.speaker import Speaker

Progress = Callable[[int], None]
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
    mix_key = _digest(_mix_inputs(timeline, clips), repr(settings), str(ENCODER_DELAY_N))
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


def _mix_inputs(timeline: Timeline, clips: Mapping[str, np.ndarray]) -> str:
    """Everything a mix is made from but its settings: the timeline, the clips' samples
    and the code (any change of softpace measures again)."""
    voice = hashlib.sha256()  # about twice as fast as blake2b here, over every clip
    for text in sorted(clips):
        voice.update(text.encode("utf-8", "surrogatepass"))
        voice.update(np.ascontiguousarray(clips[text]).data)
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
    others go to worker processes as soon as their timeline is ready: the first worker
    encodes while the next timelines are built, and every core stays busy to the end.
    Workers only read the speech cache.
    """
    from softpace.publish.publish import refresh_playlist

    ensure_writable_dir(job.out_dir)
    speaker = voice.speaker()
    workers = min(len(job.stages), workers or os.cpu_count() or 1)
    pool = _Workers(workers) if workers > 1 and voice.cache_dir is not None else None
    longest_first = sorted(job.stages, key=lambda s: -session_length_s(job.plan, s, job.options))
    done: dict[str, RenderedSession] = {}
    with _signals_raise():
        try:
            _tidy(job.plan, job.out_dir)
            for stage in longest_first:
                before = speaker.synthesized
                timeline = session_timeline(job.plan, stage, job.options, speaker)
                made = speaker.synthesized - before
                rendered = _render_timeline(
                    job.plan, stage, timeline, speaker, job.out_dir, job.tones, job.force,
                    progress, made, check_only=pool is not None,
                )  # fmt: skip
                if rendered is not None:
                    done[stage.id] = rendered
                else:  # out of date: a worker renders it
                    assert pool is not None
                    pool.submit(job, stage, timeline, voice, made)
            if pool is not None:
                done |= pool.results(progress)
        except BaseException:
            if pool is not None:
                pool.stop()
            raise
    refresh_playlist(job.plan, job.out_dir)
    return [done[stage.id] for stage in job.stages]


class _Workers:
    """Worker processes for render_all, started at the first stage that needs one (so they
    start up while the parent builds the next timelines)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[RenderedSession], int] = {}

    def submit(
        self, job: RenderJob, stage: Stage, timeline: Timeline, voice: Voice, made: int
    ) -> None:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
        future = self._pool.submit(_render_in_worker, job, stage, timeline, voice, made)
        self._futures[future] = timeline.n_samples

    def results(self, progress: Progress | None) -> dict[str, RenderedSession]:
        """Each stage's result as it comes; the first failure stops the rest."""
        done = {}
        for future in as_completed(self._futures):
            result = future.result()
            done[result.stage] = result
            if progress is not None:
                progress(self._futures[future])
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return done

    def stop(self) -> None:
        if self._pool is not None:
            _stop_workers(self._pool)


def _render_in_worker(
    job: RenderJob, stage: Stage, timeline: Timeline, voice: Voice, made: int
) -> RenderedSession:
    try:
        speaker = voice.speaker()
        rendered = _render_timeline(
            job.plan, stage, timeline, speaker, job.out_dir, job.tones, job.force, None, made
        )
    except SystemExit as stop:  # told to stop: the partial files are already removed
        # The executor would report this and wait for more work, from a parent that may
        # be gone; end the process instead.
        os._exit(stop.code if isinstance(stop.code, int) else 1)
    assert rendered is not None
    return rendered


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: each is told to stop (SIGTERM), cleans up and exits."""
    # The executor has no public way to stop running work; its process table is stable.
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _worker_start(parent_pid: int) -> None:
    """In each worker: die with the parent, and clean up when told to stop."""
    _die_with_parent()
    if os.getppid() != parent_pid:  # the parent was already gone
        os._exit(1)
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, _raise_exit)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM when the parent dies, even by SIGKILL."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a render like Ctrl-C does: partial files are removed and
    workers stopped, rather than the process vanishing mid-write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise_exit) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def total_samples(job: RenderJob) -> int:
    """For a progress bar: the samples the job will encode."""
    return sum(_stage_samples(job, stage) for stage in job.stages)


def _stage_samples(job: RenderJob, stage: Stage) -> int:
    return seconds_to_samples(session_length_s(job.plan, stage, job.options))
