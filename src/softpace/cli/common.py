"""What the command groups share: the context, shared options, rendering with progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    home: Path | None
    plan_path: Path | None

    def plan(self):  # type: ignore[no-untyped-def]
        from softpace.plan import load_plan

        return load_plan(self.plan_path)

    def voice(self, name: str):  # type: ignore[no-untyped-def]
        """The recipe for a Speaker of the named profile (plain data, for worker processes)."""
        from softpace.paths import cache_dir, data_home
        from softpace.render import Voice
        from softpace.voice.profiles import get_profile

        return Voice(get_profile(name, data_home(self.home) / "voices"), cache_dir(self.home))

    def speaker(self, voice: str):  # type: ignore[no-untyped-def]
        return self.voice(voice).speaker()

    def log_path(self) -> Path:
        from softpace.paths import data_home
        from softpace.progress.store import log_path

        return log_path(data_home(self.home))

    def open_log(self, create: bool = False):  # type: ignore[no-untyped-def]
        """The comfort log; without `create`, a missing log reads as empty (nothing made)."""
        from softpace.progress.store import ComfortStore

        return ComfortStore.open(self.log_path(), create=create)

    def decision(self, plan: Any, as_of: str | None):  # type: ignore[no-untyped-def]
        from softpace.progress import decide

        day = _day(as_of, "--as-of")
        with self.open_log() as store:
            return decide(store.load(), plan, day)


pass_app = click.make_pass_decorator(AppContext)

EXIT_PAUSED = 3  # `today` after a red flag: nothing rendered, on purpose


def _day(text: str | None, what: str) -> Any:
    """A DATE option as a date (today when not given); never in the future."""
    from datetime import date

    from softpace.progress.entries import parse_day

    return date.today() if text is None else parse_day(text, date.today(), what)


def session_options(func: F) -> F:
    """--voice, --inhale, --exhale and --short, shared by script, render and today."""
    options = [
        click.option(
            "--voice",
            default="calm",
            show_default=True,
            help="Voice profile (see `softpace voices`).",
        ),
        click.option(
            "--inhale",
            "inhale_s",
            type=click.FloatRange(2, 10),
            default=4.0,
            show_default=True,
            help="Seconds per inhale (2-10).",
        ),
        click.option(
            "--exhale",
            "exhale_s",
            type=click.FloatRange(2, 10),
            default=6.0,
            show_default=True,
            help="Seconds per exhale (2-10).",
        ),
        click.option(
            "--short",
            is_flag=True,
            help="The shorter variant: the low end of every range in the plan.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def tones_option(func: F) -> F:
    """--tones, shared by render and today."""
    return click.option(
        "--tones",
        type=click.Choice(["soft", "normal", "off"]),
        default="normal",
        show_default=True,
        help="The breath-tone bed under the voice: soft, normal, or off (bells stay).",
    )(func)


def _options(inhale_s: float, exhale_s: float, short: bool):  # type: ignore[no-untyped-def]
    from softpace.plan import Variant
    from softpace.script.narration import SessionOptions

    return SessionOptions(
        inhale_s=inhale_s, exhale_s=exhale_s, variant=Variant.SHORT if short else Variant.STANDARD
    )


def _decision_unless_paused(app: AppContext, plan: Any, as_of: str | None) -> Any:
    """Today's decision; after a red flag, say why there is no session and exit 3."""
    from softpace.progress import Action

    decision = app.decision(plan, as_of)
    if decision.action is Action.STOP:
        click.echo("No session today: exposure practice is paused.")
        for reason in decision.reasons:
            click.echo(f"  - {reason}")
        sys.exit(EXIT_PAUSED)
    return decision


def source_option(func: F) -> F:
    """--from, shared by export and serve."""
    return click.option(
        "--from",
        "source_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help="The folder you rendered into (`softpace today` / `render --out`).",
    )(func)


def discreet_option(func: F) -> F:
    """--discreet, shared by export and serve."""
    return click.option(
        "--discreet",
        is_flag=True,
        help="Titles, album, chapters and file names that reveal nothing intimate "
        '("Evening practice 3"), and a neutral cover.',
    )(func)


def _render(
    app: AppContext,
    plan: Any,
    chosen: Any,
    out_dir: Path,
    voice: str,
    options: Any,
    tones: str = "normal",
) -> None:
    from softpace.atomic import ensure_writable_dir
    from softpace.render import RenderJob, render_all, total_samples

    job = RenderJob(plan=plan, stages=tuple(chosen), out_dir=out_dir, options=options, tones=tones)
    ensure_writable_dir(out_dir)
    recipe = app.voice(voice)
    started = time.perf_counter()
    with _progress(total_samples(job), "Rendering") as advance:
        results = render_all(job, recipe, advance)
    for result in results:
        minutes, seconds = divmod(round(result.duration_s), 60)
        click.echo(f"{result.mp3_path}  ({minutes}:{seconds:02d})")
    click.echo(
        f"rendered {len(results)} session(s) in {time.perf_counter() - started:.1f} s",
        err=True,
    )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
