"""Rendered sessions to export and serve: two short stages, made once with the fake voice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from softpace.export.publish import refresh_playlist
from softpace.plan import Variant
from softpace.render import render_session
from softpace.script.narration import SessionOptions
from softpace.voice.profiles import get_profile
from softpace.voice.speaker import Speaker
from tests.conftest import FakeEngine

RENDERED_STAGES = ("external-mapping", "entrance-contact")


@pytest.fixture(scope="session")
def rendered_once(tmp_path_factory: pytest.TempPathFactory, plan) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    speaker = Speaker(FakeEngine(), get_profile("calm"), folder.parent / "fake-cache")
    for stage_id in RENDERED_STAGES:
        options = SessionOptions(variant=Variant.SHORT)
        render_session(plan, plan.stage(stage_id), options, speaker, folder)
    refresh_playlist(plan, folder)
    return folder


@pytest.fixture
def rendered(rendered_once: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered folder, for tests that change it."""
    return Path(shutil.copytree(rendered_once, tmp_path / "output"))
