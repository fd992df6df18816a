"""Commands for the local app and reminders: `softpace app`, `softpace reminders`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from softpace.constants import DEFAULT_OUTPUT_DIR


def _context(ctx: click.Context, out_dir: Path | None = None) -> Any:
    from softpace.cli.common import CliState

    return ctx.find_object(CliState).app(out_dir)  # type: ignore[union-attr]  # set by `cli`


@click.command("app")
@click.option("--no-browser", is_flag=True, help="Only print the address; open no browser.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Where the app listens: this computer only (127.0.0.1 or ::1).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="The port (0: any free port).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUTPUT_DIR,
    show_default=True,
    help="The folder sessions are rendered into and shared from.",
)
@click.pass_context
def app_command(ctx: click.Context, no_browser: bool, host: str, port: int, out_dir: Path) -> None:
    """Open softpace in your browser: today's session, check-in, progress, settings,
    sharing with your phone, reminders. Private to this computer.

    Example:

        softpace app
        softpace app --no-browser --port 8790
    """
    from softpace.share.lifecycle import Stopper, bind, is_loopback, stop_on_signals
    from softpace.web.server import open_url, run_app
    from softpace.web.state import make_state

    if not is_loopback(host):
        raise click.UsageError(
            "the app listens on this computer only (--host 127.0.0.1 or ::1); to use it "
            "from your phone, start sharing on its Phone page"
        )
    state = make_state(_context(ctx, out_dir))
    sock = bind(host, port)
    with stop_on_signals(Stopper()) as stopper:
        _announce(open_url(sock.getsockname()[1], state), open_browser=not no_browser)
        why = run_app(state, sock, stopper)
    click.echo(f"softpace app stopped ({why}).")


def _announce(url: str, open_browser: bool) -> None:
    click.echo("softpace is open at this private address (for this computer only):")
    click.echo(f"  {url}")
    click.echo("Ctrl-C stops it.")
    if open_browser:
        import webbrowser

        webbrowser.open(url)


@click.command()
@click.option(
    "--ics",
    "ics_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the calendar file here.",
)
@click.option(
    "--practice-at", metavar="HH:MM", help="Practice reminder (default: settings, 20:00)."
)
@click.option("--checkin-at", metavar="HH:MM", help="Check-in reminder (default: settings, 08:30).")
@click.option("--discreet/--plain", default=None, help="Wording (default: as in the settings).")
@click.pass_context
def reminders(
    ctx: click.Context,
    ics_path: Path,
    practice_at: str | None,
    checkin_at: str | None,
    discreet: bool | None,
) -> None:
    """Write a calendar file with a daily practice reminder and a next-morning check-in
    reminder; import it into your phone's calendar (no account, no server).

    Example:

        softpace reminders --ics reminders.ics --practice-at 21:00
    """
    from softpace.atomic import write_bytes_atomic
    from softpace.reminders import calendar_for, parse_clock

    context = _context(ctx)
    s = context.settings
    calendar = calendar_for(
        parse_clock(practice_at, "--practice-at") if practice_at else s.reminder_time,
        parse_clock(checkin_at, "--checkin-at") if checkin_at else s.checkin_time,
        starts_on=context.today(),
        discreet=s.discreet if discreet is None else discreet,
    )
    write_bytes_atomic(ics_path, calendar.data)
    click.echo(
        f"Wrote {ics_path}: practice at {calendar.practice_at.strftime('%H:%M')}, check-in at "
        f"{calendar.checkin_at.strftime('%H:%M')}, daily. Open it on your phone to add it to "
        "the calendar."
    )
