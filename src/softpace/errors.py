"""Every error softpace raises on purpose; the CLI turns each into one clear line and exit 1."""

from __future__ import annotations


class SoftpaceError(Exception):
    """Base class: a problem the user can act on. The message says what and what to do."""


class PlanError(SoftpaceError):
    """Raised when a plan data file is malformed or inconsistent (names the file and line)."""


class UnknownStageError(SoftpaceError):
    """Raised when a stage id is not in the plan; the message lists the valid ids."""


class TemplateError(SoftpaceError):
    """Raised when a narration template fails to load or render (names the file and line)."""


class CueError(SoftpaceError):
    """Raised when a cue line is malformed or its timing does not fit (names the template line)."""


class VoiceError(SoftpaceError):
    """Raised when a voice profile is missing or malformed, or the engine cannot use it."""


class SpeechEngineError(SoftpaceError):
    """Raised when the speech engine cannot start or fails to produce an utterance."""


class OptionError(SoftpaceError):
    """Raised when an option is out of range (breath pace, output folder, ...)."""


class OutputError(SoftpaceError):
    """Raised when an output file cannot be written."""


class LogEntryError(SoftpaceError):
    """Raised when a comfort-log entry is invalid (a rating outside 0-10, a future date, ...)."""


class LogStoreError(SoftpaceError):
    """Raised when the comfort log cannot be opened: corrupt, too new, or not writable.

    The file is left exactly as it was.
    """


class NothingRenderedError(SoftpaceError):
    """Raised when export or serve finds no rendered session; says which command to run."""


class ShareError(SoftpaceError):
    """Raised when the LAN share cannot start: the port is taken, the address is not ours."""
