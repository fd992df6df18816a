"""Voice operations: list the profiles, hear one, and make or check a recorded pack.

The work is in softpace.voice (catalog, preview, lines, packs, recorded); these functions
tie it to the user's home (their own profiles and packs) and the speech cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from softpace.errors import OptionError, OutputError

if TYPE_CHECKING:  # the voice modules load numpy: only the operations that need them do
    from softpace.app.context import AppContext
    from softpace.voice.catalog import Catalog
    from softpace.voice.engine import EngineVoice
    from softpace.voice.preview import Preview
    from softpace.voice.recorded import PackReport


MAX_PACK_NAME_BYTES = 64  # a folder name, well within every file system's limit


@dataclass(frozen=True)
class EngineVoices:
    engine: str  # the engine's canonical name
    voices: tuple[EngineVoice, ...]


@dataclass(frozen=True)
class RecordList:
    n_lines: int
    csv_path: Path
    html_path: Path


@dataclass(frozen=True)
class PackCheck:
    pack: str
    report: PackReport
    fallback: str  # the profile that speaks the lines with no recording


def list_voices(ctx: AppContext) -> Catalog:
    """Every voice profile (shipped and the user's) with engine, installed and licence."""
    from softpace.voice.catalog import catalog

    return catalog(ctx.user_voices_dir)


def engine_voices(name: str) -> EngineVoices:
    """The voices an engine itself has installed (ids for a profile's `voice`)."""
    from softpace.voice import registry

    return EngineVoices(registry.canonical(name), tuple(registry.engine(name).voices()))


def preview_voice(ctx: AppContext, name: str, out: Path | None = None) -> Preview:
    """A ~20 s sample of the same calm passage in the named voice, as a WAV file."""
    from softpace.voice.preview import render_preview
    from softpace.voice.profiles import get_profile

    profile = get_profile(name, ctx.user_voices_dir)
    return render_preview(profile, ctx.cache_dir, out or Path(f"preview-{name}.wav"))


def record_list(ctx: AppContext, pack: str, folder: Path | None = None) -> RecordList:
    """Write every distinct line the sessions speak, as CSV and a printable page."""
    from softpace.voice.lines import spoken_lines, write_record_list

    check_pack_name(pack)
    lines = spoken_lines(ctx.plan)
    target = folder or ctx.user_voices_dir / pack
    try:
        csv_path, html_path = write_record_list(lines, target, pack)
    except OSError as exc:
        raise OutputError(
            f"could not write the record list into {target}: {exc.strerror or exc}; "
            "choose another folder with --out"
        ) from exc
    return RecordList(len(lines), csv_path, html_path)


def check_voice_pack(ctx: AppContext, pack: str) -> PackCheck:
    """Coverage of a recorded pack, and each recording that will not serve as it is."""
    from softpace.voice.packs import find_pack
    from softpace.voice.profiles import get_profile
    from softpace.voice.recorded import RecordedSpeaker, check_pack
    from softpace.voice.speaker import open_speaker

    check_pack_name(pack)
    if find_pack(pack, ctx.user_voices_dir) is None:
        raise OptionError(
            f"no recorded pack {pack!r}: put recordings in {ctx.user_voices_dir / pack} "
            f"(see `softpace voices record-list {pack}`)"
        )
    speaker = open_speaker(get_profile(pack, ctx.user_voices_dir), ctx.cache_dir)
    if not isinstance(speaker, RecordedSpeaker):
        raise OptionError(f"{pack!r} is a voice profile, not a recorded pack")
    return PackCheck(pack, check_pack(ctx.plan, speaker), speaker.fallback.profile.name)


def check_pack_name(pack: str) -> None:
    """A pack is a folder in the voices folder: a plain, printable name, no path."""
    plain = pack.isprintable() and pack.encode("utf-8", "replace").decode() == pack
    if not 0 < len(pack.encode("utf-8", "surrogatepass")) <= MAX_PACK_NAME_BYTES:
        plain = False
    if not plain or pack != Path(pack).name or pack.startswith("."):
        raise OptionError(
            "a pack name is a plain folder name of up to "
            f"{MAX_PACK_NAME_BYTES} bytes (letters, digits, - or _), got {pack[:80]!r}"
        )
