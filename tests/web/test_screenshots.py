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
                    "if (a) { a.currentTime = 42; a.play(); }"
                )
                _wait_for(lambda: browser.execute_script(
                    "const g = document.getElementById('breath');"
                    "return g && g.dataset.phase === 'inhale';"), timeout_s=15)  # fmt: skip
                browser.execute_script("document.getElementById('session-audio').pause();")
            if name == "phone" and not browser.find_elements(By.ID, "share-url"):
                browser.find_element(By.CSS_SELECTOR, "form[action='/phone/start'] button").click()
                _wait_for(lambda: browser.find_elements(By.ID, "share-url"))
            _shoot(browser, folder / f"{name}-{label}.png", size)
    browser.get(live.base + "/phone")
    share_url = browser.find_element(By.ID, "share-url").text
    browser.get(share_url)
    _shoot(browser, folder / "phone-share-phone.png", PHONE)
