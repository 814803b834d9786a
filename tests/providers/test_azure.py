"""Azure Artifacts: PATs, a fake `az` and a fake credential provider, in the real `uvcreds`."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from tests.testing.driver import Project, assert_fails_with
from tests.testing.fakes.bin import AZURE_DEVOPS_RESOURCE, FakeBinDir, response
from tests.testing.fakes.index import FakeIndex
from uvcreds.providers import azure, detect
from uvcreds.urls import parse

FEED_URL = "https://pkgs.dev.azure.com/myorg/myproject/_packaging/feed/pypi/simple/"
NO_WAY = (
    "index 'private': no Azure DevOps credentials; {pat}, run `az login`, "
    "or install the Azure Artifacts credential provider"
)
AZ_ARGV = ["account", "get-access-token", "--output", "json", "--resource", AZURE_DEVOPS_RESOURCE]


@pytest.fixture
def bare_env(isolated_env: dict[str, str], fake_bin_dir: FakeBinDir) -> dict[str, str]:
    """PATH holds only the fake programs: no real az or credential provider is ever found."""
    return {**isolated_env, "PATH": str(fake_bin_dir.path)}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (FEED_URL, True),
        ("https://pkgs.dev.azure.com/myorg/_packaging/feed/pypi/simple/", True),
        ("https://pkgs.dev.azure.com/myorg/_packaging/feed@Release/pypi/simple/", True),
        ("https://pkgs.dev.azure.com/myorg/p/_packaging/feed/pypi/upload/", True),
        ("https://myorg.pkgs.visualstudio.com/_packaging/feed/pypi/simple/", True),
        ("https://myorg.pkgs.visualstudio.com/proj/_packaging/feed/pypi/simple/", True),
        ("https://pkgs.dev.azure.com.evil.com/myorg/_packaging/feed/pypi/simple/", False),
        ("https://myorg.pkgs.visualstudio.com.evil.com/_packaging/feed/pypi/simple/", False),
        ("https://evil.com/pkgs.dev.azure.com/myorg/_packaging/feed/pypi/simple/", False),
        ("http://pkgs.dev.azure.com/myorg/_packaging/feed/pypi/simple/", False),
        ("https://pkgs.dev.azure.com/myorg/myproject/", False),
    ],
)
def test_only_anchored_azure_artifacts_urls_match(url: str, expected: bool) -> None:
    parsed = parse(url)
    assert parsed is not None
    assert azure.matches(parsed) is expected
    assert (detect(parsed) == "azure") is expected


@pytest.mark.parametrize(
    ("variables", "winner"),
    [
        (
            {"SYSTEM_ACCESSTOKEN": "pat-pipelines", "AZURE_DEVOPS_EXT_PAT": "pat-ext"},
            "pat-pipelines",
        ),
        ({"AZURE_DEVOPS_EXT_PAT": "pat-ext"}, "pat-ext"),
        ({"MY_PAT": "pat-named", "SYSTEM_ACCESSTOKEN": "pat-pipelines"}, "pat-named"),
    ],
)
def test_a_pat_wins_and_is_never_cached(
    variables: dict[str, str],
    winner: str,
    tmp_path: Path,
    bare_env: dict[str, str],
    fake_bin_dir: FakeBinDir,
) -> None:
    az = fake_bin_dir.az()
    project = Project.create(tmp_path, {**bare_env, **variables}, FEED_URL)
    if "MY_PAT" in variables:
        project.bind(**{"token-env": "MY_PAT"})

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential() == ("uvcreds", winner)
    assert az.calls() == []
    assert project.cached() == []
    assert winner not in "".join(p.read_text() for p in project.cache_dir.rglob("*.json"))


def test_a_named_pat_may_come_from_dotenv_but_the_default_variables_may_not(
    tmp_path: Path, bare_env: dict[str, str]
) -> None:
    project = Project.create(tmp_path, bare_env, FEED_URL)
    (project.directory / ".env").write_text("SYSTEM_ACCESSTOKEN=from-dotenv\nMY_PAT=named\n")
    pat = "set SYSTEM_ACCESSTOKEN or AZURE_DEVOPS_EXT_PAT to a PAT"
    assert_fails_with(project.export(), NO_WAY.format(pat=pat))
    project.bind(**{"token-env": "MY_PAT"})
    assert project.export().credential() == ("uvcreds", "named")


def test_the_default_pat_variables_go_only_to_azure_hosts(
    tmp_path: Path, bare_env: dict[str, str], index: FakeIndex
) -> None:
    project = Project.create(tmp_path, {**bare_env, "SYSTEM_ACCESSTOKEN": "pat"}, index.simple_url)
    project.bind(provider="azure")
    origin = f"{project.env['UVCREDS_CONFIG']} ([[credential]] {index.simple_url})"
    pat = f'name a PAT variable with token-env = "VARIABLE" in {origin}'
    assert_fails_with(project.export(), NO_WAY.format(pat=pat))


def test_an_entra_token_from_az(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    az = fake_bin_dir.az()
    az.logged_in("entra-token", expires_in=3000)
    project = Project.create(tmp_path, bare_env, FEED_URL, settings='username = "me"')

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential() == ("me", "entra-token")
    assert az.calls() == [AZ_ARGV]
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 3000, abs=5)
    assert project.export().credential() == ("me", "entra-token")
    assert az.call_count == 1


def test_az_without_expires_on_is_read_as_local_time(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    az = fake_bin_dir.az()
    local = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.localtime(time.time() + 2000))
    body = {"accessToken": "old-cli-token", "expiresOn": local, "tokenType": "Bearer"}
    az.set_responses([(AZ_ARGV, response(json.dumps(body)))], fallback=response(returncode=2))
    project = Project.create(tmp_path, bare_env, FEED_URL)

    assert project.export().credential() == ("uvcreds", "old-cli-token")
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 2000, abs=5)


def test_az_not_logged_in(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    fake_bin_dir.az().logged_out()
    ran = Project.create(tmp_path, bare_env, FEED_URL).export()
    assert_fails_with(ran, "index 'private': the Azure CLI is not logged in; run `az login`")


def test_the_credential_provider(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    provider = fake_bin_dir.credprovider()
    provider.set_endpoint(FEED_URL, "session-token")
    project = Project.create(tmp_path, bare_env, FEED_URL)

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential() == ("VssSessionToken", "session-token")
    assert provider.calls() == [["-U", FEED_URL, "-N", "true", "-F", "Json"]]
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 3600, abs=5)


def test_a_jwt_session_token_lasts_until_its_exp(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    expires = int(time.time()) + 4 * 3600
    payload = base64.urlsafe_b64encode(json.dumps({"exp": expires}).encode()).rstrip(b"=")
    fake_bin_dir.credprovider().set_endpoint(
        FEED_URL, f"eyJhbGciOiJub25lIn0.{payload.decode()}.sig"
    )
    project = Project.create(tmp_path, bare_env, FEED_URL)

    assert project.export().returncode == 0
    (entry,) = project.cached()
    assert entry["expires_at"] == expires


def test_the_credential_provider_after_az_fails(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    fake_bin_dir.az().logged_out()
    fake_bin_dir.credprovider().set_endpoint(FEED_URL, "session-token")
    ran = Project.create(tmp_path, bare_env, FEED_URL).export()
    assert ran.credential() == ("VssSessionToken", "session-token")


def test_the_credential_provider_without_credentials_for_the_url(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    fake_bin_dir.credprovider()
    ran = Project.create(tmp_path, bare_env, FEED_URL).export()
    assert_fails_with(
        ran,
        f"index 'private': the Azure Artifacts credential provider has no credentials for "
        f"{FEED_URL} (exit 2); run `az login`, or sign in once with "
        f"`CredentialProvider.Microsoft -U {FEED_URL}`",
    )


def test_the_credential_provider_from_artifacts_keyrings_variable(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    provider = fake_bin_dir.credprovider(name="elsewhere-provider")
    provider.set_endpoint(FEED_URL, "from-variable")
    env = {**bare_env, "ARTIFACTS_KEYRING_CREDENTIALPROVIDER_PATH": str(provider.path)}
    ran = Project.create(tmp_path, env, FEED_URL).export()
    assert ran.credential() == ("VssSessionToken", "from-variable")


@pytest.mark.parametrize("token_env", [None, "MY_PAT"])
def test_no_way_at_all(token_env: str | None, tmp_path: Path, bare_env: dict[str, str]) -> None:
    project = Project.create(tmp_path, bare_env, FEED_URL)
    pat = "set SYSTEM_ACCESSTOKEN or AZURE_DEVOPS_EXT_PAT to a PAT"
    if token_env:
        project.bind(**{"token-env": token_env})
        pat = f"set MY_PAT (named in {project.env['UVCREDS_CONFIG']} ([[credential]] {FEED_URL}))"
    assert_fails_with(project.export(), NO_WAY.format(pat=pat))


def test_real_uv_installs_with_the_entra_token(
    tmp_path: Path, bare_env: dict[str, str], fake_bin_dir: FakeBinDir, index: FakeIndex
) -> None:
    fake_bin_dir.az().logged_in("entra.e2e-token")
    index.creds = {"uvcreds": "entra.e2e-token"}
    env = {**bare_env, "PATH": f"{fake_bin_dir.path}:/usr/bin:/bin"}  # bash, but no real az
    project = Project.create(tmp_path, env, index.simple_url)
    project.bind(provider="azure")

    installed = project.install_with_uv(tmp_path / "target")

    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "target" / "tinypkg" / "__init__.py").is_file()
    assert {(r.username, r.status) for r in index.requests} >= {("uvcreds", 200)}


def test_real_uv_installs_with_a_named_pat(
    tmp_path: Path, bare_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": "pat-e2e"}
    env = {**bare_env, "PATH": "/usr/bin:/bin", "FEED_PAT": "pat-e2e"}
    project = Project.create(tmp_path, env, index.simple_url)
    project.bind(provider="azure", username="me", **{"token-env": "FEED_PAT"})

    installed = project.install_with_uv(tmp_path / "target")

    assert installed.returncode == 0, installed.stderr
    assert {(r.username, r.status) for r in index.requests} >= {("me", 200)}
