"""Operations that make sessions: the plan's stages, a script, a render, today's session.

Settings give every choice's default; a `Choices` overrides them for one call (the CLI's
options). Today's session after a red flag is data (`TodaySession.stop`), not an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from softpace.app.context import AppContext
from softpace.errors import OptionError
from softpace.paths import private_dir
from softpace.plan.model import Plan, Stage, Variant
from softpace.script.options import SessionOptions
from softpace.timeline import Timeline

if TYPE_CHECKING:  # the comfort log's rules load only for today's session: not for a render
    from softpace.audio.verify import Report
    from softpace.progress.model import Decision
    from softpace.render import RenderedSession, Voice

T = TypeVar("T")
HIP_OPENERS = "hip-openers"  # the plan exercise whose poses the user may choose


@dataclass(frozen=True)
class Choices:
    """One call's choices; None keeps the user's setting."""

    voice: str | None = None
    inhale_s: float | None = None
    exhale_s: float | None = None
    short: bool | None = None
    tones: str | None = None
    hip_openers: tuple[str, ...] | None = None
    symptoms: tuple[str, ...] = ()  # troubleshooting ids to adapt for (script, render)
    force: bool = False  # render even sessions whose files already match their inputs


@dataclass(frozen=True)
class RenderProgress:
    """How far a render is, in samples encoded (for a progress bar or a web page)."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


ProgressCallback = Callable[[RenderProgress], None]


@dataclass(frozen=True)
class StageInfo:
    id: str
    number: int
    title: str
    session_s: float
    exercises: tuple[str, ...]


@dataclass(frozen=True)
class RenderSummary:
    sessions: tuple[RenderedSession, ...]
    elapsed_s: float
    out_dir: Path


@dataclass(frozen=True)
class SafetyStop:
    """No exposure session today: a red flag waits for an evaluation."""

    reasons: tuple[str, ...]
    message: str = "No session today: exposure practice is paused."


@dataclass(frozen=True)
class TodaySession:
    """The session that fits today and why; `stop` is set (and nothing rendered) after a
    red flag; `rendered` is set once the session has been rendered."""

    as_of: date
    decision: Decision
    stage: Stage | None
    short: bool
    modifiers: tuple[str, ...]
    reasons: tuple[str, ...]
    stop: SafetyStop | None = None
    rendered: RenderedSession | None = None
    mp3_path: Path | None = None  # where the session is (or will be) rendered
    options: SessionOptions = field(default_factory=SessionOptions)


def list_stages(ctx: AppContext) -> tuple[StageInfo, ...]:
    plan = ctx.plan
    return tuple(
        StageInfo(s.id, s.number, s.title, round(plan.session_length_s(s), 1), s.exercises)
        for s in plan.stages
    )


def voice_for(ctx: AppContext, name: str | None = None) -> Voice:
    """The recipe for a Speaker of the named profile (default: the settings', else calm)."""
    from softpace.render import Voice
    from softpace.voice.profiles import DEFAULT_PROFILE, get_profile

    chosen = name or ctx.settings.voice or DEFAULT_PROFILE
    profile = get_profile(chosen, ctx.user_voices_dir)
    # The speaker writes clips there: the cache (and a home holding it) is made 0700 first.
    return Voice(profile, private_dir(ctx.cache_dir, option="--home", what="speech cache"))


def session_options(
    ctx: AppContext,
    choices: Choices | None = None,
    *,
    short: bool = False,
    day: date | None = None,
    easy_practices: int = 0,
) -> SessionOptions:
    """The SessionOptions for these choices over the user's settings (`short` forces it).

    `day` picks the day's phrasings and hip-opener pair; `easy_practices` (at this stage)
    grows holds and repeats from the low end of each plan range.
    """
    c = choices or Choices()
    s = ctx.settings
    hip = c.hip_openers if c.hip_openers is not None else s.hip_openers
    options = SessionOptions(
        inhale_s=_pick(c.inhale_s, s.inhale_s),
        exhale_s=_pick(c.exhale_s, s.exhale_s),
        variant=Variant.SHORT if short or _pick(c.short, s.short) else Variant.STANDARD,
        day=day,
        easy_practices=easy_practices,
        hip_openers=None if hip is None else check_hip_openers(ctx.plan, hip),
    )
    if c.symptoms:
        options = options.for_symptoms(frozenset(check_symptoms(ctx.plan, c.symptoms)))
    return options


def tones_for(ctx: AppContext, choices: Choices | None) -> str:
    from softpace.constants import TONES

    tones = _pick(choices.tones if choices else None, ctx.settings.tones)
    if tones not in TONES:
        raise OptionError(f"tones must be one of {', '.join(TONES)}, got {tones!r}")
    return tones


def check_hip_openers(plan: Plan, ids: Sequence[str]) -> tuple[str, ...]:
    """The chosen poses, checked against the plan's hip-opener options."""
    exercise = next((e for e in plan.exercises if e.id == HIP_OPENERS), None)
    if exercise is None or not exercise.options:
        raise OptionError("this plan has no hip-opener poses to choose from")
    known = [o.id for o in exercise.options]
    chosen = tuple(dict.fromkeys(i.strip().lower() for i in ids if i.strip()))
    count = exercise.choose or 2
    if len(chosen) != count or not set(chosen) <= set(known):
        raise OptionError(
            f"--hip-openers needs {count} different poses from: {', '.join(known)}; "
            f"got {','.join(ids) or 'nothing'}"
        )
    return chosen


