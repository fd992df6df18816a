"""The catalog of rendered sessions: an MP3 and a timeline from different renders are
never published together (issue 16 item 5)."""

from __future__ import annotations

import shutil

import pytest

from softpace.errors import OutputError
from softpace.publish.catalog import find_sessions


def test_sessions_rendered_whole_are_found(plan, rendered):
    found = find_sessions(plan, rendered)
    assert [s.stage.id for s in found] == ["external-mapping", "entrance-contact"]


def test_an_mp3_from_another_render_is_refused_naming_the_stage(plan, rendered, tmp_path):
    # Another render's MP3 under this stage's name: same kind of file, different render id.
    shutil.copy(rendered / "external-mapping.mp3", rendered / "entrance-contact.mp3")
    with pytest.raises(OutputError, match=r"not from the same render.*entrance-contact --force"):
        find_sessions(plan, rendered)


def test_an_mp3_cut_short_is_refused(plan, rendered):
    mp3 = rendered / "entrance-contact.mp3"
    mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    with pytest.raises(OutputError, match="not from the same render"):
        find_sessions(plan, rendered)
