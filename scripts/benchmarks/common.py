"""Small helpers shared by the benchmarks: a stopwatch, a median, the load average, and
how softpace is installed."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import softpace

REGULAR_INSTALL = (
    "python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install . "
    "&& /tmp/bench-venv/bin/python scripts/bench.py"
)


def timed(func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def load_text() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def install_text() -> str:
    """Where softpace is imported from; a warning where that makes the timings misleading
    (an editable install runs the source tree, compiled again on every run when
    PYTHONDONTWRITEBYTECODE is set; a regular install has its bytecode from pip)."""
    package = Path(softpace.__path__[0]).resolve()
    if package.parent.name != "src":
        return f"softpace: installed at {package}"
    why = f"imported from the source tree {package} (an editable install)"
    if sys.dont_write_bytecode:
        why += ", and PYTHONDONTWRITEBYTECODE is set (the source compiles on every run)"
    return f"softpace: {why}: timings are misleading, measure a regular install: {REGULAR_INSTALL}"
