"""Render-speed benchmark for one full-length stage.

Prints: cold render seconds (empty speech cache), warm render seconds (cache filled),
seconds for the same MP3 encoder and settings to encode the same audio alone, and the
ratio warm / encode-alone. Run: python scripts/bench.py [--stage ID]
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
