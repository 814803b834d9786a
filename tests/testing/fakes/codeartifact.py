"""A fake AWS CodeArtifact endpoint: `POST /v1/authorization-token` (rest-json, SigV4).

Real boto3 reaches it through `AWS_ENDPOINT_URL_CODEARTIFACT` (see `aws_env`), in this
process or in a child. Every request is recorded as a `TokenRequest`.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

from tests.testing.fakes._server import Closing, LoopbackServer, Reply, Request

DEFAULT_DURATION = 43200  # the service's default when `duration` is absent (12 h)
ROLE_SESSION_LIFETIME = 3600  # what the fake uses for `duration=0` (role session expiry)
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")


@dataclass(frozen=True)
class TokenRequest:
    """One request the fake received (any path)."""

    method: str
    path: str
    domain: str | None  # ?domain=
    domain_owner: str | None  # ?domain-owner=
    duration: int | None  # ?duration= (None when absent)
    access_key_id: str | None  # from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/...`
    region: str | None  # the SigV4 credential scope's region
    service: str | None  # the SigV4 credential scope's service (`codeartifact`)
    headers: dict[str, str]


TokenSource = Union[str, Callable[[TokenRequest], str], None]


class CodeArtifactFake(Closing):
    """The endpoint, serving from construction until `close()` (also a context manager).

    Settable at any time:
      token     str, or callable(TokenRequest) -> str, or None for a unique token per request
      lifetime  seconds until `expiration`; None follows `duration` (absent -> 43200, 0 -> 3600)
      delay     seconds to wait before answering (interrupted by close())
      hang      never answer (the handler is released by close())
      error     None, or a message: reply `error_status` with `x-amzn-ErrorType: error_type`
    """

    def __init__(self, token: TokenSource = None, *, lifetime: float | None = None) -> None:
        self.token: TokenSource = token
        self.lifetime: float | None = lifetime
        self.delay: float = 0.0
        self.hang: bool = False
        self.error: str | None = None
        self.error_status: int = 403
        self.error_type: str = "AccessDeniedException"
        self.requests: list[TokenRequest] = []  # every request, in arrival order
        self.issued: list[str] = []  # every token handed out, in order
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._in_flight = 0
        self.max_in_flight = 0  # most requests being handled at one time
        self._server = LoopbackServer(self._respond)

    @property
    def endpoint_url(self) -> str:
        """`http://127.0.0.1:PORT`: the value for AWS_ENDPOINT_URL_CODEARTIFACT."""
        return self._server.url

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def token_requests(self) -> list[TokenRequest]:
        """Only the GetAuthorizationToken calls."""
        with self._lock:
            return [r for r in self.requests if r.path == "/v1/authorization-token"]

    def set_error(
        self,
        message: str
        | None = "User is not authorized to perform: codeartifact:GetAuthorizationToken",
        *,
        status: int = 403,
        error_type: str = "AccessDeniedException",
    ) -> None:
        """Answer every request with this error (message None: back to normal)."""
        self.error, self.error_status, self.error_type = message, status, error_type

    def aws_env(
        self,
        tmp_path: Path,
        *,
        region: str = "eu-west-1",
        access_key_id: str | None = "AKIDENVFAKE",
        profiles: Mapping[str, str] | None = None,
        profile: str | None = None,
    ) -> dict[str, str]:
        """Child-process environment (merge over `isolated_env`) that sends boto3 here."""
        return aws_env(
            self.endpoint_url,
            tmp_path,
            region=region,
            access_key_id=access_key_id,
            profiles=profiles,
            profile=profile,
        )

    def close(self) -> None:
        self._server.close()

    def _respond(self, request: Request) -> Reply | None:
        record = _token_request(request)
        with self._lock:
            self.requests.append(record)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return self._answer(record)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, record: TokenRequest) -> Reply | None:
        if self.hang:
            return None
        if self.delay and self._server.closing.wait(self.delay):
            return None
        if self.error is not None:
            return _error(self.error_status, self.error_type, self.error)
        if record.method != "POST" or record.path != "/v1/authorization-token":
            return _error(404, "UnknownOperationException", f"no route {record.path}")
        if record.domain is None:
            return _error(400, "ValidationException", "domain is required")
        token = self._mint(record)
        return Reply.json({"authorizationToken": token, "expiration": self._expiration(record)})

    def _mint(self, record: TokenRequest) -> str:
        if callable(self.token):
            token = self.token(record)
        elif self.token is not None:
            token = self.token
        else:
            token = f"ca-token-{next(self._serial)}-{time.monotonic_ns()}"
        with self._lock:
            self.issued.append(token)
        return token

    def _expiration(self, record: TokenRequest) -> float:
        if self.lifetime is not None:
            return time.time() + self.lifetime
        if record.duration is None:
            return time.time() + DEFAULT_DURATION
        return time.time() + (record.duration or ROLE_SESSION_LIFETIME)


def aws_env(
    endpoint_url: str,
    tmp_path: Path,
    *,
    region: str = "eu-west-1",
    access_key_id: str | None = "AKIDENVFAKE",
    profiles: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> dict[str, str]:
    """Environment for a child that talks to a fake CodeArtifact and to nothing else.

    Writes `<tmp_path>/aws/config` with a `[profile NAME]` (own static keys, `region`) for
    each `profiles` entry (name -> access key id; secret `secret-<name>`) and an empty
    `<tmp_path>/aws/credentials`. `access_key_id` None leaves AWS_ACCESS_KEY_ID unset (boto3
    then uses the profile: needed when the profile comes from AWS_PROFILE, since environment
    keys beat AWS_PROFILE). `profile` sets AWS_PROFILE.
    """
    aws_dir = tmp_path / "aws"
    aws_dir.mkdir(parents=True, exist_ok=True)
    config = aws_dir / "config"
    sections = [
        f"[profile {name}]\naws_access_key_id = {key}\n"
        f"aws_secret_access_key = secret-{name}\nregion = {region}\n"
        for name, key in (profiles or {}).items()
    ]
    config.write_text("\n".join(sections))
    credentials = aws_dir / "credentials"
    credentials.write_text("")
    env = {
        "AWS_ENDPOINT_URL_CODEARTIFACT": endpoint_url,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_DEFAULT_REGION": region,
    }
    if access_key_id is not None:
        env["AWS_ACCESS_KEY_ID"] = access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = "fake-secret-access-key"
    if profile is not None:
        env["AWS_PROFILE"] = profile
    return env


def _token_request(request: Request) -> TokenRequest:
    match = _CREDENTIAL.search(request.headers.get("authorization", ""))
    duration = request.query.get("duration")
    return TokenRequest(
        method=request.method,
        path=request.path,
        domain=request.query.get("domain"),
        domain_owner=request.query.get("domain-owner"),
        duration=int(duration) if duration is not None else None,
        access_key_id=match.group(1) if match else None,
        region=match.group(2) if match else None,
        service=match.group(3) if match else None,
        headers=request.headers,
    )


def _error(status: int, error_type: str, message: str) -> Reply:
    return Reply.json({"message": message}, status, {"x-amzn-ErrorType": error_type})
