"""Operations on the user's settings: read them, change some, save them (checked first)."""

from __future__ import annotations

from collections.abc import Sequence

from softpace.app.context import AppContext
from softpace.app.sessions import check_hip_openers
from softpace.settings import Settings, with_value


def get_settings(ctx: AppContext) -> Settings:
    return ctx.settings


def save_settings(ctx: AppContext, settings: Settings) -> AppContext:
    """Check the settings against the plan and the voices, save them, and return the
    context that uses them."""
    from softpace.voice.profiles import get_profile

    if settings.voice is not None:
        get_profile(settings.voice, ctx.user_voices_dir)  # an unknown voice lists the known
    if settings.hip_openers is not None:
        check_hip_openers(ctx.plan, settings.hip_openers)
    return ctx.save_settings(settings)


def set_values(ctx: AppContext, assignments: Sequence[str]) -> AppContext:
    """Apply `key=value` assignments (an empty value resets a key) and save."""
    settings = ctx.settings
    for assignment in assignments:
        settings = with_value(settings, assignment)
    return save_settings(ctx, settings)
