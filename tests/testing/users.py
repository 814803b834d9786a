"""A second real local user (`useradd`; CI runs as root), who plants files where others can."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class OtherUser:
    """Another local user, made for this session, who plants things."""

    name: str
    uid: int
    home: Path

    def run(self, *argv: str, stdin: bytes | None = None) -> str:
        done = subprocess.run(
            ["runuser", "-u", self.name, "--", *argv],
            input=stdin,
            cwd="/",
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, (argv, done.stderr)
        return done.stdout.decode()

    def directory(self) -> Path:
        """A new directory of theirs, 0755 (in their home, which only they can write)."""
        made = Path(self.run("mktemp", "-d", "-p", str(self.home)).strip())
        self.run("chmod", "755", str(made))
        return made

    def write(self, path: Path, data: bytes) -> None:
        self.run("sh", "-c", 'cat > "$1"', "sh", str(path), stdin=data)

    def symlink(self, target: Path, link: Path, *, days_old: int = 0) -> None:
        """`ln -sf`: in a directory others may write, whatever was there is replaced."""
        self.run("ln", "-sfn", str(target), str(link))
        if days_old:
            self.run("touch", "-h", "-d", f"{days_old} days ago", str(link))


@contextmanager
def made_user() -> Iterator[OtherUser]:
    """A user made for this test session, removed with its home afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root (as in CI): the other local user is made with useradd")
    if not (shutil.which("useradd") and shutil.which("runuser") and shutil.which("userdel")):
        pytest.skip("needs useradd, userdel and runuser")
    name = f"uvcother{os.getpid()}"
    home = Path(tempfile.gettempdir()) / f"uvcreds-{name}"
    subprocess.run(["userdel", "-r", name], check=False, capture_output=True)  # a crashed run's
    subprocess.run(
        ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/sh", name],
        check=True,
        capture_output=True,
    )
    try:
        os.chmod(home, 0o755)  # so the user's paths into it resolve
        yield OtherUser(name, pwd.getpwnam(name).pw_uid, home)
    finally:
        subprocess.run(["userdel", "-r", name], check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
