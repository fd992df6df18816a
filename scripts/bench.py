"""Benchmarks: render speed and memory for full-length stages, or the comfort log.

Render (default), what users get: `softpace --help`; the real `softpace render STAGE`
command as a separate process, cold (empty caches) and warm, for the shortest and the
longest stage and for `render --all`, each warm run paired with the encode floor (a
process running lameenc alone on the same decoded audio at the same bitrate), in
alternation; medians of the pairs, their ratios and peak RSS; each speech engine among
the voice profiles (cold and warm, longest stage). Then the in-process breakdown of one
render: (a) cold, (b) warm, the loudness pass, one mixing pass, (c) the encoder alone on
the same audio, (d) a naive pydub mix of the same timeline (one AudioSegment.overlay per
cue) as a reference; and the peak memory (RSS) of `softpace render` for a 15- and a
60-minute session, with an empty speech cache and with the cache it filled. Timings on a
shared machine are noisy: read the load average printed.
Measure a regular install: an editable one imports the source tree, and with
PYTHONDONTWRITEBYTECODE set the source may be compiled on every run (the report says which):
  python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install . &&
  /tmp/bench-venv/bin/python scripts/bench.py
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
import sys

from benchmarks.breakdown import bench_render
from benchmarks.logbench import bench_progress
from benchmarks.memory import bench_memory
from benchmarks.processes import bench_processes, run_process
from benchmarks.sharebench import bench_share


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
    args = parser.parse_args()
    if args.progress:
        bench_progress(args.days)
    elif args.share:
        bench_share()
    else:
        run_process([sys.executable, "-c", "pass"])  # start the runner while this is small
        bench_processes(
            max(3, args.pairs), not args.skip_stages, not args.skip_all, not args.skip_engines
        )
        if not args.skip_breakdown:
            bench_render(args.stage, not args.skip_pydub)
        if not args.skip_memory:
            bench_memory()


if __name__ == "__main__":
    main()
