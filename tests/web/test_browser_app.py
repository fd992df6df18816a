"""`softpace app` in a real headless Chromium: play a session with the breath guide in sync,
check in, see the decision change, log a red flag and see the stop, check in from a
phone-sized window through the share (on 127.0.0.1), offline and later; axe-core finds no
serious violation; keyboard only; dark mode; reduced motion.

The app runs in this process (uvicorn in a thread, on 127.0.0.1 only) over the
fake-engine sessions, so nothing here talks to any other address.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from softpace import app
from softpace.share.lifecycle import Stopper, bind, make_server
from softpace.web.phone import Phone
from softpace.web.server import create_app, open_url
from softpace.web.state import make_state
from tests.test_browser import _browser_or_skip, _wait_for
from tests.web.conftest import app_context

pytestmark = pytest.mark.slow
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PHONE = (390, 844)
DESKTOP = (1280, 900)


class Live:
    def __init__(self, state, url: str, stopper: Stopper, thread: threading.Thread) -> None:
        self.state, self.url, self.stopper, self.thread = state, url, stopper, thread
        self.base = url.split("/open")[0]


@pytest.fixture
def live(tmp_path, tiny_plan, rendered):
    ctx = app_context(tmp_path / "home", tiny_plan, rendered)
    state = make_state(ctx, phone=Phone(host="127.0.0.1"))
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    stopper = Stopper()
    server = make_server(create_app(state, port), stopper)
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield Live(state, open_url(port, state), stopper, thread)
    state.phone.stop()
    stopper.stop("test over")
    thread.join(timeout=10)


@pytest.fixture
def browser():
    driver = _browser_or_skip(extra=("--autoplay-policy=no-user-gesture-required",))
    try:
        yield driver
    finally:
        driver.quit()


def _by(css):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def _text(browser) -> str:
    # one script call: no element reference that a navigation could make stale
    return browser.execute_script("return document.body ? document.body.innerText : '';")


def _axe(browser) -> list[str]:
    browser.execute_script(AXE)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r)));"
    )
    violations = json.loads(result)["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_play_today_with_the_breath_guide_in_step_with_the_timeline(live, browser, rendered):
    browser.set_window_size(*DESKTOP)
    browser.get(live.url)
    assert "Start with stage 1" in _text(browser)
    timeline = json.loads((rendered / "external-mapping.timeline.json").read_text())
    breath = [e for e in timeline["events"] if e["kind"] in ("inhale", "exhale", "hold")]
    start_s = breath[len(breath) // 3]["start_s"] - 0.5
    browser.execute_script(
        "const a = document.getElementById('session-audio');"
        "a.currentTime = arguments[0]; a.play();",
        start_s,
    )
    turns: dict[tuple[str, str], float] = {}
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and len(turns) < 4:
        phase, since, start = browser.execute_script(
            "const g = document.getElementById('breath');"
            "return [g.dataset.phase, g.dataset.phaseSince, g.dataset.phaseStart];"
        )
        if phase in ("inhale", "exhale", "hold") and start:
            turns[(phase, start)] = float(since)
        time.sleep(0.02)
    assert len(turns) >= 2, turns  # at least two turns of the breath seen while playing
    for (phase, start), since in turns.items():
        event = next(e for e in breath if abs(e["start_s"] - float(start)) < 1e-3)
        assert event["kind"] == phase
        if float(start) >= start_s:  # a turn seen while playing, not the one seeked into
            assert abs(since - event["start_s"]) < 0.1, (phase, since, event)
    playing = browser.execute_script(
        "const a = document.getElementById('session-audio'); return [a.paused, a.currentTime];"
    )
    assert playing[0] is False and playing[1] > start_s
    # the words follow: the line being spoken (or just spoken) is marked
    assert browser.find_elements(*_by(".transcript p.now")) or breath  # words may be silent here
    assert _axe(browser) == []


def test_check_in_see_the_decision_change_then_a_red_flag_stops(live, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(*DESKTOP)
    browser.get(live.url)
    assert "Start with stage 1" in _text(browser)
    browser.get(live.base + "/checkin")
    browser.find_element(By.CSS_SELECTOR, "input[name='during'][value='6']").click()
    browser.find_element(By.ID, "felt_safe").send_keys("the slow breath")
    browser.find_element(By.CSS_SELECTOR, "#checkin-form button[type='submit']").click()
    assert _wait_for(lambda: "Saved: today's practice, discomfort 6" in _text(browser))
    browser.get(live.base + "/")
    assert "Start with stage 1" not in _text(browser)
    assert "shorter" in _text(browser)  # the decision followed the log
    # a red flag: the safety message shows at once, before saving
    browser.get(live.base + "/checkin")
    safety = browser.find_element(By.ID, "safety-now")
    assert not safety.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "input[name='red_flag'][value='bleeding']").click()
    assert safety.is_displayed() and "pause" in safety.text.lower()
    browser.find_element(By.CSS_SELECTOR, "#checkin-form button[type='submit']").click()
    assert _wait_for(lambda: "Red flag noted" in _text(browser))
    body = _text(browser)
    assert "Red flag noted" in body and "No exposure session today" in body
    assert not browser.find_elements(By.ID, "session-audio")
    assert app.plan_today(live.state.ctx).stop is not None
    assert _axe(browser) == []


def test_check_in_from_the_phone_including_an_entry_made_offline(live, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(*PHONE)
    browser.get(live.url)
    browser.get(live.base + "/phone")
    browser.find_element(By.CSS_SELECTOR, "form[action='/phone/start'] button").click()
    share_url = _wait_for(
        lambda: (
            [e.text for e in browser.find_elements(By.ID, "share-url")]
            and (browser.find_element(By.ID, "share-url").text)
        )
    )
    assert share_url.startswith("http://127.0.0.1:")
    browser.get(share_url)
    assert "Check in" in _text(browser)
    assert _axe(browser) == []

    def submit(rating: str) -> None:
        browser.find_element(By.CSS_SELECTOR, f"input[name='during'][value='{rating}']").click()
        browser.find_element(By.CSS_SELECTOR, "#checkin-form button[type='submit']").click()

    submit("1")
    assert _wait_for(lambda: "Saved" in browser.find_element(By.ID, "queue-status").text)
    assert [p.during for p in app.history(live.state.ctx).practices] == [1]

    # offline: the entry waits in the phone's storage
    browser.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    submit("2")
    waiting = _wait_for(lambda: "waiting" in browser.find_element(By.ID, "queue-status").text)
    assert waiting, browser.find_element(By.ID, "queue-status").text
    queued = browser.execute_script(
        "return Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).length);"
    )
    assert queued == [1]
    assert [p.during for p in app.history(live.state.ctx).practices] == [1]
    # reachable again: sent once, and only once even if sent again
    online = {**offline, "offline": False, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", online)
    browser.execute_script("window.dispatchEvent(new Event('online'));")
    assert _wait_for(lambda: len(app.history(live.state.ctx).practices) == 2)
    browser.refresh()
    time.sleep(1)
    assert sorted(p.during for p in app.history(live.state.ctx).practices) == [1, 2]
    assert browser.execute_script(
        "return Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).length);"
    ) == [0]
    # the same entry queued twice (two tabs, a lost answer): saved once, and the queue empties
    browser.execute_script(
        "const k = Object.keys(localStorage)[0];"
        "const e = {key: 'ab'.repeat(16), on: arguments[0], during: '0'};"
        "localStorage[k] = JSON.stringify([e, e]);"
        "window.dispatchEvent(new Event('online'));",
        date.today().isoformat(),
    )
    queue = "return Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).length);"
    assert _wait_for(lambda: browser.execute_script(queue) == [0])
    assert sorted(p.during for p in app.history(live.state.ctx).practices) == [0, 1, 2]


def test_every_page_passes_axe_in_light_and_dark(live, browser):
    browser.set_window_size(*PHONE)
    browser.get(live.url)
    # the check can fail: a button without a name is a serious violation
    browser.execute_script("document.body.appendChild(document.createElement('button'));")
    assert any(v.startswith("button-name") for v in _axe(browser))
    for scheme in ("light", "dark"):
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        for path in ("/", "/checkin", "/progress", "/settings", "/phone", "/reminders"):
            browser.get(live.base + path)
            assert _axe(browser) == [], (scheme, path)
        background = browser.execute_script(
            "return getComputedStyle(document.body).backgroundColor;"
        )
        red = int(background.split("(")[1].split(",")[0])
        assert (red < 60) if scheme == "dark" else (red > 200), background


def test_keyboard_only_check_in(live, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(*DESKTOP)
    browser.get(live.url)
    browser.get(live.base + "/checkin")
    seen = []
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        seen.append(browser.execute_script(
            "const e = document.activeElement; return [e.tagName, e.name || '', e.type || ''];"
        ))  # fmt: skip
        if seen[-1][1] == "during":
            break
    assert seen[0][0] == "A"  # the skip link first
    assert seen[-1][1] == "during", seen
    # arrow keys choose a rating inside the group; Enter in a text field submits
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    for _ in range(30):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script("return document.activeElement.id;") == "felt_safe":
            break
    ActionChains(browser).send_keys("quiet room", Keys.ENTER).perform()
    assert _wait_for(lambda: app.history(live.state.ctx).practices)
    practice = app.history(live.state.ctx).practices[0]
    assert practice.during in (0, 1) and "quiet room" in practice.note
    # every focusable element shows where focus is
    outline = browser.execute_script(
        "document.querySelector('nav a').focus();"
        "return getComputedStyle(document.activeElement, ':focus-visible').outlineStyle;"
    )
    assert outline != "none"


def test_reduced_motion_keeps_the_circle_still(live, browser):
    browser.set_window_size(*DESKTOP)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    browser.get(live.url)
    browser.execute_script(
        "const a = document.getElementById('session-audio'); a.currentTime = 30; a.play();"
    )
    time.sleep(1.5)
    transform = browser.execute_script(
        "return getComputedStyle(document.querySelector('.breath-circle')).transform;"
    )
    assert transform == "none"
    assert browser.execute_script("return document.getElementById('breath').dataset.phase;")


def test_the_app_listens_on_loopback_only(live):
    port = int(live.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_text_zoomed_to_200_percent_still_fits(live, browser):
    browser.set_window_size(*PHONE)
    browser.get(live.url)
    for path in ("/", "/checkin", "/progress", "/settings", "/phone", "/reminders"):
        browser.get(live.base + path)
        overflow = browser.execute_script(
            "document.documentElement.style.fontSize = '200%';"
            "const w = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('main *')]"
            "  .filter(e => e.closest('.table-wrap, .transcript') === null)"
            "  .filter(e => e.getBoundingClientRect().right > w + 1)"
            "  .map(e => e.tagName + '.' + e.className).slice(0, 5);"
        )
        assert overflow == [], (path, overflow)
