from __future__ import annotations

import pytest

from softpace.errors import VoiceError
from softpace.voice.hibari_engine import HibariSettings
from softpace.voice.profiles import (
    DEFAULT_PROFILE,
    FALLBACK_PROFILE,
    get_profile,
    list_profiles,
    load_profiles,
)
from softpace.voice.pyttsx3_engine import EspeakSettings


def test_the_default_is_hibari_and_espeak_keeps_its_own_profiles():
    profiles = load_profiles()
    calm = profiles[DEFAULT_PROFILE]
    assert calm.engine == "hibari"
    assert isinstance(calm.settings, HibariSettings)
    assert calm.settings.voice == "heart"
    assert {"espeak-calm", "espeak-warm", "espeak-british", "piper-joe"} <= set(profiles)
    assert profiles[FALLBACK_PROFILE].engine == "espeak"
    for profile in profiles.values():
        assert profile.gender and profile.accent and profile.description


def test_user_profiles_add_and_override(tmp_path):
    (tmp_path / "mine.toml").write_text('voice = "gmw/en"\nrate_wpm = 120\n')
    (tmp_path / "calm.toml").write_text('engine = "hibari"\nspeed = 0.8\n')
    profiles = load_profiles(tmp_path)
    assert profiles["mine"].settings == EspeakSettings("gmw/en", 120)
    assert profiles["calm"].settings.speed == 0.8


def test_profiles_written_for_pyttsx3_still_load(tmp_path):
    (tmp_path / "old.toml").write_text('engine = "pyttsx3"\nvoice = "gmw/en-us"\npitch = 40\n')
    assert get_profile("old", tmp_path).engine == "espeak"


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(VoiceError, match="unknown voice 'robot'.*calm"):
        get_profile("robot")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('voice = "x"\nrate_wpm = 20\n', "rate_wpm must be between"),
        ('voice = "x"\nrate_wpm = inf\n', "rate_wpm must be between"),
        ('voice = "x"\nrate_wpm = nan\n', "rate_wpm must be between"),
        ('voice = "x"\nrate_wpm = 120.5\n', "rate_wpm must be a whole number"),
        ('voice = "x"\nrate_wpm = true\n', "rate_wpm must be a whole number"),
        ('voice = "x"\npitch = 300\n', "pitch must be between"),
        ('voice = ""\n', "voice must be a non-empty string"),
        ('voice = "x"\nspeed = 3\n', "unknown key 'speed'"),
        ('engine = "hibari"\nspeed = 9\n', "speed must be between"),
        ('engine = "hibari"\nseed = -1\n', "seed must be between"),
        ('engine = "piper"\nlength_scale = inf\n', "length_scale must be between"),
        ('engine = "robot"\n', "unknown speech engine 'robot'"),
        ("voice = \n", "not valid TOML"),
    ],
)
def test_bad_profiles_say_what_is_wrong_in_one_line_naming_the_file(tmp_path, text, fragment):
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(VoiceError, match=fragment) as err:
        get_profile("bad", tmp_path)
    assert "bad.toml" in str(err.value)
    assert "\n" not in str(err.value).strip()


def test_a_non_utf8_file_and_a_folder_named_toml_are_clear_errors(tmp_path):
    (tmp_path / "latin.toml").write_bytes(b'description = "caf\xe9"\n')
    (tmp_path / "x.toml").mkdir()
    with pytest.raises(VoiceError, match=r"latin\.toml: not UTF-8"):
        get_profile("latin", tmp_path)
    with pytest.raises(VoiceError, match=r"x\.toml is a folder"):
        get_profile("x", tmp_path)


def test_one_broken_user_profile_blocks_only_itself(tmp_path):
    (tmp_path / "broken.toml").write_text('voice = "x"\nrate_wpm = inf\n')
    (tmp_path / "x.toml").mkdir()
    assert get_profile("espeak-calm", tmp_path).engine == "espeak"
    assert get_profile("calm", tmp_path).engine == "hibari"
    listing = list_profiles(tmp_path)
    assert "calm" in listing.profiles and "broken" not in listing.profiles
    assert len(listing.problems) == 2
    assert any("broken.toml" in p for p in listing.problems)
    with pytest.raises(VoiceError, match="broken.toml"):
        load_profiles(tmp_path)
