"""`uvcreds doctor`: the real command against loopback indexes and vendor fakes.

Each test asserts the exact diagnosis line and the exit status, and that the secret is in
no output and reached no server except in requests for the index URL itself.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from tests.providers.test_aws import SSO_PROFILE
from tests.testing.driver import Project
from tests.testing.fakes._server import Closing, LoopbackServer, Reply, Request
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import credential, run, uvcreds_cmd, write_project, write_user_config
from uvcreds.commands.doctor.explain import UV_404, explain
from uvcreds.commands.doctor.probe import Answer
from uvcreds.model import Credential, Index
from uvcreds.pipeline import decide
from uvcreds.pipeline.settings import Resolved
from uvcreds.providers.base import HeldIn, Settings
from uvcreds.urls import parse

SECRET = "s3cret-7f3a.value"
SIMPLE = "/pypi/repo/simple/"


class ScriptedIndex(Closing):
    """A loopback index whose every answer the test writes; it logs each request."""

    def __init__(self, answer: Callable[[Request], Optional[Reply]]) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        self._server = LoopbackServer(self._respond)

    @property
    def url(self) -> str:
        return self._server.url

    def close(self) -> None:
        self._server.close()

    def _respond(self, request: Request) -> Reply | None:
        self.requests.append(request)
        return self.answer(request)


def basic_auth(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(value).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


def request_text(request: Request) -> str:
    """Everything a request carried, Basic auth decoded."""
    auth = basic_auth(request)
    parts = [request.path, json.dumps(request.query), json.dumps(request.headers)]
    parts += [request.body.decode("utf-8", "replace"), ":".join(auth) if auth else ""]
    return "\n".join(parts)


@pytest.fixture
def servers() -> Iterator[list[ScriptedIndex]]:
    made: list[ScriptedIndex] = []
    yield made
    for server in made:
        server.close()


@pytest.fixture
def scripted(servers: list[ScriptedIndex]) -> Callable[..., ScriptedIndex]:
    def make(answer: Callable[[Request], Optional[Reply]]) -> ScriptedIndex:
        server = ScriptedIndex(answer)
        servers.append(server)
        return server

    return make


def uvcreds_doctor(
    env: dict[str, str], cwd: Path, *args: str, timeout: float = 60
) -> tuple[int, str, str]:
    done = run([*uvcreds_cmd(), "doctor", *args], env, cwd=cwd, timeout=timeout)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def diagnosis(out: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in out.splitlines() if "diagnosis:" in line]


def notes(out: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in out.splitlines() if "  note:" in line]


def one_row(env: dict[str, str], cwd: Path) -> dict[str, Any]:
    _, out, _ = uvcreds_doctor(env, cwd, "--json")
    (row,) = json.loads(out)
    assert isinstance(row, dict)
    return row


def assert_secret_only_to_index(
    secret: str,
    outputs: Sequence[str],
    index: ScriptedIndex | FakeIndex,
    path: str,
    others: Sequence[ScriptedIndex] = (),
) -> None:
    """The secret is in no output; a request carries it only to the index URL itself."""
    for text in outputs:
        assert secret not in text
    if isinstance(index, FakeIndex):
        carried = [r.path for r in index.requests if secret in f"{r.password}{r.path}{r.query}"]
    else:
        carried = [r.path for r in index.requests if secret in request_text(r)]
    assert carried and set(carried) == {path}
    for server in others:
        assert all(secret not in request_text(r) for r in server.requests)


def env_project(
    tmp_path: Path, env: dict[str, str], url: str, *, username: str = "me"
) -> tuple[Path, Path]:
    """Project `corp` at `url`, its secret in CORP_PW bound by the user's config."""
    project = tmp_path / "project"
    write_project(project, [("corp", url)])
    config = write_user_config(env, credential(url, "CORP_PW", username=username))
    return project, config


# --- the answers -----------------------------------------------------------------------


