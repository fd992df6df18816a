"""The pronunciation lexicon: applied per engine, and checked against each installed engine."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec

import pytest

from softpace.errors import VoiceError
from softpace.voice import lexicon
from softpace.voice.profiles import get_profile
from softpace.voice.registry import engine as open_engine

WORDS = lexicon.shipped()
REQUIRED = {"kegels", "entrance", "breath", "perineum", "dilator", "openers", "insert", "use"}


def test_the_shipped_lexicon_covers_the_words_engines_got_wrong():
    words = {e.word.lower() for e in WORDS.entries}
    assert REQUIRED | {"cm"} <= words
    for entry in WORDS.entries:
        assert entry.say or set(entry.phonemes or {}) == set(lexicon.ENGINES), entry.word


@pytest.mark.parametrize(
    ("engine", "text", "spoken"),
    [
        ("hibari", "Now your reverse Kegels.", "Now your reverse [Kegels](/kˈiɡᵊlz/)."),
        ("espeak", "Rest at the entrance.", "Rest at the [['Entr@ns]]."),
        ("piper", "Breath and lift.", "[[ bɹˈɛθ ]] and lift."),
        ("espeak", "Insert the dilator slowly.", "Insert the [[daIl'eIt#3]] slowly."),
        ("hibari", "Hold the insert still.", "Hold the [insert](/ˈɪnsˌɜɹt/) still."),
        ("hibari", "Use plenty of lubricant.", "Use plenty of lubricant."),
        ("hibari", "After the use of heat.", "After the [use](/jˈus/) of heat."),
        ("espeak", "One to 2 cm deep.", "One to 2 centimetres deep."),
        ("fake", "Kegels, 2 cm.", "Kegels, 2 centimetres."),
    ],
)
def test_each_engine_gets_its_own_form_only_where_the_word_fits(engine, text, spoken):
    assert WORDS.apply(text, engine) == spoken


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[entry]]\nword = "two words"\nsay = "x"\n', "'word' must be one word"),
        ('[[entry]]\nword = "Kegels"\n', "give 'say' or phonemes"),
        ("[[entry]\n", "not valid TOML"),
    ],
)
def test_a_bad_lexicon_says_which_entry(text, fragment):
    with pytest.raises(VoiceError, match=fragment):
        lexicon.parse(text, "lexicon.toml")


def _installed(engine: str) -> bool:
    module = {"espeak": "pyttsx3", "hibari": "hibari", "piper": "piper"}[engine]
    return find_spec(module) is not None


PROFILE = {"espeak": "espeak-calm", "hibari": "calm", "piper": "piper-joe"}


HEAR = """
import json, sys
from softpace.voice import lexicon
from softpace.voice.profiles import get_profile
from softpace.voice.registry import engine as open_engine

engine, profile_name = sys.argv[1], sys.argv[2]
settings = get_profile(profile_name).settings
real = open_engine(engine)
if engine == "hibari":
    symbols = sorted(real._model(settings.voice).vocab)
elif engine == "piper":
    symbols = sorted(real._voice(settings.model).config.phoneme_id_map)
else:
    symbols = None
heard = {}
for entry in lexicon.shipped().entries:
    if not entry.say:
        before = next(iter(sorted(entry.after)), "the")
        sentence = f"Notice {before} {entry.word} now."
        heard[entry.word] = real.phonemes(lexicon.shipped().apply(sentence, engine), settings)
print(json.dumps({"heard": heard, "symbols": symbols}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", lexicon.ENGINES)
def test_each_installed_engine_speaks_every_lexicon_word_as_written(engine):
    """Ask the engine itself which phonemes it will speak for each entry, in a sentence.
    (Each engine in its own process: Piper and espeak each carry a libespeak-ng.)"""
    if not _installed(engine):
        pytest.skip(f"{engine} is not installed")
    out = subprocess.run(
        [sys.executable, "-c", HEAR, engine, PROFILE[engine]],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    for entry in WORDS.entries:
        if entry.say:
            continue
        expected = (entry.phonemes or {})[engine]
        heard = result["heard"][entry.word]
        assert expected in heard, (engine, entry.word, heard)
        if result["symbols"] is not None:  # every symbol must be one the model knows
            assert set(expected) <= set(result["symbols"]), set(expected) - set(result["symbols"])


@pytest.mark.slow
def test_espeak_on_its_own_gets_kegels_and_openers_wrong():
    """Why the lexicon exists (the review's findings), as espeak says them unaided."""
    profile = get_profile("espeak-calm")
    real = open_engine("espeak")
    assert "k'i:g@lz" not in real.phonemes("reverse Kegels", profile.settings)
    assert "'oUp@n3z" not in real.phonemes("hip openers", profile.settings)
