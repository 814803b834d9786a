"""AWS CodeArtifact: a token from GetAuthorizationToken, sent with the username `aws`.

The domain, its owner (account id) and the region come from the host
`<domain>-<account>.d.codeartifact.<region>.amazonaws.com`; an index behind a proxy or a
custom domain names them in its settings instead (`domain`, `domain-owner`, `region`).
Credentials come from boto3's own chain: `profile` from the settings, else `AWS_PROFILE`,
environment keys, SSO, `credential_process`, instance roles. `duration` is 0 (the
caller's role-session expiry) or 900..43200 seconds; unset, the service gives 12 hours.

boto3 is imported inside `fetch` only: the fast path never pays for it.
"""

from __future__ import annotations

import re

from uvcreds.errors import UvcredsError
from uvcreds.model import Credential, Index
from uvcreds.providers.base import RENEW_TOKEN, HeldIn, Settings
from uvcreds.urls import Url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEYS = frozenset({"profile", "region", "domain", "domain-owner", "duration"})
# They pick which domain's token is minted, and a URL that is not CodeArtifact's gets it.
SENSITIVE = frozenset({"domain", "domain-owner", "region"})
IDENTITY_ENV: tuple[str, ...] = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",  # the key id only: it names an identity, it is no secret
    "AWS_ROLE_ARN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_CODEARTIFACT",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)
SECRET_ENV: tuple[str, ...] = ()
VENDOR: str | None = "CodeArtifact"
MADE_BY = "token minted by aws with your AWS login"
REFUSED = "the token"
RENEW = RENEW_TOKEN
NOT_FOUND_IS_REFUSED = True

HOST = re.compile(
    r"^(?P<domain>[a-z][a-z0-9-]{0,48}[a-z0-9])-(?P<owner>\d{12})"
    r"\.d\.codeartifact\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$"
)
DOMAIN = re.compile(r"^[a-z][a-z0-9-]{0,48}[a-z0-9]$")
OWNER = re.compile(r"^\d{12}$")
USERNAME = "aws"
NO_TOKEN = (
    "CodeArtifact answered without a token or its expiry; check AWS_ENDPOINT_URL_CODEARTIFACT "
    "or try again"
)
MIN_DURATION, MAX_DURATION = 900, 43200


def matches(url: Url) -> bool:
    return url.scheme == "https" and HOST.match(url.host) is not None


def resource(url: Url) -> str | None:
    """A CodeArtifact host names one domain of one account in one region: the token is
    that domain's, good for any of its repositories."""
    return url.host if matches(url) else None


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    return None


def username_problem(username: str) -> str | None:
    return None if username == USERNAME else f"CodeArtifact takes only the username {USERNAME!r}"


def fetch(index: Index, settings: Settings) -> Credential:
    domain, owner, region = _target(index, settings)
    duration = _duration(settings)
    request: dict[str, Any] = {"domain": domain}
    if owner is not None:
        request["domainOwner"] = owner
    if duration is not None:
        request["durationSeconds"] = duration
    reply = _call(index, settings, region, request)
    token, expiration = reply.get("authorizationToken"), reply.get("expiration")
    if not isinstance(token, str) or not hasattr(expiration, "timestamp"):
        raise UvcredsError(f"index {index.name!r}: {NO_TOKEN}")
    return Credential(USERNAME, token, expiration.timestamp())


def _target(index: Index, settings: Settings) -> tuple[str, str | None, str | None]:
    """Domain, owner and region: from a CodeArtifact host, else from the settings."""
    found = HOST.match(index.target.host) if index.target is not None else None
    if found:
        return found["domain"], found["owner"], found["region"]
    domain, owner = settings.text("domain"), settings.text("domain-owner")
    if domain is None:
        raise UvcredsError(
            f"index {index.name!r}: {index.display_url} is no CodeArtifact URL; set domain "
            f"(and domain-owner, region) for it in {settings.origin}"
        )
    if not DOMAIN.match(domain):
        raise UvcredsError(f"{settings.origin}: 'domain' {domain!r} is no CodeArtifact domain")
    if owner is not None and not OWNER.match(owner):
        raise UvcredsError(f"{settings.origin}: 'domain-owner' must be a 12-digit account id")
    return domain, owner, settings.text("region")


