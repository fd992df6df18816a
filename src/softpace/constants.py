"""Numbers and names more than one package relies on, defined once."""

from __future__ import annotations

from pathlib import Path

SAMPLE_RATE_HZ = 44_100  # every session is mixed and encoded at this rate
DEFAULT_PORT = 8765  # `softpace serve` listens here unless told otherwise
DEFAULT_IDLE_STOP_MIN = 30.0  # sharing stops after this long without a visit
DEFAULT_OUTPUT_DIR = Path("output")  # render/today write here, export/serve read here
TONES = ("soft", "normal", "off")  # the breath-tone bed under the voice
SETTINGS_NAME = "settings.toml"  # in the data home, beside the comfort log
MIN_BREATH_S = 2.0  # the shortest and longest breath phase (inhale or exhale) allowed
MAX_BREATH_S = 10.0
