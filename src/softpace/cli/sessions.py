"""Commands that make sessions: stages, script, render, today, verify."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from softpace.cli.common import (
    CliState,
    choices,
    force_option,
    mmss,
    out_option,
    pass_state,
    progress_bar,
    session_options,
    tones_option,
)
from softpace.constants import DEFAULT_OUTPUT_DIR
from softpace.errors import EXIT_FAILURE, EXIT_SAFETY_STOP

if TYPE_CHECKING:
    from softpace.app import RenderSummary, TodaySession


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def stages(state: CliState, as_json: bool) -> None:
    """List the plan's stages in order, with title and session length.

    Example:

        softpace stages
        softpace stages --json
    """
    from softpace.app import list_stages

    rows = list_stages(state.app())
    if as_json:
        click.echo(
            json.dumps([{**asdict(r), "exercises": list(r.exercises)} for r in rows], indent=2)
        )
        return
    width = max(len(r.id) for r in rows)
    for r in rows:
        click.echo(f"{r.number}. {r.id:<{width}}  {mmss(r.session_s):>5}  {r.title}")


@click.command()
@click.argument("stage")
@session_options
@click.option("--symptom", "symptoms", multiple=True, metavar="NAME",
              help="Adapt for a symptom, as `today` does after one is logged (repeat; "
              "names in `softpace log --help`).")  # fmt: skip
@pass_state
def script(state: CliState, /, stage: str, **options: Any) -> None:
    """Print a stage's timed narration script (mm:ss and text) without making audio.

    Times are those the chosen voice will speak (its words are synthesized into the
    cache to measure them), so they match `softpace render`.

    Example:

        softpace script entrance-contact
        softpace script entrance-contact --symptom clench --hip-openers happy-baby,figure-four
    """
    from softpace.app import session_script
    from softpace.script.printing import format_script

    timeline = session_script(state.app(), stage, choices(**options))
    click.echo(format_script(timeline), nl=False)


@click.command()
@click.argument("stage", required=False)
@click.option("--all", "render_every", is_flag=True, help="Render every stage of the plan.")
@out_option
@session_options
@tones_option
@force_option
@pass_state
def render(
    state: CliState, /, stage: str | None, render_every: bool, out_dir: Path, **options: Any
) -> None:
    """Render a stage (or --all) to <stage>.mp3 and <stage>.timeline.json.

    --all renders stages in parallel, one process per core, and prints the total time.
    A session whose files came from the same script, voice, settings and softpace
    version is left alone (and says so); --force renders it anyway.

    Example:

        softpace render entrance-contact --out ~/Music/softpace
        softpace render --all --exhale 7
    """
    from softpace.app import render_stages

    if bool(stage) == render_every:
        raise click.UsageError("name one STAGE, or pass --all (see `softpace stages`)")
    with progress_bar("Rendering") as advance:
        summary = render_stages(
            state.app(out_dir), None if render_every else [stage or ""], choices(**options), advance
        )
    _print_rendered(summary)


@click.command()
@out_option
@click.option("--as-of", "as_of", metavar="DATE", help="Decide as of this day (YYYY-MM-DD).")
@session_options
@tones_option
@force_option
@pass_state
def today(state: CliState, /, out_dir: Path, as_of: str | None, **options: Any) -> None:
    """Render the session that fits today, as your comfort log decides.

    The stage comes from `softpace status`; after a flare the session is the shorter
    one, and symptoms logged in the last 3 days adapt it. After a red flag nothing is
    rendered (exit status 3) until you record an evaluation with `softpace clear-flags`.

    Example:

        softpace today
        softpace today --exhale 7 --out ~/Music/softpace
    """
    from softpace.app import today as today_session

    with progress_bar("Rendering") as advance:
        session = today_session(state.app(out_dir), as_of, choices(**options), advance)
    _print_today(session, out_dir)


def _print_today(session: TodaySession, out_dir: Path) -> None:
    if session.stop is not None:
        click.echo(session.stop.message)
        for reason in session.stop.reasons:
            click.echo(f"  - {reason}")
        raise click.exceptions.Exit(EXIT_SAFETY_STOP)
    assert session.stage is not None and session.rendered is not None
    stage = session.stage
    adapted = f", adapted for {', '.join(session.modifiers)}" if session.modifiers else ""
    click.echo(
        f"Today: stage {stage.number}, {stage.id} ({session.decision.action.value}); "
        f"{'shorter' if session.short else 'standard'} session{adapted}."
    )
    if session.reasons:
        click.echo(f"  {session.reasons[0]}")
    click.echo(f"{session.rendered.mp3_path}  ({mmss(session.rendered.duration_s)})")
    source = "" if out_dir == DEFAULT_OUTPUT_DIR else f" --from {shlex.quote(str(out_dir))}"
    click.echo(
        f"To listen on your phone: `softpace serve{source}` shares it over your Wi-Fi; "
        f"`softpace export{source} DIR` copies it into a folder."
    )


def _print_rendered(summary: RenderSummary) -> None:
    for result in summary.sessions:
        same = "  unchanged, left as it was (--force renders it again)" if result.skipped else ""
        click.echo(f"{result.mp3_path}  ({mmss(result.duration_s)}){same}")
    made = sum(not r.skipped for r in summary.sessions)
    unchanged = len(summary.sessions) - made
    click.echo(
        f"rendered {made} session(s) in {summary.elapsed_s:.1f} s"
        + (f"; {unchanged} unchanged" if unchanged else ""),
        err=True,
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

        softpace verify output/external-mapping.mp3
    """
    from softpace.app import verify_session

    report = verify_session(mp3, timeline_path)
    click.echo(f"{mp3}:")
    for line in report.lines():
        click.echo(f"  {line}")
    failed = sum(not check.ok for check in report.checks)
    if failed:
        click.echo(f"verify: {failed} check(s) failed", err=True)
        raise click.exceptions.Exit(EXIT_FAILURE)
