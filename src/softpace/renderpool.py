"""render_all's worker processes: one per core, each rendering whole stages handed to it.

Workers are spawned (not forked), die with their parent (Linux: PR_SET_PDEATHSIG), and
turn SIGTERM and SIGINT into a clean stop, so a stopped render leaves no partial files.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING

from softpace.plan.model import Stage
from softpace.timeline import Timeline

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from softpace.render import RenderedSession, RenderJob, Voice

Progress = Callable[[int], None]  # called with the samples just encoded


@dataclass(frozen=True)
class Work:
    """A stage to render, its timeline, and how many clips building it synthesized."""

    stage: Stage
    timeline: Timeline
    made: int


class Workers:
    """Worker processes for render_all, started at the first stage that needs one (so they
    start up while the parent builds the next timelines)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[RenderedSession], int] = {}

    @property
    def started(self) -> bool:
        return self._pool is not None

    def submit(self, job: RenderJob, work: Work, voice: Voice) -> None:
        if self._pool is None:
            # imported here: loading it costs every render ~15 ms, and most need no worker
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
        future = self._pool.submit(
            _render_in_worker, job, work.stage, work.timeline, voice, work.made
        )
        self._futures[future] = work.timeline.n_samples

    def raise_first_failure(self) -> None:
        """A worker that has already failed stops the render now, not after the rest."""
        for future in self._futures:
            if future.done():
                future.result()

    def results(self, progress: Progress | None) -> dict[str, RenderedSession]:
        """Each stage's result as it comes; the first failure stops the rest."""
        done = {}
        for future in as_completed(self._futures):
            result = future.result()
            done[result.stage] = result
            if progress is not None:
                progress(self._futures[future])
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return done

    def stop(self) -> None:
        if self._pool is not None:
            _stop_workers(self._pool)


def _render_in_worker(
    job: RenderJob, stage: Stage, timeline: Timeline, voice: Voice, made: int
) -> RenderedSession:
    from softpace.render import _render_timeline

    try:
        speaker = voice.speaker()
        rendered = _render_timeline(
            job.plan, stage, timeline, speaker, job.out_dir, job.tones, job.force, None, made
        )
    except SystemExit as stop:  # told to stop: the partial files are already removed
        # The executor would report this and wait for more work, from a parent that may
        # be gone; end the process instead.
        os._exit(stop.code if isinstance(stop.code, int) else 1)
    assert rendered is not None
    return rendered


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now: each is told to stop (SIGTERM), cleans up and exits."""
    # The executor has no public way to stop running work; its process table is stable.
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _worker_start(parent_pid: int) -> None:
    """In each worker: die with the parent, and clean up when told to stop."""
    _die_with_parent()
    if os.getppid() != parent_pid:  # the parent was already gone
        os._exit(1)
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, _raise_exit)
    # The pool's shutdown waits for this process to end: no last garbage-collector pass
    # over every object (as the command itself does).
    atexit.register(gc.freeze)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM when the parent dies, even by SIGKILL."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a render like Ctrl-C does: partial files are removed and
    workers stopped, rather than the process vanishing mid-write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise_exit) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
