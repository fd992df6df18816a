"""The settings command: show the saved settings, or change some."""

from __future__ import annotations

import json

import click

from softpace.cli.common import CliState, pass_state


@click.command("settings")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Change a setting (repeat); an empty VALUE resets it.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def settings(state: CliState, assignments: tuple[str, ...], as_json: bool) -> None:
    """Show or change your settings (voice, breath pace, tones, short, hip openers, ...).

    They are saved in settings.toml in your softpace folder, used by every command and
    the web app; a command-line option overrides a setting for that run.

    Example:

    \b
        softpace settings
        softpace settings --set exhale_s=7 --set hip_openers=happy-baby,figure-four
        softpace settings --set voice=            (back to the default voice)
    """
    from softpace.app import set_values
    from softpace.settings import as_display, settings_path

    ctx = state.app()
    if assignments:
        ctx = set_values(ctx, assignments)
    shown = as_display(ctx.settings)
    if as_json:
        click.echo(json.dumps(shown, indent=2))
        return
    click.echo(f"Settings ({settings_path(ctx.home)}):")
    for key, value in shown.items():
        click.echo(f"  {key:<14} {value or '(default)'}")
