"""softpace: voice-guided audio sessions for a pelvic-floor down-training home plan."""

__version__ = "0.1.0"
