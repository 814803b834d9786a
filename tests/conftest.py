"""Fixtures: an isolated child environment and one fake per vendor, each on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.google import GoogleFake
from tests.testing.fakes.index import DEFAULT_PASSWORD, DEFAULT_USERNAME, FakeIndex
from tests.testing.helpers import make_isolated_env
from tests.testing.users import OtherUser, made_user


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """Env for subprocesses: homes, configs and caches under tmp_path/env (see helpers)."""
    return make_isolated_env(tmp_path / "env")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[FakeIndex]:
    """A password-protected index serving tinypkg 0.1.0; creds {"aws": DEFAULT_PASSWORD}."""
    with FakeIndex(tmp_path / "index-packages", {DEFAULT_USERNAME: DEFAULT_PASSWORD}) as fake:
        fake.add_wheel("tinypkg", "0.1.0")
        yield fake


@pytest.fixture
def codeartifact() -> Iterator[CodeArtifactFake]:
    with CodeArtifactFake() as fake:
        yield fake


@pytest.fixture
def google_fake() -> Iterator[GoogleFake]:
    with GoogleFake() as fake:
        yield fake


@pytest.fixture
def fake_bin_dir(tmp_path: Path) -> FakeBinDir:
    """An empty directory for fake programs; `fake_bin_dir.env(isolated_env)` puts it on PATH."""
    return FakeBinDir(tmp_path / "fakebin")


@pytest.fixture(scope="session")
def other_user() -> Iterator[OtherUser]:
    """Another local user, one for the whole session (tests/testing/users.py)."""
    with made_user() as user:
        yield user
