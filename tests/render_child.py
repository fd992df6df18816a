"""Run by tests as a process of its own: renders with the fake speech engine.

python tests/render_child.py cli ARGS...      the softpace CLI, engine faked
python tests/render_child.py all HOME OUT     render_all of every stage (with workers,
                                              which make the fake engine too)
python tests/render_child.py fixture FOLDER   the sessions tests share (shared_render.py)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import FakeEngine, render_fixture_sessions


def main(argv: list[str]) -> None:
    if argv[0] == "cli":
        from softpace.cli import main as cli_main
        from softpace.voice import registry

        sys.argv = ["softpace", *argv[1:]]
        with registry.substitute(FakeEngine()):
            cli_main()
    elif argv[0] == "all":
        from softpace.plan import load_plan
        from softpace.render import RenderJob, Voice, render_all
        from softpace.voice.profiles import get_profile

        home, out = Path(argv[1]), Path(argv[2])
        plan = load_plan()
        job = RenderJob(plan, plan.stages, out, force=True)
        render_all(job, Voice(get_profile("calm"), home / "cache", FakeEngine), workers=2)
        print("done", flush=True)
    elif argv[0] == "fixture":
        render_fixture(Path(argv[1]))


def render_fixture(folder: Path) -> None:
    """Render into a staging folder, then rename it into place: whole or not at all."""
    import shutil
    import traceback

    staging = folder.with_name(folder.name + ".staging")
    try:
        render_fixture_sessions(staging)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        folder.with_name(folder.name + ".failed").write_text(traceback.format_exc())
        raise


if __name__ == "__main__":
    main(sys.argv[1:])
