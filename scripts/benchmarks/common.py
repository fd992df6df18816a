"""Small helpers shared by the benchmarks: a stopwatch, a median, the load average."""

from __future__ import annotations

import statistics
import time
from pathlib import Path


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
