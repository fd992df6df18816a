"""Make libespeak-ng available to pyttsx3 without any system package.

The espeakng-loader wheel ships libespeak-ng (soname libespeak-ng.so.1) and its voice
data. Loading it with RTLD_GLOBAL before pyttsx3 imports its driver makes pyttsx3's own
`cdll.LoadLibrary("libespeak-ng.so.1")` find the already-loaded copy, and
ESPEAK_DATA_PATH points espeak at the bundled data. Where the wheel is missing (not
Linux), a system espeak-ng is used as pyttsx3 finds it.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

_prepared: str | None = None


def prepare() -> str:
    """Load the bundled library once; returns where espeak comes from ('bundled' or 'system')."""
    global _prepared
    if _prepared is not None:
        return _prepared
    try:
        import espeakng_loader
    except ImportError:
        _prepared = "system"
        return _prepared
    library = Path(espeakng_loader.get_library_path())
    versioned = library.with_name(library.name + ".1")
    if not versioned.exists():
        versioned = library
    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    ctypes.CDLL(str(versioned), mode=ctypes.RTLD_GLOBAL)
    _prepared = "bundled"
    return _prepared


def loaded() -> bool:
    """True once this process has loaded libespeak-ng (bundled or the system's)."""
    return _prepared is not None
