"""What the app's forms do (POST, behind the CSRF check in gate.py): save a check-in,
correct or delete an entry, save settings, prepare today's session, start or stop the
phone share. Each answers with a redirect to a page that says what happened; bad input
gets a clear message and changes nothing."""

from __future__ import annotations

import urllib.parse

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from softpace import app
from softpace.errors import LogEntryError, SoftpaceError
from softpace.web import checkin
from softpace.web.gate import BODY_KEY
from softpace.web.pages import error_page
from softpace.web.state import WebState

MAX_FIELDS = 100


def fields(request: Request) -> dict[str, list[str]]:
    body: bytes = request.scope.get(BODY_KEY, b"")
    try:
        return urllib.parse.parse_qs(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        raise LogEntryError("the form could not be read; reload the page and try again") from None


def back(to: str) -> Response:
    return RedirectResponse(to, status_code=303)


def refused(state: WebState, exc: SoftpaceError, to: str) -> Response:
    return error_page(state, 400, "Nothing was changed", str(exc), to)


def save_checkin(state: WebState, request: Request) -> Response:
    try:
        with state.write_lock:
            ctx = state.ctx
            saved = checkin.save(ctx, checkin.parse(ctx, fields(request)))
    except SoftpaceError as exc:
        return refused(state, exc, "/checkin")
    state.say(*saved.messages, safety=saved.safety)
    return back("/" if saved.safety else "/checkin")


def _entry_id(request: Request) -> int:
    text = request.path_params["entry_id"]
    if not text.isdigit() or len(text) > 12:
        raise LogEntryError(f"{text[:20]!r} is not an entry number")
    return int(text)


def correct_entry(state: WebState, request: Request) -> Response:
    from datetime import timedelta

    try:
        entry_id = _entry_id(request)
        form = fields(request)
        with state.write_lock:
            ctx = state.ctx
            practice = app.history(ctx).practice(entry_id)
            if practice is None:
                raise LogEntryError(f"there is no practice #{entry_id} in the log")
            checked = checkin.parse(
                ctx,
                {
                    "on": [practice.on.isoformat()],
                    "during": form.get("during", [""]),
                    "dilator": form.get("dilator", [""]),
                    "note": form.get("note", [""]),
                },
            )
            if checked.during is None:
                raise LogEntryError("the discomfort during the practice is needed")
            next_day = checkin.parse(ctx, {"after": form.get("next_day", [""])}).after
            app.correct_practice(
                ctx,
                entry_id,
                checked.during,
                on=practice.on,
                stage=practice.stage,
                dilator=checked.dilator,
                note=checked.note,
            )
            if next_day is not None and next_day != practice.next_day:
                rated_on = practice.next_day_on or practice.on + timedelta(days=1)
                app.log_next_day(ctx, next_day, on=min(rated_on, ctx.today()))
    except SoftpaceError as exc:
        return refused(state, exc, "/checkin")
    state.say("Corrected. Today's decision follows the corrected log.")
    return back("/checkin")


def delete_entry(state: WebState, request: Request) -> Response:
    try:
        entry_id = _entry_id(request)
        form = fields(request)
        if form.get("confirm") != ["yes"]:
            raise LogEntryError("tick 'Yes, delete this entry for good' to delete it")
        with state.write_lock:
            app.delete_entry(state.ctx, request.path_params["kind"], entry_id)
    except SoftpaceError as exc:
        return refused(state, exc, "/checkin")
    state.say("Deleted. Today's decision follows the corrected log.")
    return back("/checkin")


SETTING_FIELDS = ("voice", "inhale_s", "exhale_s", "tones", "reminder_time", "checkin_time")


def save_settings(state: WebState, request: Request) -> Response:
    try:
        form = fields(request)
        assignments = []
        for key in SETTING_FIELDS:
            value = (form.get(key) or [""])[0]
            if "\n" in value or len(value) > 100:
                raise LogEntryError(f"the {key.replace('_', ' ')} is not a setting value")
            assignments.append(f"{key}={value}")
        for key in ("short", "discreet"):
            assignments.append(f"{key}={'true' if form.get(key) == ['on'] else 'false'}")
        poses = form.get("hip_openers", [])
        if form.get("hip_mode") == ["choose"]:
            assignments.append(f"hip_openers={','.join(poses)}")
        else:
            assignments.append("hip_openers=")
        with state.write_lock:
            state.ctx = app.set_values(state.ctx, assignments)
    except SoftpaceError as exc:
        return refused(state, exc, "/settings")
    state.say("Settings saved. The command line uses them too.")
    return back("/settings")


def start_render(state: WebState, request: Request) -> Response:
    state.start_render()
    return back("/")


def phone_start(state: WebState, request: Request) -> Response:
    try:
        state.phone.start(state.ctx, state.write_lock, state.context)
    except SoftpaceError as exc:
        return refused(state, exc, "/phone")
    return back("/phone")


def phone_stop(state: WebState, request: Request) -> Response:
    state.phone.stop()
    state.say("Sharing stopped.")
    return back("/phone")


def phone_history(state: WebState, request: Request) -> Response:
    state.phone.show_history = fields(request).get("show") == ["yes"]
    return back("/phone")
