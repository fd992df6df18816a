"""The sessions already rendered into a folder: `<stage>.mp3` beside `<stage>.timeline.json`,
in the plan's stage order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from softpace.errors import NothingRenderedError, OutputError
from softpace.plan.model import Plan, Stage
from softpace.timeline import TIMELINE_SUFFIX, Timeline, read_timeline

MP3_SUFFIX = ".mp3"


def session_paths(folder: Path, stage_id: str) -> tuple[Path, Path]:
    """Where a stage's session lives in a render folder: (`<stage>.mp3`,
    `<stage>.timeline.json`). `render` writes there; export and serve read there."""
    return folder / f"{stage_id}{MP3_SUFFIX}", folder / f"{stage_id}{TIMELINE_SUFFIX}"


@dataclass(frozen=True)
class SessionFiles:
    stage: Stage
    mp3_path: Path
    timeline: Timeline
    size_bytes: int
    mtime_ns: int


def rendered_sessions(plan: Plan, folder: Path) -> tuple[SessionFiles, ...]:
    """Every stage with both files in `folder`, in stage order (may be empty)."""
    found = []
    for stage in plan.stages:
        mp3, timeline_path = session_paths(folder, stage.id)
        try:
            mp3_stat = mp3.stat()
            timeline_stat = timeline_path.stat()
        except OSError:
            continue
        timeline = _read_timeline(timeline_path, timeline_stat.st_mtime_ns, timeline_stat.st_size)
        if timeline.stage != stage.id:
            raise OutputError(
                f"{timeline_path} belongs to stage {timeline.stage!r}, not {stage.id!r}; "
                f"render it again with `softpace render {stage.id}`"
            )
        if not _same_render(mp3, timeline_path, mp3_stat.st_mtime_ns, timeline_stat.st_mtime_ns):
            raise OutputError(
                f"{mp3.name} and {timeline_path.name} in {folder} are not from the same "
                f"render (one was cut short or replaced); render it again with "
                f"`softpace render {stage.id} --force`"
            )
        found.append(SessionFiles(stage, mp3, timeline, mp3_stat.st_size, mp3_stat.st_mtime_ns))
    return tuple(found)


@lru_cache(maxsize=64)
def _same_render(mp3: Path, timeline: Path, mp3_mtime_ns: int, timeline_mtime_ns: int) -> bool:
    """Whether the pair came from one render (cached while neither file changes)."""
    from softpace.renderset import session_is_consistent

    return session_is_consistent(mp3, timeline)


def find_sessions(plan: Plan, folder: Path) -> tuple[SessionFiles, ...]:
    """Like rendered_sessions, but finding none is an error that says what to run."""
    sessions = rendered_sessions(plan, folder)
    if not sessions:
        raise NothingRenderedError(
            f"no rendered sessions in {folder}: run `softpace today` (today's session) or "
            "`softpace render --all` (every stage) first, or pass --from with the folder "
            "you rendered into"
        )
    return sessions


def signature(plan: Plan, folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Changes whenever a session file in `folder` is written, added or removed."""
    out = []
    for stage in plan.stages:
        for path in session_paths(folder, stage.id):
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


@lru_cache(maxsize=64)
def _read_timeline(path: Path, mtime_ns: int, size: int) -> Timeline:
    """Cached by (path, mtime, size): a file rewritten in place is read again."""
    return read_timeline(path)
