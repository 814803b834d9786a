"""The fakes are faithful: real boto3, google-auth and uv, in child processes, accept them."""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.testing.fakes.bin import AZ_NOT_LOGGED_IN, AZURE_DEVOPS_RESOURCE, FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.google import CLOUD_PLATFORM, GoogleFake
from tests.testing.fakes.index import DEFAULT_PASSWORD, DEFAULT_USERNAME, FakeIndex
from tests.testing.helpers import run, uv_lock, uv_pip_install, write_project

BOTO3_TOKENS = """
import json, boto3
def get(session):
    client = session.client("codeartifact")
    reply = client.get_authorization_token(
        domain="my-dom", domainOwner="123456789012", durationSeconds=900)
    return [reply["authorizationToken"], reply["expiration"].timestamp()]
print(json.dumps([get(boto3.session.Session(profile_name="ci", region_name="us-west-2")),
                  get(boto3.session.Session(region_name="eu-central-1"))]))
"""

BOTO3_ERROR = """
import boto3, botocore.exceptions
client = boto3.session.Session(region_name="us-east-1").client("codeartifact")
try:
    client.get_authorization_token(domain="my-dom", domainOwner="123456789012")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], "|", e.response["Error"]["Message"])
"""

GOOGLE_ADC = """
import json, google.auth, google.auth.transport.requests
creds, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
try:
    creds.refresh(google.auth.transport.requests.Request())
except google.auth.exceptions.RefreshError as e:
    print(json.dumps({"error": type(e).__name__}))
else:
    print(json.dumps({"token": creds.token, "expiry": creds.expiry.isoformat(),
                      "project": project, "type": type(creds).__module__}))
"""