def _duration(settings: Settings) -> int | None:
    value = settings.values.get("duration")
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (value == 0 or MIN_DURATION <= value <= MAX_DURATION)
    ):
        raise UvcredsError(
            f"{settings.origin}: 'duration' must be 0 or {MIN_DURATION}..{MAX_DURATION} "
            f"seconds, not {value!r}"
        )
    return value


def _call(index: Index, settings: Settings, region: str | None, request: dict[str, Any]) -> Any:
    """One GetAuthorizationToken call in a fresh session (no credentials cached across calls)."""
    import boto3.session
    import botocore.config
    import botocore.exceptions

    config = botocore.config.Config(
        connect_timeout=5, read_timeout=20, retries={"mode": "standard", "total_max_attempts": 2}
    )
    profile = settings.text("profile")
    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        client = session.client("codeartifact", config=config)
        return client.get_authorization_token(**request)
    except ValueError:  # botocore could not parse the answer (a timestamp, a body)
        raise UvcredsError(f"index {index.name!r}: {NO_TOKEN}") from None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        named = profile or _environment_profile(settings)
        reason = _explain(exc, request, named, index.display_url)
        raise UvcredsError(f"index {index.name!r}: {reason}") from None


def _environment_profile(settings: Settings) -> str | None:
    return settings.environ.get("AWS_PROFILE") or settings.environ.get("AWS_DEFAULT_PROFILE")


def _explain(exc: Exception, request: dict[str, Any], profile: str | None, url: str) -> str:
    """A botocore failure as one line that says what to do; never the service's own text,
    which may name ARNs, and never a credential."""
    from botocore import exceptions as e

    who = f"profile {profile}" if profile else "the default AWS credentials"
    of = f" for profile {profile}" if profile else ""
    login = f"run `aws sso login{f' --profile {profile}' if profile else ''}`"
    if isinstance(exc, e.ClientError):
        return _client_error(exc.response.get("Error", {}).get("Code", "error"), request, who)
    if isinstance(exc, e.ProfileNotFound):
        return f"AWS profile {profile!r} is not in the AWS config; fix 'profile' or AWS_PROFILE"
    if isinstance(exc, e.NoRegionError):
        return f"no AWS region for {url}; set region in its uvcreds settings or AWS_REGION"
    if isinstance(exc, e.NoCredentialsError):
        return f"no AWS credentials{of}; {login} or `aws configure`"
    if isinstance(exc, (e.SSOError, e.TokenRetrievalError)):
        return f"the AWS SSO session{of} has expired; {login}"
    if isinstance(exc, (e.EndpointConnectionError, e.ConnectTimeoutError)):
        from urllib.parse import urlsplit

        parts = urlsplit(str(getattr(exc, "kwargs", {}).get("endpoint_url", "")))
        port = f":{parts.port}" if _port(parts) else ""
        endpoint = f"{parts.scheme}://{parts.hostname}{port}" if parts.hostname else "CodeArtifact"
        return f"cannot reach {endpoint}; check the network (or AWS_ENDPOINT_URL_CODEARTIFACT)"
    if isinstance(exc, e.ReadTimeoutError):
        return "CodeArtifact did not answer in time; try again"
    return f"AWS: {_one_line(str(exc))}"


def _port(parts: Any) -> int | None:
    """The endpoint's port, never its userinfo (a URL may carry credentials)."""
    try:
        return int(parts.port) if parts.port else None
    except ValueError:
        return None


def _client_error(code: str, request: dict[str, Any], who: str) -> str:
    domain = f"domain {request['domain']!r}"
    if "domainOwner" in request:
        domain += f" (owner {request['domainOwner']})"
    if code == "AccessDeniedException":
        return (
            f"AWS denied a CodeArtifact token for {domain} to {who}; it needs "
            "codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken"
        )
    if code == "ResourceNotFoundException":
        return f"CodeArtifact has no {domain} in this region; check the index URL"
    if code in ("ExpiredTokenException", "UnrecognizedClientException"):
        return f"AWS rejected the credentials of {who} ({code}); renew them"
    return f"CodeArtifact refused a token for {domain} ({code})"


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
