"""Google Artifact Registry: an OAuth2 access token, sent with the username `oauth2accesstoken`.

First google-auth's application default credentials, in google-auth's own order:
`GOOGLE_APPLICATION_CREDENTIALS` (service-account key, workload identity federation),
gcloud's ADC file (`gcloud auth application-default login`), then the metadata server
(`GCE_METADATA_HOST`) on Compute Engine, GKE and Cloud Run. When google-auth finds none,
`gcloud config config-helper` gives the token of the account gcloud is logged in with.

google-auth is imported inside `fetch` only; it refreshes over its `requests` transport.
"""

from __future__ import annotations

import re
import time

from uvcreds.errors import UvcredsError
from uvcreds.model import Credential, Index
from uvcreds.providers.base import (
    RENEW_TOKEN,
    HeldIn,
    Settings,
    find_program,
    iso_timestamp,
    run_program,
)
from uvcreds.urls import Url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

KEYS: frozenset[str] = frozenset()
SENSITIVE: frozenset[str] = frozenset()
IDENTITY_ENV: tuple[str, ...] = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_CONFIG",
    "CLOUDSDK_ACTIVE_CONFIG_NAME",
    "CLOUDSDK_CORE_ACCOUNT",
    "GCE_METADATA_HOST",
)
SECRET_ENV: tuple[str, ...] = ()
VENDOR: str | None = "Artifact Registry"
MADE_BY = (
    "token minted by google with your Google login (application default credentials, else gcloud)"
)
REFUSED = "the token"
RENEW = RENEW_TOKEN
NOT_FOUND_IS_REFUSED = False

HOST = re.compile(r"^[a-z0-9-]+-python\.pkg\.dev$")
USERNAME = "oauth2accesstoken"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
GCLOUD = ("config", "config-helper", "--format=json(credential)")
# When gcloud reports no expiry: its tokens last an hour; assume less.
ASSUMED_LIFETIME = 1800.0
ADC_LOGIN = "run `gcloud auth application-default login`"


def matches(url: Url) -> bool:
    return url.scheme == "https" and HOST.match(url.host) is not None


def resource(url: Url) -> str | None:
    """An Artifact Registry host: Google's token may go to any index there."""
    return url.host if matches(url) else None


def held_in(index: Index, settings: Settings) -> HeldIn | None:
    return None


# Artifact Registry also takes a service account key with the other two.
USERNAMES = frozenset({USERNAME, "_json_key", "_json_key_base64"})


def username_problem(username: str) -> str | None:
    if username in USERNAMES:
        return None
    return f"Artifact Registry takes the username {USERNAME!r} (or '_json_key' with a key)"


def fetch(index: Index, settings: Settings) -> Credential:
    where = f"index {index.name!r}"
    credential = _from_application_default(where, settings)
    if credential is None:
        credential = _from_gcloud(where, settings)
    return credential


def _from_application_default(where: str, settings: Settings) -> Credential | None:
    """A token from google-auth, or None when it finds no credentials at all."""
    import logging
    import warnings

    # google-auth logs and warns about probes that failed (no metadata server, no quota
    # project): not the user's business when a token comes anyway, or from gcloud.
    logging.getLogger("google.auth").addHandler(logging.NullHandler())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        credentials = _find(where, settings)
        if credentials is None:
            return None
        _refresh(credentials, where)
    if not isinstance(credentials.token, str) or not credentials.token:
        raise UvcredsError(f"{where}: google-auth gave no access token; {ADC_LOGIN}")
    return Credential(USERNAME, credentials.token, _utc_timestamp(credentials.expiry))


def _find(where: str, settings: Settings) -> Any:
    """google-auth's application default credentials, or None when it finds none."""
    import google.auth
    import google.auth.exceptions

    try:
        credentials, _ = google.auth.default(scopes=[SCOPE])
    except google.auth.exceptions.DefaultCredentialsError as exc:
        if settings.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
            raise UvcredsError(f"{where}: GOOGLE_APPLICATION_CREDENTIALS: {_reason(exc)}") from None
        return None
    return credentials


def _refresh(credentials: Any, where: str) -> None:
    import google.auth.exceptions
    import google.auth.transport.requests  # requests: google-auth's [requests] extra

    try:
        credentials.refresh(google.auth.transport.requests.Request())
    except google.auth.exceptions.TransportError as exc:
        raise UvcredsError(
            f"{where}: cannot reach Google for a token ({_reason(exc)}); check the network"
        ) from None
    except google.auth.exceptions.GoogleAuthError as exc:
        raise UvcredsError(
            f"{where}: Google refused to refresh the application default credentials "
            f"({_reason(exc)}); {ADC_LOGIN}"
        ) from None


def _utc_timestamp(expiry: datetime | None) -> float:
    """google-auth's expiry is a naive UTC datetime (or None: assume the usual hour, less)."""
    import calendar

    if expiry is None:
        return time.time() + ASSUMED_LIFETIME
    return calendar.timegm(expiry.utctimetuple()) + expiry.microsecond / 1e6


def _from_gcloud(where: str, settings: Settings) -> Credential:
    gcloud = find_program("gcloud", settings)
    if gcloud is None:
        raise UvcredsError(f"{where}: no Google credentials; {ADC_LOGIN}")
    done = run_program([gcloud, *GCLOUD], settings, where)
    if done.returncode != 0:
        raise UvcredsError(f"{where}: {_gcloud_failure(done.returncode, done.stderr)}")
    return _parse_gcloud(where, done.stdout)


def _gcloud_failure(returncode: int, stderr: str) -> str:
    if "auth login" in stderr or "active account" in stderr:
        return f"no Google credentials, and gcloud is not logged in; {ADC_LOGIN}"
    errors = [line for line in stderr.splitlines() if line.startswith("ERROR:")]
    said = f": {_reason(Exception(errors[0]))}" if errors else ""
    return f"gcloud failed (exit {returncode}){said}; {ADC_LOGIN}"


def _parse_gcloud(where: str, stdout: str) -> Credential:
    import json

    try:
        credential: Any = json.loads(stdout)["credential"]
        token = credential["access_token"]
    except (ValueError, KeyError, TypeError):
        raise UvcredsError(
            f"{where}: `gcloud {' '.join(GCLOUD)}` printed no access token; {ADC_LOGIN}"
        ) from None
    if not isinstance(token, str) or not token:
        raise UvcredsError(f"{where}: gcloud printed an empty access token; {ADC_LOGIN}")
    return Credential(USERNAME, token, _parse_expiry(credential.get("token_expiry")))


def _parse_expiry(text: object) -> float:
    """gcloud's `token_expiry`, e.g. `2024-05-01T12:00:00Z` (UTC)."""
    moment = iso_timestamp(text) if isinstance(text, str) else None
    return moment if moment is not None else time.time() + ASSUMED_LIFETIME


def _reason(exc: Exception) -> str:
    """google-auth's message, first part only (its later args may hold a response body)."""
    first = exc.args[0] if exc.args else type(exc).__name__
    line = " ".join(str(first).split())
    return line if len(line) <= 200 else line[:199] + "…"
