"""Where softpace keeps things: the data home (comfort log, user voices) and the speech cache.

`--home DIR` or SOFTPACE_HOME put everything under one folder (tests always do);
otherwise the platform's user data and cache folders are used.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "SOFTPACE_HOME"


def data_home(home: Path | None = None) -> Path:
    if home is not None:
        return home
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir("softpace", appauthor=False))


def cache_dir(home: Path | None = None) -> Path:
    if home is not None or os.environ.get(HOME_ENV):
        return data_home(home) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("softpace", appauthor=False))
