"""The app's pages (GET): Today, Check-in, Progress, Settings, Phone, Reminders, and the
files they use (today's audio, the static scripts, the calendar). Nothing here writes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)

from softpace import app
from softpace.reminders import DEFAULT_CHECKIN_AT, DEFAULT_PRACTICE_AT
from softpace.share.security import NO_STORE, new_nonce, page_headers
from softpace.web import checkin
from softpace.web.assets import asset
from softpace.web.state import WebState
from softpace.web.templating import environment
from softpace.web.views import entry_rows, progress_chart, session_data, today_view

NAV = (
    ("/", "Today"),
    ("/checkin", "Check-in"),
    ("/progress", "Progress"),
    ("/settings", "Settings"),
    ("/phone", "Phone"),
    ("/reminders", "Reminders"),
)


def page(state: WebState, template: str, here: str, title: str, **values: Any) -> Response:
    nonce = new_nonce()
    flash = state.take_flash()
    html = (
        environment()
        .get_template(template)
        .render(
            title=title,
            app_name=state.app_name,
            nav=NAV,
            here=here,
            nonce=nonce,
            csrf=state.keys.csrf,
            flash=flash.lines,
            flash_safety=flash.safety,
            **values,
        )
    )
    return HTMLResponse(html, headers=page_headers(nonce, forms=True))


def error_page(state: WebState, status: int, heading: str, message: str, back: str) -> Response:
    nonce = new_nonce()
    html = environment().get_template("error.html.j2").render(
        title=heading, app_name=state.app_name, nav=NAV, here="", nonce=nonce, flash=(),
        flash_safety=False, heading=heading, message=message, back=back,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers=page_headers(nonce, forms=True))


def today_page(state: WebState, request: Request) -> Response:
    ctx = state.ctx
    view = today_view(ctx)
    session = None
    why = ""
    if not view.paused and view.stage_id is not None and view.recipe is not None:
        found = _fitting_session(state, view)
        if found is not None:
            session = session_data(found, f"/media/{view.stage_id}.mp3")
        else:
            why = (
                "Today's session is not prepared yet, or was made for another day's needs. "
                "Preparing it takes a minute or two."
            )
    render = state.render
    return page(
        state,
        "today.html.j2",
        "/",
        "Today",
        view=view,
        session=session,
        render_why=render.error or why,
        rendering=render.running,
        render_fraction=f"{render.fraction:.3f}",
        render_status="Preparing…" if render.running else "",
    )


def _fitting_session(state: WebState, view: Any) -> Any:
    from softpace.publish.catalog import rendered_sessions
    from softpace.share.fit import fits

    ctx = state.ctx
    for session in rendered_sessions(ctx.plan, ctx.out_dir):
        if session.stage.id == view.stage_id and fits(
            ctx.plan, ctx.out_dir, view.recipe, session.timeline, session.mtime_ns
        ):
            return session.timeline
    return None


def render_status(state: WebState, request: Request) -> Response:
    r = state.render
    return JSONResponse(
        {"running": r.running, "fraction": round(r.fraction, 4), "done": r.done, "error": r.error},
        headers=NO_STORE,
    )


def media(state: WebState, request: Request) -> Response:
    """Today's MP3 only: the name must be a stage id of the plan."""
    from softpace.publish.catalog import session_paths

    name = request.path_params["name"]
    stage_id = name.removesuffix(".mp3")
    if not name.endswith(".mp3") or stage_id not in state.ctx.plan.stage_ids:
        return PlainTextResponse("Not Found", status_code=404)
    path = session_paths(state.ctx.out_dir, stage_id)[0]
    if not path.is_file():
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(path, media_type="audio/mpeg", headers={"Cache-Control": "no-store"})


def checkin_page(state: WebState, request: Request) -> Response:
    from softpace.web.views import awaiting_day

    ctx = state.ctx
    log = app.history(ctx)
    return page(
        state,
        "checkin.html.j2",
        "/checkin",
        "Check-in",
        form=checkin.form_info(ctx),
        awaiting_day=awaiting_day(log, ctx.today()),
        entries=entry_rows(log, ctx.plan)[:30],
    )


def progress_page(state: WebState, request: Request) -> Response:
    ctx = state.ctx
    status = app.status(ctx)
    decision = status.decision
    chart = progress_chart(status.log, decision, ctx.plan, ctx.today())
    stage = ctx.plan.stage(decision.stage)
    flags = {i.id: i.title for i in ctx.plan.red_flags}
    titles = {i.id: i.title for i in ctx.plan.troubleshooting}
    return page(
        state,
        "progress.html.j2",
        "/progress",
        "Progress",
        decision=decision,
        stage=stage,
        stages=ctx.plan.stages,
        chart=chart,
        still_needed=max(0, decision.easy_needed - decision.easy_streak),
        red_flags=[flags.get(f, f) for f in decision.red_flags],
        adaptations=[titles.get(m, m) for m in sorted(decision.modifiers)],
        scale_max=ctx.plan.comfort_rule.scale_max,
        stage_titles={s.id: f"{s.number}, {s.title}" for s in ctx.plan.stages},
        move_words={"advance": "moved on to", "step-back": "stepped back to", "start": "started"},
    )


def settings_page(state: WebState, request: Request) -> Response:
    from softpace.voice.profiles import load_profiles

    ctx = state.ctx
    hip = next((e for e in ctx.plan.exercises if e.id == "hip-openers"), None)
    return page(
        state,
        "settings.html.j2",
        "/settings",
        "Settings",
        s=ctx.settings,
        voices=list(load_profiles(ctx.user_voices_dir).values()),
        poses=hip.options if hip is not None else (),
    )


def phone_page(state: WebState, request: Request) -> Response:
    running = state.phone.running()
    qr = None
    if running is not None:
        import segno

        qr = segno.make(running.url, error="m").svg_inline(omitsize=True, dark="#000", light="#fff")
    return page(
        state,
        "phone.html.j2",
        "/phone",
        "Phone",
        running=running,
        qr=qr,
        last_stop=state.phone.last_stop,
        show_history=state.phone.show_history,
    )


def reminders_page(state: WebState, request: Request) -> Response:
    s = state.ctx.settings
    return page(
        state,
        "reminders.html.j2",
        "/reminders",
        "Reminders",
        practice_at=(s.reminder_time or DEFAULT_PRACTICE_AT).strftime("%H:%M"),
        checkin_at=(s.checkin_time or DEFAULT_CHECKIN_AT).strftime("%H:%M"),
        discreet=s.discreet,
    )


def reminders_ics(state: WebState, request: Request) -> Response:
    from softpace.reminders import calendar_for

    s = state.ctx.settings
    body = calendar_for(
        s.reminder_time, s.checkin_time, starts_on=state.ctx.today(), discreet=s.discreet
    ).data
    name = "reminders.ics" if s.discreet else "softpace-reminders.ics"
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def static(state: WebState, request: Request) -> Response:
    found = asset(request.path_params["name"])
    if found is None:
        return PlainTextResponse("Not Found", status_code=404)
    body, media_type = found
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})
