"""The LAN share: the token gate, the Host check, traversal attempts, HTTP Range, the page,
the feed, the idle stop and the phone's check-in."""

from __future__ import annotations

import asyncio
import errno
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from starlette.testclient import TestClient

from softpace.errors import NothingRenderedError, ShareError
from softpace.share import feed, lifecycle, routes as server, security
from softpace.share.fit import Recipe, write_recipe
from softpace.share.gate import Activity
from softpace.share.routes import Share, Today
from tests.conftest import RENDERED_STAGES

TOKEN = "k3y-0f-tw3nty-tw0-ch4r"
BASE = f"http://phone.test:8765/{TOKEN}/"
INTIMATE = ("pelvic", "vagin", "insertion", "dilator", "partner", "entrance", "kegel", "mapping")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def share(plan, rendered, tmp_path) -> Share:
    return Share(plan, rendered, tmp_path / "share")


def _client(share: Share, activity: Activity | None = None) -> TestClient:
    app = server.create_app(share, TOKEN, BASE, activity or Activity())
    return TestClient(app, base_url="http://phone.test:8765")


def _raw_get(app, raw_path: bytes) -> int:
    """Send a path exactly as given (clients normalise '..'; an attacker need not)."""
    messages: list[dict] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"phone.test:8765")],
        "client": ("192.0.2.9", 5000),
        "server": ("phone.test", 8765),
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in messages if m["type"] == "http.response.start")


# -- the token ------------------------------------------------------------------------------


def test_the_page_needs_the_token(share):
    client = _client(share)
    page = client.get(f"/{TOKEN}/")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    refused = ["/", "/feed.xml", "/files/external-mapping.mp3", f"/{TOKEN[:-1]}/", f"/{TOKEN}x/"]
    refused += [f"/{TOKEN.upper()}/", f"/x/{TOKEN}/", f"/{TOKEN[:-1]}/feed.xml", "/%00/"]
    for path in refused:
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.text == "Not Found"  # says nothing about what is here
    redirect = client.get(f"/{TOKEN}", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"] == f"/{TOKEN}/"


def test_tokens_are_compared_in_constant_time(share, monkeypatch):
    calls = []
    real = security.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    _client(share).get("/guess/")
    assert calls == [(b"guess", TOKEN.encode())]


def test_new_tokens_are_long_and_random():
    tokens = {security.new_token() for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 22 for t in tokens)


@pytest.mark.parametrize(
    "path",
    [
        "files/../../../../etc/passwd",
        "files/..%2f..%2f..%2fetc%2fpasswd",
        "files/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "files/%2fetc%2fpasswd",
        "files//etc/passwd",
        "files/..",
        "files/.",
        "files/",
        "files",
        "files/external-mapping.timeline.json",  # in the rendered folder, not shared
        "files/external-mapping.mp3/",
        "files/..%5c..%5cetc%5cpasswd",
        "../share/external-mapping.mp3",
        "share/external-mapping.mp3",
        "templates/share.html.j2",
    ],
)
def test_traversal_attempts_get_a_plain_404(share, path):
    app = server.create_app(share, TOKEN, BASE, Activity())
    assert _raw_get(app, f"/{TOKEN}/{path}".encode()) == 404
    # a browser resolves dot segments first: at worst it reaches the page, never a file
    answer = _client(share).get(f"/{TOKEN}/{path}")
    assert answer.status_code == 404 or answer.headers["content-type"].startswith("text/html")


PIECES = ["..", ".", "%2e%2e", "%2f", "%5c", "files", "feed.xml", "cover.png", "", "etc",
          "passwd", "external-mapping.mp3", "playlist.m3u8", "external-mapping.timeline.json",
          TOKEN, TOKEN[:-1], "%00", "~"]  # fmt: skip
SERVED = {"", "feed.xml", "cover.png", "files/external-mapping.mp3", "files/playlist.m3u8"}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=6))
def test_any_path_reaches_only_the_page_the_feed_or_a_shared_file(share, pieces):
    app = server.create_app(share, TOKEN, BASE, Activity())
    path = "/" + "/".join(pieces)
    try:
        raw = path.encode("latin-1")
    except UnicodeEncodeError:
        raw = path.encode()
    status = _raw_get(app, raw)
    inside = path.removeprefix(f"/{TOKEN}/") if path.startswith(f"/{TOKEN}/") else None
    if path == f"/{TOKEN}":
        assert status == 308
    elif inside in SERVED:
        assert status == 200, path
    else:
        assert status == 404, path


def test_only_shared_names_are_served(share):
    client = _client(share)
    shared = {n for s in share.current().sessions for n in s.file_names} | {"playlist.m3u8"}
    for name in shared:
        assert client.get(f"/{TOKEN}/files/{name}").status_code == 200, name
    assert {p.name for p in share.share_dir.iterdir()} == shared


# -- HTTP Range ------------------------------------------------------------------------------


