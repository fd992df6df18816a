"""The comfort-log commands end to end, each with a temporary --home: log, status, history,
clear-flags and today."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from softpace.cli import EXIT_PAUSED, cli
from softpace.progress.store import LOG_NAME


def ago(days: int) -> str:
    # The clock is read when a test runs, never at import (a run can cross midnight).
    return (date.today() - timedelta(days=days)).isoformat()


@pytest.fixture
def run(tmp_path: Path):
    home = tmp_path / "home"

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)

    invoke.home = home  # type: ignore[attr-defined]
    return invoke


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch, fake_engine):
    import softpace.voice.engine as engine_module

    monkeypatch.setattr(engine_module, "get_engine", lambda name: fake_engine)
    return fake_engine


def status_json(run, *extra: str) -> dict:
    result = run("status", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def easy_days(run, *days_ago: int, stage: str | None = None) -> None:
    for n in days_ago:
        extra = ("--stage", stage) if stage else ()
        assert run("log", "--during", "1", "--date", ago(n), *extra).exit_code == 0
        assert run("log", "--after", "1", "--date", ago(n - 1)).exit_code == 0


# -- log and status ---------------------------------------------------------------------
def test_status_before_anything_is_logged_creates_nothing(run) -> None:
    data = status_json(run)
    assert data["stage"] == "external-mapping" and data["action"] == "start"
    assert data["easy_streak"] == 0 and data["days_at_stage"] == 0
    assert not run.home.exists()


def test_status_text(run) -> None:
    run("log", "--during", "1", "--date", ago(1))
    result = run("status")
    assert result.exit_code == 0
    assert "Stage 1 of 6: external-mapping" in result.output
    assert "Action: stay" in result.output
    assert "softpace log --after N" in result.output


def test_three_easy_days_advance_and_the_next_log_defaults_to_the_new_stage(run) -> None:
    easy_days(run, 4, 3, 2)
    data = status_json(run)
    assert (data["stage"], data["action"]) == ("entrance-contact", "advance")
    assert any("move on to stage 2" in reason for reason in data["reasons"])
    result = run("log", "--during", "0")
    assert "entrance-contact" in result.output
    assert status_json(run)["action"] == "stay"


def test_log_file_is_private(run) -> None:
    run("log", "--during", "1")
    path = run.home / LOG_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_spike_steps_back_and_says_so(run) -> None:
    easy_days(run, 5, 4, 3)
    result = run("log", "--during", "4", "--date", ago(1))
    assert "above 2/10" in result.output
    data = status_json(run)
    assert (data["stage"], data["action"], data["variant"]) == (
        "external-mapping",
        "step-back",
        "short",
    )


def test_status_as_of_an_earlier_day(run) -> None:
    easy_days(run, 5, 4, 3)
    assert status_json(run, "--as-of", ago(4))["stage"] == "external-mapping"


def test_next_day_rating_replaces_an_earlier_one(run) -> None:
    run("log", "--during", "1", "--date", ago(2))
    run("log", "--after", "3", "--date", ago(1))
    result = run("log", "--after", "1", "--date", ago(1))
    assert "replaces the earlier rating 3/10" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--during", "11"), "0 (none) to 10"),
        (("--during", "-1"), "0 (none) to 10"),
        (("--during", "1", "--date", "2999-01-01"), "in the future"),
        (("--during", "1", "--date", "31/12/2025"), "YYYY-MM-DD"),
        (("--during", "1", "--stage", "deep-end"), "valid stages are"),
        (("--during", "1", "--symptom", "itchy"), "choose from: burning"),
        (("--during", "1", "--red-flag", "clench"), "unknown --red-flag"),
        (("--after", "1"), "no practice before"),
        (("--after", "12"), "0 (none) to 10"),
        (("--symptom", "nope"), "unknown --symptom"),
    ],
)
def test_bad_log_input_is_refused_and_nothing_is_written(run, args, message) -> None:
    result = run("log", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (run.home / LOG_NAME).exists()


def test_bad_input_leaves_an_existing_log_unchanged(run) -> None:
    run("log", "--during", "1", "--date", ago(3))
    before = run("history", "--json").output
    assert run("log", "--after", "1", "--date", ago(3)).exit_code == 2
    assert run("log", "--during", "99").exit_code == 2
    assert run("history", "--json").output == before


@pytest.mark.parametrize(
    "args",
    [(), ("--during", "1", "--after", "1"), ("--after", "1", "--note", "x")],
    ids=["nothing", "both", "note-without-practice"],
)
def test_log_usage_errors(run, args) -> None:
    result = run("log", *args)
    assert result.exit_code == 2
    assert not (run.home / LOG_NAME).exists()


def test_log_help_lists_symptom_and_red_flag_names(run) -> None:
    output = run("log", "--help").output
    for name in ("burning", "clench", "movement-hurts", "fear", "soreness"):
        assert name in output
    for name in ("bleeding", "infection", "bulge", "sharp-pain", "pain-not-settling"):
        assert name in output


def test_a_corrupt_log_gives_a_clear_message_and_is_left_untouched(run) -> None:
    run.home.mkdir(parents=True)
    path = run.home / LOG_NAME
    path.write_bytes(b"not a database " * 100)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(run.home)))
    for args in (("status",), ("log", "--during", "1"), ("today",), ("history",)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "damaged or is not a softpace log" in result.output
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(run.home))) == before


# -- red flags ----------------------------------------------------------------------
def test_red_flag_stops_today_until_cleared(run, fake_voice, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("log", "--during", "1", "--date", ago(2))
    result = run("log", "--red-flag", "bleeding", "--date", ago(1))
    assert result.exit_code == 0 and "paused" in result.output
    assert status_json(run)["action"] == "stop"

    result = run("today", "--out", str(out))
    assert result.exit_code == EXIT_PAUSED
    assert "pelvic health physiotherapist" in result.output
    assert "clear-flags --evaluated" in result.output
    assert not out.exists()

    assert run("clear-flags").exit_code == 2
    result = run("clear-flags", "--evaluated", "--note", "GP: all clear")
    assert result.exit_code == 0 and "bleeding" in result.output
    assert status_json(run)["action"] != "stop"
    assert "evaluated" in run("history").output


def test_clear_flags_with_nothing_to_clear_records_nothing(run) -> None:
    result = run("clear-flags", "--evaluated")
    assert result.exit_code == 0 and "No red flags" in result.output
    assert not (run.home / LOG_NAME).exists()


# -- history --------------------------------------------------------------------------
def test_history_text_and_json(run) -> None:
    assert "Nothing logged yet" in run("history").output
    run("log", "--during", "2", "--date", ago(2), "--dilator", "2", "--note", "calm")
    run("log", "--after", "1", "--date", ago(1), "--symptom", "soreness")
    text = run("history").output
    assert "during 2/10" in text and "next day  1/10" in text and "soreness" in text
    data = json.loads(run("history", "--json").output)
    assert data["practices"][0]["dilator"] == "2"
    assert data["practices"][0]["next_day"] == 1
    assert data["observations"][0]["name"] == "soreness"


# -- plot -----------------------------------------------------------------------------
def test_status_plot_writes_a_private_png(run, tmp_path: Path) -> None:
    easy_days(run, 6, 5, 4)
    run("log", "--during", "3", "--date", ago(2))
    png = tmp_path / "comfort.png"
    result = run("status", "--plot", str(png))
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert stat.S_IMODE(png.stat().st_mode) == 0o600


def test_status_plot_needs_a_png_name(run, tmp_path: Path) -> None:
    result = run("status", "--plot", str(tmp_path / "comfort.jpg"))
    assert result.exit_code == 1 and ".png" in result.output


# -- today ----------------------------------------------------------------------------
def _timeline(out: Path, stage: str) -> dict:
    return json.loads((out / f"{stage}.timeline.json").read_text())


@pytest.mark.slow
def test_today_renders_the_stage_the_log_decides(run, fake_voice, tmp_path: Path) -> None:
    easy_days(run, 4, 3, 2)
    out = tmp_path / "out"
    result = run("today", "--out", str(out), "--short")
    assert result.exit_code == 0, result.output
    assert "stage 2, entrance-contact (advance)" in result.output
    assert (out / "entrance-contact.mp3").stat().st_size > 0
    assert _timeline(out, "entrance-contact")["stage"] == "entrance-contact"
    assert f"softpace serve --from {out}" in result.output  # how to get it onto the phone


@pytest.mark.slow
def test_today_adapts_to_recent_symptoms(run, fake_voice, tmp_path: Path) -> None:
    run("log", "--during", "1", "--date", ago(1), "--symptom", "clench", "--symptom", "burning")
    out = tmp_path / "out"
    result = run("today", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "adapted for burning, clench" in result.output
    timeline = _timeline(out, "external-mapping")
    assert timeline["breath"] == {"inhale_s": 5.0, "exhale_s": 7.5}  # burning: slower
    exhales = [e for e in timeline["events"] if e["kind"] == "exhale"]
    prompts = [e for e in timeline["events"] if e.get("text") == "Hum, or sigh."]
    assert len(prompts) > len(exhales) / 2  # clench: a hum or sigh on the exhales


def test_today_as_of_must_not_be_in_the_future(run) -> None:
    result = run("today", "--as-of", (date.today() + timedelta(days=3)).isoformat())
    assert result.exit_code == 2 and "in the future" in result.output


# -- two processes at once ----------------------------------------------------------------
_LOGGER = """
import sys, time
from softpace.cli import cli
home, start, label = sys.argv[1], float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    time.sleep(0.001)
for n in range(10):
    try:
        cli(["--home", home, "log", "--during", "1", "--note", f"{label}{n}"])
    except SystemExit as exit:
        assert not exit.code, exit.code
"""


@pytest.mark.slow
def test_two_log_processes_at_the_same_moment_both_save(tmp_path: Path) -> None:
    home = tmp_path / "home"
    start = f"{time.time() + 1.5:.3f}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _LOGGER, str(home), start, label],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in ("a", "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    result = CliRunner().invoke(cli, ["--home", str(home), "history", "--json"])
    notes = sorted(p["note"] for p in json.loads(result.output)["practices"])
    assert notes == sorted(f"{label}{n}" for label in "ab" for n in range(10))
