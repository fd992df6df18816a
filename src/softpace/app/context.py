"""The one object every operation takes: home folder, plan, settings, comfort log, output.

Front ends (the CLI, the web app) make one AppContext and pass it to the operations in
softpace.app; nothing else reaches for the data home, the plan or the log directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from softpace.constants import DEFAULT_OUTPUT_DIR
from softpace.paths import cache_dir, data_home
from softpace.plan.model import Plan
from softpace.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:  # the comfort log loads when it is first used: a render never reads it
    from softpace.progress.model import ComfortLog, Decision
    from softpace.progress.store import ComfortStore


@dataclass(frozen=True)
class AppContext:
    """Where softpace's data lives and what it works with, for one run or one web app."""

    home: Path  # the data home: comfort log, settings, user voices
    cache_dir: Path  # the speech cache
    plan: Plan
    settings: Settings
    out_dir: Path = DEFAULT_OUTPUT_DIR  # where sessions are rendered to and shared from
    clock: Callable[[], date] = field(default=date.today, compare=False)

    @classmethod
    def load(
        cls,
        home: Path | None = None,
        plan_path: Path | None = None,
        out_dir: Path | None = None,
        clock: Callable[[], date] = date.today,
    ) -> AppContext:
        """The context for `home` (default: SOFTPACE_HOME or the user data folder)."""
        from softpace.plan import load_plan

        root = data_home(home)
        return cls(
            home=root,
            cache_dir=cache_dir(home),
            plan=load_plan(plan_path),
            settings=load_settings(root),
            out_dir=out_dir or DEFAULT_OUTPUT_DIR,
            clock=clock,
        )

    def with_out_dir(self, out_dir: Path | None) -> AppContext:
        return self if out_dir is None else replace(self, out_dir=out_dir)

    def with_settings(self, settings: Settings) -> AppContext:
        return replace(self, settings=settings)

    def save_settings(self, settings: Settings) -> AppContext:
        save_settings(self.home, settings)
        return self.with_settings(settings)

    # -- days -----------------------------------------------------------------
    def today(self) -> date:
        return self.clock()

    def day(self, value: date | str | None, what: str = "--date") -> date:
        """A day the user gave (a date, 'YYYY-MM-DD', 'today', 'yesterday'; None: today).

        Never in the future and never before 2000 (almost certainly a typo): the checks
        live in progress.entries, for every front end.
        """
        from softpace.progress.entries import check_day, parse_day

        today = self.today()
        if value is None:
            return today
        day = parse_day(value, today, what) if isinstance(value, str) else value
        return check_day(day, today, what)

    # -- the comfort log ----------------------------------------------------------
    @property
    def log_path(self) -> Path:
        from softpace.progress.store import log_path

        return log_path(self.home)

    @contextlib.contextmanager
    def open_log(self, create: bool = False) -> Iterator[ComfortStore]:
        """The comfort log; without `create`, a missing log reads as empty (nothing made)."""
        from softpace.progress.store import ComfortStore

        with ComfortStore.open(self.log_path, create=create) as store:
            yield store

    def read_log(self) -> ComfortLog:
        with self.open_log() as store:
            return store.load()

    def decide(self, as_of: date | None = None) -> Decision:
        from softpace.progress.rules import decide

        return decide(self.read_log(), self.plan, as_of or self.today())

    # -- voices -------------------------------------------------------------------
    @property
    def user_voices_dir(self) -> Path:
        return self.home / "voices"
