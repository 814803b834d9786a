"""Where `uv publish` sends `UV_PUBLISH_*`, measured with real uv against logging indexes.

uv uploads to the publish URL only, and its publish parser takes `HTTP://` as http (an index
`url` so written is a path). So `UV_PUBLISH_*` may hold a credential only when its binding
covers the publish URL by whole segments (DESIGN.md, "Publishing"): the index being bound
is not enough. Each other server here accepts the same credential, so a leak would succeed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testing.fakes.index import FakeIndex, PathIndex, build_wheel
from tests.testing.helpers import credential, run, uv_bin, uvcreds_cmd, write_user_config

USER = "me"
SECRET, OTHER_SECRET = "pub-secret.A1/+=", "upload-secret.B2/+="


@pytest.fixture
def bound(tmp_path: Path) -> Iterator[FakeIndex]:
    with FakeIndex(tmp_path / "bound", {USER: SECRET}) as fake:
        fake.add_wheel("tinypkg", "0.1.0")
        yield fake


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[FakeIndex]:
    """Another host that would take either secret."""
    with FakeIndex(tmp_path / "elsewhere", {USER: SECRET}) as fake:
        yield fake


@pytest.fixture
def env(isolated_env: dict[str, str]) -> dict[str, str]:
    return {**isolated_env, "CORP_SECRET": SECRET, "UPLOAD_SECRET": OTHER_SECRET}


def index_toml(table: str, url: str, publish_url: str) -> str:
    return (
        f'[[{table}]]\nname = "corp"\nurl = {json.dumps(url)}\n'
        f"publish-url = {json.dumps(publish_url)}\ndefault = true\n"
    )


def project(directory: Path, url: str, publish_url: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = '[project]\nname = "pubpkg"\nversion = "1.0.0"\n\n'
    (directory / "pyproject.toml").write_text(text + index_toml("tool.uv.index", url, publish_url))
    return directory


def publish(
    cwd: Path, env: dict[str, str], wheel: Path, *, uvcreds_publish: bool = True
) -> subprocess.CompletedProcess[str]:
    argv = [*uvcreds_cmd(), "exec"]
    argv += ["--publish", "corp"] if uvcreds_publish else []
    argv += ["--", uv_bin(), "publish", "--no-cache", "--index", "corp"]
    argv += ["--trusted-publishing", "never", str(wheel)]
    return run(argv, env, cwd=cwd)


def secrets_seen(index: FakeIndex) -> list[str]:
    return [r.password for r in index.requests if r.password in (SECRET, OTHER_SECRET)]


def test_an_upper_case_scheme_publish_url_gets_nothing(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, elsewhere: FakeIndex
) -> None:
    """A cloned repository's `publish-url = "HTTP://other/"`: uv's publish reads it as http."""
    write_user_config(env, credential(bound.simple_url, "CORP_SECRET", username=USER))
    upper = elsewhere.url.replace("http://", "HTTP://")
    cwd = project(tmp_path / "clone", bound.simple_url, upper)
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")

    refused = publish(cwd, env, wheel)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"uvcreds: --publish corp: no credential is bound to its publish-url {elsewhere.url} "
        f"(defined in {cwd / 'pyproject.toml'}); UV_PUBLISH_* are not set. If uploads go "
        "there, bind that URL in your config\n"
    )
    # Without --publish, uv has no credential for that URL and sends nothing at all.
    plain = publish(cwd, env, wheel, uvcreds_publish=False)
    assert plain.returncode != 0
    assert f"Missing credentials for: {elsewhere.url}" in plain.stderr
    assert elsewhere.requests == []


@pytest.mark.parametrize("where", ["user uv.toml", "allowed project"])
def test_a_publish_url_on_another_host_gets_nothing_from_the_index_binding(
    where: str, tmp_path: Path, env: dict[str, str], bound: FakeIndex, elsewhere: FakeIndex
) -> None:
    """The user's own file (or an allowed project) puts the index on A and publishing on B."""
    write_user_config(env, credential(bound.simple_url, "CORP_SECRET", username=USER))
    cwd = tmp_path / "work"
    if where == "user uv.toml":
        uv_toml = Path(env["XDG_CONFIG_HOME"]) / "uv" / "uv.toml"
        uv_toml.parent.mkdir(parents=True)
        uv_toml.write_text(index_toml("index", bound.simple_url, elsewhere.url))
        cwd.mkdir()
    else:
        project(cwd, bound.simple_url, elsewhere.url)
        assert run([*uvcreds_cmd(), "allow"], env, cwd=cwd).returncode == 0
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")

    refused = publish(cwd, env, wheel)
    assert refused.returncode == 1
    assert "no credential is bound to its publish-url" in refused.stderr
    assert secrets_seen(elsewhere) == []
    assert elsewhere.requests == []


