"""The command line: parse, call one library function, print. Errors become one clear line.

Heavy modules (numpy, the speech engine, the encoder) are imported inside the commands
that use them, so `softpace --help` stays quick.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from pathlib import Path
from typing import Any

import click

from softpace import __version__
from softpace.cli import app, progress, sessions, settings, share, voices
from softpace.cli.common import CliState
from softpace.errors import EXIT_SAFETY_STOP, SoftpaceError

EXIT_PAUSED = EXIT_SAFETY_STOP  # kept for the tests and scripts that import it

__all__ = ["EXIT_PAUSED", "cli", "main"]


class SoftpaceGroup(click.Group):
    """The one place softpace's own errors become one 'Error: ...' line and an exit status
    (the error's `exit_code`: 1 runtime failure, 2 bad input, 3 safety stop)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SoftpaceError as exc:
            click.echo(f"Error: {_one_line(str(exc))}", err=True)
            sys.exit(exc.exit_code)


def _one_line(message: str) -> str:
    return " ".join(message.split())


@click.group(cls=SoftpaceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="softpace")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SOFTPACE_HOME",
    help="Folder for softpace's data, settings and cache (default: your user data folder). "
    "Also SOFTPACE_HOME.",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use this plan data file (TOML) instead of the built-in home plan.",
)
@click.pass_context
def cli(ctx: click.Context, home: Path | None, plan_path: Path | None) -> None:
    """softpace: voice-guided audio sessions for a pelvic-floor down-training home plan.

    Every session keeps the plan's rule: stop or step back when discomfort rises
    above 2/10. You set the pace.
    """
    ctx.obj = CliState(home=home, plan_path=plan_path)


for _command in (
    sessions.stages,
    sessions.script,
    sessions.render,
    sessions.today,
    sessions.verify,
    share.export,
    share.serve,
    voices.voices,
    progress.log,
    progress.status,
    progress.history,
    progress.clear_flags,
    settings.settings,
    app.app_command,
    app.reminders,
):
    cli.add_command(_command)


def main() -> None:
    # softpace keeps the cores busy itself (an encoder thread, a process per core for
    # --all); OpenBLAS's own threads only spin, about 60 ms of CPU at numpy's import in
    # every process. Set before numpy loads (child processes inherit it); the user's own
    # setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # File names that are not UTF-8 reach Python as lone surrogates; echoing them back
    # must give the same bytes, not a UnicodeEncodeError under a strict UTF-8 locale.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    try:
        cli(prog_name="softpace")
    finally:
        # The process is about to end: the garbage collector leaves what exists to the
        # end of the process instead of a last pass over every object (~35 ms after a
        # render). Exit handlers still run; only objects caught in reference cycles go
        # unfinalized, and by now every file softpace wrote is closed and in place.
        gc.freeze()


if __name__ == "__main__":
    main()
