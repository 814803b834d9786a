"""Settings said at once (issue 19): `[tool.uvcreds.index.NAME]` naming no index, and a
username that breaks the vendor's convention, each one line at `export` and `status` naming
the file, before uv fails; `doctor` keeps its deeper probe."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.helpers import credential, run, uvcreds_cmd, write_project, write_user_config

JFROG = "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple/"
CODEARTIFACT = "https://acme-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/"
GOOGLE = "https://europe-west1-python.pkg.dev/acme/py/simple/"


def said(env: dict[str, str], project: Path, *args: str) -> list[str]:
    """The `uvcreds:` lines of `export` and of `status`, which must be the same."""
    lines = []
    for command in (["export", *args], ["status"]):
        done = run([*uvcreds_cmd(), *command], env, project)
        assert "Traceback" not in done.stderr
        lines.append([line for line in done.stderr.splitlines() if line.startswith("uvcreds: ")])
    assert lines[0] == lines[1]
    return lines[0]


def test_a_table_naming_no_index_is_said_with_the_name_it_may_mean(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    pyproject = write_project(
        project, [("corp", "https://mirror.example/simple/")], "[tool.uvcreds.index.crop]\n"
    )
    assert said(isolated_env, project) == [
        f"uvcreds: {pyproject}: [tool.uvcreds.index.crop] names no index here; did you mean 'corp'?"
    ]
    status = run([*uvcreds_cmd(), "status"], isolated_env, project)
    assert status.returncode == 0, status.stderr  # a warning, not an error


def test_a_table_naming_nothing_like_an_index_lists_the_indexes(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    pyproject = write_project(
        project,
        [("public", "https://pypi.org/simple/"), ("mirror", "https://mirror.example/simple/")],
        "[tool.uvcreds.index.zzz]\n",
    )
    assert said(isolated_env, project) == [
        f"uvcreds: {pyproject}: [tool.uvcreds.index.zzz] names no index here "
        "(indexes: mirror, public)"
    ]


@pytest.mark.parametrize(
    ("url", "provider", "username", "clause"),
    [
        (
            JFROG,
            "jfrog",
            "__token__",
            "JFrog answers the username '__token__' with 401: an access token goes with an "
            "empty one",
        ),
        (  # an env binding on a JFrog URL: the URL's vendor has the convention
            JFROG,
            "env",
            "__token__",
            "JFrog answers the username '__token__' with 401: an access token goes with an "
            "empty one",
        ),
        (CODEARTIFACT, "env", "me", "CodeArtifact takes only the username 'aws'"),
        (
            GOOGLE,
            "env",
            "__token__",
            "Artifact Registry takes the username 'oauth2accesstoken' (or '_json_key' with a key)",
        ),
    ],
)
def test_a_username_against_the_vendors_convention_is_said_naming_the_file(
    url: str,
    provider: str,
    username: str,
    clause: str,
    tmp_path: Path,
    isolated_env: dict[str, str],
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", url)])
    prefix = url.rsplit("/", 2)[0] + "/"
    config = write_user_config(
        isolated_env, credential(prefix, "TOKEN", provider=provider, username=username)
    )
    env = {**isolated_env, "TOKEN": "not-shown-Secret"}
    lines = said(env, project)
    assert lines == [f"uvcreds: {config} ([[credential]] {prefix}): {clause}"]
    exported = run([*uvcreds_cmd(), "export"], env, project)
    assert exported.returncode == 0  # still exported: the vendor may know better
    assert "not-shown-Secret" not in exported.stderr


@pytest.mark.parametrize(
    ("url", "provider", "username"),
    [
        (JFROG, "jfrog", ""),
        (JFROG, "jfrog", "deployer"),
        (CODEARTIFACT, "env", "aws"),
        (GOOGLE, "env", "_json_key_base64"),
        ("https://nexus.example/repository/pypi/simple/", "env", "__token__"),
    ],
)
def test_a_username_the_vendor_takes_is_not_said(
    url: str, provider: str, username: str, tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", url)])
    prefix = url.rsplit("/", 2)[0] + "/"
    write_user_config(
        isolated_env, credential(prefix, "TOKEN", provider=provider, username=username)
    )
    assert said({**isolated_env, "TOKEN": "secret"}, project) == []


def test_many_tables_naming_no_index_are_said_in_few_lines_and_fast(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    """A hostile pyproject: 900 indexes (below discovery's bound of 1000), 5000 tables
    naming none of them."""
    import time

    project = tmp_path / "project"
    indexes = [(f"index-{n}", f"https://mirror{n}.example/simple/") for n in range(900)]
    tables = "".join(f"[tool.uvcreds.index.typo-{n}]\n" for n in range(5000))
    pyproject = write_project(project, indexes, tables)
    started = time.perf_counter()
    lines = said(isolated_env, project)
    assert time.perf_counter() - started < 20  # both commands, on a busy machine
    assert lines[0] == (
        f"uvcreds: {pyproject}: [tool.uvcreds.index.typo-0] names no index here (indexes: "
        "index-0, index-1, index-10, index-100, index-101, index-102, index-103, index-104, "
        "index-105, index-106 and 890 more)"
    )
    assert lines[5:] == ["uvcreds: and 4995 more [tool.uvcreds.index] tables"]