def test_uv_sends_an_index_credential_to_an_upload_on_the_same_host(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The oracle for the next test: static variables for index `corp` at /team/simple/,
    `uv publish --index corp` with its publish-url at /other-team/: uv's check request
    seeds its per-host cache, and the upload to the other path carries the secret."""
    with PathIndex(tmp_path / "paths", {USER: SECRET}) as paths:
        cwd = project(tmp_path / "clone", f"{paths.url}team/simple/", f"{paths.url}other-team/")
        wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
        static = {**env, "UV_INDEX_CORP_USERNAME": USER, "UV_INDEX_CORP_PASSWORD": SECRET}
        argv = [uv_bin(), "publish", "--no-cache", "--index", "corp"]
        done = run([*argv, "--trusted-publishing", "never", str(wheel)], static, cwd=cwd)
        assert done.returncode == 0, done.stderr
        uploads = [r for r in paths.requests if r.method == "POST"]
        assert [(r.path, r.password) for r in uploads] == [("/other-team/", SECRET)]


def test_a_publish_url_beside_the_bound_path_gets_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Same host, another tenant's repository: `/other-team/` is not under `/team/`. Neither
    UV_PUBLISH_* nor (as the oracle above shows uv would send it there) UV_INDEX_CORP_*."""
    with PathIndex(tmp_path / "paths", {USER: SECRET}) as paths:
        team = f"{paths.url}team/simple/"
        write_user_config(env, credential(team, "CORP_SECRET", username=USER))
        cwd = project(tmp_path / "clone", team, f"{paths.url}other-team/")
        wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
        refused = publish(cwd, env, wheel)
        assert refused.returncode == 1
        assert f"publish-url {paths.url}other-team/" in refused.stderr
        plain = publish(cwd, env, wheel, uvcreds_publish=False)
        assert plain.returncode != 0
        blocked = "uvcreds: UV_INDEX_CORP_PASSWORD is not exported: uv would also send it to"
        assert blocked in plain.stderr
        assert [r for r in paths.requests if r.path.startswith("/other-team")] == []
        assert secrets_seen(paths) == []


def test_a_binding_for_the_publish_url_is_the_one_uploaded_with(
    tmp_path: Path, env: dict[str, str], bound: FakeIndex, elsewhere: FakeIndex
) -> None:
    """The index bound to A, uploads to B bound on its own: B gets B's secret, never A's."""
    elsewhere.creds = {"deployer": OTHER_SECRET}
    write_user_config(
        env,
        credential(bound.simple_url, "CORP_SECRET", username=USER)
        + credential(elsewhere.url, "UPLOAD_SECRET", username="deployer"),
    )
    cwd = project(tmp_path / "work", bound.simple_url, elsewhere.url)
    assert run([*uvcreds_cmd(), "allow"], env, cwd=cwd).returncode == 0
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")

    done = publish(cwd, env, wheel)
    assert done.returncode == 0, done.stderr
    assert (elsewhere.packages_dir / wheel.name).is_file()
    uploads = [r for r in elsewhere.requests if r.method == "POST"]
    assert {(r.username, r.password, r.status) for r in uploads} == {
        ("deployer", OTHER_SECRET, 200)
    }
    assert SECRET not in secrets_seen(elsewhere)
