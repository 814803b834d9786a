"""The command provider: a program the user names prints the secret, or JSON with more."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.testing.driver import Project, assert_fails_with

URL = "https://pypi.corp.example/simple/"


def helper(tmp_path: Path, body: str) -> str:
    """A secret helper program; it logs each run next to itself."""
    path = tmp_path / "secret-helper"
    path.write_text(
        f"#!{sys.executable}\n"
        "import os, pathlib, sys\n"
        "log = pathlib.Path(__file__).with_suffix('.log')\n"
        "log.write_text(log.read_text() + 'run\\n' if log.exists() else 'run\\n')\n"
        f"{body}\n"
    )
    path.chmod(0o755)
    return str(path)


def runs(tmp_path: Path) -> int:
    log = tmp_path / "secret-helper.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_plain_secret_is_read_each_time(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    program = helper(
        tmp_path,
        "print(os.environ['UVCREDS_INDEX_NAME'] + '|' + os.environ['UVCREDS_INDEX_URL'] + '|'"
        " + os.getcwd())",
    )
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[program], username="deploy")
    first = project.uvcreds("export", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.credential() == ("deploy", f"private|{URL}|{project.directory}")
    project.uvcreds("export")
    assert runs(tmp_path) == 2  # no expiry: nothing cached
    assert project.cached() == []


def test_json_with_expires_is_cached_until_due(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    expires = time.time() + 3600
    answer = json.dumps({"username": "robot", "password": "s3cr3t", "expires": expires})
    program = helper(tmp_path, f"print({answer!r})")
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[program])
    assert project.uvcreds("export", "--format", "json").credential() == ("robot", "s3cr3t")
    assert project.uvcreds("export", "--format", "json").credential() == ("robot", "s3cr3t")
    assert runs(tmp_path) == 1
    assert [entry["expires_at"] for entry in project.cached()] == [expires]


def test_iso_8601_expiry_is_understood(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    answer = json.dumps({"password": "p", "expires": "2099-01-01T00:00:00Z"})
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[helper(tmp_path, f"print({answer!r})")])
    assert project.uvcreds("export").returncode == 0
    assert [entry["expires_at"] for entry in project.cached()] == [4070908800.0]


def test_a_failing_program_is_one_line_without_its_stderr(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    program = helper(tmp_path, "sys.stderr.write('vault: token hunter2 expired\\n'); sys.exit(3)")
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[program])
    ran = project.uvcreds("export")
    assert_fails_with(
        ran, f"index 'private': {program} failed (exit 3); run it yourself to see why"
    )
    assert "hunter2" not in ran.stderr


def test_bad_output_and_a_missing_program(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[helper(tmp_path, "print('{not json')")])
    program = str(tmp_path / "secret-helper")
    assert_fails_with(
        project.uvcreds("export"), f"index 'private': {program} printed JSON that does not parse"
    )
    project.credentials.clear()
    project.bind(provider="command", command=[str(tmp_path / "no-such-helper")])
    assert_fails_with(
        project.uvcreds("export"),
        f"index 'private': cannot run {tmp_path / 'no-such-helper'}: No such file or directory",
    )


def test_a_program_that_never_answers_is_given_up(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = Project.create(tmp_path, isolated_env, URL)
    project.bind(provider="command", command=[helper(tmp_path, "import time; time.sleep(60)")])
    ran = project.uvcreds("export", env={"UVCREDS_TIMEOUT": "2"})
    assert ran.returncode == 1 and ran.seconds < 10
    assert ran.messages[-1].startswith("uvcreds: index 'private': no answer from command within")
