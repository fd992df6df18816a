"""Commands of the comfort log: log, status, history, clear-flags."""

from __future__ import annotations

import json
from pathlib import Path

import click

from softpace.cli.common import (
    AppContext,
    _day,
    pass_app,
)
from softpace.errors import SoftpaceError


class _LogCommand(click.Command):
    """`softpace log --help` lists the symptom and red-flag names of the plan in use."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        app = ctx.find_object(AppContext)
        try:
            plan = app.plan() if app else None
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
@click.option("--date", "day_text", metavar="DATE", help="The day (YYYY-MM-DD; default today).")
@click.option("--stage", help="Stage practised (default: the stage `softpace status` names).")
@click.option("--dilator", metavar="SIZE", help="Dilator size used, e.g. 2 or 19mm.")
@click.option("--symptom", "symptoms", multiple=True, metavar="NAME", help="A symptom (repeat).")
@click.option("--red-flag", "red_flags", multiple=True, metavar="NAME", help="A red flag (repeat).")
@click.option("--note", help="A free note, e.g. your journal line.")
@pass_app
def log(
    app: AppContext,
    during: int | None,
    after: int | None,
    day_text: str | None,
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
    from softpace.progress import decide
    from softpace.progress.entries import (
        check_names,
        next_day_entry,
        practice_entry,
    )

    if during is not None and after is not None:
        raise click.UsageError(
            "give --during (a practice) or --after (the next-day rating), not both"
        )
    if during is None and after is None and not (symptoms or red_flags):
        raise click.UsageError(
            "nothing to log: give --during N after a practice, --after N the next day, "
            "or --symptom / --red-flag NAME"
        )
    plan = app.plan()
    day = _day(day_text, "--date")
    if during is None and (stage or dilator or note):
        raise click.UsageError("--stage, --dilator and --note go with --during (a practice)")
    if during is not None:
        # Everything is checked before the log is opened; a missing --stage is filled in
        # from the log below (the first stage stands in for the check).
        checked = practice_entry(
            plan,
            on=day,
            stage=stage or plan.stages[0].id,
            during=during,
            dilator=dilator,
            note=note,
            symptoms=symptoms,
            red_flags=red_flags,
        )
        with app.open_log(create=True) as store:
            if stage is None:
                from dataclasses import replace

                checked = replace(checked, stage=decide(store.load(), plan, day).stage)
            practice = store.add_practice(checked)
        click.echo(
            f"Logged practice #{practice.id}: {day.isoformat()}, {practice.stage}, "
            f"discomfort during {practice.during}/10."
        )
        if practice.during > plan.comfort_rule.max_discomfort:
            click.echo(
                f"That is above {plan.comfort_rule.max_discomfort}/10: the next sessions step "
                "back and are shorter. Be gentle with yourself today."
            )
        else:
            click.echo("Tomorrow, record how it settled: softpace log --after N")
    elif after is not None:
        entry = next_day_entry(plan, on=day, rating=after, symptoms=symptoms, red_flags=red_flags)
        # A missing log has no practice to rate: reading it as empty lets the store say so.
        with app.open_log(create=app.log_path().exists()) as store:
            before = store.add_next_day(entry)
        rated = before[0]
        replaced = [p.next_day for p in before if p.next_day is not None]
        click.echo(
            f"Logged next-day discomfort {after}/10 for your {rated.on.isoformat()} practice "
            f"({rated.stage})."
            + (f" It replaces the earlier rating {replaced[-1]}/10." if replaced else "")
        )
    else:
        names = check_names(symptoms, plan.troubleshooting, "--symptom")
        flags = check_names(red_flags, plan.red_flags, "--red-flag")
        with app.open_log(create=True) as store:
            store.add_observations(day, names, flags)
        click.echo(f"Logged for {day.isoformat()}: {', '.join([*names, *flags])}.")
    if red_flags:
        click.echo(
            "Red flag noted. Exposure sessions are paused until you have been evaluated by a "
            "pelvic health physiotherapist or a knowledgeable clinician; then run "
            "`softpace clear-flags --evaluated`."
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
@pass_app
def status(app: AppContext, as_json: bool, as_of: str | None, plot_path: Path | None) -> None:
    """Where you are: the stage, the action, the reasons, and what to log next.

    Actions: start, stay, advance, step-back, stop. With --json, one object with the
    keys stage (always the stage to practise next), action, reasons, easy_streak,
    days_at_stage, and more.

    Example:

        softpace status
        softpace status --json
        softpace status --plot comfort.png
    """
    from softpace.progress import decide
    from softpace.progress.report import format_status

    plan = app.plan()
    day = _day(as_of, "--as-of")
    with app.open_log() as store:
        entries = store.load()
    decision = decide(entries, plan, day)
    if plot_path is not None:
        from softpace.progress.plot import plot_comfort

        plot_comfort(entries, decision, plan, plot_path)
    if as_json:
        click.echo(json.dumps(decision.to_json_dict(), indent=2))
    else:
        click.echo(format_status(decision, plan), nl=False)
    if plot_path is not None:
        click.echo(f"plot written to {plot_path}", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def history(app: AppContext, as_json: bool) -> None:
    """Print the comfort log: every practice, rating, symptom, red flag and evaluation.

    Example:

        softpace history
        softpace history --json > my-comfort-log.json
    """
    from softpace.progress.report import format_history, history_json

    with app.open_log() as store:
        entries = store.load()
    if as_json:
        click.echo(json.dumps(history_json(entries), indent=2))
    else:
        click.echo(format_history(entries, app.plan()), nl=False)


@click.command("clear-flags")
@click.option(
    "--evaluated",
    is_flag=True,
    help="Confirm a clinician has evaluated the red flags you logged.",
)
@click.option("--date", "day_text", metavar="DATE", help="Day of the evaluation (default today).")
@click.option("--note", help="A note, e.g. who you saw and what they said.")
@pass_app
def clear_flags(app: AppContext, evaluated: bool, day_text: str | None, note: str | None) -> None:
    """After an evaluation, let sessions start again.

    Red flags pause exposure sessions until you record that a pelvic health
    physiotherapist or a knowledgeable clinician has evaluated you.

    Example:

        softpace clear-flags --evaluated --note "GP visit, all clear"
    """
    from softpace.progress import decide
    from softpace.progress.entries import clean_note

    if not evaluated:
        raise click.UsageError(
            "red flags are cleared only after an evaluation: once a pelvic health "
            "physiotherapist or a knowledgeable clinician has seen you, run "
            "`softpace clear-flags --evaluated`"
        )
    plan = app.plan()
    day = _day(day_text, "--date")
    text = clean_note(note)
    with app.open_log() as store:
        active = decide(store.load(), plan, day).red_flags
    if not active:
        click.echo(f"No red flags to clear as of {day.isoformat()}; nothing was recorded.")
        return
    with app.open_log(create=True) as store:
        store.add_evaluation(day, text)
    click.echo(
        f"Evaluation recorded for {day.isoformat()}; cleared: {', '.join(active)}. "
        "Sessions start again where you left off: see `softpace status`."
    )
