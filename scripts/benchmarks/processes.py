"""What users get: whole processes started the way a user starts them, timed from outside."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import install_text, load_text, median
from softpace.plan import load_plan
from softpace.plan.model import Plan

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
    print(install_text())
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
