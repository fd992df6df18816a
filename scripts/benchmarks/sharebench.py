"""Getting to the phone: tags, export to a folder or a zip, and the LAN share."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import timed
from softpace.plan import load_plan
from softpace.voice.profiles import get_profile


def bench_share() -> None:
    from starlette.testclient import TestClient

    from softpace.publish.catalog import find_sessions
    from softpace.publish.cover import _draw
    from softpace.publish.labels import label_for
    from softpace.publish.publish import session_tags
    from softpace.publish.tags import tag_bytes
    from softpace.render import RenderJob, Voice, render_all
    from softpace.share import routes as server
    from softpace.share.bundle import export_to_folder, export_to_zip
    from softpace.share.gate import Activity
    from softpace.share.security import new_token

    plan = load_plan()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        job = RenderJob(plan, plan.stages, work / "out")
        render_s, _ = timed(lambda: render_all(job, Voice(get_profile("calm"), work / "cache")))
        sessions = find_sessions(plan, work / "out")
        longest = max(sessions, key=lambda s: s.timeline.duration_s)
        label = label_for(plan, longest.stage)
        _draw.cache_clear()
        tag_s, tag = timed(lambda: tag_bytes(session_tags(label, longest.timeline)))
        total_mb = sum(s.size_bytes for s in sessions) / 1e6
        first_s, first = timed(lambda: export_to_folder(plan, sessions, work / "phone"))
        again_s, again = timed(lambda: export_to_folder(plan, sessions, work / "phone"))
        discreet_s, _ = timed(lambda: export_to_folder(plan, sessions, work / "d", True))
        zip_s, _ = timed(lambda: export_to_zip(plan, sessions, work / "s.zip"))
        rezip_s, rezip = timed(lambda: export_to_zip(plan, sessions, work / "s.zip"))
        assert again.written == () and rezip.written == ()

        share = server.Share(plan, work / "out", work / "share")
        token = new_token()
        app = server.create_app(share, token, f"http://lan:8765/{token}/", Activity())
        client = TestClient(app, base_url="http://lan:8765")
        start_s, _ = timed(lambda: client.get(f"/{token}/"))
        page_s, page = timed(lambda: client.get(f"/{token}/"))
        feed_s, _ = timed(lambda: client.get(f"/{token}/feed.xml"))
        mp3 = f"/{token}/files/{longest.stage.id}.mp3"
        range_s, part = timed(lambda: client.get(mp3, headers={"Range": "bytes=1000000-1065535"}))
        whole_s, whole = timed(lambda: client.get(mp3))
        assert part.status_code == 206 and whole.status_code == 200
    print(f"{len(sessions)} stages rendered in {render_s:.1f} s ({total_mb:.0f} MB of MP3)")
    print(f"tag for {longest.stage.id} (chapters, cover, words): {tag_s * 1000:6.0f} ms, "
          f"{len(tag) / 1024:.0f} KiB")  # fmt: skip
    print(f"export to a folder, first time:              {first_s:6.2f} s "
          f"({len(first.written)} files)")  # fmt: skip
    print(f"export again, nothing changed:               {again_s:6.2f} s (0 files written)")
    print(f"export --discreet to a new folder:           {discreet_s:6.2f} s")
    print(f"export --zip:                                {zip_s:6.2f} s")
    print(f"export --zip again, nothing changed:         {rezip_s:6.2f} s (zip left untouched)")
    print(f"serve: first page (makes the shared copy):   {start_s:6.2f} s")
    print(f"serve: page, {len(page.content) / 1024:.0f} KiB:                        "
          f"{page_s * 1000:6.1f} ms")  # fmt: skip
    print(f"serve: podcast feed:                         {feed_s * 1000:6.1f} ms")
    print(f"serve: 64 KiB range of the audio (206):      {range_s * 1000:6.1f} ms")
    print(f"serve: whole MP3, {len(whole.content) / 1e6:.1f} MB:                   "
          f"{whole_s:6.2f} s")  # fmt: skip
