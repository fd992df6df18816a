"""What the pages show, as plain data built from the application layer's results: today in
plain words, the player's session data, the log as rows, and the progress chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from softpace import app
from softpace.app import AppContext
from softpace.plan.model import Plan, Variant
from softpace.progress.model import Action, ComfortLog, Decision, Kind
from softpace.share.fit import Recipe, recipe_of
from softpace.timeline import Timeline


@dataclass(frozen=True)
class TodayView:
    decision: Decision
    paused: bool
    headline: str
    reasons: tuple[str, ...]
    adaptations: tuple[str, ...]  # plain words for each symptom the session adapts to
    short: bool
    stage_id: str | None
    recipe: Recipe | None
    awaiting_day: date | None  # the practice day still waiting for its next-day rating


HEADLINES = {
    Action.START: "Start with stage {n}: {title}.",
    Action.ADVANCE: "Move on to stage {n}: {title}.",
    Action.STEP_BACK: "Step back to stage {n} for now: {title}.",
    Action.STAY: "Stay with stage {n}: {title}.",
}


def today_view(ctx: AppContext) -> TodayView:
    session = app.plan_today(ctx)
    decision = session.decision
    titles = {i.id: i.title for i in ctx.plan.troubleshooting}
    log = app.history(ctx)
    awaiting = awaiting_day(log, ctx.today())
    if session.stop is not None or session.stage is None:
        return TodayView(
            decision,
            True,
            "No exposure session today: practice is paused.",
            session.reasons,
            (),
            False,
            None,
            None,
            awaiting,
        )
    stage = session.stage
    options = session.options
    return TodayView(
        decision=decision,
        paused=False,
        headline=HEADLINES.get(decision.action, "{title}").format(
            n=stage.number, title=stage.title
        ),
        # the headline already says where; the rules' first reason often says it again
        reasons=tuple(r for r in session.reasons if f"{stage.number}: {stage.title}" not in r),
        adaptations=tuple(titles.get(m, m) for m in session.modifiers),
        short=session.short,
        stage_id=stage.id,
        recipe=recipe_of(stage.id, options),
        awaiting_day=awaiting,
    )


def awaiting_day(log: ComfortLog, today: date) -> date | None:
    """The latest practice day before today, if it still has no next-day rating."""
    latest = max((p.on for p in log.practices if p.on < today), default=None)
    if latest is None:
        return None
    rated = any(p.next_day is not None for p in log.practices if p.on == latest)
    return None if rated else latest


def session_data(timeline: Timeline, mp3_url: str) -> dict[str, Any]:
    """What the player needs: chapters, breath phases and spoken lines, in seconds."""
    from softpace.timeline import format_mmss

    def r(x: float) -> float:
        return round(x, 3)

    return {
        "mp3": mp3_url,
        "duration": format_mmss(timeline.duration_s),
        "chapters": [
            {"title": s.title, "start_s": f"{s.start_s:.3f}", "at": format_mmss(s.start_s)}
            for s in timeline.segments
        ],
        "lines": [{"text": e.text or "", "start_s": f"{e.start_s:.3f}"} for e in timeline.speech()],
        "data": {
            "duration_s": r(timeline.duration_s),
            "segments": [[s.title, r(s.start_s), r(s.end_s)] for s in timeline.segments],
            "breath": [
                [_kind(e.kind), r(e.start_s), r(e.end_s)]
                for e in timeline.events
                if _kind(e.kind) in ("inhale", "exhale", "hold")
            ],
            "speech": [[e.text or "", r(e.start_s), r(e.end_s)] for e in timeline.speech()],
        },
    }


def _kind(kind: Any) -> str:
    return str(getattr(kind, "value", kind))


def entry_rows(log: ComfortLog, plan: Plan) -> list[dict[str, Any]]:
    """The log newest first: one row a practice (with what was noticed) or a lone note."""
    titles = {i.id: i.title for i in (*plan.troubleshooting, *plan.red_flags)}
    noticed: dict[int, list[tuple[int, str, bool]]] = {}
    rows: list[dict[str, Any]] = []
    for o in log.observations:
        item = (o.id, titles.get(o.slug, o.slug), o.kind is Kind.RED_FLAG)
        if o.practice_id is None:
            rows.append({"kind": "observation", "id": o.id, "on": o.on, "noticed": [item]})
        else:
            noticed.setdefault(o.practice_id, []).append(item)
    for p in log.practices:
        rows.append(
            {
                "kind": "practice",
                "id": p.id,
                "on": p.on,
                "stage": p.stage,
                "during": p.during,
                "next_day": p.next_day,
                "next_day_on": p.next_day_on,
                "dilator": p.dilator or "",
                "note": p.note,
                "noticed": noticed.get(p.id, []),
            }
        )
    rows.sort(key=lambda r: (r["on"], r["kind"] == "practice", r["id"]), reverse=True)
    return rows


@dataclass(frozen=True)
class Chart:
    svg: str
    rows: list[dict[str, Any]]


def progress_chart(log: ComfortLog, decision: Decision, plan: Plan, today: date) -> Chart:
    """Stage over time (bands), discomfort during (dots, on the practice day) and the
    next day (rings, on the day after), the plan's limit, red flags; as SVG and rows."""
    from html import escape

    days = sorted({p.on for p in log.practices} | {o.on for o in log.observations})
    first = days[0] if days else today
    span = max(7, (today - first).days + 2)
    width, height, left, top, bottom = 640, 240, 34, 12, 28
    inner_w, inner_h = width - left - 10, height - top - bottom
    top_value = plan.comfort_rule.scale_max

    def x(day: date) -> float:
        return left + inner_w * ((day - first).days + 0.5) / span

    def y(value: float) -> float:
        return top + inner_h * (1 - value / top_value)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title"><title id="chart-title">Discomfort over time; '
        f"the table below has the same numbers</title>"
    ]
    # Bands of stage: (first day, stage id); the first practice opens the first band.
    bands = [(m.on, m.stage) for m in decision.moves]
    if log.practices and (not bands or bands[0][0] > first):
        start = min(log.practices, key=lambda p: (p.on, p.id))
        bands.insert(0, (first, start.stage))
    for i, (band_on, band_stage) in enumerate(bands):
        end = bands[i + 1][0] if i + 1 < len(bands) else today + timedelta(days=1)
        if plan.index(band_stage) % 2 == 0:
            x0 = left + inner_w * max(0, (band_on - first).days) / span
            x1 = left + inner_w * min(span, (end - first).days + 1) / span
            parts.append(
                f'<rect class="band" x="{x0:.1f}" y="{top}" width="{max(0, x1 - x0):.1f}" '
                f'height="{inner_h}"/>'
            )
        parts.append(
            f'<text x="{left + inner_w * max(0, (band_on - first).days) / span + 2:.1f}" '
            f'y="{top + 10}">{plan.stage(band_stage).number}</text>'
        )
    limit = plan.comfort_rule.max_discomfort
    parts.append(
        f'<line class="limit" x1="{left}" x2="{width - 10}" '
        f'y1="{y(limit):.1f}" y2="{y(limit):.1f}"/>'
    )
    parts.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{top + inner_h}"/>')
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - 10}" y1="{top + inner_h}" '
        f'y2="{top + inner_h}"/>'
    )
    for value in (0, limit, top_value):
        parts.append(f'<text x="4" y="{y(value) + 4:.1f}">{value}</text>')
    for day in (first, today):
        parts.append(f'<text x="{x(day) - 18:.1f}" y="{height - 8}">{escape(_short(day))}</text>')
    for p in log.practices:
        parts.append(f'<circle class="during" cx="{x(p.on):.1f}" cy="{y(p.during):.1f}" r="5"/>')
        if p.next_day is not None:
            after_on = p.next_day_on or p.on + timedelta(days=1)
            parts.append(
                f'<circle class="nextday" cx="{x(after_on):.1f}" cy="{y(p.next_day):.1f}" r="6"/>'
            )
    for o in log.observations:
        if o.kind is Kind.RED_FLAG:
            parts.append(
                f'<rect class="flag" x="{x(o.on) - 5:.1f}" y="{top + inner_h - 12}" '
                f'width="10" height="10"/>'
            )
    parts.append("</svg>")
    rows = [
        {
            "on": p.on,
            "stage": plan.stage(p.stage).number if p.stage in plan.stage_ids else p.stage,
            "during": p.during,
            "next_day": p.next_day,
            "next_day_on": p.next_day_on or (p.on + timedelta(days=1)),
        }
        for p in sorted(log.practices, key=lambda p: (p.on, p.id))
    ]
    return Chart("".join(parts), rows)


def _short(day: date) -> str:
    return day.strftime("%d %b")


def variant_words(short: bool) -> str:
    return "the shorter one" if short else "the standard one"


__all__ = ["Chart", "TodayView", "Variant", "entry_rows", "progress_chart", "today_view"]
