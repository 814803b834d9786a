"""Google Artifact Registry: real google-auth in the real `uvcreds`, against the fake Google."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.testing.driver import Project, assert_fails_with
from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.google import CLOUD_PLATFORM, GoogleFake
from tests.testing.fakes.index import FakeIndex
from uvcreds.providers import detect, google
from uvcreds.urls import parse

GAR_URL = "https://europe-west1-python.pkg.dev/my-project/my-repo/simple/"
LOGIN = "run `gcloud auth application-default login`"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (GAR_URL, True),
        ("https://us-python.pkg.dev/p/r/simple/", True),
        ("https://us-python.pkg.dev.evil.com/p/r/simple/", False),
        ("https://evil-us-python.pkg.dev@evil.com/p/r/simple/", False),
        ("https://us-docker.pkg.dev/p/r/", False),
        ("http://us-python.pkg.dev/p/r/simple/", False),
        ("https://evil.com/us-python.pkg.dev/", False),
    ],
)
def test_only_anchored_artifact_registry_hosts_match(url: str, expected: bool) -> None:
    parsed = parse(url)
    assert parsed is not None
    assert google.matches(parsed) is expected
    assert (detect(parsed) == "google") is expected


@pytest.mark.parametrize(
    ("route", "kind"),
    [("service_account", "jwt-bearer"), ("metadata", "metadata"), ("external_account", "sts")],
)
def test_application_default_credentials(
    route: str,
    kind: str,
    tmp_path: Path,
    isolated_env: dict[str, str],
    google_fake: GoogleFake,
) -> None:
    overlay = google_fake.route_env(route, tmp_path)
    project = Project.create(tmp_path, {**isolated_env, **overlay}, GAR_URL)

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    (grant,) = [g for g in google_fake.grants if g.token is not None]
    assert grant.kind == kind
    if kind == "jwt-bearer":
        assert grant.claims["scope"] == CLOUD_PLATFORM
    elif kind == "metadata":
        assert CLOUD_PLATFORM in grant.query["scopes"]
    assert ran.credential() == ("oauth2accesstoken", grant.token)
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + google_fake.expires_in, abs=30)


def test_gcloud_when_google_auth_finds_nothing(
    tmp_path: Path, isolated_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    gcloud = fake_bin_dir.gcloud()
    gcloud.logged_in("ya29.from-gcloud", expires_in=1200)
    project = Project.create(tmp_path, fake_bin_dir.env(isolated_env), GAR_URL)

    ran = project.export()

    assert ran.returncode == 0 and ran.messages == [], ran.stderr
    assert ran.credential() == ("oauth2accesstoken", "ya29.from-gcloud")
    assert gcloud.calls() == [["config", "config-helper", "--format=json(credential)"]]
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 1200, abs=30)


def test_neither_google_auth_nor_gcloud(
    tmp_path: Path, isolated_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    env = {**isolated_env, "PATH": str(fake_bin_dir.path)}  # not even a real gcloud
    ran = Project.create(tmp_path, env, GAR_URL).export()
    assert_fails_with(ran, f"index 'private': no Google credentials; {LOGIN}")


def test_gcloud_not_logged_in(
    tmp_path: Path, isolated_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    fake_bin_dir.gcloud().logged_out()
    ran = Project.create(tmp_path, fake_bin_dir.env(isolated_env), GAR_URL).export()
    assert_fails_with(
        ran, f"index 'private': no Google credentials, and gcloud is not logged in; {LOGIN}"
    )


def test_a_refused_refresh(
    tmp_path: Path, isolated_env: dict[str, str], google_fake: GoogleFake
) -> None:
    google_fake.error = "Invalid JWT Signature."
    env = {**isolated_env, **google_fake.service_account_env(tmp_path)}
    ran = Project.create(tmp_path, env, GAR_URL).export()
    assert_fails_with(
        ran,
        "index 'private': Google refused to refresh the application default credentials "
        f"(invalid_grant: Invalid JWT Signature.); {LOGIN}",
    )


def test_a_missing_key_file_is_named(
    tmp_path: Path, isolated_env: dict[str, str], fake_bin_dir: FakeBinDir
) -> None:
    gcloud = fake_bin_dir.gcloud()
    missing = tmp_path / "nowhere.json"
    env = {**fake_bin_dir.env(isolated_env), "GOOGLE_APPLICATION_CREDENTIALS": str(missing)}
    ran = Project.create(tmp_path, env, GAR_URL).export()
    assert_fails_with(
        ran, f"index 'private': GOOGLE_APPLICATION_CREDENTIALS: File {missing} was not found."
    )
    assert gcloud.calls() == []


def test_real_uv_installs_with_the_service_accounts_token(
    tmp_path: Path, isolated_env: dict[str, str], google_fake: GoogleFake, index: FakeIndex
) -> None:
    google_fake.token = "ya29.e2e-token"
    index.creds = {"oauth2accesstoken": google_fake.token}
    env = {**isolated_env, **google_fake.service_account_env(tmp_path)}
    project = Project.create(tmp_path, env, index.simple_url)
    project.bind(provider="google")

    installed = project.install_with_uv(tmp_path / "target")

    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "target" / "tinypkg" / "__init__.py").is_file()
    assert google_fake.token_count == 1
    assert {(r.username, r.status) for r in index.requests} >= {("oauth2accesstoken", 200)}
