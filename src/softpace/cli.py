"""The command line: parse, call one library function, print. Errors become one clear line.

Heavy modules (numpy, the speech engine, the encoder) are imported inside the commands
that use them, so `softpace --help` stays quick.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from softpace import __version__
from softpace.errors import SoftpaceError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    home: Path | None
    plan_path: Path | None

    def plan(self):  # type: ignore[no-untyped-def]
        from softpace.plan import load_plan

        return load_plan(self.plan_path)

    def speaker(self, voice: str):  # type: ignore[no-untyped-def]
        from softpace.paths import cache_dir, data_home
        from softpace.voice.engine import get_engine
        from softpace.voice.profiles import get_profile
        from softpace.voice.speaker import Speaker

        profile = get_profile(voice, data_home(self.home) / "voices")
        engine = get_engine(profile.engine)
        return Speaker(engine, profile, cache_dir(self.home))


pass_app = click.make_pass_decorator(AppContext)


class SoftpaceGroup(click.Group):
    """Turns softpace's own errors into one 'Error: ...' line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SoftpaceError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=SoftpaceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="softpace")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SOFTPACE_HOME",
    help="Folder for softpace's data and cache (default: your user data folder). "
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
    ctx.obj = AppContext(home=home, plan_path=plan_path)


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


def _options(inhale_s: float, exhale_s: float, short: bool):  # type: ignore[no-untyped-def]
    from softpace.plan import Variant
    from softpace.script.narration import SessionOptions

    return SessionOptions(
        inhale_s=inhale_s, exhale_s=exhale_s, variant=Variant.SHORT if short else Variant.STANDARD
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def stages(app: AppContext, as_json: bool) -> None:
    """List the plan's stages in order, with title and session length.

    Example:

        softpace stages
        softpace stages --json
    """
    plan = app.plan()
    rows = [
        {
            "id": s.id,
            "number": s.number,
            "title": s.title,
            "session_s": round(plan.session_length_s(s), 1),
            "exercises": list(s.exercises),
        }
        for s in plan.stages
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        minutes, seconds = divmod(round(r["session_s"]), 60)
        click.echo(f"{r['number']}. {r['id']:<{width}}  {minutes:2d}:{seconds:02d}  {r['title']}")


@cli.command()
@click.argument("stage")
@session_options
@pass_app
def script(
    app: AppContext, stage: str, voice: str, inhale_s: float, exhale_s: float, short: bool
) -> None:
    """Print a stage's timed narration script (mm:ss and text) without making audio.

    Times are those the chosen voice will speak (its words are synthesized into the
    cache to measure them), so they match `softpace render`.

    Example:

        softpace script entrance-contact
    """
    from softpace.render import session_timeline
    from softpace.script.printing import format_script

    plan = app.plan()
    timeline = session_timeline(
        plan, plan.stage(stage), _options(inhale_s, exhale_s, short), app.speaker(voice)
    )
    click.echo(format_script(timeline), nl=False)


@cli.command()
@click.argument("stage", required=False)
@click.option("--all", "render_every", is_flag=True, help="Render every stage of the plan.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write the MP3 and timeline files into.",
)
@session_options
@pass_app
def render(
    app: AppContext,
    stage: str | None,
    render_every: bool,
    out_dir: Path,
    voice: str,
    inhale_s: float,
    exhale_s: float,
    short: bool,
) -> None:
    """Render a stage (or --all) to <stage>.mp3 and <stage>.timeline.json.

    Example:

        softpace render entrance-contact --out ~/Music/softpace
        softpace render --all --exhale 7
    """
    if bool(stage) == render_every:
        raise click.UsageError("name one STAGE, or pass --all (see `softpace stages`)")
    plan = app.plan()
    chosen = plan.stages if render_every else (plan.stage(stage or ""),)
    _render(app, plan, chosen, out_dir, voice, _options(inhale_s, exhale_s, short))


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write the MP3 and timeline files into.",
)
@session_options
@pass_app
def today(
    app: AppContext, out_dir: Path, voice: str, inhale_s: float, exhale_s: float, short: bool
) -> None:
    """Render the session that fits today.

    Until practices are logged, today is the plan's first stage.

    Example:

        softpace today
    """
    plan = app.plan()
    _render(app, plan, (plan.stages[0],), out_dir, voice, _options(inhale_s, exhale_s, short))


def _render(
    app: AppContext, plan: Any, chosen: Any, out_dir: Path, voice: str, options: Any
) -> None:
    from softpace.atomic import ensure_writable_dir
    from softpace.render import RenderJob, render_all, total_samples

    job = RenderJob(plan=plan, stages=tuple(chosen), out_dir=out_dir, options=options)
    ensure_writable_dir(out_dir)
    speaker = app.speaker(voice)
    started = time.perf_counter()
    with _progress(total_samples(job), "Rendering") as advance:
        results = render_all(job, speaker, advance)
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--engine-voices/--no-engine-voices",
    default=True,
    show_default=True,
    help="Also list the voices the speech engine has installed.",
)
@pass_app
def voices(app: AppContext, as_json: bool, engine_voices: bool) -> None:
    """List voice profiles (voices/*.toml) and the speech engine's installed voices.

    Example:

        softpace voices
        softpace render --all --voice warm
    """
    from softpace.paths import data_home
    from softpace.voice.engine import get_engine
    from softpace.voice.profiles import DEFAULT_PROFILE, load_profiles

    profiles = load_profiles(data_home(app.home) / "voices")
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


def main() -> None:
    cli(prog_name="softpace")


if __name__ == "__main__":
    main()
