"""One exit-status rule for every command: 0 ok, 1 a check or runtime failure, 2 bad usage
or input, 3 a safety stop; and every error is one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from softpace.cli import cli
from softpace.errors import EXIT_FAILURE, EXIT_OK, EXIT_SAFETY_STOP, EXIT_USAGE
from softpace.progress.store import LOG_NAME

FUTURE = "2999-01-01"

# (command line, expected status); "{home}", "{tmp}" and "{rendered}" are filled in.
CASES = [
    (("stages",), EXIT_OK),
    (("stages", "--bogus"), EXIT_USAGE),
    (("--plan", "{tmp}/missing.toml", "stages"), EXIT_USAGE),
    (("script", "nowhere"), EXIT_USAGE),
    (("script", "external-mapping", "--hip-openers", "lotus,figure-four"), EXIT_USAGE),
    (("script", "external-mapping", "--symptom", "hiccups"), EXIT_USAGE),
    (("render",), EXIT_USAGE),
    (("render", "external-mapping", "--inhale", "1"), EXIT_USAGE),
    (("render", "external-mapping", "--out", "{tmp}/file/sub"), EXIT_FAILURE),
    (("today", "--as-of", FUTURE), EXIT_USAGE),
    (("verify", "{tmp}/missing.mp3"), EXIT_FAILURE),
    (("verify",), EXIT_USAGE),
    (("export",), EXIT_USAGE),
    (("export", "{tmp}/phone", "--from", "{tmp}/empty"), EXIT_FAILURE),
    (("serve", "--from", "{tmp}/empty", "--host", "127.0.0.1"), EXIT_FAILURE),
    (("serve", "--port", "99999"), EXIT_USAGE),
    (("voices", "--json"), EXIT_OK),
    (("voices", "--bogus"), EXIT_USAGE),
    (("log", "--during", "1"), EXIT_OK),
    (("log", "--during", "11"), EXIT_USAGE),
    (("log", "--during", "1", "--date", "0001-01-01"), EXIT_USAGE),
    (("log",), EXIT_USAGE),
    (("log", "--after", "1"), EXIT_USAGE),  # no practice to rate
    (("status",), EXIT_OK),
    (("status", "--as-of", "someday"), EXIT_USAGE),
    (("status", "--plot", "{tmp}/plot.jpg"), EXIT_FAILURE),
    (("history",), EXIT_OK),
    (("clear-flags",), EXIT_USAGE),
    (("clear-flags", "--evaluated"), EXIT_OK),
    (("settings",), EXIT_OK),
    (("settings", "--set", "exhale_s=1"), EXIT_USAGE),
    (("settings", "--set", "colour=blue"), EXIT_USAGE),
    (("app", "--host", "0.0.0.0"), EXIT_USAGE),
    (("app", "--port", "99999"), EXIT_USAGE),
    (("reminders",), EXIT_USAGE),
    (("reminders", "--ics", "{tmp}/r.ics"), EXIT_OK),
    (("reminders", "--ics", "{tmp}/r.ics", "--practice-at", "25:00"), EXIT_USAGE),
    (("reminders", "--ics", "{tmp}/file/r.ics"), EXIT_FAILURE),
]


@pytest.fixture
def runner(home: Path, tmp_path: Path, request: pytest.FixtureRequest, fake_engine):
    import softpace.voice.engine as engine_module

    request.getfixturevalue("monkeypatch").setattr(
        engine_module, "get_engine", lambda name: fake_engine
    )
    (tmp_path / "file").write_text("a file, not a folder")

    def invoke(*args: str):
        # Rendering (even with the fake engine) takes seconds: only the cases that need it.
        rendered = request.getfixturevalue("rendered") if "{rendered}" in args else None
        filled = [a.format(home=home, tmp=tmp_path, rendered=rendered) for a in args]
        return CliRunner().invoke(cli, filled)

    return invoke


@pytest.mark.parametrize(("args", "status"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_exit_status(runner, args: tuple[str, ...], status: int) -> None:
    result = runner(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == status, result.output
    if status != EXIT_OK:
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) <= 1 and "Traceback" not in result.output


def test_every_command_has_a_case() -> None:
    covered = {next(a for a in args if not a.startswith("-") and "{" not in a) for args, _ in CASES}
    assert set(cli.commands) <= covered


@pytest.mark.parametrize("command", ["today", "export"])
def test_a_red_flag_is_a_safety_stop(runner, tmp_path: Path, command: str) -> None:
    assert runner("log", "--red-flag", "bleeding", "--date", "yesterday").exit_code == EXIT_OK
    args = {
        "today": ("today", "--out", str(tmp_path / "out")),
        "export": ("export", str(tmp_path / "phone"), "--today-only", "--from", "{rendered}"),
    }
    result = runner(*args[command])  # fmt: skip
    assert result.exit_code == EXIT_SAFETY_STOP and "paused" in result.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "phone").exists()


@pytest.mark.slow
def test_script_with_chosen_hip_openers_is_ok(runner) -> None:
    args = ("script", "external-mapping", "--hip-openers", "happy-baby,figure-four")
    assert runner(*args).exit_code == EXIT_OK


@pytest.mark.slow
def test_export_is_ok(runner, tmp_path: Path) -> None:
    assert runner("export", str(tmp_path / "phone"), "--from", "{rendered}").exit_code == EXIT_OK


@pytest.mark.parametrize("command", ["status", "log --during 1", "history", "today", "script x"])
def test_a_damaged_log_or_settings_file(runner, home: Path, command: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / LOG_NAME).write_bytes(b"not a database " * 100)
    if command.startswith(("status", "log", "history", "today")):
        assert runner(*command.split()).exit_code == EXIT_FAILURE
    (home / "settings.toml").write_text("exhale_s = 'slow'\n")
    result = runner(*command.split())
    assert result.exit_code == EXIT_USAGE and "settings.toml" in result.output