def python(code: str, env: dict[str, str]) -> Any:
    result = run([sys.executable, "-c", code], env, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.startswith(("{", "[")) else result.stdout


def test_boto3_profile_and_env_keys_reach_codeartifact(
    codeartifact: CodeArtifactFake, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**isolated_env, **codeartifact.aws_env(tmp_path, profiles={"ci": "AKIDCIPROFILE"})}
    (profile_token, profile_exp), (env_token, _) = python(BOTO3_TOKENS, env)

    assert [profile_token, env_token] == codeartifact.issued
    assert profile_exp == pytest.approx(time.time() + 900, abs=30)
    first, second = codeartifact.token_requests()
    assert (first.domain, first.domain_owner, first.duration) == ("my-dom", "123456789012", 900)
    assert (first.access_key_id, first.region, first.service) == (
        "AKIDCIPROFILE",
        "us-west-2",
        "codeartifact",
    )
    assert (second.access_key_id, second.region) == ("AKIDENVFAKE", "eu-central-1")
    assert codeartifact.request_count == 2


def test_boto3_sees_access_denied(
    codeartifact: CodeArtifactFake, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    codeartifact.set_error("not allowed here")
    out = python(BOTO3_ERROR, {**isolated_env, **codeartifact.aws_env(tmp_path)})
    assert out.strip() == "AccessDeniedException | not allowed here"
    assert codeartifact.token_requests()[0].duration is None
    assert codeartifact.issued == []


def test_codeartifact_delay_counts_concurrency_and_hang_still_closes() -> None:
    fake = CodeArtifactFake(lifetime=60)
    fake.delay = 0.3
    url = f"{fake.endpoint_url}/v1/authorization-token?domain=d&domain-owner=123456789012"
    replies: list[dict[str, Any]] = []

    def fetch() -> None:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST")) as response:
            replies.append(json.load(response))

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.request_count == 3 and fake.max_in_flight == 3
    assert len({r["authorizationToken"] for r in replies}) == 3
    assert replies[0]["expiration"] == pytest.approx(time.time() + 60, abs=5)

    fake.hang = True
    with pytest.raises(OSError):
        urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=0.3)
    started = time.monotonic()
    fake.close()
    assert time.monotonic() - started < 2
    assert fake.request_count == 4


@pytest.mark.parametrize("route", ["service_account", "metadata", "external_account"])
def test_google_auth_gets_the_fake_token(
    route: str, google_fake: GoogleFake, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    overlay = google_fake.route_env(route, tmp_path)
    out = python(GOOGLE_ADC, {**isolated_env, **overlay})

    (grant,) = google_fake.grants
    assert out["token"] == grant.token and google_fake.token_count == 1
    expiry = datetime.fromisoformat(out["expiry"]).replace(tzinfo=timezone.utc)
    assert expiry.timestamp() == pytest.approx(time.time() + 3599, abs=30)
    assert out["project"] == "fake-proj"
    if route == "service_account":
        assert grant.kind == "jwt-bearer"
        assert grant.claims["scope"] == CLOUD_PLATFORM
        assert grant.claims["iss"] == google_fake.email
    elif route == "metadata":
        assert grant.kind == "metadata" and CLOUD_PLATFORM in grant.query["scopes"]
    else:
        assert grant.kind == "sts" and grant.form["scope"] == CLOUD_PLATFORM


def test_google_auth_refresh_error(
    google_fake: GoogleFake, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    google_fake.error = "account disabled"
    out = python(GOOGLE_ADC, {**isolated_env, **google_fake.service_account_env(tmp_path)})
    assert out == {"error": "RefreshError"}
    assert google_fake.token_count == 0 and len(google_fake.grants) == 1


def test_uv_needs_the_index_credentials(
    index: FakeIndex, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    write_project(project, [("private", index.simple_url)])

    denied = uv_lock(project, isolated_env)
    assert denied.returncode == 1 and "401 Unauthorized" in denied.stderr

    creds = {"UV_INDEX_PRIVATE_USERNAME": DEFAULT_USERNAME}
    wrong = uv_lock(project, {**isolated_env, **creds, "UV_INDEX_PRIVATE_PASSWORD": "nope"})
    assert wrong.returncode == 1 and "403 Forbidden" in wrong.stderr

    env = {**isolated_env, **creds, "UV_INDEX_PRIVATE_PASSWORD": DEFAULT_PASSWORD}
    assert uv_lock(project, env).returncode == 0
    installed = uv_pip_install(tmp_path / "target", env, cwd=project)
    assert installed.returncode == 0, installed.stderr
    assert (
        tmp_path / "target" / "tinypkg" / "__init__.py"
    ).read_text() == '__version__ = "0.1.0"\n'
    assert index.statuses()[:2] == [401, 403]
    good = [r for r in index.requests if r.status in (200, 206)]
    assert good and {(r.username, r.password) for r in good} == {
        (DEFAULT_USERNAME, DEFAULT_PASSWORD)
    }

    index.creds = {DEFAULT_USERNAME: "rotated"}
    assert uv_lock(project, env).returncode == 1


def test_fake_programs(fake_bin_dir: FakeBinDir, isolated_env: dict[str, str]) -> None:
    env = fake_bin_dir.env(isolated_env)
    az, gcloud, credprovider = fake_bin_dir.az(), fake_bin_dir.gcloud(), fake_bin_dir.credprovider()
    az.logged_in("entra-1", expires_in=600)
    az_argv = [
        "account",
        "get-access-token",
        "--output",
        "json",
        "--resource",
        AZURE_DEVOPS_RESOURCE,
    ]
    token = json.loads(run(["az", *az_argv], env).stdout)
    assert token["accessToken"] == "entra-1" and token["tokenType"] == "Bearer"
    assert token["expires_on"] == pytest.approx(time.time() + 600, abs=30)
    local = datetime.strptime(token["expiresOn"], "%Y-%m-%d %H:%M:%S.%f")
    assert local.timestamp() == token["expires_on"]
    az.logged_out()
    refused = run(["az", *az_argv], env)
    assert (refused.returncode, refused.stdout, refused.stderr) == (1, "", AZ_NOT_LOGGED_IN)
    assert az.calls() == [az_argv, az_argv]

    gcloud_argv = ["config", "config-helper", "--format=json(credential)"]
    helper = run(["gcloud", *gcloud_argv], env)
    credential = json.loads(helper.stdout)["credential"]
    assert credential["access_token"] == "ya29.gcloud-token-1"
    assert credential["token_expiry"].endswith("Z") and gcloud.calls() == [gcloud_argv]

    feed = "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/"
    credprovider.set_endpoint(feed, "session-jwt")
    answer = run(["CredentialProvider.Microsoft", "-U", feed, "-N", "true", "-F", "Json"], env)
    assert json.loads(answer.stdout) == {"Username": "VssSessionToken", "Password": "session-jwt"}
    upload = run(["CredentialProvider.Microsoft", "-U", feed[:-7] + "upload/", "-F", "Json"], env)
    assert upload.returncode == 2 and upload.stdout == ""
    assert upload.stderr.startswith("[Error] ")

    echo = fake_bin_dir.counting_wrapper("/bin/echo")
    assert run(["echo", "a b", "c"], env).stdout == "a b c\n"
    run(["echo"], env)
    assert echo.calls() == [["a b", "c"], []]
