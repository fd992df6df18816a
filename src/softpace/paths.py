"""Where softpace keeps things: the data home (comfort log, user voices) and the speech cache.

`--home DIR` or SOFTPACE_HOME put everything under one folder (tests always do);
otherwise the platform's user data and cache folders are used.

Whatever writes there first (a log, a render's speech cache, settings, the web app) makes
the folder through `private_dir`, so the home is 0700 whoever creates it; reading never
creates anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from softpace.errors import OutputError

HOME_ENV = "SOFTPACE_HOME"
PRIVATE_DIR_MODE = 0o700


def data_home(home: Path | None = None) -> Path:
    """The data home's path (nothing is created: see `ensure_data_home`)."""
    if home is not None:
        return home
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir("softpace", appauthor=False))


def ensure_data_home(home: Path | None = None) -> Path:
    """The data home, created owner-only (0700) if missing: call this before writing there."""
    return private_dir(data_home(home), option="--home", what="data folder")


def cache_dir(home: Path | None = None) -> Path:
    """The speech cache folder's path (nothing is created: a writer calls `private_dir`)."""
    if home is not None or os.environ.get(HOME_ENV):
        return data_home(home) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("softpace", appauthor=False))


def private_dir(folder: Path, option: str = "--home", what: str = "folder") -> Path:
    """Create `folder` (and missing parents) if needed; the folders this call creates are
    owner-only (0700) whatever the umask. An existing folder's mode is left as the user set it.

    Raises OutputError, naming `option`, when the folder cannot be created.
    """
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        for step in reversed(missing):
            try:
                step.mkdir(mode=PRIVATE_DIR_MODE)
            except FileExistsError:
                continue  # another process made it a moment ago
            # mkdir's mode passes through the umask; say exactly what is meant.
            os.chmod(step, PRIVATE_DIR_MODE)
    except OSError as exc:
        raise OutputError(
            f"cannot create the {what} {folder} ({exc.strerror}); pass {option} with a folder "
            "you can write to"
        ) from exc
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder; pass {option} with a folder")
    return folder
