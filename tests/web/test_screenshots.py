"""Screenshots of every page at phone (390x844) and desktop (1280x900) size, for the README.

Runs only when SOFTPACE_SCREENSHOTS names a folder (e.g. docs/screenshots); the app runs
in-process on 127.0.0.1 over the fake-engine sessions and a week of example check-ins.
"""

from __future__ import annotations

import base64
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from softpace import app
from tests.test_browser import _wait_for
from tests.web.test_browser_app import DESKTOP, PHONE, browser, live  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow
FOLDER = os.environ.get("SOFTPACE_SCREENSHOTS")
PAGES = {"today": "/", "checkin": "/checkin", "progress": "/progress",
         "settings": "/settings", "phone": "/phone", "reminders": "/reminders"}  # fmt: skip


@pytest.fixture
def tiny_plan(plan):
    """The real plan here (overriding the tiny one): screenshots show real sessions."""
    return plan


@pytest.fixture
def rendered(plan, tmp_path):
    """The real plan's short sessions of the first two stages, with the fake engine."""
    from softpace.plan import Variant
    from softpace.publish.publish import refresh_playlist
    from softpace.render import render_session
    from softpace.script.narration import SessionOptions
    from softpace.voice.profiles import get_profile
    from softpace.voice.speaker import Speaker
    from tests.conftest import RENDERED_STAGES, FakeEngine

    folder = tmp_path / "output"
    speaker = Speaker(FakeEngine(), get_profile("calm"), tmp_path / "fake-cache")
    for stage_id in RENDERED_STAGES:
        options = SessionOptions(variant=Variant.SHORT)
        render_session(plan, plan.stage(stage_id), options, speaker, folder)
    refresh_playlist(plan, folder)
    return folder


def _shoot(driver, path: Path, size: tuple[int, int]) -> None:
    driver.set_window_size(*size)
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": 0, "width": size[0], "height": min(height, 2600), "scale": 1}},
    )  # fmt: skip
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.skipif(not FOLDER, reason="set SOFTPACE_SCREENSHOTS=docs/screenshots to take them")
def test_take_screenshots(live, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    folder = Path(FOLDER or ".")
    folder.mkdir(parents=True, exist_ok=True)
    ctx = live.state.ctx
    today = date.today()
    for days_ago, during, after in ((6, 1, 1), (5, 2, 1), (3, 1, 0), (2, 1, None)):
        day = today - timedelta(days=days_ago)
        app.log_practice(ctx, during, on=day, note="What felt safe: the slow breath")
        if after is not None:
            app.log_next_day(ctx, after, on=day + timedelta(days=1))
    browser.get(live.url)
    for name, path in PAGES.items():
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            browser.set_window_size(*size)
            browser.get(live.base + path)
            if name == "today":
                browser.execute_script(
                    "const a = document.getElementById('session-audio');"
                    "if (a) { a.currentTime = 61; a.play(); }"
                )
                _wait_for(lambda: browser.execute_script(
                    "const g = document.getElementById('breath');"
                    "return g && g.dataset.phase === 'inhale' &&"
                    " document.getElementById('session-audio').currentTime >"
                    " parseFloat(g.dataset.phaseStart) + 2.5;"), timeout_s=20)  # fmt: skip
                browser.execute_script(
                    "const a = document.getElementById('session-audio'); if (a) { a.pause(); }"
                )
                assert browser.find_elements(By.ID, "session-audio"), browser.find_element(
                    By.TAG_NAME, "main"
                ).text
            if name == "phone" and not browser.find_elements(By.ID, "share-url"):
                browser.find_element(By.CSS_SELECTOR, "form[action='/phone/start'] button").click()
                _wait_for(lambda: browser.find_elements(By.ID, "share-url"))
            _shoot(browser, folder / f"{name}-{label}.png", size)
    browser.get(live.base + "/phone")
    share_url = browser.find_element(By.ID, "share-url").text
    browser.get(share_url)
    _shoot(browser, folder / "phone-share-phone.png", PHONE)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    browser.get(live.base + "/checkin")
    _shoot(browser, folder / "checkin-dark-phone.png", PHONE)
