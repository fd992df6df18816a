"""Commands that get sessions onto the phone: export and serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from softpace.cli.common import (
    AppContext,
    _decision_unless_paused,
    discreet_option,
    pass_app,
    source_option,
)


@click.command()
@click.argument("dest", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one zip file instead of a folder.",
)
@discreet_option
@click.option("--today-only", is_flag=True, help="Only today's session (see `softpace status`).")
@click.option("--as-of", "as_of", metavar="DATE", help="With --today-only: today is this day.")
@source_option
@pass_app
def export(
    app: AppContext,
    dest: Path | None,
    zip_path: Path | None,
    discreet: bool,
    today_only: bool,
    as_of: str | None,
    source_dir: Path,
) -> None:
    """Copy rendered sessions, with chapters, words (LRC, VTT) and a playlist, into DEST.

    DEST can be a phone mounted over USB or a synced folder; files that have not
    changed since the last export are left untouched. --zip writes one zip instead.

    Example:

        softpace export /media/phone/Music/softpace
        softpace export ~/Sync/practice --discreet --today-only
        softpace export --zip ~/sessions.zip
    """
    from softpace.publish.catalog import find_sessions
    from softpace.share.bundle import export_to_folder, export_to_zip

    if (dest is None) == (zip_path is None):
        raise click.UsageError("give a folder DEST, or --zip FILE (not both)")
    plan = app.plan()
    sessions = find_sessions(plan, source_dir)
    if today_only:
        stage_id = _decision_unless_paused(app, plan, as_of).stage
        sessions = tuple(s for s in sessions if s.stage.id == stage_id)
        if not sessions:
            raise click.ClickException(
                f"today's session ({stage_id}) is not rendered in {source_dir}: "
                "run `softpace today` first"
            )
    if zip_path is not None:
        result = export_to_zip(plan, sessions, zip_path, discreet)
    else:
        result = export_to_folder(plan, sessions, dest or Path(), discreet)
    for name in result.written:
        click.echo(f"  wrote {name}")
    click.echo(
        f"Exported {len(result.sessions)} session(s) to {result.destination}: "
        f"{len(result.written)} file(s) written, {len(result.unchanged)} unchanged."
    )


@click.command()
@click.option(
    "--host",
    help="The address to listen on (default: this computer's address on your network; "
    "127.0.0.1 keeps it to this computer).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--idle-stop",
    "idle_minutes",
    type=click.FloatRange(min=0.01),
    default=30,
    show_default=True,
    help="Stop after this many minutes without a visit from your phone.",
)
@discreet_option
@source_option
@pass_app
def serve(
    app: AppContext,
    host: str | None,
    port: int,
    idle_minutes: float,
    discreet: bool,
    source_dir: Path,
) -> None:
    """Share your sessions with your phone over your Wi-Fi, behind a private address.

    Prints the address and a QR code to scan with the phone's camera. The page plays
    today's session and every stage, with chapters to tap; the address also works as
    a podcast feed (add feed.xml) in an app such as AntennaPod. Only someone with the
    address can see anything. Stops after --idle-stop minutes without a visit, or on
    Ctrl-C.

    Example:

        softpace serve
        softpace serve --discreet --port 8800
    """
    import segno

    from softpace import app as operations
    from softpace.app.share import ShareRequest
    from softpace.share.lifecycle import Stopper, stop_on_signals

    ctx = operations.AppContext.load(home=app.home, plan_path=app.plan_path, out_dir=source_dir)
    request = ShareRequest(host=host, port=port, idle_stop_min=idle_minutes, discreet=discreet)
    with stop_on_signals(Stopper()) as stopper, operations.open_share(ctx, request) as sharing:
        if sharing.no_network:
            click.echo("No network found: sharing with this computer only.", err=True)
        url = sharing.url
        if sharing.local_only:
            click.echo("Open this address in a browser on this computer:")
        else:
            click.echo("Open this address on your phone (same Wi-Fi), or scan the code:")
        click.echo(f"  {url}")
        click.echo(f"Podcast feed (AntennaPod: add podcast by address): {url}feed.xml")
        if not sharing.local_only:
            segno.make(url, error="m").terminal(out=sys.stdout, compact=True)
        click.echo(
            f"Keep this address private. Stops after {idle_minutes:g} min without a visit; "
            "Ctrl-C stops it now."
        )
        why = sharing.serve(stopper)
    click.echo("Sharing stopped." if why == "stopped" else f"Sharing stopped ({why}).")
