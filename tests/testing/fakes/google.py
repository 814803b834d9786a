"""A fake Google: the OAuth2 token endpoint, the STS endpoint and the GCE metadata server.

One loopback server plays all three, for real google-auth in a child process:
  POST /token   jwt-bearer grant from a service-account key (`service_account_file`)
  POST /sts     token exchange from an external_account file (`external_account_file`)
  GET  /, /computeMetadata/v1/...   the metadata server (`metadata_env`)
Every request is recorded; every token handed out is counted.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.testing.fakes._server import Closing, LoopbackServer, Reply, Request

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
_FLAVOR = {"Metadata-Flavor": "Google"}
_SA_PREFIX = "/computeMetadata/v1/instance/service-accounts/default"


@dataclass(frozen=True)
class TokenGrant:
    """One token request the fake answered or refused."""

    kind: str  # "jwt-bearer" (service account), "sts" (external account), "metadata"
    claims: dict[str, Any]  # JWT payload for jwt-bearer (iss, scope, aud, iat, exp...), else {}
    form: dict[str, str]  # the POSTed form (empty for metadata)
    query: dict[str, str]  # the query string (metadata: `scopes`)
    token: str | None  # the token handed out; None when refused


class GoogleFake(Closing):
    """The fake, serving from construction until `close()` (also a context manager).

    Settable at any time:
      token       the access token to hand out; None for a unique token per request
      expires_in  seconds, as the endpoints report it
      error       None, or a message: token requests get 400 invalid_grant (OAuth/STS)
                  or 404 (metadata); the metadata ping and project id still answer
      project_id, email   what the metadata server reports
    """

    def __init__(self, token: str | None = None, *, expires_in: int = 3599) -> None:
        self.token = token
        self.expires_in = expires_in
        self.error: str | None = None
        self.project_id = "fake-proj"
        self.email = "sa@fake-proj.iam.gserviceaccount.com"
        self.requests: list[Request] = []  # every request, in arrival order
        self.grants: list[TokenGrant] = []  # every token request, in arrival order
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._server = LoopbackServer(self._respond)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return self._server.url

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    @property
    def sts_url(self) -> str:
        return f"{self.url}/sts"

    @property
    def metadata_host(self) -> str:
        """`127.0.0.1:PORT`: the value for GCE_METADATA_HOST and GCE_METADATA_IP."""
        return f"127.0.0.1:{self._server.port}"

    @property
    def token_count(self) -> int:
        """Token requests of any kind that got a token."""
        with self._lock:
            return sum(1 for g in self.grants if g.token is not None)

    def service_account_env(self, tmp_path: Path) -> dict[str, str]:
        """Child env: a fresh service-account key whose token_uri is this fake."""
        key = service_account_file(tmp_path / "google" / "sa.json", self.token_uri)
        return service_account_env(key, tmp_path)

    def external_account_env(self, tmp_path: Path) -> dict[str, str]:
        """Child env: an external_account (workload identity) file whose token_url is here."""
        path = external_account_file(tmp_path / "google" / "external.json", self.sts_url)
        return {**service_account_env(path, tmp_path), "GOOGLE_CLOUD_PROJECT": self.project_id}

    def metadata_env(self, tmp_path: Path) -> dict[str, str]:
        """Child env: google-auth finds this fake as the GCE metadata server."""
        return metadata_env(self.metadata_host, tmp_path)

    def route_env(self, route: str, tmp_path: Path) -> dict[str, str]:
        """Child env for a route ("service_account", "metadata", "external_account"):
        how google-auth finds its credentials."""
        return {
            "service_account": self.service_account_env,
            "metadata": self.metadata_env,
            "external_account": self.external_account_env,
        }[route](tmp_path)

    def close(self) -> None:
        self._server.close()

    def _respond(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        if request.method == "POST" and request.path == "/token":
            return self._oauth(request)
        if request.method == "POST" and request.path == "/sts":
            return self._sts(request)
        if request.method == "GET":
            return self._metadata(request)
        return Reply.text("not found", 404)

    def _oauth(self, request: Request) -> Reply:
        form = request.form()
        if form.get("grant_type") != JWT_BEARER:
            return _oauth_error("unsupported_grant_type", form.get("grant_type", ""))
        claims = _jwt_claims(form.get("assertion", ""))
        if claims is None:
            return _oauth_error("invalid_grant", "assertion is not a signed JWT")
        token = self._grant("jwt-bearer", claims, form, request.query)
        if token is None:
            return _oauth_error("invalid_grant", self.error or "")
        return Reply.json(
            {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}
        )

    def _sts(self, request: Request) -> Reply:
        form = request.form()
        if form.get("grant_type") != TOKEN_EXCHANGE or not form.get("subject_token"):
            return _oauth_error("invalid_request", "not a token exchange")
        token = self._grant("sts", {}, form, request.query)
        if token is None:
            return _oauth_error("invalid_grant", self.error or "")
        return Reply.json(
            {
                "access_token": token,
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "token_type": "Bearer",
                "expires_in": self.expires_in,
            }
        )

    def _metadata(self, request: Request) -> Reply:
        path = request.path
        if path == "/":
            return Reply.text("", 200, _FLAVOR)
        if request.headers.get("metadata-flavor") != "Google":
            return Reply.text("Missing Metadata-Flavor:Google header", 403, _FLAVOR)
        if path == "/computeMetadata/v1/project/project-id":
            return Reply.text(self.project_id, 200, _FLAVOR)
        if path in (_SA_PREFIX, _SA_PREFIX + "/"):
            info = {"aliases": ["default"], "email": self.email, "scopes": [CLOUD_PLATFORM]}
            return Reply.json(info, 200, _FLAVOR)
        if path == _SA_PREFIX + "/email":
            return Reply.text(self.email, 200, _FLAVOR)
        if path == _SA_PREFIX + "/token":
            token = self._grant("metadata", {}, {}, request.query)
            if token is None:
                return Reply.text(self.error or "error", 404, _FLAVOR)
            body = {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}
            return Reply.json(body, 200, _FLAVOR)
        return Reply.text("not found", 404, _FLAVOR)

    def _grant(
        self, kind: str, claims: dict[str, Any], form: dict[str, str], query: dict[str, str]
    ) -> str | None:
        token = None
        if self.error is None:
            token = self.token or f"ya29.fake-{next(self._serial)}-{time.monotonic_ns()}"
        with self._lock:
            self.grants.append(TokenGrant(kind, claims, form, query, token))
        return token


def service_account_file(
    path: Path,
    token_uri: str,
    *,
    project_id: str = "fake-proj",
    client_email: str = "sa@fake-proj.iam.gserviceaccount.com",
) -> Path:
    """Write a service-account key JSON (real RSA key) whose token_uri is `token_uri`."""
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": "fakekeyid0001",
        "private_key": _private_key_pem(),
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, indent=2))
    return path


def external_account_file(path: Path, token_url: str) -> Path:
    """Write an external_account (workload identity federation) file reading a subject JWT."""
    subject = path.with_name(path.stem + "-subject.jwt")
    subject.parent.mkdir(parents=True, exist_ok=True)
    subject.write_text(_unsigned_jwt({"sub": "ci-job", "aud": "fake"}))
    info = {
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/"
        "workloadIdentityPools/pool/providers/ci",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": token_url,
        "credential_source": {"file": str(subject)},
    }
    path.write_text(json.dumps(info, indent=2))
    return path


def service_account_env(credentials_file: Path, tmp_path: Path) -> dict[str, str]:
    """Child env: GOOGLE_APPLICATION_CREDENTIALS plus an empty CLOUDSDK_CONFIG."""
    return {
        "GOOGLE_APPLICATION_CREDENTIALS": str(credentials_file),
        "CLOUDSDK_CONFIG": str(_empty_dir(tmp_path / "google" / "gcloud-config")),
    }


def metadata_env(metadata_host: str, tmp_path: Path) -> dict[str, str]:
    """Child env for the metadata route: GCE_METADATA_HOST/IP and an empty CLOUDSDK_CONFIG.

    The base env must not carry GOOGLE_APPLICATION_CREDENTIALS (`isolated_env` doesn't).
    google-auth reads GCE_METADATA_HOST when it is imported: only children see this.
    """
    return {
        "GCE_METADATA_HOST": metadata_host,
        "GCE_METADATA_IP": metadata_host,
        "CLOUDSDK_CONFIG": str(_empty_dir(tmp_path / "google" / "gcloud-config")),
    }


def _empty_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=1)
def _private_key_pem() -> str:
    """One RSA key per test process: generating one costs ~50 ms."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    parts = assertion.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return claims


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    def enc(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc({'iat': now, **claims})}.sig"


def _oauth_error(error: str, description: str) -> Reply:
    return Reply.json({"error": error, "error_description": description}, 400)
