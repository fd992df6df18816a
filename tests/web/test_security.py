"""Each security promise of the local app and the phone's check-in, tested on its own:
the launch key and cookie, the Host check, CSRF and Origin, the CSP, body limits,
idempotency keys, what the phone may read, and discreet pages."""

from __future__ import annotations

import re
from datetime import date

from starlette.testclient import TestClient

from softpace import app
from softpace.share import routes
from softpace.share.gate import Activity
from softpace.share.inbox import INBOX_NAME, Inbox
from softpace.web.phone import Desk
from softpace.web.server import create_app
from tests.web.conftest import ORIGIN, PORT

PAGES = ("/", "/checkin", "/progress", "/settings", "/phone", "/reminders")
HEALTH_WORDS = ("pelvic", "vagin", "dilator", "insertion", "bleeding", "red flag", "pain",
                "clinician", "physio", "discomfort", "entrance", "mapping", "kegel")  # fmt: skip


def test_without_the_launch_key_nothing_is_shown(web):
    stranger = TestClient(create_app(web.state, PORT), base_url=ORIGIN)
    for path in (*PAGES, "/media/external-mapping.mp3", "/render/status", "/reminders.ics"):
        answer = stranger.get(path)
        assert answer.status_code == 403, path
        assert "softpace app" in answer.text and "<" not in answer.text
    wrong = stranger.get("/open?key=guess", follow_redirects=False)
    assert wrong.status_code == 403 and "set-cookie" not in wrong.headers
    assert stranger.post("/checkin", data={"during": "1"}).status_code == 403
    assert app.history(web.state.ctx).practices == ()


def test_the_launch_key_becomes_a_strict_httponly_cookie(web):
    fresh = TestClient(create_app(web.state, PORT), base_url=ORIGIN)
    opened = fresh.get(f"/open?key={web.state.keys.launch_key}", follow_redirects=False)
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert web.state.keys.launch_key not in cookie  # the cookie is its own secret
    assert opened.headers["location"] == "/"
    assert fresh.get("/").status_code == 200


def test_a_foreign_host_header_is_refused(web):
    for host in ("evil.example", f"evil.example:{PORT}", "127.0.0.1:1", "192.168.1.5:8790"):
        answer = web.client.get("/", headers={"Host": host})
        assert answer.status_code == 421, host
    assert web.client.get("/", headers={"Host": f"localhost:{PORT}"}).status_code == 200


