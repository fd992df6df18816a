"""The comfort log: writing, loading and deciding over years of daily practice."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import timed
from softpace.plan import load_plan


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
