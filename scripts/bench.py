"""Benchmarks: render speed and memory for full-length stages, or the comfort log.

Render (default), what users get: `softpace --help`; the real `softpace render STAGE`
command as a separate process, cold (empty caches) and warm, for the shortest and the
longest stage and for `render --all`, each warm run paired with the encode floor (a
process running lameenc alone on the same decoded audio at the same bitrate), in
alternation; medians of the pairs, their ratios and peak RSS; each speech engine among
the voice profiles (cold and warm, longest stage). Then the in-process breakdown of one
render: (a) cold, (b) warm, the loudness pass, one mixing pass, (c) the encoder alone on
the same audio, (d) a naive pydub mix of the same timeline (one AudioSegment.overlay per
cue) as a reference; and peak memory (RSS) rendering a 15- and a 60-minute session, each
in a fresh process. Timings on a shared machine are noisy: read the load average printed.
Run: python scripts/bench.py [--pairs N] [--stage ID] [--skip-stages] [--skip-all] [--skip-engines]
     [--skip-breakdown] [--skip-pydub] [--skip-memory]

Comfort log: writing, loading and deciding over a log of --days days of daily practice
(with next-day ratings, some spikes and symptoms). Run: python scripts/bench.py --progress

Getting to the phone: renders every stage, then times the tags (chapters, cover, words),
export to a folder (first time, again unchanged, discreet), to a zip, and the LAN share's
page, feed and a ranged audio request. Run: python scripts/bench.py --share
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    parser.add_argument("--pairs", type=int, default=3, help="warm/floor pairs (at least 3)")
    parser.add_argument("--skip-stages", action="store_true", help="leave out single stages")
    parser.add_argument("--skip-all", action="store_true", help="leave out render --all")
    parser.add_argument("--skip-engines", action="store_true", help="leave out the engines")
    parser.add_argument("--skip-breakdown", action="store_true", help="leave out (a)-(d)")
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
        run_process([sys.executable, "-c", "pass"])  # start the runner while this is small
        bench_processes(
            max(3, args.pairs), not args.skip_stages, not args.skip_all, not args.skip_engines
        )
        if not args.skip_breakdown:
            bench_render(args.stage, not args.skip_pydub, False)
        if not args.skip_memory:
            bench_memory()


# ---------------------------------------------------------------- what users get
# Every figure below is a whole process started the way a user starts it, timed from
# outside; its peak RSS comes from wait4() (the largest process of its tree, workers too).

ENCODE_FLOOR = """
import sys, lameenc
rate, kbps, quality, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(out, "wb") as dst:
    for pcm_path in sys.argv[5:]:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(kbps)
        encoder.set_in_sample_rate(rate)
        encoder.set_channels(1)
        encoder.set_quality(quality)
        with open(pcm_path, "rb") as src:
            while block := src.read(rate * 2 * 4):
                dst.write(encoder.encode(block))
        dst.write(encoder.flush())
