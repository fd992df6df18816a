"""`softpace status --plot FILE.png`: comfort over time, with the stages as bands.

Comfort during (filled dots, on the practice day) and the next day (open squares, on
the day the rating was given), the plan's limit line, and one shaded band per stretch of
time at a stage, on the plan's own scale. At least a week is shown; an empty log draws one
with a note saying nothing is logged yet. matplotlib is imported here only, and draws off-screen
(no display needed).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from softpace.atomic import atomic_path
from softpace.errors import OutputError
from softpace.plan.model import Plan
from softpace.progress.model import ComfortLog, Decision, Practice

MIN_SPAN_DAYS = 7  # the plot shows at least this many days, up to the decision's day
BAND_COLOURS = ("#e8f1f8", "#f3ecf7", "#eef6ea", "#fbf1e6", "#f7eaea", "#eaf4f4")


def stage_bands(log: ComfortLog, decision: Decision, plan: Plan) -> list[tuple[date, date, str]]:
    """(start, end, stage id) stretches from the first practice to the decision's day."""
    practices = [p for p in log.practices if p.on <= decision.as_of]
    if not practices:
        return []
    changes = [(practices[0].on, plan.stages[0].id)]
    changes += [(m.on, m.stage) for m in decision.moves]
    end = decision.as_of + timedelta(days=1)
    bands = []
    for (start, stage), (following, _) in zip(changes, [*changes[1:], (end, "")], strict=True):
        if following > start:
            bands.append((start, following, stage))
    return bands


def next_day_point(practice: Practice, as_of: date) -> tuple[date, int] | None:
    """Where a next-day rating is drawn: on the day it was given (known by `as_of`)."""
    rating = practice.next_day_known(as_of)
    if rating is None:
        return None
    return (practice.next_day_on or practice.on + timedelta(days=1), rating)


def plot_comfort(log: ComfortLog, decision: Decision, plan: Plan, path: Path) -> Path:
    """Draw the plot to `path` (a PNG, written atomically, owner-only)."""
    if path.suffix.lower() != ".png":
        raise OutputError(f"--plot writes a PNG image; give a file name ending in .png, not {path}")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: the folder {path.parent} does not exist")
    figure = comfort_figure(log, decision, plan)
    with atomic_path(path, mode=0o600) as temp:
        figure.savefig(temp, format="png", dpi=110)
    return path


def comfort_figure(log: ComfortLog, decision: Decision, plan: Plan):  # type: ignore[no-untyped-def]
    """The matplotlib Figure of comfort over time (with its canvas, ready to draw)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    def x(day: date) -> float:
        return float(date2num(day))

    practices = [p for p in log.practices if p.on <= decision.as_of]
    limit = plan.comfort_rule.max_discomfort
    top = plan.comfort_rule.scale_max
    figure = Figure(figsize=(10, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    numbers = {s.id: s.number for s in plan.stages}
    for start, end, stage in stage_bands(log, decision, plan):
        number = numbers.get(stage, 1)
        axes.axvspan(x(start), x(end), color=BAND_COLOURS[(number - 1) % len(BAND_COLOURS)], lw=0)
        axes.text(
            (x(start) + x(end)) / 2, top + 0.35, str(number), ha="center", va="bottom", fontsize=9
        )
    axes.axhline(limit, color="#7a7a7a", linestyle="--", linewidth=1)
    axes.text(
        0.005,
        limit + 0.15,
        f"{limit}/{top}: the plan's limit",
        transform=axes.get_yaxis_transform(),
        fontsize=8,
        color="#555555",
    )
    if practices:
        axes.plot(
            [x(p.on) for p in practices],
            [p.during for p in practices],
            "o-",
            color="#2b6f9e",
            label="during practice",
        )
        rated = [point for p in practices if (point := next_day_point(p, decision.as_of))]
        axes.plot(
            [x(day) for day, _ in rated],
            [rating for _, rating in rated],
            "s--",
            color="#b5543c",
            markerfacecolor="none",
            label="next day (on the day it was rated)",
        )
        axes.legend(loc="upper right", fontsize=8)
    else:
        axes.text(
            0.5,
            0.5,
            "Nothing logged yet: after a practice, softpace log --during N",
            transform=axes.transAxes,
            ha="center",
        )
    # At least a week wide, so the date axis ticks whole days (never hours, never 1970).
    first = decision.as_of - timedelta(days=MIN_SPAN_DAYS - 1)
    if practices:
        first = min(first, practices[0].on)
    axes.set_xlim(x(first) - 0.5, x(decision.as_of) + 0.5)
    locator = AutoDateLocator(minticks=3, maxticks=10)
    axes.set_ylim(-0.3, top + 1.2)
    axes.set_yticks(range(0, top + 1, 2 if top <= 12 else 5))
    axes.set_ylabel(f"discomfort (0-{top})")
    axes.set_title(
        f"Comfort log to {decision.as_of.isoformat()}: shaded bands are stages (number on top)",
        fontsize=10,
    )
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    return figure
