"""Benchmarks: render speed for one full-length stage, or the comfort log (--progress).

Render: cold render seconds (empty speech cache), warm render seconds (cache filled),
seconds for the same MP3 encoder and settings to encode the same audio alone, and the
ratio warm / encode-alone. Run: python scripts/bench.py [--stage ID]

Comfort log: writing, loading and deciding over a log of --days days of daily practice
(with next-day ratings, some spikes and symptoms). Run: python scripts/bench.py --progress
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
from softpace.audio.mixer import mix_blocks
from softpace.plan import load_plan
from softpace.render import render_session, session_timeline
from softpace.script.narration import SessionOptions
from softpace.voice.engine import get_engine
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker


def timed(func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", help="stage id (default: the longest session)")
    parser.add_argument("--progress", action="store_true", help="benchmark the comfort log")
    parser.add_argument("--days", type=int, default=1095, help="days of log for --progress")
    args = parser.parse_args()
    if args.progress:
        bench_progress(args.days)
        return
    plan = load_plan()
    stage = plan.stage(args.stage) if args.stage else max(plan.stages, key=plan.session_length_s)
    options = SessionOptions()
    engine = get_engine("pyttsx3")
    profile = get_profile("calm")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold_speaker = Speaker(engine, profile, work / "cache")
        cold_s, result = timed(
            lambda: render_session(plan, stage, options, cold_speaker, work / "out")
        )
        warm_speaker = Speaker(engine, profile, work / "cache")
        warm_s, warm = timed(
            lambda: render_session(plan, stage, options, warm_speaker, work / "out")
        )
        assert warm.synthesized == 0

        timeline = session_timeline(plan, stage, options, warm_speaker)
        clips = {e.text or "": warm_speaker.clip(e.text or "") for e in timeline.speech()}
        mix_s, audio = timed(
            lambda: np.concatenate(
                [b.copy() for b in mix_blocks(timeline, clips, start_n=ENCODER_DELAY_N)]
            )
        )
        block_n = int(4.0 * timeline.sample_rate_hz)
        blocks = [audio[i : i + block_n] for i in range(0, len(audio), block_n)]
        encode_s, _ = timed(lambda: encode_mp3(blocks, work / "alone.mp3", timeline.sample_rate_hz))

    minutes = result.duration_s / 60
    print(f"stage: {stage.id} ({minutes:.1f} min of audio, {result.speech_clips} speech clips)")
    print(f"cores: {os.cpu_count()}")
    print(f"cold render (empty speech cache): {cold_s:6.2f} s")
    print(f"warm render (speech cached):      {warm_s:6.2f} s")
    print(f"  of which mixing alone:          {mix_s:6.2f} s")
    print(f"same encoder, same audio, alone:  {encode_s:6.2f} s")
    print(f"warm render / encode alone:       {warm_s / encode_s:6.2f} x")
    print(f"realtime factor (warm):           {result.duration_s / warm_s:6.0f} x")


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


if __name__ == "__main__":
    main()
