"""The token cache, through the real `uvcreds` and real boto3 against the fake CodeArtifact:
one request for any number of processes, lock-free reads, refresh ahead in the background,
bounded waits, and a cache that survives killed, failed and corrupted runs."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest
from filelock import FileLock

from tests.testing.driver import WAITING, Project, assert_fails_with, wait_until
from tests.testing.fakes.codeartifact import CodeArtifactFake

URL = "https://my-dom-123456789012.d.codeartifact.us-west-2.amazonaws.com/pypi/repo/simple/"
OTHER_URL = "https://other-210987654321.d.codeartifact.eu-west-1.amazonaws.com/pypi/r/simple/"
DENIED = (
    "index 'private': AWS denied a CodeArtifact token for domain 'my-dom' (owner 123456789012) "
    "to the default AWS credentials; it needs codeartifact:GetAuthorizationToken and "
    "sts:GetServiceBearerToken"
)
STAMPEDE = 32


@pytest.fixture
def project(
    tmp_path: Path, isolated_env: dict[str, str], codeartifact: CodeArtifactFake
) -> Project:
    return Project.create(tmp_path, {**isolated_env, **codeartifact.aws_env(tmp_path)}, URL)


def token(project: Project) -> str:
    ran = project.export()
    assert ran.returncode == 0, ran.stderr
    return ran.credential()[1]


def test_processes_started_together_on_an_empty_cache_make_one_request(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.delay = 1.0  # they all start while the first one's request is in flight
    children = [project.start_export() for _ in range(STAMPEDE)]
    outputs = [child.communicate(timeout=120) for child in children]

    assert [child.returncode for child in children] == [0] * STAMPEDE, outputs
    assert codeartifact.request_count == 1
    assert {json.loads(stdout)["UV_INDEX_PRIVATE_PASSWORD"] for stdout, _ in outputs} == {
        codeartifact.issued[0]
    }
    assert all("Traceback" not in stderr for _, stderr in outputs)


def test_the_cache_is_private_and_the_token_is_refreshed_a_quarter_before_expiry(
    tmp_path: Path, project: Project
) -> None:
    fresh = tmp_path / "fresh" / "uvcreds"
    project.env["UVCREDS_CACHE_DIR"] = str(fresh)
    token(project)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh / "tokens.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((fresh / "tokens.lock").stat().st_mode) == 0o600
    (entry,) = project.cached()
    assert entry["expires_at"] - entry["fetched_at"] == pytest.approx(43200, abs=30)
    assert entry["expires_at"] - entry["due_at"] == pytest.approx(43200 / 4, abs=1)
    assert not [p for p in fresh.iterdir() if p.name.startswith(".tokens-")]


def test_a_refresh_killed_mid_fetch_leaves_a_cache_the_next_run_uses(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.hang = True
    child = project.start_export()
    assert wait_until(lambda: codeartifact.request_count == 1)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=10)
    codeartifact.hang = False

    ran = project.export(env={"UVCREDS_TIMEOUT": "10"})

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential()[1] == codeartifact.issued[0]
    assert codeartifact.request_count == 2
    assert token(project) == codeartifact.issued[0]
    assert codeartifact.request_count == 2


def test_a_vendor_that_never_answers_is_given_up_on_within_the_timeout(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.hang = True
    ran = project.export(env={"UVCREDS_TIMEOUT": "3"})
    assert_fails_with(
        ran,
        "index 'private': no answer from aws within 3s (UVCREDS_TIMEOUT); "
        "check the network or raise the limit",
    )
    assert ran.stderr.startswith(WAITING)  # and it said what it was waiting for
    assert ran.seconds < 3 + 2
    assert json.loads(ran.stdout) == {}


def test_a_corrupt_cache_is_warned_about_once_and_rewritten(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    project.tokens_file.write_text('{"version": 1, "tokens": ')

    ran = project.export()

    assert ran.returncode == 0, ran.stderr
    assert ran.messages == [
        f"uvcreds: {project.tokens_file}: the token cache was corrupt and is ignored; "
        "it will be rewritten"
    ]
    assert [entry["password"] for entry in project.cached()] == codeartifact.issued
    again = project.export()
    assert again.messages == [] and codeartifact.request_count == 1


def test_a_due_token_is_printed_at_once_and_refreshed_in_the_background(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    first = token(project)
    project.age_cache(due_at=time.time() - 1)
    codeartifact.delay = 1.5  # the refresh takes longer than the run that starts it

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential()[1] == first and ran.seconds < 1.5
    assert wait_until(lambda: [e["password"] for e in project.cached()] == codeartifact.issued[1:])
    assert codeartifact.request_count == 2
    assert token(project) == codeartifact.issued[1]


def test_a_token_with_under_a_minute_left_is_never_exported(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    token(project)
    project.age_cache(due_at=time.time() - 100, expires_at=time.time() + 50)
    assert token(project) == codeartifact.issued[1]
    assert codeartifact.request_count == 2


def test_a_failed_refresh_keeps_the_valid_token(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    first = token(project)
    codeartifact.set_error()

    refreshed = project.uvcreds("refresh")

    assert refreshed.returncode == 1  # the refresh asked for failed, though a token remains
    assert refreshed.messages == [f"uvcreds: {DENIED}; the cached token is kept"]
    assert token(project) == first


def test_a_failed_background_refresh_keeps_the_valid_token(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    first = token(project)
    project.age_cache(due_at=time.time() - 1)
    codeartifact.set_error()

    assert token(project) == first
    assert wait_until(lambda: codeartifact.request_count == 2)
    time.sleep(0.3)  # the refresher has had its answer; the cache must be as it was
    assert [e["password"] for e in project.cached()] == [first]
    codeartifact.set_error(None)
    assert token(project) == first  # still due: printed, and refreshed again behind
    assert wait_until(lambda: [e["password"] for e in project.cached()] == codeartifact.issued[1:])


def test_readers_never_take_the_lock(project: Project) -> None:
    first = token(project)
    with FileLock(str(project.cache_dir / "tokens.lock")):
        fast = project.export(env={"UVCREDS_TIMEOUT": "2"})
        full = project.uvcreds("exec", "--", "printenv", "UV_INDEX_PRIVATE_PASSWORD")
    assert fast.returncode == 0 and fast.credential()[1] == first
    assert full.returncode == 0 and full.stdout == f"{first}\n", full.stderr
    assert fast.seconds < 2 and full.seconds < 2


def test_a_caller_that_needs_the_lock_waits_at_most_the_timeout(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    with FileLock(str(project.cache_dir / "tokens.lock")):
        ran = project.export(env={"UVCREDS_TIMEOUT": "2"})
    assert_fails_with(
        ran,
        "index 'private': another uvcreds held the cache lock for 2s (UVCREDS_TIMEOUT); try again",
    )
    assert ran.stderr.startswith(
        "uvcreds: waiting for another uvcreds to get a token for index 'private' (at most 1s more)"
    )
    assert ran.seconds < 2 + 2
    assert codeartifact.request_count == 0


def test_refresh_gets_new_tokens_whatever_the_cache_holds(
    project: Project, codeartifact: CodeArtifactFake
) -> None:
    token(project)
    done = ["uvcreds: refreshed the token of index 'private'"]
    by_name = project.uvcreds("refresh", "private")
    assert by_name.returncode == 0 and by_name.messages == done, by_name.stderr
    every = project.uvcreds("refresh")
    assert every.returncode == 0 and every.messages == done, every.stderr
    assert codeartifact.request_count == 3
    assert token(project) == codeartifact.issued[2]


def test_refresh_of_an_unknown_index(project: Project, codeartifact: CodeArtifactFake) -> None:
    ran = project.uvcreds("refresh", "nope")
    assert_fails_with(ran, "no index named 'nope' here (found: private)")


def test_logout_forgets_this_projects_tokens_or_all(
    tmp_path: Path, project: Project, codeartifact: CodeArtifactFake
) -> None:
    other = Project.create(tmp_path, project.env, OTHER_URL, directory_name="other")
    token(project)
    token(other)
    assert len(project.cached()) == 2

    by_name = project.uvcreds("logout", "private")
    assert by_name.returncode == 0
    assert by_name.messages == ["uvcreds: forgot the token of index 'private'"]
    assert [e["url"] for e in project.cached()] == [OTHER_URL]
    assert token(project) == codeartifact.issued[2]

    everything = project.uvcreds("logout", "--all")
    assert everything.returncode == 0
    assert everything.messages == ["uvcreds: forgot 2 tokens, of index 'private'"]
    assert project.cached() == []
    token(other)
    assert codeartifact.request_count == 4
