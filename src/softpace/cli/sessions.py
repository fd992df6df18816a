"""Commands that make sessions: stages, script, render, today, verify."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from softpace.cli.common import (
    AppContext,
    _decision_unless_paused,
    _options,
    _render,
    pass_app,
    session_options,
    tones_option,
)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def stages(app: AppContext, as_json: bool) -> None:
    """List the plan's stages in order, with title and session length.

    Example:

        softpace stages
        softpace stages --json
    """
    plan = app.plan()
    rows = [
        {
            "id": s.id,
            "number": s.number,
            "title": s.title,
            "session_s": round(plan.session_length_s(s), 1),
            "exercises": list(s.exercises),
        }
        for s in plan.stages
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        minutes, seconds = divmod(round(r["session_s"]), 60)
        click.echo(f"{r['number']}. {r['id']:<{width}}  {minutes:2d}:{seconds:02d}  {r['title']}")


@click.command()
@click.argument("stage")
@session_options
@pass_app
def script(
    app: AppContext, stage: str, voice: str, inhale_s: float, exhale_s: float, short: bool
) -> None:
    """Print a stage's timed narration script (mm:ss and text) without making audio.

    Times are those the chosen voice will speak (its words are synthesized into the
    cache to measure them), so they match `softpace render`.

    Example:

        softpace script entrance-contact
    """
    from softpace.render import session_timeline
    from softpace.script.printing import format_script

    plan = app.plan()
    timeline = session_timeline(
        plan, plan.stage(stage), _options(inhale_s, exhale_s, short), app.speaker(voice)
    )
    click.echo(format_script(timeline), nl=False)


@click.command()
@click.argument("stage", required=False)
@click.option("--all", "render_every", is_flag=True, help="Render every stage of the plan.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write the MP3 and timeline files into.",
)
@session_options
@tones_option
@pass_app
def render(
    app: AppContext,
    stage: str | None,
    render_every: bool,
    out_dir: Path,
    voice: str,
    inhale_s: float,
    exhale_s: float,
    short: bool,
    tones: str,
) -> None:
    """Render a stage (or --all) to <stage>.mp3 and <stage>.timeline.json.

    --all renders stages in parallel, one process per core, and prints the total time.

    Example:

        softpace render entrance-contact --out ~/Music/softpace
        softpace render --all --exhale 7
    """
    if bool(stage) == render_every:
        raise click.UsageError("name one STAGE, or pass --all (see `softpace stages`)")
    plan = app.plan()
    chosen = plan.stages if render_every else (plan.stage(stage or ""),)
    _render(app, plan, chosen, out_dir, voice, _options(inhale_s, exhale_s, short), tones)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write the MP3 and timeline files into.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Decide as of this day (YYYY-MM-DD).")
@session_options
@tones_option
@pass_app
def today(
    app: AppContext,
    out_dir: Path,
    as_of: str | None,
    voice: str,
    inhale_s: float,
    exhale_s: float,
    short: bool,
    tones: str,
) -> None:
    """Render the session that fits today, as your comfort log decides.

    The stage comes from `softpace status`; after a flare the session is the shorter
    one, and symptoms logged in the last 3 days adapt it. After a red flag nothing is
    rendered (exit status 3) until you record an evaluation with `softpace clear-flags`.

    Example:

        softpace today
        softpace today --exhale 7 --out ~/Music/softpace
    """
    from softpace.plan import Variant

    plan = app.plan()
    decision = _decision_unless_paused(app, plan, as_of)
    stage = plan.stage(decision.stage)
    variant = Variant.SHORT if short or decision.variant is Variant.SHORT else Variant.STANDARD
    options = _options(inhale_s, exhale_s, variant is Variant.SHORT).for_symptoms(
        decision.modifiers
    )
    click.echo(
        f"Today: stage {stage.number}, {stage.id} ({decision.action.value}); "
        f"{'shorter' if variant is Variant.SHORT else 'standard'} session"
        + (f", adapted for {', '.join(sorted(decision.modifiers))}" if decision.modifiers else "")
        + "."
    )
    click.echo(f"  {decision.reasons[0]}" if decision.reasons else "", nl=bool(decision.reasons))
    _render(app, plan, (stage,), out_dir, voice, options, tones)
    source = "" if out_dir == Path("output") else f" --from {shlex.quote(str(out_dir))}"
    click.echo(
        f"To listen on your phone: `softpace serve{source}` shares it over your Wi-Fi; "
        f"`softpace export{source} DIR` copies it into a folder."
    )


@click.command()
@click.argument("mp3", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--timeline",
    "timeline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The session's timeline (default: <name>.timeline.json beside the MP3).",
)
def verify(mp3: Path, timeline_path: Path | None) -> None:
    """Decode a rendered session and check it against its timeline.

    Checks the length, that every spoken line is there, that the breath tones turn
    where the timeline says (within 40 ms), loudness (-19 LUFS +/- 1), true peak (at
    most -1.5 dBTP) and clicks. Exits 1 when a check fails.

    Example:

        softpace verify output/entrance-contact.mp3
    """
    from softpace.audio.verify import verify_mp3

    report = verify_mp3(mp3, timeline_path)
    click.echo(f"{mp3}:")
    for line in report.lines():
        click.echo(f"  {line}")
    failed = sum(not check.ok for check in report.checks)
    if failed:
        click.echo(f"verify: {failed} check(s) failed", err=True)
        raise click.exceptions.Exit(1)
