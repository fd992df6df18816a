"""A render is one set of files (MP3, timeline, sidecars) from one render, or the previous
set left whole; unchanged sessions are left alone; partial files never pile up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from softpace import renderset
from softpace.audio import master as master_module
from softpace.errors import OutputError
from softpace.plan import Variant
from softpace.publish import cover
from softpace.render import render_session
from softpace.script.narration import SessionOptions

# Whole sessions of the real plan, rendered and encoded: seconds each, so the full suite.
pytestmark = pytest.mark.slow

STAGE = "entrance-contact"
SHORT = SessionOptions(variant=Variant.SHORT)
CHILD = Path(__file__).with_name("render_child.py")
SET_NAMES = (f"{STAGE}.mp3", f"{STAGE}.timeline.json", f"{STAGE}.lrc", f"{STAGE}.vtt")


def _render(plan, speaker, out, **kwargs):
    return render_session(plan, plan.stage(STAGE), kwargs.pop("options", SHORT), speaker, out,
                          **kwargs)  # fmt: skip


def _snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {n: ((out / n).read_bytes(), (out / n).stat().st_mtime_ns) for n in SET_NAMES}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def test_a_render_is_one_consistent_set_with_nothing_left_over(plan, fake_speaker, tmp_path):
    out = tmp_path / "out"
    _render(plan, fake_speaker, out)
    mp3, timeline = out / f"{STAGE}.mp3", out / f"{STAGE}.timeline.json"
    assert renderset.session_is_consistent(mp3, timeline)
    stamp = renderset.read_stamp(timeline)
    assert stamp is not None and renderset.mp3_render_id(mp3) == (stamp.id, stamp.audio_bytes)
    assert _leftovers(out) == []


def test_an_mp3_and_a_timeline_of_different_renders_are_told_apart(plan, fake_speaker, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _render(plan, fake_speaker, first)
    _render(plan, fake_speaker, second, force=True)
    timeline = first / f"{STAGE}.timeline.json"
    assert not renderset.session_is_consistent(second / f"{STAGE}.mp3", timeline)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes((first / f"{STAGE}.mp3").read_bytes()[:-1000])
    assert not renderset.session_is_consistent(cut, timeline)
    assert not renderset.session_is_consistent(tmp_path / "missing.mp3", timeline)


def test_unchanged_inputs_leave_the_files_alone_and_force_renders_again(
    plan, fake_speaker, tmp_path
):
    out = tmp_path / "out"
    _render(plan, fake_speaker, out)
    before = _snapshot(out)
    again = _render(plan, fake_speaker, out)
    assert again.skipped and _snapshot(out) == before
    forced = _render(plan, fake_speaker, out, force=True)
    assert not forced.skipped
    assert _snapshot(out)[f"{STAGE}.mp3"][1] != before[f"{STAGE}.mp3"][1]
    softer = _render(plan, fake_speaker, out, tones="soft")
    assert not softer.skipped  # the settings changed
    slower = _render(
        plan, fake_speaker, out, options=SessionOptions(variant=Variant.SHORT, exhale_s=7)
    )
    assert not slower.skipped  # the timeline changed


def test_a_repeated_render_mixes_once_and_draws_no_cover(plan, fake_speaker, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cover._draw.cache_clear()  # drawn here, so kept in this render's cache folder
    _render(plan, fake_speaker, out)
    cover._draw.cache_clear()

    def fail(*args, **kwargs):
        raise AssertionError("should have come from the cache")

    monkeypatch.setattr(master_module, "measure_mix", fail)
    monkeypatch.setattr(cover, "_paint", fail)
    _render(plan, fake_speaker, out, force=True)
    assert renderset.session_is_consistent(out / f"{STAGE}.mp3", out / f"{STAGE}.timeline.json")


def test_an_interrupted_render_leaves_the_previous_set_whole(plan, fake_speaker, tmp_path):
    out = tmp_path / "out"
    _render(plan, fake_speaker, out)
    before = _snapshot(out)
    encoded = []

    def interrupt(n):
        encoded.append(n)
        if len(encoded) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _render(plan, fake_speaker, out, force=True, progress=interrupt)
    assert _snapshot(out) == before
    assert _leftovers(out) == []


def test_a_commit_cut_short_is_finished_by_the_next_render(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    render_id = renderset.new_render_id()
    finals = [out / "x.lrc", out / "x.mp3", out / "x.timeline.json"]
    pairs = [(renderset.partial_path(f, render_id), f) for f in finals]
    for partial, final in pairs:
        partial.write_text(f"new {final.name}")
    os.replace(*pairs[0])  # the commit had renamed one file when it was stopped
    (out / f".{render_id}{renderset.COMMIT_SUFFIX}").write_text(
        json.dumps([[p.name, f.name] for p, f in pairs])
    )
    renderset.recover(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f.name for f in finals)
    assert all(f.read_text() == f"new {f.name}" for f in finals)


def test_stale_partials_are_swept_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    hour_ago = time.time() - renderset.STALE_PARTIAL_S - 60
    old = out / f".{STAGE}.mp3.0123456789ab.partial"
    old_note = out / f".{'a' * 32}.commit.note.partial"
    fresh = out / f".{STAGE}.mp3.ba9876543210.partial"  # maybe a render still running
    foreign = out / ".holiday.mov.abc.partial"  # not softpace's
    for path in (old, old_note, fresh, foreign):
        path.write_bytes(b"x")
    for path in (old, old_note, foreign):
        os.utime(path, (hour_ago, hour_ago))
    swept = renderset.sweep_partials(out, {f"{STAGE}.mp3"})
    assert sorted(swept) == sorted([old, old_note])
    assert fresh.exists() and foreign.exists()


def test_the_next_render_sweeps_stale_partials(plan, fake_speaker, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".{STAGE}.timeline.json.0123456789ab.partial"
    stale.write_text("{}")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    _render(plan, fake_speaker, out)
    assert _leftovers(out) == []


def test_disk_errors_become_one_clear_line(tmp_path):
    with pytest.raises(OutputError, match="no space left"), renderset.disk_errors(tmp_path):
        raise OSError(28, "No space left on device")


def _can_mount_tmpfs(tmp_path: Path) -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(tmp_path)],
        capture_output=True,
    )
    return probe.returncode == 0


def test_a_full_disk_is_one_line_and_leaves_the_previous_set(tmp_path):
    """A real full disk: a 3 MB tmpfs in a mount namespace of the test's own (needs root,
    as CI runs; skipped elsewhere). The render fails with one line and exit 1, the
    previous set stays as it was, no partial file is left."""
    if not _can_mount_tmpfs(tmp_path):
        pytest.skip("needs root and unshare to mount a small tmpfs")
    out, home = tmp_path / "out", tmp_path / "home"
    out.mkdir()
    script = (
        'mount -t tmpfs -o size=3m tmpfs "$1" && '
        'printf old > "$1/entrance-contact.mp3" && '
        'printf "{}" > "$1/entrance-contact.timeline.json"'
        ' && "$2" "$3" cli --home "$4" render entrance-contact --out "$1"; '
        'code=$?; ls -A "$1"; cat "$1/entrance-contact.mp3"; exit $code'
    )
    run = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, "sh", str(out), sys.executable, str(CHILD),
         str(home)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and "no space left" in errors[0], run.stderr
    listing = run.stdout.split()
    assert listing[:2] == ["entrance-contact.mp3", "entrance-contact.timeline.json"]
    assert listing[2] == "old"  # the previous MP3, untouched; nothing else in the folder


def test_a_warm_render_imports_only_what_it_uses(tmp_path):
    """scipy costs a second to import; a render with its speech and loudness cached
    never needs it, nor the comfort log and its rules, the check-in and sharing operations, or the
    worker pool of --all (together some 40 ms of every render)."""
    args = ["--home", str(tmp_path / "home"), "render", STAGE, "--short", "--out"]
    first = [sys.executable, str(CHILD), "cli", *args, str(tmp_path / "a")]
    subprocess.run(first, check=True, capture_output=True, timeout=600)
    unused = (
        "scipy",
        "sqlite3",
        "softpace.app.checkin",
        "softpace.app.share",
        "softpace.progress",
        "concurrent.futures.process",
    )
    probe = (
        "import runpy, sys\n"
        f"sys.argv = [{str(CHILD)!r}, 'cli', *{[*args, str(tmp_path / 'b')]!r}]\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({unused!r})))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr


def test_render_all_with_one_stage_out_of_date_renders_it_here_with_progress(
    tiny_plan, tmp_path, monkeypatch
):
    """No worker process for a single stage to render: it renders in this process, and
    the progress bar moves while it encodes (a worker reports only when it is done)."""
    import concurrent.futures

    from softpace.render import RenderJob, Voice, render_all
    from softpace.voice.profiles import get_profile
    from tests.conftest import FakeEngine

    stages = tuple(tiny_plan.stage(s) for s in ("external-mapping", "entrance-contact"))
    voice = Voice(get_profile("calm"), tmp_path / "cache", FakeEngine)
    job = RenderJob(
        tiny_plan, stages, tmp_path / "out", options=SessionOptions(variant=Variant.SHORT)
    )
    render_all(job, voice, workers=1)  # both in place, rendered here
    (tmp_path / "out" / "entrance-contact.mp3").unlink()

    def no_workers(*args, **kwargs):
        raise AssertionError("a worker process was started for one stage")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_workers)
    steps: list[int] = []
    results = render_all(job, voice, steps.append, workers=2)
    assert [r.skipped for r in results] == [True, False]
    assert len(steps) > 3 and sum(steps) >= sum(r.duration_s for r in results) * 44_100 * 0.99
    assert (tmp_path / "out" / "entrance-contact.mp3").is_file()


def test_the_voice_model_is_let_go_before_the_last_mix(tiny_plan, tmp_path, monkeypatch):
    """Once every word of the job is measured, the engine is asked to drop its models,
    once, so no render mixes and encodes beside them (a model loads again if needed)."""
    from softpace.audio import encode
    from softpace.render import RenderJob, Voice, render_all
    from softpace.voice.profiles import get_profile
    from tests.conftest import FakeEngine

    events: list[str] = []

    class Releasing(FakeEngine):
        def synthesize(self, text, settings):
            events.append("speak")
            return super().synthesize(text, settings)

        def release(self):
            events.append("release")

    real_encode = encode.encode_mp3

    def noting_encode(*args, **kwargs):
        events.append("encode")
        return real_encode(*args, **kwargs)

    monkeypatch.setattr(encode, "encode_mp3", noting_encode)
    stages = tuple(tiny_plan.stage(s) for s in ("external-mapping", "entrance-contact"))
    job = RenderJob(tiny_plan, stages, tmp_path / "out", options=SHORT)
    render_all(job, Voice(get_profile("calm"), tmp_path / "cache", Releasing), workers=1)
    assert events.count("release") == 1 and events.count("encode") == 2
    last_word = len(events) - 1 - events[::-1].index("speak")
    assert last_word < events.index("release") < len(events) - 1 - events[::-1].index("encode")


def test_render_all_holds_only_the_stage_in_hand(tiny_plan, tmp_path):
    """Each stage's clips are let go once it is rendered or handed on, so rendering every
    stage does not grow the process by every stage's words."""
    from softpace.render import RenderJob, Voice, render_all
    from softpace.voice.profiles import get_profile
    from tests.conftest import FakeEngine

    made = []

    class Keeping(Voice):
        def speaker(self):
            made.append(super().speaker())
            return made[-1]

    stages = tuple(tiny_plan.stage(s) for s in ("external-mapping", "entrance-contact"))
    job = RenderJob(tiny_plan, stages, tmp_path / "out", options=SHORT)
    voice = Keeping(get_profile("calm"), tmp_path / "cache", FakeEngine)
    render_all(job, voice, workers=1)
    render_all(job, voice, workers=1)  # both up to date: each stage checked, then let go
    held = set(made[-1]._memo)
    events = [json.loads((tmp_path / "out" / f"{s.id}.timeline.json").read_text())["events"]
              for s in stages]  # fmt: skip
    lines = [{e["text"] for e in stage_events if e.get("text")} for stage_events in events]
    assert held and any(held <= words for words in lines)
    assert not held >= lines[0] | lines[1]
