"""The share's page: today's session first (when it is rendered as today wants it), the
other sessions after, and the phone's check-in when the app shares it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from softpace.share.bundle import ExportedSession, ExportResult

if TYPE_CHECKING:
    from softpace.share.routes import Share, Today


def render_page(share: Share, export: ExportResult, today: Today, nonce: str, token: str) -> str:
    from softpace.web.templating import environment

    todays = share.today_session(today)
    cards = [_card(s, n) for n, s in enumerate(export.sessions, start=1)]
    today_card = next((c for c, s in zip(cards, export.sessions, strict=True) if s is todays), None)
    others = [c for c in cards if c is not today_card]
    desk = share.desk
    return (
        environment()
        .get_template("share.html.j2")
        .render(
            album=share.album(),
            discreet=share.discreet,
            today=today,
            today_card=today_card,
            cards=others,
            nonce=nonce,
            checkin=desk.form() if desk is not None else None,
            # a discreet page shows no log (its dates and words); the note page may, if allowed
            recent=desk.recent() if desk is not None and not share.discreet else None,
            queue_name=token[:8],
        )
    )


def _card(session: ExportedSession, number: int) -> dict[str, Any]:
    from softpace.publish.sidecars import transcript
    from softpace.timeline import format_mmss

    label = session.label
    return {
        "key": f"session-{number}",
        "title": label.title,
        "duration": format_mmss(session.timeline.duration_s),
        "mp3": f"files/{session.mp3_name}",
        "vtt": f"files/{label.vtt}",
        "mp3_mb": f"{session.mp3_bytes / 1e6:.1f}",
        "chapters": [
            {
                "title": label.chapter_title(n, s.title),
                "start_s": f"{s.start_s:.3f}",
                "at": format_mmss(s.start_s),
            }
            for n, s in enumerate(session.timeline.segments, start=1)
        ],
        "words": [p.splitlines() for p in transcript(session.timeline).strip().split("\n\n")],
    }


def render_note(share: Share, nonce: str, token: str) -> str:
    from softpace.web.templating import environment

    assert share.desk is not None
    return (
        environment()
        .get_template("share_note.html.j2")
        .render(
            album=share.album(),
            checkin=share.desk.form(),
            recent=share.desk.recent(),
            nonce=nonce,
            queue_name=token[:8],
        )
    )
