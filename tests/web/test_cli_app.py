"""`softpace app` as a command (a real process on 127.0.0.1), and today's session prepared
from the page with its progress followed."""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from softpace.cli import cli


@pytest.mark.slow  # a real process: a few seconds
def test_app_opens_with_the_launch_key_and_stops_on_sigterm(tmp_path, rendered):
    process = subprocess.Popen(
        [sys.executable, "-m", "softpace", "--home", str(tmp_path / "home"), "app",
         "--no-browser", "--out", str(rendered)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = next(line.strip() for line in process.stdout if "http://" in line)
        assert url.startswith("http://127.0.0.1:") and "/open?key=" in url
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(url, timeout=10) as page:
            assert page.status == 200 and "Today" in page.read().decode()
        assert [c.name for c in jar] == ["softpace_session"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "softpace app stopped" in out and "Traceback" not in err


def test_app_refuses_to_listen_on_the_network(tmp_path):
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "app", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "Phone page" in result.output


def test_todays_session_is_prepared_from_the_page(web, rendered, tmp_path):
    spare = tmp_path / "spare"
    spare.mkdir()
    for path in rendered.glob("external-mapping.*"):
        shutil.move(path, spare / path.name)
    html = web.client.get("/").text
    assert "Prepare today" in html and 'id="session-audio"' not in html
    seen: list[float] = []

    def fake_render(ctx, advance):  # stands in for app.today: the fake engine's session
        for step in range(1, 5):
            advance(step / 4)
            seen.append(step / 4)
            time.sleep(0.05)
        for path in spare.iterdir():
            shutil.copy(path, rendered / path.name)

    web.state.render_fn = fake_render
    assert web.post("/render").status_code == 303
    for _ in range(100):
        status = web.client.get("/render/status").json()
        if status["done"]:
            break
        assert 0 <= status["fraction"] <= 1 and status["error"] is None
        time.sleep(0.05)
    assert status["done"] and status["fraction"] == 1.0 and seen == [0.25, 0.5, 0.75, 1.0]
    assert 'id="session-audio"' in web.client.get("/").text
