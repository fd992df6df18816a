"""Labels and covers: plain ones name the stage; discreet ones reveal nothing intimate."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from softpace.publish.cover import COVER_PX, cover_png
from softpace.publish.labels import label_for

INTIMATE = ("pelvic", "vagin", "insertion", "dilator", "partner", "entrance", "kegel", "floor")


def test_plain_labels_name_the_stage(plan):
    stage = plan.stage("shallow-insertion")
    label = label_for(plan, stage)
    assert label.stem == "shallow-insertion"
    assert label.title == f"3. {stage.title}" and label.album == plan.title
    assert label.chapter_title(2, "Hip openers") == "Hip openers"
    assert (label.number, label.track_total) == (3, len(plan.stages))


def test_discreet_labels_reveal_nothing(plan):
    for stage in plan.stages:
        label = label_for(plan, stage, discreet=True)
        shown = " ".join(
            [label.stem, label.title, label.album, label.artist, label.comment,
             label.chapter_title(1, "Reverse Kegels")]
        ).lower()  # fmt: skip
        assert not any(word in shown for word in INTIMATE), shown
        assert stage.id not in shown
        assert label.title == f"Evening practice {stage.number}"
        assert label.stem == f"practice-{stage.number}"


@pytest.mark.parametrize("discreet", [False, True])
def test_covers_are_square_pngs_and_repeatable(plan, discreet):
    label = label_for(plan, plan.stages[0], discreet)
    data = cover_png(label)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (COVER_PX, COVER_PX)
    assert len(data) < 200_000  # small enough to embed in every file
    from softpace.publish import cover

    cover._draw.cache_clear()
    assert cover_png(label) == data


def test_each_stage_has_its_own_cover_and_discreet_covers_are_all_alike(plan):
    plain = {cover_png(label_for(plan, s)) for s in plan.stages}
    discreet = {cover_png(label_for(plan, s, discreet=True)) for s in plan.stages}
    assert len(plain) == len(plan.stages)
    assert len(discreet) == 1
