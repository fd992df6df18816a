"""Engines by name: registering, substituting a fake, falling back, loading only what is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

from softpace.errors import VoiceError
from softpace.voice import registry
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker, open_speaker


class TinyKind:
    """A whole engine kind, registered like the built-in ones."""

    name = "tiny"
    lexicon = "tiny"

    def __init__(self, engine):
        self.engine = engine

    def settings_keys(self):
        return frozenset({"pitch_hz"})

    def parse_settings(self, table, source):
        from softpace.voice import fields

        return fields.number(table, "pitch_hz", 140, 50, 400, source)

    def problem(self, settings):
        return None

    def licence(self, settings):
        return "MIT (tiny)"

    def open(self):
        return self.engine


@pytest.fixture
def tiny(fake_engine):
    registry.register(TinyKind(fake_engine))
    yield fake_engine
    registry.unregister("tiny")


def test_a_registered_engine_speaks_a_profile_that_names_it(tiny, tmp_path):
    (tmp_path / "mine.toml").write_text('engine = "tiny"\npitch_hz = 200\n')
    profile = get_profile("mine", tmp_path)
    assert profile.settings == 200
    speaker = open_speaker(profile, tmp_path / "cache")
    assert isinstance(speaker, Speaker) and speaker.engine is tiny
    speaker.clip("Hello.")
    assert tiny.calls == ["Hello."]


def test_a_registered_engine_checks_its_own_settings(tiny, tmp_path):
    (tmp_path / "mine.toml").write_text('engine = "tiny"\npitch_hz = 9000\n')
    with pytest.raises(VoiceError, match=r"mine\.toml: pitch_hz must be between"):
        get_profile("mine", tmp_path)


def test_substitute_speaks_every_profile_through_the_fake(fake_engine, tmp_path):
    with registry.substitute(fake_engine):
        for name in ("calm", "espeak-calm", "piper-joe"):
            speaker = open_speaker(get_profile(name), None)
            assert speaker.engine is fake_engine
    assert not registry.substituted()


def test_unknown_engines_list_the_known_ones():
    with pytest.raises(VoiceError, match="unknown speech engine 'robot'.*espeak.*hibari.*piper"):
        registry.kind("robot")


class Broken:
    """The real hibari kind, except that it cannot run here."""

    def __init__(self, real):
        self.real = real
        self.name = real.name
        self.lexicon = real.lexicon

    def __getattr__(self, attr):
        return getattr(self.real, attr)

    def problem(self, settings):
        return "hibari cannot load (simulated)"

    def open(self):
        raise AssertionError("a kind that cannot run is never opened")


def test_the_default_falls_back_to_espeak_in_one_line(capsys):
    real = registry.kind("hibari")
    registry.register(Broken(real))
    try:
        profile = get_profile("calm")
        from softpace.voice.speaker import usable_profile

        chosen = usable_profile(profile)
        assert chosen.name == "espeak-calm"
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [
            "softpace: voice 'calm': hibari cannot load (simulated); speaking with "
            "'espeak-calm' instead"
        ]
        usable_profile(profile)  # said once per process
        assert capsys.readouterr().err == ""
        with pytest.raises(VoiceError, match=r"voices/calm\.toml: hibari cannot load"):
            usable_profile(profile, fallback=False)
    finally:
        registry.unregister("hibari")
    assert registry.kind("hibari") is real


@pytest.mark.slow
def test_a_process_opens_only_the_engine_its_profile_uses():
    code = (
        "import sys\n"
        "from softpace.voice.catalog import catalog\n"
        "catalog(None)\n"
        "assert 'onnxruntime' not in sys.modules, 'listing loaded onnxruntime'\n"
        "from softpace.voice.profiles import get_profile\n"
        "from softpace.voice.speaker import open_speaker\n"
        "open_speaker(get_profile('espeak-calm'), None).clip('Soft jaw.')\n"
        "print(sorted(m for m in ('onnxruntime', 'hibari', 'piper') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
