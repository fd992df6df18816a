"""Every error softpace raises on purpose, each with the exit status the CLI gives it.

One rule for every command: 0 ok, 1 a check or runtime failure, 2 bad usage or input,
3 a safety stop. The CLI prints the message as one line and exits with `exit_code`.
"""

from __future__ import annotations


class SoftpaceError(Exception):
    """Base class: a problem the user can act on. The message says what and what to do."""

    exit_code = 1  # a runtime failure unless the subclass says the input was wrong


class PlanError(SoftpaceError):
    """Raised when a plan data file is malformed or inconsistent (names the file and line)."""

    exit_code = 2


class UnknownStageError(SoftpaceError):
    """Raised when a stage id is not in the plan; the message lists the valid ids."""

    exit_code = 2


class TemplateError(SoftpaceError):
    """Raised when a narration template fails to load or render (names the file and line)."""


class CueError(SoftpaceError):
    """Raised when a cue line is malformed or its timing does not fit (names the template line)."""


class VoiceError(SoftpaceError):
    """Raised when a voice profile is missing or malformed, or the engine cannot use it."""

    exit_code = 2


class SpeechEngineError(SoftpaceError):
    """Raised when the speech engine cannot start or fails to produce an utterance."""


class OptionError(SoftpaceError):
    """Raised when an option is out of range (breath pace, output folder, ...)."""

    exit_code = 2


class OutputError(SoftpaceError):
    """Raised when an output file cannot be written."""


class LogEntryError(SoftpaceError):
    """Raised when a comfort-log entry is invalid (a rating outside 0-10, a future date, ...)."""

    exit_code = 2


class LogStoreError(SoftpaceError):
    """Raised when the comfort log cannot be opened: corrupt, too new, or not writable.

    The file is left exactly as it was.
    """


class NothingRenderedError(SoftpaceError):
    """Raised when export or serve finds no rendered session; says which command to run."""


class ShareError(SoftpaceError):
    """Raised when the LAN share cannot start: the port is taken, the address is not ours."""


class SettingsError(SoftpaceError):
    """Raised when settings.toml (or a value for it) is malformed; names the key and range."""

    exit_code = 2


class SafetyStopError(SoftpaceError):
    """Raised when a red flag pauses exposure practice and the operation needs a session."""

    exit_code = 3

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


EXIT_OK = 0
EXIT_FAILURE = 1  # a check failed (verify) or something went wrong at run time
EXIT_USAGE = 2  # bad usage or input: the command line, a date, a plan or settings file
EXIT_SAFETY_STOP = 3  # a red flag: exposure practice is paused until evaluated
