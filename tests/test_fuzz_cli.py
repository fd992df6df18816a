"""Fuzz every command: random dates, numbers, strings and files in every option and
argument, and no traceback ever (exit status 0, 1, 2 or 3 and one clear message).

The commands and their options are read from the click tree, so a command added later is
fuzzed too. The fast variant leaves out the commands that render audio or serve (they
take seconds each); the slow one renders with the fake speech engine. `serve` is never
fuzzed here: with valid options it serves until its idle stop, on the network address.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings, strategies as st
from hypothesis.control import currently_in_test_context

from softpace.cli import cli
from softpace.plan import load_plan
from softpace.progress.store import LOG_NAME
from softpace.script.narration import SessionOptions, build_timeline
from softpace.timeline import write_timeline

EXIT_CODES = {0, 1, 2, 3}
NEVER = {"serve", "app"}  # start a server (serve: on the network address unless told otherwise)
SLOW_OPTIONS = {"--all"}  # render --all: six sessions, minutes even with the fake engine
RENDERING = {"script", "render", "today"}  # speech synthesis, mixing, encoding: seconds
TODAY = date.today()

# Tracebacks this fuzz found in files other engineers own (issue 16). Their inputs stay out
# of the random draws until those fixes are merged, and each is checked below as a strict
# expected failure: once fixed it fails as XPASS, and its line here is removed.
PENDING_ELSEWHERE = {}


# -- the values -------------------------------------------------------------------------
# Bytes that are not UTF-8 reach Python's argv as lone surrogates U+DC80..U+DCFF; a NUL
# cannot be in an argument at all.
_SURROGATE = st.integers(0xDC80, 0xDCFF).map(chr)
TEXT = st.one_of(
    st.text(
        st.one_of(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), _SURROGATE),
        max_size=30,
    ),
    st.sampled_from(["", " ", "-", "--", "\n", "x" * 2001, "é" * 3000, "../..", "~", "\udcff"]),
)
# Each kind of value is a plausible one half the time (so commands get past their first
# check and reach the log, the plot, the files) and anything at all the other half.
RECENT = st.integers(-2, 60).map(lambda n: (TODAY - timedelta(days=n)).isoformat())
SPECIAL_DATES = ["today", "yesterday", "0001-01-01", "9999-12-31", "1999-12-31", "2000-01-01"]
SPECIAL_DATES += ["2026-02-30", "2026-13-01", "26-1-1", (TODAY + timedelta(days=1)).isoformat()]
DATES = st.one_of(
    RECENT, st.sampled_from(SPECIAL_DATES), st.one_of(st.dates().map(date.isoformat), TEXT)
)
NUMBERS = st.one_of(
    st.integers(0, 12).map(str),
    st.one_of(
        st.integers(-3, 25).map(str),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["nan", "inf", "-inf", "1e309", "0x10", "1_000", "٣", "", "  7 "]),
        TEXT,
    ),
)


def _words(values: list[str]) -> st.SearchStrategy[str]:
    """Known names, or near misses and anything."""
    near = [v.upper() for v in values] + [f" {v} " for v in values] + [v[:-1] for v in values]
    return st.one_of(st.sampled_from(values), st.one_of(st.sampled_from(near), TEXT))


PLAN = load_plan()
NAMES = {
    "stage": _words(list(PLAN.stage_ids)),
    "symptom": _words([i.id for i in PLAN.troubleshooting]),
    "flag": _words([i.id for i in PLAN.red_flags]),
    "voice": _words(["calm", "warm", "bright", "clear"]),
}


# -- the files --------------------------------------------------------------------------
def _short_mp3(path: Path) -> None:
    """A real two-second MP3 (a quiet tone), made without rendering a session."""
    import numpy as np

    from softpace.audio.encode import encode_mp3

    t = np.arange(2 * 22_050) / 22_050
    encode_mp3([(np.sin(2 * np.pi * 220 * t) * 3000).astype(np.int16)], path, 22_050)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files and folders to hand to every path option: real ones and broken ones."""
    root = tmp_path_factory.mktemp("fuzz-files")
    files = {
        "missing": root / "missing" / "nothing.mp3",
        "folder": root / "folder",
        "empty": root / "empty.mp3",
        "text": root / "notes.txt",
        "garbage": root / "garbage.mp3",
        "truncated-mp3": root / "truncated.mp3",
        "mp3": root / "entrance-contact.mp3",
        "timeline": root / "session.timeline.json",  # not beside the MP3: only by --timeline
        "bad-json": root / "bad.timeline.json",
        "png": root / "plot.png",
        "plot-in-missing-folder": root / "nowhere" / "plot.png",
        "odd-name": root / "new\nline é ✓.png",
        "long-name": root / ("x" * 300 + ".png"),
        "plan-garbage": root / "plan.toml",
        "plan-20": root / "plan-20.toml",
        "plan-empty": root / "plan-empty.toml",
        "plan-not-utf8": root / "plan-latin1.toml",
        "plan-nan-scale": root / "plan-nan-scale.toml",
        "plan-inf-minutes": root / "plan-inf-minutes.toml",
        "plan-negative-minutes": root / "plan-negative-minutes.toml",
        "plan-limit-11": root / "plan-limit-11.toml",
        "empty-folder": root / "empty-folder",
        "home-voice-empty": root / "home-voice-empty",
        "home-voice-inf": root / "home-voice-inf",
        "home-voice-latin1": root / "home-voice-latin1",
        "home-voice-folder": root / "home-voice-folder",
        "home-empty-log": root / "home-empty-log",
        "home-foreign-log": root / "home-foreign-log",
        "export-dest": root / "export",
        "zip": root / "sessions.zip",
    }
    files["folder"].mkdir()
    files["empty-folder"].mkdir()
    files["empty"].touch()
    files["text"].write_text("not audio\n")
    files["garbage"].write_bytes(os.urandom(5000))
    _short_mp3(files["mp3"])
    files["truncated-mp3"].write_bytes(files["mp3"].read_bytes()[:700])
    plan = load_plan()
    timeline = build_timeline(
        plan, plan.stage("entrance-contact"), SessionOptions(), lambda text: len(text) * 1_200
    )
    write_timeline(files["timeline"], timeline)
    files["bad-json"].write_text('{"stage": 1, "events": [')
    files["plan-garbage"].write_text("[comfort_rule\nscale_max = nan\n")
    for key in ("home-voice-empty", "home-voice-inf", "home-voice-latin1", "home-voice-folder"):
        (files[key] / "voices").mkdir(parents=True)
    (files["home-voice-empty"] / "voices" / "empty.toml").touch()
    (files["home-voice-inf"] / "voices" / "infinite.toml").write_text(
        'engine = "pyttsx3"\nvoice = "gmw/en-us"\nrate_wpm = inf\npitch = 40\nvolume = 1.0\n'
    )
    (files["home-voice-latin1"] / "voices" / "latin.toml").write_bytes(
        "description = 'caf\xe9'\n".encode("latin-1")
    )
    (files["home-voice-folder"] / "voices" / "folder.toml").mkdir()
    files["home-empty-log"].mkdir()
    (files["home-empty-log"] / LOG_NAME).touch()
    files["home-foreign-log"].mkdir()
    with sqlite3.connect(files["home-foreign-log"] / LOG_NAME) as db:
        db.execute("CREATE TABLE photos (id INTEGER)")
    db.close()
    files["plan-empty"].touch()
    files["plan-not-utf8"].write_bytes("title = 'caf\xe9'\n".encode("latin-1"))
    source = PLAN.source_path.read_text(encoding="utf-8")
    for name, old, new in (
        ("plan-20", "scale_max = 10", "scale_max = 20"),
        ("plan-nan-scale", "scale_max = 10", "scale_max = nan"),
        ("plan-inf-minutes", "minutes = [3, 3]", "minutes = [inf, 3]"),
        ("plan-negative-minutes", "minutes = [3, 3]", "minutes = [-3, 3]"),
        ("plan-limit-11", "max_discomfort = 2", "max_discomfort = 11"),
    ):
        assert old in source, old
        files[name].write_text(source.replace(old, new, 1), encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def rendered_corpus(
    corpus: dict[str, Path], rendered_once: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """With a folder of sessions rendered by the fake engine, for export to copy: a copy
    of the shared one, since a drawn `render --out` may write into it."""
    folder = tmp_path_factory.mktemp("fuzz-rendered") / "rendered"
    return {**corpus, "rendered": Path(shutil.copytree(rendered_once, folder))}


def _drawable(corpus: dict[str, Path], kind: str = "") -> list[str]:
    """The corpus paths whose keys contain `kind`, less those pending elsewhere."""
    return sorted(str(p) for k, p in corpus.items() if kind in k and k not in PENDING_ELSEWHERE)


def _paths(corpus: dict[str, Path]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(_drawable(corpus)), TEXT)


# -- the command lines ------------------------------------------------------------------
def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if name in NEVER:
            continue
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _value(param: click.Parameter, corpus: dict[str, Path]) -> st.SearchStrategy[str]:
    """Values that fit the parameter's type and name, or break them."""
    name = (param.name or "").lower()
    kind = param.type
    if isinstance(kind, click.Choice):
        return st.one_of(st.sampled_from([str(c) for c in kind.choices]), TEXT)
    if isinstance(kind, click.Path | click.File):
        return _paths(corpus)
    if isinstance(kind, click.types._NumberParamTypeBase):
        return NUMBERS
    metavar = (getattr(param, "metavar", None) or "").upper()
    if "DATE" in metavar or "date" in name or name in {"as_of", "day_text"}:
        return DATES
    for key, strategy in NAMES.items():
        if key in name:
            return strategy
    return TEXT


@st.composite
def command_lines(draw, corpus: dict[str, Path], commands: list[tuple[str, ...]]) -> list[str]:  # type: ignore[no-untyped-def]
    path = draw(st.sampled_from(commands))
    command = _command(path)
    args: list[str] = []
    if draw(st.booleans()):
        args += [
            "--plan",
            draw(st.sampled_from(_drawable(corpus, "plan"))),
        ]
    if draw(st.integers(0, 9)) == 5:  # another home: broken profiles, a bad log, a file
        args += [
            "--home",
            draw(st.sampled_from([*_drawable(corpus, "home"), str(corpus["text"])])),
        ]
    args += list(path)
    for param in command.params:
        if isinstance(param, click.Argument):
            if draw(st.integers(0, 4)):
                args.append(draw(_value(param, corpus)))
            continue
        if not isinstance(param, click.Option) or param.name in {"help", "version"}:
            continue
        if SLOW_OPTIONS & set(param.opts):
            continue
        times = draw(st.integers(0, 3 if param.multiple else 1))
        for _ in range(times):
            if param.is_flag:
                args.append(draw(st.sampled_from(param.opts + param.secondary_opts)))
            else:
                args += [param.opts[-1], draw(_value(param, corpus))]
    if draw(st.integers(0, 19)) == 7:
        args.insert(draw(st.integers(0, len(args))), draw(st.sampled_from(["--nope", "-x", "--"])))
    return args


# -- the check --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home for all examples: the log fills up as they run, as a user's would."""
    home = tmp_path_factory.mktemp("fuzz") / "home"
    runner = CliRunner()
    for args in (
        ["log", "--during", "1", "--date", (TODAY - timedelta(days=3)).isoformat()],
        ["log", "--after", "1", "--date", (TODAY - timedelta(days=2)).isoformat()],
        ["log", "--during", "4", "--date", (TODAY - timedelta(days=1)).isoformat(), "--symptom",
         "clench", "--note", "tense"],
    ):  # fmt: skip
        assert runner.invoke(cli, ["--home", str(home), *args]).exit_code == 0
    return home


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch, fake_engine):  # type: ignore[no-untyped-def]
    import softpace.voice.engine as engine_module

    monkeypatch.setattr(engine_module, "get_engine", lambda name: fake_engine)
    return fake_engine


class _Runner(CliRunner):
    """CliRunner with stdout as Python sets it up under a C.UTF-8 locale: a file name that
    is not UTF-8 is written back as its own bytes (errors=surrogateescape). With a strict
    UTF-8 stdout (most desktop locales) that is a traceback today: see
    test_a_strict_utf8_terminal_shows_non_utf8_names_pending."""

    @contextlib.contextmanager
    def isolation(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().isolation(*args, **kwargs) as streams:
            sys.stdout.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
            yield streams


def check_no_traceback(home: Path, args: list[str], cwd: Path) -> None:
    """One run in-process: a clean exit status, never an uncaught exception."""
    runner = _Runner()
    old = Path.cwd()
    os.chdir(cwd)  # `--out output` and other relative paths land in the temporary folder
    try:
        result = runner.invoke(cli, ["--home", str(home), *args], catch_exceptions=True)
    finally:
        os.chdir(old)
    shown = " ".join(repr(a) if not a.isprintable() else a for a in args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"softpace {shown}\n{trace}")
    if currently_in_test_context():  # statistics for --hypothesis-show-statistics
        event(f"{args[0] if args[0] != '--plan' else args[2]} exit {result.exit_code}")
    assert result.exit_code in EXIT_CODES, f"softpace {shown}: exit {result.exit_code}"
    assert "Traceback" not in result.output, f"softpace {shown}\n{result.output}"


def _fuzz_settings(examples_env: str, default: int) -> settings:
    return settings(
        max_examples=int(os.environ.get(examples_env, default)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


FAST_COMMANDS = [p for p in _commands(cli) if p[-1] not in RENDERING]
ALL_COMMANDS = list(_commands(cli))


@_fuzz_settings("SOFTPACE_FUZZ_EXAMPLES", 200)
@given(data=st.data())
def test_no_command_ends_in_a_traceback(
    data: st.DataObject, fuzz_home: Path, corpus: dict[str, Path], tmp_path: Path
) -> None:
    args = data.draw(command_lines(corpus, FAST_COMMANDS), label="args")
    check_no_traceback(fuzz_home, args, tmp_path)


@pytest.mark.slow
@_fuzz_settings("SOFTPACE_FUZZ_SLOW_EXAMPLES", 15)
@given(data=st.data())
def test_no_command_ends_in_a_traceback_rendering_too(
    data: st.DataObject,
    fuzz_home: Path,
    rendered_corpus: dict[str, Path],
    tmp_path: Path,
    fake_voice,
) -> None:
    args = data.draw(command_lines(rendered_corpus, ALL_COMMANDS), label="args")
    check_no_traceback(fuzz_home, args, tmp_path)


# -- what it found ----------------------------------------------------------------------
# Each gave a traceback before issue 16's fixes (OverflowError in the rules' date maths;
# UnicodeEncodeError from SQLite). `export --zip ''` (an OSError renaming over the current
# folder) is covered in tests/test_atomic.py.
@pytest.mark.parametrize(
    "args",
    [
        ["log", "--during", "1", "--date", "0001-01-01"],
        ["status", "--as-of", "0001-01-02"],
        ["today", "--as-of", "0001-01-01"],
        ["log", "--during", "1", "--note", "felt \udcff safe"],
    ],
)
def test_inputs_that_gave_tracebacks(fuzz_home: Path, tmp_path: Path, args: list[str]) -> None:
    check_no_traceback(fuzz_home, args, tmp_path)


@pytest.mark.parametrize(
    ("key", "args"),
    [
        ("plan-nan-scale", ["--plan", "{plan-nan-scale}", "stages"]),
        ("home-voice-inf", ["--home", "{home-voice-inf}", "voices", "--json"]),
        ("home-voice-latin1", ["--home", "{home-voice-latin1}", "voices", "--json"]),
        ("home-voice-folder", ["--home", "{home-voice-folder}", "voices", "--json"]),
        ("timeline", ["verify", "{mp3}", "--timeline", "{timeline}"]),
    ],
)
def test_tracebacks_pending_in_other_owners_files(
    request: pytest.FixtureRequest,
    fuzz_home: Path,
    corpus: dict[str, Path],
    tmp_path: Path,
    key: str,
    args: list[str],
) -> None:
    if key in PENDING_ELSEWHERE:
        request.applymarker(pytest.mark.xfail(strict=True, reason=PENDING_ELSEWHERE[key]))
    filled = [a.format(**{k: str(v) for k, v in corpus.items()}) for a in args]
    check_no_traceback(fuzz_home, filled, tmp_path)


def test_a_strict_utf8_terminal_shows_non_utf8_names(tmp_path: Path) -> None:
    home = os.fsencode(tmp_path) + b"/home-\xff"
    result = subprocess.run(
        [sys.executable, "-m", "softpace", "--home", home, "settings"],
        capture_output=True,
        env=dict(os.environ, PYTHONIOENCODING="utf-8:strict"),
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr[-300:]
    assert home in result.stdout


def test_the_fuzz_reaches_every_command_but_the_servers() -> None:
    names = {p[0] for p in ALL_COMMANDS}
    assert names == set(cli.commands) - NEVER
    assert not any(p[-1] in RENDERING for p in FAST_COMMANDS)
