"""The CLI stays a front end: every command is short (parse, call softpace.app, print)."""

from __future__ import annotations

import ast
import inspect
import textwrap

import click
import pytest

from softpace.cli import cli

MAX_BODY_LINES = 20


def _commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command and subcommand, by its full name ("voices check")."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
    return found


def _body_lines(command) -> int:
    func = inspect.unwrap(command.callback)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring is help text, not logic
    return body[-1].end_lineno - body[0].lineno + 1


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_short(name: str) -> None:
    assert _body_lines(_commands()[name]) <= MAX_BODY_LINES


def test_the_cli_imports_no_decision_logic() -> None:
    """Commands reach the rules, the store and the renderer only through softpace.app."""
    import softpace.cli as package

    for module in (
        package.sessions,
        package.progress,
        package.share,
        package.settings,
        package.voices,
    ):
        source = inspect.getsource(module)
        for forbidden in ("progress.rules", "progress.store", "softpace.render", "decide("):
            assert forbidden not in source, (module.__name__, forbidden)


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("3", "3")])
def test_the_command_keeps_openblas_to_one_thread_unless_told(given, expected) -> None:
    """OpenBLAS's own threads would only spin beside softpace's encoder thread and
    workers; a user's own OPENBLAS_NUM_THREADS is kept."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    probe = (
        "import os, sys\n"
        "from softpace.cli import main\n"
        "sys.argv = ['softpace', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.split()[-2:] == [expected, "False"], run.stdout + run.stderr


def test_the_command_leaves_its_objects_to_the_end_of_the_process() -> None:
    """No last garbage-collector pass over every object at exit (~35 ms after a render):
    main() freezes the collector on its way out, whatever the exit status."""
    import subprocess
    import sys

    probe = (
        "import gc, sys\n"
        "from softpace.cli import main\n"
        "for argv in (['softpace', '--version'], ['softpace', 'no-such-command']):\n"
        "    gc.unfreeze()\n"
        "    sys.argv = argv\n"
        "    try:\n        main()\n    except SystemExit as end:\n        code = end.code\n"
        "    print(code, gc.get_freeze_count() > 0)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.split()[-4:] == ["0", "True", "2", "True"], run.stdout + run.stderr
