"""What the command groups share: the per-run state, shared options, a progress bar.

Options that the user's settings also hold default to None here, so a setting applies
unless the option is given on the command line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from softpace.constants import DEFAULT_OUTPUT_DIR, TONES

if TYPE_CHECKING:
    from softpace.app import AppContext, Choices, RenderProgress

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """The group's options; the AppContext (plan, settings) is loaded when a command needs it."""

    home: Path | None
    plan_path: Path | None
    _app: AppContext | None = field(default=None, repr=False)

    def app(self, out_dir: Path | None = None) -> AppContext:
        from softpace.app import AppContext

        if self._app is None:
            self._app = AppContext.load(self.home, self.plan_path)
        return self._app.with_out_dir(out_dir)


pass_state = click.make_pass_decorator(CliState)


def _hip_openers(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    return None if value is None else tuple(p.strip() for p in value.split(",") if p.strip())


def session_options(func: F) -> F:
    """--voice, --inhale, --exhale, --short and --hip-openers (script, render, today)."""
    options = [
        click.option("--voice", help="Voice profile (see `softpace voices`; default: settings)."),
        click.option(
            "--inhale",
            "inhale_s",
            type=click.FloatRange(2, 10),
            help="Seconds per inhale, 2-10 (default: settings, else 4).",
        ),
        click.option(
            "--exhale",
            "exhale_s",
            type=click.FloatRange(2, 10),
            help="Seconds per exhale, 2-10 (default: settings, else 6).",
        ),
        click.option(
            "--short/--standard",
            default=None,
            help="The shorter variant: the low end of every range in the plan.",
        ),
        click.option(
            "--hip-openers",
            metavar="A,B",
            callback=_hip_openers,
            help="The two hip-opener poses, e.g. childs-pose,figure-four (default: rotate).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def tones_option(func: F) -> F:
    return click.option(
        "--tones",
        type=click.Choice(TONES),
        help="The breath-tone bed under the voice (bells stay; default: settings, else normal).",
    )(func)


def force_option(func: F) -> F:
    return click.option(
        "--force", is_flag=True, help="Render even sessions whose files are up to date."
    )(func)


def out_option(func: F) -> F:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=DEFAULT_OUTPUT_DIR,
        show_default=True,
        help="Folder to write the MP3 and timeline files into.",
    )(func)


def source_option(func: F) -> F:
    """--from, shared by export and serve."""
    return click.option(
        "--from",
        "source_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUTPUT_DIR,
        show_default=True,
        help="The folder you rendered into (`softpace today` / `render --out`).",
    )(func)


def discreet_option(func: F) -> F:
    """--discreet, shared by export and serve."""
    return click.option(
        "--discreet/--plain",
        default=None,
        help="Titles, album, chapters and file names that reveal nothing intimate "
        '("Evening practice 3"), and a neutral cover (default: settings).',
    )(func)


def choices(**values: Any) -> Choices:
    """The Choices for the session options a command was given."""
    from softpace.app import Choices

    return Choices(**{k: v for k, v in values.items() if k in Choices.__dataclass_fields__})


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[RenderProgress], None]]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield lambda p: None
        return
    with click.progressbar(length=1000, label=label, file=sys.stderr) as bar:
        shown = 0

        def update(p: RenderProgress) -> None:
            nonlocal shown
            now = round(p.fraction * 1000)
            bar.update(now - shown)
            shown = now

        yield update


def mmss(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