"""


# Runs each command it is sent and answers with its wall time and peak RSS. It is a small
# process of its own because Linux carries the peak RSS of the process that forks into
# the child's ru_maxrss (exec keeps it): forked from this script, holding decoded audio,
# every child would report at least this script's own peak.
RUNNER = """
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(json.loads(line), stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        tail = errors.read().decode(errors="replace")[-2000:]
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps([seconds, code, usage.ru_maxrss, tail]), flush=True)
"""


@dataclasses.dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


class Runner:
    """Runs commands to the end from a small helper process (see RUNNER): wall time, and
    peak RSS from wait4(), which on Linux is the largest of the child and the
    descendants it waited for (render --all's workers too)."""

    def __init__(self) -> None:
        self.helper = subprocess.Popen(
            [sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, argv: list[str]) -> Run:
        assert self.helper.stdin is not None and self.helper.stdout is not None
        self.helper.stdin.write(json.dumps(argv) + "\n")
        self.helper.stdin.flush()
        seconds, code, peak_kb, tail = json.loads(self.helper.stdout.readline())
        if code != 0:
            raise SystemExit(f"{' '.join(argv)} failed (exit {code}):\n{tail}")
        return Run(seconds, peak_kb / 1024)

    def close(self) -> None:
        assert self.helper.stdin is not None
        self.helper.stdin.close()
        self.helper.wait()


RUNNER_PROCESS: Runner | None = None


def run_process(argv: list[str]) -> Run:
    global RUNNER_PROCESS
    if RUNNER_PROCESS is None:
        RUNNER_PROCESS = Runner()
    return RUNNER_PROCESS.run(argv)


def softpace_argv() -> list[str]:
    """The installed `softpace` command beside this interpreter (what a user types)."""
    script = Path(sys.executable).with_name("softpace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "softpace"]


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def load_text() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


class ProcessBench:
    """Renders with the real command and encodes with lameenc alone, in alternation."""

    def __init__(self, work: Path, pairs: int) -> None:
        from softpace.audio.encode import BITRATE_KBPS, LAME_QUALITY

        self.work = work
        self.pairs = pairs
        self.cmd = softpace_argv()
        self.kbps, self.quality = BITRATE_KBPS, LAME_QUALITY
        self.rate = 44_100  # replaced by the decoded files' own rate
        help_text = subprocess.run(
            [*self.cmd, "render", "--help"], capture_output=True, text=True, check=True
        ).stdout
        # A render that skips unchanged sessions needs --force to do the work again.
        self.force = ["--force"] if "--force" in help_text else []
        self.homes = 0

    def fresh_home(self) -> Path:
        self.homes += 1
        return self.work / f"home{self.homes}"

    def render(self, home: Path, out: Path, target: list[str], *extra: str) -> Run:
        return run_process(
            [*self.cmd, "--home", str(home), "render", *target, "--out", str(out), *extra]
        )

    def pcm(self, mp3s: list[Path]) -> list[Path]:
        """Decode the rendered MP3s: the audio the encode floor encodes again."""
        from softpace.audio.verify import decode

        paths = []
        for mp3 in mp3s:
            samples, self.rate = decode(mp3)
            path = mp3.with_suffix(".pcm")
            path.write_bytes(samples.astype("<i2").tobytes())
            paths.append(path)
        return paths

    def floor(self, pcm: list[Path]) -> Run:
        out = self.work / "floor.mp3"
        args = [str(self.rate), str(self.kbps), str(self.quality), str(out)]
        return run_process([sys.executable, "-c", ENCODE_FLOOR, *args, *map(str, pcm)])

    def pairs_of(self, warm: Callable[[], Run], pcm: list[Path]) -> tuple[list[Run], list[Run]]:
        renders, floors = [], []
        for i in range(self.pairs):
            if i % 2:  # alternate which goes first, so drifting load favours neither
                floors.append(self.floor(pcm))
                renders.append(warm())
            else:
                renders.append(warm())
                floors.append(self.floor(pcm))
        return renders, floors


def report_pairs(name: str, cold: Run, renders: list[Run], floors: list[Run]) -> float:
    ratios = [r.seconds / f.seconds for r, f in zip(renders, floors, strict=True)]
    warm_s, floor_s = median([r.seconds for r in renders]), median([f.seconds for f in floors])
    print(f"  {name}")
    print(
        f"    cold render (empty caches):   {cold.seconds:7.2f} s   peak RSS {cold.peak_mb:5.0f} MB"
    )
    print(f"    warm render (median of {len(renders)}):  {warm_s:7.2f} s   peak RSS "
          f"{max(r.peak_mb for r in renders):5.0f} MB")  # fmt: skip
    print(f"    encode floor (median):        {floor_s:7.2f} s   peak RSS "
          f"{max(f.peak_mb for f in floors):5.0f} MB")  # fmt: skip
    print(f"    warm / floor, pair by pair:   {', '.join(f'{r:.2f}' for r in ratios)}  "
          f"median {median(ratios):.2f} x")  # fmt: skip
    return median(ratios)


def bench_processes(pairs: int, with_stages: bool, with_all: bool, with_engines: bool) -> None:
    plan = load_plan()
    by_length = sorted(plan.stages, key=plan.session_length_s)
    print(f"cores: {os.cpu_count()}; load average at start: {load_text()}")
    with tempfile.TemporaryDirectory() as tmp:
        bench = ProcessBench(Path(tmp), pairs)
        helps = [run_process([*bench.cmd, "--help"]).seconds for _ in range(5)]
        print(f"softpace --help (median of 5):    {median(helps):7.2f} s  (target < 0.3)")
        print(f"softpace render STAGE, as a process, against lameenc alone on the same audio "
              f"({bench.kbps} kbps, q{bench.quality}), {pairs} alternating pairs:")  # fmt: skip
        for stage in (by_length[0], by_length[-1]) if with_stages else ():
            home, out = bench.fresh_home(), bench.work / f"out-{stage.id}"
            cold = bench.render(home, out, [stage.id])
            pcm = bench.pcm([out / f"{stage.id}.mp3"])
            renders, floors = bench.pairs_of(
                lambda home=home, out=out, stage=stage: bench.render(
                    home, out, [stage.id], *bench.force
                ),
                pcm,
            )
            minutes = plan.session_length_s(stage) / 60
            report_pairs(f"{stage.id} ({minutes:.1f} min)", cold, renders, floors)
            if bench.force:
                same = bench.render(home, out, [stage.id])
                print(f"    unchanged, no --force (skip): {same.seconds:7.2f} s")
        if with_all:
            home, out = bench.fresh_home(), bench.work / "out-all"
            cold = bench.render(home, out, ["--all"])
            pcm = bench.pcm([out / f"{s.id}.mp3" for s in plan.stages])
            renders, floors = bench.pairs_of(
                lambda: bench.render(home, out, ["--all"], *bench.force), pcm
            )
            ratio = report_pairs(
                f"render --all ({len(plan.stages)} stages; floor = one process encoding "
                "every stage in turn, on one core)",
                cold,
                renders,
                floors,
            )
            print(f"    target: warm --all <= 0.6 x the floor (got {ratio:.2f} x)")
        if with_engines:
            bench_engines(bench, plan, by_length[-1])
    print(f"load average at the end: {load_text()}")


def bench_engines(bench: ProcessBench, plan: Plan, stage: Any) -> None:
    """Each speech engine among the voice profiles: the longest stage, cold and warm."""
    listed = subprocess.run(
        [*bench.cmd, "voices", "--json", "--no-engine-voices"], capture_output=True, text=True
    )
    if listed.returncode == 2:  # a `voices` without that option
        listed = subprocess.run([*bench.cmd, "voices", "--json"], capture_output=True, text=True)
    listing = json.loads(listed.stdout)
    engines: dict[str, dict[str, Any]] = {}
    for profile in sorted(listing["profiles"], key=lambda p: not p.get("default", False)):
        if profile.get("installed", True):
            engines.setdefault(profile["engine"], profile)
    missing = sorted({p["engine"] for p in listing["profiles"]} - engines.keys())
    print(f"per engine, {stage.id}, empty speech cache then warm:")
    for engine, profile in engines.items():
        home, out = bench.fresh_home(), bench.work / f"out-{engine}"
        voice = ["--voice", profile["name"]]
        cold = bench.render(home, out, [stage.id], *voice)
        warm = bench.render(home, out, [stage.id], *voice, *bench.force)
        peak_mb = max(cold.peak_mb, warm.peak_mb)
        print(f"  {engine:<10} (profile {profile['name']}): cold {cold.seconds:6.2f} s, "
              f"warm {warm.seconds:6.2f} s, peak RSS {peak_mb:4.0f} MB")  # fmt: skip
    for engine in missing:
        print(f"  {engine:<10} not installed: skipped")


# ------------------------------------------------------- in-process breakdown
def bench_render(stage_id: str | None, with_pydub: bool, with_memory: bool) -> None:
    peaks = {m: memory_peak_mb(m) for m in (15.0, 60.0)} if with_memory else {}
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
    if peaks:
        report_memory(peaks)


def bench_memory() -> None:
    report_memory({m: memory_peak_mb(m) for m in (15.0, 60.0)})


def report_memory(peaks: dict[float, float]) -> None:
    print(f"peak RSS, 15-minute session:          {peaks[15.0]:7.0f} MB")
    print(f"peak RSS, 60-minute session:          {peaks[60.0]:7.0f} MB  (target < 300)")
    print(
        f"    60 / 15:                          {peaks[60.0] / peaks[15.0]:7.2f} x  (target <= 1.5)"
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
    return dataclasses.replace(plan, exercises=exercises), stage.id


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
