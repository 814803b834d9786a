"""The pipeline's decision per variable, in-process: which index's credential a variable
gets, when it is withheld, and what publishing gets. Secrets come from named variables (the
env provider), so nothing here needs a vendor, a network or a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.worlds import SECRET, World
from uvcreds import urls
from uvcreds.errors import UvcredsError
from uvcreds.pipeline import resolve
from uvcreds.state.paths import Locations


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_bound_index_gets_its_credential(world: World) -> None:
    world.bind("https://corp.example/simple/")
    world.indexes(("corp", "https://corp.example/simple/"))
    result = world.collect()
    assert result.variables() == {
        "UV_INDEX_CORP_USERNAME": "me",
        "UV_INDEX_CORP_PASSWORD": SECRET,
    }
    assert result.ok and result.messages() == []


def test_a_name_that_maps_to_the_same_variable_elsewhere_withholds_it(world: World) -> None:
    """`corp-x` and `corp_x` share UV_INDEX_CORP_X_*: uv would send it to both."""
    world.bind("https://corp.example/simple/")
    world.indexes(("corp-x", "https://corp.example/simple/"), ("corp_x", "https://evil.example/"))
    result = world.collect()
    assert result.variables() == {}
    (message,) = result.messages()
    assert message.startswith("UV_INDEX_CORP_X_PASSWORD is not exported: uv would also send it")
    assert "https://evil.example/" in message


def test_an_unbound_index_of_the_same_project_gets_nothing(world: World) -> None:
    world.bind("https://corp.example/team/")
    world.indexes(("corp", "https://corp.example/other-team/simple/"))
    assert world.collect().variables() == {}


def test_a_dot_segment_does_not_climb_out_of_the_binding(world: World) -> None:
    world.bind("https://corp.example/team/")
    world.indexes(("corp", "https://corp.example/team/../other/simple/"))
    assert world.collect().variables() == {}


def test_publishing_needs_a_binding_that_covers_the_publish_url(world: World) -> None:
    world.bind("https://corp.example/simple/")
    world.indexes(("corp", "https://corp.example/simple/"))
    text = (world.project / "pyproject.toml").read_text()
    upload = 'publish-url = "HTTP://evil.example/upload/"\n'
    (world.project / "pyproject.toml").write_text(text + upload)
    with pytest.raises(UvcredsError, match="no credential is bound to its publish-url http://evil"):
        world.collect(publish="corp")


def test_publishing_beside_simple_is_covered_by_the_index_binding(world: World) -> None:
    world.bind("https://corp.example/simple/")
    world.indexes(("corp", "https://corp.example/simple/"))
    text = (world.project / "pyproject.toml").read_text()
    (world.project / "pyproject.toml").write_text(text + 'publish-url = "https://corp.example/"\n')
    assert world.collect(publish="corp").publish == {
        "UV_PUBLISH_USERNAME": "me",
        "UV_PUBLISH_PASSWORD": SECRET,
        "UV_PUBLISH_INDEX": "corp",
    }


def test_secret_free_mode_answers_per_url_so_a_collision_blocks_nothing(world: World) -> None:
    world.bind("https://corp.example/simple/")
    world.indexes(("corp-x", "https://corp.example/simple/"), ("corp_x", "https://evil.example/"))
    result = world.collect(per_url=True)
    assert result.messages() == []
    assert result.variables()["UV_INDEX_CORP_X_USERNAME"] == "me"
    found = resolve.credential_for(
        urls.parse_publish("https://evil.example/"),
        world.project,
        world.environ,
        Locations(world.environ),
        warn=print,
    )
    assert found is None
