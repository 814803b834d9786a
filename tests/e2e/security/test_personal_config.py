"""The personal config is trusted like `~/.ssh` (DESIGN.md, Security; issue 16).

It binds secrets to hosts and names programs to run, so it is used only when it is a
regular file owned by the user (or root), not writable by group or others, in directories
no one else can write. Real processes: a second real user (`useradd`, as in
tests/security/test_hardening.py) plants a config, the user's own is left 0666 or sits in
a 0777 directory. Each config binds the project's index with a `command` provider whose
program touches a canary file and prints a secret: no program runs, no secret is exported,
and one line names the file. The same config, safe, runs the program (the canary works).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.testing.helpers import make_isolated_env, run, uvcreds_cmd, write_project
from tests.testing.users import OtherUser

SECRET = "planted-secret-5150"
INDEX = "https://corp.example/simple/"


@dataclass(frozen=True)
class World:
    root: Path
    project: Path
    env: dict[str, str]
    canary: Path

    def config_text(self) -> str:
        program = f"touch {shlex.quote(str(self.canary))}; echo {SECRET}"
        return (
            f'[[credential]]\nurl = "https://corp.example/"\nprovider = "command"\n'
            f'username = "me"\ncommand = {json.dumps(["/bin/sh", "-c", program])}\n'
        )

    def uvcreds(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([*uvcreds_cmd(), *args], self.env, cwd=self.project)


@pytest.fixture
def world() -> Iterator[World]:
    """A project in a directory the other user can reach (pytest's tmp_path is private)."""
    root = Path(tempfile.mkdtemp(prefix="uvcreds-personal-"))
    os.chmod(root, 0o755)
    try:
        env = make_isolated_env(root / "env")
        project = root / "project"
        write_project(project, [("corp", INDEX)])
        yield World(root, project, env, root / "canary")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def assert_refused(world: World, config: Path) -> None:
    """export, hook, status and keyring get: no program ran, no secret; each but the
    keyring (whose stderr uv shows only on failure) says so in one line naming the file."""
    for args in (("export",), ("hook", "bash"), ("status",), ("keyring", "get", INDEX, "me")):
        done = world.uvcreds(*args)
        assert SECRET not in done.stdout + done.stderr, args
        assert not world.canary.exists(), args
        if args[0] == "keyring":
            assert done.returncode == 1 and done.stdout == "", (args, done.stderr)
            continue
        lines = [line for line in done.stderr.splitlines() if str(config) in line]
        assert len(lines) == 1 and "bindings are not used" in lines[0], (args, done.stderr)


def test_a_safe_config_runs_its_program(world: World) -> None:
    """The control: the canary and the secret show the config is really used when safe."""
    config = Path(world.env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text(world.config_text())
    config.chmod(0o600)
    done = world.uvcreds("export")
    assert done.returncode == 0, done.stderr
    assert f"UV_INDEX_CORP_PASSWORD={SECRET}" in done.stdout
    assert world.canary.exists()


def test_a_config_of_ours_in_a_sticky_shared_directory_is_used(world: World) -> None:
    """A world-writable directory with the sticky bit (as /tmp): others cannot replace what
    is ours there, so our own 0600 file in it is used."""
    shared = world.root / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    config = shared / "uvcreds.toml"
    config.write_text(world.config_text())
    config.chmod(0o600)
    world.env["UVCREDS_CONFIG"] = str(config)
    done = world.uvcreds("export")
    assert done.returncode == 0, done.stderr
    assert f"UV_INDEX_CORP_PASSWORD={SECRET}" in done.stdout


def test_a_0666_config_is_not_used(world: World) -> None:
    config = Path(world.env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text(world.config_text())
    config.chmod(0o666)
    assert_refused(world, config)


def test_a_config_in_a_0777_directory_is_not_used(world: World) -> None:
    config = Path(world.env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_text(world.config_text())
    config.chmod(0o600)
    config.parent.chmod(0o777)
    assert_refused(world, config)


Plant = Callable[[World, OtherUser], Path]


def _into_open_config_dir(world: World, other: OtherUser) -> Path:
    """The user's config directory was left 0777; the other user writes config.toml."""
    config = Path(world.env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True)
    config.parent.chmod(0o777)
    other.write(config, world.config_text().encode())
    return config


def _in_a_sticky_directory(world: World, other: OtherUser) -> Path:
    """UVCREDS_CONFIG names a file in a shared sticky directory (as /tmp) that does not
    exist yet; the other user creates it first."""
    shared = world.root / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    config = shared / "uvcreds.toml"
    other.write(config, world.config_text().encode())
    other.run("chmod", "644", str(config))
    world.env["UVCREDS_CONFIG"] = str(config)
    return config


def _their_link_in_a_sticky_directory(world: World, other: OtherUser) -> Path:
    """UVCREDS_CONFIG names a path in a shared sticky directory where the other user put a
    link to a config of the user's own: what it reads is theirs to choose."""
    ours = world.root / "ours" / "config.toml"
    ours.parent.mkdir(mode=0o755)
    ours.write_text(world.config_text())
    ours.chmod(0o644)
    shared = world.root / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    config = shared / "uvcreds.toml"
    other.symlink(ours, config)
    world.env["UVCREDS_CONFIG"] = str(config)
    return config


def _in_their_own_directory(world: World, other: OtherUser) -> Path:
    """UVCREDS_CONFIG names a file in a directory of the other user's (0755, theirs)."""
    config = other.directory() / "config.toml"
    other.write(config, world.config_text().encode())
    world.env["UVCREDS_CONFIG"] = str(config)
    return config


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners and modes")
@pytest.mark.parametrize(
    "plant",
    [
        _into_open_config_dir,
        _in_a_sticky_directory,
        _their_link_in_a_sticky_directory,
        _in_their_own_directory,
    ],
)
def test_a_config_another_user_planted_runs_nothing(
    world: World,
    other_user: OtherUser,
    plant: Plant,
) -> None:
    config = plant(world, other_user)
    assert config.lstat().st_uid == other_user.uid
    assert_refused(world, config)
