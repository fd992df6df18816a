"""The data home is created owner-only (0700) by whatever writes there first; reading
creates nothing."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from softpace.cli import cli
from softpace.errors import OutputError
from softpace.paths import cache_dir, ensure_data_home, private_dir


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual 022 umask, under which a plain mkdir makes a 0755 folder."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_dir_makes_every_folder_it_creates_0700(tmp_path: Path, loose_umask) -> None:
    target = tmp_path / "a" / "b" / "home"
    assert private_dir(target) == target
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", target)] == [0o700] * 3


def test_private_dir_leaves_an_existing_folder_as_the_user_set_it(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o751)
    private_dir(tmp_path)
    assert mode(tmp_path) == 0o751


def test_private_dir_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "home").write_text("x")
    with pytest.raises(OutputError, match="not a folder; pass --home"):
        private_dir(tmp_path / "home")


def test_the_cache_under_a_home_makes_the_home_0700(tmp_path: Path, loose_umask) -> None:
    home = tmp_path / "home"
    assert cache_dir(home) == home / "cache" and not home.exists()  # a path only
    assert private_dir(cache_dir(home)) == home / "cache"
    assert mode(home) == 0o700 and mode(home / "cache") == 0o700
    assert ensure_data_home(home) == home


@pytest.fixture
def fake_voice(monkeypatch: pytest.MonkeyPatch, fake_engine):
    import softpace.voice.engine as engine_module

    monkeypatch.setattr(engine_module, "get_engine", lambda name: fake_engine)
    return fake_engine


@pytest.mark.parametrize(
    "args",
    [
        # the first install: 0755 when script ran first (it synthesizes every line: slow)
        pytest.param(("script", "external-mapping"), marks=pytest.mark.slow),
        ("log", "--during", "1"),
        ("log", "--red-flag", "bleeding"),
    ],
    ids=["script", "log-practice", "log-red-flag"],
)
def test_whichever_command_creates_the_home_makes_it_0700(
    tmp_path: Path, loose_umask, fake_voice, args: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert mode(home) == 0o700  # nothing inside can be reached by others
    if (home / "cache").exists():
        assert mode(home / "cache") == 0o700
    for path in home.glob("comfort-log*"):
        assert mode(path) == 0o600, path


@pytest.mark.parametrize("args", [("status",), ("history",), ("stages",), ("voices", "--json")])
def test_reading_commands_create_no_home(tmp_path: Path, args: tuple[str, ...]) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    assert result.exit_code == 0, result.output
    assert not home.exists()
