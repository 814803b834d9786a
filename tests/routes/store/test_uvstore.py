"""uv's credential store as uvcreds reads it: matching as `crates/uv-auth/src/store.rs`
does (whole segments, the longest path, a tie sends nothing), checked against real uv's
`uv auth token` where uv has a say; and the hook's warm path for the store route."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.helpers import credential, run, uv_bin, write_project, write_user_config
from uvcreds import urls
from uvcreds.routes.store import uvstore


def url(text: str) -> urls.Url:
    parsed = urls.parse(text)
    assert parsed is not None
    return parsed


def login(env: dict[str, str], service: str, username: str, password: str) -> None:
    argv = [uv_bin(), "auth", "login", service, "--username", username, "--password", "-"]
    done = run(argv, env, input=password)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def store_env(isolated_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**isolated_env, "UV_CREDENTIALS_DIR": str(tmp_path / "creds")}


def test_service_for_drops_a_trailing_simple_segment_as_uv_login_stores_it(
    store_env: dict[str, str],
) -> None:
    for given, stored in [
        ("http://127.0.0.1:9/team/simple/", "http://127.0.0.1:9/team/"),
        ("http://127.0.0.1:9/simple", "http://127.0.0.1:9/"),
        ("http://127.0.0.1:9/devpi/+simple/", "http://127.0.0.1:9/devpi/"),
        ("http://127.0.0.1:9/team/", "http://127.0.0.1:9/team/"),
    ]:
        service = uvstore.service_for(url(given))
        assert str(service) == stored
        login(store_env, given, "u", "p")
        entries, warning = uvstore.read(uvstore.store_file(store_env))
        assert warning is None
        assert uvstore.service_key(service) in {e.key()[0] for e in entries}


def test_lookup_is_by_whole_segments_longest_first_and_a_tie_sends_nothing(
    store_env: dict[str, str],
) -> None:
    login(store_env, "http://127.0.0.1:9/team/", "a", "pa")
    login(store_env, "http://127.0.0.1:9/team/sub/", "b", "pb")
    entries, _ = uvstore.read(uvstore.store_file(store_env))
    assert [e.username for e in uvstore.lookup(entries, url("http://127.0.0.1:9/team/x/"))] == ["a"]
    assert [e.username for e in uvstore.lookup(entries, url("http://127.0.0.1:9/team/sub/x"))] == [
        "b"
    ]
    assert uvstore.lookup(entries, url("http://127.0.0.1:9/teamx/x/")) == []
    assert uvstore.lookup(entries, url("http://127.0.0.1:10/team/x/")) == []
    login(store_env, "http://127.0.0.1:9/team/", "c", "pc")
    entries, _ = uvstore.read(uvstore.store_file(store_env))
    tie = uvstore.lookup(entries, url("http://127.0.0.1:9/team/x/"))
    assert sorted(e.username for e in tie) == ["a", "c"]
    # uv agrees: without a username it cannot choose
    done = run([uv_bin(), "auth", "token", "http://127.0.0.1:9/team/x/"], store_env)
    assert done.returncode != 0 and "pa" not in done.stdout and "pc" not in done.stdout


def test_reading_the_store_keeps_only_digests(store_env: dict[str, str]) -> None:
    login(store_env, "http://127.0.0.1:9/", "u", "the-secret")
    entries, _ = uvstore.read(uvstore.store_file(store_env))
    assert "the-secret" not in repr(entries)
    assert entries[0].digest == uvstore.token_digest("the-secret")


def test_a_store_that_does_not_parse_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "credentials.toml"
    path.write_text("[[credential]\nservice = 'x'\npassword = 'leak-me'\n")
    entries, warning = uvstore.read(str(path))
    assert entries == [] and warning is not None and "leak-me" not in warning


def test_only_https_or_localhost_can_be_written() -> None:
    assert uvstore.writable(url("https://corp.example/simple/")) is None
    assert uvstore.writable(url("http://localhost:8/")) is None
    assert uvstore.writable(url("http://corp.example/")) is not None


def test_the_warm_store_hook_imports_nothing_heavy(
    tmp_path: Path, store_env: dict[str, str]
) -> None:
    """`hook bash --store` with a fresh cache and an entry already in uv's store: no click,
    no SDK, no filelock, no keyring, no dotenv, and no `uv auth login` again."""
    project = tmp_path / "p"
    write_project(project, [("corp", "http://127.0.0.1:9/simple/")])
    write_user_config(store_env, credential("http://127.0.0.1:9/", "T", username="me"))
    env = {
        **store_env,
        "T": "s3cr3t-9q",
        "PATH": str(Path(uv_bin()).parent) + ":" + store_env["PATH"],
    }
    argv = [sys.executable, "-X", "importtime", "-m", "uvcreds", "hook", "bash", "--store"]
    first = subprocess.run(argv, env=env, cwd=project, capture_output=True, check=True)
    assert b"UV_INDEX_CORP_PASSWORD" not in first.stdout and b"s3cr3t-9q" not in first.stdout
    entries, _ = uvstore.read(uvstore.store_file(env))
    assert [(e.service, e.username) for e in entries] == [("http://127.0.0.1:9/", "me")]
    warm = subprocess.run(argv, env=env, cwd=project, capture_output=True, check=True)
    modules = {
        line.split("|")[-1].strip().split(".")[0]
        for line in warm.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    heavy = {"click", "boto3", "botocore", "google", "filelock", "keyring", "dotenv"}
    assert modules & heavy == set()
