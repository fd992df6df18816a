"""Commands that get sessions onto the phone: export and serve."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from softpace.app.share import Sharing

from softpace.cli.common import CliState, discreet_option, pass_state, source_option
from softpace.constants import DEFAULT_IDLE_STOP_MIN, DEFAULT_PORT


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
@pass_state
def export(
    state: CliState,
    dest: Path | None,
    zip_path: Path | None,
    discreet: bool | None,
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
    from softpace.app import export_sessions

    result = export_sessions(
        state.app(source_dir),
        folder=dest,
        zip_path=zip_path,
        discreet=discreet,
        today_only=today_only,
        as_of=as_of,
    )
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
    default=DEFAULT_PORT,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--idle-stop",
    "idle_minutes",
    type=click.FloatRange(min=0.01),
    default=DEFAULT_IDLE_STOP_MIN,
    show_default=True,
    help="Stop after this many minutes without a visit from your phone.",
)
@discreet_option
@source_option
@pass_state
def serve(
    state: CliState,
    host: str | None,
    port: int,
    idle_minutes: float,
    discreet: bool | None,
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
    from softpace.app import ShareRequest, open_share
    from softpace.share.lifecycle import Stopper, stop_on_signals

    request = ShareRequest(host, port, idle_minutes, discreet)
    ctx = state.app(source_dir)
    with stop_on_signals(Stopper()) as stopper, open_share(ctx, request) as sharing:
        _announce(sharing, idle_minutes)
        why = sharing.serve(stopper)
    click.echo("Sharing stopped." if why == "stopped" else f"Sharing stopped ({why}).")


def _announce(sharing: Sharing, idle_minutes: float) -> None:
    """Where to open the share; a QR code only when a phone can reach the address."""
    import segno

    if sharing.no_network:
        click.echo("No network found: sharing with this computer only.", err=True)
    if sharing.local_only:
        click.echo("Open this address in a browser on this computer:")
    else:
        click.echo("Open this address on your phone (same Wi-Fi), or scan the code:")
    click.echo(f"  {sharing.url}")
    click.echo(f"Podcast feed (AntennaPod: add podcast by address): {sharing.feed_url}")
    if not sharing.local_only:
        segno.make(sharing.url, error="m").terminal(out=sys.stdout, compact=True)
    click.echo(
        f"Keep this address private. Stops after {idle_minutes:g} min without a visit; "
        "Ctrl-C stops it now."
    )
