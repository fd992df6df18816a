"""The app's pages and forms, in-process: today, the check-in, corrections, settings."""

from __future__ import annotations

import html as html_module
from datetime import date, timedelta

from softpace import app


def page(web, path: str) -> str:
    answer = web.client.get(path)
    assert answer.status_code == 200, answer.text
    return html_module.unescape(answer.text)


def test_today_shows_the_decision_and_plays_todays_session(web):
    page = web.client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "Start with stage 1" in html
    assert 'id="session-audio"' in html and 'src="/media/external-mapping.mp3"' in html
    assert 'id="session-data"' in html and '"breath"' in html
    audio = web.client.get("/media/external-mapping.mp3")
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert web.client.get("/media/..%2fsecret.mp3").status_code == 404


def test_a_checkin_is_saved_and_the_next_day_asks_how_it_settled(web):
    answer = web.post("/checkin", {"during": "1", "dilator": "2", "felt_safe": "slow breath"})
    assert answer.status_code == 303, answer.text
    log = app.history(web.state.ctx)
    assert [(p.during, p.dilator) for p in log.practices] == [(1, "2")]
    assert "What felt safe: slow breath" in log.practices[0].note
    assert "Saved: today's practice" in page(web, "/checkin")
    # the next day: the page asks first how yesterday settled
    ctx = web.state.ctx
    tomorrow = date.today() + timedelta(days=1)
    web.state.ctx = type(ctx)(**{**ctx.__dict__, "clock": lambda: tomorrow})
    html = page(web, "/checkin")
    assert html.index("how did yesterday") < html.index("during today")
    assert web.post("/checkin", {"after": "0"}).status_code == 303
    assert app.history(web.state.ctx).practices[0].next_day == 0


def test_a_red_flag_shows_the_safety_message_and_pauses(web):
    answer = web.post("/checkin", {"red_flag": "bleeding"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    html = page(web, "/")
    assert "Red flag noted" in html and "No exposure session today" in html
    assert 'id="session-audio"' not in html


def test_bad_input_changes_nothing(web):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for data in (
        {"during": "11"},
        {"during": "-1"},
        {"during": "1", "on": tomorrow},
        {"during": "1", "on": "1999-12-31"},
        {"during": "1", "symptom": "no-such"},
        {"during": "1", "note": "x" * 3000},
        {},
    ):
        answer = web.post("/checkin", data)
        assert answer.status_code == 400, data
        assert "Nothing was changed" in answer.text
    assert app.history(web.state.ctx).practices == ()


def test_a_10_mb_note_is_refused_before_it_is_read(web):
    answer = web.post("/checkin", {"during": "1", "note": "x" * 10_000_000})
    assert answer.status_code == 413 and "nothing was changed" in answer.text
    assert app.history(web.state.ctx).practices == ()


def test_an_entry_is_corrected_and_deleted_and_the_decision_follows(web):
    web.post("/checkin", {"during": "7"})
    assert app.status(web.state.ctx).decision.action.value != "start"
    practice = app.history(web.state.ctx).practices[0]
    answer = web.post(f"/entries/practice/{practice.id}/correct", {"during": "1", "note": "typo"})
    assert answer.status_code == 303, answer.text
    assert app.history(web.state.ctx).practices[0].during == 1
    refused = web.post(f"/entries/practice/{practice.id}/delete")
    assert refused.status_code == 400 and app.history(web.state.ctx).practices
    deleted = web.post(f"/entries/practice/{practice.id}/delete", {"confirm": "yes"})
    assert deleted.status_code == 303
    assert app.history(web.state.ctx).practices == ()


def test_settings_are_saved_for_the_cli_too(web):
    from softpace.settings import load_settings

    answer = web.post(
        "/settings",
        {"voice": "espeak-warm", "inhale_s": "5", "exhale_s": "7", "tones": "soft", "short": "on",
         "hip_mode": "choose", "hip_openers": ["childs-pose", "figure-four"],
         "reminder_time": "21:15", "checkin_time": "08:00"},
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    saved = load_settings(web.state.ctx.home)
    assert (saved.voice, saved.inhale_s, saved.tones, saved.hip_openers) == (
        "espeak-warm", 5.0, "soft", ("childs-pose", "figure-four"))  # fmt: skip
    bad = web.post("/settings", {"inhale_s": "99", "exhale_s": "6", "tones": "soft"})
    assert bad.status_code == 400 and load_settings(web.state.ctx.home).inhale_s == 5.0


def test_progress_page_has_a_chart_and_a_table(web):
    web.post("/checkin", {"during": "1"})
    html = page(web, "/progress")
    assert "<svg" in html and "<table" in html and "still needed" in html


def test_reminders_download(web):
    answer = web.client.get("/reminders.ics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert b"RRULE:FREQ=DAILY" in answer.content
