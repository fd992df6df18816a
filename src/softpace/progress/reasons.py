"""The rules' reasons in plain words, rendered from the replay's final state.

`rules.decide` builds a typed Situation and asks this module for the words; the rules
never read anything back from them. Scale and limit come from the plan (`2/10` is
`plan.comfort_rule.out_of(2)`), and so does the clinician to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from softpace.plan.model import Plan
from softpace.progress.model import (
    Action,
    Move,
    MoveReason,
    Observation,
    Practice,
    Spike,
    SpikeWhen,
)


@dataclass(frozen=True)
class Situation:
    """Everything the words need: the final state and what was logged around it."""

    plan: Plan
    as_of: date
    state_stage: int  # index of the stage to practise
    action: Action
    flags: tuple[Observation, ...]
    symptoms: tuple[Observation, ...]
    shorter_for: tuple[str, ...]  # modifier ids that make today's session the shorter one
    recovering: bool
    returning_to: int | None
    spike: Spike | None
    last_move: Move | None
    last_practice_stage: str | None
    easy_days: int
    easy_needed: int
    days_at_stage: int
    overdue: tuple[Practice, ...]  # before today, no next-day rating yet
    practised_today: bool
    later_practice_after: tuple[date, ...]  # days with a practice before today
    stalled_days: int | None


def reasons(s: Situation) -> tuple[str, ...]:
    words: list[str] = []
    if s.flags:
        words += _stop(s)
    else:
        words += _position(s)
        if s.recovering:
            words.append(
                "Sessions are the shorter version until then: short and easy is what helps now."
            )
        for slug in s.shorter_for:
            words.append(
                f"You logged {_symptom_title(s.plan, slug).lower()} recently, so today's "
                "session is the shorter version."
            )
        for o in s.symptoms:
            modifier = s.plan.modifier(o.slug)
            fixes = "; ".join(f[:1].lower() + f[1:] for f in (modifier.fixes if modifier else ()))
            words.append(
                f"{_symptom_title(s.plan, o.slug)} (logged {o.on.isoformat()}) adapts today's "
                f"session. What helps: {fixes}."
            )
    if s.stalled_days is not None:
        words.append(
            f"It has been {s.stalled_days} days since you last moved to a new stage. That is "
            f"okay: keep going at your own pace. {_capital(s.plan.referral)} can tailor the next "
            "steps to you, and is worth seeing now."
        )
    return tuple(words)


def _stop(s: Situation) -> list[str]:
    titles = {i.id: i.title for i in s.plan.red_flags}
    seen = ", ".join(
        f"{titles.get(o.slug, o.slug).lower()} ({o.on.isoformat()})"
        for o in {o.slug: o for o in s.flags}.values()
    )
    return [
        f"You logged a red flag: {seen}.",
        "Pause exposure practice for now. This is a time to get checked, not to push on.",
        f"Please see {s.plan.referral}, such as your doctor or gynaecologist.",
        "Once you have been evaluated, record it with `softpace clear-flags --evaluated`, "
        "and sessions start again where you left off.",
    ]


def _spike_words(s: Situation, spike: Spike) -> str:
    value = s.plan.comfort_rule.out_of(spike.value)
    if spike.when is SpikeWhen.DURING:
        return f"discomfort during was {value} on {spike.practice_on.isoformat()}"
    return f"the day after your {spike.practice_on.isoformat()} practice, discomfort was {value}"


def _position(s: Situation) -> list[str]:
    plan = s.plan
    stage = plan.stages[s.state_stage]
    limit = plan.comfort_rule.out_of(plan.comfort_rule.max_discomfort)
    words: list[str] = []
    if s.action is Action.START:
        return [
            f"Nothing is logged yet, so you begin at stage 1: {stage.title}.",
            f"A practice counts as easy when discomfort stays at {limit} or less during it "
            "and the next day.",
        ]
    if s.action is Action.ADVANCE:
        if s.last_move is not None and s.last_move.reason is MoveReason.RETURN:
            words.append(
                "You had an easy practice at least a day after the flare, so you can return "
                f"to stage {stage.number}: {stage.title}."
            )
        else:
            previous = plan.stages[s.state_stage - 1]
            needed = plan.easy_needed(previous)
            words.append(
                f"You had {needed} easy practices on different days at stage "
                f"{previous.number}, so you move on to stage {stage.number}: {stage.title}."
            )
    elif s.action is Action.STEP_BACK and not s.recovering:
        last = plan.stage(s.last_practice_stage or stage.id)
        words.append(
            f"Your last practice was at stage {last.number}, ahead of where the plan has "
            f"you: stage {stage.number}: {stage.title}. Practices count toward moving on at "
            "the stage you are at."
        )
    elif s.recovering:
        if s.spike is not None:
            words.append(
                f"A spike: {_spike_words(s, s.spike)}, above {limit}. That is a signal to "
                "ease off, not a failure."
            )
        if s.returning_to is not None:
            back = plan.stages[s.returning_to]
            words.append(
                f"Step back to stage {stage.number}: {stage.title}. You return to stage "
                f"{back.number} after one easy practice here, at least a day after the spike."
            )
        else:
            words.append(
                f"Stay at stage {stage.number}: {stage.title}, with gentler sessions, until "
                "one easy practice at least a day after the spike."
            )
    else:
        words.append(f"Stay at stage {stage.number}: {stage.title}.")
    if not s.recovering and s.state_stage + 1 < len(plan.stages):
        words.append(_progress(s))
    if s.overdue:
        days = ", ".join(sorted({p.on.isoformat() for p in s.overdue}))
        words.append(
            f"Your practice on {days} has no next-day rating yet, so it does not count as easy yet."
        )
    return words


def _progress(s: Situation) -> str:
    stage = s.plan.stages[s.state_stage]
    following = s.plan.stages[s.state_stage + 1]
    words = f"Easy practices at this stage: {s.easy_days} of {s.easy_needed}, on different days"
    if following.requires_consistent_comfort:
        words += (
            f". {following.title} opens once comfort here is consistent: {s.easy_needed} easy "
            "practices with no spike between them"
        )
    if stage.min_days:
        words += (
            f"; and at least {stage.min_days} days of practice at this stage "
            f"({s.days_at_stage} so far)"
        )
    return words + "."


def next_log(s: Situation) -> str:
    """The next thing to log, as a command."""
    if s.flags:
        return "After your evaluation: softpace clear-flags --evaluated"
    steps = []
    if s.overdue:
        day = max(p.on for p in s.overdue)
        later = any(day < other for other in s.later_practice_after)
        date_flag = f" --date {(day + timedelta(1)).isoformat()}" if later else ""
        steps.append(
            f"rate the day after your {day.isoformat()} practice: softpace log --after N{date_flag}"
        )
    if s.practised_today:
        steps.append("tomorrow, rate how today's practice settled: softpace log --after N")
    else:
        top = s.plan.comfort_rule.scale_max
        steps.append(f"after today's practice: softpace log --during N (N from 0 to {top})")
    text = "; then ".join(steps)
    return text[0].upper() + text[1:]


def _symptom_title(plan: Plan, slug: str) -> str:
    modifier = plan.modifier(slug)
    return modifier.title if modifier else slug


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
