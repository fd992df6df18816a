"""Golden files: compared by default; rewritten only when asked, and then the run fails.

Ask with `pytest tests/script --update-goldens` (this folder on the command line) or with
the environment variable SOFTPACE_UPDATE_GOLDENS=1 (any way of running pytest).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE_ENV = "SOFTPACE_UPDATE_GOLDENS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden files from the current output; those tests then fail",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """golden(relative_path, text): compare with the golden file, or rewrite it and fail."""
    update = os.environ.get(UPDATE_ENV) == "1"
    # the option is only known when this folder is on the command line
    with contextlib.suppress(ValueError):
        update = update or bool(request.config.getoption("--update-goldens"))

    def check(relative: str, text: str) -> None:
        check_golden(GOLDEN / relative, text, update)

    return check


def check_golden(path: Path, text: str, update: bool) -> None:
    """Compare `text` with the golden file at `path`; in update mode rewrite it and fail."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        pytest.fail(f"updated {path}: review the diff, then run again without updating")
    assert path.exists(), f"no golden file {path}; create it with --update-goldens"
    assert text == path.read_text("utf-8"), f"{path} differs; if intended, update it"
