"""The session operations called directly: stages, options from settings, today, render."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from softpace.app import (
    AppContext,
    Choices,
    RenderProgress,
    list_stages,
    log_observations,
    plan_today,
    session_options,
    today,
)
from softpace.errors import OptionError
from softpace.plan.model import Variant
from softpace.settings import Settings

TODAY = date(2026, 11, 20)


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    return AppContext.load(home=tmp_path / "home", out_dir=tmp_path / "out", clock=lambda: TODAY)


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch, fake_engine):
    import softpace.voice.engine as engine_module

    monkeypatch.setattr(engine_module, "get_engine", lambda name: fake_engine)
    return fake_engine


def test_stages_in_order(ctx: AppContext) -> None:
    stages = list_stages(ctx)
    assert [s.number for s in stages] == list(range(1, len(stages) + 1))
    assert stages[0].id == "external-mapping" and stages[0].session_s > 60


def test_choices_override_settings(ctx: AppContext) -> None:
    ctx = ctx.with_settings(
        Settings(exhale_s=8.0, short=True, hip_openers=("happy-baby", "childs-pose"))
    )
    options = session_options(ctx)
    assert (options.exhale_s, options.variant) == (8.0, Variant.SHORT)
    assert options.hip_openers == ("happy-baby", "childs-pose")
    options = session_options(ctx, Choices(exhale_s=5.0, short=False, symptoms=("clench",)))
    assert (options.exhale_s, options.variant) == (5.0, Variant.STANDARD)
    assert options.modifiers == frozenset({"clench"})


def test_unknown_hip_opener_lists_the_poses(ctx: AppContext) -> None:
    with pytest.raises(OptionError, match="childs-pose, happy-baby, figure-four"):
        session_options(ctx, Choices(hip_openers=("childs-pose", "lotus")))


def test_today_after_a_red_flag_is_a_stop_not_a_render(ctx: AppContext, fake_voice) -> None:
    log_observations(ctx, red_flags=["bleeding"])
    session = today(ctx)
    assert session.stop is not None and session.rendered is None
    assert not ctx.out_dir.exists() and fake_voice.calls == []


def test_today_plans_the_first_stage(ctx: AppContext) -> None:
    session = plan_today(ctx)
    assert session.stage is not None and session.stage.id == "external-mapping"
    assert session.mp3_path == ctx.out_dir / "external-mapping.mp3"
    assert session.options.day == TODAY


@pytest.mark.slow
def test_today_renders_with_progress(ctx: AppContext, fake_voice) -> None:
    seen: list[RenderProgress] = []
    session = today(ctx, choices=Choices(short=True, tones="off"), progress=seen.append)
    assert session.rendered is not None and session.rendered.mp3_path.exists()
    assert seen and seen[-1].fraction == pytest.approx(1.0, abs=0.02)
    assert all(a.done <= b.done for a, b in itertools.pairwise(seen))
