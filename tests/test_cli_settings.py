"""`softpace settings`: show, change and reset the saved settings."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner

from softpace.cli import cli


def _run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), "settings", *args])


def test_show_change_and_reset(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shown = json.loads(_run(home, "--json").output)
    assert shown["exhale_s"] == "6" and shown["voice"] == ""
    assert not home.exists()  # showing writes nothing
    result = _run(home, "--set", "exhale_s=7.5", "--set", "hip_openers=happy-baby,figure-four")
    assert result.exit_code == 0, result.output
    assert "exhale_s       7.5" in result.output
    path = home / "settings.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = json.loads(_run(home, "--json").output)
    assert shown["hip_openers"] == "happy-baby,figure-four"
    assert json.loads(_run(home, "--set", "exhale_s=", "--json").output)["exhale_s"] == "6"


def test_a_bad_value_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run(home, "--set", "tones=soft")
    before = (home / "settings.toml").read_text()
    for bad in ("voice=robot", "hip_openers=lotus,figure-four", "tones=loud", "exhale_s=fast"):
        result = _run(home, "--set", "short=true", "--set", bad)
        assert result.exit_code == 2 and result.output.startswith("Error: "), bad
        assert len(result.output.strip().splitlines()) == 1
    assert (home / "settings.toml").read_text() == before
