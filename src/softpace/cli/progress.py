"""Commands of the comfort log: log, status, history, clear-flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from softpace.cli.common import CliState, pass_state
from softpace.errors import SoftpaceError

if TYPE_CHECKING:
    from softpace.app import NextDayLogged, PracticeLogged


class _LogCommand(click.Command):
    """`softpace log --help` lists the symptom and red-flag names of the plan in use."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        state = ctx.find_object(CliState)
        try:
            plan = state.app().plan if state else None
        except SoftpaceError:
            plan = None
        if plan is None:
            return
        for heading, items in (
            ("Symptoms (--symptom NAME)", plan.troubleshooting),
            ("Red flags (--red-flag NAME)", plan.red_flags),
        ):
            with formatter.section(heading):
                formatter.write_dl([(item.id, item.title) for item in items])


@click.command(cls=_LogCommand)
@click.option("--during", type=int, metavar="0-10", help="Discomfort during the practice, 0-10.")
@click.option(
    "--after",
    type=int,
    metavar="0-10",
    help="Next-day discomfort (0-10) for the latest practice day before --date.",
)
@click.option("--date", "day", metavar="DATE", help="The day (YYYY-MM-DD; default today).")
@click.option("--stage", help="Stage practised (default: the stage `softpace status` names).")
@click.option("--dilator", metavar="SIZE", help="Dilator size used, e.g. 2 or 19mm.")
@click.option("--symptom", "symptoms", multiple=True, metavar="NAME", help="A symptom (repeat).")
@click.option("--red-flag", "red_flags", multiple=True, metavar="NAME", help="A red flag (repeat).")
@click.option("--note", help="A free note, e.g. your journal line.")
@pass_state
def log(
    state: CliState,
    during: int | None,
    after: int | None,
    day: str | None,
    stage: str | None,
    dilator: str | None,
    symptoms: tuple[str, ...],
    red_flags: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a practice, the next-day rating, or symptoms and red flags.

    Discomfort is 0 (none) to 10 (worst); the plan's limit is 2. The log stays on
    this machine (see `softpace status` for what it decides).

    Example:

    \b
        softpace log --during 1
        softpace log --during 2 --dilator 2 --symptom clench --note "felt safer"
        softpace log --after 1              (the next day: how it settled)
        softpace log --after 3 --date 2026-11-20
        softpace log --red-flag bleeding    (no practice needed)
    """
    from softpace import app

    _check_log_usage(during, after, symptoms, red_flags, stage or dilator or note)
    ctx = state.app()
    if during is not None:
        practice = app.log_practice(
            ctx, during, on=day, stage=stage, dilator=dilator, note=note,
            symptoms=symptoms, red_flags=red_flags,
        )  # fmt: skip
        _print_practice(practice)
    elif after is not None:
        _print_next_day(
            app.log_next_day(ctx, after, on=day, symptoms=symptoms, red_flags=red_flags)
        )
    else:
        noticed = app.log_observations(ctx, on=day, symptoms=symptoms, red_flags=red_flags)
        names = ", ".join(noticed.symptoms + noticed.red_flags)
        click.echo(f"Logged for {noticed.on.isoformat()}: {names}.")
    if red_flags:
        click.echo(app.RED_FLAG_MESSAGE)


def _check_log_usage(
    during: int | None,
    after: int | None,
    symptoms: tuple[str, ...],
    red_flags: tuple[str, ...],
    practice_only: str | None,
) -> None:
    if during is not None and after is not None:
        raise click.UsageError(
            "give --during (a practice) or --after (the next-day rating), not both"
        )
    if during is None and after is None and not (symptoms or red_flags):
        raise click.UsageError(
            "nothing to log: give --during N after a practice, --after N the next day, "
            "or --symptom / --red-flag NAME"
        )
    if during is None and practice_only:
        raise click.UsageError("--stage, --dilator and --note go with --during (a practice)")


def _print_practice(logged: PracticeLogged) -> None:
    p = logged.practice
    click.echo(
        f"Logged practice #{p.id}: {p.on.isoformat()}, {p.stage}, "
        f"discomfort during {p.during}/{logged.scale_max}."
    )
    if logged.above_limit:
        click.echo(
            f"That is above {logged.max_discomfort}/{logged.scale_max}: the next sessions step "
            "back and are shorter. Be gentle with yourself today."
        )
    else:
        click.echo("Tomorrow, record how it settled: softpace log --after N")


def _print_next_day(logged: NextDayLogged) -> None:
    top = logged.scale_max
    replaced = (
        f" It replaces the earlier rating {logged.replaced}/{top}."
        if logged.replaced is not None
        else ""
    )
    click.echo(
        f"Logged next-day discomfort {logged.rating}/{top} for your "
        f"{logged.rated.on.isoformat()} practice ({logged.rated.stage}).{replaced}"
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--as-of", "as_of", metavar="DATE", help="Decide as of this day (YYYY-MM-DD).")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw comfort over time, with the stages as bands, to this PNG file.",
)
@pass_state
def status(state: CliState, as_json: bool, as_of: str | None, plot_path: Path | None) -> None:
    """Where you are: the stage, the action, the reasons, and what to log next.

    Actions: start, stay, advance, step-back, stop. With --json, one object with the
    keys stage (always the stage to practise next), action, reasons, easy_streak,
    days_at_stage, and more.

    Example:

        softpace status
        softpace status --json
        softpace status --plot comfort.png
    """
    from softpace.app import status as current_status
    from softpace.progress.report import format_status

    ctx = state.app()
    result = current_status(ctx, as_of, plot_path)
    if as_json:
        click.echo(json.dumps(result.decision.to_json_dict(), indent=2))
    else:
        click.echo(format_status(result.decision, ctx.plan), nl=False)
    if plot_path is not None:
        click.echo(f"plot written to {plot_path}", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def history(state: CliState, as_json: bool) -> None:
    """Print the comfort log: every practice, rating, symptom, red flag and evaluation.

    Example:

        softpace history
        softpace history --json > my-comfort-log.json
    """
    from softpace.app import history as comfort_log
    from softpace.progress.report import format_history, history_json

    ctx = state.app()
    entries = comfort_log(ctx)
    if as_json:
        click.echo(json.dumps(history_json(entries), indent=2))
    else:
        click.echo(format_history(entries, ctx.plan), nl=False)


@click.command("clear-flags")
@click.option(
    "--evaluated",
    is_flag=True,
    help="Confirm a clinician has evaluated the red flags you logged.",
)
@click.option("--date", "day", metavar="DATE", help="Day of the evaluation (default today).")
@click.option("--note", help="A note, e.g. who you saw and what they said.")
@pass_state
def clear_flags(state: CliState, evaluated: bool, day: str | None, note: str | None) -> None:
    """After an evaluation, let sessions start again.

    Red flags pause exposure sessions until you record that a pelvic health
    physiotherapist or a knowledgeable clinician has evaluated you.

    Example:

        softpace clear-flags --evaluated --note "GP visit, all clear"
    """
    from softpace.app import clear_flags as record_evaluation

    if not evaluated:
        raise click.UsageError(
            "red flags are cleared only after an evaluation: once a pelvic health "
            "physiotherapist or a knowledgeable clinician has seen you, run "
            "`softpace clear-flags --evaluated`"
        )
    result = record_evaluation(state.app(), on=day, note=note)
    if not result.cleared:
        click.echo(f"No red flags to clear as of {result.on.isoformat()}; nothing was recorded.")
        return
    click.echo(
        f"Evaluation recorded for {result.on.isoformat()}; cleared: {', '.join(result.cleared)}. "
        "Sessions start again where you left off: see `softpace status`."
    )
