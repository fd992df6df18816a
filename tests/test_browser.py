"""A real headless Chromium against `softpace serve`: the page with the token lists the
sessions and plays audio (Chromium, like a phone's browser, fetches it in ranges); without
the token, nothing.

Needs Debian's chromium and chromium-driver; scripts/test.sh installs them. When they are
missing the test is skipped, unless SOFTPACE_REQUIRE_BROWSER=1 (as in CI) makes that a
failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import RENDERED_STAGES, start_serve

pytestmark = pytest.mark.slow  # a real browser: several seconds

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls home on a closed network
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
    "--window-size=412,915",  # a phone-sized window
)


def _browser_or_skip(extra: tuple[str, ...] = ()):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        message = f"headless browser test needs {', '.join(missing)} (scripts/test.sh installs it)"
        if os.environ.get("SOFTPACE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, *extra):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def _wait_for(check, timeout_s: float = 20.0, every_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every_s)


@pytest.fixture
def browser():
    driver = _browser_or_skip()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.slow
def test_phone_browser_opens_the_share_and_plays_a_session(browser, rendered, tmp_path):
    from selenium.webdriver.common.by import By

    from softpace.settings import Settings, save_settings
    from softpace.share.fit import Recipe, write_recipe

    save_settings(tmp_path / "home", Settings(short=True))
    # as `softpace today` records it: this file is today's (short) session
    mp3 = rendered / f"{RENDERED_STAGES[0]}.mp3"
    write_recipe(rendered, Recipe(RENDERED_STAGES[0], "short", (), 4.0, 6.0), mp3)
    process, url = start_serve(tmp_path / "home", rendered)
    try:
        browser.get(url)
        sections = _wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "section.session"))
        titles = [s.find_element(By.TAG_NAME, "h3").text for s in sections]
        # today's session (the first stage, with an empty log) first, then the other one
        assert titles == [
            "1. Days 1-3: circuit and external mapping",
            "2. Days 4-6: entrance contact",
        ]
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-stage]")
        ids = browser.execute_script(
            "return [...document.querySelectorAll('[id]')].map(e => e.id);"
        )
        assert len(ids) == len(set(ids)), ids
        # the disclosure widgets show their arrow; the player knows the length before play
        summary = browser.find_element(By.TAG_NAME, "summary")
        assert (
            browser.execute_script("return getComputedStyle(arguments[0]).display;", summary)
            == "list-item"
        )
        first_audio = sections[0].find_element(By.TAG_NAME, "audio")
        assert _wait_for(
            lambda: browser.execute_script("return arguments[0].duration > 0;", first_audio)
        )

        # tap the second chapter of today's session: it seeks there and plays
        today = sections[0]
        chapter = today.find_elements(By.CSS_SELECTOR, "button.chapter")[1]
        start_s = float(chapter.get_attribute("data-start"))
        chapter.click()
        state = "const a = arguments[0]; return [a.currentTime, a.paused, a.readyState, a.error];"
        audio = today.find_element(By.TAG_NAME, "audio")

        def playing():
            current, paused, ready, error = browser.execute_script(state, audio)
            assert error is None, error
            return current > start_s + 0.5 and not paused and ready >= 2

        assert _wait_for(playing), browser.execute_script(state, audio)
        duration_s = browser.execute_script("return arguments[0].duration;", audio)
        timeline = json.loads((rendered / f"{RENDERED_STAGES[0]}.timeline.json").read_text())
        assert abs(duration_s - timeline["duration_s"]) < 0.5

        # the same address without the token shows nothing
        bare = url.rsplit("/", 2)[0] + "/"
        browser.get(bare)
        assert browser.find_element(By.TAG_NAME, "body").text.strip() == "Not Found"
        assert not browser.find_elements(By.CSS_SELECTOR, "section.session")
        browser.get(url.replace(url.rsplit("/", 2)[1], "not-the-token"))
        assert browser.find_element(By.TAG_NAME, "body").text.strip() == "Not Found"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    assert process.returncode == 0