def test_audio_supports_range_requests(share):
    client = _client(share)
    url = f"/{TOKEN}/files/external-mapping.mp3"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["accept-ranges"] == "bytes"
    size = len(whole.content)
    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.content == whole.content[100:1100]
    tail = client.get(url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == whole.content[-500:]
    open_ended = client.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert open_ended.status_code == 206 and open_ended.content == whole.content[-10:]
    head = client.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) == size


@pytest.mark.parametrize("bad", ["bytes={size}-", "bytes={size}-{end}", "bytes=9999999999-"])
def test_unsatisfiable_ranges_get_416(share, bad):
    client = _client(share)
    url = f"/{TOKEN}/files/external-mapping.mp3"
    size = int(client.head(url).headers["content-length"])
    answer = client.get(url, headers={"Range": bad.format(size=size, end=size + 10)})
    assert answer.status_code == 416
    assert answer.headers["content-range"] == f"bytes */{size}"


def test_a_malformed_range_is_refused_not_served(share):
    answer = _client(share).get(
        f"/{TOKEN}/files/external-mapping.mp3", headers={"Range": "bytes=abc"}
    )
    assert answer.status_code in (400, 416)


# -- the page ----------------------------------------------------------------------------------


def _today(plan, rendered, stage_id="entrance-contact", **recipe):
    """Today is `stage_id`, as the rendered session was made (recorded in its recipe)."""
    wanted = Recipe(stage_id, "short", (), 4.0, 6.0)
    wanted = Recipe(**{**wanted.__dict__, **recipe})
    if (rendered / f"{stage_id}.mp3").exists():
        write_recipe(
            rendered, Recipe(stage_id, "short", (), 4.0, 6.0), rendered / f"{stage_id}.mp3"
        )
    return Today(stage_id, "", wanted)


def test_the_page_lists_today_first_then_the_others(tiny_plan, rendered, tmp_path):
    plan = tiny_plan
    today = _today(plan, rendered)
    share = Share(plan, rendered, tmp_path / "share", today=lambda: today)
    html = _client(share).get(f"/{TOKEN}/").text
    assert html.index(">Today<") < html.index("Days 4-6") < html.index("Days 1-3")
    assert html.count("Days 4-6: entrance contact</h3>") == 1  # not twice
    assert html.count("<audio") == len(RENDERED_STAGES)
    assert "data-stage" not in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids  # no id twice
    assert 'preload="metadata"' in html  # the player knows the length before play
    assert 'src="files/external-mapping.mp3"' in html
    assert 'href="files/external-mapping.mp3" download' in html
    timeline = share.current().sessions[0].timeline
    for segment in timeline.segments:
        assert f'data-start="{segment.start_s:.3f}"' in html
        assert segment.title.replace("'", "&#39;") in html
    csp = _client(share).get(f"/{TOKEN}/").headers["content-security-policy"]
    assert "script-src 'nonce-" in csp and "unsafe-inline" not in csp


def test_today_is_matched_by_stage_and_adaptation(tiny_plan, rendered, tmp_path):
    plan = tiny_plan  # the plan the fixture sessions were rendered from
    # today wants the session adapted for burning (slower breath); the file is the plain one
    today = _today(plan, rendered, modifiers=("burning",), inhale_s=5.0, exhale_s=7.5)
    share = Share(plan, rendered, tmp_path / "share", today=lambda: today)
    html = _client(share).get(f"/{TOKEN}/").text
    assert ">Today<" not in html and "not here yet" in html
    # a session without a recipe fits only when nothing adapts today and its length matches
    (rendered / "entrance-contact.recipe.json").unlink()
    plain = Today("entrance-contact", "", Recipe("entrance-contact", "short", (), 4.0, 6.0))
    share = Share(plan, rendered, tmp_path / "share2", today=lambda: plain)
    assert ">Today<" in _client(share).get(f"/{TOKEN}/").text
    slower = Today("entrance-contact", "", Recipe("entrance-contact", "short", (), 5.0, 7.0))
    share = Share(plan, rendered, tmp_path / "share3", today=lambda: slower)
    assert ">Today<" not in _client(share).get(f"/{TOKEN}/").text


def test_a_single_session_shows_once(tiny_plan, rendered, tmp_path):
    plan = tiny_plan
    for path in rendered.glob("external-mapping.*"):
        path.unlink()
    today = _today(plan, rendered)
    share = Share(plan, rendered, tmp_path / "share", today=lambda: today)
    html = _client(share).get(f"/{TOKEN}/").text
    assert html.count("<audio") == 1 and "Other sessions" not in html


def test_a_pause_is_shown_and_no_session_is_offered_as_today(plan, rendered, tmp_path):
    paused = Today(None, "Exposure practice is paused. Red flag: bleeding.")
    share = Share(plan, rendered, tmp_path / "share", today=lambda: paused)
    html = _client(share).get(f"/{TOKEN}/").text
    assert "Exposure practice is paused" in html
    assert ">Today<" not in html


def test_today_not_rendered_says_what_to_run(plan, rendered, tmp_path):
    today = _today(plan, rendered, "gentle-strength")
    share = Share(plan, rendered, tmp_path / "share", today=lambda: today)
    html = _client(share).get(f"/{TOKEN}/").text
    assert "softpace today" in html and ">Today<" not in html


