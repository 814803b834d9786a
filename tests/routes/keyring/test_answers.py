"""The keyring's answer per URL, in-process: the full path and the fast path (from the plan
the full path leaves) give the same answers, only where a binding covers the URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.worlds import SECRET, World
from uvcreds.routes.keyring import answers


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    found = World(tmp_path)
    found.bind("https://corp.example/team/simple/")
    found.indexes(("corp", "https://corp.example/team/simple/"))
    monkeypatch.chdir(found.project)
    return found


@pytest.mark.parametrize(
    ("service", "username", "expected"),
    [
        ("https://corp.example/team/simple/", "me", ("me", SECRET)),
        ("https://corp.example/team/simple/", None, ("me", SECRET)),  # --mode creds
        ("https://corp.example/team/simple/", "someone-else", None),
        ("https://corp.example/team/simple/pkg/", "me", ("me", SECRET)),
        ("https://corp.example/team/files/pkg.whl", "me", ("me", SECRET)),  # below the root
        ("https://corp.example/other-team/simple/", "me", None),
        ("corp.example", "me", None),  # the whole host was never bound
        ("https://evil.example/team/simple/", "me", None),
        ("not a url", "me", None),
    ],
)
def test_an_answer_only_where_the_binding_covers_the_url(
    world: World, service: str, username: str | None, expected: tuple[str, str] | None
) -> None:
    assert answers.lookup(service, username, world.environ) == expected
    # The full path left a plan behind: the fast path now says the same, or defers (None).
    fast = answers.lookup_fast(service, username, world.environ)
    assert fast in (expected, None)
    if expected is not None and service.startswith("https://corp.example/team/simple"):
        assert fast == expected


def test_the_fast_path_defers_when_the_secret_is_gone(world: World) -> None:
    service = "https://corp.example/team/simple/"
    assert answers.lookup(service, "me", world.environ) == ("me", SECRET)
    del world.environ["CORP_SECRET"]
    assert answers.lookup_fast(service, "me", world.environ) is None