def test_a_good_credential_answers_200_and_exits_0(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": SECRET}
    project, config = env_project(tmp_path, isolated_env, index.simple_url)
    env = {**isolated_env, "CORP_PW": SECRET}

    code, out, err = uvcreds_doctor(env, project)

    assert (code, err) == (0, "")
    assert diagnosis(out) == ["good: it answered 200 with the credential"]
    assert "  probe:       without the credential: 401; with it: 200\n" in out
    assert f"  defined in:  {project / 'pyproject.toml'} (settings)\n" in out
    binding = f"{config} ([[credential]] {index.simple_url})"
    assert f"  provider:    env (settings: {binding})\n" in out
    assert (
        "  credential:  secret from CORP_PW, read from the environment; through your binding; "
        "read afresh each time\n"
    ) in out
    assert notes(out) == [
        "UV_INDEX_CORP_USERNAME and UV_INDEX_CORP_PASSWORD are not set in this shell: install "
        'the hook (`uvcreds init SHELL`), or run `eval "$(uvcreds export)"` or '
        "`uvcreds exec -- uv …`"
    ]
    row = one_row(env, project)
    assert row["ok"] is True and row["shell"] == {
        "UV_INDEX_CORP_USERNAME": "missing",
        "UV_INDEX_CORP_PASSWORD": "missing",
    }
    assert row["with_credential"] == {"status": 200, "location": None, "error": None}
    assert row["without_credential"]["status"] == 401
    assert_secret_only_to_index(SECRET, [out, err, json.dumps(row)], index, "/simple/")


def test_a_wrong_secret_answered_403(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": "the-right-one"}
    project, _ = env_project(tmp_path, isolated_env, index.simple_url)

    code, out, err = uvcreds_doctor({**isolated_env, "CORP_PW": SECRET}, project)

    assert (code, err) == (1, "")
    assert diagnosis(out) == [
        "wrong credential (403 with it): the index refused the secret in CORP_PW; check its "
        "value, and that it may read this index"
    ]
    assert_secret_only_to_index(SECRET, [out, err], index, "/simple/")


@pytest.mark.parametrize(
    ("password", "cause"),
    [
        (
            '{"authorizationToken": "' + SECRET + '", "expiration": "2030-01-01T00:00:00Z"}',
            "the password looks like pasted JSON (it starts with '{'), not a token; put only "
            "the token in CORP_PW",
        ),
        (
            f"  {SECRET}\t",
            "the password has leading or trailing whitespace, which uv sends as part of it; "
            "remove it from CORP_PW",
        ),
    ],
    ids=["json", "whitespace"],
)
def test_a_pasted_password_is_named_for_what_is_wrong_with_it(
    password: str, cause: str, tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": SECRET}
    project, _ = env_project(tmp_path, isolated_env, index.simple_url)

    code, out, err = uvcreds_doctor({**isolated_env, "CORP_PW": password}, project)

    assert (code, err) == (1, "")
    assert diagnosis(out) == [f"wrong credential (403 with it): {cause}"]
    assert "  probe:       without the credential: 401; with it: 403\n" in out
    assert_secret_only_to_index(SECRET, [out, err], index, "/simple/")


def test_jfrog_401_to_the_token_username(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    server = scripted(lambda request: Reply.text("no", 401))
    path = "/artifactory/api/pypi/pypi-local/simple/"
    url = server.url + path
    project = tmp_path / "project"
    write_project(project, [("acme", url)])
    config = write_user_config(
        isolated_env, credential(url, "JFROG_TOKEN", provider="jfrog", username="__token__")
    )

    code, out, err = uvcreds_doctor({**isolated_env, "JFROG_TOKEN": SECRET}, project)

    # Said from the settings alone, as export and status say it; then the probe's diagnosis.
    assert (code, err) == (
        1,
        f"uvcreds: {config} ([[credential]] {url}): JFrog answers the username '__token__' "
        "with 401: an access token goes with an empty one\n",
    )
    assert diagnosis(out) == [
        "wrong credential (401 with it): JFrog answers the username '__token__' with 401: an "
        f"access token goes with an empty one; fix username in {config} ([[credential]] {url})"
    ]
    assert "  probe:       without the credential: 401; with it: 401\n" in out
    assert_secret_only_to_index(SECRET, [out, err], server, path)


def test_no_credentials_configured_for_an_index_that_answers_401(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", index.simple_url)])

    code, out, err = uvcreds_doctor(isolated_env, project)

    assert (code, err) == (1, "")
    assert diagnosis(out) == ["no credentials configured (it answered 401; see `uvcreds doctor`)"]
    assert "  provider:    none (settings: defaults)\n" in out
    assert "  credential:  none needed (no provider)\n" in out
    assert "  this shell:  nothing to export, nothing set\n" in out
    assert all(r.password is None for r in index.requests)


def test_a_public_index_needs_nothing(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    server = scripted(lambda request: Reply.text("<html></html>"))
    project = tmp_path / "project"
    write_project(project, [("pub", server.url + "/simple/")])

    code, out, _ = uvcreds_doctor(isolated_env, project)

    assert code == 0
    assert diagnosis(out) == ["good: it answered 200 without credentials; none are needed"]
    assert all("authorization" not in r.headers for r in server.requests)


# --- CodeArtifact ------------------------------------------------------------------------


def codeartifact_index(fresh: str) -> Callable[[Request], Reply]:
    """CodeArtifact's answers: 401 without a token, 404 for a bad or expired one."""

    def answer(request: Request) -> Reply:
        auth = basic_auth(request)
        if auth is None:
            return Reply.text("Unauthorized", 401)
        if auth == ("aws", fresh):
            return Reply.text("<html></html>")
        return Reply.json({"error": "NotFound"}, 404)

    return answer


def test_codeartifact_404_for_an_expired_token_then_good_after_refresh(
    tmp_path: Path,
    isolated_env: dict[str, str],
    codeartifact: CodeArtifactFake,
    scripted: Callable[..., ScriptedIndex],
) -> None:
    expired = "ca-expired-" + SECRET
    fresh = "ca-fresh-" + SECRET
    codeartifact.token = expired
    server = scripted(codeartifact_index(fresh))
    env = {**isolated_env, **codeartifact.aws_env(tmp_path)}
    project = Project.create(tmp_path, env, server.url + SIMPLE)
    project.bind(
        provider="aws", domain="my-dom", region="eu-west-1", **{"domain-owner": "123456789012"}
    )

    code, out, err = uvcreds_doctor(env, project.directory)

    assert code == 1, err
    assert diagnosis(out) == [
        "404 with the credential: a bad or expired token, which uv reports as 'package not "
        "found' (uv #11899); get a new one with `uvcreds refresh private`"
    ]
    assert "  probe:       without the credential: 401; with it: 404\n" in out
    assert "  credential:  token minted by aws with your AWS login; through your binding; " in out
    assert "; expires " in out and " UTC (in 11h 59m)\n" in out
    assert_secret_only_to_index(SECRET, [out, err], server, SIMPLE)

    codeartifact.token = fresh
    assert project.uvcreds("refresh").returncode == 0
    code, out, err = uvcreds_doctor(env, project.directory)
    assert code == 0, out + err
    assert diagnosis(out) == ["good: it answered 200 with the credential"]
    assert_secret_only_to_index(SECRET, [out, err], server, SIMPLE)
    for request in codeartifact.requests:
        assert SECRET not in json.dumps(request.headers)


def test_an_expired_sso_login_is_the_providers_own_line(
    tmp_path: Path,
    isolated_env: dict[str, str],
    codeartifact: CodeArtifactFake,
    scripted: Callable[..., ScriptedIndex],
) -> None:
    server = scripted(codeartifact_index("never"))
    env = {**isolated_env, **codeartifact.aws_env(tmp_path, access_key_id=None, profile="sso")}
    Path(env["AWS_CONFIG_FILE"]).write_text(SSO_PROFILE)
    project = Project.create(tmp_path, env, server.url + SIMPLE)
    project.bind(
        provider="aws", domain="my-dom", region="eu-west-1", **{"domain-owner": "123456789012"}
    )

    code, out, err = uvcreds_doctor(env, project.directory)

    line = (
        "index 'private': the AWS SSO session for profile sso has expired; "
        "run `aws sso login --profile sso`"
    )
    assert code == 1
    # boto3 may take over a second on a busy machine: then the wait is said, and only that.
    assert all(said.startswith("uvcreds: waiting for aws ") for said in err.splitlines()), err
    assert diagnosis(out) == [line]
    assert f"  credential:  none: {line}\n" in out
    assert (
        "  probe:       without the credential: 401; with it: not sent "
        "(uvcreds has none for this index)\n"
    ) in out
    assert codeartifact.request_count == 0
    assert all("authorization" not in r.headers for r in server.requests)


def test_no_application_default_credentials_is_the_providers_own_line(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    server = scripted(lambda request: Reply.text("Unauthorized", 401))
    env = {**isolated_env, "PATH": str(Path(sys.executable).parent)}  # no gcloud either
    project = Project.create(tmp_path, env, server.url + "/simple/")
    project.bind(provider="google")

    code, out, err = uvcreds_doctor(env, project.directory)

    assert (code, err) == (1, "")
    assert diagnosis(out) == [
        "index 'private': no Google credentials; run `gcloud auth application-default login`"
    ]
    assert all("authorization" not in r.headers for r in server.requests)


# --- this shell ------------------------------------------------------------------------


def test_a_value_the_user_set_shadows_uvcreds(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": SECRET}
    project, _ = env_project(tmp_path, isolated_env, index.simple_url)
    mine = "my-own-" + SECRET[::-1]
    env = {
        **isolated_env,
        "CORP_PW": SECRET,
        "UV_INDEX_CORP_USERNAME": "me",
        "UV_INDEX_CORP_PASSWORD": mine,
    }

    code, out, err = uvcreds_doctor(env, project)

    assert (code, err) == (1, "")
    assert diagnosis(out) == ["good: it answered 200 with the credential"]
    assert notes(out) == [
        "UV_INDEX_CORP_PASSWORD is set in this shell, not by uvcreds, and uv sends that instead "
        "of what uvcreds would export; `unset UV_INDEX_CORP_PASSWORD`"
    ]
    assert "  this shell:  UV_INDEX_CORP_USERNAME current, UV_INDEX_CORP_PASSWORD shadowed\n" in out
    assert mine not in out + err
    assert all(r.password != mine for r in index.requests)
    assert_secret_only_to_index(SECRET, [out, err], index, "/simple/")


def test_a_variable_uvcreds_set_before_is_stale(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    index.creds = {"me": SECRET}
    project, _ = env_project(tmp_path, isolated_env, index.simple_url)
    old = "old-token-" + SECRET[::-1]
    state = {"prev": {"UV_INDEX_CORP_USERNAME": None, "UV_INDEX_CORP_PASSWORD": None}}
    env = {
        **isolated_env,
        "CORP_PW": SECRET,
        "UV_INDEX_CORP_USERNAME": "me",
        "UV_INDEX_CORP_PASSWORD": old,
        "UVCREDS_STATE": json.dumps(state),
    }

    code, out, err = uvcreds_doctor(env, project)

    assert (code, err) == (0, "")
    assert notes(out) == [
        "UV_INDEX_CORP_PASSWORD is stale: uvcreds set it earlier and would export another "
        'value now; the next prompt updates it (or run `eval "$(uvcreds export)"`)'
    ]
    assert "  this shell:  UV_INDEX_CORP_USERNAME current, UV_INDEX_CORP_PASSWORD stale\n" in out
    assert old not in out + err
    row = one_row(env, project)
    assert row["shell"]["UV_INDEX_CORP_PASSWORD"] == "stale"
    assert old not in json.dumps(row) and SECRET not in json.dumps(row)


def test_a_state_naming_other_variables_is_not_believed(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    """UVCREDS_STATE is anyone's to set: one naming a variable uvcreds never forms is dropped
    whole, so the user's own value is still called shadowed, not stale."""
    index.creds = {"me": SECRET}
    project, _ = env_project(tmp_path, isolated_env, index.simple_url)
    state = {"prev": {"UV_INDEX_CORP_PASSWORD": None, "X;touch pwned;#": None}}
    env = {
        **isolated_env,
        "CORP_PW": SECRET,
        "UV_INDEX_CORP_PASSWORD": "mine",
        "UVCREDS_STATE": json.dumps(state),
    }
    row = one_row(env, project)
    assert row["shell"]["UV_INDEX_CORP_PASSWORD"] == "shadowed" and row["ok"] is False


# --- where the credential may go -------------------------------------------------------


def test_a_redirect_to_another_origin_gets_no_credential(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    elsewhere = scripted(lambda request: Reply.text("<html></html>"))
    target = elsewhere.url + "/simple/"
    index = scripted(lambda request: Reply(302, b"", {"Location": target + "?sig=abc"}))
    project, _ = env_project(tmp_path, isolated_env, index.url + "/simple/")

    code, out, err = uvcreds_doctor({**isolated_env, "CORP_PW": SECRET}, project)

    assert (code, err) == (1, "")
    assert diagnosis(out) == [
        f"302 with the credential: it redirects to another host ({target}), which the probe "
        "sends no credential to and does not follow; make the index URL the one it redirects to"
    ]
    assert elsewhere.requests == []
    assert len(index.requests) == 2
    assert "sig=abc" not in out
    assert_secret_only_to_index(SECRET, [out, err], index, "/simple/", [elsewhere])


def test_a_redirect_within_the_index_url_is_followed(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    def answer(request: Request) -> Reply:
        if request.path == "/simple":
            return Reply(301, b"", {"Location": "/simple/"})
        return Reply.text("ok") if basic_auth(request) == ("me", SECRET) else Reply(401)

    server = scripted(answer)
    project, _ = env_project(tmp_path, isolated_env, server.url + "/simple")

    code, out, _ = uvcreds_doctor({**isolated_env, "CORP_PW": SECRET}, project)

    assert code == 0
    assert diagnosis(out) == ["good: it answered 200 with the credential"]
    assert [r.path for r in server.requests if basic_auth(r)] == ["/simple", "/simple/"]


def test_an_index_that_never_answers_is_bounded_by_uvcreds_timeout(
    tmp_path: Path, isolated_env: dict[str, str], scripted: Callable[..., ScriptedIndex]
) -> None:
    server = scripted(lambda request: None)
    project, _ = env_project(tmp_path, isolated_env, server.url + "/simple/")
    env = {**isolated_env, "CORP_PW": SECRET, "UVCREDS_TIMEOUT": "1"}

    started = time.monotonic()
    code, out, _ = uvcreds_doctor(env, project)

    assert time.monotonic() - started < 10
    assert code == 1
    assert diagnosis(out) == ["no answer with the credential: timed out after 1s (UVCREDS_TIMEOUT)"]


def test_names_pick_indexes_and_an_unknown_one_is_refused(
    tmp_path: Path, isolated_env: dict[str, str], index: FakeIndex
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", index.simple_url), ("other", index.url + "other/")])
    code, out, err = uvcreds_doctor(isolated_env, project, "nosuch")
    assert (code, out) == (1, "")
    assert err == "uvcreds: no index named 'nosuch' here (found: corp, other)\n"
    code, out, _ = uvcreds_doctor(isolated_env, project, "corp", "--json")
    assert [row["name"] for row in json.loads(out)] == ["corp"]


# --- the username conventions, one line each ------------------------------------------

CODEARTIFACT = "https://my-dom-123456789012.d.codeartifact.us-west-2.amazonaws.com/pypi/r/simple/"
GOOGLE = "https://europe-west1-python.pkg.dev/proj/repo/simple/"
AZURE = "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/"
JFROG = "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple/"


def decision_for(
    provider: str, url: str, username: str, *, held: bool = True
) -> tuple[decide.Decision, Resolved]:
    target = parse(url)
    index = Index("corp", url, "pyproject.toml", target=target)
    settings = Settings({}, {}, origin="CONFIG")
    item = Resolved(index, provider, settings, binding=target)
    decision = decide.Decision("CORP", [item], item)
    decision.credential = Credential(username, "tok", None if held else time.time() + 3600)
    decision.held_in = HeldIn("PW", None, username) if held else None
    return decision, item


@pytest.mark.parametrize(
    ("provider", "url", "username", "held", "cause"),
    [
        ("env", CODEARTIFACT, "me", True, "CodeArtifact takes only the username 'aws'; fix "
         "username in CONFIG"),
        ("env", GOOGLE, "", True, "Artifact Registry takes the username 'oauth2accesstoken' (or "
         "'_json_key' with a key); fix username in CONFIG"),
        ("env", AZURE, "", True, "Azure Artifacts needs a username (any with a PAT, "
         "'VssSessionToken' with the credential provider's token), not an empty one"),
        ("jfrog", JFROG, "__token__", True, "JFrog answers the username '__token__' with 401: an "
         "access token goes with an empty one; fix username in CONFIG"),
        ("aws", CODEARTIFACT, "aws", False, "the index refused the token (the username follows "
         "CodeArtifact's convention); get a new one with `uvcreds refresh corp`"),
        ("google", GOOGLE, "oauth2accesstoken", False, "the index refused the token (the "
         "username follows Artifact Registry's convention)"),
        ("env", GOOGLE, "_json_key_base64", True, "the index refused the secret in PW (the "
         "username follows Artifact Registry's convention)"),
        ("azure", AZURE, "VssSessionToken", False, "the index refused the token (the username "
         "follows Azure Artifacts's convention)"),
        ("azure", AZURE, "anything", True, "the index refused the secret in PW (the username "
         "follows Azure Artifacts's convention)"),
        ("jfrog", JFROG, "", True, "the index refused the secret in PW (the username follows "
         "JFrog's convention)"),
    ],
)  # fmt: skip
def test_the_vendors_username_convention_is_checked_on_401(
    provider: str, url: str, username: str, held: bool, cause: str
) -> None:
    decision, item = decision_for(provider, url, username, held=held)
    line, ok, _ = explain(decision, item, Answer(401), Answer(401 if provider != "azure" else 403))
    assert not ok
    assert line.startswith("wrong credential (40")
    assert line.split(": ", 1)[1].startswith(cause), line


@pytest.mark.parametrize("url", [AZURE, CODEARTIFACT])
def test_a_404_on_vendor_hosts_is_a_bad_token_even_without_a_401(url: str) -> None:
    decision, item = decision_for("aws" if "codeartifact" in url else "azure", url, "x")
    line, ok, _ = explain(decision, item, Answer(404), Answer(404))
    assert not ok
    assert line == (
        "404 with the credential: a bad or expired token, which uv reports as 'package not "
        "found' (uv #11899); check the secret in PW"
    )


def test_a_404_where_it_answered_401_without_is_a_bad_token() -> None:
    decision, item = decision_for("env", "https://corp.example/simple/", "me")
    line, _, _ = explain(decision, item, Answer(401), Answer(404))
    assert line == f"404 with the credential: {UV_404}; check the secret in PW"


def test_a_404_elsewhere_is_a_wrong_url() -> None:
    decision, item = decision_for("env", "https://corp.example/simple/", "me")
    line, _, _ = explain(decision, item, Answer(404), Answer(404))
    assert line == (
        "404 with the credential: the index URL does not exist; check the url in pyproject.toml"
    )
