"""Secret-free mode for a credential with no username: a JFrog access token (issue 19).

uv asks a keyring without a username only for an index that says `authenticate = "always"`
(then with `--mode creds`). The index is the local FakeIndex, which logs every request and
takes only the empty username with the token; the user's config binds its URL to the JFrog
provider with `username = ""` and `password-env = "JFROG_TOKEN"`. Real uv, real bash.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from tests.testing import shells as driver
from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import (
    credential,
    run,
    uv_bin,
    uvcreds_cmd,
    write_project,
    write_user_config,
)
from tests.testing.shells import Session, make_env, write_logging_uvcreds

TOKEN = "jfrog-access.Tok/+="
ALWAYS = 'authenticate = "always"'


@pytest.fixture
def jfrog(index: FakeIndex) -> FakeIndex:
    """The index takes an access token with an empty username, as Artifactory does."""
    index.creds = {"": TOKEN}
    return index


def project_with(directory: Path, index: FakeIndex, *, always: bool) -> Path:
    """A project on the JFrog-bound index; `always`: the index says authenticate = "always"."""
    pyproject = write_project(directory, [("artifactory", index.simple_url)])
    if always:
        text = pyproject.read_text().replace(
            "[[tool.uv.index]]\n", f"[[tool.uv.index]]\n{ALWAYS}\n"
        )
        pyproject.write_text(text)
    return pyproject


def jfrog_env(env: dict[str, str], index: FakeIndex) -> dict[str, str]:
    write_user_config(env, credential(index.url, "JFROG_TOKEN", provider="jfrog", username=""))
    return {**env, "JFROG_TOKEN": TOKEN}


def answered(index: FakeIndex) -> list[tuple[str | None, str | None, int]]:
    return [(r.username, r.password, r.status) for r in index.requests]


def test_exec_keyring_wires_the_keyring_for_an_access_token(
    tmp_path: Path, isolated_env: dict[str, str], jfrog: FakeIndex
) -> None:
    env = jfrog_env(isolated_env, jfrog)
    project = tmp_path / "project"
    project_with(project, jfrog, always=True)
    show = "import os; print(os.environ.get('UV_KEYRING_PROVIDER'))"
    shown = run([*uvcreds_cmd(), "exec", "--keyring", "--", "python3", "-c", show], env, project)
    assert (shown.returncode, shown.stdout) == (0, "subprocess\n"), shown.stderr

    done = run(
        [*uvcreds_cmd(), "exec", "--keyring", "--", uv_bin(), "lock", "--no-cache"], env, project
    )

    assert done.returncode == 0, done.stderr
    assert ("", TOKEN, 200) in answered(jfrog)
    assert "uvcreds:" not in done.stderr
    assert TOKEN not in done.stderr


def test_an_index_uv_would_never_ask_is_said_in_one_line(
    tmp_path: Path, isolated_env: dict[str, str], jfrog: FakeIndex
) -> None:
    """No username and no authenticate = "always": uv never asks the keyring; uvcreds says
    what the index needs, naming it and its file, once."""
    env = jfrog_env(isolated_env, jfrog)
    project = tmp_path / "project"
    pyproject = project_with(project, jfrog, always=False)

    done = run(
        [*uvcreds_cmd(), "exec", "--keyring", "--", uv_bin(), "lock", "--no-cache"], env, project
    )

    assert done.returncode != 0
    said = [line for line in done.stderr.splitlines() if line.startswith("uvcreds: index")]
    assert said == [
        f"uvcreds: index 'artifactory' (defined in {pyproject}): uv asks a keyring only with "
        "a username, and its credential has none (an access token); add authenticate = "
        '"always" to that index, so uv asks uvcreds'
    ]
    assert TOKEN not in done.stderr
    # The exported route needs no such thing: the token goes with an empty username.
    exported = run([*uvcreds_cmd(), "exec", "--", uv_bin(), "lock", "--no-cache"], env, project)
    assert exported.returncode == 0, exported.stderr
    assert "authenticate" not in exported.stderr


@pytest.fixture
def keyring_rc(monkeypatch: pytest.MonkeyPatch) -> None:
    text = driver._RC["bash"]
    monkeypatch.setitem(
        driver._RC, "bash", text.replace("EXE init bash", "EXE init bash --keyring")
    )


@pytest.mark.usefixtures("keyring_rc")
def test_a_keyring_shell_wires_the_keyring_for_an_access_token(
    tmp_path: Path, jfrog: FakeIndex
) -> None:
    """`eval "$(uvcreds init bash --keyring)"`: entering the project gives the keyring
    provider and uvcreds' private bin on PATH (no username, no password); uv lock works."""
    env = jfrog_env(make_env(tmp_path), jfrog)
    private_bin = str(Path(env["UVCREDS_CACHE_DIR"]) / "bin")
    project = tmp_path / "project"
    project_with(project, jfrog, always=True)
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    watched = ("UV_INDEX_ARTIFACTORY_USERNAME", "UV_INDEX_ARTIFACTORY_PASSWORD")

    with Session("bash", exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        sh.run(f"cd {shlex.quote(str(project))}")
        assert sh.env(*watched, "UV_KEYRING_PROVIDER", "PATH") == {
            watched[0]: None,
            watched[1]: None,
            "UV_KEYRING_PROVIDER": "subprocess",
            "PATH": os.pathsep.join([private_bin, env["PATH"]]),
        }
        assert sh.run(f"{shlex.quote(uv_bin())} lock --no-cache").status == 0
        # Again from the fast path (a plan saved): leave, come back.
        sh.run("cd ~")
        assert sh.env("UV_KEYRING_PROVIDER") == {"UV_KEYRING_PROVIDER": None}
        sh.run(f"cd {shlex.quote(str(project))}")
        assert sh.env("UV_KEYRING_PROVIDER") == {"UV_KEYRING_PROVIDER": "subprocess"}

    assert ("", TOKEN, 200) in answered(jfrog)
    assert {r.password for r in jfrog.requests} <= {None, "", TOKEN}


def test_the_keyring_values_of_secret_free_mode() -> None:
    """In-process: the usernames and the provider whenever uv asks the keyring at all."""
    from uvcreds.routes.env.hook import keyring_values

    exported = {"UV_INDEX_A_USERNAME": "", "UV_INDEX_A_PASSWORD": "secret"}
    assert keyring_values(exported, asked=False) == {}
    assert keyring_values(exported, asked=True) == {"UV_KEYRING_PROVIDER": "subprocess"}
    named = {**exported, "UV_INDEX_B_USERNAME": "aws", "UV_INDEX_B_PASSWORD": "tok"}
    assert keyring_values(named, asked=False) == {
        "UV_INDEX_B_USERNAME": "aws",
        "UV_KEYRING_PROVIDER": "subprocess",
    }


def test_a_keyring_hook_says_what_the_index_needs_once(
    tmp_path: Path, isolated_env: dict[str, str], jfrog: FakeIndex
) -> None:
    """`hook bash --keyring`, evaluated at two prompts: the line once, nothing wired."""
    env = jfrog_env(isolated_env, jfrog)
    project = tmp_path / "project"
    pyproject = project_with(project, jfrog, always=False)
    hook = shlex.join([*uvcreds_cmd(), "hook", "bash", "--keyring"])
    script = (
        f'eval "$({hook} 2>err.1)"; eval "$({hook} 2>err.2)"; '
        'echo "provider=${UV_KEYRING_PROVIDER-unset}"'
    )
    done = run(["bash", "-c", script], env, project)
    assert done.stdout == "provider=unset\n", done.stderr
    assert (project / "err.1").read_text() == (
        f"uvcreds: index 'artifactory' (defined in {pyproject}): uv asks a keyring only with "
        "a username, and its credential has none (an access token); add authenticate = "
        '"always" to that index, so uv asks uvcreds\n'
    )
    assert (project / "err.2").read_text() == ""
