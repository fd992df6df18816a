"""A built wheel carries every package and its data (templates, plan, voice profiles):
the editable install the tests use would not notice a package missing from pyproject."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_holds_every_package_and_its_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("softpace-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        str(p.relative_to(ROOT / "src"))
        for p in (ROOT / "src" / "softpace").rglob("*")
        if p.suffix in (".py", ".j2", ".toml") and "__pycache__" not in p.parts
    }
    assert sources <= names, sorted(sources - names)
    assert any(n.startswith("softpace/voice_profiles/") and n.endswith(".toml") for n in names)
