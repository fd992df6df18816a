"""The command line: parse, call one library function, print. Errors become one clear line.

Heavy modules (numpy, the speech engine, the encoder) are imported inside the commands
that use them, so `softpace --help` stays quick.
"""

from __future__ import annotations

import json
import shlex
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
@click.option("--force", is_flag=True, help="Render even sessions that are up to date.")
@session_options
@tones_option
@pass_app
def render(
    app: AppContext,
    stage: str | None,
    render_every: bool,
    out_dir: Path,
    force: bool,
    voice: str,
    inhale_s: float,
    exhale_s: float,
    short: bool,
    tones: str,
) -> None:
    """Render a stage (or --all) to <stage>.mp3 and <stage>.timeline.json.

    --all renders stages in parallel, one process per core, and prints the total time.
    A session whose files already come from the same timeline, voice, settings and
    softpace version is left alone (and says so); --force renders it anyway.

    Example:

        softpace render entrance-contact --out ~/Music/softpace
        softpace render --all --exhale 7
    """
    if bool(stage) == render_every:
        raise click.UsageError("name one STAGE, or pass --all (see `softpace stages`)")
    plan = app.plan()
    chosen = plan.stages if render_every else (plan.stage(stage or ""),)
    options = _options(inhale_s, exhale_s, short)
    _render(app, plan, chosen, out_dir, voice, options, tones, force)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder to write the MP3 and timeline files into.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Decide as of this day (YYYY-MM-DD).")