def test_a_post_without_the_csrf_token_changes_nothing(web):
    for data in ({"during": "1"}, {"during": "1", "csrf": "forged"}):
        answer = web.client.post("/checkin", data=data, follow_redirects=False)
        assert answer.status_code == 403 and "Nothing was changed" in answer.text
    cross = web.client.post(
        "/checkin",
        data={"during": "1", "csrf": web.state.keys.csrf},
        headers={"Origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert cross.status_code == 403
    assert app.history(web.state.ctx).practices == ()
    # state changes only by POST: other methods are refused
    assert web.client.put("/checkin", content=b"during=1").status_code == 405


def test_every_page_has_a_strict_csp_with_a_nonce_and_nothing_from_elsewhere(web):
    nonces = set()
    for path in PAGES:
        answer = web.client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        nonce = re.search(r"'nonce-([^']+)'", csp)[1]
        nonces.add(nonce)
        scripts = re.findall(r"<script([^>]*)>", answer.text)
        for attrs in scripts:
            assert f'nonce="{nonce}"' in attrs or 'type="application/json"' in attrs, path
        assert "style=" not in answer.text  # inline styles would be blocked
        assert not re.search(r'(?:src|href)="(?:https?:)?//', answer.text), path
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["x-frame-options"] == "DENY"
    assert len(nonces) == len(PAGES)  # a new nonce each time


def _desk(web, show_history=False):
    return Desk(
        web.state.context,
        Inbox(web.state.ctx.home / INBOX_NAME),
        lambda: show_history,
        False,
        web.state.write_lock,
    )


def _phone(web, rendered, tmp_path, desk, discreet=False, today=None):
    share = routes.Share(
        web.state.ctx.plan, rendered, tmp_path / "share", discreet,
        today=today, desk=desk,
    )  # fmt: skip
    token = "t0k3n-for-the-phone-test"
    base = f"http://192.0.2.10:8765/{token}/"
    client = TestClient(
        routes.create_app(share, token, base, Activity()), base_url=base.split(f"/{token}")[0]
    )
    return client, token


KEY = "0123456789abcdef0123456789abcdef"


def test_a_replayed_phone_entry_is_saved_once(web, rendered, tmp_path):
    client, token = _phone(web, rendered, tmp_path, _desk(web))
    entry = {"key": KEY, "on": date.today().isoformat(), "during": "1"}
    first = client.post(f"/{token}/checkin", json=entry)
    assert first.status_code == 200, first.text
    again = client.post(f"/{token}/checkin", json=entry)
    assert again.status_code == 409 and "already saved" in again.json()["message"]
    assert len(app.history(web.state.ctx).practices) == 1


def test_the_phone_checkin_needs_the_token_json_and_a_key(web, rendered, tmp_path):
    client, token = _phone(web, rendered, tmp_path, _desk(web))
    entry = {"key": KEY, "during": "1"}
    assert client.post("/checkin", json=entry).status_code == 404
    assert client.post(f"/{token[:-1]}x/checkin", json=entry).status_code == 404
    form = client.post(f"/{token}/checkin", data={"during": "1"})  # a cross-site form
    assert form.status_code == 415
    assert client.post(f"/{token}/checkin", json={"during": "1"}).status_code == 400
    big = client.post(f"/{token}/checkin", json={**entry, "note": "x" * 10_000_000})
    assert big.status_code == 413
    bad = client.post(f"/{token}/checkin", json={**entry, "during": "11"})
    assert bad.status_code == 400 and "0 (none) to 10" in bad.json()["message"]
    future = client.post(f"/{token}/checkin", json={**entry, "on": "2999-01-01"})
    assert future.status_code == 400 and "future" in future.json()["message"]
    assert app.history(web.state.ctx).practices == ()
    # the share writes check-ins only: no settings, no corrections through it
    for path in ("settings", "entries/practice/1/delete", "render"):
        assert client.post(f"/{token}/{path}", json=entry).status_code in (404, 405)


def test_the_phone_cannot_read_the_log_unless_allowed(web, rendered, tmp_path):
    app.log_practice(web.state.ctx, 1, note="private words")
    client, token = _phone(web, rendered, tmp_path, _desk(web))
    assert "private words" not in client.get(f"/{token}/").text
    assert "Recent check-ins" not in client.get(f"/{token}/").text
    allowed, token = _phone(web, rendered, tmp_path, _desk(web, show_history=True))
    assert "Recent check-ins" in allowed.get(f"/{token}/").text
    # discreet: never on the main page; on the note page only
    quiet, token = _phone(
        web, rendered, tmp_path / "d", _desk(web, show_history=True), discreet=True
    )
    assert "private words" not in quiet.get(f"/{token}/").text
    assert "Recent notes" in quiet.get(f"/{token}/note").text


def test_a_discreet_share_page_and_feed_leak_nothing(web, rendered, tmp_path):
    app.log_observations(web.state.ctx, symptoms=("burning",), red_flags=("bleeding",))
    from softpace.app.share import today_note

    client, token = _phone(
        web, rendered, tmp_path, _desk(web), discreet=True,
        today=lambda: today_note(web.state.ctx),
    )  # fmt: skip
    shown = [client.get(f"/{token}/").text, client.get(f"/{token}/feed.xml").text]
    shown += [client.get(f"/{token}/{p}").text for p in ("nothing", "files/x.mp3", "feed")]
    for text in shown:
        visible = re.sub(r"<p>[^<]*(?:<br>[^<]*)*</p>", "", text)  # read-along words aside
        lowered = visible.lower()
        assert not [w for w in HEALTH_WORDS if w in lowered], [
            w for w in HEALTH_WORDS if w in lowered
        ]
        assert date.today().isoformat() not in text
        assert "data-stage" not in text and str(rendered) not in text
        assert str(tmp_path) not in text


def test_discreet_app_titles_say_nothing(web):
    web.post("/settings", {"inhale_s": "4", "exhale_s": "6", "tones": "normal",
                           "discreet": "on", "short": "on"})  # fmt: skip
    for path in PAGES:
        title = re.search(r"<title>(.*?)</title>", web.client.get(path).text)[1].lower()
        assert "softpace" not in title and not [w for w in HEALTH_WORDS if w in title]
    ics = web.client.get("/reminders.ics").content.decode().lower()
    assert "softpace" not in ics and not [w for w in HEALTH_WORDS if w in ics]
