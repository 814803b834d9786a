"""AWS CodeArtifact: real boto3 in the real `uvcreds`, against the fake endpoint."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.testing.driver import Project, assert_fails_with
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import run
from uvcreds.providers import aws, detect
from uvcreds.urls import parse

CODEARTIFACT_URL = (
    "https://my-dom-123456789012.d.codeartifact.us-west-2.amazonaws.com/pypi/repo/simple/"
)
DOMAIN = "domain 'my-dom' (owner 123456789012)"
SSO_PROFILE = """
[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Dev
region = us-east-1
"""


@pytest.fixture
def aws_env(
    isolated_env: dict[str, str], codeartifact: CodeArtifactFake, tmp_path: Path
) -> dict[str, str]:
    return {**isolated_env, **codeartifact.aws_env(tmp_path, profiles={"ci": "AKIDCIPROFILE"})}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (CODEARTIFACT_URL, True),
        (
            "https://my-multi-part-domain-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/r/simple/",
            True,
        ),
        ("https://d-123456789012.d.codeartifact.cn-north-1.amazonaws.com.cn/pypi/r/simple/", False),
        ("https://dd-123456789012.d.codeartifact.cn-north-1.amazonaws.com.cn/pypi/r/simple/", True),
        ("https://x-123456789012.d.codeartifact.us-east-1.amazonaws.com.evil.com/pypi/r/", False),
        ("https://evil.com/x-123456789012.d.codeartifact.us-east-1.amazonaws.com/", False),
        ("https://my-dom-12345.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/", False),
        ("http://my-dom-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/r/", False),
        ("https://aws:tok@my-dom-123456789012.d.codeartifact.us-east-1.amazonaws.com/", True),
    ],
)
def test_only_anchored_codeartifact_hosts_match(url: str, expected: bool) -> None:
    parsed = parse(url)
    assert parsed is not None
    assert aws.matches(parsed) is expected
    assert (detect(parsed) == "aws") is expected


def test_a_codeartifact_url_gets_a_token_for_its_domain_owner_and_region(
    tmp_path: Path, aws_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    project = Project.create(tmp_path, aws_env, CODEARTIFACT_URL, settings="duration = 900")

    first = project.export()

    assert first.returncode == 0 and first.messages == [], first.stderr
    (request,) = codeartifact.token_requests()
    assert (request.domain, request.domain_owner, request.duration) == (
        "my-dom",
        "123456789012",
        900,
    )
    assert (request.region, request.service, request.access_key_id) == (
        "us-west-2",
        "codeartifact",
        "AKIDENVFAKE",
    )
    assert first.credential() == ("aws", codeartifact.issued[0])
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 900, abs=30)
    assert project.export().credential() == first.credential()
    assert codeartifact.request_count == 1


def test_a_cached_token_is_exported_without_importing_boto3(
    tmp_path: Path, aws_env: dict[str, str]
) -> None:
    project = Project.create(tmp_path, aws_env, CODEARTIFACT_URL)
    assert project.export().returncode == 0
    traced = run(
        [sys.executable, "-X", "importtime", "-m", "uvcreds", "export"],
        project.env,
        project.directory,
    )
    assert traced.returncode == 0 and "UV_INDEX_PRIVATE_PASSWORD=" in traced.stdout
    assert "uvcreds.routes.env.hook" in traced.stderr
    assert "boto" not in traced.stderr and "google" not in traced.stderr


@pytest.mark.parametrize("where", ["settings", "AWS_PROFILE"])
def test_the_profile_from_the_aws_config_signs_the_request(
    where: str, tmp_path: Path, isolated_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    profile = "ci" if where == "AWS_PROFILE" else None
    overlay = codeartifact.aws_env(
        tmp_path, profiles={"ci": "AKIDCIPROFILE"}, access_key_id=None, profile=profile
    )
    settings = 'profile = "ci"' if where == "settings" else ""
    project = Project.create(
        tmp_path, {**isolated_env, **overlay}, CODEARTIFACT_URL, settings=settings
    )

    ran = project.export()

    assert ran.returncode == 0, ran.stderr
    (request,) = codeartifact.token_requests()
    assert request.access_key_id == "AKIDCIPROFILE"
    assert request.duration is None  # the service's default: 12 hours
    (entry,) = project.cached()
    assert entry["expires_at"] == pytest.approx(time.time() + 43200, abs=30)


def test_real_uv_installs_with_the_minted_token_from_a_configured_domain(
    tmp_path: Path, aws_env: dict[str, str], codeartifact: CodeArtifactFake, index: FakeIndex
) -> None:
    codeartifact.token = "ca-e2e.tok/+=$(touch pwned)"
    index.creds = {"aws": codeartifact.token}
    project = Project.create(tmp_path, aws_env, index.simple_url)
    project.bind(
        provider="aws", domain="my-dom", region="eu-central-1", **{"domain-owner": "123456789012"}
    )

    installed = project.install_with_uv(tmp_path / "target")

    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / "target" / "tinypkg" / "__init__.py").is_file()
    (request,) = codeartifact.token_requests()
    assert (request.domain, request.domain_owner, request.region) == (
        "my-dom",
        "123456789012",
        "eu-central-1",
    )
    assert {(r.username, r.status) for r in index.requests} >= {("aws", 200)}
    assert not (project.directory / "pwned").exists()


@pytest.mark.parametrize(
    ("error_type", "status", "message"),
    [
        (
            "AccessDeniedException",
            403,
            f"AWS denied a CodeArtifact token for {DOMAIN} to the default AWS credentials; "
            "it needs codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken",
        ),
        (
            "ResourceNotFoundException",
            404,
            f"CodeArtifact has no {DOMAIN} in this region; check the index URL",
        ),
        (
            "ValidationException",
            400,
            f"CodeArtifact refused a token for {DOMAIN} (ValidationException)",
        ),
    ],
)
def test_service_errors_are_one_line_with_the_fix(
    error_type: str,
    status: int,
    message: str,
    tmp_path: Path,
    aws_env: dict[str, str],
    codeartifact: CodeArtifactFake,
) -> None:
    codeartifact.set_error(
        "User: arn:aws:iam::123456789012:user/x is not authorized",
        status=status,
        error_type=error_type,
    )
    project = Project.create(tmp_path, aws_env, CODEARTIFACT_URL)

    ran = project.export()

    assert_fails_with(ran, f"index 'private': {message}")
    assert "arn:aws" not in ran.stderr


def test_no_credentials(
    tmp_path: Path, isolated_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    env = {**isolated_env, **codeartifact.aws_env(tmp_path, access_key_id=None)}
    ran = Project.create(tmp_path, env, CODEARTIFACT_URL).export()
    assert_fails_with(
        ran, "index 'private': no AWS credentials; run `aws sso login` or `aws configure`"
    )
    assert codeartifact.request_count == 0


def test_an_sso_profile_without_a_session_says_to_log_in(
    tmp_path: Path, isolated_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    env = {**isolated_env, **codeartifact.aws_env(tmp_path, access_key_id=None, profile="sso")}
    Path(env["AWS_CONFIG_FILE"]).write_text(SSO_PROFILE)
    ran = Project.create(tmp_path, env, CODEARTIFACT_URL).export()
    assert_fails_with(
        ran,
        "index 'private': the AWS SSO session for profile sso has expired; "
        "run `aws sso login --profile sso`",
    )
    assert codeartifact.request_count == 0


def test_an_unknown_profile(tmp_path: Path, aws_env: dict[str, str]) -> None:
    ran = Project.create(tmp_path, aws_env, CODEARTIFACT_URL, settings='profile = "nope"').export()
    assert_fails_with(
        ran,
        "index 'private': AWS profile 'nope' is not in the AWS config; "
        "fix 'profile' or AWS_PROFILE",
    )


def test_an_unreachable_endpoint(tmp_path: Path, aws_env: dict[str, str]) -> None:
    env = {**aws_env, "AWS_ENDPOINT_URL_CODEARTIFACT": "http://127.0.0.1:1"}
    ran = Project.create(tmp_path, env, CODEARTIFACT_URL).export()
    assert_fails_with(
        ran,
        "index 'private': cannot reach http://127.0.0.1:1; check the network "
        "(or AWS_ENDPOINT_URL_CODEARTIFACT)",
    )


@pytest.mark.parametrize("duration", ["600", "43201", "-1", '"900"', "true", "1.5"])
def test_a_duration_out_of_range_is_refused_before_any_request(
    duration: str, tmp_path: Path, aws_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    project = Project.create(tmp_path, aws_env, CODEARTIFACT_URL, settings=f"duration = {duration}")
    ran = project.export()
    shown = {"true": "True", '"900"': "'900'"}.get(duration, duration)
    origin = f"{project.directory / 'pyproject.toml'} ([tool.uvcreds.index.private])"
    assert_fails_with(ran, f"{origin}: 'duration' must be 0 or 900..43200 seconds, not {shown}")
    assert codeartifact.request_count == 0


@pytest.mark.parametrize("duration", [0, 900, 43200])
def test_durations_the_service_accepts(
    duration: int, tmp_path: Path, aws_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    project = Project.create(tmp_path, aws_env, CODEARTIFACT_URL, settings=f"duration = {duration}")
    assert project.export().returncode == 0
    assert [r.duration for r in codeartifact.token_requests()] == [duration]


def test_a_url_that_is_no_codeartifact_needs_a_domain(
    tmp_path: Path, aws_env: dict[str, str], codeartifact: CodeArtifactFake
) -> None:
    url = "https://pypi.corp.example/simple/"
    project = Project.create(tmp_path, aws_env, url)
    project.bind(provider="aws", region="eu-west-1")
    ran = project.export()
    origin = f"{project.env['UVCREDS_CONFIG']} ([[credential]] {url})"
    assert_fails_with(
        ran,
        f"index 'private': {url} is no CodeArtifact URL; set domain (and domain-owner, region) "
        f"for it in {origin}",
    )
    assert codeartifact.request_count == 0
