"""`softpace voices`: the list, --json, --preview/--play, record-list, and bad input."""

from __future__ import annotations

import csv
import json
import wave

import pytest
from click.testing import CliRunner

from softpace.cli import cli
from softpace.voice import registry
from softpace.voice.lines import line_id


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)

    invoke.home = home  # type: ignore[attr-defined]
    return invoke


def test_voices_lists_every_profile_once_with_engine_gender_accent_and_licence(run):
    result = run("voices")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("(default)") == 1
    assert "calm (default)" in out
    for name in ("espeak-calm", "espeak-warm", "espeak-british", "piper-joe"):
        assert out.count(f"  {name} ") == 1
    assert "hibari, female, American, installed; licence: Apache-2.0" in out
    assert "licence: GPL-3.0 (espeak-ng)" in out


def test_voices_json_has_the_agreed_keys(run):
    result = run("voices", "--json")
    rows = json.loads(result.output)
    keys = {"name", "engine", "installed", "default", "gender", "accent", "licence"}
    assert all(keys <= set(row) for row in rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["calm"]["default"] is True and by_name["calm"]["engine"] == "hibari"
    assert sum(row["default"] for row in rows) == 1
    assert by_name["espeak-calm"]["installed"] is True


def test_a_broken_user_profile_is_reported_and_the_rest_still_listed(run):
    voices = run.home / "voices"
    voices.mkdir(parents=True)
    (voices / "bad.toml").write_text('voice = "x"\nrate_wpm = inf\n')
    (voices / "x.toml").mkdir()
    result = CliRunner().invoke(cli, ["--home", str(run.home), "voices", "--json"])
    assert result.exit_code == 0
    names = {row["name"] for row in json.loads(result.stdout)}
    assert "calm" in names and "bad" not in names
    assert "bad.toml: rate_wpm must be between" in result.stderr
    assert "x.toml is a folder" in result.stderr


def test_a_broken_user_profile_does_not_block_renders_that_do_not_use_it(run, fake_engine):
    voices = run.home / "voices"
    voices.mkdir(parents=True)
    (voices / "bad.toml").write_bytes(b'description = "caf\xe9"\n')
    with registry.substitute(fake_engine):
        ok = run("voices", "--preview", "espeak-calm")
        bad = run("voices", "--preview", "bad")
    assert ok.exit_code == 0, ok.output
    assert bad.exit_code == 2  # a broken profile file is bad input
    assert "bad.toml: not UTF-8 text" in bad.output


def test_preview_writes_about_twenty_seconds_of_the_same_passage(run, fake_engine, tmp_path):
    with registry.substitute(fake_engine):
        result = run("voices", "--preview", "espeak-warm")
    assert result.exit_code == 0, result.output
    path = tmp_path / "preview-espeak-warm.wav"
    with wave.open(str(path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 12 < seconds < 30
    from softpace.voice.preview import PASSAGE

    assert fake_engine.calls == list(PASSAGE)


def test_preview_play_says_when_no_player_exists(run, fake_engine, monkeypatch):
    monkeypatch.setenv("PATH", "")
    with registry.substitute(fake_engine):
        result = run("voices", "--preview", "calm", "--play", "--out", "sample.wav")
    assert result.exit_code == 0
    assert "no audio player found" in result.output


def test_preview_of_an_unknown_voice_is_one_line(run):
    result = CliRunner().invoke(cli, ["--home", str(run.home), "voices", "--preview", "robot"])
    assert result.exit_code != 0
    assert "unknown voice 'robot'" in result.output
    assert "Traceback" not in result.output


def test_play_without_preview_is_a_usage_error(run):
    result = CliRunner().invoke(cli, ["voices", "--play"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_record_list_writes_every_distinct_line_as_csv_and_a_page(run, plan):
    result = run("voices", "record-list", "mine")
    assert result.exit_code == 0, result.output
    folder = run.home / "voices" / "mine"
    with open(folder / "mine-lines.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["text"] for row in rows]
    assert len(texts) == len(set(texts)) > 50
    assert all(row["id"] == line_id(row["text"]) for row in rows)
    assert any(row["text"] == "Three." for row in rows)  # countdowns too
    assert all(row["where used"] for row in rows)
    page = (folder / "mine-lines.html").read_text("utf-8")
    assert page.count("<tr><td><code>") == len(rows)
    assert f"{len(rows)} lines" in result.output


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden"])
def test_pack_names_are_plain_folder_names(run, name):
    result = CliRunner().invoke(cli, ["--home", str(run.home), "voices", "check", name])
    assert result.exit_code == 2


def test_check_of_a_missing_pack_says_where_to_put_recordings(run):
    result = CliRunner().invoke(cli, ["--home", str(run.home), "voices", "check", "nobody"])
    assert result.exit_code == 2
    assert "voices/nobody" in result.output
