from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from softpace.cli import cli


@pytest.fixture
def run(home):
    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _all_commands(cli)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"`softpace {' '.join(path)}` needs an example"


def test_stages_text_and_json(run, plan):
    text = run("stages")
    assert text.exit_code == 0
    assert "1. external-mapping" in text.output and "19:35" in text.output
    rows = json.loads(run("stages", "--json").output)
    assert [r["id"] for r in rows] == list(plan.stage_ids)
    assert {"id", "number", "title", "session_s"} <= set(rows[0])
    assert rows[0]["session_s"] == plan.session_length_s(plan.stages[0])


@pytest.mark.slow
def test_script_prints_times_and_words(run):
    result = run("script", "entrance-contact")
    assert result.exit_code == 0
    assert "00:00  == Before you begin ==" in result.output
    assert "Entrance contact ==" in result.output
    assert "What felt safe today?" in result.output
    assert "[hold 60 s]" in result.output


@pytest.mark.slow
def test_script_with_a_short_session_and_slow_breath(run):
    result = run("script", "shallow-insertion", "--short", "--inhale", "6", "--exhale", "8")
    assert result.exit_code == 0
    assert "# breath: in 6 s, out 8 s" in result.output
    assert result.output.count("[hold 20 s]") == 2


def test_unknown_stage_lists_the_valid_ids(run):
    result = run("render", "dilators", "--out", "x")
    assert result.exit_code == 2
    assert "unknown stage 'dilators'" in result.output
    assert "entrance-contact" in result.output and "gentle-strength" in result.output


@pytest.mark.parametrize("flag", ["--inhale", "--exhale"])
@pytest.mark.parametrize("value", ["1.5", "11", "fast"])
def test_breath_pace_out_of_range(run, tmp_path, flag, value):
    result = run("render", "entrance-contact", flag, value, "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert flag in result.output
    assert not (tmp_path / "o").exists()


def test_unknown_voice(run, tmp_path):
    result = run("render", "entrance-contact", "--voice", "robot", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown voice 'robot'" in result.output and "calm" in result.output
    assert list(tmp_path.iterdir()) == []


def test_profile_with_a_voice_the_engine_lacks(run, home, tmp_path):
    (home / "voices").mkdir(parents=True)
    (home / "voices" / "odd.toml").write_text('voice = "xx/nowhere"\n')
    result = run("script", "entrance-contact", "--voice", "odd")
    assert result.exit_code == 2
    assert "no voice 'xx/nowhere'" in result.output


def test_unwritable_out(run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("render", "entrance-contact", "--out", str(blocker / "sub"))
    assert result.exit_code == 1
    assert "output folder" in result.output and "--out" in result.output


def test_render_needs_a_stage_or_all(run):
    result = run("render")
    assert result.exit_code == 2 and "--all" in result.output
    assert run("render", "entrance-contact", "--all").exit_code == 2


def test_malformed_plan_names_file_and_line(run, tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text("schema = 1\ntitle = [\n")
    result = CliRunner().invoke(cli, ["--plan", str(bad), "stages"])
    assert result.exit_code == 2
    assert f"{bad}:" in result.output and "not valid TOML" in result.output


def test_voices_lists_profiles_and_engine_voices(run):
    result = run("voices")
    assert result.exit_code == 0
    assert "calm" in result.output and "(default)" in result.output
    assert "gmw/en-us" in result.output
    data = json.loads(run("voices", "--json").output)
    assert any(p["name"] == "calm" and p["default"] for p in data["profiles"])
    assert any(v["id"] == "gmw/en-us" for v in data["engine_voices"])


@pytest.mark.slow
def test_today_renders_the_first_stage_until_practice_is_logged(run, tmp_path):
    result = run("today", "--short", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "external-mapping.mp3").exists()
    assert (tmp_path / "external-mapping.timeline.json").exists()


def test_help_is_quick_to_import():
    """`softpace --help` must not import numpy, the speech engine or the encoder."""
    import subprocess
    import sys

    code = (
        "import sys; from softpace.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('numpy', 'pyttsx3', 'lameenc', 'mutagen', 'jinja2', 'scipy', "
        "'matplotlib', 'miniaudio', 'sqlite3', 'PIL', 'starlette', 'uvicorn', 'segno') "
        "if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
