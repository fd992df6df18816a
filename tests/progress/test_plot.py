"""The comfort plot: a sensible date axis (even for an empty log), next-day ratings on the
day they were given, and the plan's own scale."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from matplotlib.dates import date2num, num2date

from softpace.plan import load_plan
from softpace.progress import ComfortLog, Practice, decide
from softpace.progress.plot import comfort_figure, next_day_point

AS_OF = date(2026, 11, 30)


def _log(days: int) -> ComfortLog:
    """`days` practices on consecutive days up to yesterday, each rated the next day."""
    first = AS_OF - timedelta(days=days)
    return ComfortLog(
        tuple(
            Practice(
                id=n + 1,
                on=first + timedelta(days=n),
                stage="external-mapping",
                during=1,
                next_day=2,
                next_day_on=first + timedelta(days=n + 1),
            )
            for n in range(days)
        )
    )


def _drawn(log: ComfortLog, plan, as_of: date = AS_OF):  # type: ignore[no-untyped-def]
    figure = comfort_figure(log, decide(log, plan, as_of), plan)
    figure.canvas.draw()
    return figure.axes[0]


def _tick_days(axes) -> list[date]:  # type: ignore[no-untyped-def]
    return [num2date(value).date() for value in axes.get_xticks()]


@pytest.mark.parametrize("days", [0, 1, 3, 30, 400])
def test_the_date_axis_ticks_whole_days_near_the_log_never_1970_or_hours(plan, days: int) -> None:
    """An empty log drew a 1970 axis with hour ticks (the first install found it)."""
    axes = _drawn(_log(days), plan)
    left, right = (num2date(v).date() for v in axes.get_xlim())
    assert left <= AS_OF - timedelta(days=max(days, 6)) and right == AS_OF
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels and not any(":" in text for text in labels), labels
    assert all(value == round(value) for value in axes.get_xticks())  # midnight: whole days
    assert all(date(2000, 1, 1) <= day <= AS_OF + timedelta(days=1) for day in _tick_days(axes))


def test_an_empty_log_says_nothing_is_logged_yet(plan) -> None:
    axes = _drawn(ComfortLog(), plan)
    assert any("Nothing logged yet" in t.get_text() for t in axes.texts)
    assert len(_tick_days(axes)) >= 5


def test_next_day_ratings_are_drawn_on_the_day_they_were_given(plan) -> None:
    """They were drawn at the practice date, on top of the 'during' dot."""
    log = _log(3)
    axes = _drawn(log, plan)
    lines = {line.get_label(): line for line in axes.get_lines()}
    during = lines["during practice"]
    after = next(line for label, line in lines.items() if label.startswith("next day"))
    assert list(during.get_xdata()) == [date2num(p.on) for p in log.practices]
    assert list(after.get_xdata()) == [date2num(p.on + timedelta(days=1)) for p in log.practices]
    assert "on the day it was rated" in after.get_label()


def test_a_rating_given_later_than_the_next_day_is_drawn_when_given() -> None:
    practice = Practice(1, date(2026, 3, 1), "x", 1, next_day=3, next_day_on=date(2026, 3, 4))
    assert next_day_point(practice, date(2026, 3, 4)) == (date(2026, 3, 4), 3)
    assert next_day_point(practice, date(2026, 3, 3)) is None  # not known yet then


def test_the_plan_scale_sets_the_axis_and_the_limit_label(tmp_path) -> None:
    source = load_plan().source_path.read_text(encoding="utf-8")
    path = tmp_path / "plan-20.toml"
    path.write_text(source.replace("scale_max = 10", "scale_max = 20"), encoding="utf-8")
    plan = load_plan(path)
    axes = _drawn(_log(3), plan)
    assert axes.get_ylim()[1] > 20 and "0-20" in axes.get_ylabel()
    assert any(t.get_text().startswith("2/20") for t in axes.texts)
