"""Real uv, a local index that demands a password, and `eval "$(uvcreds export)"` in bash."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.testing.fakes.index import DEFAULT_PASSWORD, FakeIndex
from tests.testing.helpers import (
    credential,
    run,
    uv_bin,
    uv_lock,
    uv_pip_install,
    uvcreds_cmd,
    write_project,
    write_user_config,
)


def bind_secret(env: dict[str, str], url: str, *, provider: str = "env", username: str) -> None:
    """The user's own config binds the secret in $IDX_TOKEN to this index URL."""
    write_user_config(env, credential(url, "IDX_TOKEN", provider=provider, username=username))


def after_export(command: str) -> str:
    exe = shlex.join(uvcreds_cmd())
    return f'eval "$({exe} export)" || exit 97; {command}'


@pytest.mark.parametrize("name", ["private", "corp-index", "corp.index.v2", "Mixed_Case-9"])
def test_uv_lock_authenticates_only_after_export(
    name: str, tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project = tmp_path / "project"
    write_project(project, [(name, index.simple_url)])
    bind_secret(isolated_env, index.simple_url, username="aws")
    env = {**isolated_env, "IDX_TOKEN": DEFAULT_PASSWORD}

    refused = uv_lock(project, env)
    assert refused.returncode != 0
    assert "401 Unauthorized" in refused.stderr

    lock = f"rm -f uv.lock; {shlex.quote(uv_bin())} lock --no-cache"
    done = run(["bash", "-c", after_export(lock)], env, cwd=project)
    assert done.returncode == 0, done.stderr
    assert 'name = "tinypkg"' in (project / "uv.lock").read_text()


def test_jfrog_token_goes_with_an_empty_username(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"": "jfrog-access-token"}
    project = tmp_path / "project"
    write_project(project, [("artifactory", index.simple_url)])
    bind_secret(isolated_env, index.simple_url, provider="jfrog", username="")
    env = {**isolated_env, "IDX_TOKEN": "jfrog-access-token"}
    lock = f"rm -f uv.lock; {shlex.quote(uv_bin())} lock --no-cache"
    done = run(["bash", "-c", after_export(lock)], env, cwd=project)
    assert done.returncode == 0, done.stderr
    assert [r.username for r in index.requests if r.status == 200][:1] == [""]


def test_an_index_named_only_in_uv_index(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    bind_secret(isolated_env, index.simple_url, username="aws")
    env = {
        **isolated_env,
        "IDX_TOKEN": DEFAULT_PASSWORD,
        "UV_DEFAULT_INDEX": f"from-env.v1={index.simple_url}",
    }
    empty = tmp_path / "no-project"
    empty.mkdir()
    target = tmp_path / "target"
    assert uv_pip_install(target, env, cwd=empty).returncode != 0

    exported = run([*uvcreds_cmd(), "export"], env, cwd=empty)
    assert exported.returncode == 0, exported.stderr
    assert "UV_INDEX_FROM_ENV_V1_PASSWORD" in exported.stdout
    install = " ".join(
        shlex.quote(a)
        for a in [uv_bin(), "pip", "install", "--no-cache", "--target", str(target), "tinypkg"]
    )
    done = run(["bash", "-c", after_export(install)], env, cwd=empty)
    assert done.returncode == 0, done.stderr
    assert (target / "tinypkg" / "__init__.py").is_file()


def test_a_missing_secret_says_which_variable_and_exits_1(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project = tmp_path / "project"
    write_project(project, [("private", "https://other.example/simple/"), ("ok", index.simple_url)])
    config = write_user_config(
        isolated_env,
        credential(index.simple_url, "IDX_TOKEN", username="aws")
        + credential("https://other.example/", "OTHER_TOKEN"),
    )
    result = run([*uvcreds_cmd(), "export"], {**isolated_env, "IDX_TOKEN": "t0k"}, cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        f"uvcreds: index 'private': set OTHER_TOKEN (named in {config} ([[credential]] "
        "https://other.example/)) in the environment or the project's .env\n"
    )
    # What could be had is still printed.
    assert result.stdout == "export UV_INDEX_OK_USERNAME=aws;\nexport UV_INDEX_OK_PASSWORD=t0k;\n"
