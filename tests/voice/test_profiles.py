from __future__ import annotations

import pytest

from softpace.errors import VoiceError
from softpace.voice.profiles import DEFAULT_PROFILE, get_profile, load_profiles


def test_shipped_profiles_load_with_a_calm_slow_default():
    profiles = load_profiles()
    assert DEFAULT_PROFILE in profiles
    calm = profiles[DEFAULT_PROFILE]
    assert calm.engine == "pyttsx3"
    assert calm.rate_wpm <= 150  # slower than espeak's 175 default
    assert {"calm", "warm", "british"} <= set(profiles)


def test_user_profiles_add_and_override(tmp_path):
    (tmp_path / "mine.toml").write_text('voice = "gmw/en"\nrate_wpm = 120\n')
    (tmp_path / "calm.toml").write_text('voice = "gmw/en-gb-x-rp"\n')
    profiles = load_profiles(tmp_path)
    assert profiles["mine"].rate_wpm == 120
    assert profiles["calm"].voice == "gmw/en-gb-x-rp"


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(VoiceError, match="unknown voice 'robot'.*calm"):
        get_profile("robot")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('voice = "x"\nrate_wpm = 20\n', "rate_wpm must be between"),
        ('voice = "x"\npitch = 300\n', "pitch must be between"),
        ("rate_wpm = 120\n", "missing key 'voice'"),
        ('voice = "x"\nspeed = 3\n', "unknown key 'speed'"),
        ("voice = \n", "not valid TOML"),
    ],
)
def test_bad_profiles_say_what_is_wrong(tmp_path, text, fragment):
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(VoiceError, match=fragment) as err:
        load_profiles(tmp_path)
    assert "bad.toml" in str(err.value)
