"""The local app in-process: a context over a temporary home and the fake-engine sessions,
and a client that has opened the launch address (so it holds the session cookie)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from softpace.app import AppContext
from softpace.settings import Settings, save_settings
from softpace.web.phone import Phone
from softpace.web.server import create_app
from softpace.web.state import WebState, make_state

PORT = 8790
ORIGIN = f"http://127.0.0.1:{PORT}"


@dataclass
class Web:
    state: WebState
    client: TestClient

    def post(self, path: str, data: dict | None = None, **kwargs):
        form = {"csrf": self.state.keys.csrf, **(data or {})}
        return self.client.post(path, data=form, follow_redirects=False, **kwargs)


def app_context(home: Path, plan, out_dir: Path, **settings) -> AppContext:
    # the fake-engine sessions are the short ones: with `short` they are today's
    chosen = Settings(short=True, **settings)
    save_settings(home, chosen)
    return AppContext(
        home=home, cache_dir=home / "cache", plan=plan, settings=chosen, out_dir=out_dir
    )


@pytest.fixture
def web(tmp_path, tiny_plan, rendered) -> Web:
    ctx = app_context(tmp_path / "home", tiny_plan, rendered)
    state = make_state(ctx, phone=Phone(host="127.0.0.1"))
    client = TestClient(create_app(state, PORT), base_url=ORIGIN)
    opened = client.get(f"/open?key={state.keys.launch_key}", follow_redirects=False)
    assert opened.status_code == 303
    return Web(state, client)