@session_options
@tones_option
@pass_app
def today(
    app: AppContext,
    out_dir: Path,
    as_of: str | None,
    voice: str,
    inhale_s: float,
    exhale_s: float,
    short: bool,
    tones: str,
) -> None:
    """Render the session that fits today, as your comfort log decides.

    The stage comes from `softpace status`; after a flare the session is the shorter
    one, and symptoms logged in the last 3 days adapt it. After a red flag nothing is
    rendered (exit status 3) until you record an evaluation with `softpace clear-flags`.

    Example:

        softpace today
        softpace today --exhale 7 --out ~/Music/softpace
    """
    from softpace.plan import Variant

    plan = app.plan()
    decision = _decision_unless_paused(app, plan, as_of)
    stage = plan.stage(decision.stage)
    variant = Variant.SHORT if short or decision.variant is Variant.SHORT else Variant.STANDARD
    options = _options(inhale_s, exhale_s, variant is Variant.SHORT).for_symptoms(
        decision.modifiers
    )
    click.echo(
        f"Today: stage {stage.number}, {stage.id} ({decision.action.value}); "
        f"{'shorter' if variant is Variant.SHORT else 'standard'} session"
        + (f", adapted for {', '.join(sorted(decision.modifiers))}" if decision.modifiers else "")
        + "."
    )
    click.echo(f"  {decision.reasons[0]}" if decision.reasons else "", nl=bool(decision.reasons))
    _render(app, plan, (stage,), out_dir, voice, options, tones)
    source = "" if out_dir == Path("output") else f" --from {shlex.quote(str(out_dir))}"
    click.echo(
        f"To listen on your phone: `softpace serve{source}` shares it over your Wi-Fi; "
        f"`softpace export{source} DIR` copies it into a folder."
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


@cli.command()
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
    from softpace.export.bundle import export_to_folder, export_to_zip
    from softpace.export.catalog import find_sessions

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


@cli.command()
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

    from softpace.export import server

    plan = app.plan()
    with server.private_folder() as folder:
        share = server.Share(
            plan, source_dir, folder, discreet, today=lambda: _today_note(app, plan)
        )
        share.current()  # nothing rendered: say so before listening
        if host is None:
            host = server.lan_address()
            if host is None:
                host = "127.0.0.1"
                click.echo("No network found: sharing with this computer only.", err=True)
        sock = server.bind(host, port)
        token = server.new_token()
        url = server.share_url(sock, token)
        click.echo("Open this address on your phone (same Wi-Fi), or scan the code:")
        click.echo(f"  {url}")
        click.echo(f"Podcast feed (AntennaPod: add podcast by address): {url}feed.xml")
        segno.make(url, error="m").terminal(out=sys.stdout, compact=True)
        click.echo(
            f"Keep this address private. Stops after {idle_minutes:g} min without a visit; "
            "Ctrl-C stops it now."
        )
        try:
            why = server.run_share(share, sock, token, idle_minutes * 60)
        except KeyboardInterrupt:
            why = "Ctrl-C"
        click.echo(f"Sharing stopped ({why}).")


def _today_note(app: AppContext, plan: Any) -> Any:
    from softpace.export.server import Today
    from softpace.progress import Action

    decision = app.decision(plan, None)
    if decision.action is Action.STOP:
        reason = decision.reasons[0] if decision.reasons else ""
        return Today(None, f"Exposure practice is paused. {reason}".strip())
    stage = plan.stage(decision.stage)
    return Today(stage.id, f"Today: session {stage.number}.")


def _render(
    app: AppContext,
    plan: Any,
    chosen: Any,
    out_dir: Path,
    voice: str,
    options: Any,
    tones: str = "normal",
    force: bool = False,
) -> None:
    from softpace.atomic import ensure_writable_dir
    from softpace.render import RenderJob, render_all, total_samples

    job = RenderJob(
        plan=plan, stages=tuple(chosen), out_dir=out_dir, options=options, tones=tones, force=force
    )
    ensure_writable_dir(out_dir)
    recipe = app.voice(voice)
    started = time.perf_counter()
    with _progress(total_samples(job), "Rendering") as advance:
        results = render_all(job, recipe, advance)
    for result in results:
        minutes, seconds = divmod(round(result.duration_s), 60)
        same = "  unchanged, left as it was (--force renders it again)" if result.skipped else ""
        click.echo(f"{result.mp3_path}  ({minutes}:{seconds:02d}){same}")
    made = sum(not r.skipped for r in results)
    click.echo(
        f"rendered {made} session(s) in {time.perf_counter() - started:.1f} s"
        + (f"; {len(results) - made} unchanged" if made < len(results) else ""),
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


@cli.command()
@click.argument("mp3", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--timeline",
    "timeline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The session's timeline (default: <name>.timeline.json beside the MP3).",
)
def verify(mp3: Path, timeline_path: Path | None) -> None:
    """Decode a rendered session and check it against its timeline.

    Checks the length, that every spoken line is there, that the breath tones turn
    where the timeline says (within 40 ms), loudness (-19 LUFS +/- 1), true peak (at
    most -1.5 dBTP) and clicks. Exits 1 when a check fails.

    Example:

        softpace verify output/entrance-contact.mp3
    """
    from softpace.audio.verify import verify_mp3

    report = verify_mp3(mp3, timeline_path)
    click.echo(f"{mp3}:")
    for line in report.lines():
        click.echo(f"  {line}")
    failed = sum(not check.ok for check in report.checks)
    if failed:
        click.echo(f"verify: {failed} check(s) failed", err=True)
        raise click.exceptions.Exit(1)


class _LogCommand(click.Command):
    """`softpace log --help` lists the symptom and red-flag names of the plan in use."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        app = ctx.find_object(AppContext)
        try:
            plan = app.plan() if app else None
        except SoftpaceError:
            plan = None
        if plan is None:
            return
        for heading, items in (
            ("Symptoms (--symptom NAME)", plan.troubleshooting),
            ("Red flags (--red-flag NAME)", plan.red_flags),
        ):
            with formatter.section(heading):
                formatter.write_dl([(item.id, item.title) for item in items])


@cli.command(cls=_LogCommand)
@click.option("--during", type=int, metavar="0-10", help="Discomfort during the practice, 0-10.")
@click.option(
    "--after",
    type=int,
    metavar="0-10",
    help="Next-day discomfort (0-10) for the latest practice day before --date.",
)
@click.option("--date", "day_text", metavar="DATE", help="The day (YYYY-MM-DD; default today).")
@click.option("--stage", help="Stage practised (default: the stage `softpace status` names).")
@click.option("--dilator", metavar="SIZE", help="Dilator size used, e.g. 2 or 19mm.")
@click.option("--symptom", "symptoms", multiple=True, metavar="NAME", help="A symptom (repeat).")
@click.option("--red-flag", "red_flags", multiple=True, metavar="NAME", help="A red flag (repeat).")
@click.option("--note", help="A free note, e.g. your journal line.")
@pass_app
def log(
    app: AppContext,
    during: int | None,
    after: int | None,
    day_text: str | None,
    stage: str | None,
    dilator: str | None,
    symptoms: tuple[str, ...],
    red_flags: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a practice, the next-day rating, or symptoms and red flags.

    Discomfort is 0 (none) to 10 (worst); the plan's limit is 2. The log stays on
    this machine (see `softpace status` for what it decides).

    Example:

    \b
        softpace log --during 1
        softpace log --during 2 --dilator 2 --symptom clench --note "felt safer"
        softpace log --after 1              (the next day: how it settled)
        softpace log --after 3 --date 2026-11-20
        softpace log --red-flag bleeding    (no practice needed)
    """
    from softpace.progress import decide
    from softpace.progress.entries import (
        check_names,
        next_day_entry,
        practice_entry,
    )

    if during is not None and after is not None:
        raise click.UsageError(
            "give --during (a practice) or --after (the next-day rating), not both"
        )
    if during is None and after is None and not (symptoms or red_flags):
        raise click.UsageError(
            "nothing to log: give --during N after a practice, --after N the next day, "
            "or --symptom / --red-flag NAME"
        )
    plan = app.plan()
    day = _day(day_text, "--date")
    if during is None and (stage or dilator or note):
        raise click.UsageError("--stage, --dilator and --note go with --during (a practice)")
    if during is not None:
        # Everything is checked before the log is opened; a missing --stage is filled in
        # from the log below (the first stage stands in for the check).
        checked = practice_entry(
            plan,
            on=day,
            stage=stage or plan.stages[0].id,
            during=during,
            dilator=dilator,
            note=note,
            symptoms=symptoms,
            red_flags=red_flags,
        )
        with app.open_log(create=True) as store:
            if stage is None:
                from dataclasses import replace

                checked = replace(checked, stage=decide(store.load(), plan, day).stage)
            practice = store.add_practice(checked)
        click.echo(
            f"Logged practice #{practice.id}: {day.isoformat()}, {practice.stage}, "
            f"discomfort during {practice.during}/10."
        )
        if practice.during > plan.comfort_rule.max_discomfort:
            click.echo(
                f"That is above {plan.comfort_rule.max_discomfort}/10: the next sessions step "
                "back and are shorter. Be gentle with yourself today."
            )
        else:
            click.echo("Tomorrow, record how it settled: softpace log --after N")
    elif after is not None:
        entry = next_day_entry(plan, on=day, rating=after, symptoms=symptoms, red_flags=red_flags)
        # A missing log has no practice to rate: reading it as empty lets the store say so.
        with app.open_log(create=app.log_path().exists()) as store:
            before = store.add_next_day(entry)
        rated = before[0]
        replaced = [p.next_day for p in before if p.next_day is not None]
        click.echo(
            f"Logged next-day discomfort {after}/10 for your {rated.on.isoformat()} practice "
            f"({rated.stage})."
            + (f" It replaces the earlier rating {replaced[-1]}/10." if replaced else "")
        )
    else:
        names = check_names(symptoms, plan.troubleshooting, "--symptom")
        flags = check_names(red_flags, plan.red_flags, "--red-flag")
        with app.open_log(create=True) as store:
            store.add_observations(day, names, flags)
        click.echo(f"Logged for {day.isoformat()}: {', '.join([*names, *flags])}.")
    if red_flags:
        click.echo(
            "Red flag noted. Exposure sessions are paused until you have been evaluated by a "
            "pelvic health physiotherapist or a knowledgeable clinician; then run "
            "`softpace clear-flags --evaluated`."
        )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--as-of", "as_of", metavar="DATE", help="Decide as of this day (YYYY-MM-DD).")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw comfort over time, with the stages as bands, to this PNG file.",
)
@pass_app
def status(app: AppContext, as_json: bool, as_of: str | None, plot_path: Path | None) -> None:
    """Where you are: the stage, the action, the reasons, and what to log next.

    Actions: start, stay, advance, step-back, stop. With --json, one object with the
    keys stage (always the stage to practise next), action, reasons, easy_streak,
    days_at_stage, and more.

    Example:

        softpace status
        softpace status --json
        softpace status --plot comfort.png
    """
    from softpace.progress import decide
    from softpace.progress.report import format_status

    plan = app.plan()
    day = _day(as_of, "--as-of")
    with app.open_log() as store:
        entries = store.load()
    decision = decide(entries, plan, day)
    if plot_path is not None:
        from softpace.progress.plot import plot_comfort

        plot_comfort(entries, decision, plan, plot_path)
    if as_json:
        click.echo(json.dumps(decision.to_json_dict(), indent=2))
    else:
        click.echo(format_status(decision, plan), nl=False)
    if plot_path is not None:
        click.echo(f"plot written to {plot_path}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_app
def history(app: AppContext, as_json: bool) -> None:
    """Print the comfort log: every practice, rating, symptom, red flag and evaluation.

    Example:

        softpace history
        softpace history --json > my-comfort-log.json
    """
    from softpace.progress.report import format_history, history_json

    with app.open_log() as store:
        entries = store.load()
    if as_json:
        click.echo(json.dumps(history_json(entries), indent=2))
    else:
        click.echo(format_history(entries, app.plan()), nl=False)


@cli.command("clear-flags")
@click.option(
    "--evaluated",
    is_flag=True,
    help="Confirm a clinician has evaluated the red flags you logged.",
)
@click.option("--date", "day_text", metavar="DATE", help="Day of the evaluation (default today).")
@click.option("--note", help="A note, e.g. who you saw and what they said.")
@pass_app
def clear_flags(app: AppContext, evaluated: bool, day_text: str | None, note: str | None) -> None:
    """After an evaluation, let sessions start again.

    Red flags pause exposure sessions until you record that a pelvic health
    physiotherapist or a knowledgeable clinician has evaluated you.

    Example:

        softpace clear-flags --evaluated --note "GP visit, all clear"
    """
    from softpace.progress import decide
    from softpace.progress.entries import clean_note

    if not evaluated:
        raise click.UsageError(
            "red flags are cleared only after an evaluation: once a pelvic health "
            "physiotherapist or a knowledgeable clinician has seen you, run "
            "`softpace clear-flags --evaluated`"
        )
    plan = app.plan()
    day = _day(day_text, "--date")
    text = clean_note(note)
    with app.open_log() as store:
        active = decide(store.load(), plan, day).red_flags
    if not active:
        click.echo(f"No red flags to clear as of {day.isoformat()}; nothing was recorded.")
        return
    with app.open_log(create=True) as store:
        store.add_evaluation(day, text)
    click.echo(
        f"Evaluation recorded for {day.isoformat()}; cleared: {', '.join(active)}. "
        "Sessions start again where you left off: see `softpace status`."
    )


def main() -> None:
    cli(prog_name="softpace")


if __name__ == "__main__":
    main()
