"""The voices command: voice profiles and the speech engine's installed voices.

(The voice engineer's cli_voices.py replaces this module when it is merged.)
"""

from __future__ import annotations

import json

import click

from softpace.cli.common import CliState, pass_state


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--engine-voices/--no-engine-voices",
    default=True,
    show_default=True,
    help="Also list the voices the speech engine has installed.",
)
@pass_state
def voices(state: CliState, as_json: bool, engine_voices: bool) -> None:
    """List voice profiles (voices/*.toml) and the speech engine's installed voices.

    Example:

        softpace voices
        softpace render --all --voice warm
    """
    from softpace.paths import data_home
    from softpace.voice.engine import get_engine
    from softpace.voice.profiles import DEFAULT_PROFILE, load_profiles

    profiles = load_profiles(data_home(state.home) / "voices")
    installed = []
    if engine_voices:
        engines = {p.engine for p in profiles.values()} or {"pyttsx3"}
        for name in sorted(engines):
            installed += [(name, v) for v in get_engine(name).voices()]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "profiles": [
                        {
                            "name": p.name,
                            "description": p.description,
                            "engine": p.engine,
                            "voice": p.voice,
                            "rate_wpm": p.rate_wpm,
                            "pitch": p.pitch,
                            "volume": p.volume,
                            "default": p.name == DEFAULT_PROFILE,
                        }
                        for p in profiles.values()
                    ],
                    "engine_voices": [
                        {"engine": e, "id": v.id, "name": v.name} for e, v in installed
                    ],
                },
                indent=2,
            )
        )
        return
    click.echo("Voice profiles (--voice NAME):")
    for p in profiles.values():
        mark = " (default)" if p.name == DEFAULT_PROFILE else ""
        click.echo(
            f"  {p.name:<10} {p.description}{mark}  [{p.engine} {p.voice}, "
            f"{p.rate_wpm} wpm, pitch {p.pitch}]"
        )
    if installed:
        click.echo(
            f"\nInstalled engine voices ({len(installed)}); use an id in a profile's "
            "'voice' (add +f1..+f5 or +m1..+m7 for espeak variants):"
        )
        for engine_name, v in installed:
            click.echo(f"  {engine_name}  {v.id:<24} {v.name}")
