"""Benchmarks: render speed and memory for full-length stages, or the comfort log.

Render (default): (a) cold render seconds (empty speech cache), (b) warm render seconds
(speech cached), (c) seconds for the same MP3 encoder and settings to encode the same
audio alone, (d) seconds for a naive pydub mix of the same timeline (one
AudioSegment.overlay per cue, pydub's own Sine tones) as a reference; then peak memory
(RSS) rendering a 15- and a 60-minute session, each in a fresh process.
Run: python scripts/bench.py [--stage ID] [--skip-pydub] [--skip-memory]

Comfort log: writing, loading and deciding over a log of --days days of daily practice
(with next-day ratings, some spikes and symptoms). Run: python scripts/bench.py --progress

Getting to the phone: renders every stage, then times the tags (chapters, cover, words),
export to a folder (first time, again unchanged, discreet), to a zip, and the LAN share's
page, feed and a ranged audio request. Run: python scripts/bench.py --share
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
from softpace.audio.master import measure_mix
from softpace.audio.mixer import MixSettings, mix_blocks
from softpace.plan import Variant, load_plan
from softpace.plan.model import Plan, Span
from softpace.render import render_session, session_timeline
from softpace.script.narration import SessionOptions
from softpace.timeline import Timeline
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import open_speaker


def timed(func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", help="stage id (default: the longest session)")
    parser.add_argument("--voice", default="calm", help="voice profile (default: calm)")
    parser.add_argument("--skip-pydub", action="store_true", help="leave out (d)")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the RSS runs")
    parser.add_argument("--progress", action="store_true", help="benchmark the comfort log")
    parser.add_argument("--days", type=int, default=1095, help="days of log for --progress")
    parser.add_argument("--share", action="store_true", help="benchmark export and serve")
    parser.add_argument("--memory-child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.progress:
        bench_progress(args.days)
    elif args.share:
        bench_share()
    elif args.memory_child:
        memory_child(args.memory_child)
    else:
        bench_render(args.stage, not args.skip_pydub, not args.skip_memory, args.voice)


def bench_render(
    stage_id: str | None, with_pydub: bool, with_memory: bool, voice: str = "calm"
) -> None:
    peaks = {m: memory_peak_mb(m) for m in (15.0, 60.0)} if with_memory else {}
    plan = load_plan()
    stage = plan.stage(stage_id) if stage_id else max(plan.stages, key=plan.session_length_s)
    options = SessionOptions()
    profile = get_profile(voice)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold_speaker = open_speaker(profile, work / "cache")
        cold_s, result = timed(
            lambda: render_session(plan, stage, options, cold_speaker, work / "out")
        )
        warm_speaker = open_speaker(profile, work / "cache")
        warm_s, warm = timed(
            lambda: render_session(plan, stage, options, warm_speaker, work / "out")
        )
        assert warm.synthesized == 0

        timeline = session_timeline(plan, stage, options, warm_speaker)
        clips = {e.text or "": warm_speaker.clip(e.text or "") for e in timeline.speech()}
        measure_s, _ = timed(lambda: measure_mix(timeline, clips, MixSettings(), ENCODER_DELAY_N))
        mix_s, audio = timed(
            lambda: np.concatenate(
                [b.copy() for b in mix_blocks(timeline, clips, start_n=ENCODER_DELAY_N)]
            )
        )
        block_n = int(4.0 * timeline.sample_rate_hz)
        blocks = [audio[i : i + block_n] for i in range(0, len(audio), block_n)]
        encode_s, _ = timed(lambda: encode_mp3(blocks, work / "alone.mp3", timeline.sample_rate_hz))
        pydub_s = pydub_mix_s(timeline, clips) if with_pydub else None

    minutes = result.duration_s / 60
    print(f"stage: {stage.id} ({minutes:.1f} min of audio, {result.speech_clips} speech clips)")
    print(f"cores: {os.cpu_count()}")
    print(f"(a) cold render (empty speech cache): {cold_s:7.2f} s")
    print(f"(b) warm render (speech cached):      {warm_s:7.2f} s")
    print(f"      loudness pass alone:            {measure_s:7.2f} s")
    print(f"      one mixing pass alone:          {mix_s:7.2f} s")
    print(f"(c) same encoder, same audio, alone:  {encode_s:7.2f} s")
    print(f"    (b) / (c):                        {warm_s / encode_s:7.2f} x  (target <= 1.3)")
    if pydub_s is not None:
        print(f"(d) naive pydub mix, no encoding:     {pydub_s:7.2f} s")
        print(f"    (d) / (b):                        {pydub_s / warm_s:7.1f} x  (target >= 20)")
    print(f"realtime factor (warm):               {result.duration_s / warm_s:7.0f} x")
    if peaks:
        print(f"peak RSS, 15-minute session:          {peaks[15.0]:7.0f} MB")
        print(f"peak RSS, 60-minute session:          {peaks[60.0]:7.0f} MB  (target < 300)")
        print(
            f"    60 / 15:                          {peaks[60.0] / peaks[15.0]:7.2f} x"
            "  (target <= 1.5)"
        )


def pydub_mix_s(timeline: Timeline, clips: dict[str, np.ndarray]) -> float:
    """The reference: mix the same timeline the obvious pydub way: one overlay per cue,
    pydub's own Sine tones, and the tones ducked 14 dB under each spoken line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydub warns that ffmpeg is missing; not needed here
        from pydub import AudioSegment
        from pydub.generators import Sine

    sr = timeline.sample_rate_hz
    tone_hz = {"inhale": 208.0, "exhale": 160.0, "bell": 660.0}
    started = time.perf_counter()
    mix = AudioSegment.silent(duration=timeline.duration_s * 1000, frame_rate=sr)
    mix = mix.set_channels(1).set_sample_width(2)
    for event in timeline.events:
        if event.kind in tone_hz:
            volume = -16.0 if event.kind == "bell" else -33.0
            sound = Sine(tone_hz[event.kind], sample_rate=sr).to_audio_segment(
                duration=(event.end_n - event.start_n) * 1000 / sr, volume=volume
            )
            sound = sound.set_channels(1).fade_in(120).fade_out(120)
            mix = mix.overlay(sound, position=event.start_n * 1000 / sr)
    for event in timeline.speech():
        start_ms, end_ms = event.start_n * 1000 / sr, event.end_n * 1000 / sr
        mix = mix[:start_ms] + mix[start_ms:end_ms].apply_gain(-14.0) + mix[end_ms:]
        clip = clips[event.text or ""]
        voice = AudioSegment(clip.tobytes(), frame_rate=sr, sample_width=2, channels=1)
        mix = mix.overlay(voice, position=start_ms)
    return time.perf_counter() - started


