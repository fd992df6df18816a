"""The application layer: the operations a user performs, for every front end.

Each operation takes an AppContext and plain arguments and returns frozen data (or
raises a SoftpaceError whose `exit_code` says what kind of problem it is). The CLI and
the web app call only these; neither holds decision logic of its own.
"""

from softpace.app.checkin import (
    RED_FLAG_MESSAGE,
    EntryKind,
    FlagsCleared,
    NextDayLogged,
    ObservationsLogged,
    PracticeLogged,
    Status,
    clear_flags,
    correct_practice,
    delete_entry,
    history,
    log_next_day,
    log_observations,
    log_practice,
    status,
)
from softpace.app.context import AppContext
from softpace.app.preferences import get_settings, save_settings, set_values
from softpace.app.sessions import (
    Choices,
    RenderProgress,
    RenderSummary,
    SafetyStop,
    StageInfo,
    TodaySession,
    list_stages,
    plan_today,
    render_stages,
    session_options,
    session_script,
    today,
    verify_session,
    voice_for,
)
from softpace.app.share import ShareRequest, Sharing, export_sessions, open_share, today_note

__all__ = [
    "RED_FLAG_MESSAGE",
    "AppContext",
    "Choices",
    "EntryKind",
    "FlagsCleared",
    "NextDayLogged",
    "ObservationsLogged",
    "PracticeLogged",
    "RenderProgress",
    "RenderSummary",
    "SafetyStop",
    "ShareRequest",
    "Sharing",
    "StageInfo",
    "Status",
    "TodaySession",
    "clear_flags",
    "correct_practice",
    "delete_entry",
    "export_sessions",
    "get_settings",
    "history",
    "list_stages",
    "log_next_day",
    "log_observations",
    "log_practice",
    "open_share",
    "plan_today",
    "render_stages",
    "save_settings",
    "session_options",
    "session_script",
    "set_values",
    "status",
    "today",
    "today_note",
    "verify_session",
    "voice_for",
]
