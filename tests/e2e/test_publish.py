"""`uvcreds exec --publish NAME -- uv publish --index NAME`: real uv uploads with each
vendor's username convention, and the upload is then installable through `uvcreds export`."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.google import GoogleFake
from tests.testing.fakes.index import FakeIndex, build_wheel
from tests.testing.helpers import run, uv_bin, uvcreds_cmd, write_project, write_user_config


@dataclass
class Vendor:
    """How one vendor's credential reaches uvcreds: user config, environment, username."""

    username: str
    password: str
    config: str  # the user's [[credential]] table for the index URL
    env: dict[str, str]


def _named_secret(provider: str, username: str, url: str) -> Vendor:
    token = f"{provider}-secret-token"
    config = (
        f'[[credential]]\nurl = "{url}"\nprovider = "{provider}"\nusername = "{username}"\n'
        'password-env = "PUBLISH_TOKEN"\n'
    )
    return Vendor(username, token, config, {"PUBLISH_TOKEN": token})


def _vendor(name: str, url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Vendor:
    """Each vendor's fake mints the token; the index is local, so the user config names
    the provider (a real vendor URL would be recognised without it)."""
    if name == "jfrog-access-token":
        return _named_secret("jfrog", "", url)
    if name == "env-username-password":
        return _named_secret("env", "deployer", url)
    if name == "aws":
        codeartifact: CodeArtifactFake = request.getfixturevalue("codeartifact")
        codeartifact.token = "aws-minted-token"
        config = (
            f'[[credential]]\nurl = "{url}"\nprovider = "aws"\ndomain = "acme"\n'
            'domain-owner = "111122223333"\nregion = "eu-west-1"\n'
        )
        return Vendor("aws", "aws-minted-token", config, codeartifact.aws_env(tmp_path / "aws"))
    if name == "google":
        google: GoogleFake = request.getfixturevalue("google_fake")
        google.token = "ya29.minted-token"
        config = f'[[credential]]\nurl = "{url}"\nprovider = "google"\n'
        env = google.service_account_env(tmp_path / "gcp")
        return Vendor("oauth2accesstoken", "ya29.minted-token", config, env)
    assert name == "azure-entra"
    fakes: FakeBinDir = request.getfixturevalue("fake_bin_dir")
    fakes.az().logged_in("entra-minted-token")
    config = f'[[credential]]\nurl = "{url}"\nprovider = "azure"\nusername = "ci"\n'
    path = {"PATH": request.getfixturevalue("isolated_env")["PATH"]}
    return Vendor("ci", "entra-minted-token", config, fakes.env(path))


VENDORS = ["aws", "google", "azure-entra", "jfrog-access-token", "env-username-password"]


def set_up(
    name: str,
    tmp_path: Path,
    isolated_env: dict[str, str],
    index: FakeIndex,
    request: pytest.FixtureRequest,
) -> tuple[Path, dict[str, str], Path]:
    vendor = _vendor(name, index.simple_url, request, tmp_path)
    index.creds = {vendor.username: vendor.password}
    project = tmp_path / "project"
    write_project(project, [("private.repo", index.simple_url)], publish_urls=True)
    write_user_config(isolated_env, vendor.config)
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    env = {**isolated_env, **vendor.env}
    if "PATH" in vendor.env:  # the fake executables' directory goes first
        env["PATH"] = vendor.env["PATH"]
    return project, env, wheel


def publish(project: Path, env: dict[str, str], wheel: Path) -> tuple[int, str]:
    argv = [*uvcreds_cmd(), "exec", "--publish", "private.repo", "--", uv_bin(), "publish"]
    argv += ["--no-cache", "--index", "private.repo", "--trusted-publishing", "never", str(wheel)]
    result = run(argv, env, cwd=project)
    return result.returncode, result.stderr


@pytest.mark.parametrize("vendor", VENDORS)
def test_upload_then_install_through_export(
    vendor: str,
    tmp_path: Path,
    isolated_env: dict[str, str],
    index: FakeIndex,
    request: pytest.FixtureRequest,
) -> None:
    project, env, wheel = set_up(vendor, tmp_path, isolated_env, index, request)
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
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex, request: pytest.FixtureRequest
) -> None:
    project, env, wheel = set_up("jfrog-access-token", tmp_path, isolated_env, index, request)
    index.creds = {"": "another-token"}
    code, stderr = publish(project, env, wheel)
    assert code != 0
    assert "403 Forbidden" in stderr or "401 Unauthorized" in stderr
    assert stderr.splitlines()[-1] == (
        f"uvcreds: {uv_bin()} exited with {code} while publishing to index 'private.repo'; if the "
        "index refused the credential, `uvcreds doctor` says why, or get a new one "
        "(`uvcreds refresh private.repo`)"
    )
    assert not (index.packages_dir / wheel.name).exists()


def test_a_missing_credential_stops_before_uv_runs(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex, request: pytest.FixtureRequest
) -> None:
    project, env, wheel = set_up("jfrog-access-token", tmp_path, isolated_env, index, request)
    del env["PUBLISH_TOKEN"]
    code, stderr = publish(project, env, wheel)
    assert code == 1
    config = isolated_env["UVCREDS_CONFIG"]
    assert stderr.startswith(f"uvcreds: index 'private.repo': set PUBLISH_TOKEN (named in {config}")
    assert [r for r in index.requests if r.method == "POST"] == []
