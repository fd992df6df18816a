"""The application layer: the operations a user performs, for every front end.

Each operation takes an AppContext and plain arguments and returns frozen data (or
raises a SoftpaceError whose `exit_code` says what kind of problem it is). The CLI and
the web app call only these; neither holds decision logic of its own.

The names below load with their module on first use (PEP 562), so a command that
needs one operation (a render) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as their modules define them (`X as X`: re-exported)
    from softpace.app.checkin import (
        RED_FLAG_MESSAGE as RED_FLAG_MESSAGE,
        EntryKind as EntryKind,
        FlagsCleared as FlagsCleared,
        NextDayLogged as NextDayLogged,
        ObservationsLogged as ObservationsLogged,
        PracticeLogged as PracticeLogged,
        Status as Status,
        clear_flags as clear_flags,
        correct_practice as correct_practice,
        delete_entry as delete_entry,
        history as history,
        log_next_day as log_next_day,
        log_observations as log_observations,
        log_practice as log_practice,
        status as status,
    )
    from softpace.app.context import (
        AppContext as AppContext,
    )
    from softpace.app.preferences import (
        get_settings as get_settings,
        save_settings as save_settings,
        set_values as set_values,
    )
    from softpace.app.sessions import (
        Choices as Choices,
        RenderProgress as RenderProgress,
        RenderSummary as RenderSummary,
        SafetyStop as SafetyStop,
        StageInfo as StageInfo,
        TodaySession as TodaySession,
        list_stages as list_stages,
        plan_today as plan_today,
        render_stages as render_stages,
        session_options as session_options,
        session_script as session_script,
        today as today,
        verify_session as verify_session,
        voice_for as voice_for,
    )
    from softpace.app.share import (
        ShareRequest as ShareRequest,
        Sharing as Sharing,
        export_sessions as export_sessions,
        open_share as open_share,
        today_note as today_note,
    )

# each name, with the module of softpace.app that defines it
_HOMES = {
    "RED_FLAG_MESSAGE": "checkin",
    "EntryKind": "checkin",
    "FlagsCleared": "checkin",
    "NextDayLogged": "checkin",
    "ObservationsLogged": "checkin",
    "PracticeLogged": "checkin",
    "Status": "checkin",
    "clear_flags": "checkin",
    "correct_practice": "checkin",
    "delete_entry": "checkin",
    "history": "checkin",
    "log_next_day": "checkin",
    "log_observations": "checkin",
    "log_practice": "checkin",
    "status": "checkin",
    "AppContext": "context",
    "get_settings": "preferences",
    "save_settings": "preferences",
    "set_values": "preferences",
    "Choices": "sessions",
    "RenderProgress": "sessions",
    "RenderSummary": "sessions",
    "SafetyStop": "sessions",
    "StageInfo": "sessions",
    "TodaySession": "sessions",
    "list_stages": "sessions",
    "plan_today": "sessions",
    "render_stages": "sessions",
    "session_options": "sessions",
    "session_script": "sessions",
    "today": "sessions",
    "verify_session": "sessions",
    "voice_for": "sessions",
    "ShareRequest": "share",
    "Sharing": "share",
    "export_sessions": "share",
    "open_share": "share",
    "today_note": "share",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
