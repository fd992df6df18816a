"""Plain-text views of the log and of a Decision, for `status`, `today` and `history`."""

from __future__ import annotations

from softpace.plan.model import Plan, Variant
from softpace.progress.model import Action, ComfortLog, Decision, Kind

ACTION_WORDS = {
    Action.START: "start here",
    Action.STAY: "stay at this stage",
    Action.ADVANCE: "move on to this stage",
    Action.STEP_BACK: "step back to this stage for now",
    Action.STOP: "pause: no exposure session until you have been evaluated",
}


def format_status(decision: Decision, plan: Plan) -> str:
    stage = plan.stage(decision.stage)
    lines = [
        f"Stage {stage.number} of {len(plan.stages)}: {stage.id} ({stage.title})",
        f"Action: {decision.action.value} - {ACTION_WORDS[decision.action]}",
    ]
    if decision.action is not Action.STOP:
        progress = f"Easy practices: {decision.easy_streak}"
        if decision.easy_needed:
            progress += f" of {decision.easy_needed}"
        progress += f"   Days at this stage: {decision.days_at_stage}"
        if decision.min_days:
            progress += f" (at least {decision.min_days})"
        lines.append(progress)
        session = "shorter" if decision.variant is Variant.SHORT else "standard"
        if decision.modifiers:
            titles = {i.id: i.title.lower() for i in plan.troubleshooting}
            adapted = ", ".join(titles.get(m, m) for m in sorted(decision.modifiers))
            session += f", adapted for {adapted}"
        lines.append(f"Session: {session}")
    lines.append("Why:")
    lines += [f"  - {reason}" for reason in decision.reasons]
    lines.append(f"Next: {decision.next_log}")
    return "\n".join(lines) + "\n"


def format_history(log: ComfortLog, plan: Plan) -> str:
    """One line per practice (oldest first), with what was noticed; then evaluations."""
    if not (log.practices or log.observations or log.evaluations):
        return "Nothing logged yet. After a practice: softpace log --during N\n"
    flags = {i.id: i.title for i in plan.red_flags}
    top = plan.comfort_rule.scale_max
    rows: list[tuple[str, int, str]] = []
    noticed: dict[int | None, list[str]] = {}
    for o in log.observations:
        label = o.slug if o.kind is Kind.SYMPTOM else f"RED FLAG {flags.get(o.slug, o.slug)}"
        if o.practice_id is None:
            rows.append((o.on.isoformat(), 1, f"{o.on.isoformat()}  noticed: {label}"))
        else:
            noticed.setdefault(o.practice_id, []).append(label)
    for p in log.practices:
        after = "-" if p.next_day is None else f"{p.next_day}/{top}"
        text = (
            f"{p.on.isoformat()}  #{p.id:<4} {p.stage:<20} during {p.during}/{top}  "
            f"next day {after:>5}"
        )
        if p.dilator:
            text += f"  dilator {p.dilator}"
        if p.id in noticed:
            text += f"  [{', '.join(noticed[p.id])}]"
        if p.note:
            text += f"  {p.note!r}"
        rows.append((p.on.isoformat(), 0, text))
    for e in log.evaluations:
        note = f"  {e.note!r}" if e.note else ""
        rows.append(
            (e.on.isoformat(), 2, f"{e.on.isoformat()}  evaluated; red flags cleared{note}")
        )
    return "\n".join(text for _, _, text in sorted(rows, key=lambda r: (r[0], r[1]))) + "\n"


def history_json(log: ComfortLog) -> dict[str, object]:
    return {
        "practices": [
            {
                "id": p.id,
                "date": p.on.isoformat(),
                "stage": p.stage,
                "during": p.during,
                "next_day": p.next_day,
                "next_day_date": p.next_day_on.isoformat() if p.next_day_on else None,
                "dilator": p.dilator,
                "note": p.note,
            }
            for p in log.practices
        ],
        "observations": [
            {
                "id": o.id,
                "date": o.on.isoformat(),
                "kind": o.kind.value,
                "name": o.slug,
                "practice_id": o.practice_id,
            }
            for o in log.observations
        ],
        "evaluations": [
            {"id": e.id, "date": e.on.isoformat(), "note": e.note} for e in log.evaluations
        ],
    }
