"""Settings: saved as private TOML in the home folder, checked on load and save."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from softpace.errors import SettingsError
from softpace.settings import (
    Settings,
    as_display,
    load_settings,
    save_settings,
    settings_path,
    to_toml,
    with_value,
)


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()
    assert not tmp_path.joinpath("settings.toml").exists()


def test_round_trip_is_private(tmp_path: Path) -> None:
    chosen = Settings(
        voice="warm",
        inhale_s=5.0,
        exhale_s=7.5,
        tones="soft",
        short=True,
        hip_openers=("happy-baby", "figure-four"),
        discreet=True,
        reminder_time=dt.time(20, 30),
        checkin_time=dt.time(8, 0),
    )
    path = save_settings(tmp_path / "home", chosen)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(tmp_path / "home") == chosen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("inhale_s = 1", "inhale_s must be between 2 and 10"),
        ("exhale_s = nan", "exhale_s must be between"),
        ("tones = 'loud'", "tones must be one of soft, normal, off"),
        ("short = 'yes'", "short must be true or false"),
        ("colour = 'blue'", "unknown setting 'colour'"),
        ("hip_openers = ['childs-pose']", "hip_openers must name two different poses"),
        ("reminder_time = '25:00'", "reminder_time must be a time of day as HH:MM"),
        ("voice = [", "not valid TOML"),
    ],
)
def test_bad_files_are_named_with_the_key(tmp_path: Path, text: str, message: str) -> None:
    settings_path(tmp_path).write_text(text + "\n")
    with pytest.raises(SettingsError, match=message) as info:
        load_settings(tmp_path)
    assert str(tmp_path) in str(info.value) and info.value.exit_code == 2


def test_set_and_reset_values() -> None:
    s = with_value(Settings(), "exhale-s=7")
    s = with_value(s, "hip_openers=happy-baby, figure-four")
    s = with_value(s, "reminder_time=21:15")
    assert (s.exhale_s, s.hip_openers, s.reminder_time) == (
        7.0,
        ("happy-baby", "figure-four"),
        dt.time(21, 15),
    )
    assert with_value(s, "exhale_s=").exhale_s == 6.0
    assert as_display(s)["hip_openers"] == "happy-baby,figure-four"
    with pytest.raises(SettingsError, match="KEY=VALUE"):
        with_value(s, "exhale")
    with pytest.raises(SettingsError, match="number of seconds"):
        with_value(s, "inhale_s=slow")


@given(st.text(max_size=30))
def test_any_voice_text_is_saved_and_read_back_or_refused(name: str) -> None:
    try:
        settings = Settings(voice=name)
    except SettingsError:
        return
    import tomllib

    assert tomllib.loads(to_toml(settings))["voice"] == name