def test_discreet_page_and_feed_reveal_nothing_in_titles(plan, rendered, tmp_path):
    share = Share(plan, rendered, tmp_path / "share", discreet=True)
    client = _client(share)
    html = client.get(f"/{TOKEN}/").text
    # titles, headings and chapter names (the words themselves stay folded in "Read along")
    titles = re.findall(r"<(?:title|h1|h3)>(.*?)</", html)
    titles += re.findall(r'<span class="at">[^<]*</span><span>(.*?)</span>', html)
    assert len(titles) >= 8 and not any(w in " ".join(titles).lower() for w in INTIMATE)
    assert "Part 3" in titles  # the tiny plan's sessions: opening, one block, close
    assert "files/practice-1.mp3" in html
    feed = ET.fromstring(client.get(f"/{TOKEN}/feed.xml").content)
    shown = " ".join((e.text or "") + " ".join(e.attrib.values()) for e in feed.iter()).lower()
    assert not any(w in shown for w in INTIMATE), shown
    cover = client.get(f"/{TOKEN}/cover.png")
    assert cover.status_code == 200 and cover.content.startswith(b"\x89PNG")


# -- the feed ----------------------------------------------------------------------------------


def test_the_feed_has_absolute_enclosures_with_length_and_type(share):
    client = _client(share)
    answer = client.get(f"/{TOKEN}/feed.xml")
    assert answer.headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(answer.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        f"{n}. {share.plan.stage(s).title}" for n, s in enumerate(RENDERED_STAGES, start=1)
    ]
    for item in items:
        enclosure = item.find("enclosure")
        url = enclosure.get("url")
        assert url.startswith(BASE) and enclosure.get("type") == "audio/mpeg"
        body = client.get(urllib.parse.urlsplit(url).path).content
        assert int(enclosure.get("length")) == len(body)
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext("pubDate")
    assert channel.find(f"{{{feed.ITUNES_NS}}}image").get("href") == f"{BASE}cover.png"


def test_the_feed_picks_up_a_new_session(plan, share, rendered):
    client = _client(share)
    before = ET.fromstring(client.get(f"/{TOKEN}/feed.xml").content)
    assert len(before.findall("channel/item")) == 2
    shutil.copy(rendered / "entrance-contact.mp3", rendered / "gentle-strength.mp3")
    timeline = (rendered / "entrance-contact.timeline.json").read_text()
    (rendered / "gentle-strength.timeline.json").write_text(
        timeline.replace('"stage": "entrance-contact"', '"stage": "gentle-strength"')
    )
    after = ET.fromstring(client.get(f"/{TOKEN}/feed.xml").content)
    titles = [t.text for t in after.findall("channel/item/title")]
    assert len(titles) == 3 and titles[-1].startswith("6. ")
    assert client.get(f"/{TOKEN}/files/gentle-strength.mp3").status_code == 200


def test_nothing_rendered_is_an_error_that_says_what_to_run(plan, tmp_path):
    share = Share(plan, tmp_path / "nothing", tmp_path / "share")
    with pytest.raises(NothingRenderedError, match="softpace render --all"):
        share.current()


# -- activity and the idle stop ----------------------------------------------------------------


def test_only_requests_with_the_token_count_as_activity(share):
    clock = Clock()
    activity = Activity(clock)
    client = _client(share, activity)
    clock.now += 100
    client.get("/wrong-token/")
    assert activity.idle_s() == 100
    client.get(f"/{TOKEN}/feed.xml")
    assert activity.idle_s() == 0


def test_the_server_stops_itself_when_idle(share):
    sock = lifecycle.bind("127.0.0.1", 0)
    token = security.new_token()
    url = server.share_url(sock, token)
    result: dict[str, str] = {}
    thread = threading.Thread(
        target=lambda: result.update(why=server.run_share(share, sock, token, idle_stop_s=0.8))
    )
    started = time.monotonic()
    thread.start()
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                assert answer.status == 200
            break
        except urllib.error.URLError:
            time.sleep(0.1)
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert result["why"] == "no visit for 0.8 s"
    assert time.monotonic() - started < 10
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


# -- binding -------------------------------------------------------------------------------------


def test_a_port_in_use_says_what_to_do():
    taken = lifecycle.bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ShareError, match=f"port {port} .* in use.*--port"):
            lifecycle.bind("127.0.0.1", port)
    finally:
        taken.close()


def test_an_address_that_is_not_ours_says_what_to_do():
    with pytest.raises(ShareError, match="not an address"):
        lifecycle.bind("192.0.2.77", 0)  # TEST-NET-1: no machine has it
    with pytest.raises(ShareError, match="--host"):
        lifecycle.bind("no such host.invalid", 0)


def test_the_lan_address_is_not_loopback():
    address = lifecycle.lan_address()
    assert address is None or not address.startswith("127.")
    if address is not None:
        with socket.socket() as probe:
            try:
                probe.bind((address, 0))
            except OSError as exc:  # pragma: no cover - a sandbox without that address
                assert exc.errno != errno.EADDRNOTAVAIL
