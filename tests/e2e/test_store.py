"""The store route (`--store`) end to end: real uv, its credential store in a temporary
`UV_CREDENTIALS_DIR`, the CodeArtifact fake minting tokens, and logging indexes on 127.0.0.1.

uvcreds writes entries only through `uv auth login … --password -`; uv then picks one by the
URL it calls. Each test reads the indexes' request logs and uv's store file itself.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex, PathIndex, build_wheel
from tests.testing.helpers import run, uv_bin, uvcreds_cmd, write_user_config

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

MINTED = "ca-minted.tok/+=A1"
RENEWED = "ca-renewed.tok/+=B2"
SECRET_VAR = "CORP_SECRET"
SECRET = "store-secret.Q7/+=x"
USER = "me"
AWS_BINDING = (
    'provider = "aws"\ndomain = "acme"\ndomain-owner = "111122223333"\nregion = "eu-west-1"\n'
)
SHOW_ENV = "import json, os; print('@@ENV@@' + json.dumps(dict(os.environ)) + '@@ENV@@')"


def _serve(index: FakeIndex) -> FakeIndex:
    index.add_wheel("tinypkg", "0.1.0")
    return index


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[FakeIndex]:
    with _serve(FakeIndex(tmp_path / "bound-packages", {"aws": MINTED})) as fake:
        yield fake


@pytest.fixture
def other(tmp_path: Path) -> Iterator[FakeIndex]:
    """Another host that would accept the same token: a leak would succeed there."""
    with _serve(FakeIndex(tmp_path / "other-packages", {"aws": MINTED, USER: SECRET})) as fake:
        yield fake


@pytest.fixture
def minting(codeartifact: CodeArtifactFake) -> CodeArtifactFake:
    codeartifact.token = MINTED
    return codeartifact


@pytest.fixture
def env(
    isolated_env: dict[str, str],
    tmp_path: Path,
    fake_bin_dir: FakeBinDir,
    minting: CodeArtifactFake,
) -> dict[str, str]:
    """The user's environment: the test venv's uv first on PATH (after the fakes: a
    `keyring` that would log any call), uv's store in a temporary directory."""
    fake_bin_dir.keyring()
    venv_bin = os.path.dirname(uv_bin())
    base = {**isolated_env, "PATH": venv_bin + os.pathsep + isolated_env["PATH"]}
    environment = fake_bin_dir.env(base)
    environment["UV_CREDENTIALS_DIR"] = str(tmp_path / "uv-credentials")
    environment.update(minting.aws_env(tmp_path))
    return environment


def bind_aws(env: Mapping[str, str], url: str) -> None:
    write_user_config(env, f"[[credential]]\nurl = {json.dumps(url)}\n{AWS_BINDING}")


