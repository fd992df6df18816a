"""The in-process breakdown of one render."""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks.common import timed
from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
from softpace.audio.master import measure_mix
from softpace.audio.mixer import MixSettings, mix_blocks
from softpace.plan import load_plan
from softpace.render import render_session, session_timeline
from softpace.script.narration import SessionOptions
from softpace.timeline import Timeline
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import open_speaker


def bench_render(stage_id: str | None, with_pydub: bool) -> None:
    plan = load_plan()
    stage = plan.stage(stage_id) if stage_id else max(plan.stages, key=plan.session_length_s)
    options = SessionOptions()
    profile = get_profile("calm")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold_speaker = open_speaker(profile, work / "cache")
        cold_s, result = timed(
            lambda: render_session(plan, stage, options, cold_speaker, work / "out")
        )
        warm_speaker = open_speaker(profile, work / "cache")
        # force: the files in place are up to date, and a render would leave them alone
        warm_s, warm = timed(
            lambda: render_session(plan, stage, options, warm_speaker, work / "out", force=True)
        )
        assert warm.synthesized == 0 and not warm.skipped

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
