"""The comfort-log operations called directly, with typed results."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from softpace.app import (
    AppContext,
    EntryKind,
    clear_flags,
    correct_practice,
    delete_entry,
    history,
    log_next_day,
    log_observations,
    log_practice,
    plan_today,
    status,
)
from softpace.errors import LogEntryError
from softpace.progress.model import Action

TODAY = date(2026, 11, 20)


@pytest.fixture
def ctx(tmp_path: Path, plan) -> AppContext:
    return AppContext.load(home=tmp_path / "home", clock=lambda: TODAY)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_a_practice_and_its_next_day_rating(ctx: AppContext) -> None:
    logged = log_practice(ctx, 1, on=ago(1), dilator="2", note="felt safer")
    assert logged.practice.stage == "external-mapping" and not logged.above_limit
    rated = log_next_day(ctx, 2, on=TODAY)
    assert rated.rated.id == logged.practice.id and rated.replaced is None
    again = log_next_day(ctx, 1, on=TODAY)
    assert again.replaced == 2
    assert history(ctx).practices[0].next_day == 1


def test_above_the_limit_is_reported(ctx: AppContext) -> None:
    assert log_practice(ctx, 3).above_limit


def test_a_red_flag_pauses_and_clearing_lets_sessions_start_again(ctx: AppContext) -> None:
    flagged = log_observations(ctx, on=ago(2), red_flags=["bleeding"])
    assert flagged.paused
    today = plan_today(ctx)
    assert today.stop is not None and today.stage is None
    assert status(ctx).decision.action is Action.STOP
    cleared = clear_flags(ctx, on=ago(1), note="GP visit")
    assert cleared.cleared == ("bleeding",)
    assert plan_today(ctx).stop is None
    assert clear_flags(ctx).cleared == ()


def test_correcting_a_practice_changes_the_decision(ctx: AppContext) -> None:
    spike = log_practice(ctx, 5, on=ago(1), symptoms=["burning"])
    assert plan_today(ctx).short
    fixed = correct_practice(ctx, spike.practice.id, 1, on=ago(1), stage="external-mapping")
    assert fixed.practice.during == 1 and fixed.practice.id == spike.practice.id
    log = history(ctx)
    assert [p.during for p in log.practices] == [1]
    assert log.observations == ()  # the symptoms logged with it were replaced (by none)


def test_correcting_keeps_the_next_day_rating(ctx: AppContext) -> None:
    first = log_practice(ctx, 1, on=ago(2))
    log_next_day(ctx, 0, on=ago(1), symptoms=["soreness"])
    correct_practice(ctx, first.practice.id, 2, on=ago(2), stage="external-mapping")
    log = history(ctx)
    assert log.practices[0].next_day == 0 and log.practices[0].during == 2
    assert [o.slug for o in log.observations] == ["soreness"]


def test_deleting_entries(ctx: AppContext) -> None:
    practice = log_practice(ctx, 1, on=ago(1), red_flags=["bleeding"])
    assert practice.paused
    log_observations(ctx, symptoms=["fear"])
    delete_entry(ctx, EntryKind.PRACTICE, practice.practice.id)
    log = history(ctx)
    assert log.practices == () and [o.slug for o in log.observations] == ["fear"]
    delete_entry(ctx, "observation", log.observations[0].id)
    assert history(ctx).observations == ()
    assert plan_today(ctx).stop is None


@pytest.mark.parametrize("kind", ["practice", "evaluation"])
def test_deleting_what_is_not_there_says_so(ctx: AppContext, kind: str) -> None:
    with pytest.raises(LogEntryError, match="no"):
        delete_entry(ctx, kind, 7)
    log_practice(ctx, 1)
    with pytest.raises(LogEntryError, match=f"no {kind} #7"):
        delete_entry(ctx, kind, 7)


def test_bad_input_changes_nothing(ctx: AppContext) -> None:
    with pytest.raises(LogEntryError):
        log_practice(ctx, 11)
    with pytest.raises(LogEntryError, match="future"):
        log_practice(ctx, 1, on=TODAY + timedelta(days=1))
    with pytest.raises(LogEntryError, match="before 2000"):
        log_practice(ctx, 1, on="0001-01-01")
    with pytest.raises(LogEntryError, match="unknown kind"):
        delete_entry(ctx, "everything", 1)
    with pytest.raises(LogEntryError, match="nothing to log"):
        log_observations(ctx)
    assert not ctx.log_path.exists()


@pytest.mark.slow  # matplotlib's first import takes seconds
def test_status_plot(ctx: AppContext, tmp_path: Path) -> None:
    log_practice(ctx, 1, on=ago(1))
    result = status(ctx, plot_path=tmp_path / "comfort.png")
    assert result.plot_path is not None and result.plot_path.stat().st_size > 0
    assert len(result.log.practices) == 1
