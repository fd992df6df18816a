"""The pronunciation lexicon: words engines get wrong, said right by each engine.

The data (`data/lexicon.toml`, package data) maps a written word, optionally only after
certain words (a noun after "the"), to a respelling every engine reads, or to each
engine's own phonemes: hibari's inline `[word](/phonemes/)`, espeak's and Piper's
`[[phonemes]]`. The speech step applies it to each line before synthesis, and the
speech cache key includes the applied text, so a lexicon change re-speaks what it changes.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from softpace.errors import VoiceError

ENGINES = ("espeak", "hibari", "piper")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class Entry:
    word: str
    after: frozenset[str] = frozenset()
    say: str = ""
    phonemes: Mapping[str, str] | None = None  # engine -> its phonemes

    def applies(self, previous: str) -> bool:
        return not self.after or previous.lower() in self.after


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]

    def lookup(self, word: str, previous: str) -> Entry | None:
        for entry in self.entries:
            if entry.word.lower() == word.lower() and entry.applies(previous):
                return entry
        return None

    def apply(self, text: str, engine: str) -> str:
        """`text` as `engine` should receive it (unchanged where nothing matches)."""
        out: list[str] = []
        previous = ""
        cursor = 0
        for match in _WORD.finditer(text):
            word = match.group()
            entry = self.lookup(word, previous)
            previous = word
            if entry is None:
                continue
            out.append(text[cursor : match.start()])
            out.append(_spoken(entry, word, engine))
            cursor = match.end()
        out.append(text[cursor:])
        return "".join(out)


def _spoken(entry: Entry, word: str, engine: str) -> str:
    if entry.say:
        return entry.say
    phonemes = (entry.phonemes or {}).get(engine)
    if not phonemes:
        return word
    if engine == "hibari":
        return f"[{word}](/{phonemes}/)"
    if engine == "piper":
        return f"[[ {phonemes} ]]"
    return f"[[{phonemes}]]"


def parse(text: str, source: str) -> Lexicon:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VoiceError(f"{source}: not valid TOML: {exc}") from exc
    entries = []
    for index, item in enumerate(data.get("entry", []), 1):
        where = f"{source}: entry {index}"
        word = item.get("word")
        if not isinstance(word, str) or not _WORD.fullmatch(word):
            raise VoiceError(f"{where}: 'word' must be one word, got {word!r}")
        phonemes = {e: str(item[e]) for e in ENGINES if e in item}
        say = str(item.get("say", ""))
        if not say and not phonemes:
            raise VoiceError(f"{where} ({word}): give 'say' or phonemes for an engine")
        after = frozenset(str(w).lower() for w in item.get("after", []))
        entries.append(Entry(word, after, say, phonemes))
    return Lexicon(tuple(entries))


@functools.cache
def shipped() -> Lexicon:
    source = resources.files("softpace.voice.data").joinpath("lexicon.toml")
    return parse(source.read_text("utf-8"), "softpace/voice/data/lexicon.toml")