def check_symptoms(plan: Plan, names: Sequence[str]) -> tuple[str, ...]:
    from softpace.progress.entries import check_names

    return check_names(names, plan.troubleshooting, "--symptom")


def session_script(ctx: AppContext, stage_id: str, choices: Choices | None = None) -> Timeline:
    """A stage's timed script as the chosen voice will speak it (words go to the cache)."""
    from softpace.render import session_timeline

    stage = ctx.plan.stage(stage_id)
    voice = voice_for(ctx, choices.voice if choices else None)
    return session_timeline(ctx.plan, stage, session_options(ctx, choices), voice.speaker())


def render_stages(
    ctx: AppContext,
    stage_ids: Sequence[str] | None,
    choices: Choices | None = None,
    progress: ProgressCallback | None = None,
    options: SessionOptions | None = None,
) -> RenderSummary:
    """Render the named stages (None: every stage) into ctx.out_dir, in parallel."""
    chosen = ctx.plan.stages if stage_ids is None else tuple(map(ctx.plan.stage, stage_ids))
    return _render(ctx, chosen, options or session_options(ctx, choices), choices, progress)


def plan_today(
    ctx: AppContext, as_of: date | str | None = None, choices: Choices | None = None
) -> TodaySession:
    """Today's session as the comfort log decides, without rendering it."""
    from softpace.progress.model import Action
    from softpace.publish.catalog import session_paths

    day = ctx.day(as_of, "--as-of")
    decision = ctx.decide(day)
    if decision.action is Action.STOP:
        return TodaySession(
            day, decision, None, False, (), decision.reasons, SafetyStop(decision.reasons)
        )
    stage = ctx.plan.stage(decision.stage)
    short = decision.variant is Variant.SHORT
    options = session_options(
        ctx, choices, short=short, day=day, easy_practices=decision.easy_practices_at_stage
    ).for_symptoms(decision.modifiers)
    return TodaySession(
        as_of=day,
        decision=decision,
        stage=stage,
        short=options.variant is Variant.SHORT,
        modifiers=tuple(sorted(decision.modifiers)),
        reasons=decision.reasons,
        mp3_path=session_paths(ctx.out_dir, stage.id)[0],
        options=options,
    )


def today(
    ctx: AppContext,
    as_of: date | str | None = None,
    choices: Choices | None = None,
    progress: ProgressCallback | None = None,
) -> TodaySession:
    """Decide today's session and render it (nothing is rendered after a red flag)."""
    from dataclasses import replace

    session = plan_today(ctx, as_of, choices)
    if session.stop is not None or session.stage is None:
        return session
    summary = _render(ctx, (session.stage,), session.options, choices, progress)
    rendered = summary.sessions[0]
    # the share and the app show a session as today's only when it was made for today
    from softpace.share.fit import recipe_of, write_recipe

    write_recipe(ctx.out_dir, recipe_of(session.stage.id, session.options), rendered.mp3_path)
    return replace(session, rendered=rendered)


def today_stage_or_stop(ctx: AppContext, as_of: date | str | None = None) -> str:
    """Today's stage id; after a red flag, a SafetyStopError (exit 3) saying why."""
    from softpace.errors import SafetyStopError

    session = plan_today(ctx, as_of)
    if session.stop is not None or session.stage is None:
        raise SafetyStopError(
            "exposure practice is paused after a red flag; see `softpace status`",
            session.reasons,
        )
    return session.stage.id


def verify_session(mp3: Path, timeline_path: Path | None = None) -> Report:
    """Decode a rendered session and check it against its timeline (audio.verify.Report)."""
    from softpace.audio.verify import verify_mp3

    return verify_mp3(mp3, timeline_path)


def _render(
    ctx: AppContext,
    stages: Sequence[Stage],
    options: SessionOptions,
    choices: Choices | None,
    progress: ProgressCallback | None,
) -> RenderSummary:
    from softpace.atomic import ensure_writable_dir
    from softpace.render import RenderJob, render_all, total_samples

    job = RenderJob(
        plan=ctx.plan,
        stages=tuple(stages),
        out_dir=ctx.out_dir,
        options=options,
        tones=tones_for(ctx, choices),
        force=choices.force if choices else False,
    )
    ensure_writable_dir(ctx.out_dir)
    voice = voice_for(ctx, choices.voice if choices else None)
    total = total_samples(job)
    done = 0

    def advance(samples: int) -> None:
        nonlocal done
        done = min(total, done + samples)
        if progress is not None:
            progress(RenderProgress(done, total))

    started = time.perf_counter()
    results = render_all(job, voice, advance)
    return RenderSummary(tuple(results), time.perf_counter() - started, ctx.out_dir)


def _pick(override: T | None, setting: T) -> T:
    return setting if override is None else override
