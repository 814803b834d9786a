"""`uvcreds exec --publish NAME -- uv publish --index NAME`: real uv uploads with each
vendor's username convention, and the upload is then installable through `uvcreds export`."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.index import FakeIndex, build_wheel
from tests.helpers import run, uv_bin, uvcreds_cmd, write_project


@dataclass
class Vendor:
    """How one vendor's credential reaches uvcreds: user config, environment, username."""

    username: str
    password: str
    config: Callable[[str], str]  # index URL -> [[credential]] table
    env: dict[str, str]


def _env_vendor(provider: str, username: str) -> Vendor:
    username_line = f'username = "{username}"\n'
    return Vendor(
        username=username,
        password=f"{provider}-secret-token",
        config=lambda url: (
            f'[[credential]]\nurl = "{url}"\nprovider = "{provider}"\n'
            + username_line
            + 'password-env = "PUBLISH_TOKEN"\n'
        ),
        env={"PUBLISH_TOKEN": f"{provider}-secret-token"},
    )


VENDORS: dict[str, Callable[[], Vendor]] = {
    "jfrog-access-token": lambda: _env_vendor("jfrog", ""),
    "env-username-password": lambda: _env_vendor("env", "deployer"),
}


def set_up(
    name: str, tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> tuple[Path, dict[str, str], Path]:
    vendor = VENDORS[name]()
    index.creds = {vendor.username: vendor.password}
    project = tmp_path / "project"
    write_project(project, [("private.repo", index.simple_url)], publish_urls=True)
    config = Path(isolated_env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(vendor.config(index.simple_url))
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    return project, {**isolated_env, **vendor.env}, wheel


def publish(project: Path, env: dict[str, str], wheel: Path) -> tuple[int, str]:
    argv = [*uvcreds_cmd(), "exec", "--publish", "private.repo", "--", uv_bin(), "publish"]
    argv += ["--no-cache", "--index", "private.repo", "--trusted-publishing", "never", str(wheel)]
    result = run(argv, env, cwd=project)
    return result.returncode, result.stderr


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_upload_then_install_through_export(
    vendor: str, tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project, env, wheel = set_up(vendor, tmp_path, isolated_env, index)
    code, stderr = publish(project, env, wheel)
    assert code == 0, stderr
    assert (index.packages_dir / wheel.name).is_file()

    consumer = tmp_path / "consumer"
    write_project(consumer, [("private.repo", index.simple_url)], dependencies=["pubpkg"])
    lock = (
        f'eval "$({shlex.join(uvcreds_cmd())} export)" && {shlex.quote(uv_bin())} lock --no-cache'
    )
    done = run(["bash", "-c", lock], env, cwd=consumer)
    assert done.returncode == 0, done.stderr
    assert 'name = "pubpkg"' in (consumer / "uv.lock").read_text()


def test_a_refused_credential_shows_uvs_error_and_a_hint(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project, env, wheel = set_up("jfrog-access-token", tmp_path, isolated_env, index)
    index.creds = {"": "another-token"}
    code, stderr = publish(project, env, wheel)
    assert code != 0
    assert "403 Forbidden" in stderr or "401 Unauthorized" in stderr
    assert stderr.splitlines()[-1] == (
        f"uvcreds: {uv_bin()} exited with {code} while publishing to index 'private.repo'; if the "
        "index refused the credential, check that it may upload (`uvcreds status`) or get a new "
        "one (`uvcreds refresh private.repo`)"
    )
    assert not (index.packages_dir / wheel.name).exists()


def test_a_missing_credential_stops_before_uv_runs(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project, env, wheel = set_up("jfrog-access-token", tmp_path, isolated_env, index)
    del env["PUBLISH_TOKEN"]
    code, stderr = publish(project, env, wheel)
    assert code == 1
    config = isolated_env["UVCREDS_CONFIG"]
    assert stderr.startswith(f"uvcreds: index 'private.repo': set PUBLISH_TOKEN (named in {config}")
    assert [r for r in index.requests if r.method == "POST"] == []