MEMORY_OPTIONS = SessionOptions(variant=Variant.SHORT)  # short circuit, so 15 min fits


def long_plan(minutes: float) -> tuple[Plan, str]:
    """The built-in plan with the external-mapping step stretched so its session lasts
    about `minutes` (the step's template breathes through whatever time it is given)."""
    plan = load_plan()
    stage = plan.stage("external-mapping")
    others = plan.session_length_s(stage, MEMORY_OPTIONS.variant) - plan.exercise(
        "external-mapping"
    ).duration_s(MEMORY_OPTIONS.variant)
    step_min = max(1.0, (minutes * 60 - others) / 60)
    exercises = tuple(
        dataclasses.replace(e, minutes=Span(step_min, step_min))
        if e.id == "external-mapping"
        else e
        for e in plan.exercises
    )
    return dataclasses.replace(plan, exercises=exercises, _by_id={}), stage.id


def memory_child(minutes: float) -> None:
    plan, stage_id = long_plan(minutes)
    speaker = open_speaker(get_profile("calm"), None)
    with tempfile.TemporaryDirectory() as tmp:
        result = render_session(plan, plan.stage(stage_id), MEMORY_OPTIONS, speaker, Path(tmp))
    print(f"{result.duration_s / 60:.1f} {peak_rss_mb():.1f}")


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM, which starts afresh at exec
    (ru_maxrss would carry the parent's peak over a fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def memory_peak_mb(minutes: float) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(minutes)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[1])


def bench_progress(days: int) -> None:
    from datetime import date, timedelta

    from softpace.progress import decide
    from softpace.progress.entries import next_day_entry, practice_entry
    from softpace.progress.store import ComfortStore

    plan = load_plan()
    first = date.today() - timedelta(days=days)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "comfort-log.sqlite3"
        write_s = 0.0
        stage = plan.stages[0].id
        for n in range(days):
            on = first + timedelta(days=n)
            with ComfortStore.open(path) as store:
                if n % 30 == 0:
                    stage = decide(store.load(), plan, on).stage
                spent, _ = timed(
                    lambda on=on, stage=stage, n=n: store.add_practice(
                        practice_entry(
                            plan,
                            on=on,
                            stage=stage,
                            during=4 if n % 17 == 16 else 1,
                            symptoms=["clench"] if n % 9 == 0 else [],
                        )
                    )
                )
                write_s += spent
                store.add_next_day(next_day_entry(plan, on=on + timedelta(days=1), rating=1))
        started = time.perf_counter()
        with ComfortStore.open(path) as store:
            open_s = time.perf_counter() - started
            load_s, log = timed(store.load)
        decide_s, decision = timed(lambda: decide(log, plan, date.today()))
        size_kb = path.stat().st_size / 1024
    print(f"comfort log: {days} days, {len(log.practices)} practices, {size_kb:.0f} KiB")
    print(f"insert one practice (one transaction, mean): {write_s / days * 1000:6.2f} ms")
    print(f"open with integrity check:                   {open_s * 1000:6.1f} ms")
    print(f"load the whole log:                          {load_s * 1000:6.1f} ms")
    print(f"decide (rules engine):                       {decide_s * 1000:6.1f} ms")
    print(f"decision: {decision.stage} ({decision.action.value})")


def bench_share() -> None:
    from starlette.testclient import TestClient

    from softpace.publish.catalog import find_sessions
    from softpace.publish.cover import _draw
    from softpace.publish.labels import label_for
    from softpace.publish.publish import session_tags
    from softpace.publish.tags import tag_bytes
    from softpace.render import RenderJob, Voice, render_all
    from softpace.share import routes as server
    from softpace.share.bundle import export_to_folder, export_to_zip
    from softpace.share.gate import Activity
    from softpace.share.security import new_token

    plan = load_plan()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        job = RenderJob(plan, plan.stages, work / "out")
        render_s, _ = timed(lambda: render_all(job, Voice(get_profile("calm"), work / "cache")))
        sessions = find_sessions(plan, work / "out")
        longest = max(sessions, key=lambda s: s.timeline.duration_s)
        label = label_for(plan, longest.stage)
        _draw.cache_clear()
        tag_s, tag = timed(lambda: tag_bytes(session_tags(label, longest.timeline)))
        total_mb = sum(s.size_bytes for s in sessions) / 1e6
        first_s, first = timed(lambda: export_to_folder(plan, sessions, work / "phone"))
        again_s, again = timed(lambda: export_to_folder(plan, sessions, work / "phone"))
        discreet_s, _ = timed(lambda: export_to_folder(plan, sessions, work / "d", True))
        zip_s, _ = timed(lambda: export_to_zip(plan, sessions, work / "s.zip"))
        rezip_s, rezip = timed(lambda: export_to_zip(plan, sessions, work / "s.zip"))
        assert again.written == () and rezip.written == ()

        share = server.Share(plan, work / "out", work / "share")
        token = new_token()
        app = server.create_app(share, token, f"http://lan:8765/{token}/", Activity())
        client = TestClient(app, base_url="http://lan:8765")
        start_s, _ = timed(lambda: client.get(f"/{token}/"))
        page_s, page = timed(lambda: client.get(f"/{token}/"))
        feed_s, _ = timed(lambda: client.get(f"/{token}/feed.xml"))
        mp3 = f"/{token}/files/{longest.stage.id}.mp3"
        range_s, part = timed(lambda: client.get(mp3, headers={"Range": "bytes=1000000-1065535"}))
        whole_s, whole = timed(lambda: client.get(mp3))
        assert part.status_code == 206 and whole.status_code == 200
    print(f"{len(sessions)} stages rendered in {render_s:.1f} s ({total_mb:.0f} MB of MP3)")
    print(f"tag for {longest.stage.id} (chapters, cover, words): {tag_s * 1000:6.0f} ms, "
          f"{len(tag) / 1024:.0f} KiB")  # fmt: skip
    print(f"export to a folder, first time:              {first_s:6.2f} s "
          f"({len(first.written)} files)")  # fmt: skip
    print(f"export again, nothing changed:               {again_s:6.2f} s (0 files written)")
    print(f"export --discreet to a new folder:           {discreet_s:6.2f} s")
    print(f"export --zip:                                {zip_s:6.2f} s")
    print(f"export --zip again, nothing changed:         {rezip_s:6.2f} s (zip left untouched)")
    print(f"serve: first page (makes the shared copy):   {start_s:6.2f} s")
    print(f"serve: page, {len(page.content) / 1024:.0f} KiB:                        "
          f"{page_s * 1000:6.1f} ms")  # fmt: skip
    print(f"serve: podcast feed:                         {feed_s * 1000:6.1f} ms")
    print(f"serve: 64 KiB range of the audio (206):      {range_s * 1000:6.1f} ms")
    print(f"serve: whole MP3, {len(whole.content) / 1e6:.1f} MB:                   "
          f"{whole_s:6.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
