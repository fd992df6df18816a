"""`softpace voices`: list, preview and check voices, and make recorded packs.

Parsing and printing only; the work is in softpace.voice (catalog, preview, lines,
recorded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from softpace.cli.common import CliState, pass_state

if TYPE_CHECKING:
    from softpace.app import AppContext, voices as app_voices
    from softpace.voice.catalog import Catalog
    from softpace.voice.preview import Preview


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--preview", "preview_name", metavar="NAME", help="Write a ~20 s sample of NAME.")
@click.option("--play", is_flag=True, help="With --preview: play the sample (if a player exists).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --preview: the WAV file to write (default: preview-NAME.wav).",
)
@click.option(
    "--engine",
    "engine_name",
    metavar="ENGINE",
    help="List this engine's installed voices instead (ids for a profile's 'voice').",
)
@click.pass_context
def voices(
    ctx: click.Context,
    as_json: bool,
    preview_name: str | None,
    play: bool,
    out: Path | None,
    engine_name: str | None,
) -> None:
    """List voice profiles: engine, gender, accent, installed, licence.

    Example:

        softpace voices
        softpace voices --preview espeak-calm --play
        softpace voices --engine espeak
        softpace render --all --voice espeak-warm
    """
    from softpace.app import voices as app_voices

    if ctx.invoked_subcommand is not None:
        return
    if (play or out is not None) and preview_name is None:
        raise click.UsageError("--play and --out go with --preview NAME")
    if engine_name is not None:
        _print_engine_voices(app_voices.engine_voices(engine_name), as_json)
    elif preview_name is not None:
        _print_preview(app_voices.preview_voice(_app(ctx), preview_name, out), play)
    else:
        _print_catalog(app_voices.list_voices(_app(ctx)), as_json)


def _app(ctx: click.Context) -> AppContext:
    state: CliState = ctx.find_object(CliState)  # type: ignore[assignment]  # set by the group
    return state.app()


def _print_catalog(found: Catalog, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([row.as_json() for row in found.rows], indent=2))
    else:
        click.echo("Voice profiles (--voice NAME):")
        for row in found.rows:
            name = f"{row.name} (default)" if row.default else row.name
            state = "installed" if row.installed else "not installed"
            click.echo(f"  {name:<16} {row.description}")
            click.echo(
                f"  {'':<16} {row.engine}, {row.gender or '-'}, {row.accent or '-'}, "
                f"{state}; licence: {row.licence}"
            )
            if row.problem:
                click.echo(f"  {'':<16} ({row.problem})")
    for problem in found.problems:
        click.echo(f"skipped: {problem}", err=True)


def _print_engine_voices(found: app_voices.EngineVoices, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([{"id": v.id, "name": v.name} for v in found.voices], indent=2))
        return
    click.echo(f"Voices of the {found.engine} engine ({len(found.voices)}):")
    for v in found.voices:
        click.echo(f"  {v.id:<24} {v.name}")


def _print_preview(result: Preview, play: bool) -> None:
    from softpace.voice.preview import play as play_file

    click.echo(f"{result.path}  ({result.duration_s:.0f} s, {result.profile})")
    if play and not play_file(result.path):
        click.echo("no audio player found (paplay, aplay, afplay, ffplay, play); open the file")


@voices.command("record-list")
@click.argument("pack")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the list (default: the pack's folder, <home>/voices/PACK).",
)
@pass_state
def record_list(state: CliState, pack: str, folder: Path | None) -> None:
    """Write every line the sessions speak (id, text, where used) as CSV and a printable page.

    Record each line as ID.wav (or .flac, .mp3, .m4a) in the pack's folder; lines left
    out are spoken by the pack's fallback voice (`pack.toml`: fallback = "calm").

    Example:

        softpace voices record-list mine
    """
    from softpace.app import voices as app_voices

    made = app_voices.record_list(state.app(), pack, folder)
    click.echo(f"{made.n_lines} lines")
    click.echo(str(made.csv_path))
    click.echo(str(made.html_path))


@voices.command("check")
@click.argument("pack")
@pass_state
def check(state: CliState, pack: str) -> None:
    """Report a recorded pack's coverage and any recording that is clipped, too quiet,
    silent, unreadable or too long for its slot (exit 1 if any).

    Example:

        softpace voices check mine
    """
    from softpace.app import voices as app_voices

    checked = app_voices.check_voice_pack(state.app(), pack)
    report = checked.report
    total, have = len(report.lines), len(report.recorded)
    click.echo(
        f"{pack} ({report.folder}): {have} of {total} lines recorded "
        f"({100 * report.coverage:.0f}%); the other {total - have} are spoken by "
        f"{checked.fallback}"
    )
    for finding in report.findings:
        click.echo(f"  {finding.path.name}: {finding.problem}")
    for path in report.unknown:
        click.echo(f"  {path.name}: matches no line id (see the record list)")
    if not report.ok:
        raise SystemExit(1)  # a check that failed (the exit-status rule)
