"""`softpace voices`: list, preview and check voices, and make recorded packs.

Parsing and printing only; the work is in softpace.voice (catalog, preview, lines,
recorded). The integrator moves this group into the cli/ package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def _user_dir(obj: Any) -> Path:
    from softpace.paths import data_home

    return data_home(getattr(obj, "home", None)) / "voices"


def _cache(obj: Any) -> Path:
    from softpace.paths import cache_dir

    return cache_dir(getattr(obj, "home", None))


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
    if ctx.invoked_subcommand is not None:
        return
    if engine_name is not None:
        _engine_voices(engine_name, as_json)
        return
    if preview_name is not None:
        _preview(ctx.obj, preview_name, play, out)
        return
    if play or out is not None:
        raise click.UsageError("--play and --out go with --preview NAME")
    from softpace.voice.catalog import catalog

    found = catalog(_user_dir(ctx.obj))
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


def _engine_voices(name: str, as_json: bool) -> None:
    from softpace.voice import registry

    found = registry.engine(name).voices()
    if as_json:
        click.echo(json.dumps([{"id": v.id, "name": v.name} for v in found], indent=2))
        return
    click.echo(f"Voices of the {registry.canonical(name)} engine ({len(found)}):")
    for v in found:
        click.echo(f"  {v.id:<24} {v.name}")


def _preview(obj: Any, name: str, play: bool, out: Path | None) -> None:
    from softpace.voice.preview import play as play_file
    from softpace.voice.preview import render_preview
    from softpace.voice.profiles import get_profile

    profile = get_profile(name, _user_dir(obj))
    result = render_preview(profile, _cache(obj), out or Path(f"preview-{name}.wav"))
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
@click.pass_obj
def record_list(obj: Any, pack: str, folder: Path | None) -> None:
    """Write every line the sessions speak (id, text, where used) as CSV and a printable page.

    Record each line as ID.wav (or .flac, .mp3, .m4a) in the pack's folder; lines left
    out are spoken by the pack's fallback voice (`pack.toml`: fallback = "calm").

    Example:

        softpace voices record-list mine
    """
    from softpace.voice.lines import spoken_lines, write_record_list

    _check_pack_name(pack)
    lines = spoken_lines(obj.plan())
    csv_path, html_path = write_record_list(lines, folder or _user_dir(obj) / pack, pack)
    click.echo(f"{len(lines)} lines")
    click.echo(str(csv_path))
    click.echo(str(html_path))


@voices.command("check")
@click.argument("pack")
@click.pass_obj
def check(obj: Any, pack: str) -> None:
    """Report a recorded pack's coverage and any recording that is clipped, too quiet,
    silent, unreadable or too long for its slot (exit 1 if any).

    Example:

        softpace voices check mine
    """
    from softpace.voice.packs import find_pack
    from softpace.voice.profiles import get_profile
    from softpace.voice.recorded import check_pack
    from softpace.voice.speaker import open_speaker

    _check_pack_name(pack)
    if find_pack(pack, _user_dir(obj)) is None:
        raise click.UsageError(
            f"no recorded pack {pack!r}: put recordings in {_user_dir(obj) / pack} "
            f"(see `softpace voices record-list {pack}`)"
        )
    profile = get_profile(pack, _user_dir(obj))
    speaker = open_speaker(profile, _cache(obj))
    report = check_pack(obj.plan(), speaker)
    total, have = len(report.lines), len(report.recorded)
    click.echo(
        f"{pack} ({report.folder}): {have} of {total} lines recorded "
        f"({100 * report.coverage:.0f}%); the other {total - have} are spoken by "
        f"{speaker.fallback.profile.name}"
    )
    for finding in report.findings:
        click.echo(f"  {finding.path.name}: {finding.problem}")
    for path in report.unknown:
        click.echo(f"  {path.name}: matches no line id (see the record list)")
    if not report.ok:
        raise SystemExit(1)


def _check_pack_name(pack: str) -> None:
    if not pack or pack != Path(pack).name or pack.startswith("."):
        raise click.BadParameter("a pack name is a plain folder name", param_hint="PACK")