def project(directory: Path, url: str, *, name: str = "corp", publish: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = (
        '[project]\nname = "consumer"\nversion = "0.0.1"\nrequires-python = ">=3.9"\n'
        'dependencies = ["tinypkg"]\n\n[[tool.uv.index]]\n'
        f"name = {json.dumps(name)}\nurl = {json.dumps(url)}\ndefault = true\n"
    )
    if publish:
        text += f"publish-url = {json.dumps(publish)}\n"
    (directory / "pyproject.toml").write_text(text)
    return directory


def uvcreds(env: Mapping[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run([*uvcreds_cmd(), *args], env, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    for secret in (MINTED, RENEWED, SECRET):
        assert secret not in done.stderr + done.stdout
    return done


def exec_store(
    env: Mapping[str, str], cwd: Path, *command: str
) -> subprocess.CompletedProcess[str]:
    (cwd / "uv.lock").unlink(missing_ok=True) if command[1:2] == ("lock",) else None
    return uvcreds(env, cwd, "exec", "--store", "--", *command)


def store_entries(env: Mapping[str, str]) -> list[dict[str, str]]:
    path = Path(env["UV_CREDENTIALS_DIR"], "credentials.toml")
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text()).get("credential", [])
    assert isinstance(entries, list)
    return entries


def user_login(env: Mapping[str, str], service: str, username: str, password: str) -> None:
    done = run(
        [uv_bin(), "auth", "login", service, "--username", username, "--password", "-"],
        env,
        input=password,
    )
    assert done.returncode == 0, done.stderr


def carrying(index: FakeIndex, *secrets: str) -> list[object]:
    return [r for r in index.requests if r.password in secrets]


def child_env(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    found = done.stdout.split("@@ENV@@")
    assert len(found) >= 3, done.stdout + done.stderr
    values = json.loads(found[1])
    assert isinstance(values, dict)
    return values


# --- exec --store ----------------------------------------------------------------------------


def test_exec_store_lock_sync_run_publish_and_uvx_with_no_password_anywhere(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, fake_bin_dir: FakeBinDir
) -> None:
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url, publish=bound.url)

    done = exec_store(env, proj, "uv", "lock", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert ("aws", MINTED, 200) in {(r.username, r.password, r.status) for r in bound.requests}
    assert [(e["service"], e["username"]) for e in store_entries(env)] == [
        (f"http://127.0.0.1:{bound.port}/", "aws")
    ]

    assert exec_store(env, proj, "uv", "sync", "--no-cache").returncode == 0
    shown = exec_store(env, proj, "uv", "run", "--no-cache", "python", "-c", SHOW_ENV)
    assert shown.returncode == 0, shown.stderr
    seen = child_env(shown)
    assert not [name for name in seen if name.endswith("_PASSWORD")]
    assert not [name for name, value in seen.items() if MINTED in value]
    assert "UV_KEYRING_PROVIDER" not in seen

    files = [str(build_wheel(tmp_path / "dist", "consumer", "0.0.1"))]
    published = exec_store(
        env,
        proj,
        "uv",
        "publish",
        "--no-cache",
        "--trusted-publishing",
        "never",
        "--index",
        "corp",
        *files,
    )
    assert published.returncode == 0, published.stderr
    assert any(
        r.method == "POST" and r.password == MINTED and r.status == 200 for r in bound.requests
    )

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    uvx = run(
        [
            "uvx",
            "--no-cache",
            "--index",
            bound.simple_url,
            "--from",
            "tinypkg",
            "python",
            "-c",
            SHOW_ENV,
        ],
        env,
        cwd=outside,
    )
    assert uvx.returncode == 0, uvx.stderr
    assert not [name for name, value in child_env(uvx).items() if MINTED in value]
    assert fake_bin_dir.keyring().calls() == []  # no keyring process at all


def test_a_clone_naming_the_index_elsewhere_and_a_sibling_path_get_nothing(
    tmp_path: Path, env: dict[str, str], other: FakeIndex
) -> None:
    with _serve(PathIndex(tmp_path / "path-packages", {"aws": MINTED})) as paths:
        bind_aws(env, f"{paths.url}team/simple/")
        mine = project(tmp_path / "mine", f"{paths.url}team/simple/")
        done = exec_store(env, mine, "uv", "lock", "--no-cache")
        assert done.returncode == 0, done.stderr
        assert [e["service"] for e in store_entries(env)] == [f"{paths.url}team/"]

        beside = project(tmp_path / "beside", f"{paths.url}teamx/simple/")
        assert exec_store(env, beside, "uv", "lock", "--no-cache").returncode != 0
        asked = [r for r in paths.requests if r.path.startswith("/teamx/")]
        assert asked and [r for r in asked if r.password is not None] == []

        clone = project(tmp_path / "clone", other.simple_url)  # names `corp`, points elsewhere
        assert exec_store(env, clone, "uv", "lock", "--no-cache").returncode != 0
        assert other.requests and carrying(other, MINTED, SECRET) == []
        assert [e["service"] for e in store_entries(env)] == [f"{paths.url}team/"]


# --- the user's own entries --------------------------------------------------------------------


def test_the_users_own_entries_are_never_changed_and_only_uvcreds_own_are_removed(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, other: FakeIndex
) -> None:
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    user_login(env, other.simple_url, USER, SECRET)  # another service
    theirs = store_entries(env)

    assert exec_store(env, proj, "uv", "lock", "--no-cache").returncode == 0
    assert uvcreds(env, proj, "refresh").returncode == 0
    entries = store_entries(env)
    assert len(entries) == 2 and theirs[0] in entries
    assert stat.S_IMODE(Path(env["UV_CREDENTIALS_DIR"], "credentials.toml").stat().st_mode) == 0o600

    elsewhere = project(tmp_path / "elsewhere", other.simple_url, name="theirs")
    assert uvcreds(env, elsewhere, "logout").returncode == 0  # not this project's entry
    assert len(store_entries(env)) == 2
    done = uvcreds(env, proj, "logout")
    assert done.returncode == 0 and "removed uvcreds' entries" in done.stderr
    assert store_entries(env) == theirs

    assert exec_store(env, proj, "uv", "lock", "--no-cache").returncode == 0
    done = uvcreds(env, proj, "logout", "--all")
    assert done.returncode == 0 and "removed uvcreds' entries" in done.stderr
    assert store_entries(env) == theirs
    assert uvcreds(env, proj, "logout", "--all").returncode == 0
    assert store_entries(env) == theirs


def test_an_entry_of_the_users_for_the_same_service_is_left_alone_and_said_once(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    user_login(env, bound.simple_url, USER, SECRET)  # same service, another username
    bound.creds[USER] = SECRET
    theirs = store_entries(env)

    done = exec_store(env, proj, "uv", "lock", "--no-cache")
    assert done.returncode == 0, done.stderr  # uv uses the user's own entry
    said = [line for line in done.stderr.splitlines() if "your own entry" in line]
    assert len(said) == 1 and "writes none beside it" in said[0]
    assert store_entries(env) == theirs
    assert uvcreds(env, proj, "refresh").returncode == 0
    assert uvcreds(env, proj, "logout", "--all").returncode == 0
    assert store_entries(env) == theirs
    status = json.loads(uvcreds(env, proj, "status", "--json").stdout)
    assert status[0]["uv_store"].startswith("your own entry for")


# --- freshness ---------------------------------------------------------------------------------


def test_a_refreshed_token_replaces_the_old_one_and_an_unrenewable_expired_one_is_removed(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, minting: CodeArtifactFake
) -> None:
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    assert exec_store(env, proj, "uv", "lock", "--no-cache").returncode == 0
    assert [e["password"] for e in store_entries(env)] == [MINTED]
    status = json.loads(uvcreds(env, proj, "status", "--json").stdout)
    assert status[0]["uv_store"].startswith(f"uvcreds' entry for {bound.url}, fresh")

    minting.token = RENEWED
    bound.creds = {"aws": RENEWED}
    assert uvcreds(env, proj, "refresh").returncode == 0
    assert [e["password"] for e in store_entries(env)] == [RENEWED]
    done = run([uv_bin(), "lock", "--no-cache"], env, cwd=proj)  # plain uv: the store alone
    assert done.returncode == 0, done.stderr

    minting.lifetime = 62  # usable for two seconds more, then never renewed
    assert uvcreds(env, proj, "refresh").returncode == 0
    minting.set_error()
    time.sleep(2.5)
    done = exec_store(env, proj, "true")
    assert "removed its entry" in done.stderr
    assert store_entries(env) == []


def test_uv_is_run_with_no_secret_on_its_command_line(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, fake_bin_dir: FakeBinDir
) -> None:
    shim = fake_bin_dir.counting_wrapper(uv_bin(), "uv")
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    assert exec_store(env, proj, "uv", "lock", "--no-cache").returncode == 0
    logins = [call for call in shim.calls() if call[:2] == ["auth", "login"]]
    assert logins == [["auth", "login", bound.url, "--username", "aws", "--password", "-"]]
    assert not [call for call in shim.calls() if MINTED in " ".join(call)]
    # unchanged token: no second login, and uv still reads the file
    shim.clear_calls()
    assert exec_store(env, proj, "uv", "lock", "--no-cache").returncode == 0
    assert [call for call in shim.calls() if call[:1] == ["auth"]] == []


def test_a_uv_without_uv_auth_gets_one_line_naming_the_version(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, fake_bin_dir: FakeBinDir
) -> None:
    old = fake_bin_dir.path / "uv"
    old.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "uv 0.8.0"; exit 0; fi\n'
        "echo \"error: unrecognized subcommand 'auth'\" >&2; exit 2\n"
    )
    old.chmod(0o755)
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    done = uvcreds(env, proj, "exec", "--store", "--", "true")
    said = [line for line in done.stderr.splitlines() if "uv auth" in line]
    assert said == [
        "uvcreds: uv 0.8.0 has no `uv auth`; the store route needs uv 0.8.15 or "
        "later (or use the environment route: `uvcreds init SHELL` without --store)"
    ]


@pytest.mark.parametrize("which", ["uv's store", "uvcreds' records"])
def test_a_file_of_any_bytes_is_said_once_and_nothing_of_the_users_is_changed(
    which: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex
) -> None:
    bind_aws(env, bound.simple_url)
    proj = project(tmp_path / "proj", bound.simple_url)
    store = Path(env["UV_CREDENTIALS_DIR"], "credentials.toml")
    records = Path(env["XDG_DATA_HOME"], "uvcreds", "uv-store-entries.json")
    garbage = b"\xff\x00[[credential]\nservice = 1\n"
    if which == "uv's store":
        store.parent.mkdir(parents=True)
        store.write_bytes(garbage)
    else:
        user_login(env, bound.simple_url, USER, SECRET)  # theirs, to be left alone
        records.parent.mkdir(parents=True, mode=0o700)
        records.write_bytes(garbage)
        records.chmod(0o600)
    before = store.read_bytes()
    done = exec_store(env, proj, "true")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert (
        len(
            [
                line
                for line in done.stderr.splitlines()
                if "ignored" in line or "left as it is" in line
            ]
        )
        == 1
    )
    assert store.read_bytes() == before
